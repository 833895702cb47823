/*
 * auth_keys_test.c - the key directory through nginx with real libsodium
 * keys: uploads with good, bad and truncated signatures and wrong
 * lengths, the unchangeable identity, the count, bundles with one-time
 * prekeys that run out, the atomic claim under 20 concurrent requesters,
 * and the per-requester rate limit.
 */
#include <sys/wait.h>

#include "auth_test_util.h"

TestSuite(auth_keys, .timeout = 120);

/* A body with every field given (signatures as base64url text). */
static char *
body_with(const struct at_keys *k, const char *ik_sig, const char *ik_dh,
    const char *ikdh_sig, const char *spk_pub, const char *spk_sig,
    const char *opks)
{
	char	*s;

	cr_assert(asprintf(&s, "{\"ikSig\":\"%s\",\"ikDh\":\"%s\","
	    "\"ikDhSig\":\"%s\",\"signedPreKey\":{\"id\":%u,\"pub\":\"%s\","
	    "\"sig\":\"%s\"},\"oneTimePreKeys\":%s}", ik_sig, ik_dh, ikdh_sig,
	    k->spk_id, spk_pub, spk_sig, opks) > 0);
	return s;
}

static long
put_keys(struct at_user *u, const char *body, char *slug, size_t n)
{
	return at_status(u->c, "PUT", "/api/auth/keys", body, slug, n);
}

Test(auth_keys, upload_and_count)
{
	struct at_user		 u = { 0 };
	struct at_keys		 k;
	struct http_resp	 r;
	char			*body;
	json_t			*spk;

	json_decref(at_login(&u, "A"));
	cr_assert_eq(at_req(u.c, "GET", "/api/auth/keys/count", &r, NULL), 200);
	cr_expect_eq(json_integer_value(json_object_get(r.json,
	    "oneTimePreKeys")), 0);
	cr_expect(json_is_null(json_object_get(r.json, "signedPreKey")));
	cr_expect(json_is_false(json_object_get(r.json, "hasIdentity")));
	http_resp_cleanup(&r);
	at_keys_new(&k, 7);
	body = at_keys_body(&k, 1, 100);
	cr_assert_eq(at_req(u.c, "PUT", "/api/auth/keys", &r, "%s", body), 200,
	    "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json,
	    "oneTimePreKeys")), 100);
	http_resp_cleanup(&r);
	/* The same upload again is a no-op for the prekeys it repeats. */
	cr_assert_eq(put_keys(&u, body, NULL, 0), 200);
	free(body);
	body = at_keys_body(&k, 101, 5);
	cr_assert_eq(put_keys(&u, body, NULL, 0), 200);
	free(body);
	cr_assert_eq(at_req(u.c, "GET", "/api/auth/keys/count", &r, NULL), 200);
	cr_expect_eq(json_integer_value(json_object_get(r.json,
	    "oneTimePreKeys")), 105, "%s", r.body);
	spk = json_object_get(r.json, "signedPreKey");
	cr_expect_eq(json_integer_value(json_object_get(spk, "id")), 7);
	cr_expect(json_integer_value(json_object_get(spk, "ageSeconds")) < 60);
	cr_expect(json_is_true(json_object_get(r.json, "hasIdentity")));
	http_resp_cleanup(&r);
	at_user_free(&u);
}

