/*
 * h_typing.c - POST /api/messages/typing {chat_id, state}: an ephemeral
 * "typing" event (composing, recording or paused) to the other members'
 * devices. Nothing is stored, not even in Redis: the event says it
 * expires after MSG_TYPING_TTL_S seconds and clients drop it unless it is
 * refreshed. Rate limited per device (429 with Retry-After); users who
 * blocked each other get nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "jv.h"
#include "messages.h"
#include "ratelimit.h"

int
h_typing(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const keys[] = { "chat_id", "state", NULL };
	static const char sql[] =
	    "SELECT d.user_id, d.id FROM chat_members m "
	    "JOIN devices d ON d.user_id = m.user_id "
	    "WHERE m.chat_id = $1 AND m.state = 'active' AND m.user_id <> $2 "
	    "AND NOT is_blocked(m.user_id, $2)";
	const char	*vals[2], *chat, *state;
	char		*key;
	PGresult	*res = NULL;
	json_t		*body = NULL, *ev = NULL;
	int		 i, rc;

	if ((rc = jv_parse_only(r->body, r->body_len, keys, &body, e)) != 0 ||
	    (rc = msg_uuid_field(body, "chat_id", &chat, e)) != 0 ||
	    (rc = jv_str(body, "state", JV_REQUIRED, 1, 16, &state, e)) != 0)
		goto out;
	if (strcmp(state, "composing") != 0 &&
	    strcmp(state, "recording") != 0 && strcmp(state, "paused") != 0) {
		rc = err_set(e, APP_EINVAL, "invalid_field",
		    "state must be composing, recording or paused");
		goto out;
	}
	key = arena_printf(r->arena, "parley:rl:typing:%s:%d", r->user_id,
	    r->device_id);
	if ((rc = rl_hit(r->kv, key, MSG_TYPING_MAX, MSG_TYPING_WINDOW_S, NULL,
	    e)) != 0 || (rc = msg_member(r, chat, NULL, e)) != 0)
		goto out;
	vals[0] = chat;
	vals[1] = r->user_id;
	if ((res = db_exec(r->db, sql, 2, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	ev = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i}", "type", "typing",
	    "chat_id", chat, "user", r->user_id, "device", r->device_id,
	    "state", state, "expires_in", MSG_TYPING_TTL_S);
	for (i = 0; ev != NULL && i < PQntuples(res); i++)
		msg_publish_json(r, PQgetvalue(res, i, 0),
		    atoi(PQgetvalue(res, i, 1)), ev);
	rc = resp_json(resp, 204, NULL);
out:
	json_decref(ev);
	PQclear(res);
	json_decref(body);
	return rc;
}
