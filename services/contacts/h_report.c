/*
 * h_report.c - POST /api/contacts/reports: report a user or a chat to
 * moderation.
 *
 *   {"user_id"?: uuid, "chat_id"?: uuid, "reason"?: text,
 *    "messages"?: [{"sender"?: uuid, "sent_at"?: text, "text": text}] (<= 5),
 *    "block"?: bool}                                  -> 201 {"id": uuid}
 *
 * The server never held the plaintext, so the reporter's client attaches
 * the chat's last 5 messages itself. They are stored for deploy/admin
 * reports and never logged. The reported user is not told. "block": true
 * also blocks user_id, in the same transaction.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "contacts.h"
#include "db.h"
#include "jv.h"
#include "log.h"
#include "ratelimit.h"

/* A clean copy of the attached messages, or an error naming the field. */
static int
report_messages(const json_t *in, json_t **out, struct err *e)
{
	static const char *const fields[] = { "sender", "sent_at", "text",
	    NULL };
	const char	*sender, *sent_at, *text;
	json_t		*m;
	size_t		 i;
	int		 rc;

	*out = json_array();
	if (in == NULL)
		return 0;
	if (!json_is_array(in) || json_array_size(in) > CT_REPORT_MSGS)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "messages must be an array of at most %d", CT_REPORT_MSGS);
	json_array_foreach(in, i, m) {
		sender = sent_at = text = NULL;
		if (!json_is_object(m))
			return err_set(e, APP_EINVAL, "invalid_field",
			    "messages[%zu] must be an object", i);
		if ((rc = jv_only(m, fields, e)) != 0 ||
		    (rc = jv_str(m, "sender", 0, 36, 36, &sender, e)) != 0 ||
		    (rc = jv_str(m, "sent_at", 0, 1, 40, &sent_at, e)) != 0 ||
		    (rc = jv_str(m, "text", JV_REQUIRED | JV_MULTILINE, 0,
		    CT_REPORT_TEXT_MAX, &text, e)) != 0)
			return rc;
		if (sender != NULL && !auth_uuid_ok(sender))
			return err_set(e, APP_EINVAL, "invalid_field",
			    "messages[%zu].sender must be a uuid", i);
		json_array_append_new(*out, json_pack("{s:s?, s:s?, s:s}",
		    "sender", sender, "sent_at", sent_at, "text", text));
	}
	return 0;
}

static int
report_fields(struct req *r, const json_t *body, const char **vals,
    int *block, struct err *e)
{
	int	 rc;

	if ((rc = jv_str(body, "user_id", 0, 36, 36, &vals[1], e)) != 0 ||
	    (rc = jv_str(body, "chat_id", 0, 36, 36, &vals[2], e)) != 0 ||
	    (rc = jv_str(body, "reason", JV_MULTILINE, 0,
	    CT_REPORT_REASON_MAX, &vals[3], e)) != 0 ||
	    (rc = jv_bool(body, "block", 0, block, e)) != 0)
		return rc;
	if (vals[1] == NULL && vals[2] == NULL)
		return err_set(e, APP_EINVAL, "missing_field",
		    "give user_id, chat_id or both");
	if ((vals[1] != NULL && !auth_uuid_ok(vals[1])) ||
	    (vals[2] != NULL && !auth_uuid_ok(vals[2])))
		return err_set(e, APP_EINVAL, "invalid_id",
		    "user_id and chat_id must be uuids");
	if (vals[1] != NULL && strcasecmp(vals[1], r->user_id) == 0)
		return err_set(e, APP_EINVAL, "cannot_report_self",
		    "you cannot report yourself");
	if (*block && vals[1] == NULL)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "block needs user_id");
	return 0;
}

/* The user must exist; the chat must be one the reporter is in. */
static int
report_targets(struct req *r, const char **vals, struct err *e)
{
	PGresult	*res;
	int		 user_ok, chat_ok;

	if ((res = db_exec(r->db, "SELECT $2::uuid IS NULL OR EXISTS (SELECT 1 "
	    "FROM users WHERE id = $2), $3::uuid IS NULL OR EXISTS (SELECT 1 "
	    "FROM chat_members WHERE chat_id = $3 AND user_id = $1)", 3, vals,
	    e)) == NULL)
		return e->code;
	user_ok = PQgetvalue(res, 0, 0)[0] == 't';
	chat_ok = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	if (!user_ok)
		return err_set(e, APP_ENOTFOUND, "user_not_found",
		    "no such user");
	if (!chat_ok)
		return err_set(e, APP_ENOTFOUND, "chat_not_found",
		    "no such chat");
	return 0;
}

int
h_report(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "user_id", "chat_id", "reason",
	    "messages", "block", NULL };
	const char	*vals[5] = { r->user_id, NULL, NULL, "", NULL };
	json_t		*body = NULL, *msgs = NULL, *o = NULL, *ev;
	char		*mtext = NULL;
	int		 rc, block = 0;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = report_fields(r, body, vals, &block, e)) != 0 ||
	    (rc = report_messages(json_object_get(body, "messages"), &msgs,
	    e)) != 0)
		goto out;
	if ((rc = rl_hit(r->kv, arena_printf(r->arena, "parley:rl:report:%s",
	    r->user_id), CT_REPORTS_HOURLY, 3600, NULL, e)) != 0)
		goto out;
	vals[4] = mtext = json_dumps(msgs, JSON_COMPACT);
	if ((rc = db_begin(r->db, e)) != 0)
		goto out;
	if ((rc = report_targets(r, vals, e)) != 0 ||
	    (rc = ct_query_json(r, "INSERT INTO reports (reporter_id, "
	    "reporter_phone, target_user_id, target_phone, chat_id, reason, "
	    "messages) SELECT $1, (SELECT phone FROM users WHERE id = $1), "
	    "$2, (SELECT phone FROM users WHERE id = $2), $3, "
	    "COALESCE($4, ''), $5::jsonb RETURNING json_build_object('id', "
	    "id)", 5, vals, "not_found", "not stored", &o, e)) != 0)
		goto out;
	if (block && (rc = ct_exec(r, "INSERT INTO blocks (user_id, "
	    "blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, vals,
	    NULL, e)) != 0)
		goto out;
	if ((rc = db_commit(r->db, e)) != 0)
		goto out;
	log_info("event=report_created id=%s",
	    json_string_value(json_object_get(o, "id")));
	if (block) {
		ct_unwatch(r, r->user_id, vals[1]);
		ct_unwatch(r, vals[1], r->user_id);
	}
	if (block && (ev = json_pack("{s:s, s:s, s:s}", "type", "contacts",
	    "action", "block", "user_id", vals[1])) != NULL) {
		ct_publish(r, r->user_id, ev);
		json_decref(ev);
	}
	rc = resp_json(resp, 201, o);
	o = NULL;
out:
	if (rc != 0)
		db_rollback(r->db);
	free(mtext);
	json_decref(o);
	json_decref(msgs);
	json_decref(body);
	return rc;
}
