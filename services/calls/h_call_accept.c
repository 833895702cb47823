/*
 * h_call_accept.c - POST /api/calls/{id}/accept: a callee device answers a
 * ringing call. The first device wins: the state change is one UPDATE ...
 * WHERE state = 'ringing', so of two devices (or two service instances)
 * racing, exactly one gets the row. The caller's device then gets
 * call_accepted with the answering device, the callee's other devices
 * call_stop "answered_elsewhere", both users a call_log upsert.
 */
#include <string.h>

#include "calls.h"
#include "db.h"
#include "log.h"

static const char *const accept_keys[] = { NULL };

int
h_call_accept(struct req *r, struct resp *resp, struct err *e)
{
	const char	*id;
	struct call	 c;
	json_t		*body = NULL;
	int		 rc, won;

	if ((rc = calls_body(r, accept_keys, 1, &body, e)) != 0 ||
	    (rc = calls_param_id(r, &id, e)) != 0 ||
	    (rc = calls_sweep(r->db, r->kv, e)) < 0 ||
	    (rc = calls_get(r, id, &c, e)) != 0)
		goto out;
	if (strcmp(c.caller, r->user_id) == 0) {
		rc = err_set(e, APP_EFORBIDDEN, "not_callee",
		    "only the person called can accept");
		goto out;
	}
	if (strcmp(c.state, "ringing") != 0) {
		rc = calls_not_ringing(&c, e);
		goto out;
	}
	if ((rc = db_begin(r->db, e)) != 0)
		goto out;
	if ((rc = calls_lock_users(r->db, c.caller, c.callee, e)) != 0 ||
	    (rc = calls_user_busy(r->db, r->user_id, e)) < 0)
		goto fail;
	if (rc > 0) {
		rc = err_set(e, APP_ECONFLICT, "already_in_call",
		    "end your current call first");
		goto fail;
	}
	if ((won = calls_accept(r->db, id, r->user_id, r->device_id, &c,
	    e)) < 0) {
		rc = won;
		goto fail;
	}
	if ((rc = db_commit(r->db, e)) != 0)
		goto out;
	if (!won) {
		if ((rc = calls_get(r, id, &c, e)) == 0)
			rc = calls_not_ringing(&c, e);
		goto out;
	}
	log_info("event=call_accepted call=%s device=%d", c.id, c.answered_by);
	calls_notify_accept(r->db, r->kv, &c, 0);
	rc = calls_answer(r, resp, &c, 200, 0, e);
	goto out;
fail:
	db_rollback(r->db);
out:
	json_decref(body);
	return rc;
}
