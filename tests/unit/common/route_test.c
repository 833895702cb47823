/*
 * route_test.c - dispatch (404, 405 + Allow, path parameters, the central
 * auth check, handler errors) and the query and cookie parsers.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "route.h"

static struct arena	*a;
static int		 calls;

static int
h_ok(struct req *r, struct resp *resp, struct err *e)
{
	(void)e;
	calls++;
	return resp_json(resp, 200, json_pack("{s:s,s:s,s:i}", "id",
	    route_param(r, "id") != NULL ? route_param(r, "id") : "",
	    "user", r->user_id, "device", r->device_id));
}

static int
h_fail(struct req *r, struct resp *resp, struct err *e)
{
	(void)r;
	(void)resp;
	return err_set(e, APP_ECONFLICT, "phone_taken", "taken");
}

static int
h_silent(struct req *r, struct resp *resp, struct err *e)
{
	(void)r;
	(void)resp;
	(void)e;
	return 0;
}

static int
h_bare_error(struct req *r, struct resp *resp, struct err *e)
{
	(void)r;
	(void)resp;
	(void)e;
	return -1;
}

static int
auth_ok(struct req *r, struct err *e)
{
	(void)e;
	snprintf(r->user_id, sizeof(r->user_id), "%s",
	    "8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3c");
	r->device_id = 42;
	return 0;
}

static int
auth_pin_pending(struct req *r, struct err *e)
{
	auth_ok(r, e);
	r->pin_pending = 1;
	return 0;
}

static int
auth_no(struct req *r, struct err *e)
{
	(void)r;
	return err_set(e, APP_EUNAUTH, "bad_session", "session expired");
}

static const struct route routes[] = {
	{ "GET", "/api/x/health", h_ok, ROUTE_PUBLIC },
	{ "GET", "/api/x/items/:id", h_ok, ROUTE_AUTH },
	{ "DELETE", "/api/x/items/:id", h_ok, ROUTE_AUTH },
	{ "POST", "/api/x/items/:id/tags/:tag", h_ok, ROUTE_PUBLIC },
	{ "POST", "/api/x/fail", h_fail, ROUTE_PUBLIC },
	{ "POST", "/api/x/silent", h_silent, ROUTE_PUBLIC },
	{ "POST", "/api/x/bare", h_bare_error, ROUTE_PUBLIC },
	{ "POST", "/api/x/pin", h_ok, ROUTE_AUTH | ROUTE_PIN_OK },
};

static void
setup(void)
{
	a = arena_create(0);
	calls = 0;
	route_set_auth(NULL);
	route_set_origin(NULL);
}

static void
teardown(void)
{
	arena_destroy(a);
}

TestSuite(route, .init = setup, .fini = teardown);

/*
 * Dispatches with Origin origin and returns the status; *code gets the
 * error slug or "".
 */
static int
run_from(const char *origin, const char *method, const char *path,
    struct resp *resp, const char **code)
{
	struct req	r;
	json_t		*err;

	route_req_init(&r, a);
	r.method = method;
	r.path = path;
	r.origin = origin;
	resp_init(resp, a);
	route_dispatch(routes, sizeof(routes) / sizeof(routes[0]), &r, resp);
	err = json_object_get(resp->body, "error");
	*code = err != NULL ?
	    json_string_value(json_object_get(err, "code")) : "";
	return resp->status;
}

static int
run(const char *method, const char *path, struct resp *resp,
    const char **code)
{
	return run_from("", method, path, resp, code);
}

Test(route, public_route)
{
	struct resp	 resp;
	const char	*code;

	cr_assert_eq(run("GET", "/api/x/health", &resp, &code), 200);
	cr_assert_eq(calls, 1);
	resp_cleanup(&resp);
}

Test(route, not_found)
{
	static const char *paths[] = { "/api/x/nope", "/api/x/health/",
	    "/api/x", "", "/api/x/items", "/api/x/items//", "/api/x/items/1/2",
	    "api/x/health" };
	struct resp	 resp;
	const char	*code;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		cr_assert_eq(run("GET", paths[i], &resp, &code), 404, "%s",
		    paths[i]);
		cr_assert_str_eq(code, "not_found");
		resp_cleanup(&resp);
	}
	cr_assert_eq(calls, 0);
}

Test(route, method_not_allowed_lists_allow)
{
	struct resp	 resp;
	const char	*code;

	cr_assert_eq(run("PUT", "/api/x/items/5", &resp, &code), 405);
	cr_assert_str_eq(code, "method_not_allowed");
	cr_assert_str_eq(resp_get_header(&resp, "Allow"), "GET, DELETE");
	resp_cleanup(&resp);
	cr_assert_eq(run("POST", "/api/x/health", &resp, &code), 405);
	cr_assert_str_eq(resp_get_header(&resp, "Allow"), "GET");
	resp_cleanup(&resp);
}

Test(route, auth_without_hook_is_401)
{
	struct resp	 resp;
	const char	*code;

	cr_assert_eq(run("GET", "/api/x/items/5", &resp, &code), 401);
	cr_assert_str_eq(code, "unauthorized");
	cr_assert_eq(calls, 0, "handler not reached");
	resp_cleanup(&resp);
}

