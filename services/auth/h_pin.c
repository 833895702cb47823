/*
 * h_pin.c - two-step verification:
 *
 *   PUT    /api/auth/pin         {pin}: sets or changes the 6-digit PIN
 *   DELETE /api/auth/pin         {pin}: removes it (needs the PIN)
 *   POST   /api/auth/pin/verify  {pin}: unlocks a session that logged in
 *                                with a code on an account with a PIN
 *
 * Wrong PINs are counted on the account with growing delays (pin.c).
 */
#include <string.h>

#include "auth.h"
#include "auth_svc.h"
#include "db.h"
#include "jv.h"
#include "log.h"

/* The {pin} body: exactly 6 digits. */
static int
pin_body(struct req *r, json_t **body, const char **pin, struct err *e)
{
	static const char *const fields[] = { "pin", NULL };
	int	rc;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, body, e)) != 0 ||
	    (rc = jv_str(*body, "pin", JV_REQUIRED, 0, 16, pin, e)) != 0)
		return rc;
	if (!acct_digits_ok(*pin, ACCT_PIN_LEN))
		return err_set(e, APP_EINVAL, "invalid_pin",
		    "the PIN is 6 digits");
	return 0;
}

/*
 * Inside the transaction: unlocks the account's sessions that wait for
 * the PIN - only this request's (mine) or all - collecting them into rv
 * for the cache.
 */
static int
pin_unlock(struct req *r, int mine, struct sess_revoked *rv, struct err *e)
{
	uint8_t		 hash[CRYP_HASH_LEN];
	const char	*vals[2] = { r->user_id, (const char *)hash };
	const int	 lens[2] = { 0, CRYP_HASH_LEN };
	const int	 fmts[2] = { 0, 1 };
	PGresult	*res;
	int		 rc;

	if (mine && auth_cookie_hash(r, hash) != 0)
		return err_set(e, APP_EUNAUTH, "unauthorized", "no session");
	if ((res = db_execb(r->db, mine ?
	    "UPDATE sessions SET pin_pending = false WHERE user_id = $1 "
	    "AND token_hash = $2 RETURNING token_hash" :
	    "UPDATE sessions SET pin_pending = false WHERE user_id = $1 "
	    "AND pin_pending RETURNING token_hash", mine ? 2 : 1, vals, lens,
	    fmts, e)) == NULL)
		return e->code;
	rc = sess_collect_hashes(r, res, 0, rv, e);
	PQclear(res);
	return rc;
}

int
h_pin_set(struct req *r, struct resp *resp, struct err *e)
{
	char		 hash[ACCT_PIN_HASH_LEN];
	const char	*pin, *vals[2];
	json_t		*body = NULL;
	PGresult	*res;
	int		 rc;

	if ((rc = pin_body(r, &body, &pin, e)) != 0 ||
	    (rc = pin_hash(hash, pin, e)) != 0)
		goto out;
	vals[0] = r->user_id;
	vals[1] = hash;
	if ((res = db_exec(r->db, "UPDATE users SET pin_hash = $2, "
	    "pin_failures = 0, pin_retry_at = NULL WHERE id = $1", 2, vals,
	    e)) == NULL) {
		rc = e->code;
		goto out;
	}
	PQclear(res);
	log_info("event=pin_set user=%s", r->user_id);
	rc = resp_json(resp, 204, NULL);
out:
	json_decref(body);
	return rc;
}

int
h_pin_delete(struct req *r, struct resp *resp, struct err *e)
{
	struct sess_revoked	 rv = { 0 };
	const char		*pin, *vals[1] = { r->user_id };
	json_t			*body = NULL;
	PGresult		*res;
	int			 rc;

	if ((rc = pin_body(r, &body, &pin, e)) != 0 ||
	    (rc = pin_attempt(r, pin, e)) != 0)
		goto out;
	if ((res = db_exec(r->db, "UPDATE users SET pin_hash = NULL "
	    "WHERE id = $1", 1, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	PQclear(res);
	/* Without a PIN, no session can be left waiting for one. */
	if ((rc = pin_unlock(r, 0, &rv, e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0)
		goto out;
	auth_uncache(r->kv, rv.hashes, rv.nhashes, &(struct err){ 0 });
	log_info("event=pin_removed user=%s", r->user_id);
	rc = resp_json(resp, 204, NULL);
out:
	db_rollback(r->db);
	json_decref(body);
	return rc;
}

int
h_pin_verify(struct req *r, struct resp *resp, struct err *e)
{
	struct sess_revoked	 rv = { 0 };
	const char		*pin;
	json_t			*body = NULL;
	int			 rc;

	if ((rc = pin_body(r, &body, &pin, e)) != 0 ||
	    (rc = pin_attempt(r, pin, e)) != 0 ||
	    (rc = pin_unlock(r, 1, &rv, e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0)
		goto out;
	/* The cached entry still says pin_pending: drop it. */
	auth_uncache(r->kv, rv.hashes, rv.nhashes, &(struct err){ 0 });
	log_info("event=pin_verified user=%s device=%d", r->user_id,
	    r->device_id);
	rc = resp_json(resp, 200, json_pack("{s:b}", "pin_required", 0));
out:
	db_rollback(r->db);
	json_decref(body);
	return rc;
}
