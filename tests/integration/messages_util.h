/*
 * messages_util.h - helpers shared by the messaging integration tests
 * (messages_*_test.c, serial_delivery_*_test.c): JSON requests as a fixture
 * device, sockets through nginx or pinned to one ws node, envelopes and
 * events. Header-only (static functions) so each test binary stays one
 * file plus tests/integration/lib.
 */
#ifndef PARLEY_TEST_MESSAGES_UTIL_H
#define PARLEY_TEST_MESSAGES_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>

#include "fixture.h"
#include "http.h"
#include "wsclient.h"

#define MT_UNUSED	__attribute__((unused))
#define MT_TIMEOUT_MS	5000

/* A random uuid (version 4) into out[37]. */
static MT_UNUSED void
mt_uuid(char out[37])
{
	unsigned char	b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* base64url (no padding) of n bytes of text into a new string. */
static MT_UNUSED char *
mt_b64(const void *data, size_t n)
{
	size_t	 len = sodium_base64_ENCODED_LEN(n,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char	*out = malloc(len);

	cr_assert_not_null(out);
	sodium_bin2base64(out, len, data, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/*
 * method path with a JSON body (or NULL, stolen) as device d; returns the
 * status, 0 if no answer came.
 */
static MT_UNUSED long
mt_req(struct fx_device *d, const char *method, const char *path,
    json_t *body, struct http_resp *out)
{
	char	*text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	int	 rc;

	if (body != NULL)
		http_client_header(d->http, "Content-Type", "application/json");
	rc = http_request(d->http, method, path, text, (size_t)-1, out);
	free(text);
	json_decref(body);
	/* No answer at all is status 0 (callers compare the status). */
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	return out->status;
}

/* The same, for when only the status matters. */
static MT_UNUSED long
mt_status(struct fx_device *d, const char *method, const char *path,
    json_t *body)
{
	struct http_resp	r;
	long			st;

	st = mt_req(d, method, path, body, &r);
	http_resp_cleanup(&r);
	return st;
}

/* The direct chat of a and b (created if needed); id into out. */
static MT_UNUSED void
mt_chat(struct fx_user *a, struct fx_user *b, char out[37])
{
	struct http_resp	r;
	long			st;

	st = mt_req(&a->dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", b->id), &r);
	cr_assert(st == 200 || st == 201, "chat: %ld %s", st, r.body);
	snprintf(out, 37, "%s", json_string_value(json_object_get(r.json,
	    "chat_id")));
	http_resp_cleanup(&r);
}

/* Two users, Alice (na devices) and Bob (nb devices), and their direct chat. */
struct world {
	struct fx_user	a, b;
	char		chat[37];
};

static MT_UNUSED void
world_init(struct world *w, int na, int nb)
{
	fx_user_create(&w->a, "Alice", na);
	fx_user_create(&w->b, "Bob", nb);
	mt_chat(&w->a, &w->b, w->chat);
}

static MT_UNUSED void
world_free(struct world *w)
{
	fx_user_destroy(&w->a);
	fx_user_destroy(&w->b);
}

/* Adds an envelope for (user, device) with text as its ciphertext. */
static MT_UNUSED void
mt_env_add(json_t *arr, const char *user, int device, const char *text)
{
	char	*b = mt_b64(text, strlen(text));

	json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:s}",
	    "to_user", user, "to_device", device, "type", "msg", "body", b));
	free(b);
}

/*
 * Envelopes of one message from device index si of sender to every
 * device of every user in to[] (n users) except the sending device.
 */
static MT_UNUSED json_t *
mt_envs_for(struct fx_user *sender, int si, struct fx_user **to, int n,
    const char *text)
{
	json_t	*arr = json_array();
	int	 i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < to[i]->ndevices; k++)
			if (!(to[i] == sender && k == si))
				mt_env_add(arr, to[i]->id, to[i]->dev[k].id,
				    text);
	return arr;
}

/* POST /send; returns the status, the answer in out (caller cleans up). */
static MT_UNUSED long
mt_send(struct fx_device *d, const char *chat, const char *id, json_t *envs,
    struct http_resp *out)
{
	return mt_req(d, "POST", "/api/messages/send", json_pack(
	    "{s:s, s:s, s:o}", "chat_id", chat, "id", id, "envelopes", envs),
	    out);
}

/* GET /inbox after cursor; returns the parsed answer (caller decrefs). */
static MT_UNUSED json_t *
mt_inbox(struct fx_device *d, const char *after, int limit)
{
	struct http_resp	 r;
	char			 path[128];
	json_t			*o;

	snprintf(path, sizeof(path), "/api/messages/inbox?after=%s&limit=%d",
	    after != NULL ? after : "0", limit);
	cr_assert_eq(mt_req(d, "GET", path, NULL, &r), 200, "inbox: %s",
	    r.body);
	o = json_incref(r.json);
	http_resp_cleanup(&r);
	return o;
}

/* POST /ack of the ids in envs (an array of envelopes); returns acked. */
static MT_UNUSED long
mt_ack_envs(struct fx_device *d, json_t *envs)
{
	struct http_resp	 r;
	json_t			*ids = json_array(), *v;
	size_t			 i;
	long			 n;

	json_array_foreach(envs, i, v)
		json_array_append(ids, json_object_get(v, "id"));
	cr_assert_eq(mt_req(d, "POST", "/api/messages/ack",
	    json_pack("{s:o}", "ids", ids), &r), 200, "ack: %s", r.body);
	n = (long)json_integer_value(json_object_get(r.json, "acked"));
	http_resp_cleanup(&r);
	return n;
}

/* The decoded text of an envelope's body, in a new string. */
static MT_UNUSED char *
mt_env_text(const json_t *env)
{
	const char	*b = json_string_value(json_object_get(env, "body"));
	unsigned char	*out;
	size_t		 n;

	cr_assert_not_null(b);
	out = malloc(strlen(b) + 1);
	cr_assert_eq(sodium_base642bin(out, strlen(b), b, strlen(b), NULL, &n,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	out[n] = '\0';
	return (char *)out;
}

/* ws://host:port of ws node n (1-based), from PARLEY_TEST_WS_DIRECT. */
static MT_UNUSED void
mt_node_url(int n, char *buf, size_t size)
{
	const char	*direct = getenv("PARLEY_TEST_WS_DIRECT"), *colon;

	cr_assert_not_null(direct, "PARLEY_TEST_WS_DIRECT is not set");
	cr_assert_not_null(colon = strrchr(direct, ':'));
	snprintf(buf, size, "ws://%.*s:%d/ws", (int)(colon - direct), direct,
	    atoi(colon + 1) + n - 1);
}

/*
 * A socket of (user, device) pinned to ws node n, as nginx would open it:
 * the identity headers and the shared secret nginx proves itself with
 * (PARLEY_WS_SECRET, from deploy/stack env).
 */
static MT_UNUSED struct wsclient *
mt_ws_pinned(int node, const char *user, int device)
{
	char		 url[256], dev[16];
	const char	*secret = getenv("PARLEY_WS_SECRET");
	const char	*hdrs[] = { "X-Parley-User", user, "X-Parley-Device", dev,
			    "X-Parley-Ws-Secret", secret != NULL ? secret : "",
			    NULL };

	mt_node_url(node, url, sizeof(url));
	snprintf(dev, sizeof(dev), "%d", device);
	return wsclient_connect_headers(url, NULL, hdrs, MT_TIMEOUT_MS);
}

/* A socket through nginx with the device's session cookie. */
static MT_UNUSED struct wsclient *
mt_ws_nginx(struct fx_device *d)
{
	const char	*base = test_url();
	char		 url[256];

	cr_assert(strncmp(base, "https://", 8) == 0);
	snprintf(url, sizeof(url), "wss://%s/ws", base + 8);
	return wsclient_connect(url, d->cookie, MT_TIMEOUT_MS);
}

/* Waits for the hello frame; fails the test without one. */
static MT_UNUSED void
mt_ws_hello(struct wsclient *c)
{
	char	*t;

	cr_assert(wsclient_is_open(c), "socket not open: %d %s",
	    wsclient_http_status(c), wsclient_error(c));
	cr_assert_not_null(t = wsclient_recv(c, MT_TIMEOUT_MS), "no hello");
	cr_assert(strstr(t, "\"hello\"") != NULL, "first frame: %s", t);
	free(t);
}

/*
 * The next event of the given type within timeout_ms (other frames are
 * skipped), parsed; NULL if none came.
 */
static MT_UNUSED json_t *
mt_ws_event(struct wsclient *c, const char *type, int timeout_ms)
{
	struct timespec	 t0, t1;
	json_t		*o;
	char		*t;
	long		 left = timeout_ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0 && (t = wsclient_recv(c, (int)left)) != NULL) {
		o = json_loads(t, 0, NULL);
		free(t);
		if (o != NULL && strcmp(json_string_value(json_object_get(o,
		    "type")) ? json_string_value(json_object_get(o, "type")) :
		    "", type) == 0)
			return o;
		json_decref(o);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = timeout_ms - ((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return NULL;
}

#endif
