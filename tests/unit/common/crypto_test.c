/*
 * crypto_test.c - HKDF against RFC 5869 test cases 1-3, tokens and their
 * hash, strict base64url, Ed25519 verification and constant-time compare.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "crypto.h"
#include "err.h"

static void
init(void)
{
	cr_assert_eq(cryp_init(), 0);
}

TestSuite(crypto, .init = init);

static void
unhex(uint8_t *out, const char *hex)
{
	size_t	len;

	cr_assert_eq(sodium_hex2bin(out, strlen(hex) / 2, hex, strlen(hex),
	    NULL, &len, NULL), 0);
}

static void
range(uint8_t *out, int from, int to)
{
	int	i;

	for (i = from; i < to; i++)
		out[i - from] = (uint8_t)i;
}

static void
check_hkdf(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
    size_t ikm_len, const uint8_t *info, size_t info_len, const char *prk_hex,
    const char *okm_hex)
{
	uint8_t	prk[CRYP_HKDF_PRK_LEN], want_prk[CRYP_HKDF_PRK_LEN];
	uint8_t	okm[128], want_okm[128];
	size_t	L = strlen(okm_hex) / 2;

	unhex(want_prk, prk_hex);
	unhex(want_okm, okm_hex);
	cryp_hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
	cr_assert_arr_eq(prk, want_prk, sizeof(prk));
	cr_assert_eq(cryp_hkdf_expand(okm, L, prk, info, info_len), 0);
	cr_assert_arr_eq(okm, want_okm, L);
	memset(okm, 0, sizeof(okm));
	cr_assert_eq(cryp_hkdf(okm, L, salt, salt_len, ikm, ikm_len, info,
	    info_len), 0);
	cr_assert_arr_eq(okm, want_okm, L);
}

Test(crypto, hkdf_rfc5869_case1)
{
	uint8_t	ikm[22], salt[13], info[10];

	memset(ikm, 0x0b, sizeof(ikm));
	range(salt, 0x00, 0x0d);
	range(info, 0xf0, 0xfa);
	check_hkdf(salt, sizeof(salt), ikm, sizeof(ikm), info, sizeof(info),
	    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
	    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865");
}

Test(crypto, hkdf_rfc5869_case2)
{
	uint8_t	ikm[80], salt[80], info[80];

	range(ikm, 0x00, 0x50);
	range(salt, 0x60, 0xb0);
	range(info, 0xb0, 0x100);
	check_hkdf(salt, sizeof(salt), ikm, sizeof(ikm), info, sizeof(info),
	    "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
	    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	    "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

Test(crypto, hkdf_rfc5869_case3)
{
	uint8_t	ikm[22];

	memset(ikm, 0x0b, sizeof(ikm));
	check_hkdf(NULL, 0, ikm, sizeof(ikm), NULL, 0,
	    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8");
}

Test(crypto, hkdf_length_limits)
{
	static uint8_t	out[CRYP_HKDF_MAX_LEN + 1];
	uint8_t		prk[CRYP_HKDF_PRK_LEN] = { 1 };

	cr_assert_eq(cryp_hkdf_expand(out, CRYP_HKDF_MAX_LEN, prk, NULL, 0),
	    0);
	cr_assert_eq(cryp_hkdf_expand(out, CRYP_HKDF_MAX_LEN + 1, prk, NULL,
	    0), APP_EINVAL);
	cr_assert_eq(cryp_hkdf_expand(out, 0, prk, NULL, 0), APP_EINVAL);
}

Test(crypto, token_and_hash)
{
	char	t1[CRYP_TOKEN_LEN], t2[CRYP_TOKEN_LEN];
	uint8_t	raw[64], h1[CRYP_HASH_LEN], h2[CRYP_HASH_LEN], want[32];
	size_t	n;

	cryp_token(t1);
	cryp_token(t2);
	cr_assert_eq(strlen(t1), 43);
	cr_assert_str_neq(t1, t2);
	cr_assert_eq(cryp_b64url_decode(raw, sizeof(raw), t1, strlen(t1), &n),
	    0);
	cr_assert_eq(n, CRYP_TOKEN_BYTES);
	cryp_hash_token(h1, t1, strlen(t1));
	cryp_hash_token(h2, t2, strlen(t2));
	cr_assert(!cryp_equal(h1, h2, sizeof(h1)));
	/* BLAKE2b-256("abc"), from Python's hashlib.blake2b(digest_size=32). */
	unhex(want, "bddd813c634239723171ef3fee98579b"
	    "94964e3bb1cb3e427262c8c068d52319");
	cryp_hash_token(h1, "abc", 3);
	cr_assert_arr_eq(h1, want, 32);
}

