/*
 * jv_test.c - body parsing and every field check, including the error
 * slug, status and field name each failure reports.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "jv.h"

static json_t *
parse_ok(const char *s)
{
	struct err	 e;
	json_t		*o = NULL;

	cr_assert_eq(jv_parse(s, strlen(s), &o, &e), 0, "%s", s);
	return o;
}

static void
expect(int rc, const struct err *e, enum app_err code, const char *slug,
    const char *field)
{
	cr_assert_eq(rc, code, "rc %d: %s", rc, e->msg);
	cr_assert_str_eq(e->slug, slug);
	if (field != NULL)
		cr_assert_not_null(strstr(e->msg, field), "%s", e->msg);
}

Test(jv, parse_malformed)
{
	static const char *bad[] = { "{", "{\"a\":}", "nul", "{} x",
	    "{\"a\":1,\"a\":2}", "\"\xff\"" };
	struct err	 e;
	json_t		*o;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect(jv_parse(bad[i], strlen(bad[i]), &o, &e), &e,
		    APP_EINVAL, "malformed_json", NULL);
		cr_assert_null(o);
	}
	expect(jv_parse(NULL, 0, &o, &e), &e, APP_EINVAL, "malformed_json",
	    NULL);
	/* An embedded NUL (\u0000) is refused by jansson at load. */
	expect(jv_parse("{\"a\":\"x\\u0000\"}", 15, &o, &e), &e, APP_EINVAL,
	    "malformed_json", NULL);
}

Test(jv, parse_not_object)
{
	static const char *bad[] = { "[]", "1", "\"s\"", "null", "true" };
	struct err	 e;
	json_t		*o;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(jv_parse(bad[i], strlen(bad[i]), &o, &e), &e,
		    APP_EINVAL, "expected_object", NULL);
	json_decref(parse_ok("{}"));
}

Test(jv, only_rejects_unknown)
{
	static const char *const allowed[] = { "a", "b", NULL };
	json_t		*o = parse_ok("{\"a\":1,\"b\":2}");
	json_t		*x = parse_ok("{\"a\":1,\"evil\":2}");
	struct err	 e;

	cr_assert_eq(jv_only(o, allowed, &e), 0);
	expect(jv_only(x, allowed, &e), &e, APP_EINVAL, "unknown_field",
	    "evil");
	json_decref(o);
	json_decref(x);
}

Test(jv, parse_only_parses_and_checks_keys)
{
	static const char *const allowed[] = { "a", NULL };
	const char	*good = "{\"a\":1}", *bad = "{\"a\":1,\"evil\":2}";
	json_t		*o = NULL;
	struct err	 e;

	cr_assert_eq(jv_parse_only(good, strlen(good), allowed, &o, &e), 0);
	cr_assert_not_null(o);
	json_decref(o);
	expect(jv_parse_only(bad, strlen(bad), allowed, &o, &e), &e, APP_EINVAL,
	    "unknown_field", "evil");
	cr_expect_null(o, "nothing is handed out on an error");
	expect(jv_parse_only("[1]", 3, allowed, &o, &e), &e, APP_EINVAL,
	    "expected_object", NULL);
	cr_expect_null(o);
}

Test(jv, str_ok_and_absent)
{
	json_t		*o = parse_ok("{\"name\":\"Zo\xc3\xab\"}");
	const char	*s = "default";
	struct err	 e;

	cr_assert_eq(jv_str(o, "name", JV_REQUIRED, 1, 3, &s, &e), 0);
	cr_assert_str_eq(s, "Zo\xc3\xab");
	s = "default";
	cr_assert_eq(jv_str(o, "other", 0, 1, 3, &s, &e), 0);
	cr_assert_str_eq(s, "default", "optional absent leaves *out");
	expect(jv_str(o, "other", JV_REQUIRED, 1, 3, &s, &e), &e, APP_EINVAL,
	    "missing_field", "other");
	json_decref(o);
}

Test(jv, str_length_in_characters)
{
	/* 3 characters, 9 bytes. */
	json_t		*o = parse_ok("{\"s\":\"\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\"}");
	const char	*s;
	struct err	 e;

	cr_assert_eq(jv_str(o, "s", JV_REQUIRED, 0, 3, &s, &e), 0);
	expect(jv_str(o, "s", JV_REQUIRED, 0, 2, &s, &e), &e, APP_ETOOLARGE,
	    "field_too_long", "s");
	expect(jv_str(o, "s", JV_REQUIRED, 4, 10, &s, &e), &e, APP_EINVAL,
	    "invalid_field", "s");
	json_decref(o);
}

Test(jv, str_control_characters)
{
	json_t		*o = parse_ok("{\"nl\":\"a\\nb\",\"bell\":\"a\\u0007\","
	    "\"del\":\"\\u007f\",\"c1\":\"\\u0085\",\"tab\":\"a\\tb\"}");
	const char	*s;
	struct err	 e;

	expect(jv_str(o, "nl", 0, 0, 10, &s, &e), &e, APP_EINVAL,
	    "invalid_field", "nl");
	cr_assert_eq(jv_str(o, "nl", JV_MULTILINE, 0, 10, &s, &e), 0);
	cr_assert_eq(jv_str(o, "tab", JV_MULTILINE, 0, 10, &s, &e), 0);
	expect(jv_str(o, "bell", JV_MULTILINE, 0, 10, &s, &e), &e,
	    APP_EINVAL, "invalid_field", "bell");
	expect(jv_str(o, "del", 0, 0, 10, &s, &e), &e, APP_EINVAL,
	    "invalid_field", "del");
	expect(jv_str(o, "c1", 0, 0, 10, &s, &e), &e, APP_EINVAL,
	    "invalid_field", "c1");
	json_decref(o);
}

