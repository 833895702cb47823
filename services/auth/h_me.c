/*
 * h_me.c - the caller's own account:
 *
 *   GET    /api/auth/me  account, this device, and whether the session
 *                        still waits for the two-step PIN
 *   PATCH  /api/auth/me  {name?, about?}: name 1-25 characters, about
 *                        0-139, no control characters
 *   DELETE /api/auth/me  the account and everything hanging off it
 *                        (devices, sessions, keys, queued data) go; the
 *                        number can register again as a new identity
 */
#include <string.h>

#include "auth_svc.h"
#include "db.h"
#include "jv.h"
#include "log.h"

#define ME_JSON \
	"json_build_object('id', u.id, 'phone', u.phone, 'name', u.name, " \
	"'about', u.about, 'has_pin', u.pin_hash IS NOT NULL, " \
	"'created_at', iso_utc(u.created_at))"

/* The JSON text of column 0 of a one-row result as the 200 body. */
static int
me_answer(PGresult *res, struct resp *resp, struct err *e)
{
	json_t	*o;

	if (PQntuples(res) != 1)
		return err_set(e, APP_EUNAUTH, "unauthorized",
		    "the account no longer exists");
	if ((o = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		return err_set(e, APP_EINTERNAL, "internal", "bad row");
	return resp_json(resp, 200, o);
}

int
h_me_get(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[3];
	PGresult	*res;
	int		 rc;

	vals[0] = r->user_id;
	vals[1] = arena_printf(r->arena, "%d", r->device_id);
	vals[2] = r->pin_pending ? "t" : "f";
	if ((res = db_exec(r->db, "SELECT " ME_JSON "::jsonb || "
	    "jsonb_build_object('device', jsonb_build_object('id', d.id, "
	    "'name', d.name, 'created_at', iso_utc(d.created_at)), "
	    "'pin_required', $3::boolean) "
	    "FROM users u JOIN devices d ON d.user_id = u.id "
	    "WHERE u.id = $1 AND d.id = $2", 3, vals, e)) == NULL)
		return e->code;
	rc = me_answer(res, resp, e);
	PQclear(res);
	return rc;
}

int
h_me_patch(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "name", "about", NULL };
	const char	*vals[3] = { r->user_id, NULL, NULL };
	json_t		*body = NULL;
	PGresult	*res;
	int		 rc;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "name", 0, 1, ACCT_NAME_MAX, &vals[1], e)) != 0 ||
	    (rc = jv_str(body, "about", 0, 0, ACCT_ABOUT_MAX, &vals[2],
	    e)) != 0)
		goto out;
	if (vals[1] == NULL && vals[2] == NULL) {
		rc = err_set(e, APP_EINVAL, "missing_field",
		    "give name, about or both");
		goto out;
	}
	if ((res = db_exec(r->db, "UPDATE users u SET "
	    "name = COALESCE($2, name), about = COALESCE($3, about) "
	    "WHERE id = $1 RETURNING " ME_JSON, 3, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	rc = me_answer(res, resp, e);
	PQclear(res);
out:
	json_decref(body);
	return rc;
}

int
h_me_delete(struct req *r, struct resp *resp, struct err *e)
{
	struct sess_revoked	rv = { 0 };
	int			rc;

	if ((rc = db_begin(r->db, e)) != 0 ||
	    (rc = sess_revoke(r, r->user_id, 0, 1, &rv, e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0) {
		db_rollback(r->db);
		return rc;
	}
	sess_revoked_finish(r, &rv);
	log_info("event=account_deleted user=%s devices=%zu", r->user_id,
	    rv.ndevices);
	sess_clear_cookie(resp);
	return resp_json(resp, 204, NULL);
}
