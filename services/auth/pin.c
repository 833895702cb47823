/*
 * pin.c - the two-step verification PIN: Argon2id strings
 * (crypto_pwhash_str, limits from PARLEY_PIN_OPSLIMIT/MEMLIMIT) and the
 * attempt counter. After PARLEY_PIN_FREE_ATTEMPTS wrong PINs in a row
 * each further wrong PIN sets users.pin_retry_at: PARLEY_PIN_DELAY
 * seconds, doubling per failure, capped at a day. The counter lives on
 * the account, not the session, so logging in again does not reset it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_svc.h"
#include "cfg.h"
#include "db.h"

#define PIN_MAX_DELAY	86400

int
pin_hash(char out[ACCT_PIN_HASH_LEN], const char *pin, struct err *e)
{
	if (crypto_pwhash_str(out, pin, strlen(pin),
	    (unsigned long long)cfg_int(CFG_PIN_OPSLIMIT),
	    (size_t)cfg_int(CFG_PIN_MEMLIMIT)) != 0)
		return err_set(e, APP_EINTERNAL, "internal",
		    "the PIN could not be hashed");
	return 0;
}

int
pin_matches(const char *hash, const char *pin)
{
	return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

/* Seconds to wait after the nth wrong PIN in a row (0: none). */
static long
pin_delay(long failures)
{
	long	d = cfg_int(CFG_PIN_DELAY), k;

	if (failures < cfg_int(CFG_PIN_FREE_ATTEMPTS))
		return 0;
	for (k = cfg_int(CFG_PIN_FREE_ATTEMPTS); k < failures &&
	    d < PIN_MAX_DELAY; k++)
		d *= 2;
	return d < PIN_MAX_DELAY ? d : PIN_MAX_DELAY;
}

/* A wrong PIN: count it, commit, answer 400 invalid_pin. */
static int
pin_wrong(struct req *r, long failures, struct err *e)
{
	const char	*vals[3];
	char		 nf[24], delay[24];
	PGresult	*res;
	long		 d = pin_delay(failures);
	int		 rc;

	snprintf(nf, sizeof(nf), "%ld", failures);
	snprintf(delay, sizeof(delay), "%ld", d);
	vals[0] = r->user_id;
	vals[1] = nf;
	vals[2] = delay;
	if ((res = db_exec(r->db, "UPDATE users SET pin_failures = $2, "
	    "pin_retry_at = CASE WHEN $3::int > 0 THEN now() + "
	    "make_interval(secs => $3::int) END WHERE id = $1", 3, vals,
	    e)) == NULL) {
		db_rollback(r->db);
		return e->code;
	}
	PQclear(res);
	if ((rc = db_commit(r->db, e)) != 0)
		return rc;
	if (d > 0)
		err_set(e, APP_EINVAL, "invalid_pin",
		    "wrong PIN: try again in %ld s", d);
	else
		err_set(e, APP_EINVAL, "invalid_pin", "wrong PIN");
	e->retry_after = (int)d;
	return APP_EINVAL;
}

int
pin_attempt(struct req *r, const char *pin, struct err *e)
{
	const char	*vals[] = { r->user_id };
	PGresult	*res = NULL;
	long		 wait, failures;
	int		 rc;

	if ((rc = db_begin(r->db, e)) != 0)
		return rc;
	if ((res = db_exec(r->db, "SELECT pin_hash, pin_failures, "
	    "COALESCE(ceil(extract(epoch FROM pin_retry_at - now())), 0) "
	    "FROM users WHERE id = $1 FOR UPDATE", 1, vals, e)) == NULL) {
		rc = e->code;
		goto fail;
	}
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		rc = err_set(e, APP_ECONFLICT, "pin_not_set",
		    "this account has no two-step PIN");
		goto fail;
	}
	failures = atol(PQgetvalue(res, 0, 1));
	if ((wait = atol(PQgetvalue(res, 0, 2))) > 0) {
		rc = err_set(e, APP_ERATELIMIT, "too_many_attempts",
		    "too many wrong PINs: try again in %ld s", wait);
		e->retry_after = (int)wait;
		goto fail;
	}
	if (!pin_matches(PQgetvalue(res, 0, 0), pin)) {
		PQclear(res);
		return pin_wrong(r, failures + 1, e);
	}
	PQclear(res);
	if ((res = db_exec(r->db, "UPDATE users SET pin_failures = 0, "
	    "pin_retry_at = NULL WHERE id = $1", 1, vals, e)) == NULL) {
		rc = e->code;
		goto fail;
	}
	PQclear(res);
	return 0;
fail:
	PQclear(res);
	db_rollback(r->db);
	return rc;
}
