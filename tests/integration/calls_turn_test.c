/*
 * calls_turn_test.c - TURN credentials and the relay-only setting, proven
 * against the stack's real coturn: turnutils_uclient allocates a relay
 * and moves packets with the credentials GET /api/calls/turn hands out,
 * and is refused with a tampered or an expired credential. The expected
 * HMAC is recomputed here with OpenSSL from PARLEY_TURN_SECRET (the same
 * secret coturn was started with) and PARLEY_TURN_PORT.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "calls_test_util.h"

static void
t_hmac(const char *username, char out[64])
{
	const char	*secret = getenv("PARLEY_TURN_SECRET");
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	cr_assert(secret != NULL && *secret != '\0',
	    "PARLEY_TURN_SECRET is not set: run through make test");
	cr_assert_not_null(HMAC(EVP_sha1(), secret, (int)strlen(secret),
	    (const unsigned char *)username, strlen(username), md, &n));
	sodium_bin2base64(out, 64, md, n, sodium_base64_VARIANT_ORIGINAL);
}

/* turnutils_uclient allocating on the stack's coturn; its exit status. */
static int
t_uclient(const char *user, const char *cred, int want_clean)
{
	const char	*port = getenv("PARLEY_TURN_PORT");
	char		 out[512];
	int		 rc;

	cr_assert_not_null(port, "PARLEY_TURN_PORT is not set");
	snprintf(out, sizeof(out), "%s/uclient-%08x.out", getenv("PARLEY_VAR"),
	    randombytes_random());
	/* Single-quoted: the credential is base64, the username ours. */
	rc = test_sh("timeout 30 turnutils_uclient -y -n 3 -m 1 -u '%s' "
	    "-w '%s' -p %s 127.0.0.1 > '%s' 2>&1", user, cred, port, out);
	if (want_clean)
		cr_expect_eq(test_sh("grep -q 'Total lost packets 0 ' '%s'",
		    out), 0, "uclient lost packets or never got that far");
	test_sh("rm -f '%s'", out);
	return rc;
}

Test(calls_turn, credentials_work_against_coturn)
{
	struct fx_user	 a;
	struct ct_resp	 r;
	json_t		*urls;
	const char	*user, *cred;
	char		 want[64], bad[128], expired[128], ecred[64];
	long long	 exp;

	fx_user_create(&a, "alice", 1);
	r = ct_do(&a.dev[0], "GET", "/api/calls/turn", NULL);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.code);
	user = ct_str(r.json, "username");
	cred = ct_str(r.json, "credential");
	exp = strtoll(user, NULL, 10);
	cr_expect(exp >= (long long)time(NULL) + 86400 - 30 &&
	    exp <= (long long)time(NULL) + 86400 + 5, "expiry %lld", exp);
	cr_expect_str_eq(strchr(user, ':') + 1, a.id);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "ttl")), 86400);
	cr_expect_str_eq(ct_str(r.json, "ice_transport_policy"), "all");
	urls = json_object_get(r.json, "urls");
	cr_expect_eq(json_array_size(urls), 3);
	cr_expect_eq(strncmp(json_string_value(json_array_get(urls, 0)),
	    "stun:", 5), 0);
	t_hmac(user, want);
	cr_expect_str_eq(cred, want);

	cr_expect_eq(t_uclient(user, cred, 1), 0, "coturn refused our "
	    "credential");
	snprintf(bad, sizeof(bad), "%s", cred);
	bad[3] = bad[3] == 'A' ? 'B' : 'A';
	cr_expect_neq(t_uclient(user, bad, 0), 0, "a tampered credential "
	    "was accepted");
	snprintf(expired, sizeof(expired), "%lld:%s",
	    (long long)time(NULL) - 60, a.id);
	t_hmac(expired, ecred);
	cr_expect_neq(t_uclient(expired, ecred, 0), 0, "an expired credential "
	    "was accepted");
	ct_resp_free(&r);
}

Test(calls_turn, relay_only_setting)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	struct ct_resp	 r;
	json_t		*ev;
	char		 body[128], id[37];

	fx_user_create(&a, "alice", 2);
	fx_user_create(&b, "bob", 1);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	r = ct_do(&a.dev[0], "GET", "/api/calls/settings", NULL);
	cr_expect_eq(r.status, 200);
	cr_expect(json_is_false(json_object_get(r.json, "relay_only")));
	ct_resp_free(&r);

	ct_expect(&a.dev[0], "PATCH", "/api/calls/settings",
	    "{\"relay_only\":\"yes\"}", 400, "invalid_field");
	ct_expect(&a.dev[0], "PATCH", "/api/calls/settings",
	    "{\"relay\":true}", 400, "unknown_field");
	ct_expect(&a.dev[0], "PATCH", "/api/calls/settings", "{", 400,
	    "malformed_json");
	r = ct_do(&a.dev[0], "PATCH", "/api/calls/settings",
	    "{\"relay_only\":true}");
	cr_expect_eq(r.status, 200);
	cr_expect(json_is_true(json_object_get(r.json, "relay_only")));
	ct_resp_free(&r);
	ev = ct_must(&s, &a, a.dev[1].id, "call_settings", NULL);
	cr_expect(json_is_true(json_object_get(ev, "relay_only")));

	r = ct_do(&a.dev[1], "GET", "/api/calls/turn", NULL);
	cr_expect_str_eq(ct_str(r.json, "ice_transport_policy"), "relay");
	ct_resp_free(&r);
	/* The call's answer carries the caller's own policy... */
	snprintf(body, sizeof(body), "{\"peer_user\":\"%s\",\"media\":"
	    "\"video\"}", b.id);
	r = ct_do(&a.dev[0], "POST", "/api/calls/start", body);
	cr_assert_eq(r.status, 201);
	cr_expect_str_eq(ct_str(json_object_get(r.json, "turn"),
	    "ice_transport_policy"), "relay");
	snprintf(id, sizeof(id), "%s", ct_str(r.json, "call_id"));
	ct_resp_free(&r);
	/* ...and the callee's answer the callee's. */
	r = ct_do(&b.dev[0], "POST", ct_path(id, "accept"), NULL);
	cr_assert_eq(r.status, 200);
	cr_expect_str_eq(ct_str(json_object_get(r.json, "turn"),
	    "ice_transport_policy"), "all");
	ct_resp_free(&r);

	r = ct_do(&a.dev[0], "PATCH", "/api/calls/settings", "{}");
	cr_expect(json_is_true(json_object_get(r.json, "relay_only")));
	ct_resp_free(&r);
	ct_expect(&a.dev[0], "PATCH", "/api/calls/settings",
	    "{\"relay_only\":false}", 200, NULL);
	r = ct_do(&a.dev[0], "GET", "/api/calls/turn", NULL);
	cr_expect_str_eq(ct_str(r.json, "ice_transport_policy"), "all");
	ct_resp_free(&r);
	ct_sub_close(&s);
}
