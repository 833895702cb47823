/*
 * ws_test.c - the WebSocket push service against the live test stack.
 *
 * Through nginx (wss://, self-signed, with a fixture device's session: nginx
 * refuses an upgrade without one) and directly to one ws node (anonymous
 * there: broadcasts only; with the shared secret nginx would send, or the
 * node refuses the upgrade), from the harness's environment:
 * PARLEY_TEST_URL (nginx), PARLEY_TEST_WS_DIRECT (host:port of a ws node),
 * PARLEY_WS_SECRET, PARLEY_REDIS (where tests PUBLISH). Broadcasts
 * reach every socket of every test running in parallel, so each test tags
 * its messages with a token of its own and skips frames that are not its.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "fixture.h"
#include "wsclient.h"

#define T_TIMEOUT_MS	5000
#define T_URL_MAX	512
#define T_CHANNEL	"parley:ws:broadcast"
#define T_CLIENTS	8
#define T_DEFAULT_CAP	1048576		/* cfg.c's PARLEY_WS_MAX_QUEUE */
#define T_FLOOD_CHUNK	65536
/* Past the cap plus what the kernel and lws can buffer on loopback. */
#define T_FLOOD_SLACK	(8 * 1048576)

struct t_body {
	char	*data;
	size_t	 len;
};

static void
t_url(char *buf, size_t size, const char *path, int websocket)
{
	const char	*base = getenv("PARLEY_TEST_URL");

	if (base == NULL)
		cr_skip_test("PARLEY_TEST_URL is not set");
	if (websocket && strncmp(base, "https://", 8) == 0)
		snprintf(buf, size, "wss://%s%s", base + 8, path);
	else if (websocket && strncmp(base, "http://", 7) == 0)
		snprintf(buf, size, "ws://%s%s", base + 7, path);
	else
		snprintf(buf, size, "%s%s", base, path);
}

static void
t_direct_url(char *buf, size_t size, const char *scheme, const char *path)
{
	const char	*direct = getenv("PARLEY_TEST_WS_DIRECT");

	if (getenv("PARLEY_TEST_URL") == NULL)
		cr_skip_test("PARLEY_TEST_URL is not set");
	cr_assert_not_null(direct, "PARLEY_TEST_WS_DIRECT is not set");
	snprintf(buf, size, "%s://%s%s", scheme, direct, path);
}

static size_t
t_curl_write(char *p, size_t size, size_t n, void *arg)
{
	struct t_body	*b = arg;
	char		*d;

	if ((d = realloc(b->data, b->len + size * n + 1)) == NULL)
		return 0;
	memcpy(d + b->len, p, size * n);
	b->data = d;
	b->len += size * n;
	d[b->len] = '\0';
	return size * n;
}

/* GETs url; returns the parsed JSON body (caller decrefs) and the status. */
static json_t *
t_get_json(const char *url, long *status)
{
	struct t_body	 b = { NULL, 0 };
	json_error_t	 jerr;
	json_t		*o;
	CURL		*h;
	CURLcode	 rc;

	cr_assert_not_null(h = curl_easy_init());
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)T_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, t_curl_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(h);
	cr_assert_eq(rc, CURLE_OK, "GET %s: %s", url, curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	o = json_loads(b.data != NULL ? b.data : "", 0, &jerr);
	cr_assert_not_null(o, "GET %s: not JSON: %s", url, b.data);
	free(b.data);
	return o;
}

static const char *
t_str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "(missing)";
}

/* PUBLISHes payload on the broadcast channel; returns the receiver count. */
static long long
t_publish(const char *payload, size_t len)
{
	const char	*addr = getenv("PARLEY_REDIS"), *colon;
	redisContext	*r;
	redisReply	*reply;
	long long	 n;
	char		 host[256];

	cr_assert_not_null(addr, "PARLEY_REDIS is not set");
	if (strncmp(addr, "unix:", 5) == 0)
		r = redisConnectUnix(addr + 5);
	else {
		cr_assert_not_null(colon = strrchr(addr, ':'));
		snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
		r = redisConnect(host, atoi(colon + 1));
	}
	cr_assert(r != NULL && r->err == 0, "redis %s: %s", addr,
	    r != NULL ? r->errstr : "oom");
	reply = redisCommand(r, "PUBLISH %s %b", T_CHANNEL, payload, len);
	cr_assert(reply != NULL && reply->type == REDIS_REPLY_INTEGER);
	n = reply->integer;
	freeReplyObject(reply);
	redisFree(r);
	return n;
}

