/*
 * auth_verify_test.c - POST /api/auth/verify through nginx: new and
 * returning accounts, the session cookie, wrong, expired, reused and
 * concurrently claimed codes, bad input, the device limit, banned numbers.
 */
#include <sys/wait.h>

#include "auth_test_util.h"

TestSuite(auth_verify, .timeout = 90);

/* Verifies with the given code; returns the status, *slug the error code. */
static long
verify(struct http_client *c, const char *phone, const char *code,
    char *slug, size_t n)
{
	char	body[256];

	snprintf(body, sizeof(body), "{\"phone\":\"%s\",\"code\":\"%s\","
	    "\"device_name\":\"Test browser\"}", phone, code);
	return at_status(c, "POST", "/api/auth/verify", body, slug, n);
}

/* A code other than code (same length). */
static void
wrong_code(const char *code, char out[7])
{
	unsigned	n = ((unsigned)atoi(code) + 1) % 1000000;
	int		i;

	for (i = 5; i >= 0; i--, n /= 10)
		out[i] = (char)('0' + n % 10);
	out[6] = '\0';
}

Test(auth_verify, new_account_then_second_device)
{
	struct at_user		 u = { 0 }, u2 = { 0 };
	struct http_resp	 r;
	json_t			*j, *user;
	char			 v[512];

	j = at_login(&u, "Firefox on Linux");
	user = json_object_get(j, "user");
	cr_expect(json_is_true(json_object_get(j, "is_new")));
	cr_expect(json_is_false(json_object_get(j, "pin_required")));
	cr_expect_str_eq(json_string_value(json_object_get(user, "phone")),
	    u.phone);
	cr_expect_eq(strlen(u.id), 36);
	cr_expect_eq(u.device, 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "device"), "name")), "Firefox on Linux");
	json_decref(j);
	/* The cookie works, and the second login is a second device. */
	cr_assert_eq(at_req(u.c, "GET", "/api/auth/me", &r, NULL), 200);
	http_resp_cleanup(&r);
	snprintf(u2.phone, sizeof(u2.phone), "%s", u.phone);
	j = at_login(&u2, "Chromium");
	cr_expect(json_is_false(json_object_get(j, "is_new")));
	cr_expect_str_eq(u2.id, u.id);
	cr_expect_eq(u2.device, 2);
	json_decref(j);
	cr_assert_eq(at_req(u2.c, "GET", "/api/auth/me", &r, NULL), 200);
	(void)v;
	http_resp_cleanup(&r);
	at_user_free(&u);
	at_user_free(&u2);
}

Test(auth_verify, session_cookie_is_strict_and_stored_hashed)
{
	struct http_client	*c = http_client_create();
	struct http_resp	 r;
	char			 phone[AT_PHONE_MAX], v[512], *tok, *end, hex[65];
	uint8_t			 h[32];
	const char		*vals[1] = { hex };

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	cr_assert_eq(at_req(c, "POST", "/api/auth/verify", &r, "{\"phone\":"
	    "\"%s\",\"code\":\"%s\",\"device_name\":\"x\"}", phone,
	    at_code(phone)), 201, "%s", r.body);
	cr_assert_not_null(http_header(&r, "Set-Cookie", v, sizeof(v)));
	cr_expect_not_null(strstr(v, "; HttpOnly"), "%s", v);
	cr_expect_not_null(strstr(v, "; Secure"), "%s", v);
	cr_expect_not_null(strstr(v, "; SameSite=Strict"), "%s", v);
	cr_expect_not_null(strstr(v, "; Path=/"), "%s", v);
	cr_assert_eq(strncmp(v, "parley_session=", 15), 0, "%s", v);
	tok = v + 15;
	cr_assert_not_null(end = strchr(tok, ';'));
	*end = '\0';
	cr_expect_eq(strlen(tok), 43, "256 bits of base64url");
	crypto_generichash(h, 32, (unsigned char *)tok, strlen(tok), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	cr_expect_eq(at_sql_long("SELECT count(*) FROM sessions WHERE "
	    "token_hash = decode($1, 'hex')", 1, vals), 1, "BLAKE2b stored");
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

Test(auth_verify, wrong_code_six_times)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], code[7], bad[7], slug[64];
	int			 i;

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	snprintf(code, sizeof(code), "%s", at_code(phone));
	wrong_code(code, bad);
	for (i = 0; i < 5; i++) {
		cr_expect_eq(verify(c, phone, bad, slug, sizeof(slug)), 400,
		    "attempt %d", i + 1);
		cr_expect_str_eq(slug, "invalid_code");
	}
	/* The sixth attempt finds the code dead, even the right one. */
	cr_expect_eq(verify(c, phone, code, slug, sizeof(slug)), 429);
	cr_expect_str_eq(slug, "too_many_attempts");
	cr_expect_eq(verify(c, phone, bad, slug, sizeof(slug)), 429);
	http_client_destroy(c);
}

