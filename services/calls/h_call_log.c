/*
 * h_call_log.c - the user's call log, synced to all their devices:
 *
 *   GET    /api/calls/log?before=<cursor>&limit=<1..100>
 *          {entries: [newest first], next: cursor|null}; the cursor is
 *          opaque ("<microseconds>_<entry id>"), stable when entries are
 *          deleted between pages.
 *   DELETE /api/calls/log/{id}  one entry     -> {"type":"call_log","op":"delete","ids":[id]}
 *   DELETE /api/calls/log       every entry   -> {"type":"call_log","op":"clear"}
 *
 * An entry (call_log_json() in sql/005_calls.sql) says direction, missed,
 * media, peer, start, accept and end times, duration and end reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "calls.h"
#include "db.h"

static int	log_cursor(const char *, const char **, const char **);
static int	log_limit(struct req *, long *, struct err *);

/* Splits "<digits>_<uuid>" in place; 0 if well-formed. */
static int
log_cursor(const char *s, const char **us, const char **id)
{
	const char	*sep = strchr(s, '_');
	size_t		 i;

	if (sep == NULL || sep == s || sep - s > 18 || !auth_uuid_ok(sep + 1))
		return -1;
	for (i = 0; s + i < sep; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	*us = s;
	*id = sep + 1;
	return 0;
}

static int
log_limit(struct req *r, long *out, struct err *e)
{
	const char	*v = route_query(r, "limit");
	char		*end;

	*out = CALLS_LOG_PAGE;
	if (v == NULL)
		return 0;
	*out = strtol(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || *out < 1 ||
	    *out > CALLS_LOG_PAGE_MAX)
		return err_set(e, APP_EINVAL, "invalid_limit",
		    "limit must be an integer in 1..%d", CALLS_LOG_PAGE_MAX);
	return 0;
}

int
h_call_log(struct req *r, struct resp *resp, struct err *e)
{
	const char	*before = route_query(r, "before");
	const char	*vals[4] = { r->user_id, NULL, NULL, NULL };
	char		 slimit[16];
	PGresult	*res;
	json_t		*body, *entries, *entry;
	long		 limit;
	int		 rc, i, n;

	if ((rc = log_limit(r, &limit, e)) != 0)
		return rc;
	if (before != NULL && before[0] != '\0' &&
	    log_cursor(before, &vals[1], &vals[2]) != 0)
		return err_set(e, APP_EINVAL, "invalid_cursor",
		    "before must be a cursor from a previous page");
	if (before != NULL && before[0] != '\0')
		vals[1] = arena_strndup(r->arena, vals[1],
		    (size_t)(vals[2] - 1 - vals[1]));
	snprintf(slimit, sizeof(slimit), "%ld", limit);
	vals[3] = slimit;
	if ((rc = calls_sweep(r->db, r->kv, e)) < 0)
		return rc;
	if ((res = db_exec(r->db, "SELECT call_log_json(l, c), "
	    "(extract(epoch FROM l.created_at) * 1000000)::bigint || '_' || l.id "
	    "FROM call_log l JOIN calls c ON c.id = l.call_id "
	    "WHERE l.user_id = $1 AND ($2::bigint IS NULL OR "
	    "(l.created_at, l.id) < ('epoch'::timestamptz + $2::bigint * "
	    "interval '1 microsecond', $3::uuid)) "
	    "ORDER BY l.created_at DESC, l.id DESC LIMIT $4", 4, vals,
	    e)) == NULL)
		return e->code;
	entries = json_array();
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		if ((entry = json_loads(PQgetvalue(res, i, 0), 0, NULL)) !=
		    NULL)
			json_array_append_new(entries, entry);
	body = json_pack("{s:o,s:o}", "entries", entries, "next",
	    n == limit ? json_string(PQgetvalue(res, n - 1, 1)) : json_null());
	PQclear(res);
	return resp_json(resp, 200, body);
}

int
h_call_log_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char	*id = route_param(r, "id");
	const char	*vals[2] = { id, r->user_id };
	PGresult	*res;
	json_t		*ev;
	int		 n;

	if (id == NULL || !auth_uuid_ok(id))
		return err_set(e, APP_ENOTFOUND, "log_entry_not_found",
		    "no such call-log entry");
	if ((res = db_exec(r->db, "DELETE FROM call_log WHERE id = $1 AND "
	    "user_id = $2", 2, vals, e)) == NULL)
		return e->code;
	n = (int)strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (n == 0)
		return err_set(e, APP_ENOTFOUND, "log_entry_not_found",
		    "no such call-log entry");
	if ((ev = json_pack("{s:s,s:s,s:[s]}", "type", "call_log", "op",
	    "delete", "ids", id)) != NULL) {
		calls_publish_user(r->db, r->kv, r->user_id, 0, ev);
		json_decref(ev);
	}
	return resp_json(resp, 204, NULL);
}

int
h_call_log_clear(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	PGresult	*res;
	json_t		*ev;

	if ((res = db_exec(r->db, "DELETE FROM call_log WHERE user_id = $1",
	    1, vals, e)) == NULL)
		return e->code;
	PQclear(res);
	if ((ev = json_pack("{s:s,s:s}", "type", "call_log", "op",
	    "clear")) != NULL) {
		calls_publish_user(r->db, r->kv, r->user_id, 0, ev);
		json_decref(ev);
	}
	return resp_json(resp, 204, NULL);
}
