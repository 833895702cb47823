/*
 * auth_test_util.h - what the auth integration tests share: random phone
 * numbers, reading codes from the SMS gateway stub's file, logging in,
 * real Ed25519/X25519 key bundles, and direct Postgres/Redis access for
 * the few things a test must arrange behind the API's back (an expired
 * code, a full device list, a cleared resend window).
 *
 * A header of static functions (tests/integration/lib belongs to the
 * harness); each test binary includes it once. Environment, from
 * tests/run-all: PARLEY_TEST_URL, PARLEY_TEST_SMS_FILE, PARLEY_DB,
 * PARLEY_REDIS.
 */
#ifndef PARLEY_AUTH_TEST_UTIL_H
#define PARLEY_AUTH_TEST_UTIL_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "http.h"

#define AT_UNUSED	__attribute__((unused))
#define AT_PHONE_MAX	24

struct at_user {
	char			 phone[AT_PHONE_MAX];
	char			 id[40];
	int			 device;
	char			 cookie[512];	/* "parley_session=<token>" */
	struct http_client	*c;
};

/* A device's key material, as a client would make it. */
struct at_keys {
	unsigned char	sig_pk[32], sig_sk[64];		/* ikSig */
	unsigned char	dh_pk[32], dh_sk[32];		/* ikDh */
	unsigned char	spk_pk[32], spk_sk[32];
	uint32_t	spk_id;
};

/* A random number of the test range: +4477009 and 6 digits. */
static AT_UNUSED void
at_phone(char out[AT_PHONE_MAX])
{
	if (sodium_init() < 0)
		abort();
	snprintf(out, AT_PHONE_MAX, "+4477009%06u",
	    (unsigned)randombytes_uniform(1000000));
}

/* A phone the gateway stub refuses (ends in 0000000). */
static AT_UNUSED void
at_phone_failing(char out[AT_PHONE_MAX])
{
	if (sodium_init() < 0)
		abort();
	snprintf(out, AT_PHONE_MAX, "+44%02u0000000",
	    (unsigned)randombytes_uniform(90) + 10);
}

static AT_UNUSED const char *
at_env(const char *name)
{
	const char	*v = getenv(name);

	cr_assert(v != NULL && *v != '\0', "%s is not set: run through make test",
	    name);
	return v;
}

/* The latest code the gateway stub received for phone, or "" if none. */
static AT_UNUSED const char *
at_code(const char *phone)
{
	static char	 code[16];
	char		 line[1024];
	const char	*text, *p;
	json_t		*o;
	FILE		*f;

	code[0] = '\0';
	if ((f = fopen(at_env("PARLEY_TEST_SMS_FILE"), "r")) == NULL)
		return code;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((o = json_loads(line, 0, NULL)) == NULL)
			continue;
		text = json_string_value(json_object_get(o, "text"));
		if (strcmp(json_string_value(json_object_get(o, "to")) != NULL ?
		    json_string_value(json_object_get(o, "to")) : "", phone) == 0 &&
		    text != NULL && (p = strstr(text, "code: ")) != NULL)
			snprintf(code, sizeof(code), "%s", p + 6);
		json_decref(o);
	}
	fclose(f);
	return code;
}

/* Runs one parameterised statement as the application role; PQclear() it. */
static AT_UNUSED PGresult *
at_sql(const char *sql, int n, const char *const *vals)
{
	PGconn		*db;
	PGresult	*res;

	db = PQconnectdb(at_env("PARLEY_DB"));
	cr_assert_eq(PQstatus(db), CONNECTION_OK, "%s", PQerrorMessage(db));
	res = PQexecParams(db, sql, n, NULL, vals, NULL, NULL, 0);
	cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK ||
	    PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
	    PQresultErrorMessage(res));
	PQfinish(db);
	return res;
}

