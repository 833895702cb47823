/*
 * auth_svc.h - what the auth service's files share: the route table, the
 * handlers (h_*.c, one file per resource) and the helpers behind them:
 * validation and hashing (valid.c), the SMS senders (sms.c), sessions and
 * their revocation (session.c), the two-step PIN (pin.c) and the key
 * signatures (keys.c). The service owns accounts, one-time codes,
 * sessions, devices and the key directory; common/auth.c resolves its
 * cookies for every service.
 */
#ifndef PARLEY_AUTH_SVC_H
#define PARLEY_AUTH_SVC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "crypto.h"
#include "route.h"

extern const struct route	auth_routes[];
extern const size_t		auth_nroutes;

#define ACCT_CODE_LEN		6
#define ACCT_PIN_LEN		6
#define ACCT_PHONE_MAX		16	/* "+" and 15 digits */
#define ACCT_MASKED_MAX		(ACCT_PHONE_MAX + 1)
#define ACCT_NAME_MAX		25	/* characters */
#define ACCT_ABOUT_MAX		139
#define ACCT_DEVICE_NAME_MAX	50
#define ACCT_PIN_HASH_LEN	crypto_pwhash_STRBYTES

/* Domain-separation prefixes of the key signatures (e2e.md). */
#define KEYS_IKDH_CONTEXT	"parley/ikdh/v1"
#define KEYS_SPK_CONTEXT	"parley/spk/v1"
#define KEYS_PUB_LEN		32
#define KEYS_SIG_LEN		64
#define KEYS_MAX_UPLOAD		100	/* one-time prekeys per PUT */

/* --- valid.c: input checks and code hashing (pure, unit-tested) ------- */

/* 1 if s is E.164 as the schema accepts it: "+", a non-zero digit, 7-14 more. */

/* 1 if s is exactly n ASCII digits (codes, PINs). */
int	acct_digits_ok(const char *s, size_t n);

/* The phone with its last 4 digits masked ("+44770090****"), for logs. */
void	acct_phone_mask(char out[ACCT_MASKED_MAX], const char *phone);

/* A fresh uniformly random 6-digit code. */
void	acct_code_new(char out[ACCT_CODE_LEN + 1]);

/*
 * The stored form of a code: BLAKE2b-256 of "parley/otp/v1:<phone>:<code>"
 * (deploy/admin otp computes the same with b2sum -l 256).
 */
void	acct_code_hash(uint8_t out[CRYP_HASH_LEN], const char *phone,
	    const char *code);

/*
 * A positive decimal int without sign, blanks or leading zeros, or -1.
 */
int	acct_parse_id(const char *s);


/* --- sms.c: the code's way out ----------------------------------------- */

/* Checks the sender settings and sets up libcurl. Before threads start. */
int	sms_configure(struct err *e);

/*
 * Sends "Your Parley code: <code>" to phone with the configured sender.
 * 0, or 502 sms_failed (the gateway did not answer 2xx in time, or the
 * outbox cannot be written). Never logs the code.
 */
int	sms_send(const char *phone, const char *code, struct err *e);

/* The log sender's outbox path (PARLEY_SMS_OUTBOX or $PARLEY_VAR/sms/outbox). */
const char *sms_outbox_path(char *buf, size_t size);

/* --- session.c: creating and revoking sessions ------------------------ */

/* What a revocation removed, to finish after commit. Arena-allocated. */
struct sess_revoked {
	char		 user[ROUTE_UUID_LEN];
	uint8_t		*hashes;	/* nhashes * CRYP_HASH_LEN */
	size_t		 nhashes;
	int		*devices;
	size_t		 ndevices;
};

/*
 * Inside the caller's transaction: a new session for (user, device),
 * pin_pending as given, and its Set-Cookie on resp. 0 or db error.
 */
int	sess_create(struct req *r, struct resp *resp, const char *user,
	    int device, int pin_pending, struct err *e);

/* Set-Cookie that deletes the session cookie. */
void	sess_clear_cookie(struct resp *resp);

/*
 * Inside the caller's transaction: deletes the sessions and devices (with
 * their keys) of user - every device when device is 0 - and records what
 * went in rv. With drop_user the account row goes too. 0 or db error.
 */
int	sess_revoke(struct req *r, const char *user, int device, int drop_user,
	    struct sess_revoked *rv, struct err *e);

/*
 * After commit: drops the revoked sessions from the Redis cache and
 * publishes {"type":"logged_out"} to each removed device's channel, so its
 * WebSocket closes. Failures are logged, not returned: the rows are gone.
 */
void	sess_revoked_finish(struct req *r, const struct sess_revoked *rv);

/*
 * Decodes the bytea text ("\x<hex>") of column col of every row of res
 * into rv->hashes (appending). 0, or APP_EINTERNAL.
 */
int	sess_collect_hashes(struct req *r, PGresult *res, int col,
	    struct sess_revoked *rv, struct err *e);

/* --- pin.c: the two-step PIN ------------------------------------------- */

/* Argon2id string of a PIN with the configured limits. 0 or 500 internal. */
int	pin_hash(char out[ACCT_PIN_HASH_LEN], const char *pin, struct err *e);

/* 1 if pin matches the crypto_pwhash_str string hash, else 0. */
int	pin_matches(const char *hash, const char *pin)
	    __attribute__((warn_unused_result));

/*
 * Checks pin against r's account with attempt counting. On success returns
 * 0 with a transaction open and the user row locked (the caller commits).
 * Otherwise nothing is open: 400 invalid_pin (counted; Retry-After once a
 * delay applies), 429 too_many_attempts, 409 pin_not_set, db errors.
 */
int	pin_attempt(struct req *r, const char *pin, struct err *e);

/* --- keys.c: signature checks (pure, unit-tested) ---------------------- */

/*
 * 0 if sig is ik_sig's Ed25519 signature of KEYS_IKDH_CONTEXT || ik_dh,
 * else APP_EUNPROCESSABLE. Lengths are checked here.
 */
int	keys_verify_ikdh(const uint8_t *ik_sig, size_t ik_sig_len,
	    const uint8_t *ik_dh, size_t ik_dh_len, const uint8_t *sig,
	    size_t sig_len) __attribute__((warn_unused_result));

/* The same for KEYS_SPK_CONTEXT || u32be(id) || pub. */
int	keys_verify_spk(const uint8_t *ik_sig, size_t ik_sig_len, uint32_t id,
	    const uint8_t *pub, size_t pub_len, const uint8_t *sig,
	    size_t sig_len) __attribute__((warn_unused_result));

/* --- handlers ----------------------------------------------------------- */

int	h_otp_send(struct req *, struct resp *, struct err *);
int	h_verify(struct req *, struct resp *, struct err *);
int	h_session(struct req *, struct resp *, struct err *);
int	h_logout(struct req *, struct resp *, struct err *);
int	h_me_get(struct req *, struct resp *, struct err *);
int	h_me_patch(struct req *, struct resp *, struct err *);
int	h_me_delete(struct req *, struct resp *, struct err *);
int	h_devices_list(struct req *, struct resp *, struct err *);
int	h_device_delete(struct req *, struct resp *, struct err *);
int	h_pin_set(struct req *, struct resp *, struct err *);
int	h_pin_delete(struct req *, struct resp *, struct err *);
int	h_pin_verify(struct req *, struct resp *, struct err *);
int	h_keys_put(struct req *, struct resp *, struct err *);
int	h_keys_count(struct req *, struct resp *, struct err *);
int	h_keys_get(struct req *, struct resp *, struct err *);
int	h_keys_identities(struct req *, struct resp *, struct err *);

#endif
