/*
 * err_test.c - the error table and err_set()'s truncation rules.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"

Test(err, clear_resets_everything)
{
	struct err	e;

	memset(&e, 'x', sizeof(e));
	err_clear(&e);
	cr_assert_eq(e.code, APP_OK);
	cr_assert_str_eq(e.slug, "");
	cr_assert_str_eq(e.msg, "");
	cr_assert_eq(e.retry_after, 0);
}

Test(err, set_returns_code_and_formats)
{
	struct err	e;

	err_clear(&e);
	e.retry_after = 9;
	cr_assert_eq(err_set(&e, APP_EINVAL, "invalid_phone", "phone %s %d",
	    "bad", 7), APP_EINVAL);
	cr_assert_eq(e.code, APP_EINVAL);
	cr_assert_str_eq(e.slug, "invalid_phone");
	cr_assert_str_eq(e.msg, "phone bad 7");
	cr_assert_eq(e.retry_after, 0, "err_set resets retry_after");
}

Test(err, null_slug_uses_default)
{
	struct err	e;

	err_set(&e, APP_ENOTFOUND, NULL, "gone");
	cr_assert_str_eq(e.slug, "not_found");
}

Test(err, long_slug_and_message_truncated)
{
	struct err	e;
	char		big[1000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, APP_EINVAL, big, "%s", big);
	cr_assert_eq(strlen(e.slug), ERR_SLUG_MAX - 1);
	cr_assert_eq(strlen(e.msg), ERR_MSG_MAX - 1);
}

Test(err, truncation_never_splits_utf8)
{
	struct err	e;
	char		big[ERR_MSG_MAX * 2];
	size_t		i, len;

	/* "aa" then two-byte characters: the cut falls inside one. */
	big[0] = big[1] = 'a';
	for (i = 2; i + 2 < sizeof(big); i += 2) {
		big[i] = (char)0xc3;
		big[i + 1] = (char)0xa9;
	}
	big[i] = '\0';
	err_set(&e, APP_EINVAL, "x", "%s", big);
	len = strlen(e.msg);
	cr_assert_lt(len, ERR_MSG_MAX - 1, "partial sequence dropped");
	cr_assert_eq((unsigned char)e.msg[len - 1], 0xa9);
}

Test(err, http_status_for_every_code)
{
	static const struct { enum app_err c; int s; const char *slug; } t[] = {
		{ APP_OK, 200, "ok" },
		{ APP_EINVAL, 400, "bad_request" },
		{ APP_EUNAUTH, 401, "unauthorized" },
		{ APP_EFORBIDDEN, 403, "forbidden" },
		{ APP_ENOTFOUND, 404, "not_found" },
		{ APP_EMETHOD, 405, "method_not_allowed" },
		{ APP_ECONFLICT, 409, "conflict" },
		{ APP_EGONE, 410, "gone" },
		{ APP_ETOOLARGE, 413, "too_large" },
		{ APP_EUNPROCESSABLE, 422, "unprocessable" },
		{ APP_ERATELIMIT, 429, "rate_limited" },
		{ APP_EINTERNAL, 500, "internal" },
		{ APP_EBADGATEWAY, 502, "bad_gateway" },
		{ APP_EUNAVAIL, 503, "unavailable" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_eq(err_http_status(t[i].c), t[i].s, "code %d",
		    t[i].c);
		cr_assert_str_eq(err_default_slug(t[i].c), t[i].slug);
	}
}

Test(err, unknown_code_is_500)
{
	cr_assert_eq(err_http_status((enum app_err)-99), 500);
	cr_assert_str_eq(err_default_slug((enum app_err)-99), "internal");
}
