/*
 * h_call_end.c - the two ways a person ends a call:
 *
 *   POST /api/calls/{id}/decline {message?}   the callee, while it rings.
 *        message names the quick reply the client sends as a normal
 *        encrypted message; the server only records that one was sent.
 *   POST /api/calls/{id}/hangup {reason?}     either side, from any of
 *        its devices: the caller cancels a ringing call or ends an
 *        accepted one, the callee ends an accepted call or, while it
 *        rings, declines it. reason "failed" records a call whose media
 *        stayed down (the client's 20 s watchdog); default "hangup".
 *
 * The change is one UPDATE ... WHERE state = <what the handler saw>, so a
 * race with an accept, another end or the sweeper has one winner; the
 * loser gets the 409 that describes the call as it now is.
 */
#include <string.h>

#include "calls.h"
#include "db.h"
#include "jv.h"
#include "log.h"

static int	end_finish(struct req *, struct resp *, struct call *,
		    const char *, int, struct err *);
static int	end_reason(struct req *, const struct call *, const char *,
		    const char **, struct err *);

static const char *const decline_keys[] = { "message", NULL };
static const char *const hangup_keys[] = { "reason", NULL };
static const char *const quick_replies[] = { "cant_talk_now",
	"call_you_later", "on_my_way", "custom", NULL };

static int
end_finish(struct req *r, struct resp *resp, struct call *c,
    const char *reason, int with_message, struct err *e)
{
	char	prev[sizeof(c->state)];
	int	rc;

	memcpy(prev, c->state, sizeof(prev));
	if ((rc = calls_end(r->db, c->id, prev, reason, r->user_id,
	    with_message, c, e)) < 0)
		return rc;
	if (rc == 0) {
		if ((rc = calls_get(r, c->id, c, e)) == 0)
			rc = calls_not_ringing(c, e);
		return rc;
	}
	log_info("event=call_ended call=%s reason=%s", c->id, c->end_reason);
	calls_notify_end(r->db, r->kv, c, prev, r->user_id, r->device_id);
	return resp_json(resp, 200, calls_json(c, r->user_id));
}

/*
 * Which end reason a hangup by this user means. Any device of a party may
 * end the call, not only the one in it: a tab that crashed mid-call
 * leaves the user "in a call" until another of their devices ends it
 * (GET /api/calls/active shows it there).
 */
static int
end_reason(struct req *r, const struct call *c, const char *asked,
    const char **out, struct err *e)
{
	int	caller = strcmp(c->caller, r->user_id) == 0;
	int	ringing = strcmp(c->state, "ringing") == 0;

	if (strcmp(c->state, "ended") == 0)
		return calls_not_ringing(c, e);
	if (ringing && !caller)
		*out = "declined";
	else if (ringing && strcmp(asked, "failed") != 0)
		*out = "cancelled";
	else
		*out = asked;
	return 0;
}

int
h_call_decline(struct req *r, struct resp *resp, struct err *e)
{
	const char	*id, *msg = NULL;
	struct call	 c;
	json_t		*body = NULL;
	int		 rc;

	if ((rc = calls_body(r, decline_keys, 1, &body, e)) != 0 ||
	    (rc = jv_str(body, "message", 0, 1, 32, &msg, e)) != 0 ||
	    (rc = calls_param_id(r, &id, e)) != 0)
		goto out;
	if (msg != NULL && !calls_in(msg, quick_replies)) {
		rc = err_set(e, APP_EINVAL, "invalid_field", "message must be "
		    "one of: cant_talk_now, call_you_later, on_my_way, custom");
		goto out;
	}
	if ((rc = calls_sweep(r->db, r->kv, e)) < 0 ||
	    (rc = calls_get(r, id, &c, e)) != 0)
		goto out;
	if (strcmp(c.caller, r->user_id) == 0)
		rc = err_set(e, APP_EFORBIDDEN, "not_callee",
		    "only the person called can decline; hang up instead");
	else if (strcmp(c.state, "ringing") != 0)
		rc = calls_not_ringing(&c, e);
	else
		rc = end_finish(r, resp, &c, "declined", msg != NULL, e);
out:
	json_decref(body);
	return rc;
}

int
h_call_hangup(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const reasons[] = { "hangup", "failed", NULL };
	const char	*id, *asked = "hangup", *reason = NULL;
	struct call	 c;
	json_t		*body = NULL;
	int		 rc;

	if ((rc = calls_body(r, hangup_keys, 1, &body, e)) != 0 ||
	    (rc = jv_str(body, "reason", 0, 1, 16, &asked, e)) != 0 ||
	    (rc = calls_param_id(r, &id, e)) != 0)
		goto out;
	if (!calls_in(asked, reasons)) {
		rc = err_set(e, APP_EINVAL, "invalid_field",
		    "reason must be one of: hangup, failed");
		goto out;
	}
	if ((rc = calls_sweep(r->db, r->kv, e)) < 0 ||
	    (rc = calls_get(r, id, &c, e)) != 0 ||
	    (rc = end_reason(r, &c, asked, &reason, e)) != 0)
		goto out;
	rc = end_finish(r, resp, &c, reason, 0, e);
out:
	json_decref(body);
	return rc;
}
