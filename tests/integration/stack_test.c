/*
 * stack_test.c - the stack as a browser and an admin meet it: every service
 * healthy through nginx, the app shell with its security headers, HTTP
 * redirected to HTTPS, and the one JSON error envelope for unknown routes,
 * wrong methods and oversized bodies.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "http.h"

static const char *services[] = { "auth", "contacts", "messages", "media", "calls", "ws" };

Test(stack, every_service_is_healthy)
{
	struct http_client *c = http_client_create();
	struct http_resp r;
	char path[64];
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		snprintf(path, sizeof(path), "/api/%s/health", services[i]);
		cr_assert_eq(http_request(c, "GET", path, NULL, 0, &r), 0);
		cr_expect_eq(r.status, 200, "%s: %ld %s", services[i], r.status, r.body);
		cr_expect_str_eq(json_string_value(json_object_get(r.json, "status")), "ok",
		    "%s: %s", services[i], r.body);
		cr_expect_str_eq(json_string_value(json_object_get(r.json, "redis")), "ok",
		    "%s: %s", services[i], r.body);
		if (strcmp(services[i], "ws") != 0)
			cr_expect_str_eq(json_string_value(json_object_get(r.json, "postgres")),
			    "ok", "%s: %s", services[i], r.body);
		http_resp_cleanup(&r);
	}
	http_client_destroy(c);
}

Test(stack, app_shell_with_security_headers)
{
	struct http_client *c = http_client_create();
	struct http_resp r;
	char v[2048];

	cr_assert_eq(http_request(c, "GET", "/", NULL, 0, &r), 0);
	cr_assert_eq(r.status, 200);
	cr_expect(strstr(r.body, "<html") != NULL);
	cr_assert_not_null(http_header(&r, "Content-Security-Policy", v, sizeof(v)));
	cr_expect(strstr(v, "default-src 'self'") != NULL, "%s", v);
	cr_expect(strstr(v, "frame-ancestors 'none'") != NULL, "%s", v);
	cr_expect(strstr(v, "'unsafe-inline'") == NULL || strstr(v, "script-src 'self' 'unsafe-inline'") == NULL,
	    "scripts must not be unsafe-inline: %s", v);
	cr_expect_not_null(http_header(&r, "Strict-Transport-Security", v, sizeof(v)));
	cr_expect_str_eq(http_header(&r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
	cr_expect_not_null(http_header(&r, "Referrer-Policy", v, sizeof(v)));
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

Test(stack, http_redirects_to_https)
{
	struct http_client *c = http_client_create();
	struct http_resp r;
	char url[256], v[512];
	const char *port = getenv("PARLEY_HTTP_PORT");

	snprintf(url, sizeof(url), "http://localhost:%s/some/page?x=1", port ? port : "8080");
	cr_assert_eq(http_request(c, "GET", url, NULL, 0, &r), 0);
	cr_expect_eq(r.status, 301);
	cr_assert_not_null(http_header(&r, "Location", v, sizeof(v)));
	cr_expect(strncmp(v, test_url(), strlen(test_url())) == 0, "%s", v);
	cr_expect(strstr(v, "/some/page?x=1") != NULL, "%s", v);
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

static void
expect_envelope(const char *method, const char *path, const char *body, size_t len,
    long status, const char *code)
{
	struct http_client *c = http_client_create();
	struct http_resp r;
	char v[256];

	cr_assert_eq(http_request(c, method, path, body, len, &r), 0, "%s %s", method, path);
	cr_expect_eq(r.status, status, "%s %s: %ld %s", method, path, r.status, r.body);
	cr_expect_not_null(r.json, "%s %s: not JSON: %s", method, path, r.body);
	cr_expect_str_eq(http_error_code(&r), code, "%s %s: %s", method, path, r.body);
	cr_expect(json_string_length(json_object_get(json_object_get(r.json, "error"),
	    "message")) > 0, "%s %s: no message: %s", method, path, r.body);
	cr_expect(http_header(&r, "Content-Type", v, sizeof(v)) != NULL &&
	    strstr(v, "application/json") != NULL, "%s %s", method, path);
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

Test(stack, unknown_route_is_404_envelope)
{
	size_t i;
	char path[64];

	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/api/%s/no/such/thing", services[i]);
		expect_envelope("GET", path, NULL, 0, 404, "not_found");
	}
	expect_envelope("GET", "/api/nosuchservice/x", NULL, 0, 404, "not_found");
	expect_envelope("GET", "/api/ws/nope", NULL, 0, 404, "not_found");
}

Test(stack, wrong_method_is_405_envelope)
{
	size_t i;
	char path[64];

	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/api/%s/health", services[i]);
		expect_envelope("DELETE", path, NULL, 0, 405, "method_not_allowed");
	}
}

Test(stack, oversized_body_is_413_envelope)
{
	size_t n = 16 * 1024 * 1024, limit, i;
	char *big = malloc(n + 1);
	char path[64], env[64], *p;
	const char *v;

	cr_assert_not_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	for (i = 0; i < 5; i++) {
		/* One byte over the service's own limit: the service answers. */
		snprintf(env, sizeof(env), "PARLEY_MAX_BODY_%s", services[i]);
		for (p = env; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		cr_assert_not_null(v = getenv(env), "%s is not set", env);
		limit = strtoul(v, NULL, 10);
		cr_assert(limit > 0 && limit < n);
		snprintf(path, sizeof(path), "/api/%s/health", services[i]);
		expect_envelope("POST", path, big, limit + 1, 413, "body_too_large");
		/* Far over it: nginx answers, in the same envelope. */
		expect_envelope("POST", path, big, n, 413, "body_too_large");
	}
	free(big);
}

