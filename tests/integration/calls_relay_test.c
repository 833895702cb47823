/*
 * calls_relay_test.c - the signalling relay: encrypted blobs go from one
 * party's device to the other's and nowhere else. Who may send to which
 * device in each state, the size and form checks, delivery over a real
 * WebSocket, and the privacy proof: after a call whose blobs hold an SDP
 * (a=fingerprint), ICE candidates (candidate:) and a canary, neither a
 * pg_dump of the whole database nor any service log contains any of them,
 * nor the ciphertext itself.
 */
#include <dirent.h>
#include <unistd.h>

#include <sodium.h>

#include "calls_test_util.h"
#include "wsclient.h"

/* The shared key of the two devices' (simulated) e2e session. */
static unsigned char	t_key[crypto_secretbox_KEYBYTES];

/* plaintext sealed with t_key as base64url: nonce || secretbox. */
static char *
t_seal(const char *plain)
{
	size_t		 n = strlen(plain);
	size_t		 len = crypto_secretbox_NONCEBYTES +
			    crypto_secretbox_MACBYTES + n;
	unsigned char	*buf = malloc(len);
	char		*out = malloc(sodium_base64_ENCODED_LEN(len,
			    sodium_base64_VARIANT_URLSAFE_NO_PADDING));

	cr_assert(buf != NULL && out != NULL);
	randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES,
	    (const unsigned char *)plain, n, buf, t_key);
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING), buf, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(buf);
	return out;
}

/* Opens a received blob; the plaintext (caller frees) or NULL. */
static char *
t_open(const char *b64)
{
	unsigned char	*buf = malloc(strlen(b64) + 1);
	char		*plain;
	size_t		 len;

	cr_assert_not_null(buf);
	cr_assert_eq(sodium_base642bin(buf, strlen(b64) + 1, b64, strlen(b64),
	    NULL, &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	cr_assert_gt(len, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES);
	plain = calloc(1, len);
	cr_assert_not_null(plain);
	if (crypto_secretbox_open_easy((unsigned char *)plain,
	    buf + crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
	    buf, t_key) != 0) {
		free(plain);
		plain = NULL;
	}
	free(buf);
	return plain;
}

/* POST .../signal {to_device, blob} as d; returns the status. */
static long
t_signal(struct fx_device *d, const char *id, int to, const char *blob,
    char code[64])
{
	char		*body;
	struct ct_resp	 r;
	size_t		 n = strlen(blob) + 64;

	body = malloc(n);
	cr_assert_not_null(body);
	snprintf(body, n, "{\"to_device\":%d,\"blob\":\"%s\"}", to, blob);
	r = ct_do(d, "POST", ct_path(id, "signal"), body);
	free(body);
	if (code != NULL)
		snprintf(code, 64, "%s", r.code);
	ct_resp_free(&r);
	return r.status;
}

/* The blob of the call_signal event for u's device dev, opened. */
static char *
t_receive(struct ct_sub *s, const struct fx_user *u, int dev, const char *id,
    const struct fx_user *from, int from_dev)
{
	json_t	*ev = ct_must(s, u, dev, "call_signal", id);

	cr_expect_str_eq(ct_str(json_object_get(ev, "from"), "u"), from->id);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(ev,
	    "from"), "d")), from_dev);
	return t_open(ct_str(ev, "blob"));
}

/* 1 if the file at path contains needle. */
static int
t_file_has(const char *path, const char *needle)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;
	int	 found;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	found = memmem(buf, (size_t)n, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* Every service log of the stack: none may contain needle. */
static void
t_logs_lack(const char *needle)
{
	char		 dir[512], path[1024];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	snprintf(dir, sizeof(dir), "%s/log", getenv("PARLEY_VAR"));
	cr_assert_not_null(d = opendir(dir), "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		cr_expect(!t_file_has(path, needle), "%s contains \"%s\"",
		    path, needle);
		n++;
	}
	closedir(d);
	cr_expect_gt(n, 5, "the stack's logs were not found");
}

