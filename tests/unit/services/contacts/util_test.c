/*
 * util_test.c - the contacts service's input checks: enum fields (the
 * error names the field and every allowed value), uuid path parameters and
 * uuid arrays turned into Postgres array literals.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "../../../../services/contacts/contacts.h"

static struct arena	*a;
static struct req	 r;

static void
setup(void)
{
	a = arena_create(0);
	route_req_init(&r, a);
}

static void
teardown(void)
{
	arena_destroy(a);
}

TestSuite(ct, .init = setup, .fini = teardown);

static const char *const mute[] = { "8h", "1w", "always", "off", NULL };

Test(ct, enum_fields)
{
	struct err	 e;
	json_t		*o = json_pack("{s:s, s:s, s:i, s:s}", "ok", "1w",
			    "bad", "forever", "num", 8, "empty", "");
	const char	*v = NULL;

	cr_assert_eq(ct_enum(o, "ok", mute, &v, &e), 0);
	cr_expect_str_eq(v, "1w");
	v = NULL;
	cr_expect_eq(ct_enum(o, "absent", mute, &v, &e), 0);
	cr_expect_null(v, "absent leaves the default");
	cr_expect_eq(ct_enum(o, "bad", mute, &v, &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "invalid_field");
	cr_expect(strstr(e.msg, "bad") != NULL && strstr(e.msg,
	    "8h, 1w, always, off") != NULL, "%s", e.msg);
	cr_expect_eq(ct_enum(o, "num", mute, &v, &e), APP_EINVAL);
	cr_expect_eq(ct_enum(o, "empty", mute, &v, &e), APP_EINVAL);
	cr_expect(ct_in("off", mute));
	cr_expect_not(ct_in("OFF", mute));
	json_decref(o);
}

Test(ct, uuid_params)
{
	struct err	 e;
	const char	*v = NULL;

	r.nparams = 1;
	r.params[0].name = "id";
	r.params[0].value = "3f2a1b4c-0000-4000-8000-00000000abcd";
	cr_expect_eq(ct_param_uuid(&r, "id", "the id", &v, &e), 0);
	cr_expect_str_eq(v, r.params[0].value);
	r.params[0].value = "3f2a1b4c-0000-4000-8000-00000000abc";
	cr_expect_eq(ct_param_uuid(&r, "id", "the id", &v, &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "invalid_id");
	r.params[0].value = "'; DROP TABLE users; --";
	cr_expect_eq(ct_param_uuid(&r, "id", "the id", &v, &e), APP_EINVAL);
	cr_expect_eq(ct_param_uuid(&r, "other", "x", &v, &e), APP_EINVAL);
}

Test(ct, uuid_arrays)
{
	struct err	 e;
	const char	*v = NULL;
	size_t		 n = 9;
	json_t		*ok = json_pack("[s, s]",
			    "3f2a1b4c-0000-4000-8000-00000000abcd",
			    "3f2a1b4c-0000-4000-8000-00000000abce");
	json_t		*empty = json_array();
	json_t		*bad = json_pack("[s, s]",
			    "3f2a1b4c-0000-4000-8000-00000000abcd", "x}");
	json_t		*num = json_pack("[i]", 1);

	cr_assert_eq(ct_uuid_array(&r, ok, "chats", 10, &v, &n, &e), 0);
	cr_expect_eq(n, 2);
	cr_expect_str_eq(v, "{3f2a1b4c-0000-4000-8000-00000000abcd,"
	    "3f2a1b4c-0000-4000-8000-00000000abce}");
	cr_assert_eq(ct_uuid_array(&r, empty, "chats", 10, &v, &n, &e), 0);
	cr_expect_str_eq(v, "{}");
	cr_expect_eq(ct_uuid_array(&r, ok, "chats", 1, &v, &n, &e),
	    APP_EINVAL, "over the limit");
	cr_expect_eq(ct_uuid_array(&r, bad, "chats", 10, &v, &n, &e),
	    APP_EINVAL);
	cr_expect(strstr(e.msg, "chats[1]") != NULL, "%s", e.msg);
	cr_expect_eq(ct_uuid_array(&r, num, "chats", 10, &v, &n, &e),
	    APP_EINVAL);
	cr_expect_eq(ct_uuid_array(&r, NULL, "chats", 10, &v, &n, &e),
	    APP_EINVAL);
	json_decref(ok);
	json_decref(empty);
	json_decref(bad);
	json_decref(num);
}
