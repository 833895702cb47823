/*
 * h_calls_active.c - GET /api/calls/active: the user's live calls
 * (ringing or accepted), {calls: [...]}. Redis pub/sub may lose an event,
 * so a device that (re)connects asks here whether something rings for it
 * or whether it is in a call, instead of trusting the events alone. A
 * silent call (the callee blocked the caller) is listed for the caller
 * only.
 */
#include "calls.h"
#include "db.h"

int
h_calls_active(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	PGresult	*res;
	struct call	 c;
	json_t		*list, *j;
	char		*sql;
	int		 rc, i;

	if ((rc = calls_sweep(r->db, r->kv, e)) < 0)
		return rc;
	sql = arena_printf(r->arena, "SELECT %s FROM calls WHERE "
	    "state <> 'ended' AND (caller_id = $1 OR (callee_id = $1 AND "
	    "NOT silent)) ORDER BY created_at", calls_cols);
	if ((res = db_exec(r->db, sql, 1, vals, e)) == NULL)
		return e->code;
	list = json_array();
	for (i = 0; i < PQntuples(res); i++) {
		calls_row(res, i, &c);
		if ((j = calls_json(&c, r->user_id)) != NULL) {
			json_object_set_new(j, "caller_device",
			    json_integer(c.caller_device));
			json_object_set_new(j, "answered_by", c.answered_by > 0 ?
			    json_integer(c.answered_by) : json_null());
			json_array_append_new(list, j);
		}
	}
	PQclear(res);
	return resp_json(resp, 200, json_pack("{s:o}", "calls", list));
}