Test(calls_relay, blobs_reach_the_other_device_and_are_never_stored)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	char		 id[37], canary[64], plain[1024], dump[512];
	char		*offer, *answer, *cand, *got;

	randombytes_buf(t_key, sizeof(t_key));
	snprintf(canary, sizeof(canary), "CANARY-%08x%08x",
	    randombytes_random(), randombytes_random());
	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "video", id);

	/* The offer goes to a ringing device before anyone answers. */
	snprintf(plain, sizeof(plain), "{\"kind\":\"call\",\"body\":{\"type\":"
	    "\"offer\",\"sdp\":\"v=0\\r\\no=- 4611 2 IN IP4 127.0.0.1\\r\\n"
	    "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:"
	    "32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:79:F2\\r\\n\","
	    "\"note\":\"%s\"}}", canary);
	offer = t_seal(plain);
	cr_assert_eq(t_signal(&a.dev[0], id, b.dev[1].id, offer, NULL), 204);
	got = t_receive(&s, &b, b.dev[1].id, id, &a, a.dev[0].id);
	cr_assert_not_null(got, "the blob did not survive the relay");
	cr_expect_str_eq(got, plain);
	free(got);
	ct_none(&s, &b, b.dev[0].id, "call_signal", id);

	ct_expect(&b.dev[1], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	snprintf(plain, sizeof(plain), "{\"kind\":\"call\",\"body\":{\"type\":"
	    "\"answer\",\"sdp\":\"v=0\\r\\na=fingerprint:sha-256 AA:BB\\r\\n\","
	    "\"note\":\"%s\"}}", canary);
	answer = t_seal(plain);
	cr_assert_eq(t_signal(&b.dev[1], id, a.dev[0].id, answer, NULL), 204);
	got = t_receive(&s, &a, a.dev[0].id, id, &b, b.dev[1].id);
	cr_expect_str_eq(got, plain);
	free(got);

	snprintf(plain, sizeof(plain), "{\"kind\":\"call\",\"body\":{\"type\":"
	    "\"ice\",\"candidate\":\"candidate:842163049 1 udp 1677729535 "
	    "192.0.2.7 47811 typ srflx raddr 10.0.0.2 rport 47811\","
	    "\"note\":\"%s\"}}", canary);
	cand = t_seal(plain);
	cr_assert_eq(t_signal(&a.dev[0], id, b.dev[1].id, cand, NULL), 204);
	got = t_receive(&s, &b, b.dev[1].id, id, &a, a.dev[0].id);
	cr_expect_str_eq(got, plain);
	free(got);
	ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);

	/* Every table, every log. */
	snprintf(dump, sizeof(dump), "%s/calls-relay-%s.sql",
	    getenv("PARLEY_VAR"), id);
	cr_assert_eq(test_sh("pg_dump -h '%s/pgsock' -U postgres parley > '%s'",
	    getenv("PARLEY_VAR"), dump), 0, "pg_dump");
	cr_assert(t_file_has(dump, id), "the dump misses the call itself");
	cr_expect(!t_file_has(dump, canary));
	cr_expect(!t_file_has(dump, "a=fingerprint"));
	cr_expect(!t_file_has(dump, "candidate:"));
	cr_expect(!t_file_has(dump, offer + 20));
	cr_expect(!t_file_has(dump, cand + 20));
	unlink(dump);
	t_logs_lack(canary);
	t_logs_lack("a=fingerprint");
	t_logs_lack("candidate:");
	t_logs_lack(offer + 20);
	t_logs_lack(answer + 20);
	free(offer);
	free(answer);
	free(cand);
	ct_sub_close(&s);
}

Test(calls_relay, who_may_send_to_whom)
{
	struct fx_user	 a, b, c;
	struct ct_sub	 s;
	char		 id[37], code[64];

	fx_user_create(&a, "alice", 2);
	fx_user_create(&b, "bob", 2);
	fx_user_create(&c, "carol", 1);
	ct_sub_open(&s);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "voice", id);

	cr_expect_eq(t_signal(&c.dev[0], id, b.dev[0].id, "AAAA", code), 404);
	cr_expect_str_eq(code, "call_not_found");
	cr_expect_eq(t_signal(&a.dev[1], id, b.dev[0].id, "AAAA", code), 403);
	cr_expect_str_eq(code, "not_call_device");
	cr_expect_eq(t_signal(&a.dev[0], id, 99, "AAAA", code), 422);
	cr_expect_str_eq(code, "wrong_device");
	/* The callee speaks only after accepting. */
	cr_expect_eq(t_signal(&b.dev[0], id, a.dev[0].id, "AAAA", code), 409);
	cr_expect_str_eq(code, "call_not_accepted");
	/* Either ringing device may get the offer. */
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "AAAA", NULL), 204);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[1].id, "AAAB", NULL), 204);
	ct_must(&s, &b, b.dev[0].id, "call_signal", id);
	ct_must(&s, &b, b.dev[1].id, "call_signal", id);

	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[1].id, "AAAA", code), 422);
	cr_expect_str_eq(code, "wrong_device");
	cr_expect_eq(t_signal(&b.dev[1], id, a.dev[0].id, "AAAA", code), 403);
	cr_expect_str_eq(code, "not_call_device");
	cr_expect_eq(t_signal(&b.dev[0], id, a.dev[1].id, "AAAA", code), 422);
	cr_expect_str_eq(code, "wrong_device");
	cr_expect_eq(t_signal(&b.dev[0], id, a.dev[0].id, "AAAA", NULL), 204);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "AAAA", NULL), 204);

	ct_expect(&b.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "AAAA", code), 409);
	cr_expect_str_eq(code, "call_ended");
	ct_sub_close(&s);
}