/*
 * What nginx rejects before any location runs - a URI or headers over its
 * buffers, a request line it cannot parse - is answered in the one JSON
 * envelope too (error_page to internal /_errors/ locations). curl and
 * openssl speak HTTP/1.1 directly, so nothing in between repairs the request.
 */
Test(stack, nginx_rejections_are_json_envelopes)
{
	const char *url = test_url();
	const char *port = getenv("PARLEY_HTTPS_PORT");
	const char *check = "out=$(mktemp) && trap 'rm -f $out' EXIT && "
	    "[ \"$(%s -o $out -w '%%{http_code} %%{content_type}')\" = '%s application/json' ] && "
	    "grep -q '\"code\":\"%s\"' $out";
	char cmd[1024];

	cr_assert_not_null(port);
	snprintf(cmd, sizeof(cmd), "curl -sk --http1.1 '%s/api/auth/health?'$(head -c 20000 /dev/zero | tr '\\0' a)", url);
	cr_expect_eq(test_sh(check, cmd, "414", "uri_too_long"), 0, "long URI");
	snprintf(cmd, sizeof(cmd), "curl -sk --http1.1 -H \"X-Big: $(head -c 20000 /dev/zero | tr '\\0' a)\" '%s/api/auth/health'", url);
	cr_expect_eq(test_sh(check, cmd, "431", "headers_too_large"), 0, "large headers");
	snprintf(cmd, sizeof(cmd), "curl -sk --http1.1 -H 'Host: a b' '%s/api/auth/health'", url);
	cr_expect_eq(test_sh(check, cmd, "400", "bad_request"), 0, "bad Host");
	/* A request line that is not HTTP at all. */
	cr_expect_eq(test_sh("printf 'GARBAGE\\r\\n\\r\\n' | timeout 5 openssl s_client -quiet "
	    "-connect 127.0.0.1:%s 2>/dev/null | tr -d '\\r' > /tmp/garbage.$$; "
	    "head -1 /tmp/garbage.$$ | grep -q '^HTTP/1.1 400' && "
	    "grep -qi '^content-type: application/json' /tmp/garbage.$$ && "
	    "grep -q '\"code\":\"bad_request\"' /tmp/garbage.$$; rc=$?; rm -f /tmp/garbage.$$; exit $rc",
	    port), 0, "garbage request line");
	/* The error documents are not reachable from outside. */
	cr_expect_eq(test_sh("[ \"$(curl -sk -o /dev/null -w '%%{http_code}' '%s/_errors/400.json')\" = 404 ]", url), 0);
}