static void
t_token(char *buf, size_t size)
{
	static unsigned int	seq;
	struct timespec		ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, size, "t%ld-%ld-%u", (long)getpid(), ts.tv_nsec, ++seq);
}

/* Reads frames until one contains token; 1 if it came within timeout. */
static int
t_recv_token(struct wsclient *c, const char *token)
{
	char	*text;
	int	 found = 0;

	while (!found && (text = wsclient_recv(c, T_TIMEOUT_MS)) != NULL) {
		found = strstr(text, token) != NULL;
		free(text);
	}
	return found;
}

static struct wsclient *
t_open_as(const char *url, const char *cookie)
{
	struct wsclient	*c;

	cr_assert_not_null(c = wsclient_connect(url, cookie, T_TIMEOUT_MS));
	cr_assert(wsclient_is_open(c), "%s: status %d: %s", url,
	    wsclient_http_status(c), wsclient_error(c));
	return c;
}

/* Straight to a ws node, as nginx: with the secret (and no identity). */
static struct wsclient *
t_open_direct(const char *url)
{
	const char	*secret = getenv("PARLEY_WS_SECRET");
	const char	*hdrs[] = { "X-Parley-Ws-Secret", secret, NULL };
	struct wsclient	*c;

	cr_assert_not_null(secret, "PARLEY_WS_SECRET is not set");
	cr_assert_not_null(c = wsclient_connect_headers(url, NULL, hdrs,
	    T_TIMEOUT_MS));
	cr_assert(wsclient_is_open(c), "%s: status %d: %s", url,
	    wsclient_http_status(c), wsclient_error(c));
	return c;
}

/* Checks that the next frame is the hello. */
static void
t_expect_hello(struct wsclient *c)
{
	json_error_t	 jerr;
	json_t		*o;
	json_int_t	 ts, now = (json_int_t)time(NULL) * 1000;
	char		*text;

	cr_assert_not_null(text = wsclient_recv(c, T_TIMEOUT_MS),
	    "no hello: %s", wsclient_error(c));
	cr_assert_not_null(o = json_loads(text, 0, &jerr), "hello: %s", text);
	cr_expect_str_eq(t_str(o, "type"), "hello");
	cr_expect_neq(strcmp(t_str(o, "node"), "(missing)"), 0);
	ts = json_integer_value(json_object_get(o, "ts"));
	cr_expect(ts > now - 60000 && ts < now + 60000, "hello ts %lld",
	    (long long)ts);
	json_decref(o);
	free(text);
}

TestSuite(ws, .timeout = 60);

Test(ws, hello_over_wss_through_nginx)
{
	struct fx_user	 u;
	struct wsclient	*c;
	char		 url[T_URL_MAX];

	t_url(url, sizeof(url), "/ws", 1);
	fx_user_create(&u, "WS", 1);
	c = t_open_as(url, u.dev[0].cookie);
	cr_expect_eq(wsclient_http_status(c), 101);
	t_expect_hello(c);
	cr_expect_eq(wsclient_close(c, 1000, T_TIMEOUT_MS), 0);
	cr_expect_eq(wsclient_close_code(c), 1000);
	wsclient_free(c);
	fx_user_destroy(&u);
}

