/*
 * h_session.c - the session itself:
 *
 *   GET  /api/auth/session  204 with X-Parley-User and X-Parley-Device:
 *                           nginx's auth_request for the /ws upgrade, so
 *                           the ws service never touches Postgres
 *   POST /api/auth/logout   this device logs out: its session, the device
 *                           and its keys go, its WebSocket is closed
 */
#include "auth_svc.h"
#include "db.h"
#include "log.h"

int
h_session(struct req *r, struct resp *resp, struct err *e)
{
	(void)e;
	resp_header(resp, "X-Parley-User", "%s", r->user_id);
	resp_header(resp, "X-Parley-Device", "%d", r->device_id);
	return resp_json(resp, 204, NULL);
}

int
h_logout(struct req *r, struct resp *resp, struct err *e)
{
	struct sess_revoked	rv = { 0 };
	int			rc;

	if ((rc = db_begin(r->db, e)) != 0 ||
	    (rc = sess_revoke(r, r->user_id, r->device_id, 0, &rv, e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0) {
		db_rollback(r->db);
		return rc;
	}
	sess_revoked_finish(r, &rv);
	log_info("event=logout user=%s device=%d", r->user_id, r->device_id);
	sess_clear_cookie(resp);
	return resp_json(resp, 204, NULL);
}
