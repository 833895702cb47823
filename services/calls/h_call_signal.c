/*
 * h_call_signal.c - POST /api/calls/{id}/signal {to_device, blob}: relays
 * one end-to-end encrypted signalling message (SDP offer/answer, ICE
 * candidates, restarts) to the other party's device as
 *   {"type":"call_signal","call_id":..,"from":{"u":..,"d":..},"blob":..}
 * The blob is base64url ciphertext only the two devices can open; it is
 * checked for form and size, published on Redis and forgotten: never
 * written to Postgres, never logged.
 *
 * Who may send to whom: the caller's device to the answering device once
 * accepted, or to any callee device while ringing (the offer goes out
 * before anyone answers); the answering device to the caller's device.
 * A silent call (the callee blocked the caller) accepts the caller's
 * signals exactly like a ringing call and delivers nothing. A device may
 * send CALLS_SIGNAL_MAX signals a minute (429 signal_rate_limited).
 */
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "crypto.h"
#include "db.h"
#include "jv.h"
#include "ratelimit.h"

_Static_assert(CRYP_B64URL_LEN(CALLS_BLOB_MAX) == CALLS_BLOB_CHARS + 1,
    "CALLS_BLOB_CHARS must be the base64url length of CALLS_BLOB_MAX");

static int	signal_target(struct req *, const struct call *, int,
		    const char **, struct err *);
static int	signal_device_of(struct req *, const char *, int,
		    struct err *);

static const char *const signal_keys[] = { "to_device", "blob", NULL };

/* 0 if user has device dev, else 422 wrong_device. */
static int
signal_device_of(struct req *r, const char *user, int dev, struct err *e)
{
	char		 sdev[16];
	const char	*vals[2] = { user, sdev };
	PGresult	*res;
	int		 rc = 0;

	snprintf(sdev, sizeof(sdev), "%d", dev);
	if ((res = db_exec(r->db, "SELECT 1 FROM devices WHERE user_id = $1 "
	    "AND id = $2", 2, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1)
		rc = err_set(e, APP_EUNPROCESSABLE, "wrong_device",
		    "to_device is not a device of the other party");
	PQclear(res);
	return rc;
}

/* The user to deliver to, or an error saying why not. */
static int
signal_target(struct req *r, const struct call *c, int to,
    const char **user, struct err *e)
{
	int	ringing = strcmp(c->state, "ringing") == 0;

	if (strcmp(c->state, "ended") == 0)
		return calls_not_ringing(c, e);
	if (strcmp(c->caller, r->user_id) == 0) {
		if (r->device_id != c->caller_device)
			return err_set(e, APP_EFORBIDDEN, "not_call_device",
			    "this call is on another of your devices");
		*user = c->callee;
		if (ringing)
			return signal_device_of(r, c->callee, to, e);
	} else {
		if (ringing)
			return err_set(e, APP_ECONFLICT, "call_not_accepted",
			    "accept the call before sending to it");
		if (r->device_id != c->answered_by)
			return err_set(e, APP_EFORBIDDEN, "not_call_device",
			    "this call is on another of your devices");
		*user = c->caller;
		if (to != c->caller_device)
			goto wrong;
		return 0;
	}
	if (to == c->answered_by)
		return 0;
wrong:
	return err_set(e, APP_EUNPROCESSABLE, "wrong_device",
	    "to_device is not the other party's device in this call");
}

int
h_call_signal(struct req *r, struct resp *resp, struct err *e)
{
	const char	*id, *user = NULL, *blob = NULL;
	unsigned char	*bin;
	size_t		 binlen;
	json_int_t	 to = 0;
	struct call	 c;
	json_t		*body = NULL, *ev = NULL;
	int		 rc;

	if ((rc = calls_body(r, signal_keys, 0, &body, e)) != 0 ||
	    (rc = jv_int(body, "to_device", JV_REQUIRED, 1, 2147483647, &to,
	    e)) != 0 ||
	    (rc = jv_str(body, "blob", JV_REQUIRED, 1, CALLS_BLOB_CHARS,
	    &blob, e)) != 0 ||
	    (rc = jv_b64url(body, "blob", JV_REQUIRED, 1, CALLS_BLOB_MAX,
	    r->arena, &bin, &binlen, e)) != 0 ||
	    (rc = calls_param_id(r, &id, e)) != 0 ||
	    (rc = rl_hit(r->kv, arena_printf(r->arena, "parley:rl:call:signal:"
	    "%s:%d", r->user_id, r->device_id), CALLS_SIGNAL_MAX, 60,
	    "signal_rate_limited", e)) != 0 ||
	    (rc = calls_get(r, id, &c, e)) != 0 ||
	    (rc = signal_target(r, &c, (int)to, &user, e)) != 0)
		goto out;
	if (!c.silent) {
		ev = json_pack("{s:s,s:s,s:{s:s,s:i},s:s}", "type",
		    "call_signal", "call_id", c.id, "from", "u", r->user_id,
		    "d", r->device_id, "blob", blob);
		if (ev == NULL) {
			rc = err_set(e, APP_EINTERNAL, "internal", "no memory");
			goto out;
		}
		calls_publish_dev(r->kv, user, (int)to, ev);
	}
	rc = resp_json(resp, 204, NULL);
out:
	json_decref(ev);
	json_decref(body);
	return rc;
}