Test(jv, wrong_types)
{
	json_t		*o = parse_ok("{\"s\":1,\"i\":\"1\",\"r\":1.5,"
	    "\"b\":0,\"n\":null}");
	const char	*s;
	json_int_t	 i;
	int		 b;
	struct err	 e;

	expect(jv_str(o, "s", 0, 0, 10, &s, &e), &e, APP_EINVAL,
	    "invalid_field", "s must be a string");
	expect(jv_int(o, "i", 0, 0, 10, &i, &e), &e, APP_EINVAL,
	    "invalid_field", "i must be an integer");
	expect(jv_int(o, "r", 0, 0, 10, &i, &e), &e, APP_EINVAL,
	    "invalid_field", "r must be an integer");
	expect(jv_bool(o, "b", 0, &b, &e), &e, APP_EINVAL, "invalid_field",
	    "b must be a boolean");
	expect(jv_str(o, "n", 0, 0, 10, &s, &e), &e, APP_EINVAL,
	    "invalid_field", "n must be a string");
	json_decref(o);
}

Test(jv, int_range)
{
	json_t		*o = parse_ok("{\"a\":5,\"neg\":-1,"
	    "\"huge\":9223372036854775807}");
	json_int_t	 v = 77;
	struct err	 e;

	cr_assert_eq(jv_int(o, "a", JV_REQUIRED, 5, 5, &v, &e), 0);
	cr_assert_eq(v, 5);
	expect(jv_int(o, "a", 0, 6, 10, &v, &e), &e, APP_EINVAL,
	    "invalid_field", "a must be in 6..10");
	expect(jv_int(o, "neg", 0, 0, 10, &v, &e), &e, APP_EINVAL,
	    "invalid_field", "neg");
	expect(jv_int(o, "huge", 0, 0, 1000, &v, &e), &e, APP_EINVAL,
	    "invalid_field", "huge");
	v = 77;
	cr_assert_eq(jv_int(o, "absent", 0, 0, 10, &v, &e), 0);
	cr_assert_eq(v, 77);
	expect(jv_int(o, "absent", JV_REQUIRED, 0, 10, &v, &e), &e,
	    APP_EINVAL, "missing_field", "absent");
	json_decref(o);
}

Test(jv, booleans)
{
	json_t		*o = parse_ok("{\"t\":true,\"f\":false}");
	int		 b = -1;
	struct err	 e;

	cr_assert_eq(jv_bool(o, "t", JV_REQUIRED, &b, &e), 0);
	cr_assert_eq(b, 1);
	cr_assert_eq(jv_bool(o, "f", JV_REQUIRED, &b, &e), 0);
	cr_assert_eq(b, 0);
	expect(jv_bool(o, "x", JV_REQUIRED, &b, &e), &e, APP_EINVAL,
	    "missing_field", "x");
	json_decref(o);
}

Test(jv, base64url_fields)
{
	/* "AQID" = 01 02 03; "AQI=" padded and "AQ+D" standard: refused. */
	json_t		*o = parse_ok("{\"k\":\"AQID\",\"pad\":\"AQI=\","
	    "\"std\":\"AQ+D\",\"long\":\"AAAAAAAAAAAA\"}");
	struct arena	*a = arena_create(0);
	unsigned char	*buf;
	size_t		 n;
	struct err	 e;

	cr_assert_eq(jv_b64url(o, "k", JV_REQUIRED, 3, 3, a, &buf, &n, &e),
	    0);
	cr_assert_eq(n, 3);
	cr_assert_eq(buf[0], 1);
	cr_assert_eq(buf[2], 3);
	expect(jv_b64url(o, "pad", 0, 0, 32, a, &buf, &n, &e), &e, APP_EINVAL,
	    "invalid_field", "pad");
	expect(jv_b64url(o, "std", 0, 0, 32, a, &buf, &n, &e), &e, APP_EINVAL,
	    "invalid_field", "std");
	expect(jv_b64url(o, "k", 0, 4, 32, a, &buf, &n, &e), &e, APP_EINVAL,
	    "invalid_field", "k");
	expect(jv_b64url(o, "long", 0, 0, 4, a, &buf, &n, &e), &e,
	    APP_ETOOLARGE, "field_too_long", "long");
	expect(jv_b64url(o, "none", JV_REQUIRED, 0, 4, a, &buf, &n, &e), &e,
	    APP_EINVAL, "missing_field", "none");
	arena_destroy(a);
	json_decref(o);
}

Test(jv, utf8_chars)
{
	cr_assert_eq(jv_utf8_chars("", 0), 0);
	cr_assert_eq(jv_utf8_chars("abc", 3), 3);
	cr_assert_eq(jv_utf8_chars("\xf0\x9f\x98\x80", 4), 1);
}
