/*
 * h_call_create.c - POST /api/calls/start {peer_user, media}: start a 1:1 call.
 *
 * In one transaction holding both users' call locks:
 *   - the caller must not have blocked the peer (403 blocked) nor be in a
 *     call already (409 already_in_call);
 *   - glare: if the peer's call to the caller is ringing, that earlier call
 *     is the one that survives, and this request answers it from the
 *     calling device (200, "glare": true) - both users wanted the call, so
 *     no second call is created and nothing rings twice;
 *   - a peer already in a call: the call is recorded as ended "busy" in
 *     both logs and the answer is 409 busy;
 *   - otherwise a ringing call (201). If the peer has blocked the caller
 *     the call is silent: it rings for the caller only and ends as missed.
 * Events go out after the commit: call_ring to every device of the callee.
 * A user starts at most CALLS_START_MAX calls a minute (429
 * call_rate_limited).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "calls.h"
#include "db.h"
#include "jv.h"
#include "log.h"
#include "ratelimit.h"

struct create {
	const char	*peer;
	const char	*media;
	int		 silent;
};

static int	create_parse(struct req *, struct create *, struct err *);
static int	create_peer(struct req *, struct create *, struct err *);
static int	create_insert(struct req *, const struct create *, int,
		    struct call *, struct err *);
static int	create_glare(struct req *, const struct create *,
		    struct call *, struct err *);

static const char *const create_keys[] = { "peer_user", "media", NULL };

static int
create_parse(struct req *r, struct create *x, struct err *e)
{
	json_t	*body = NULL;
	int	 rc;

	if ((rc = calls_body(r, create_keys, 0, &body, e)) != 0)
		goto out;
	x->peer = x->media = NULL;
	if ((rc = jv_str(body, "peer_user", JV_REQUIRED, 36, 36, &x->peer,
	    e)) != 0 || (rc = jv_str(body, "media", JV_REQUIRED, 1, 8,
	    &x->media, e)) != 0)
		goto out;
	if (!auth_uuid_ok(x->peer)) {
		rc = err_set(e, APP_EINVAL, "invalid_field",
		    "peer_user must be a uuid");
		goto out;
	}
	if (strcmp(x->media, "voice") != 0 && strcmp(x->media, "video") != 0) {
		rc = err_set(e, APP_EINVAL, "invalid_field",
		    "media must be one of: voice, video");
		goto out;
	}
	/*
	 * The strings live in body: copy them before it goes. Lower case:
	 * the peer's id names its advisory lock before it is looked up.
	 */
	x->peer = calls_lower(arena_strdup(r->arena, x->peer));
	x->media = arena_strdup(r->arena, x->media);
	if (strcasecmp(x->peer, r->user_id) == 0)
		rc = err_set(e, APP_EINVAL, "invalid_peer",
		    "you cannot call yourself");
out:
	json_decref(body);
	return rc;
}