/* The first column of the first row as an integer (0 if no row). */
static AT_UNUSED long
at_sql_long(const char *sql, int n, const char *const *vals)
{
	PGresult	*res = at_sql(sql, n, vals);
	long		 v = PQntuples(res) > 0 ? atol(PQgetvalue(res, 0, 0)) : 0;

	PQclear(res);
	return v;
}

static AT_UNUSED redisContext *
at_redis(void)
{
	const char	*addr = at_env("PARLEY_REDIS");
	redisContext	*r;

	cr_assert(strncmp(addr, "unix:", 5) == 0, "PARLEY_REDIS %s", addr);
	r = redisConnectUnix(addr + 5);
	cr_assert(r != NULL && r->err == 0, "redis: %s", r ? r->errstr : "?");
	return r;
}

/* DEL of one key. */
static AT_UNUSED void
at_redis_del(const char *key)
{
	redisContext	*r = at_redis();
	redisReply	*rep;

	rep = redisCommand(r, "DEL %s", key);
	freeReplyObject(rep);
	redisFree(r);
}

/* Clears the resend window and hourly count of phone (a new login may follow). */
static AT_UNUSED void
at_clear_otp_limits(const char *phone)
{
	char	key[96];

	snprintf(key, sizeof(key), "parley:rl:otp:resend:%s", phone);
	at_redis_del(key);
	snprintf(key, sizeof(key), "parley:rl:otp:hour:%s", phone);
	at_redis_del(key);
}

/* A request with a printf-formatted body (NULL fmt: no body). */
static AT_UNUSED long
at_req(struct http_client *c, const char *method, const char *path,
    struct http_resp *r, const char *fmt, ...)
{
	char	*body = NULL;
	va_list	 ap;
	int	 rc;

	if (fmt != NULL) {
		va_start(ap, fmt);
		cr_assert(vasprintf(&body, fmt, ap) >= 0);
		va_end(ap);
	}
	rc = http_request(c, method, path, body, (size_t)-1, r);
	free(body);
	cr_assert_eq(rc, 0, "%s %s: no answer", method, path);
	return r->status;
}

/* The status of a request whose answer is not needed; *code gets the slug. */
static AT_UNUSED long
at_status(struct http_client *c, const char *method, const char *path,
    const char *body, char *code, size_t codesz)
{
	struct http_resp	r;
	long			s;

	cr_assert_eq(http_request(c, method, path, body, (size_t)-1, &r), 0);
	s = r.status;
	if (code != NULL)
		snprintf(code, codesz, "%s", http_error_code(&r) != NULL ?
		    http_error_code(&r) : "");
	http_resp_cleanup(&r);
	return s;
}

/* Asks for a code for phone; returns the status. */
static AT_UNUSED long
at_request_code(struct http_client *c, const char *phone)
{
	char	body[96];

	snprintf(body, sizeof(body), "{\"phone\":\"%s\"}", phone);
	return at_status(c, "POST", "/api/auth/otp", body, NULL, 0);
}

/*
 * Logs in u->phone (a new random number if empty) as a new device named
 * name: a fresh client, a code through the stub, verify. Asserts success
 * unless pin is expected; returns the verify answer's JSON (decref it).
 */
static AT_UNUSED json_t *
at_login(struct at_user *u, const char *name)
{
	struct http_resp	 r;
	char			 v[512], *p;
	const char		*code;
	json_t			*out;

	if (u->phone[0] == '\0')
		at_phone(u->phone);
	else
		at_clear_otp_limits(u->phone);
	u->c = http_client_create();
	cr_assert_eq(at_request_code(u->c, u->phone), 200, "otp for %s",
	    u->phone);
	code = at_code(u->phone);
	cr_assert_eq(strlen(code), 6, "no code for %s", u->phone);
	at_req(u->c, "POST", "/api/auth/verify", &r, "{\"phone\":\"%s\","
	    "\"code\":\"%s\",\"device_name\":\"%s\"}", u->phone, code, name);
	cr_assert(r.status == 200 || r.status == 201, "verify: %ld %s",
	    r.status, r.body);
	snprintf(u->id, sizeof(u->id), "%s", json_string_value(json_object_get(
	    json_object_get(r.json, "user"), "id")));
	u->device = (int)json_integer_value(json_object_get(json_object_get(
	    r.json, "device"), "id"));
	cr_assert_not_null(http_header(&r, "Set-Cookie", v, sizeof(v)));
	if ((p = strchr(v, ';')) != NULL)
		*p = '\0';
	snprintf(u->cookie, sizeof(u->cookie), "%s", v);
	out = json_incref(r.json);
	http_resp_cleanup(&r);
	return out;
}

