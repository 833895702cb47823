/*
 * h_chatlist.c - how the caller's chat list is arranged, the same on
 * every device:
 *
 *   GET   /api/contacts/chatlist         {"chats": [state], "lists": [list]}
 *   PATCH /api/contacts/chatlist/:chat   any of {archived: bool,
 *         pinned: bool, mute: "8h"|"1w"|"always"|"off",
 *         marked_unread: bool, favourite: bool} -> the chat's state
 *
 * Only chats the caller is (or was) a member of. At most 3 pins: a 4th is
 * 409 pin_limit. Archiving unpins and pinning unarchives, as in WhatsApp;
 * an archived chat stays archived when messages arrive (nothing but this
 * handler clears the flag). Each change reaches every device as
 * {"type": "chatlist", "chat": state}.
 */
#include "contacts.h"
#include "db.h"
#include "jv.h"

#define CHAT_JSON \
	"json_build_object('chat_id', s.chat_id, 'archived', s.archived, " \
	"'pinned', s.pinned_at IS NOT NULL, 'pinned_at', iso_utc(s.pinned_at), " \
	"'muted_until', CASE WHEN s.muted_until = 'infinity' THEN 'always' " \
	"WHEN s.muted_until > now() THEN iso_utc(s.muted_until) END, " \
	"'marked_unread', s.marked_unread, 'favourite', s.favourite)"

#define MUTE_SQL(old) \
	"CASE $5::text WHEN '8h' THEN now() + interval '8 hours' " \
	"WHEN '1w' THEN now() + interval '7 days' " \
	"WHEN 'always' THEN 'infinity'::timestamptz WHEN 'off' THEN NULL " \
	"ELSE " old " END"

static const char *const mute_v[] = { "8h", "1w", "always", "off", NULL };

int
h_chatlist_get(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	json_t		*o;
	int		 rc;

	if ((rc = ct_query_json(r, "SELECT json_build_object('chats', "
	    "(SELECT COALESCE(json_agg(" CHAT_JSON " ORDER BY s.pinned_at, "
	    "s.chat_id), '[]') FROM chat_state s WHERE s.user_id = $1), "
	    "'lists', (SELECT COALESCE(json_agg(json_build_object('id', l.id, "
	    "'name', l.name, 'chats', COALESCE((SELECT json_agg(m.chat_id "
	    "ORDER BY m.chat_id) FROM chat_list_members m WHERE "
	    "m.list_id = l.id), '[]')) ORDER BY l.created_at, l.id), '[]') "
	    "FROM chat_lists l WHERE l.user_id = $1))", 1, vals, "not_found",
	    "none", &o, e)) != 0)
		return rc;
	return resp_json(resp, 200, o);
}

/* Reads the body into v[2..6]: archived, pinned, mute, unread, favourite. */
static int
chat_fields(struct req *r, const json_t *b, const char **v, struct err *e)
{
	int	 fl[4] = { -1, -1, -1, -1 }, rc, i;

	if ((rc = jv_bool(b, "archived", 0, &fl[0], e)) != 0 ||
	    (rc = jv_bool(b, "pinned", 0, &fl[1], e)) != 0 ||
	    (rc = ct_enum(b, "mute", mute_v, &v[4], e)) != 0 ||
	    (rc = jv_bool(b, "marked_unread", 0, &fl[2], e)) != 0 ||
	    (rc = jv_bool(b, "favourite", 0, &fl[3], e)) != 0)
		return rc;
	if (json_object_size(b) == 0)
		return err_set(e, APP_EINVAL, "missing_field",
		    "give at least one of archived, pinned, mute, "
		    "marked_unread, favourite");
	if (fl[0] == 1 && fl[1] == 1)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "an archived chat cannot be pinned");
	for (i = 0; i < 4; i++)
		if (fl[i] != -1)
			v[i < 2 ? 2 + i : 3 + i] = fl[i] ? "t" : "f";
	(void)r;
	return 0;
}

/* Under the pin lock: 409 pin_limit if 3 other chats are pinned. */
static int
chat_pin_check(struct req *r, const char **v, struct err *e)
{
	PGresult	*res;
	int		 full;

	if ((res = db_exec(r->db, "SELECT pg_advisory_xact_lock(hashtext("
	    "'pins:' || $1::uuid::text)), (SELECT count(*) FROM chat_state "
	    "WHERE user_id = $1::uuid AND pinned_at IS NOT NULL AND "
	    "chat_id <> $2::uuid) >= 3",
	    2, v, e)) == NULL)
		return e->code;
	full = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	if (full)
		return err_set(e, APP_ECONFLICT, "pin_limit",
		    "at most %d chats can be pinned; unpin one first",
		    CT_PINS_MAX);
	return 0;
}

int
h_chat_patch(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "archived", "pinned", "mute",
	    "marked_unread", "favourite", NULL };
	const char	*v[7] = { r->user_id };
	json_t		*body = NULL, *o = NULL, *ev;
	int		 rc;

	if ((rc = ct_param_uuid(r, "chat", "the chat id", &v[1], e)) != 0 ||
	    (rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = chat_fields(r, body, v, e)) != 0 ||
	    (rc = db_begin(r->db, e)) != 0)
		goto out;
	if (v[3] != NULL && v[3][0] == 't' &&
	    (rc = chat_pin_check(r, v, e)) != 0)
		goto out;
	if ((rc = ct_query_json(r, "INSERT INTO chat_state AS s (user_id, "
	    "chat_id, archived, pinned_at, muted_until, marked_unread, "
	    "favourite) SELECT $1, $2, COALESCE($3::boolean AND NOT "
	    "COALESCE($4::boolean, false), false), CASE WHEN $4::boolean THEN "
	    "now() END, " MUTE_SQL("NULL") ", COALESCE($6::boolean, false), "
	    "COALESCE($7::boolean, false) WHERE EXISTS (SELECT 1 FROM "
	    "chat_members WHERE chat_id = $2 AND user_id = $1 AND state = 'active') "
	    "ON CONFLICT (user_id, chat_id) DO UPDATE SET "
	    "archived = CASE WHEN $4::boolean THEN false "
	    "ELSE COALESCE($3::boolean, s.archived) END, "
	    "pinned_at = CASE WHEN $3::boolean OR $4::boolean = false "
	    "THEN NULL WHEN $4::boolean THEN COALESCE(s.pinned_at, now()) "
	    "ELSE s.pinned_at END, "
	    "muted_until = " MUTE_SQL("s.muted_until") ", "
	    "marked_unread = COALESCE($6::boolean, s.marked_unread), "
	    "favourite = COALESCE($7::boolean, s.favourite), "
	    "updated_at = now() RETURNING " CHAT_JSON, 7, v, "chat_not_found",
	    "no such chat", &o, e)) != 0 || (rc = db_commit(r->db, e)) != 0)
		goto out;
	if ((ev = json_pack("{s:s, s:O}", "type", "chatlist", "chat", o)) !=
	    NULL)
		ct_publish(r, r->user_id, ev);
	json_decref(ev);
	rc = resp_json(resp, 200, o);
	o = NULL;
out:
	if (rc != 0)
		db_rollback(r->db);
	json_decref(o);
	json_decref(body);
	return rc;
}