Test(route, auth_hook_decides)
{
	struct resp	 resp;
	const char	*code;

	route_set_auth(auth_no);
	cr_assert_eq(run("GET", "/api/x/items/5", &resp, &code), 401);
	cr_assert_str_eq(code, "bad_session");
	resp_cleanup(&resp);
	cr_assert_eq(calls, 0);

	route_set_auth(auth_ok);
	cr_assert_eq(run("GET", "/api/x/items/5", &resp, &code), 200);
	cr_assert_str_eq(json_string_value(json_object_get(resp.body, "user")),
	    "8d0c3a8e-1b7e-4f7e-9a43-2f4c1f1e2d3c");
	cr_assert_eq(json_integer_value(json_object_get(resp.body, "device")),
	    42);
	cr_assert_str_eq(json_string_value(json_object_get(resp.body, "id")),
	    "5");
	resp_cleanup(&resp);
}

Test(route, origin_checked_on_state_changing_methods)
{
	static const char *bad[] = { "", "https://evil.example",
	    "https://localhost:8443/", "https://localhost:84430", "null",
	    "http://localhost:8443" };
	struct resp	 resp;
	const char	*code;
	size_t		 i;

	route_set_origin("https://localhost:8443");
	route_set_auth(auth_ok);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(run_from(bad[i], "POST", "/api/x/fail", &resp,
		    &code), 403, "origin '%s'", bad[i]);
		cr_assert_str_eq(code, "bad_origin");
		resp_cleanup(&resp);
		cr_assert_eq(run_from(bad[i], "DELETE", "/api/x/items/1",
		    &resp, &code), 403);
		cr_assert_str_eq(code, "bad_origin");
		resp_cleanup(&resp);
	}
	cr_assert_eq(calls, 0, "no handler reached");
	/* The app's own origin passes; reads need no Origin at all. */
	cr_assert_eq(run_from("https://localhost:8443", "POST", "/api/x/fail",
	    &resp, &code), 409);
	resp_cleanup(&resp);
	cr_assert_eq(run_from("https://localhost:8443", "DELETE",
	    "/api/x/items/1", &resp, &code), 200);
	resp_cleanup(&resp);
	cr_assert_eq(run("GET", "/api/x/items/1", &resp, &code), 200);
	resp_cleanup(&resp);
	cr_assert(route_state_changing("PUT"));
	cr_assert(route_state_changing("PATCH"));
	cr_assert_not(route_state_changing("GET"));
	cr_assert_not(route_state_changing("HEAD"));
	cr_assert_not(route_state_changing("OPTIONS"));
}

Test(route, pin_pending_session_only_reaches_pin_routes)
{
	struct resp	 resp;
	const char	*code;

	route_set_auth(auth_pin_pending);
	cr_assert_eq(run("GET", "/api/x/items/5", &resp, &code), 403);
	cr_assert_str_eq(code, "pin_required");
	resp_cleanup(&resp);
	cr_assert_eq(calls, 0);
	cr_assert_eq(run("POST", "/api/x/pin", &resp, &code), 200);
	resp_cleanup(&resp);
	cr_assert_eq(calls, 1);
	route_set_auth(auth_ok);
	cr_assert_eq(run("GET", "/api/x/items/5", &resp, &code), 200);
	resp_cleanup(&resp);
}

Test(route, two_params)
{
	struct req	r;
	struct resp	resp;

	route_req_init(&r, a);
	r.method = "POST";
	r.path = "/api/x/items/abc/tags/red";
	resp_init(&resp, a);
	route_dispatch(routes, sizeof(routes) / sizeof(routes[0]), &r, &resp);
	cr_assert_eq(resp.status, 200);
	cr_assert_eq(r.nparams, 2);
	cr_assert_str_eq(route_param(&r, "id"), "abc");
	cr_assert_str_eq(route_param(&r, "tag"), "red");
	cr_assert_null(route_param(&r, "nope"));
	resp_cleanup(&resp);
}

Test(route, handler_errors_become_envelope)
{
	struct resp	 resp;
	const char	*code;

	cr_assert_eq(run("POST", "/api/x/fail", &resp, &code), 409);
	cr_assert_str_eq(code, "phone_taken");
	resp_cleanup(&resp);
	cr_assert_eq(run("POST", "/api/x/silent", &resp, &code), 500);
	cr_assert_str_eq(code, "internal");
	resp_cleanup(&resp);
	cr_assert_eq(run("POST", "/api/x/bare", &resp, &code), 500);
	cr_assert_str_eq(code, "internal");
	resp_cleanup(&resp);
}

Test(route, query)
{
	struct req	r;

	route_req_init(&r, a);
	r.query = "cursor=12&name=a%20b+c&empty=&flag&bad=%zz&nul=%00&cut=%4";
	cr_assert_str_eq(route_query(&r, "cursor"), "12");
	cr_assert_str_eq(route_query(&r, "name"), "a b c");
	cr_assert_str_eq(route_query(&r, "empty"), "");
	cr_assert_null(route_query(&r, "flag"));
	cr_assert_null(route_query(&r, "bad"));
	cr_assert_null(route_query(&r, "nul"));
	cr_assert_null(route_query(&r, "cut"));
	cr_assert_null(route_query(&r, "curs"));
}

Test(route, cookies)
{
	struct req	r;

	route_req_init(&r, a);
	r.cookie = "a=1; session=tok.en; b=";
	cr_assert_str_eq(route_cookie(&r, "session"), "tok.en");
	cr_assert_str_eq(route_cookie(&r, "a"), "1");
	cr_assert_str_eq(route_cookie(&r, "b"), "");
	cr_assert_null(route_cookie(&r, "sess"));
	r.cookie = "";
	cr_assert_null(route_cookie(&r, "a"));
}
