/*
 * auth_test.c - resolving session cookies (common/auth.c) against the real
 * Postgres and Redis of the test stack. Each test makes its own account,
 * device and session rows with a random number, and deletes them after.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "kv.h"

static struct arena	*a;
static struct db	*db;
static struct kv	*kv;
static char		 phone[24], user[ROUTE_UUID_LEN], token[CRYP_TOKEN_LEN];
static uint8_t		 hash[CRYP_HASH_LEN];

static PGresult *
sql(const char *q, int n, const char *const *vals, const int *lens,
    const int *fmts)
{
	struct err	 e;
	PGresult	*res;

	res = db_execb(db, q, n, vals, lens, fmts, &e);
	cr_assert_not_null(res, "%s: %s", q, e.msg);
	return res;
}

static void
setup(void)
{
	const char	*vals[3];
	const int	 lens[3] = { CRYP_HASH_LEN, 0, 0 }, fmts[3] = { 1, 0, 0 };
	struct err	 e;
	PGresult	*res;

	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(cryp_init(), 0);
	a = arena_create(0);
	db = db_create(cfg_str(CFG_DB), 2);
	cr_assert_not_null(kv = kv_create(cfg_str(CFG_REDIS), 1000, &e));
	snprintf(phone, sizeof(phone), "+4477008%06u",
	    (unsigned)randombytes_uniform(1000000));
	vals[0] = phone;
	res = sql("INSERT INTO users (phone) VALUES ($1) ON CONFLICT (phone) "
	    "DO UPDATE SET name = '' RETURNING id", 1, vals, NULL, NULL);
	snprintf(user, sizeof(user), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	vals[0] = user;
	PQclear(sql("INSERT INTO devices (user_id, id, name) VALUES ($1, 1, "
	    "'unit')", 1, vals, NULL, NULL));
	cryp_token(token);
	cryp_hash_token(hash, token, strlen(token));
	vals[0] = (const char *)hash;
	vals[1] = user;
	PQclear(sql("INSERT INTO sessions (token_hash, user_id, device_id) "
	    "VALUES ($1, $2, 1)", 2, vals, lens, fmts));
}

static void
teardown(void)
{
	const char	*vals[] = { user, phone };
	struct err	 e;

	PQclear(sql("DELETE FROM users WHERE id = $1", 1, vals, NULL, NULL));
	PQclear(sql("DELETE FROM banned_phones WHERE phone = $1", 1, vals + 1,
	    NULL, NULL));
	auth_uncache(kv, hash, 1, &e);
	db_destroy(db);
	kv_destroy(kv);
	arena_destroy(a);
}

TestSuite(auth, .init = setup, .fini = teardown);

static int
resolve(const char *cookie, struct req *r, struct err *e)
{
	route_req_init(r, a);
	r->cookie = cookie;
	r->db = db;
	r->kv = kv;
	err_clear(e);
	return auth_resolve(r, e);
}

static const char *
cookie_of(const char *tok)
{
	return arena_printf(a, "theme=dark; %s=%s; x=1", AUTH_COOKIE, tok);
}

Test(auth, uuid_and_names)
{
	char	key[AUTH_CACHE_KEY_LEN], chan[AUTH_CHANNEL_LEN];
	uint8_t	h[CRYP_HASH_LEN];

	cr_expect(auth_uuid_ok("8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3c"));
	cr_expect(auth_uuid_ok("8D0C3A8E-1B7E-4F7E-9A43-2F4C1F1E2D3C"));
	cr_expect_not(auth_uuid_ok("8d0c3a8e1b7e-4f7e-9a43-2f4c1f1e2d3c0"));
	cr_expect_not(auth_uuid_ok("8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3"));
	cr_expect_not(auth_uuid_ok("8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3g"));
	cr_expect_not(auth_uuid_ok(""));
	memset(h, 0xab, sizeof(h));
	auth_cache_key(key, h);
	cr_expect_eq(strncmp(key, "parley:sess:abababab", 20), 0, "%s", key);
	cr_expect_eq(strlen(key), 12 + 64);
	auth_device_channel(chan, "8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3c", 3);
	cr_expect_str_eq(chan, "parley:dev:8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3c:3");
}

Test(auth, cookie_hash_is_blake2b_of_the_token)
{
	struct req	r;
	uint8_t		h[CRYP_HASH_LEN];

	route_req_init(&r, a);
	r.cookie = cookie_of(token);
	cr_assert_eq(auth_cookie_hash(&r, h), 0);
	cr_expect(cryp_equal(h, hash, sizeof(h)));
	r.cookie = "";
	cr_expect_eq(auth_cookie_hash(&r, h), APP_EUNAUTH);
	r.cookie = cookie_of("short");
	cr_expect_eq(auth_cookie_hash(&r, h), APP_EUNAUTH);
	/* 43 characters, not base64url. */
	r.cookie = cookie_of("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
	cr_expect_eq(auth_cookie_hash(&r, h), APP_EUNAUTH);
}

