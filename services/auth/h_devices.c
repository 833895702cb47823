/*
 * h_devices.c - the account's devices (a phone and its companions):
 *
 *   GET    /api/auth/devices      name, created, last active, which is
 *                                 this one, whether it has keys
 *   DELETE /api/auth/devices/:id  logs that device out at once: session
 *                                 revoked everywhere, device and keys
 *                                 removed, its WebSocket told to close
 *
 * Device ids are per account, so another account's device id is simply
 * not found here.
 */
#include "auth_svc.h"
#include "cfg.h"
#include "db.h"
#include "log.h"

int
h_devices_list(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2];
	PGresult	*res;
	json_t		*list;

	vals[0] = r->user_id;
	vals[1] = arena_printf(r->arena, "%d", r->device_id);
	if ((res = db_exec(r->db, "SELECT COALESCE(json_agg(json_build_object("
	    "'id', id, 'name', name, 'created_at', iso_utc(created_at), "
	    "'last_active_at', iso_utc(last_active_at), "
	    "'current', id = $2::int, 'has_keys', ik_sig IS NOT NULL) "
	    "ORDER BY id), '[]') FROM devices WHERE user_id = $1", 2, vals,
	    e)) == NULL)
		return e->code;
	list = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (list == NULL)
		return err_set(e, APP_EINTERNAL, "internal", "bad row");
	return resp_json(resp, 200, json_pack("{s:o,s:I}", "devices", list,
	    "max", (json_int_t)cfg_int(CFG_DEVICE_MAX)));
}

int
h_device_delete(struct req *r, struct resp *resp, struct err *e)
{
	struct sess_revoked	rv = { 0 };
	int			id, rc;

	if ((id = acct_parse_id(route_param(r, "id"))) <= 0)
		return err_set(e, APP_EINVAL, "invalid_device",
		    "a device id is a positive integer");
	if ((rc = db_begin(r->db, e)) != 0 ||
	    (rc = sess_revoke(r, r->user_id, id, 0, &rv, e)) != 0)
		goto fail;
	if (rv.ndevices == 0) {
		rc = err_set(e, APP_ENOTFOUND, "not_found",
		    "this account has no device %d", id);
		goto fail;
	}
	if ((rc = db_commit(r->db, e)) != 0)
		goto fail;
	sess_revoked_finish(r, &rv);
	log_info("event=device_removed user=%s device=%d by=%d", r->user_id,
	    id, r->device_id);
	if (id == r->device_id)
		sess_clear_cookie(resp);
	return resp_json(resp, 204, NULL);
fail:
	db_rollback(r->db);
	return rc;
}
