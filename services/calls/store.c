/*
 * store.c - the call rows and the events that follow their changes: body
 * and id parsing, loading a call as a user may see it, the advisory locks
 * that serialise call set-up per user, the ring-timeout sweep, ending a
 * call, and the fan-out of call_* events to the devices concerned. Events
 * are published only after the change is committed; a Redis failure is
 * logged, never returned (the state is in Postgres; GET /api/calls/active
 * and the call log recover it).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "calls.h"
#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "kv.h"
#include "log.h"

static void	calls_copy(char *dst, size_t size, const PGresult *res, int i,
		    int col);
static void	calls_iso(char out[32], long long epoch);
static int	calls_update_one(struct db *, const char *, int,
		    const char *const *, struct call *, struct err *);

const char calls_cols[] =
    "id, caller_id, caller_device, callee_id, media, state, "
    "coalesce(end_reason, ''), silent, coalesce(answered_by, 0), "
    "floor(extract(epoch FROM created_at))::bigint";

int
calls_body(const struct req *r, const char *const *allowed, int empty_ok,
    json_t **out, struct err *e)
{
	*out = NULL;
	if (empty_ok && r->body_len == 0) {
		*out = json_object();
		return 0;
	}
	return jv_parse_only(r->body, r->body_len, allowed, out, e);
}

int
calls_param_id(struct req *r, const char **out, struct err *e)
{
	const char	*v = route_param(r, "id");

	/* A malformed id can name no call: the same answer as an unknown one. */
	if (v == NULL || !auth_uuid_ok(v))
		return err_set(e, APP_ENOTFOUND, "call_not_found",
		    "no such call");
	*out = v;
	return 0;
}

static void
calls_copy(char *dst, size_t size, const PGresult *res, int i, int col)
{
	snprintf(dst, size, "%s", PQgetvalue(res, i, col));
}