Test(ws, health_through_nginx)
{
	json_t	*o;
	long	 status;
	char	 url[T_URL_MAX];

	t_url(url, sizeof(url), "/api/ws/health", 0);
	o = t_get_json(url, &status);
	cr_expect_eq(status, 200);
	cr_expect_str_eq(t_str(o, "status"), "ok");
	cr_expect_str_eq(t_str(o, "service"), "ws");
	cr_expect_str_eq(t_str(o, "redis"), "ok");
	cr_expect_str_eq(t_str(o, "postgres"), "not_used");
	cr_expect_neq(strcmp(t_str(o, "node"), "(missing)"), 0);
	cr_expect(json_is_integer(json_object_get(o, "connections")));
	cr_expect_null(json_object_get(o, "error"));
	json_decref(o);
}

Test(ws, health_counts_open_sockets)
{
	struct wsclient	*c;
	json_t		*o;
	long		 status;
	char		 url[T_URL_MAX];

	t_direct_url(url, sizeof(url), "ws", "/ws");
	c = t_open_direct(url);
	t_expect_hello(c);
	t_direct_url(url, sizeof(url), "http", "/api/ws/health");
	o = t_get_json(url, &status);
	cr_expect_eq(status, 200);
	cr_expect_geq(json_integer_value(json_object_get(o, "connections")), 1);
	json_decref(o);
	wsclient_free(c);
}

Test(ws, unknown_path_is_404_envelope)
{
	const char	*paths[] = { "/api/ws/nope", "/api/ws/health/x" };
	json_t		*o, *e;
	long		 status;
	char		 url[T_URL_MAX];
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		t_url(url, sizeof(url), paths[i], 0);
		o = t_get_json(url, &status);
		cr_expect_eq(status, 404, "%s", url);
		e = json_object_get(o, "error");
		cr_expect_str_eq(t_str(e, "code"), "not_found", "%s", url);
		cr_expect(json_is_string(json_object_get(e, "message")));
		json_decref(o);
	}
}

Test(ws, upgrade_on_unknown_path_is_refused)
{
	struct wsclient	*c;
	char		 url[T_URL_MAX];

	t_direct_url(url, sizeof(url), "ws", "/nope");
	cr_assert_not_null(c = wsclient_connect(url, NULL, T_TIMEOUT_MS));
	cr_expect_not(wsclient_is_open(c));
	cr_expect_eq(wsclient_http_status(c), 404, "status %d: %s",
	    wsclient_http_status(c), wsclient_error(c));
	wsclient_free(c);
}

Test(ws, redis_broadcast_reaches_client)
{
	struct fx_user	 u;
	struct wsclient	*c;
	char		 url[T_URL_MAX], token[64], msg[128];
	int		 n;

	t_url(url, sizeof(url), "/ws", 1);
	fx_user_create(&u, "WS", 1);
	c = t_open_as(url, u.dev[0].cookie);
	t_expect_hello(c);
	t_token(token, sizeof(token));
	n = snprintf(msg, sizeof(msg), "{\"type\":\"test\",\"token\":\"%s\"}",
	    token);
	cr_expect_geq(t_publish(msg, (size_t)n), 1);
	cr_expect(t_recv_token(c, token), "broadcast not received");
	wsclient_free(c);
	fx_user_destroy(&u);
}

Test(ws, concurrent_clients_all_receive)
{
	struct fx_user	 u[2];
	struct wsclient	*c[T_CLIENTS];
	char		 url[T_URL_MAX], token[64], msg[128];
	int		 i, n;

	/* One socket per device: two users of four devices each. */
	t_url(url, sizeof(url), "/ws", 1);
	fx_user_create(&u[0], "WS", T_CLIENTS / 2);
	fx_user_create(&u[1], "WS", T_CLIENTS / 2);
	for (i = 0; i < T_CLIENTS; i++)
		c[i] = t_open_as(url, u[i / (T_CLIENTS / 2)].dev[i %
		    (T_CLIENTS / 2)].cookie);
	for (i = 0; i < T_CLIENTS; i++)
		t_expect_hello(c[i]);
	t_token(token, sizeof(token));
	n = snprintf(msg, sizeof(msg), "{\"type\":\"test\",\"token\":\"%s\"}",
	    token);
	cr_expect_geq(t_publish(msg, (size_t)n), 1);
	for (i = 0; i < T_CLIENTS; i++)
		cr_expect(t_recv_token(c[i], token), "client %d missed it", i);
	for (i = 0; i < T_CLIENTS; i++) {
		cr_expect_eq(wsclient_close(c[i], 1000, T_TIMEOUT_MS), 0);
		wsclient_free(c[i]);
	}
	fx_user_destroy(&u[0]);
	fx_user_destroy(&u[1]);
}

