/*
 * h_chats.c - POST /api/messages/chats {peer}: the one direct chat between
 * the caller and peer, created on first use (201) or returned as it is
 * (200); GET /api/messages/chats: the caller's chats with their members.
 *
 * A direct chat's stable id comes from a unique key of the two user ids in
 * order, so two users creating their chat at once still get one chat.
 *
 * Blocks: a chat created by someone the peer has blocked is created as for
 * anyone (the blocked side learns nothing), but the peer's membership is
 * hidden, so it stays out of the peer's chat list until the peer opens the
 * chat itself (POST /chats with the creator, which unhides it) or receives
 * an envelope in it after an unblock (msg_send() unhides it). Creation is
 * rate limited per user (PARLEY_RATE_CHATS_MAX per PARLEY_RATE_CHATS_WINDOW,
 * 429 chat_rate_limited), which also bounds probing user ids through 404.
 */
#include <ctype.h>
#include <string.h>

#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "messages.h"
#include "ratelimit.h"

static int	chat_direct(struct req *, const char *, const char *, char *,
		    int *, struct err *);

/* id gets the chat id; *created 1 if this call made it. */
static int
chat_direct(struct req *r, const char *peer, const char *key, char *id,
    int *created, struct err *e)
{
	/* The peer's row is hidden if the peer blocked the caller. */
	static const char sql[] =
	    "WITH ins AS (INSERT INTO chats (kind, direct_key, created_by) "
	    "    SELECT 'direct', $3, $1 WHERE EXISTS "
	    "    (SELECT 1 FROM users WHERE id = $2) "
	    "    ON CONFLICT (direct_key) DO NOTHING RETURNING id), "
	    "mem AS (INSERT INTO chat_members (chat_id, user_id, hidden) "
	    "    SELECT ins.id, u, u = $2::uuid AND EXISTS (SELECT 1 FROM "
	    "    blocks WHERE user_id = $2 AND blocked_id = $1) "
	    "    FROM ins, unnest(ARRAY[$1, $2]::uuid[]) u), "
	    "shown AS (UPDATE chat_members SET hidden = false "
	    "    WHERE chat_id = (SELECT id FROM chats WHERE direct_key = $3) "
	    "    AND user_id = $1 AND hidden) "
	    "SELECT id, true FROM ins UNION ALL "
	    "SELECT id, false FROM chats WHERE direct_key = $3";
	const char	*vals[] = { r->user_id, peer, key };
	PGresult	*res = NULL;
	int		 tries, rc = 0;

	/* A concurrent creator commits after our snapshot: look once more. */
	for (tries = 0; tries < 2; tries++) {
		PQclear(res);
		if ((res = db_exec(r->db, sql, 3, vals, e)) == NULL)
			return e->code;
		if (PQntuples(res) == 1)
			break;
	}
	if (PQntuples(res) != 1) {
		rc = err_set(e, APP_ENOTFOUND, "user_not_found",
		    "no such user");
		goto out;
	}
	memcpy(id, PQgetvalue(res, 0, 0), ROUTE_UUID_LEN);
	*created = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
out:
	PQclear(res);
	return rc;
}

int
h_chat_create(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const keys[] = { "peer", NULL };
	json_t		*body = NULL;
	const char	*in;
	char		*peer, *key, *p, id[ROUTE_UUID_LEN], rl[80];
	int		 rc, created = 0;

	if ((rc = jv_parse_only(r->body, r->body_len, keys, &body, e)) != 0 ||
	    (rc = msg_uuid_field(body, "peer", &in, e)) != 0)
		goto out;
	/* uuids compare as their lower-case text, as Postgres prints them. */
	peer = arena_strdup(r->arena, in);
	for (p = peer; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strcmp(peer, r->user_id) == 0) {
		rc = err_set(e, APP_EINVAL, "invalid_peer",
		    "a direct chat needs another user");
		goto out;
	}
	/* Fails open, like the send limit: Redis down must not stop chats. */
	snprintf(rl, sizeof(rl), "parley:rl:chats:%s", r->user_id);
	rc = rl_hit(r->kv, rl, cfg_int(CFG_RATE_CHATS_MAX),
	    cfg_int(CFG_RATE_CHATS_WINDOW), "chat_rate_limited", e);
	if (rc == APP_ERATELIMIT)
		goto out;
	err_clear(e);
	key = strcmp(r->user_id, peer) < 0 ?
	    arena_printf(r->arena, "%s:%s", r->user_id, peer) :
	    arena_printf(r->arena, "%s:%s", peer, r->user_id);
	if ((rc = chat_direct(r, peer, key, id, &created, e)) != 0)
		goto out;
	rc = resp_json(resp, created ? 201 : 200, json_pack(
	    "{s:s, s:s, s:[{s:s}, {s:s}], s:b}", "chat_id", id, "kind",
	    "direct", "members", "user", r->user_id, "user", peer, "created",
	    created));
out:
	json_decref(body);
	return rc;
}

int
h_chat_list(struct req *r, struct resp *resp, struct err *e)
{
	static const char sql[] =
	    "SELECT json_build_object('chat_id', c.id, 'kind', c.kind, "
	    "    'members', (SELECT json_agg(json_build_object('user', "
	    "    o.user_id, 'role', o.role)) FROM chat_members o "
	    "    WHERE o.chat_id = c.id "
	    "    AND o.state = 'active'))::text "
	    "FROM chat_members m JOIN chats c ON c.id = m.chat_id "
	    "WHERE m.user_id = $1 AND m.state = 'active' AND NOT m.hidden "
	    "ORDER BY c.created_at";
	const char	*vals[] = { r->user_id };
	PGresult	*res;
	json_t		*chats, *o;
	int		 i;

	if ((res = db_exec(r->db, sql, 1, vals, e)) == NULL)
		return e->code;
	chats = json_array();
	for (i = 0; i < PQntuples(res); i++)
		if ((o = json_loads(PQgetvalue(res, i, 0), 0, NULL)) != NULL)
			json_array_append_new(chats, o);
	PQclear(res);
	return resp_json(resp, 200, json_pack("{s:o}", "chats", chats));
}
