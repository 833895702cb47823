/*
 * auth_otp_test.c - POST /api/auth/otp through nginx: a code reaches the
 * SMS gateway stub and only its hash reaches Postgres; every kind of bad
 * input; the resend and hourly limits; a gateway failure that leaves
 * nothing behind; the Origin check; banned numbers.
 */
#include "auth_test_util.h"

TestSuite(auth_otp, .timeout = 60);

Test(auth_otp, sends_a_code_and_stores_only_its_hash)
{
	struct http_client	*c = http_client_create();
	struct http_resp	 r;
	char			 phone[AT_PHONE_MAX], hex[65];
	const char		*vals[1] = { phone }, *code;
	uint8_t			 h[32];
	PGresult		*res;
	char			 msg[128];

	at_phone(phone);
	cr_assert_eq(at_req(c, "POST", "/api/auth/otp", &r,
	    "{\"phone\":\"%s\"}", phone), 200, "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "expires_in")),
	    600);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "resend_in")),
	    30);
	http_resp_cleanup(&r);
	code = at_code(phone);
	cr_assert_eq(strlen(code), 6, "the gateway got a 6-digit code");
	res = at_sql("SELECT encode(code_hash, 'hex'), attempts, "
	    "expires_at - now() > interval '9 minutes' FROM otp_codes "
	    "WHERE phone = $1", 1, vals);
	cr_assert_eq(PQntuples(res), 1);
	snprintf(msg, sizeof(msg), "parley/otp/v1:%s:%s", phone, code);
	crypto_generichash(h, 32, (unsigned char *)msg, strlen(msg), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	cr_expect_str_eq(PQgetvalue(res, 0, 0), hex, "BLAKE2b of the code");
	cr_expect_null(strstr(PQgetvalue(res, 0, 0), code));
	cr_expect_str_eq(PQgetvalue(res, 0, 1), "0");
	cr_expect_str_eq(PQgetvalue(res, 0, 2), "t");
	PQclear(res);
	http_client_destroy(c);
}

Test(auth_otp, invalid_phones)
{
	static const char *bad[] = { "\"\"", "\"447700900123\"",
	    "\"+0447700900123\"", "\"+1234567\"", "\"+1234567890123456\"",
	    "\"+44 7700 900123\"", "\"+44-7700-900123\"", "\"++447700900123\"",
	    "\"+44770090012a\"", "\"+4477009001\xef\xbc\x93\"",
	    "\" +447700900123\"", "\"+447700900123 \"", "\"tel:+447700900123\"" };
	struct http_client	*c = http_client_create();
	char			 body[128], code[64];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"phone\":%s}", bad[i]);
		cr_expect_eq(at_status(c, "POST", "/api/auth/otp", body, code,
		    sizeof(code)), 400, "%s", body);
		cr_expect_str_eq(code, "invalid_phone", "%s", body);
	}
	http_client_destroy(c);
}

Test(auth_otp, bad_bodies)
{
	static const struct { const char *body; long status; const char *code; }
	cases[] = {
		{ "", 400, "malformed_json" },
		{ "{", 400, "malformed_json" },
		{ "{\"phone\":\"+447700900123\"", 400, "malformed_json" },
		{ "phone=+447700900123", 400, "malformed_json" },
		{ "[\"+447700900123\"]", 400, "expected_object" },
		{ "\"+447700900123\"", 400, "expected_object" },
		{ "{}", 400, "missing_field" },
		{ "{\"phone\":447700900123}", 400, "invalid_field" },
		{ "{\"phone\":null}", 400, "invalid_field" },
		{ "{\"phone\":[\"+447700900123\"]}", 400, "invalid_field" },
		{ "{\"phone\":true}", 400, "invalid_field" },
		{ "{\"phone\":\"+447700900123\",\"extra\":1}", 400,
		    "unknown_field" },
		{ "{\"Phone\":\"+447700900123\"}", 400, "unknown_field" },
		{ "{\"phone\":\"+447700900123\",\"phone\":\"+447700900124\"}",
		    400, "malformed_json" },
		{ "{\"phone\":\"+4477\xff\xfe" "00900123\"}", 400,
		    "malformed_json" },
		{ "{\"phone\":\"+44\\u00007700900123\"}", 400, "malformed_json" },
		{ "{\"phone\":\"+447700\\u0007900123\"}", 400, "invalid_field" },
	};
	struct http_client	*c = http_client_create();
	char			 code[64];
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(at_status(c, "POST", "/api/auth/otp", cases[i].body,
		    code, sizeof(code)), cases[i].status, "%s", cases[i].body);
		cr_expect_str_eq(code, cases[i].code, "%s", cases[i].body);
	}
	http_client_destroy(c);
}