Test(auth_verify, right_code_on_the_fifth_attempt)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], code[7], bad[7], slug[64];
	int			 i;

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	snprintf(code, sizeof(code), "%s", at_code(phone));
	wrong_code(code, bad);
	for (i = 0; i < 4; i++)
		cr_expect_eq(verify(c, phone, bad, slug, sizeof(slug)), 400);
	cr_expect_eq(verify(c, phone, code, slug, sizeof(slug)), 201, "%s",
	    slug);
	http_client_destroy(c);
}

Test(auth_verify, expired_code)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], slug[64];
	const char		*vals[1] = { phone };

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	PQclear(at_sql("UPDATE otp_codes SET expires_at = now() - "
	    "interval '1 second' WHERE phone = $1", 1, vals));
	cr_expect_eq(verify(c, phone, at_code(phone), slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "code_expired");
	cr_expect_eq(at_sql_long("SELECT count(*) FROM users WHERE phone = $1",
	    1, vals), 0);
	http_client_destroy(c);
}

Test(auth_verify, reused_code_and_no_code)
{
	struct http_client	*c = http_client_create(), *c2;
	char			 phone[AT_PHONE_MAX], code[7], slug[64];

	at_phone(phone);
	cr_expect_eq(verify(c, phone, "123456", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_code", "no code was requested");
	cr_assert_eq(at_request_code(c, phone), 200);
	snprintf(code, sizeof(code), "%s", at_code(phone));
	cr_assert_eq(verify(c, phone, code, slug, sizeof(slug)), 201);
	c2 = http_client_create();
	cr_expect_eq(verify(c2, phone, code, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_code");
	http_client_destroy(c);
	http_client_destroy(c2);
}

Test(auth_verify, bad_bodies)
{
	static const struct { const char *fmt; long status; const char *slug; }
	cases[] = {
		{ "{", 400, "malformed_json" },
		{ "[]", 400, "expected_object" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\"}", 400, "missing_field" },
		{ "{\"phone\":\"%s\",\"device_name\":\"x\"}", 400,
		    "missing_field" },
		{ "{\"code\":\"%2$s\",\"device_name\":\"x\"}", 400,
		    "missing_field" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\",\"device_name\":\"x\","
		    "\"admin\":true}", 400, "unknown_field" },
		{ "{\"phone\":\"%s\",\"code\":123456,\"device_name\":\"x\"}",
		    400, "invalid_field" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\",\"device_name\":7}", 400,
		    "invalid_field" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\",\"device_name\":\"\"}", 400,
		    "invalid_field" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\",\"device_name\":\"a\\nb\"}",
		    400, "invalid_field" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\",\"device_name\":"
		    "\"123456789012345678901234567890123456789012345678901\"}",
		    413, "field_too_long" },
		{ "{\"phone\":\"%s\",\"code\":\"%s\",\"device_name\":\"\xc3\x28\"}",
		    400, "malformed_json" },
		{ "{\"phone\":\"%s\",\"code\":\"12a456\",\"device_name\":\"x\"}",
		    400, "invalid_code" },
		{ "{\"phone\":\"%s\",\"code\":\"1234567\",\"device_name\":\"x\"}",
		    400, "invalid_code" },
		{ "{\"phone\":\"%s\",\"code\":\" 12345\",\"device_name\":\"x\"}",
		    400, "invalid_code" },
		{ "{\"phone\":\"0%s\",\"code\":\"%s\",\"device_name\":\"x\"}",
		    400, "invalid_phone" },
	};
	struct http_client	*c = http_client_create();
	struct http_resp	 r;
	char			 phone[AT_PHONE_MAX], code[7];
	const char		*vals[1] = { phone };
	size_t			 i;

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	snprintf(code, sizeof(code), "%s", at_code(phone));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		at_req(c, "POST", "/api/auth/verify", &r, cases[i].fmt, phone,
		    code);
		cr_expect_eq(r.status, cases[i].status, "%s: %s", cases[i].fmt,
		    r.body);
		cr_expect_str_eq(http_error_code(&r) ? http_error_code(&r) : "",
		    cases[i].slug, "%s", cases[i].fmt);
		http_resp_cleanup(&r);
	}
	cr_expect_eq(at_sql_long("SELECT count(*) FROM users WHERE phone = $1",
	    1, vals), 0, "nothing created");
	/* Rejected bodies used no attempt: the code still works. */
	cr_expect_eq(verify(c, phone, code, NULL, 0), 201);
	http_client_destroy(c);
}

Test(auth_verify, concurrent_logins_with_one_code)
{
	enum { N = 8 };
	char	phone[AT_PHONE_MAX], code[7];
	pid_t	pids[N];
	int	i, st, ok = 0, refused = 0;
	struct http_client *c = http_client_create();

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	snprintf(code, sizeof(code), "%s", at_code(phone));
	for (i = 0; i < N; i++) {
		if ((pids[i] = fork()) == 0) {
			struct http_client *cc = http_client_create();
			long s = verify(cc, phone, code, NULL, 0);

			_exit(s == 201 || s == 200 ? 0 : s == 400 ? 1 : 2);
		}
		cr_assert_gt(pids[i], 0);
	}
	for (i = 0; i < N; i++) {
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		cr_assert(WIFEXITED(st));
		ok += WEXITSTATUS(st) == 0;
		refused += WEXITSTATUS(st) == 1;
	}
	cr_expect_eq(ok, 1, "exactly one login wins");
	cr_expect_eq(refused, N - 1, "the others get invalid_code");
	http_client_destroy(c);
}

Test(auth_verify, device_limit_names_the_limit)
{
	struct at_user		 u = { 0 }, u6 = { 0 };
	struct http_resp	 r;
	const char		*vals[1];
	const char		*code;
	json_t			*j;

	json_decref(at_login(&u, "phone"));
	vals[0] = u.id;
	/* Four companions already linked. */
	PQclear(at_sql("INSERT INTO devices (user_id, id, name) SELECT $1, g, "
	    "'companion ' || g FROM generate_series(2, 5) g", 1, vals));
	PQclear(at_sql("UPDATE users SET next_device_id = 6 WHERE id = $1", 1,
	    vals));
	snprintf(u6.phone, sizeof(u6.phone), "%s", u.phone);
	at_clear_otp_limits(u.phone);
	u6.c = http_client_create();
	cr_assert_eq(at_request_code(u6.c, u6.phone), 200);
	code = at_code(u6.phone);
	at_req(u6.c, "POST", "/api/auth/verify", &r, "{\"phone\":\"%s\","
	    "\"code\":\"%s\",\"device_name\":\"sixth\"}", u6.phone, code);
	cr_expect_eq(r.status, 409, "%s", r.body);
	cr_expect_str_eq(http_error_code(&r), "device_limit");
	j = json_object_get(r.json, "error");
	cr_expect_not_null(strstr(json_string_value(json_object_get(j,
	    "message")), "5"), "the message names the limit");
	cr_expect_null(http_header(&r, "Set-Cookie", (char[64]){ 0 }, 64));
	http_resp_cleanup(&r);
	cr_expect_eq(at_sql_long("SELECT count(*) FROM devices WHERE "
	    "user_id = $1", 1, vals), 5);
	/* After removing one, the same code logs in. */
	cr_assert_eq(at_status(u.c, "DELETE", "/api/auth/devices/3", NULL,
	    NULL, 0), 204);
	cr_expect_eq(verify(u6.c, u6.phone, code, NULL, 0), 200);
	at_user_free(&u);
	at_user_free(&u6);
}

Test(auth_verify, banned_between_code_and_login)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], slug[64];
	const char		*vals[1] = { phone };

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	PQclear(at_sql("INSERT INTO banned_phones (phone) VALUES ($1)", 1,
	    vals));
	cr_expect_eq(verify(c, phone, at_code(phone), slug, sizeof(slug)), 403);
	cr_expect_str_eq(slug, "banned");
	cr_expect_eq(at_sql_long("SELECT count(*) FROM users WHERE phone = $1",
	    1, vals), 0);
	PQclear(at_sql("DELETE FROM banned_phones WHERE phone = $1", 1, vals));
	http_client_destroy(c);
}
