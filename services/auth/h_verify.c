/*
 * h_verify.c - POST /api/auth/verify {phone, code, device_name}: the login.
 *
 * Every attempt is counted first, in its own statement, so a wrong code
 * costs an attempt even if the rest fails; the code dies after
 * PARLEY_OTP_ATTEMPTS attempts. A right code is then consumed inside the
 * login transaction (DELETE ... WHERE code_hash = ...): of two concurrent
 * logins with the same code exactly one finds the row. The transaction
 * creates the account if the number is new, a device (at most
 * PARLEY_DEVICE_MAX per account) and its session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_svc.h"
#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "log.h"
#include "phone.h"

struct login {
	const char	*phone;
	const char	*code;
	const char	*device_name;
	char		 user[ROUTE_UUID_LEN];
	int		 device;
	int		 is_new;
	int		 has_pin;
	json_t		*user_json;
};

static int	verify_attempt(struct req *, struct login *, struct err *);
static int	verify_consume(struct req *, struct login *, struct err *);
static int	verify_account(struct req *, struct login *, struct err *);
static int	verify_device(struct req *, struct login *, struct err *);

/* Counts the attempt and checks the code; autocommitted on purpose. */
static int
verify_attempt(struct req *r, struct login *l, struct err *e)
{
	const char	*vals[] = { l->phone };
	uint8_t		 mine[CRYP_HASH_LEN], theirs[CRYP_HASH_LEN];
	PGresult	*res;
	size_t		 n = 0;
	int		 rc = 0, expired, ok;

	if ((res = db_exec(r->db, "UPDATE otp_codes SET attempts = attempts + 1 "
	    "WHERE phone = $1 RETURNING code_hash, attempts, "
	    "expires_at <= now()", 1, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1) {
		rc = err_set(e, APP_EINVAL, "invalid_code",
		    "wrong or used code: request a new one");
		goto out;
	}
	expired = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	acct_code_hash(mine, l->phone, l->code);
	ok = sodium_hex2bin(theirs, sizeof(theirs), PQgetvalue(res, 0, 0) + 2,
	    strlen(PQgetvalue(res, 0, 0) + 2), NULL, &n, NULL) == 0 &&
	    n == CRYP_HASH_LEN && cryp_equal(mine, theirs, CRYP_HASH_LEN);
	if (atol(PQgetvalue(res, 0, 1)) > cfg_int(CFG_OTP_ATTEMPTS)) {
		rc = err_set(e, APP_ERATELIMIT, "too_many_attempts",
		    "too many wrong codes: request a new code");
		e->retry_after = (int)cfg_int(CFG_OTP_RESEND);
	} else if (expired)
		rc = err_set(e, APP_EINVAL, "code_expired",
		    "the code has expired: request a new one");
	else if (!ok)
		rc = err_set(e, APP_EINVAL, "invalid_code", "wrong code");
out:
	PQclear(res);
	return rc;
}

/* Inside the transaction: takes the code, unless a concurrent login did. */
static int
verify_consume(struct req *r, struct login *l, struct err *e)
{
	uint8_t		 hash[CRYP_HASH_LEN];
	const char	*vals[2];
	const int	 lens[2] = { 0, CRYP_HASH_LEN };
	const int	 fmts[2] = { 0, 1 };
	PGresult	*res;
	int		 n;

	acct_code_hash(hash, l->phone, l->code);
	vals[0] = l->phone;
	vals[1] = (const char *)hash;
	if ((res = db_execb(r->db, "DELETE FROM otp_codes WHERE phone = $1 "
	    "AND code_hash = $2 RETURNING 1", 2, vals, lens, fmts, e)) == NULL)
		return e->code;
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return err_set(e, APP_EINVAL, "invalid_code",
		    "wrong or used code: request a new one");
	vals[1] = NULL;
	if ((res = db_exec(r->db, "SELECT 1 FROM banned_phones "
	    "WHERE phone = $1", 1, vals, e)) == NULL)
		return e->code;
	n = PQntuples(res);
	PQclear(res);
	return n > 0 ? err_set(e, APP_EFORBIDDEN, "banned",
	    "this number is banned") : 0;
}

/* The account of the number, created if new, its row locked. */
static int
verify_account(struct req *r, struct login *l, struct err *e)
{
	const char	*vals[] = { l->phone };
	PGresult	*res;

	if ((res = db_exec(r->db, "INSERT INTO users (phone) VALUES ($1) "
	    "ON CONFLICT (phone) DO NOTHING RETURNING id", 1, vals, e)) == NULL)
		return e->code;
	l->is_new = PQntuples(res) == 1;
	PQclear(res);
	return 0;
}

/* Allocates the next device id, refusing past the device limit. */
static int
verify_device(struct req *r, struct login *l, struct err *e)
{
	const char	*vals[3];
	PGresult	*res;
	int		 count;

	vals[0] = l->phone;
	if ((res = db_exec(r->db, "UPDATE users SET next_device_id = "
	    "next_device_id + 1 WHERE phone = $1 RETURNING id, "
	    "next_device_id - 1, pin_hash IS NOT NULL, "
	    "(SELECT count(*) FROM devices d WHERE d.user_id = users.id), "
	    "json_build_object('id', id, 'phone', phone, 'name', name, "
	    "'about', about, 'has_pin', pin_hash IS NOT NULL, "
	    "'created_at', iso_utc(created_at))", 1, vals, e)) == NULL)
		return e->code;
	snprintf(l->user, sizeof(l->user), "%s", PQgetvalue(res, 0, 0));
	l->device = atoi(PQgetvalue(res, 0, 1));
	l->has_pin = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	count = atoi(PQgetvalue(res, 0, 3));
	l->user_json = json_loads(PQgetvalue(res, 0, 4), 0, NULL);
	PQclear(res);
	if (count >= cfg_int(CFG_DEVICE_MAX))
		return err_set(e, APP_ECONFLICT, "device_limit",
		    "this account already has %ld devices, the most allowed: "
		    "log out of one of them first", cfg_int(CFG_DEVICE_MAX));
	vals[0] = l->user;
	vals[1] = arena_printf(r->arena, "%d", l->device);
	vals[2] = l->device_name;
	if ((res = db_exec(r->db, "INSERT INTO devices (user_id, id, name) "
	    "VALUES ($1, $2, $3)", 3, vals, e)) == NULL)
		return e->code;
	PQclear(res);
	return 0;
}

int
h_verify(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "phone", "code", "device_name",
	    NULL };
	struct login	 l;
	json_t		*body = NULL;
	int		 rc;

	memset(&l, 0, sizeof(l));
	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "phone", JV_REQUIRED, 0, 32,
	    &l.phone, e)) != 0 ||
	    (rc = jv_str(body, "code", JV_REQUIRED, 0, 16, &l.code,
	    e)) != 0 ||
	    (rc = jv_str(body, "device_name", JV_REQUIRED, 1,
	    ACCT_DEVICE_NAME_MAX, &l.device_name, e)) != 0)
		goto out;
	if (!phone_e164_ok(l.phone)) {
		rc = err_set(e, APP_EINVAL, "invalid_phone",
		    "phone must be E.164: a + and 8 to 15 digits");
		goto out;
	}
	if (!acct_digits_ok(l.code, ACCT_CODE_LEN)) {
		rc = err_set(e, APP_EINVAL, "invalid_code",
		    "the code is 6 digits");
		goto out;
	}
	if ((rc = verify_attempt(r, &l, e)) != 0 ||
	    (rc = db_begin(r->db, e)) != 0 ||
	    (rc = verify_consume(r, &l, e)) != 0 ||
	    (rc = verify_account(r, &l, e)) != 0 ||
	    (rc = verify_device(r, &l, e)) != 0 ||
	    (rc = sess_create(r, resp, l.user, l.device, l.has_pin, e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0)
		goto out;
	log_info("event=login user=%s device=%d new=%d", l.user, l.device,
	    l.is_new);
	rc = resp_json(resp, l.is_new ? 201 : 200, json_pack("{s:o,s:{s:i,s:s},"
	    "s:b,s:b}", "user", l.user_json != NULL ? l.user_json : json_null(),
	    "device", "id", l.device, "name", l.device_name,
	    "is_new", l.is_new, "pin_required", l.has_pin));
	l.user_json = NULL;
out:
	db_rollback(r->db);
	json_decref(l.user_json);
	json_decref(body);
	return rc;
}
