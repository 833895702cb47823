/*
 * calls_test.c - the calls service's pure parts: the TURN REST credential
 * (HMAC-SHA1, RFC 2202 vectors and a coturn-style username), the route
 * table's shape, body and id parsing, and a call as each side sees it.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../../../services/calls/calls.h"
#include "arena.h"
#include "cfg.h"
#include "crypto.h"

static struct arena	*t_arena;

static void
setup(void)
{
	struct err	e;

	cr_assert_eq(cryp_init(), 0);
	cr_assert_eq(cfg_load(&e), 0, "%s", e.msg);
	t_arena = arena_create(0);
}

static void
teardown(void)
{
	arena_destroy(t_arena);
}

TestSuite(calls, .init = setup, .fini = teardown);

Test(calls, turn_hmac_known_answers)
{
	char	out[TURN_CRED_LEN], key[81];

	/* RFC 2202 section 3, test cases 2, 1 and 6 (base64). */
	cr_assert_eq(turn_hmac("Jefe", "what do ya want for nothing?", out), 0);
	cr_expect_str_eq(out, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
	memset(key, 0x0b, 20);
	key[20] = '\0';
	cr_assert_eq(turn_hmac(key, "Hi There", out), 0);
	cr_expect_str_eq(out, "thcxhlUFcmTii8C2+zeMjvFGvgA=");
	memset(key, 0xaa, 80);
	key[80] = '\0';
	cr_assert_eq(turn_hmac(key, "Test Using Larger Than Block-Size Key - "
	    "Hash Key First", out), 0);
	cr_expect_str_eq(out, "qkrl4VJy0A6VcFY3zoo7Ve1AIRI=");
	/* A REST username as coturn sees it (Python's hmac agrees). */
	cr_assert_eq(turn_hmac("north",
	    "1700000000:2b7e1516-28ae-4d2a-a6ab-f7158809cf4f", out), 0);
	cr_expect_str_eq(out, "nKLGsSCiqPov7QSEmVRnErbdZzw=");
	cr_expect_eq(strlen(out), TURN_CRED_LEN - 1);
}

static int
t_unauth(struct req *r, struct err *e)
{
	(void)r;
	return err_set(e, APP_EUNAUTH, "unauthorized", "no session");
}

static int
t_status(const char *method, const char *path, const char **allow)
{
	struct req	r;
	struct resp	resp;
	int		status;

	arena_reset(t_arena);
	route_req_init(&r, t_arena);
	r.method = method;
	r.path = path;
	resp_init(&resp, t_arena);
	route_dispatch(calls_routes, calls_nroutes, &r, &resp);
	status = resp.status;
	if (allow != NULL)
		*allow = resp_get_header(&resp, "Allow");
	resp_cleanup(&resp);
	return status;
}

Test(calls, route_table)
{
	static const char *authed[][2] = {
		{ "POST", "/api/calls/start" }, { "GET", "/api/calls/active" },
		{ "GET", "/api/calls/turn" }, { "GET", "/api/calls/settings" },
		{ "PATCH", "/api/calls/settings" }, { "GET", "/api/calls/log" },
		{ "DELETE", "/api/calls/log" }, { "DELETE", "/api/calls/log/x" },
		{ "POST", "/api/calls/x/accept" },
		{ "POST", "/api/calls/x/decline" },
		{ "POST", "/api/calls/x/hangup" },
		{ "POST", "/api/calls/x/signal" },
	};
	const char	*allow = NULL;
	size_t		 i;

	route_set_auth(t_unauth);
	for (i = 0; i < sizeof(authed) / sizeof(authed[0]); i++)
		cr_expect_eq(t_status(authed[i][0], authed[i][1], NULL), 401,
		    "%s %s", authed[i][0], authed[i][1]);
	cr_expect_eq(t_status("PUT", "/api/calls/log", &allow), 405);
	cr_expect_str_eq(allow, "GET, DELETE");
	cr_expect_eq(t_status("GET", "/api/calls/x/accept", NULL), 405);
	cr_expect_eq(t_status("POST", "/api/calls", NULL), 404);
	cr_expect_eq(t_status("POST", "/api/calls/x/transfer", NULL), 404);
	route_set_auth(NULL);
}

Test(calls, body_and_id)
{
	static const char *const keys[] = { "reason", NULL };
	struct req	 r;
	struct err	 e;
	json_t		*j = NULL;
	const char	*id = NULL;

	route_req_init(&r, t_arena);
	cr_expect_eq(calls_body(&r, keys, 1, &j, &e), 0);
	cr_expect(json_is_object(j) && json_object_size(j) == 0);
	json_decref(j);
	cr_expect_eq(calls_body(&r, keys, 0, &j, &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "malformed_json");
	r.body = "{\"why\":1}";
	r.body_len = strlen(r.body);
	cr_expect_eq(calls_body(&r, keys, 1, &j, &e), APP_EINVAL);
	cr_expect_str_eq(e.slug, "unknown_field");
	cr_expect_null(j);

	r.nparams = 1;
	r.params[0].name = "id";
	r.params[0].value = "b1a2c3d4-0000-4000-8000-00000000000f";
	cr_expect_eq(calls_param_id(&r, &id, &e), 0);
	cr_expect_str_eq(id, r.params[0].value);
	r.params[0].value = "b1a2c3d4-0000-4000-8000-00000000000";
	cr_expect_eq(calls_param_id(&r, &id, &e), APP_ENOTFOUND);
	cr_expect_str_eq(e.slug, "call_not_found");
	r.params[0].value = "'; DROP TABLE calls; --";
	cr_expect_eq(calls_param_id(&r, &id, &e), APP_ENOTFOUND);
}

Test(calls, a_call_as_each_side_sees_it)
{
	struct call	 c;
	json_t		*j;

	memset(&c, 0, sizeof(c));
	strcpy(c.id, "00000000-0000-4000-8000-000000000001");
	strcpy(c.caller, "00000000-0000-4000-8000-0000000000aa");
	strcpy(c.callee, "00000000-0000-4000-8000-0000000000bb");
	c.caller_device = 3;
	strcpy(c.media, "video");
	strcpy(c.state, "ringing");
	strcpy(c.created_at, "2026-11-24T01:00:00Z");
	strcpy(c.expires_at, "2026-11-24T01:00:45Z");

	j = calls_json(&c, c.caller);
	cr_expect_str_eq(json_string_value(json_object_get(j, "role")),
	    "caller");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "peer"), "u")), c.callee);
	/* No callee device is known while it rings. */
	cr_expect_null(json_object_get(json_object_get(j, "peer"), "d"));
	cr_expect(json_is_null(json_object_get(j, "end_reason")));
	json_decref(j);

	j = calls_json(&c, c.callee);
	cr_expect_str_eq(json_string_value(json_object_get(j, "role")),
	    "callee");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j,
	    "peer"), "d")), 3);
	json_decref(j);

	strcpy(c.state, "ended");
	strcpy(c.end_reason, "missed");
	c.answered_by = 0;
	j = calls_json(&c, c.caller);
	cr_expect_str_eq(json_string_value(json_object_get(j, "end_reason")),
	    "missed");
	json_decref(j);

	cr_expect(calls_in("b", (const char *const[]){ "a", "b", NULL }));
	cr_expect_not(calls_in("", (const char *const[]){ "a", NULL }));
}
