/*
 * h_otp.c - POST /api/auth/otp {phone}: sends a 6-digit login code.
 *
 * Limits, all Redis counters that fail closed (503 while Redis is down,
 * never unlimited): per client address (PARLEY_RATE_OTP_IP_MAX per
 * PARLEY_RATE_OTP_IP_WINDOW s), one code per phone per PARLEY_OTP_RESEND
 * s (429 + Retry-After) and PARLEY_OTP_HOURLY codes per phone per hour.
 * The code is stored hashed, replacing any earlier one, in a transaction
 * committed only after the sender accepted it: a gateway failure (502
 * sms_failed) leaves no code behind.
 */
#include <stdio.h>

#include "auth_svc.h"
#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "log.h"
#include "phone.h"
#include "ratelimit.h"

static int	otp_limits(struct req *, const char *, struct err *);
static int	otp_banned(struct req *, const char *, struct err *);
static int	otp_store(struct req *, const char *, const char *,
		    struct err *);

static int
otp_limits(struct req *r, const char *phone, struct err *e)
{
	char	key[96];
	int	rc;

	snprintf(key, sizeof(key), "parley:rl:otp:ip:%s",
	    r->remote_addr[0] != '\0' ? r->remote_addr : "unknown");
	if ((rc = rl_hit(r->kv, key, cfg_int(CFG_RATE_OTP_IP_MAX),
	    cfg_int(CFG_RATE_OTP_IP_WINDOW), NULL, e)) != 0)
		return rc;
	snprintf(key, sizeof(key), "parley:rl:otp:resend:%s", phone);
	if ((rc = rl_hit(r->kv, key, 1, cfg_int(CFG_OTP_RESEND), NULL,
	    e)) != 0)
		return rc;
	snprintf(key, sizeof(key), "parley:rl:otp:hour:%s", phone);
	return rl_hit(r->kv, key, cfg_int(CFG_OTP_HOURLY), 3600, NULL, e);
}

static int
otp_banned(struct req *r, const char *phone, struct err *e)
{
	const char	*vals[] = { phone };
	PGresult	*res;
	int		 banned;

	if ((res = db_exec(r->db, "SELECT 1 FROM banned_phones "
	    "WHERE phone = $1", 1, vals, e)) == NULL)
		return e->code;
	banned = PQntuples(res) > 0;
	PQclear(res);
	return banned ? err_set(e, APP_EFORBIDDEN, "banned",
	    "this number is banned") : 0;
}

/* Inside a transaction: the code's hash replaces any earlier code. */
static int
otp_store(struct req *r, const char *phone, const char *code, struct err *e)
{
	uint8_t		 hash[CRYP_HASH_LEN];
	char		 ttl[16];
	const char	*vals[3];
	const int	 lens[3] = { 0, CRYP_HASH_LEN, 0 };
	const int	 fmts[3] = { 0, 1, 0 };
	PGresult	*res;

	acct_code_hash(hash, phone, code);
	snprintf(ttl, sizeof(ttl), "%ld", cfg_int(CFG_OTP_TTL));
	vals[0] = phone;
	vals[1] = (const char *)hash;
	vals[2] = ttl;
	if ((res = db_execb(r->db, "INSERT INTO otp_codes "
	    "(phone, code_hash, attempts, created_at, expires_at) "
	    "VALUES ($1, $2, 0, now(), now() + make_interval(secs => $3::int)) "
	    "ON CONFLICT (phone) DO UPDATE SET code_hash = EXCLUDED.code_hash, "
	    "attempts = 0, created_at = now(), expires_at = EXCLUDED.expires_at",
	    3, vals, lens, fmts, e)) == NULL)
		return e->code;
	PQclear(res);
	return 0;
}

int
h_otp_send(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "phone", NULL };
	json_t		*body = NULL;
	const char	*phone;
	char		 code[ACCT_CODE_LEN + 1] = "", masked[ACCT_MASKED_MAX];
	char		 key[96];
	int		 rc;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "phone", JV_REQUIRED, 0, 32, &phone,
	    e)) != 0)
		goto out;
	if (!phone_e164_ok(phone)) {
		rc = err_set(e, APP_EINVAL, "invalid_phone", "phone must be "
		    "E.164: a + and 8 to 15 digits, e.g. +447700900123");
		goto out;
	}
	if ((rc = otp_banned(r, phone, e)) != 0 ||
	    (rc = otp_limits(r, phone, e)) != 0)
		goto out;
	acct_code_new(code);
	if ((rc = db_begin(r->db, e)) != 0 ||
	    (rc = otp_store(r, phone, code, e)) != 0)
		goto out;
	if ((rc = sms_send(phone, code, e)) != 0) {
		db_rollback(r->db);
		/* Nothing was sent: the next try need not wait. */
		snprintf(key, sizeof(key), "parley:rl:otp:resend:%s", phone);
		rl_reset(r->kv, key, &(struct err){ 0 });
		goto out;
	}
	if ((rc = db_commit(r->db, e)) != 0)
		goto out;
	acct_phone_mask(masked, phone);
	log_info("event=otp_sent phone=%s", masked);
	rc = resp_json(resp, 200, json_pack("{s:I,s:I}",
	    "expires_in", (json_int_t)cfg_int(CFG_OTP_TTL),
	    "resend_in", (json_int_t)cfg_int(CFG_OTP_RESEND)));
out:
	db_rollback(r->db);
	sodium_memzero(code, sizeof(code));
	json_decref(body);
	return rc;
}
