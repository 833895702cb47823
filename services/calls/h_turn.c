/*
 * h_turn.c - TURN credentials and the call settings:
 *
 *   GET   /api/calls/turn       {urls, username, credential, ttl,
 *                               ice_transport_policy: "all"|"relay"}
 *   GET   /api/calls/settings   {relay_only}
 *   PATCH /api/calls/settings   {relay_only}  "protect IP address in
 *         calls": the user's calls relay through TURN only. Synced to the
 *         user's other devices as {"type":"call_settings",...}.
 */
#include "calls.h"
#include "db.h"
#include "jv.h"

static int	settings_answer(struct req *, struct resp *, int,
		    struct err *);

static const char *const settings_keys[] = { "relay_only", NULL };

int
h_turn(struct req *r, struct resp *resp, struct err *e)
{
	json_t	*j;

	if ((j = turn_credentials(r, e)) == NULL)
		return e->code;
	resp_header(resp, "Cache-Control", "no-store");
	return resp_json(resp, 200, j);
}

static int
settings_answer(struct req *r, struct resp *resp, int publish,
    struct err *e)
{
	const char	*vals[1] = { r->user_id };
	PGresult	*res;
	json_t		*ev;
	int		 relay;

	if ((res = db_exec(r->db, "SELECT coalesce((SELECT relay_only FROM "
	    "call_settings WHERE user_id = $1), false)", 1, vals, e)) == NULL)
		return e->code;
	relay = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (publish && (ev = json_pack("{s:s,s:b}", "type", "call_settings",
	    "relay_only", relay)) != NULL) {
		calls_publish_user(r->db, r->kv, r->user_id, 0, ev);
		json_decref(ev);
	}
	return resp_json(resp, 200, json_pack("{s:b}", "relay_only", relay));
}

int
h_call_settings_get(struct req *r, struct resp *resp, struct err *e)
{
	return settings_answer(r, resp, 0, e);
}

int
h_call_settings_patch(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2] = { r->user_id, NULL };
	PGresult	*res;
	json_t		*body = NULL;
	int		 rc, relay = -1;

	if ((rc = calls_body(r, settings_keys, 0, &body, e)) != 0 ||
	    (rc = jv_bool(body, "relay_only", 0, &relay, e)) != 0)
		goto out;
	if (relay >= 0) {
		vals[1] = relay ? "t" : "f";
		if ((res = db_exec(r->db, "INSERT INTO call_settings (user_id, "
		    "relay_only) VALUES ($1, $2) ON CONFLICT (user_id) DO "
		    "UPDATE SET relay_only = $2, updated_at = now()", 2, vals,
		    e)) == NULL) {
			rc = e->code;
			goto out;
		}
		PQclear(res);
	}
	rc = settings_answer(r, resp, relay >= 0, e);
out:
	json_decref(body);
	return rc;
}