Test(ws, slow_consumer_is_cut_off)
{
	struct wsclient	*c;
	const char	*capenv = getenv("PARLEY_WS_MAX_QUEUE");
	size_t		 cap, total = 0, len;
	char		 url[T_URL_MAX], token[64], *msg, *text;
	int		 code;

	cap = capenv != NULL ? strtoul(capenv, NULL, 10) : T_DEFAULT_CAP;
	t_direct_url(url, sizeof(url), "ws", "/ws");
	c = t_open_direct(url);
	t_expect_hello(c);
	wsclient_pause(c, 1);
	t_token(token, sizeof(token));
	cr_assert_not_null(msg = malloc(T_FLOOD_CHUNK + 1));
	len = (size_t)snprintf(msg, T_FLOOD_CHUNK, "{\"type\":\"test\","
	    "\"token\":\"%s\",\"pad\":\"", token);
	memset(msg + len, 'x', T_FLOOD_CHUNK - len - 2);
	memcpy(msg + T_FLOOD_CHUNK - 2, "\"}", 2);
	while (total < cap + T_FLOOD_SLACK) {
		cr_assert_geq(t_publish(msg, T_FLOOD_CHUNK), 1);
		total += T_FLOOD_CHUNK;
	}
	free(msg);
	wsclient_pause(c, 0);
	/* Drain what the kernel held; the server must end the socket. */
	while ((text = wsclient_recv(c, T_TIMEOUT_MS)) != NULL)
		free(text);
	cr_expect_eq(wsclient_wait_closed(c, T_TIMEOUT_MS), 0,
	    "slow consumer still connected");
	code = wsclient_close_code(c);
	cr_expect(code == 1008 || code == 1006, "close code %d", code);
	cr_expect_lt(wsclient_bytes(c), total, "got all %zu bytes", total);
	wsclient_free(c);
}

/*
 * Anyone who reaches a node's port directly and claims an identity with
 * forged X-Parley-* headers is refused unless they also hold nginx's
 * secret: without it, with a wrong one, or with one of the wrong length.
 */
Test(ws, forged_identity_without_the_secret_is_refused)
{
	struct fx_user	 u;
	struct wsclient	*c;
	const char	*secret = getenv("PARLEY_WS_SECRET");
	char		 url[T_URL_MAX], dev[16], wrong[128];
	const char	*tries[3];
	size_t		 i;

	cr_assert_not_null(secret);
	fx_user_create(&u, "Victim", 1);
	snprintf(dev, sizeof(dev), "%d", u.dev[0].id);
	snprintf(wrong, sizeof(wrong), "%s", secret);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	tries[0] = NULL;
	tries[1] = wrong;
	tries[2] = "short";
	t_direct_url(url, sizeof(url), "ws", "/ws");
	for (i = 0; i < 3; i++) {
		const char *hdrs[] = { "X-Parley-User", u.id,
		    "X-Parley-Device", dev, tries[i] != NULL ?
		    "X-Parley-Ws-Secret" : NULL, tries[i], NULL };

		cr_assert_not_null(c = wsclient_connect_headers(url, NULL, hdrs,
		    T_TIMEOUT_MS));
		cr_expect_not(wsclient_is_open(c), "try %zu was let in", i);
		cr_expect_eq(wsclient_http_status(c), 403, "try %zu: status %d",
		    i, wsclient_http_status(c));
		wsclient_free(c);
	}
	/* Through nginx, the same device's session opens its socket. */
	t_url(url, sizeof(url), "/ws", 1);
	c = t_open_as(url, u.dev[0].cookie);
	t_expect_hello(c);
	wsclient_free(c);
	fx_user_destroy(&u);
}
