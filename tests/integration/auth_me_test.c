/*
 * auth_me_test.c - GET/PATCH/DELETE /api/auth/me and POST
 * /api/auth/logout through nginx: profile validation, logging out, and
 * deleting an account with everything hanging off it.
 */
#include "auth_test_util.h"

TestSuite(auth_me, .timeout = 60);

/* A client that sends exactly this Cookie header (a stolen or old cookie). */
static struct http_client *
with_cookie(const char *cookie)
{
	struct http_client	*c = http_client_create();

	http_client_header(c, "Cookie", cookie);
	return c;
}

Test(auth_me, needs_a_session)
{
	static const char *cookies[] = { NULL, "parley_session=",
	    "parley_session=abc",
	    "parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "parley_session=!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
	    "other=1" };
	struct http_client	*c;
	char			 slug[64];
	size_t			 i;

	for (i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++) {
		c = cookies[i] != NULL ? with_cookie(cookies[i]) :
		    http_client_create();
		cr_expect_eq(at_status(c, "GET", "/api/auth/me", NULL, slug,
		    sizeof(slug)), 401, "%s", cookies[i]);
		cr_expect_str_eq(slug, "unauthorized");
		cr_expect_eq(at_status(c, "GET", "/api/auth/devices", NULL,
		    NULL, 0), 401);
		cr_expect_eq(at_status(c, "POST", "/api/auth/logout", NULL,
		    NULL, 0), 401);
		http_client_destroy(c);
	}
}

Test(auth_me, get_and_patch)
{
	struct at_user		 u = { 0 };
	struct http_resp	 r;

	json_decref(at_login(&u, "laptop"));
	cr_assert_eq(at_req(u.c, "GET", "/api/auth/me", &r, NULL), 200);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "id")), u.id);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "phone")),
	    u.phone);
	cr_expect(json_is_false(json_object_get(r.json, "has_pin")));
	cr_expect(json_is_false(json_object_get(r.json, "pin_required")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(r.json,
	    "device"), "id")), u.device);
	http_resp_cleanup(&r);
	/* 25 characters of two bytes each, and an emoji about. */
	cr_assert_eq(at_req(u.c, "PATCH", "/api/auth/me", &r, "{\"name\":"
	    "\"ééééééééééééééééééééééééé\",\"about\":\"Busy 🚀\"}"), 200,
	    "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "name")),
	    "ééééééééééééééééééééééééé");
	http_resp_cleanup(&r);
	cr_assert_eq(at_req(u.c, "PATCH", "/api/auth/me", &r,
	    "{\"about\":\"\"}"), 200);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "about")),
	    "");
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "name")),
	    "ééééééééééééééééééééééééé", "name untouched");
	http_resp_cleanup(&r);
	at_user_free(&u);
}