Test(auth, resolves_and_caches)
{
	struct req	 r;
	struct err	 e;
	char		 key[AUTH_CACHE_KEY_LEN];
	const char	*argv[2];
	redisReply	*rep;

	cr_assert_eq(resolve(cookie_of(token), &r, &e), 0, "%s", e.msg);
	cr_expect_str_eq(r.user_id, user);
	cr_expect_eq(r.device_id, 1);
	cr_expect_eq(r.pin_pending, 0);
	auth_cache_key(key, hash);
	argv[0] = "GET";
	argv[1] = key;
	cr_assert_not_null(rep = kv_cmd(kv, 2, argv, NULL, &e));
	cr_assert_eq(rep->type, REDIS_REPLY_STRING, "cached");
	cr_expect_not_null(strstr(rep->str, user));
	cr_expect_null(strstr(rep->str, token), "no token in the cache");
	freeReplyObject(rep);
	/* A second resolve answers from the cache, even with the row gone... */
	PQclear(sql("DELETE FROM sessions WHERE user_id = $1", 1,
	    (const char *[]){ user }, NULL, NULL));
	cr_assert_eq(resolve(cookie_of(token), &r, &e), 0);
	/* ...until the revoker drops the entry, as it must. */
	cr_assert_eq(auth_uncache(kv, hash, 1, &e), 0);
	cr_assert_eq(resolve(cookie_of(token), &r, &e), APP_EUNAUTH);
	cr_expect_str_eq(e.slug, "unauthorized");
	cr_expect_str_eq(r.user_id, "");
}

Test(auth, unknown_and_missing_cookies)
{
	struct req	r;
	struct err	e;
	char		other[CRYP_TOKEN_LEN];

	cryp_token(other);
	cr_expect_eq(resolve(cookie_of(other), &r, &e), APP_EUNAUTH);
	cr_expect_eq(resolve("", &r, &e), APP_EUNAUTH);
	cr_expect_eq(resolve("parley_session=", &r, &e), APP_EUNAUTH);
}

Test(auth, pin_pending_and_banned)
{
	const char	*vals[] = { user, phone };
	struct req	 r;
	struct err	 e;

	PQclear(sql("UPDATE sessions SET pin_pending = true WHERE user_id = $1",
	    1, vals, NULL, NULL));
	cr_assert_eq(resolve(cookie_of(token), &r, &e), 0);
	cr_expect_eq(r.pin_pending, 1);
	cr_assert_eq(auth_uncache(kv, hash, 1, &e), 0);
	PQclear(sql("INSERT INTO banned_phones (phone) VALUES ($1)", 1,
	    vals + 1, NULL, NULL));
	cr_assert_eq(resolve(cookie_of(token), &r, &e), APP_EFORBIDDEN);
	cr_expect_str_eq(e.slug, "banned");
}

Test(auth, works_without_redis)
{
	struct kv	*dead;
	struct req	 r;
	struct err	 e;

	cr_assert_not_null(dead = kv_create(
	    "unix:/nonexistent-parley-dir/redis.sock", 200, &e));
	route_req_init(&r, a);
	r.cookie = cookie_of(token);
	r.db = db;
	r.kv = dead;
	cr_assert_eq(auth_resolve(&r, &e), 0, "%s", e.msg);
	cr_expect_str_eq(r.user_id, user);
	kv_destroy(dead);
}
