/*
 * input_test.c - the messages service's input checks, which answer before
 * any database work: send bodies (base64url, the 64 KiB limit, types,
 * repeated devices, unknown fields), uuid lists as Postgres array literals,
 * inbox cursors and typing states. Handlers are called directly with a
 * hand-built request that has no database or Redis handle.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "../../../../services/messages/messages.h"

#define U1	"6f1c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
#define U2	"0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d"

static struct arena	*a;
static struct req	 r;

static void
setup(void)
{
	a = arena_create(0);
	route_req_init(&r, a);
	snprintf(r.user_id, sizeof(r.user_id), "%s", U1);
	r.device_id = 1;
}

static void
teardown(void)
{
	arena_destroy(a);
}

TestSuite(msg_input, .init = setup, .fini = teardown);

/* Runs h with body; returns the error code and leaves the slug in e. */
static int
call(route_handler h, const char *body, struct err *e)
{
	struct resp	resp;
	int		rc;

	r.body = body;
	r.body_len = strlen(body);
	err_clear(e);
	resp_init(&resp, a);
	rc = h(&r, &resp, e);
	resp_cleanup(&resp);
	return rc;
}

static char *
send_body(const char *type, const char *b64, int twice)
{
	char	*out;

	if (asprintf(&out, "{\"chat_id\":\"%s\",\"id\":\"%s\",\"envelopes\":"
	    "[{\"to_user\":\"%s\",\"to_device\":1,\"type\":\"%s\",\"body\":"
	    "\"%s\"}%s]}", U2, U1, U2, type, b64, twice ?
	    ",{\"to_user\":\"" U2 "\",\"to_device\":1,\"type\":\"msg\","
	    "\"body\":\"AAAA\"}" : "") < 0)
		cr_assert_fail("asprintf");
	return out;
}

Test(msg_input, send_rejects_bad_envelopes_before_the_database)
{
	struct err	 e;
	unsigned char	*raw;
	char		*b64, *body;
	size_t		 n;

	body = send_body("msg", "not*base64!", 0);
	cr_expect_eq(call(h_send, body, &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "invalid_field");
	free(body);
	body = send_body("msg", "AAAA=", 0);	/* padding is not base64url */
	cr_expect_eq(call(h_send, body, &e), APP_EINVAL);
	free(body);
	body = send_body("weird", "AAAA", 0);
	cr_expect_eq(call(h_send, body, &e), APP_EINVAL);
	free(body);
	body = send_body("msg", "AAAA", 1);
	cr_expect_eq(call(h_send, body, &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "duplicate_device");
	free(body);
	/* One byte over 64 KiB is 413, whatever the encoding's tail. */
	cr_assert_not_null(raw = calloc(1, MSG_BODY_MAX + 1));
	n = sodium_base64_ENCODED_LEN(MSG_BODY_MAX + 1,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	cr_assert_not_null(b64 = malloc(n));
	sodium_bin2base64(b64, n, raw, MSG_BODY_MAX + 1,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	body = send_body("msg", b64, 0);
	cr_expect_eq(call(h_send, body, &e), APP_ETOOLARGE);
	free(body);
	free(b64);
	free(raw);
	cr_expect_eq(call(h_send, "{\"chat_id\":\"" U2 "\",\"id\":\"" U1
	    "\",\"envelopes\":[],\"x\":1}", &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "unknown_field");
	cr_expect_eq(call(h_send, "{\"chat_id\":\"nope\",\"id\":\"" U1
	    "\",\"envelopes\":[]}", &e), APP_EINVAL);
	cr_expect_eq(call(h_send, "[", &e), APP_EINVAL);
}

Test(msg_input, uuid_arrays_become_array_literals)
{
	struct err	 e;
	json_t		*o = json_pack("{s:[s,s], s:[s], s:[], s:s}", "ok", U1,
			    U2, "bad", "x", "empty", "str", U1);
	const char	*lit = NULL;
	size_t		 n = 0;

	cr_assert_eq(msg_uuid_array(&r, o, "ok", 10, &lit, &n, &e), 0);
	cr_expect_str_eq(lit, "{" U1 "," U2 "}");
	cr_expect_eq(n, 2);
	cr_expect_eq(msg_uuid_array(&r, o, "bad", 10, &lit, &n, &e),
	    APP_EINVAL);
	cr_expect_eq(msg_uuid_array(&r, o, "empty", 10, &lit, &n, &e),
	    APP_EINVAL);
	cr_expect_eq(msg_uuid_array(&r, o, "str", 10, &lit, &n, &e),
	    APP_EINVAL);
	cr_expect_eq(msg_uuid_array(&r, o, "ok", 1, &lit, &n, &e),
	    APP_ETOOLARGE);
	cr_expect_eq(msg_uuid_array(&r, o, "absent", 1, &lit, &n, &e),
	    APP_EINVAL);
	cr_expect_str_eq(e.slug, "missing_field");
	json_decref(o);
}

Test(msg_input, inbox_cursor_and_limit)
{
	struct err	e;

	r.query = "after=abc";
	cr_expect_eq(call(h_inbox, "", &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "invalid_cursor");
	r.query = "after=-1";
	cr_expect_eq(call(h_inbox, "", &e), APP_EINVAL);
	r.query = "limit=501";
	cr_expect_eq(call(h_inbox, "", &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "invalid_limit");
	r.query = "limit=0";
	cr_expect_eq(call(h_inbox, "", &e), APP_EINVAL);
}

Test(msg_input, typing_state_and_ack_ids)
{
	struct err	e;

	cr_expect_eq(call(h_typing, "{\"chat_id\":\"" U2 "\",\"state\":"
	    "\"shouting\"}", &e), APP_EINVAL);
	cr_expect_eq(call(h_typing, "{\"chat_id\":\"" U2 "\"}", &e),
	    APP_EINVAL);
	cr_expect_str_eq(e.slug, "missing_field");
	cr_expect_eq(call(h_ack, "{\"ids\":[\"x\"]}", &e), APP_EINVAL);
	cr_expect_eq(call(h_ack, "{\"ids\":[]}", &e), APP_EINVAL);
	cr_expect_eq(call(h_read, "{\"chat_id\":\"" U2 "\",\"ids\":[1]}",
	    &e), APP_EINVAL);
	cr_expect_eq(call(h_chat_create, "{\"peer\":\"" U1 "\"}", &e),
	    APP_EINVAL);
	cr_expect_str_eq(e.slug, "invalid_peer");
}