Test(auth_otp, over_long_phone)
{
	struct http_client	*c = http_client_create();
	char			*body, code[64];
	size_t			 n = 100000;

	cr_assert_not_null(body = malloc(n + 32));
	strcpy(body, "{\"phone\":\"+");
	memset(body + 11, '4', n);
	strcpy(body + 11 + n, "\"}");
	cr_expect_eq(at_status(c, "POST", "/api/auth/otp", body, code,
	    sizeof(code)), 413);
	cr_expect_str_eq(code, "field_too_long");
	free(body);
	http_client_destroy(c);
}

Test(auth_otp, resend_within_30s_is_429_with_retry_after)
{
	struct http_client	*c = http_client_create();
	struct http_resp	 r;
	char			 phone[AT_PHONE_MAX], v[32];

	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	cr_assert_eq(at_req(c, "POST", "/api/auth/otp", &r,
	    "{\"phone\":\"%s\"}", phone), 429);
	cr_expect_str_eq(http_error_code(&r), "rate_limited");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect(atoi(v) >= 1 && atoi(v) <= 30, "Retry-After %s", v);
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

Test(auth_otp, at_most_five_codes_per_hour)
{
	struct http_client	*c = http_client_create();
	struct http_resp	 r;
	char			 phone[AT_PHONE_MAX], key[96], v[32];
	int			 i;

	at_phone(phone);
	snprintf(key, sizeof(key), "parley:rl:otp:resend:%s", phone);
	for (i = 0; i < 5; i++) {
		/* Play the 30 s pause between codes. */
		at_redis_del(key);
		cr_assert_eq(at_request_code(c, phone), 200, "code %d", i + 1);
	}
	at_redis_del(key);
	cr_assert_eq(at_req(c, "POST", "/api/auth/otp", &r,
	    "{\"phone\":\"%s\"}", phone), 429);
	cr_expect_str_eq(http_error_code(&r), "rate_limited");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect(atoi(v) > 30 && atoi(v) <= 3600, "Retry-After %s", v);
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

Test(auth_otp, gateway_failure_is_502_and_leaves_nothing)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], code[64];
	const char		*vals[1] = { phone };
	char			 body[96];

	at_phone_failing(phone);
	snprintf(body, sizeof(body), "{\"phone\":\"%s\"}", phone);
	cr_assert_eq(at_status(c, "POST", "/api/auth/otp", body, code,
	    sizeof(code)), 502);
	cr_expect_str_eq(code, "sms_failed");
	cr_expect_eq(at_sql_long("SELECT count(*) FROM otp_codes "
	    "WHERE phone = $1", 1, vals), 0, "no code row");
	cr_expect_eq(at_sql_long("SELECT count(*) FROM users "
	    "WHERE phone = $1", 1, vals), 0, "no account");
	/* Nothing was sent, so trying again is not a "resend". */
	cr_expect_eq(at_status(c, "POST", "/api/auth/otp", body, code,
	    sizeof(code)), 502);
	cr_expect_str_eq(code, "sms_failed");
	http_client_destroy(c);
}

Test(auth_otp, needs_the_apps_origin)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], body[96], code[64];
	const char		*vals[1] = { phone };

	at_phone(phone);
	snprintf(body, sizeof(body), "{\"phone\":\"%s\"}", phone);
	http_client_header(c, "Origin", NULL);
	cr_expect_eq(at_status(c, "POST", "/api/auth/otp", body, code,
	    sizeof(code)), 403);
	cr_expect_str_eq(code, "bad_origin");
	http_client_header(c, "Origin", "https://evil.example");
	cr_expect_eq(at_status(c, "POST", "/api/auth/otp", body, code,
	    sizeof(code)), 403);
	cr_expect_str_eq(code, "bad_origin");
	cr_expect_eq(at_sql_long("SELECT count(*) FROM otp_codes "
	    "WHERE phone = $1", 1, vals), 0);
	cr_expect_str_eq(at_code(phone), "", "nothing sent");
	http_client_destroy(c);
}

Test(auth_otp, banned_number_gets_no_code)
{
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX], body[96], code[64];
	const char		*vals[1] = { phone };

	at_phone(phone);
	PQclear(at_sql("INSERT INTO banned_phones (phone, reason) "
	    "VALUES ($1, 'test')", 1, vals));
	snprintf(body, sizeof(body), "{\"phone\":\"%s\"}", phone);
	cr_expect_eq(at_status(c, "POST", "/api/auth/otp", body, code,
	    sizeof(code)), 403);
	cr_expect_str_eq(code, "banned");
	cr_expect_str_eq(at_code(phone), "");
	PQclear(at_sql("DELETE FROM banned_phones WHERE phone = $1", 1, vals));
	http_client_destroy(c);
}

Test(auth_otp, wrong_method_and_path)
{
	struct http_client	*c = http_client_create();
	char			 code[64];

	cr_expect_eq(at_status(c, "GET", "/api/auth/otp", NULL, code,
	    sizeof(code)), 405);
	cr_expect_str_eq(code, "method_not_allowed");
	cr_expect_eq(at_status(c, "POST", "/api/auth/otp/x", "{}", code,
	    sizeof(code)), 404);
	cr_expect_str_eq(code, "not_found");
	http_client_destroy(c);
}
