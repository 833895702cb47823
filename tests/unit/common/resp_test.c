/*
 * resp_test.c - the one error envelope for every code, headers and the
 * serialised CGI response.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "resp.h"

static struct arena	*a;

static void
setup(void)
{
	a = arena_create(0);
}

static void
teardown(void)
{
	arena_destroy(a);
}

TestSuite(resp, .init = setup, .fini = teardown);

Test(resp, envelope_for_every_code)
{
	static const enum app_err codes[] = { APP_EINVAL, APP_EUNAUTH,
	    APP_EFORBIDDEN, APP_ENOTFOUND, APP_EMETHOD, APP_ECONFLICT,
	    APP_EGONE, APP_ETOOLARGE, APP_EUNPROCESSABLE, APP_ERATELIMIT,
	    APP_EINTERNAL, APP_EBADGATEWAY, APP_EUNAVAIL };
	struct resp	r;
	struct err	e;
	json_t		*err;
	size_t		i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		resp_init(&r, a);
		err_set(&e, codes[i], "some_slug", "text %zu", i);
		resp_error(&r, &e);
		cr_assert_eq(r.status, err_http_status(codes[i]));
		cr_assert_eq(json_object_size(r.body), 1);
		err = json_object_get(r.body, "error");
		cr_assert_eq(json_object_size(err), 2);
		cr_assert_str_eq(json_string_value(json_object_get(err,
		    "code")), "some_slug");
		cr_assert_str_eq(json_string_value(json_object_get(err,
		    "message")), arena_printf(a, "text %zu", i));
		cr_assert_null(resp_get_header(&r, "Retry-After"));
		resp_cleanup(&r);
	}
}

Test(resp, defaults_fill_empty_slug_and_message)
{
	struct resp	r;
	struct err	e;
	json_t		*err;

	err_clear(&e);
	e.code = APP_ENOTFOUND;
	resp_init(&r, a);
	resp_error(&r, &e);
	err = json_object_get(r.body, "error");
	cr_assert_str_eq(json_string_value(json_object_get(err, "code")),
	    "not_found");
	cr_assert_str_eq(json_string_value(json_object_get(err, "message")),
	    "Not Found");
	resp_cleanup(&r);
}

Test(resp, invalid_utf8_message_falls_back)
{
	struct resp	r;
	struct err	e;
	json_t		*err;

	err_set(&e, APP_EINVAL, "x", "bad \xff byte");
	resp_init(&r, a);
	resp_error(&r, &e);
	err = json_object_get(r.body, "error");
	cr_assert_str_eq(json_string_value(json_object_get(err, "message")),
	    "Bad Request");
	resp_cleanup(&r);
}

Test(resp, retry_after)
{
	struct resp	r;
	struct err	e;

	err_set(&e, APP_ERATELIMIT, "rate_limited", "slow down");
	e.retry_after = 30;
	resp_init(&r, a);
	resp_error(&r, &e);
	cr_assert_eq(r.status, 429);
	cr_assert_str_eq(resp_get_header(&r, "retry-after"), "30");
	resp_cleanup(&r);
}

Test(resp, header_injection_and_limit)
{
	struct resp	r;
	int		i;

	resp_init(&r, a);
	cr_assert_eq(resp_header(&r, "X-A", "ok%d", 1), 0);
	cr_assert_eq(resp_header(&r, "X-B", "a\r\nSet-Cookie: evil"),
	    APP_EINTERNAL);
	cr_assert_eq(resp_header(&r, "X-C\n", "v"), APP_EINTERNAL);
	cr_assert_eq(resp_header(&r, "", "v"), APP_EINTERNAL);
	cr_assert_eq(resp_header(&r, "X-D", "%s%c", "a", 0), APP_EINTERNAL);
	cr_assert_eq(r.nheaders, 1);
	for (i = 1; i < RESP_MAX_HEADERS; i++)
		cr_assert_eq(resp_header(&r, "X-N", "%d", i), 0);
	cr_assert_eq(resp_header(&r, "X-Full", "v"), APP_EINTERNAL);
}

Test(resp, serialize)
{
	struct resp	 r;
	size_t		 len;
	char		*out;

	resp_init(&r, a);
	resp_json(&r, 201, json_pack("{s:i}", "id", 7));
	resp_header(&r, "Set-Cookie", "s=%s; HttpOnly", "abc");
	out = resp_serialize(&r, &len);
	cr_assert_str_eq(out, "Status: 201 Created\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 8\r\n"
	    "Cache-Control: no-store\r\n"
	    "Set-Cookie: s=abc; HttpOnly\r\n"
	    "\r\n"
	    "{\"id\":7}");
	cr_assert_eq(len, strlen(out));
	resp_cleanup(&r);
}

Test(resp, serialize_empty_and_unset)
{
	struct resp	 r;
	size_t		 len;
	char		*out;

	resp_init(&r, a);
	out = resp_serialize(&r, &len);
	cr_assert_eq(strncmp(out, "Status: 500 Internal Server Error\r\n", 35),
	    0, "no status is a 500");
	resp_json(&r, 204, NULL);
	out = resp_serialize(&r, &len);
	cr_assert_not_null(strstr(out, "Content-Length: 0\r\n"));
	cr_assert_eq(strcmp(out + len - 4, "\r\n\r\n"), 0);
	resp_cleanup(&r);
}

Test(resp, replacing_body_releases_old)
{
	struct resp	r;
	json_t		*first = json_object();

	json_incref(first);
	resp_init(&r, a);
	resp_json(&r, 200, first);
	resp_json(&r, 200, json_object());
	cr_assert_eq(first->refcount, 1, "old body released");
	json_decref(first);
	resp_cleanup(&r);
	cr_assert_null(r.body);
}

Test(resp, reasons)
{
	cr_assert_str_eq(resp_reason(404), "Not Found");
	cr_assert_str_eq(resp_reason(413), "Content Too Large");
	cr_assert_str_eq(resp_reason(599), "Unknown");
}