Test(calls_relay, blob_form_and_size)
{
	struct fx_user	 a, b;
	char		 id[37], code[64], body[256];
	char		*big;
	size_t		 n;
	unsigned char	*raw;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	ct_start(&a.dev[0], &b, "voice", id);

	/* 64 KiB exactly passes; one byte more is 413. */
	raw = calloc(1, 65537);
	big = malloc(sodium_base64_ENCODED_LEN(65537,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	cr_assert(raw != NULL && big != NULL);
	randombytes_buf(raw, 65537);
	n = sodium_base64_ENCODED_LEN(65537,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(big, n, raw, 65536,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, big, NULL), 204);
	sodium_bin2base64(big, n, raw, 65537,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, big, code), 413);
	cr_expect_str_eq(code, "field_too_long");
	free(big);
	free(raw);

	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "ab+/", code), 400);
	cr_expect_str_eq(code, "invalid_field");
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "AAA=", code), 400);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "A", code), 400);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "", code), 400);
	snprintf(body, sizeof(body), "{\"to_device\":\"%d\",\"blob\":\"AAAA\"}",
	    b.dev[0].id);
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"), body, 400,
	    "invalid_field");
	snprintf(body, sizeof(body), "{\"to_device\":%d,\"blob\":7}",
	    b.dev[0].id);
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"), body, 400,
	    "invalid_field");
	snprintf(body, sizeof(body), "{\"to_device\":%d}", b.dev[0].id);
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"), body, 400,
	    "missing_field");
	snprintf(body, sizeof(body), "{\"to_device\":%d,\"blob\":\"AAAA\","
	    "\"sdp\":\"v=0\"}", b.dev[0].id);
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"), body, 400,
	    "unknown_field");
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"),
	    "{\"to_device\":0,\"blob\":\"AAAA\"}", 400, "invalid_field");
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"), NULL, 400,
	    "malformed_json");
}

/* The ring and a signal reach a browser-like client over the real /ws. */
Test(calls_relay, over_a_real_websocket)
{
	struct fx_user	 a, b;
	struct wsclient	*ws;
	redisContext	*rc;
	redisReply	*rep;
	char		 url[512], id[37], *frame;
	const char	*base = getenv("PARLEY_TEST_URL");
	int		 i, subscribed = 0, got_ring = 0, got_signal = 0;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	cr_assert_not_null(base);
	snprintf(url, sizeof(url), "wss://%s/ws", base + strlen("https://"));
	ws = wsclient_connect(url, b.dev[0].cookie, CT_WAIT_MS);
	cr_assert_not_null(ws);
	if (wsclient_http_status(ws) != 101) {
		wsclient_free(ws);
		cr_skip_test("the ws service does not upgrade yet (%d)",
		    wsclient_http_status(ws));
	}
	/* Wait until a ws node listens on Bob's channel. */
	rc = redisConnectUnix(getenv("PARLEY_REDIS") + 5);
	cr_assert(rc != NULL && rc->err == 0);
	for (i = 0; i < 50 && !subscribed; i++) {
		rep = redisCommand(rc, "PUBSUB NUMSUB parley:dev:%s:%d", b.id,
		    b.dev[0].id);
		subscribed = rep != NULL && rep->elements == 2 &&
		    rep->element[1]->integer > 0;
		freeReplyObject(rep);
		if (!subscribed)
			usleep(100000);
	}
	redisFree(rc);
	if (!subscribed) {
		wsclient_free(ws);
		cr_skip_test("the ws service does not forward device channels");
	}
	ct_start(&a.dev[0], &b, "voice", id);
	cr_expect_eq(t_signal(&a.dev[0], id, b.dev[0].id, "c2RwLW9mZmVy",
	    NULL), 204);
	while ((!got_ring || !got_signal) &&
	    (frame = wsclient_recv(ws, CT_WAIT_MS)) != NULL) {
		if (strstr(frame, "\"call_ring\"") && strstr(frame, id))
			got_ring = 1;
		if (strstr(frame, "\"call_signal\"") &&
		    strstr(frame, "c2RwLW9mZmVy"))
			got_signal = 1;
		free(frame);
	}
	cr_expect(got_ring, "no call_ring frame");
	cr_expect(got_signal, "no call_signal frame");
	wsclient_free(ws);
}