/* The peer exists, the caller has not blocked them; sets x->silent. */
static int
create_peer(struct req *r, struct create *x, struct err *e)
{
	const char	*vals[2] = { r->user_id, x->peer };
	PGresult	*res;
	int		 rc = 0;

	if ((res = db_exec(r->db, "SELECT EXISTS (SELECT 1 FROM blocks WHERE "
	    "user_id = $1 AND blocked_id = u.id), EXISTS (SELECT 1 FROM "
	    "blocks WHERE user_id = u.id AND blocked_id = $1), u.id "
	    "FROM users u WHERE u.id = $2", 2, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1)
		rc = err_set(e, APP_ENOTFOUND, "unknown_user", "no such user");
	else if (PQgetvalue(res, 0, 0)[0] == 't')
		rc = err_set(e, APP_EFORBIDDEN, "blocked",
		    "unblock this contact to call them");
	else {
		x->silent = PQgetvalue(res, 0, 1)[0] == 't';
		/* The canonical (lower-case) form, for comparisons later. */
		x->peer = arena_strdup(r->arena, PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return rc;
}

/* state "ringing" or "ended" (busy). Writes the call and its log rows. */
static int
create_insert(struct req *r, const struct create *x, int busy,
    struct call *c, struct err *e)
{
	char		 dev[16];
	const char	*vals[6] = { r->user_id, dev, x->peer, x->media,
			    busy ? "t" : "f", x->silent ? "t" : "f" };
	PGresult	*res;
	char		*sql;

	snprintf(dev, sizeof(dev), "%d", r->device_id);
	sql = arena_printf(r->arena, "WITH c AS (INSERT INTO calls "
	    "(caller_id, caller_device, callee_id, media, state, end_reason, "
	    "ended_at, silent) VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN "
	    "'ended' ELSE 'ringing' END, CASE WHEN $5 THEN 'busy' END, "
	    "CASE WHEN $5 THEN now() END, $6) RETURNING *), "
	    "l AS (INSERT INTO call_log (user_id, call_id, outgoing) "
	    "SELECT caller_id, id, true FROM c UNION ALL "
	    "SELECT callee_id, id, false FROM c WHERE NOT silent) "
	    "SELECT %s FROM c", calls_cols);
	if ((res = db_exec(r->db, sql, 6, vals, e)) == NULL)
		return e->code;
	calls_row(res, 0, c);
	PQclear(res);
	return 0;
}

/* 1 and *c accepted when the peer's call to us was ringing; else 0. */
static int
create_glare(struct req *r, const struct create *x, struct call *c,
    struct err *e)
{
	const char	*vals[2] = { x->peer, r->user_id };
	PGresult	*res;
	char		 id[ROUTE_UUID_LEN] = "";

	if ((res = db_exec(r->db, "SELECT id FROM calls WHERE caller_id = $1 "
	    "AND callee_id = $2 AND state = 'ringing' AND NOT silent "
	    "ORDER BY created_at LIMIT 1", 2, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) == 1)
		snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (id[0] == '\0')
		return 0;
	return calls_accept(r->db, id, r->user_id, r->device_id, c, e);
}

int
h_call_create(struct req *r, struct resp *resp, struct err *e)
{
	struct create	 x = { NULL, NULL, 0 };
	struct call	 c;
	int		 rc, busy = 0, glare = 0;
	json_t		*ring = NULL;

	if ((rc = create_parse(r, &x, e)) != 0)
		return rc;
	/* Rings are intrusive: a flood of start/cancel must not be free. */
	if ((rc = rl_hit(r->kv, arena_printf(r->arena, "parley:rl:call:start:"
	    "%s", r->user_id), CALLS_START_MAX, 60, "call_rate_limited",
	    e)) != 0 || (rc = calls_sweep(r->db, r->kv, e)) < 0)
		return rc;
	if ((rc = db_begin(r->db, e)) != 0)
		return rc;
	if ((rc = calls_lock_users(r->db, r->user_id, x.peer, e)) != 0 ||
	    (rc = create_peer(r, &x, e)) != 0)
		goto fail;
	if ((rc = calls_user_busy(r->db, r->user_id, e)) != 0) {
		if (rc > 0)
			rc = err_set(e, APP_ECONFLICT, "already_in_call",
			    "end your current call first");
		goto fail;
	}
	if (!x.silent && (glare = create_glare(r, &x, &c, e)) < 0) {
		rc = glare;
		goto fail;
	}
	/*
	 * A silent call (the callee blocked the caller) is busy exactly when
	 * any other would be, so the answers never tell a block apart; only
	 * the callee's log stays untouched (create_insert).
	 */
	if (!glare && (busy = calls_user_busy(r->db, x.peer, e)) < 0) {
		rc = busy;
		goto fail;
	}
	if (!glare && (rc = create_insert(r, &x, busy, &c, e)) != 0)
		goto fail;
	if ((rc = db_commit(r->db, e)) != 0)
		return rc;
	log_info("event=call_%s call=%s", glare ? "glare" : busy ? "busy" :
	    "ring", c.id);
	if (glare) {
		calls_notify_accept(r->db, r->kv, &c, 1);
		return calls_answer(r, resp, &c, 200, 1, e);
	}
	calls_log_push(r->db, r->kv, c.id);
	if (busy) {
		err_set(e, APP_ECONFLICT, "busy", "the other person is on "
		    "another call");
		resp_error(resp, e);
		json_object_set_new(resp->body, "call_id", json_string(c.id));
		return 0;
	}
	if (!x.silent && (ring = json_pack("{s:s,s:s,s:{s:s,s:i},s:s,s:s,s:s}",
	    "type", "call_ring", "call_id", c.id, "from", "u", c.caller, "d",
	    c.caller_device, "media", c.media, "created_at", c.created_at,
	    "expires_at", c.expires_at)) != NULL)
		calls_publish_user(r->db, r->kv, c.callee, 0, ring);
	json_decref(ring);
	return calls_answer(r, resp, &c, 201, 0, e);
fail:
	db_rollback(r->db);
	return rc;
}
