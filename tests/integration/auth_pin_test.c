/*
 * auth_pin_test.c - the two-step PIN through nginx: setting it, a login
 * that must then pass POST /api/auth/pin/verify before anything else,
 * wrong PINs with growing delays, and removing the PIN.
 */
#include "auth_test_util.h"

TestSuite(auth_pin, .timeout = 120);

static void
set_pin(struct at_user *u, const char *pin)
{
	char	body[64];

	snprintf(body, sizeof(body), "{\"pin\":\"%s\"}", pin);
	cr_assert_eq(at_status(u->c, "PUT", "/api/auth/pin", body, NULL, 0),
	    204);
}

Test(auth_pin, bad_pins)
{
	static const char *bodies[] = { "{\"pin\":\"12345\"}",
	    "{\"pin\":\"1234567\"}", "{\"pin\":\"12345a\"}",
	    "{\"pin\":\" 12345\"}", "{\"pin\":\"\"}",
	    "{\"pin\":\"１２３４５６\"}" };
	struct at_user	u = { 0 };
	char		slug[64];
	size_t		i;

	json_decref(at_login(&u, "A"));
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		cr_expect_eq(at_status(u.c, "PUT", "/api/auth/pin", bodies[i],
		    slug, sizeof(slug)), 400, "%s", bodies[i]);
		cr_expect_str_eq(slug, "invalid_pin", "%s", bodies[i]);
	}
	cr_expect_eq(at_status(u.c, "PUT", "/api/auth/pin", "{\"pin\":123456}",
	    slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_field");
	cr_expect_eq(at_status(u.c, "PUT", "/api/auth/pin", "{}", slug,
	    sizeof(slug)), 400);
	cr_expect_str_eq(slug, "missing_field");
	cr_expect_eq(at_status(u.c, "PUT", "/api/auth/pin",
	    "{\"pin\":\"123456\",\"hint\":\"x\"}", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "unknown_field");
	cr_expect_eq(at_status(u.c, "PUT", "/api/auth/pin", "{\"pin\":\"1\xff\"}",
	    slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "malformed_json");
	cr_expect_eq(at_status(u.c, "PUT", "/api/auth/pin", "pin=123456", slug,
	    sizeof(slug)), 400);
	cr_expect_eq(at_status(u.c, "POST", "/api/auth/pin/verify",
	    "{\"pin\":\"123456\"}", slug, sizeof(slug)), 409);
	cr_expect_str_eq(slug, "pin_not_set");
	at_user_free(&u);
}

Test(auth_pin, login_waits_for_the_pin)
{
	struct at_user		 u = { 0 }, d2 = { 0 };
	struct http_resp	 r;
	const char		*vals[1];
	char			 slug[64];
	json_t			*j;

	json_decref(at_login(&u, "A"));
	set_pin(&u, "246810");
	vals[0] = u.id;
	cr_expect_eq(at_sql_long("SELECT count(*) FROM users WHERE id = $1 AND "
	    "pin_hash LIKE '$argon2id$%' AND pin_hash NOT LIKE '%246810%'", 1,
	    vals), 1, "stored as Argon2id");
	snprintf(d2.phone, sizeof(d2.phone), "%s", u.phone);
	j = at_login(&d2, "B");
	cr_expect(json_is_true(json_object_get(j, "pin_required")));
	json_decref(j);
	/* Only me, logout and pin/verify until the PIN is right. */
	cr_assert_eq(at_req(d2.c, "GET", "/api/auth/me", &r, NULL), 200);
	cr_expect(json_is_true(json_object_get(r.json, "pin_required")));
	http_resp_cleanup(&r);
	cr_expect_eq(at_status(d2.c, "GET", "/api/auth/devices", NULL, slug,
	    sizeof(slug)), 403);
	cr_expect_str_eq(slug, "pin_required");
	cr_expect_eq(at_status(d2.c, "GET", "/api/auth/session", NULL, slug,
	    sizeof(slug)), 403);
	cr_expect_eq(at_status(d2.c, "PATCH", "/api/auth/me",
	    "{\"name\":\"x\"}", slug, sizeof(slug)), 403);
	cr_expect_eq(at_status(d2.c, "GET", "/api/auth/keys/count", NULL, slug,
	    sizeof(slug)), 403);
	cr_expect_eq(at_status(d2.c, "DELETE", "/api/auth/me", NULL, slug,
	    sizeof(slug)), 403);
	cr_expect_eq(at_status(d2.c, "POST", "/api/auth/pin/verify",
	    "{\"pin\":\"246811\"}", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_pin");
	cr_assert_eq(at_req(d2.c, "POST", "/api/auth/pin/verify", &r,
	    "{\"pin\":\"246810\"}"), 200, "%s", r.body);
	cr_expect(json_is_false(json_object_get(r.json, "pin_required")));
	http_resp_cleanup(&r);
	/* At once, although the session was cached as pending. */
	cr_expect_eq(at_status(d2.c, "GET", "/api/auth/devices", NULL, NULL, 0),
	    200);
	cr_expect_eq(at_sql_long("SELECT pin_failures FROM users WHERE id = $1",
	    1, vals), 0, "a right PIN resets the count");
	at_user_free(&u);
	at_user_free(&d2);
}

Test(auth_pin, wrong_pins_get_growing_delays)
{
	struct at_user		 u = { 0 }, d2 = { 0 };
	struct http_resp	 r;
	const char		*vals[1];
	char			 v[32];
	int			 i;

	json_decref(at_login(&u, "A"));
	set_pin(&u, "135790");
	snprintf(d2.phone, sizeof(d2.phone), "%s", u.phone);
	json_decref(at_login(&d2, "B"));
	for (i = 0; i < 2; i++) {
		at_req(d2.c, "POST", "/api/auth/pin/verify", &r,
		    "{\"pin\":\"000000\"}");
		cr_expect_eq(r.status, 400);
		cr_expect_null(http_header(&r, "Retry-After", v, sizeof(v)),
		    "no delay for the first two");
		http_resp_cleanup(&r);
	}
	at_req(d2.c, "POST", "/api/auth/pin/verify", &r, "{\"pin\":\"000000\"}");
	cr_expect_eq(r.status, 400);
	cr_expect_str_eq(http_error_code(&r), "invalid_pin");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect_eq(atoi(v), 30, "the third wrong PIN: 30 s");
	http_resp_cleanup(&r);
	/* While the delay runs even the right PIN is refused. */
	at_req(d2.c, "POST", "/api/auth/pin/verify", &r, "{\"pin\":\"135790\"}");
	cr_expect_eq(r.status, 429);
	cr_expect_str_eq(http_error_code(&r), "too_many_attempts");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect(atoi(v) >= 1 && atoi(v) <= 30, "%s", v);
	http_resp_cleanup(&r);
	/* Let the delay pass; the next wrong PIN doubles it. */
	vals[0] = u.id;
	PQclear(at_sql("UPDATE users SET pin_retry_at = now() - interval "
	    "'1 second' WHERE id = $1", 1, vals));
	at_req(d2.c, "POST", "/api/auth/pin/verify", &r, "{\"pin\":\"000000\"}");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect_eq(atoi(v), 60);
	http_resp_cleanup(&r);
	PQclear(at_sql("UPDATE users SET pin_retry_at = NULL WHERE id = $1", 1,
	    vals));
	cr_expect_eq(at_status(d2.c, "POST", "/api/auth/pin/verify",
	    "{\"pin\":\"135790\"}", NULL, 0), 200);
	at_user_free(&u);
	at_user_free(&d2);
}

Test(auth_pin, removing_needs_the_pin)
{
	struct at_user		 u = { 0 };
	struct http_resp	 r;
	char			 slug[64];

	json_decref(at_login(&u, "A"));
	set_pin(&u, "112233");
	cr_expect_eq(at_status(u.c, "DELETE", "/api/auth/pin",
	    "{\"pin\":\"332211\"}", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_pin");
	cr_expect_eq(at_status(u.c, "DELETE", "/api/auth/pin", NULL, slug,
	    sizeof(slug)), 400);
	cr_expect_str_eq(slug, "malformed_json");
	cr_assert_eq(at_status(u.c, "DELETE", "/api/auth/pin",
	    "{\"pin\":\"112233\"}", NULL, 0), 204);
	cr_assert_eq(at_req(u.c, "GET", "/api/auth/me", &r, NULL), 200);
	cr_expect(json_is_false(json_object_get(r.json, "has_pin")));
	http_resp_cleanup(&r);
	at_user_free(&u);
}