static void
calls_iso(char out[32], long long epoch)
{
	struct tm	tm;
	time_t		t = (time_t)epoch;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
calls_row(const PGresult *res, int i, struct call *c)
{
	long long	created;

	memset(c, 0, sizeof(*c));
	calls_copy(c->id, sizeof(c->id), res, i, 0);
	calls_copy(c->caller, sizeof(c->caller), res, i, 1);
	c->caller_device = (int)strtol(PQgetvalue(res, i, 2), NULL, 10);
	calls_copy(c->callee, sizeof(c->callee), res, i, 3);
	calls_copy(c->media, sizeof(c->media), res, i, 4);
	calls_copy(c->state, sizeof(c->state), res, i, 5);
	calls_copy(c->end_reason, sizeof(c->end_reason), res, i, 6);
	c->silent = PQgetvalue(res, i, 7)[0] == 't';
	c->answered_by = (int)strtol(PQgetvalue(res, i, 8), NULL, 10);
	created = strtoll(PQgetvalue(res, i, 9), NULL, 10);
	calls_iso(c->created_at, created);
	calls_iso(c->expires_at, created + cfg_int(CFG_CALL_RING_TIMEOUT));
}

int
calls_get(struct req *r, const char *id, struct call *c, struct err *e)
{
	const char	*vals[2] = { id, r->user_id };
	PGresult	*res;
	char		*sql;
	int		 rc = 0;

	sql = arena_printf(r->arena, "SELECT %s FROM calls WHERE id = $1 AND "
	    "(caller_id = $2 OR (callee_id = $2 AND NOT silent))", calls_cols);
	if ((res = db_exec(r->db, sql, 2, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1)
		rc = err_set(e, APP_ENOTFOUND, "call_not_found", "no such call");
	else
		calls_row(res, 0, c);
	PQclear(res);
	return rc;
}

int
calls_lock_users(struct db *db, const char *a, const char *b, struct err *e)
{
	const char	*first = strcmp(a, b) < 0 ? a : b;
	const char	*second = first == a ? b : a;
	const char	*vals[1];
	PGresult	*res;
	int		 i;

	for (i = 0; i < 2; i++) {
		vals[0] = i == 0 ? first : second;
		/* 7007: this service's advisory-lock class. */
		if ((res = db_exec(db, "SELECT pg_advisory_xact_lock(7007, "
		    "hashtext($1))", 1, vals, e)) == NULL)
			return e->code;
		PQclear(res);
	}
	return 0;
}

int
calls_sweep(struct db *db, struct kv *kv, struct err *e)
{
	char		 secs[24], sql[512];
	const char	*vals[1] = { secs };
	PGresult	*res;
	struct call	 c;
	int		 i, n;

	snprintf(secs, sizeof(secs), "%ld", cfg_int(CFG_CALL_RING_TIMEOUT));
	snprintf(sql, sizeof(sql), "UPDATE calls SET state = 'ended', "
	    "end_reason = 'missed', ended_at = now() WHERE state = 'ringing' "
	    "AND created_at <= now() - make_interval(secs => $1::int) "
	    "RETURNING %s", calls_cols);
	if ((res = db_exec(db, sql, 1, vals, e)) == NULL)
		return e->code;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		calls_row(res, i, &c);
		log_info("event=call_missed call=%s", c.id);
		calls_notify_end(db, kv, &c, "ringing", NULL, 0);
	}
	PQclear(res);
	return n;
}

/*
 * Runs a conditional UPDATE ... RETURNING calls_cols: 1 with *c refreshed
 * when it changed the call, 0 when its condition no longer held, or a
 * negative error.
 */
static int
calls_update_one(struct db *db, const char *sql, int n,
    const char *const *vals, struct call *c, struct err *e)
{
	PGresult	*res;
	int		 changed;

	if ((res = db_exec(db, sql, n, vals, e)) == NULL)
		return e->code;
	if ((changed = PQntuples(res) == 1))
		calls_row(res, 0, c);
	PQclear(res);
	return changed;
}

int
calls_end(struct db *db, const char *id, const char *from, const char *reason,
    const char *ended_by, int with_message, struct call *c, struct err *e)
{
	const char	*vals[5] = { id, from, reason, ended_by,
			    with_message ? "t" : "f" };
	char		 sql[512];

	snprintf(sql, sizeof(sql), "UPDATE calls SET state = 'ended', "
	    "end_reason = $3, ended_by = $4, declined_with_message = $5, "
	    "ended_at = now() WHERE id = $1 AND state = $2 RETURNING %s",
	    calls_cols);
	return calls_update_one(db, sql, 5, vals, c, e);
}

void
calls_publish_dev(struct kv *kv, const char *user, int dev, const json_t *ev)
{
	char		 chan[AUTH_CHANNEL_LEN];
	char		*msg;
	struct err	 e;

	err_clear(&e);
	if ((msg = json_dumps(ev, JSON_COMPACT)) == NULL)
		return;
	auth_device_channel(chan, user, dev);
	if (kv_publish(kv, chan, msg, strlen(msg), &e) < 0)
		log_warn("event=publish_failed user=%s device=%d code=%s",
		    user, dev, e.slug);
	free(msg);
}

void
calls_publish_user(struct db *db, struct kv *kv, const char *user,
    int skip_dev, const json_t *ev)
{
	const char	*vals[1] = { user };
	PGresult	*res;
	struct err	 e;
	int		 i, dev;

	err_clear(&e);
	if ((res = db_exec(db, "SELECT id FROM devices WHERE user_id = $1",
	    1, vals, &e)) == NULL) {
		log_warn("event=publish_failed user=%s code=%s", user, e.slug);
		return;
	}
	for (i = 0; i < PQntuples(res); i++) {
		dev = (int)strtol(PQgetvalue(res, i, 0), NULL, 10);
		if (dev != skip_dev)
			calls_publish_dev(kv, user, dev, ev);
	}
	PQclear(res);
}

void
calls_notify_end(struct db *db, struct kv *kv, const struct call *c,
    const char *prev, const char *actor_user, int actor_dev)
{
	json_t	*ended, *stop;
	int	 by_caller, by_callee;

	by_caller = actor_user != NULL && strcmp(actor_user, c->caller) == 0;
	by_callee = actor_user != NULL && strcmp(actor_user, c->callee) == 0;
	ended = json_pack("{s:s,s:s,s:s,s:s}", "type", "call_ended", "call_id",
	    c->id, "reason", c->end_reason, "by", by_caller ? "caller" :
	    by_callee ? "callee" : "server");
	stop = json_pack("{s:s,s:s,s:s}", "type", "call_stop", "call_id",
	    c->id, "reason", c->end_reason);
	if (ended == NULL || stop == NULL)
		goto out;
	if (!(by_caller && actor_dev == c->caller_device))
		calls_publish_dev(kv, c->caller, c->caller_device, ended);
	if (strcmp(prev, "ringing") == 0 && !c->silent)
		calls_publish_user(db, kv, c->callee, by_callee ? actor_dev : 0,
		    stop);
	else if (strcmp(prev, "accepted") == 0 &&
	    !(by_callee && actor_dev == c->answered_by))
		calls_publish_dev(kv, c->callee, c->answered_by, ended);
	calls_log_push(db, kv, c->id);
out:
	json_decref(ended);
	json_decref(stop);
}

void
calls_notify_accept(struct db *db, struct kv *kv, const struct call *c,
    int glare)
{
	json_t	*acc, *stop;

	acc = json_pack("{s:s,s:s,s:{s:s,s:i},s:s,s:b}", "type",
	    "call_accepted", "call_id", c->id, "by", "u", c->callee, "d",
	    c->answered_by, "media", c->media, "glare", glare);
	stop = json_pack("{s:s,s:s,s:s}", "type", "call_stop", "call_id",
	    c->id, "reason", "answered_elsewhere");
	if (acc != NULL && stop != NULL) {
		calls_publish_dev(kv, c->caller, c->caller_device, acc);
		calls_publish_user(db, kv, c->callee, c->answered_by, stop);
		calls_log_push(db, kv, c->id);
	}
	json_decref(acc);
	json_decref(stop);
}

void
calls_log_push(struct db *db, struct kv *kv, const char *call_id)
{
	const char	*vals[1] = { call_id };
	PGresult	*res;
	json_t		*ev, *entry;
	struct err	 e;
	int		 i;

	err_clear(&e);
	if ((res = db_exec(db, "SELECT l.user_id, call_log_json(l, c) "
	    "FROM call_log l JOIN calls c ON c.id = l.call_id "
	    "WHERE l.call_id = $1", 1, vals, &e)) == NULL) {
		log_warn("event=log_push_failed call=%s code=%s", call_id,
		    e.slug);
		return;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if ((entry = json_loads(PQgetvalue(res, i, 1), 0, NULL)) ==
		    NULL)
			continue;
		ev = json_pack("{s:s,s:s,s:o}", "type", "call_log", "op",
		    "upsert", "entry", entry);
		if (ev != NULL)
			calls_publish_user(db, kv, PQgetvalue(res, i, 0), 0, ev);
		json_decref(ev);
	}
	PQclear(res);
}

json_t *
calls_json(const struct call *c, const char *me)
{
	int	 outgoing = strcmp(me, c->caller) == 0;
	json_t	*j;

	j = json_pack("{s:s,s:s,s:s,s:s,s:{s:s},s:s,s:s}", "call_id", c->id,
	    "role", outgoing ? "caller" : "callee", "state", c->state,
	    "media", c->media, "peer", "u", outgoing ? c->callee : c->caller,
	    "created_at", c->created_at, "expires_at", c->expires_at);
	if (j == NULL)
		return NULL;
	/* The caller's device is known to the callee; the answerer's to both. */
	if (!outgoing)
		json_object_set_new(json_object_get(j, "peer"), "d",
		    json_integer(c->caller_device));
	else if (c->answered_by > 0)
		json_object_set_new(json_object_get(j, "peer"), "d",
		    json_integer(c->answered_by));
	json_object_set_new(j, "end_reason", c->end_reason[0] != '\0' ?
	    json_string(c->end_reason) : json_null());
	return j;
}

int
calls_accept(struct db *db, const char *id, const char *user, int dev,
    struct call *c, struct err *e)
{
	char		 sdev[16], secs[24], sql[512];
	const char	*vals[4] = { id, user, sdev, secs };

	snprintf(sdev, sizeof(sdev), "%d", dev);
	snprintf(secs, sizeof(secs), "%ld", cfg_int(CFG_CALL_RING_TIMEOUT));
	/* The expiry test makes the sweeper's 1 s lag invisible. */
	snprintf(sql, sizeof(sql), "UPDATE calls SET state = 'accepted', "
	    "answered_by = $3, accepted_at = now() WHERE id = $1 AND "
	    "callee_id = $2 AND state = 'ringing' AND NOT silent AND "
	    "created_at > now() - make_interval(secs => $4::int) "
	    "RETURNING %s", calls_cols);
	return calls_update_one(db, sql, 4, vals, c, e);
}

int
calls_user_busy(struct db *db, const char *user, struct err *e)
{
	const char	*vals[1] = { user };
	PGresult	*res;
	int		 busy;

	if ((res = db_exec(db, "SELECT EXISTS (SELECT 1 FROM calls WHERE "
	    "caller_id = $1 AND state <> 'ended') OR EXISTS (SELECT 1 FROM "
	    "calls WHERE callee_id = $1 AND state = 'accepted')", 1, vals,
	    e)) == NULL)
		return e->code;
	busy = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return busy;
}

int
calls_in(const char *s, const char *const *choices)
{
	for (; *choices != NULL; choices++)
		if (strcmp(s, *choices) == 0)
			return 1;
	return 0;
}

int
calls_answer(struct req *r, struct resp *resp, const struct call *c,
    int status, int glare, struct err *e)
{
	json_t	*body, *turn;

	if ((body = calls_json(c, r->user_id)) == NULL)
		return err_set(e, APP_EINTERNAL, "internal", "no memory");
	json_object_set_new(body, "glare", json_boolean(glare));
	/* Calls work without TURN (on one network): null, not an error. */
	turn = turn_credentials(r, e);
	err_clear(e);
	json_object_set_new(body, "turn", turn != NULL ? turn : json_null());
	return resp_json(resp, status, body);
}

char *
calls_lower(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

int
calls_not_ringing(const struct call *c, struct err *e)
{
	if (strcmp(c->state, "accepted") == 0)
		return err_set(e, APP_ECONFLICT, "already_answered",
		    "the call was already answered");
	return err_set(e, APP_ECONFLICT, "call_ended", "the call has ended "
	    "(%s)", c->end_reason[0] != '\0' ? c->end_reason : "expired");
}