Test(auth_me, patch_bad_input)
{
	static const struct { const char *body; long status; const char *slug; }
	cases[] = {
		{ "", 400, "malformed_json" },
		{ "{\"name\":", 400, "malformed_json" },
		{ "[]", 400, "expected_object" },
		{ "{}", 400, "missing_field" },
		{ "{\"nickname\":\"x\"}", 400, "unknown_field" },
		{ "{\"name\":\"x\",\"phone\":\"+447700900123\"}", 400,
		    "unknown_field" },
		{ "{\"name\":1}", 400, "invalid_field" },
		{ "{\"name\":null}", 400, "invalid_field" },
		{ "{\"about\":false}", 400, "invalid_field" },
		{ "{\"name\":\"\"}", 400, "invalid_field" },
		{ "{\"name\":\"a\\u0000b\"}", 400, "malformed_json" },
		{ "{\"name\":\"a\\u001bb\"}", 400, "invalid_field" },
		{ "{\"about\":\"line\\nbreak\"}", 400, "invalid_field" },
		{ "{\"name\":\"\xff\"}", 400, "malformed_json" },
		{ "{\"name\":\"\xed\xa0\x80\"}", 400, "malformed_json" },
		{ "{\"name\":\"abcdefghijklmnopqrstuvwxyz\"}", 413,
		    "field_too_long" },
	};
	struct at_user	u = { 0 };
	char		slug[64], about[200];
	size_t		i;

	json_decref(at_login(&u, "laptop"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(at_status(u.c, "PATCH", "/api/auth/me",
		    cases[i].body, slug, sizeof(slug)), cases[i].status, "%s",
		    cases[i].body);
		cr_expect_str_eq(slug, cases[i].slug, "%s", cases[i].body);
	}
	memset(about, 'a', 140);
	snprintf(about + 140, sizeof(about) - 140, "%s", "");
	{
		char body[256];

		snprintf(body, sizeof(body), "{\"about\":\"%s\"}", about);
		cr_expect_eq(at_status(u.c, "PATCH", "/api/auth/me", body,
		    slug, sizeof(slug)), 413, "about of 140");
		about[139] = '\0';
		snprintf(body, sizeof(body), "{\"about\":\"%s\"}", about);
		cr_expect_eq(at_status(u.c, "PATCH", "/api/auth/me", body,
		    slug, sizeof(slug)), 200, "about of 139");
	}
	http_client_header(u.c, "Origin", "https://localhost.evil.example");
	cr_expect_eq(at_status(u.c, "PATCH", "/api/auth/me", "{\"name\":\"x\"}",
	    slug, sizeof(slug)), 403);
	cr_expect_str_eq(slug, "bad_origin");
	at_user_free(&u);
}

Test(auth_me, logout_revokes_at_once)
{
	struct at_user		 u = { 0 }, other = { 0 };
	struct http_client	*old;
	struct http_resp	 r;
	char			 v[256];
	const char		*vals[1];

	json_decref(at_login(&u, "one"));
	snprintf(other.phone, sizeof(other.phone), "%s", u.phone);
	json_decref(at_login(&other, "two"));
	old = with_cookie(u.cookie);
	cr_assert_eq(at_status(old, "GET", "/api/auth/me", NULL, NULL, 0), 200,
	    "the cookie works (and is now cached)");
	cr_assert_eq(at_req(u.c, "POST", "/api/auth/logout", &r, NULL), 204);
	cr_assert_not_null(http_header(&r, "Set-Cookie", v, sizeof(v)));
	cr_expect_not_null(strstr(v, "Max-Age=0"), "%s", v);
	http_resp_cleanup(&r);
	cr_expect_eq(at_status(old, "GET", "/api/auth/me", NULL, NULL, 0), 401);
	cr_expect_eq(at_status(u.c, "GET", "/api/auth/me", NULL, NULL, 0), 401);
	vals[0] = u.id;
	cr_expect_eq(at_sql_long("SELECT count(*) FROM devices WHERE "
	    "user_id = $1", 1, vals), 1, "the device went, the other stays");
	cr_expect_eq(at_status(other.c, "GET", "/api/auth/me", NULL, NULL, 0),
	    200);
	http_client_destroy(old);
	at_user_free(&u);
	at_user_free(&other);
}

Test(auth_me, delete_account)
{
	struct at_user		 u = { 0 }, again = { 0 };
	struct http_client	*old;
	char			 slug[64], *keys;
	struct at_keys		 k;
	const char		*vals[1];
	json_t			*j;

	json_decref(at_login(&u, "one"));
	at_keys_new(&k, 1);
	keys = at_keys_body(&k, 1, 5);
	cr_assert_eq(at_status(u.c, "PUT", "/api/auth/keys", keys, NULL, 0),
	    200);
	free(keys);
	old = with_cookie(u.cookie);
	http_client_header(u.c, "Origin", NULL);
	cr_expect_eq(at_status(u.c, "DELETE", "/api/auth/me", NULL, slug,
	    sizeof(slug)), 403, "Origin is required");
	http_client_header(u.c, "Origin", test_url());
	cr_assert_eq(at_status(u.c, "DELETE", "/api/auth/me", NULL, NULL, 0),
	    204);
	cr_expect_eq(at_status(old, "GET", "/api/auth/me", NULL, NULL, 0), 401);
	vals[0] = u.id;
	cr_expect_eq(at_sql_long("SELECT (SELECT count(*) FROM users WHERE "
	    "id = $1) + (SELECT count(*) FROM devices WHERE user_id = $1) + "
	    "(SELECT count(*) FROM sessions WHERE user_id = $1) + "
	    "(SELECT count(*) FROM one_time_prekeys WHERE user_id = $1)", 1,
	    vals), 0, "account, devices, sessions and keys are gone");
	/* The number registers again as a new identity. */
	snprintf(again.phone, sizeof(again.phone), "%s", u.phone);
	j = at_login(&again, "new");
	cr_expect(json_is_true(json_object_get(j, "is_new")));
	cr_expect_str_neq(again.id, u.id);
	cr_expect_eq(again.device, 1);
	json_decref(j);
	http_client_destroy(old);
	at_user_free(&u);
	at_user_free(&again);
}