Test(auth_keys, bad_and_truncated_signatures)
{
	struct at_user	 u = { 0 };
	struct at_keys	 k, other;
	unsigned char	 ikdh_sig[64], spk_sig[64], bad[64];
	char		*body, slug[64], sig_b64[128], spk_b64[128];
	const char	*vals[1];

	json_decref(at_login(&u, "A"));
	at_keys_new(&k, 1);
	at_keys_new(&other, 1);
	at_sign_ikdh(&k, ikdh_sig);
	at_sign_spk(&k, spk_sig);
	snprintf(sig_b64, sizeof(sig_b64), "%s", at_b64(ikdh_sig, 64));
	snprintf(spk_b64, sizeof(spk_b64), "%s", at_b64(spk_sig, 64));
	/* A flipped bit in ikDhSig. */
	memcpy(bad, ikdh_sig, 64);
	bad[5] ^= 0x10;
	body = body_with(&k, at_b64(k.sig_pk, 32), at_b64(k.dh_pk, 32),
	    at_b64(bad, 64), at_b64(k.spk_pk, 32), spk_b64, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	cr_expect_str_eq(slug, "bad_signature");
	free(body);
	/* A truncated ikDhSig (63 bytes) and one cut mid-character. */
	body = body_with(&k, at_b64(k.sig_pk, 32), at_b64(k.dh_pk, 32),
	    at_b64(ikdh_sig, 63), at_b64(k.spk_pk, 32), spk_b64, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	cr_expect_str_eq(slug, "bad_signature");
	free(body);
	sig_b64[85] = '\0';
	body = body_with(&k, at_b64(k.sig_pk, 32), at_b64(k.dh_pk, 32),
	    sig_b64, at_b64(k.spk_pk, 32), spk_b64, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_field");
	free(body);
	/* The SPK signed by another identity, and a truncated SPK sig. */
	at_sign_spk(&other, bad);
	body = body_with(&k, at_b64(k.sig_pk, 32), at_b64(k.dh_pk, 32),
	    at_b64(ikdh_sig, 64), at_b64(k.spk_pk, 32), at_b64(bad, 64), "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	cr_expect_str_eq(slug, "bad_signature");
	free(body);
	body = body_with(&k, at_b64(k.sig_pk, 32), at_b64(k.dh_pk, 32),
	    at_b64(ikdh_sig, 64), at_b64(k.spk_pk, 32), at_b64(spk_sig, 32),
	    "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	cr_expect_str_eq(slug, "bad_signature");
	free(body);
	/* A signature of the right keys under the wrong identity key. */
	body = body_with(&k, at_b64(other.sig_pk, 32), at_b64(k.dh_pk, 32),
	    at_b64(ikdh_sig, 64), at_b64(k.spk_pk, 32), spk_b64, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	free(body);
	vals[0] = u.id;
	cr_expect_eq(at_sql_long("SELECT count(*) FROM devices WHERE "
	    "user_id = $1 AND ik_sig IS NOT NULL", 1, vals), 0, "nothing stored");
	at_user_free(&u);
}

Test(auth_keys, wrong_lengths_and_bad_input)
{
	struct at_user	 u = { 0 };
	struct at_keys	 k;
	unsigned char	 ikdh_sig[64], spk_sig[64], zero[40] = { 0 };
	char		*body, slug[64], ik[64], dh[64], sig[128], spk[64], spks[128];
	char		 opk33[128];

	json_decref(at_login(&u, "A"));
	at_keys_new(&k, 1);
	at_sign_ikdh(&k, ikdh_sig);
	at_sign_spk(&k, spk_sig);
	snprintf(ik, sizeof(ik), "%s", at_b64(k.sig_pk, 32));
	snprintf(dh, sizeof(dh), "%s", at_b64(k.dh_pk, 32));
	snprintf(sig, sizeof(sig), "%s", at_b64(ikdh_sig, 64));
	snprintf(spk, sizeof(spk), "%s", at_b64(k.spk_pk, 32));
	snprintf(spks, sizeof(spks), "%s", at_b64(spk_sig, 64));
	body = body_with(&k, at_b64(k.sig_pk, 31), dh, sig, spk, spks, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	cr_expect_str_eq(slug, "invalid_key");
	free(body);
	body = body_with(&k, ik, at_b64(zero, 33), sig, spk, spks, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	free(body);
	snprintf(opk33, sizeof(opk33), "[{\"id\":1,\"pub\":\"%s\"}]",
	    at_b64(zero, 33));
	body = body_with(&k, ik, dh, sig, spk, spks, opk33);
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 422);
	cr_expect_str_eq(slug, "invalid_key");
	free(body);
	body = body_with(&k, "not base64!", dh, sig, spk, spks, "[]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_field");
	free(body);
	body = body_with(&k, ik, dh, sig, spk, spks,
	    "[{\"id\":1,\"pub\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
	    "{\"id\":1,\"pub\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "duplicate_key_id");
	free(body);
	body = body_with(&k, ik, dh, sig, spk, spks, "[{\"id\":-1,\"pub\":"
	    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	free(body);
	body = body_with(&k, ik, dh, sig, spk, spks, "{\"id\":1}");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	free(body);
	body = body_with(&k, ik, dh, sig, spk, spks, "[{\"id\":1,\"pub\":"
	    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"priv\":\"x\"}]");
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "unknown_field");
	free(body);
	body = at_keys_body(&k, 1, 101);
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 413);
	cr_expect_str_eq(slug, "too_many_prekeys");
	free(body);
	cr_expect_eq(put_keys(&u, "{", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "malformed_json");
	cr_expect_eq(put_keys(&u, "{\"ikSig\":\"\xff\"}", slug, sizeof(slug)),
	    400);
	cr_expect_str_eq(slug, "malformed_json");
	cr_expect_eq(put_keys(&u, "{}", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "missing_field");
	cr_expect_eq(put_keys(&u, "{\"ikSig\":1}", slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_field");
	/* A first upload must bring a signed prekey. */
	cr_assert(asprintf(&body, "{\"ikSig\":\"%s\",\"ikDh\":\"%s\","
	    "\"ikDhSig\":\"%s\"}", ik, dh, sig) > 0);
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "missing_field");
	free(body);
	at_user_free(&u);
}

Test(auth_keys, identity_cannot_change)
{
	struct at_user	 u = { 0 };
	struct at_keys	 k, k2;
	char		*body, slug[64];

	json_decref(at_login(&u, "A"));
	at_keys_new(&k, 1);
	body = at_keys_body(&k, 1, 3);
	cr_assert_eq(put_keys(&u, body, NULL, 0), 200);
	free(body);
	at_keys_new(&k2, 2);
	body = at_keys_body(&k2, 10, 3);
	cr_expect_eq(put_keys(&u, body, slug, sizeof(slug)), 409);
	cr_expect_str_eq(slug, "identity_key_changed");
	free(body);
	/* A new signed prekey under the same identity is a rotation. */
	crypto_box_keypair(k.spk_pk, k.spk_sk);
	k.spk_id = 2;
	body = at_keys_body(&k, 20, 0);
	cr_expect_eq(put_keys(&u, body, NULL, 0), 200);
	free(body);
	at_user_free(&u);
}

/* Checks a bundle's signatures as a client would. */
static void
check_bundle(json_t *b)
{
	unsigned char	ik[32], dh[32], sig[64], pub[32], msg[64];
	size_t		n;
	json_t		*spk = json_object_get(b, "signedPreKey");
	uint32_t	id = (uint32_t)json_integer_value(json_object_get(spk, "id"));

#define DEC(dst, field, obj) cr_assert_eq(sodium_base642bin(dst, sizeof(dst), \
	json_string_value(json_object_get(obj, field)), \
	strlen(json_string_value(json_object_get(obj, field))), NULL, &n, NULL, \
	sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0, field)
	DEC(ik, "ikSig", b);
	DEC(dh, "ikDh", b);
	DEC(sig, "ikDhSig", b);
	memcpy(msg, "parley/ikdh/v1", 14);
	memcpy(msg + 14, dh, 32);
	cr_expect_eq(crypto_sign_verify_detached(sig, msg, 46, ik), 0);
	DEC(pub, "pub", spk);
	DEC(sig, "sig", spk);
	memcpy(msg, "parley/spk/v1", 13);
	msg[13] = (unsigned char)(id >> 24);
	msg[14] = (unsigned char)(id >> 16);
	msg[15] = (unsigned char)(id >> 8);
	msg[16] = (unsigned char)id;
	memcpy(msg + 17, pub, 32);
	cr_expect_eq(crypto_sign_verify_detached(sig, msg, 49, ik), 0);
#undef DEC
}

Test(auth_keys, bundles_hand_out_each_prekey_once)
{
	struct at_user		 a = { 0 }, a2 = { 0 }, b = { 0 };
	struct at_keys		 k;
	struct http_resp	 r;
	char			*body, path[128];
	json_t			*bundle, *opk;
	int			 i, seen[3] = { 0 };

	json_decref(at_login(&a, "A1"));
	snprintf(a2.phone, sizeof(a2.phone), "%s", a.phone);
	json_decref(at_login(&a2, "A2 without keys"));
	json_decref(at_login(&b, "B"));
	at_keys_new(&k, 9);
	body = at_keys_body(&k, 1, 3);
	cr_assert_eq(put_keys(&a, body, NULL, 0), 200);
	free(body);
	snprintf(path, sizeof(path), "/api/auth/keys/%s/*", a.id);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(at_req(b.c, "GET", path, &r, NULL), 200, "%s",
		    r.body);
		cr_expect_str_eq(json_string_value(json_object_get(r.json,
		    "userId")), a.id);
		cr_expect_eq(json_array_size(json_object_get(r.json, "devices")),
		    2, "the device list has both devices");
		cr_assert_eq(json_array_size(json_object_get(r.json, "bundles")),
		    1, "only the device with keys has a bundle");
		bundle = json_array_get(json_object_get(r.json, "bundles"), 0);
		cr_expect_eq(json_integer_value(json_object_get(bundle,
		    "deviceId")), 1);
		check_bundle(bundle);
		opk = json_object_get(bundle, "oneTimePreKey");
		if (i < 3) {
			int id = (int)json_integer_value(json_object_get(opk,
			    "id"));

			cr_assert(id >= 1 && id <= 3, "opk %d", id);
			cr_expect_eq(seen[id - 1]++, 0, "opk %d twice", id);
		} else
			cr_expect(json_is_null(opk), "ran out: no one-time key");
		http_resp_cleanup(&r);
	}
	snprintf(path, sizeof(path), "/api/auth/keys/%s/1", a.id);
	cr_expect_eq(at_status(b.c, "GET", path, NULL, NULL, 0), 200);
	at_user_free(&a);
	at_user_free(&a2);
	at_user_free(&b);
}

/*
 * GET /api/auth/keys/:user: the device list and the identities, claiming
 * no one-time prekey (a client checks a contact's devices and security
 * code this way as often as it likes).
 */
Test(auth_keys, identities_claim_no_prekeys)
{
	struct at_user		 a = { 0 }, a2 = { 0 }, b = { 0 };
	struct at_keys		 k;
	struct http_resp	 r;
	char			*body, path[128], slug[64];
	json_t			*ids, *id;
	int			 i;

	json_decref(at_login(&a, "A1"));
	snprintf(a2.phone, sizeof(a2.phone), "%s", a.phone);
	json_decref(at_login(&a2, "A2 without keys"));
	json_decref(at_login(&b, "B"));
	at_keys_new(&k, 11);
	body = at_keys_body(&k, 1, 2);
	cr_assert_eq(put_keys(&a, body, NULL, 0), 200);
	free(body);
	snprintf(path, sizeof(path), "/api/auth/keys/%s", a.id);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(at_req(b.c, "GET", path, &r, NULL), 200, "%s", r.body);
		cr_expect_str_eq(json_string_value(json_object_get(r.json, "userId")), a.id);
		cr_expect_eq(json_array_size(json_object_get(r.json, "devices")), 2);
		ids = json_object_get(r.json, "identities");
		cr_assert_eq(json_array_size(ids), 1, "only the keyed device");
		id = json_array_get(ids, 0);
		cr_expect_eq(json_integer_value(json_object_get(id, "deviceId")), 1);
		cr_expect_null(json_object_get(id, "signedPreKey"));
		cr_expect_null(json_object_get(id, "oneTimePreKey"));
		http_resp_cleanup(&r);
	}
	/* Both one-time prekeys are still there for real bundle fetches. */
	cr_assert_eq(at_req(a.c, "GET", "/api/auth/keys/count", &r, NULL), 200);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "oneTimePreKeys")), 2, "%s", r.body);
	http_resp_cleanup(&r);
	cr_expect_eq(at_status(b.c, "GET", "/api/auth/keys/nope", NULL, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_user");
	cr_expect_eq(at_status(b.c, "GET", "/api/auth/keys/00000000-0000-4000-8000-000000000000",
	    NULL, slug, sizeof(slug)), 404);
	at_user_free(&a);
	at_user_free(&a2);
	at_user_free(&b);
}

Test(auth_keys, fetch_bad_paths)
{
	struct at_user	a = { 0 };
	char		path[128], slug[64];

	json_decref(at_login(&a, "A"));
	cr_expect_eq(at_status(a.c, "GET", "/api/auth/keys/nope/*", NULL, slug,
	    sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_user");
	snprintf(path, sizeof(path), "/api/auth/keys/%s/x", a.id);
	cr_expect_eq(at_status(a.c, "GET", path, NULL, slug, sizeof(slug)), 400);
	cr_expect_str_eq(slug, "invalid_device");
	snprintf(path, sizeof(path), "/api/auth/keys/%s/0", a.id);
	cr_expect_eq(at_status(a.c, "GET", path, NULL, slug, sizeof(slug)), 400);
	snprintf(path, sizeof(path), "/api/auth/keys/%s/1", a.id);
	cr_expect_eq(at_status(a.c, "GET", path, NULL, slug, sizeof(slug)), 404);
	cr_expect_str_eq(slug, "no_keys");
	snprintf(path, sizeof(path), "/api/auth/keys/%s/99", a.id);
	cr_expect_eq(at_status(a.c, "GET", path, NULL, slug, sizeof(slug)), 404);
	cr_expect_eq(at_status(a.c, "GET",
	    "/api/auth/keys/00000000-0000-4000-8000-000000000000/*", NULL, slug,
	    sizeof(slug)), 404);
	cr_expect_str_eq(slug, "not_found");
	at_user_free(&a);
}

Test(auth_keys, twenty_concurrent_requesters)
{
	enum { N = 20, OPKS = 15 };
	struct at_user	 a = { 0 }, b = { 0 };
	struct at_keys	 k;
	char		*body, path[128];
	int		 fds[2], i, st, id, got[N], ngot = 0, none = 0, j;
	pid_t		 pids[N];

	json_decref(at_login(&a, "A"));
	json_decref(at_login(&b, "B"));
	at_keys_new(&k, 1);
	body = at_keys_body(&k, 1000, OPKS);
	cr_assert_eq(put_keys(&a, body, NULL, 0), 200);
	free(body);
	snprintf(path, sizeof(path), "/api/auth/keys/%s/1", a.id);
	cr_assert_eq(pipe(fds), 0);
	for (i = 0; i < N; i++) {
		if ((pids[i] = fork()) == 0) {
			struct http_client *c = http_client_create();
			struct http_resp r;
			json_t *opk;
			int v = -2;

			close(fds[0]);
			http_client_header(c, "Cookie", b.cookie);
			if (http_request(c, "GET", path, NULL, 0, &r) == 0 &&
			    r.status == 200) {
				opk = json_object_get(json_array_get(
				    json_object_get(r.json, "bundles"), 0),
				    "oneTimePreKey");
				v = json_is_null(opk) ? -1 :
				    (int)json_integer_value(json_object_get(opk,
				    "id"));
			}
			if (write(fds[1], &v, sizeof(v)) != sizeof(v))
				_exit(2);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < N; i++) {
		cr_assert_eq(read(fds[0], &id, sizeof(id)), (ssize_t)sizeof(id));
		cr_assert_neq(id, -2, "a request failed");
		if (id == -1)
			none++;
		else {
			for (j = 0; j < ngot; j++)
				cr_assert_neq(got[j], id, "key %d handed out twice",
				    id);
			got[ngot++] = id;
		}
	}
	for (i = 0; i < N; i++)
		waitpid(pids[i], &st, 0);
	close(fds[0]);
	cr_expect_eq(ngot, OPKS, "every key handed out");
	cr_expect_eq(none, N - OPKS, "the rest got bundles without one");
	at_user_free(&a);
	at_user_free(&b);
}

Test(auth_keys, rate_limited_per_requester)
{
	struct at_user		 a = { 0 }, b = { 0 };
	struct http_resp	 r;
	char			 path[128], v[32];
	int			 i;

	json_decref(at_login(&a, "A"));
	json_decref(at_login(&b, "B"));
	snprintf(path, sizeof(path), "/api/auth/keys/%s/*", a.id);
	for (i = 0; i < 100; i++)
		cr_assert_eq(at_status(b.c, "GET", path, NULL, NULL, 0), 200,
		    "fetch %d", i + 1);
	cr_assert_eq(at_req(b.c, "GET", path, &r, NULL), 429);
	cr_expect_str_eq(http_error_code(&r), "rate_limited");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect(atoi(v) >= 1 && atoi(v) <= 60, "%s", v);
	http_resp_cleanup(&r);
	/* Another requester is not affected. */
	cr_expect_eq(at_status(a.c, "GET", path, NULL, NULL, 0), 200);
	at_user_free(&a);
	at_user_free(&b);
}