static AT_UNUSED void
at_user_free(struct at_user *u)
{
	http_client_destroy(u->c);
	u->c = NULL;
}

/* base64url without padding into a static rotating buffer. */
static AT_UNUSED const char *
at_b64(const unsigned char *bin, size_t len)
{
	static char	bufs[8][512];
	static int	k;
	char		*b = bufs[k++ % 8];

	sodium_bin2base64(b, sizeof(bufs[0]), bin, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return b;
}

static AT_UNUSED void
at_keys_new(struct at_keys *k, uint32_t spk_id)
{
	if (sodium_init() < 0)
		abort();
	crypto_sign_keypair(k->sig_pk, k->sig_sk);
	crypto_box_keypair(k->dh_pk, k->dh_sk);
	crypto_box_keypair(k->spk_pk, k->spk_sk);
	k->spk_id = spk_id;
}

/* ikDhSig = Ed25519(ikSig, "parley/ikdh/v1" || ikDh) */
static AT_UNUSED void
at_sign_ikdh(const struct at_keys *k, unsigned char sig[64])
{
	unsigned char	msg[14 + 32];

	memcpy(msg, "parley/ikdh/v1", 14);
	memcpy(msg + 14, k->dh_pk, 32);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), k->sig_sk);
}

/* spk.sig = Ed25519(ikSig, "parley/spk/v1" || u32be(id) || pub) */
static AT_UNUSED void
at_sign_spk(const struct at_keys *k, unsigned char sig[64])
{
	unsigned char	msg[13 + 4 + 32];

	memcpy(msg, "parley/spk/v1", 13);
	msg[13] = (unsigned char)(k->spk_id >> 24);
	msg[14] = (unsigned char)(k->spk_id >> 16);
	msg[15] = (unsigned char)(k->spk_id >> 8);
	msg[16] = (unsigned char)k->spk_id;
	memcpy(msg + 17, k->spk_pk, 32);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), k->sig_sk);
}

/*
 * A PUT /api/auth/keys body: identity, signed prekey and nopk one-time
 * prekeys with ids first_opk.. (malloc'ed; free it).
 */
static AT_UNUSED char *
at_keys_body(const struct at_keys *k, int first_opk, int nopk)
{
	unsigned char	 ikdh_sig[64], spk_sig[64], pk[32], sk[32];
	json_t		*o, *opks = json_array();
	char		*s;
	int		 i;

	at_sign_ikdh(k, ikdh_sig);
	at_sign_spk(k, spk_sig);
	for (i = 0; i < nopk; i++) {
		crypto_box_keypair(pk, sk);
		json_array_append_new(opks, json_pack("{s:i,s:s}", "id",
		    first_opk + i, "pub", at_b64(pk, 32)));
	}
	o = json_pack("{s:s,s:s,s:s,s:{s:I,s:s,s:s},s:o}",
	    "ikSig", at_b64(k->sig_pk, 32), "ikDh", at_b64(k->dh_pk, 32),
	    "ikDhSig", at_b64(ikdh_sig, 64), "signedPreKey",
	    "id", (json_int_t)k->spk_id, "pub", at_b64(k->spk_pk, 32),
	    "sig", at_b64(spk_sig, 64), "oneTimePreKeys", opks);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

#endif
