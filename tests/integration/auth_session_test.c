/*
 * auth_session_test.c - sessions as the other services and nginx meet
 * them: GET /api/auth/session (what nginx's auth_request asks), the /ws
 * upgrade refused without a valid session before it reaches a ws node,
 * and deploy/admin user/ban/unban.
 */
#include "auth_test_util.h"
#include "wsclient.h"

TestSuite(auth_session, .timeout = 60);

static void
ws_url(char *buf, size_t n)
{
	const char	*base = test_url();

	cr_assert_eq(strncmp(base, "https://", 8), 0);
	snprintf(buf, n, "wss://%s/ws", base + 8);
}

Test(auth_session, session_endpoint_names_user_and_device)
{
	struct at_user		 u = { 0 };
	struct http_resp	 r;
	char			 v[64];

	json_decref(at_login(&u, "A"));
	cr_assert_eq(at_req(u.c, "GET", "/api/auth/session", &r, NULL), 204);
	cr_expect_str_eq(http_header(&r, "X-Parley-User", v, sizeof(v)), u.id);
	cr_expect_eq(atoi(http_header(&r, "X-Parley-Device", v, sizeof(v))),
	    u.device);
	http_resp_cleanup(&r);
	at_user_free(&u);
}

Test(auth_session, ws_upgrade_needs_a_session)
{
	struct at_user	 u = { 0 };
	struct wsclient	*c;
	char		 url[256];

	ws_url(url, sizeof(url));
	cr_assert_not_null(c = wsclient_connect(url, NULL, 5000));
	cr_expect_not(wsclient_is_open(c));
	cr_expect_eq(wsclient_http_status(c), 401, "no cookie: %d %s",
	    wsclient_http_status(c), wsclient_error(c));
	wsclient_free(c);
	cr_assert_not_null(c = wsclient_connect(url,
	    "parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 5000));
	cr_expect_eq(wsclient_http_status(c), 401, "unknown token");
	wsclient_free(c);
	json_decref(at_login(&u, "A"));
	cr_assert_not_null(c = wsclient_connect(url, u.cookie, 5000));
	cr_expect(wsclient_is_open(c), "valid session: %d %s",
	    wsclient_http_status(c), wsclient_error(c));
	cr_expect_eq(wsclient_http_status(c), 101);
	wsclient_free(c);
	/* Logged out: refused again. */
	cr_assert_eq(at_status(u.c, "POST", "/api/auth/logout", NULL, NULL, 0),
	    204);
	cr_assert_not_null(c = wsclient_connect(url, u.cookie, 5000));
	cr_expect_eq(wsclient_http_status(c), 401, "revoked session");
	wsclient_free(c);
	at_user_free(&u);
}

Test(auth_session, ws_upgrade_refused_while_pin_pending)
{
	struct at_user	 u = { 0 }, d2 = { 0 };
	struct wsclient	*c;
	char		 url[256];

	json_decref(at_login(&u, "A"));
	cr_assert_eq(at_status(u.c, "PUT", "/api/auth/pin", "{\"pin\":\"102938\"}",
	    NULL, 0), 204);
	snprintf(d2.phone, sizeof(d2.phone), "%s", u.phone);
	json_decref(at_login(&d2, "B"));
	ws_url(url, sizeof(url));
	cr_assert_not_null(c = wsclient_connect(url, d2.cookie, 5000));
	cr_expect_eq(wsclient_http_status(c), 403);
	wsclient_free(c);
	at_user_free(&u);
	at_user_free(&d2);
}

Test(auth_session, admin_ban_and_unban)
{
	struct at_user	u = { 0 };
	char		slug[64];

	json_decref(at_login(&u, "A"));
	cr_assert_eq(at_status(u.c, "GET", "/api/auth/me", NULL, NULL, 0), 200,
	    "cached now");
	cr_expect_eq(test_sh("deploy/admin user '%s' | grep -q 'A'", u.phone), 0);
	cr_assert_eq(test_sh("deploy/admin ban '%s' \"it's spam\" >/dev/null",
	    u.phone), 0);
	cr_expect_eq(at_status(u.c, "GET", "/api/auth/me", NULL, slug,
	    sizeof(slug)), 403, "at once, despite the cache");
	cr_expect_str_eq(slug, "banned");
	cr_expect_eq(at_request_code(u.c, u.phone), 403, "cannot register");
	cr_expect_eq(test_sh("deploy/admin user '%s' | grep -q \"it's spam\"",
	    u.phone), 0);
	cr_assert_eq(test_sh("deploy/admin unban '%s' >/dev/null", u.phone), 0);
	cr_expect_eq(at_status(u.c, "GET", "/api/auth/me", NULL, NULL, 0), 200);
	cr_expect_neq(test_sh("deploy/admin unban '%s' 2>/dev/null", u.phone), 0,
	    "not banned any more");
	cr_expect_neq(test_sh("deploy/admin ban 'x; rm -rf /' 2>/dev/null"), 0);
	cr_expect_neq(test_sh("deploy/admin user +4477001 2>/dev/null"), 0);
	at_user_free(&u);
}