Test(crypto, random_bytes_differ)
{
	uint8_t	a[32], b[32];

	cryp_random_bytes(a, sizeof(a));
	cryp_random_bytes(b, sizeof(b));
	cr_assert(!cryp_equal(a, b, sizeof(a)));
}

Test(crypto, base64url_round_trip)
{
	uint8_t	bin[256], back[256];
	char	txt[CRYP_B64URL_LEN(256)];
	size_t	len, n;

	for (len = 0; len <= sizeof(bin); len += 1 + len / 3) {
		cryp_random_bytes(bin, len);
		cr_assert_eq(cryp_b64url_encode(txt, sizeof(txt), bin, len), 0);
		cr_assert_null(strpbrk(txt, "+/="), "%s", txt);
		cr_assert_eq(cryp_b64url_decode(back, sizeof(back), txt,
		    strlen(txt), &n), 0, "%s", txt);
		cr_assert_eq(n, len);
		cr_assert_arr_eq(back, bin, len);
	}
	cr_assert_eq(cryp_b64url_encode(txt, 3, bin, 3), APP_EINVAL,
	    "too small an output buffer");
}

Test(crypto, base64url_rejects)
{
	static const char *bad[] = {
		"AQI=",		/* padding */
		"AQ+D",		/* standard alphabet */
		"AQ/D",
		"AQ D",		/* whitespace */
		"A",		/* impossible length */
		"AQID!",
		"AR",		/* non-zero trailing bits (AQ is canonical) */
	};
	uint8_t	out[16];
	size_t	i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(cryp_b64url_decode(out, sizeof(out), bad[i],
		    strlen(bad[i]), &n), APP_EINVAL, "%s", bad[i]);
	cr_assert_eq(cryp_b64url_decode(out, sizeof(out), "AQ", 2, &n), 0);
	cr_assert_eq(cryp_b64url_decode(out, 2, "AQID", 4, &n), APP_EINVAL,
	    "output too small");
}

Test(crypto, ed25519_verify)
{
	uint8_t		pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t		sk[crypto_sign_SECRETKEYBYTES];
	uint8_t		sig[crypto_sign_BYTES];
	const uint8_t	msg[] = "signed prekey";

	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	cr_assert_eq(cryp_ed25519_verify(sig, sizeof(sig), msg, sizeof(msg),
	    pk, sizeof(pk)), 0);
	cr_assert_eq(cryp_ed25519_verify(sig, sizeof(sig) - 1, msg,
	    sizeof(msg), pk, sizeof(pk)), APP_EINVAL, "truncated signature");
	cr_assert_eq(cryp_ed25519_verify(sig, sizeof(sig), msg, sizeof(msg),
	    pk, sizeof(pk) - 1), APP_EINVAL, "truncated key");
	cr_assert_eq(cryp_ed25519_verify(sig, sizeof(sig), msg,
	    sizeof(msg) - 1, pk, sizeof(pk)), APP_EINVAL, "other message");
	sig[10] ^= 0x01;
	cr_assert_eq(cryp_ed25519_verify(sig, sizeof(sig), msg, sizeof(msg),
	    pk, sizeof(pk)), APP_EINVAL, "flipped bit");
	cr_assert_eq(cryp_ed25519_verify(NULL, 0, msg, sizeof(msg), pk,
	    sizeof(pk)), APP_EINVAL);
}

Test(crypto, equal)
{
	cr_assert(cryp_equal("abcd", "abcd", 4));
	cr_assert(!cryp_equal("abcd", "abce", 4));
}
