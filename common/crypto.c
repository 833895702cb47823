/*
 * crypto.c - HKDF over libsodium's HMAC-SHA256 (libsodium 1.0.18 has no
 * HKDF), token generation and hashing, Ed25519 verification and strict
 * base64url. Intermediate key material is wiped before returning.
 */
#include <string.h>

#include "crypto.h"
#include "err.h"

int
cryp_init(void)
{
	/* 1 means already initialised, which is fine. */
	if (sodium_init() < 0)
		return APP_EINTERNAL;
	return 0;
}

void
cryp_hkdf_extract(uint8_t prk[CRYP_HKDF_PRK_LEN], const uint8_t *salt,
    size_t salt_len, const uint8_t *ikm, size_t ikm_len)
{
	static const uint8_t		 zeros[CRYP_HKDF_PRK_LEN];
	crypto_auth_hmacsha256_state	 st;

	if (salt == NULL || salt_len == 0) {
		salt = zeros;
		salt_len = sizeof(zeros);
	}
	crypto_auth_hmacsha256_init(&st, salt, salt_len);
	crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
	crypto_auth_hmacsha256_final(&st, prk);
	sodium_memzero(&st, sizeof(st));
}

int
cryp_hkdf_expand(uint8_t *out, size_t out_len,
    const uint8_t prk[CRYP_HKDF_PRK_LEN], const uint8_t *info,
    size_t info_len)
{
	crypto_auth_hmacsha256_state	 st;
	uint8_t				 t[crypto_auth_hmacsha256_BYTES];
	size_t				 done = 0, n;
	uint8_t				 ctr;

	if (out_len == 0 || out_len > CRYP_HKDF_MAX_LEN)
		return APP_EINVAL;
	/* T(i) = HMAC(PRK, T(i-1) | info | i), T(0) empty. */
	for (ctr = 1; done < out_len; ctr++) {
		crypto_auth_hmacsha256_init(&st, prk, CRYP_HKDF_PRK_LEN);
		if (ctr > 1)
			crypto_auth_hmacsha256_update(&st, t, sizeof(t));
		if (info_len > 0)
			crypto_auth_hmacsha256_update(&st, info, info_len);
		crypto_auth_hmacsha256_update(&st, &ctr, 1);
		crypto_auth_hmacsha256_final(&st, t);
		n = out_len - done < sizeof(t) ? out_len - done : sizeof(t);
		memcpy(out + done, t, n);
		done += n;
	}
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(t, sizeof(t));
	return 0;
}

int
cryp_hkdf(uint8_t *out, size_t out_len, const uint8_t *salt, size_t salt_len,
    const uint8_t *ikm, size_t ikm_len, const uint8_t *info, size_t info_len)
{
	uint8_t	prk[CRYP_HKDF_PRK_LEN];
	int	rc;

	cryp_hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
	rc = cryp_hkdf_expand(out, out_len, prk, info, info_len);
	sodium_memzero(prk, sizeof(prk));
	return rc;
}

void
cryp_random_bytes(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void
cryp_token(char out[CRYP_TOKEN_LEN])
{
	uint8_t	raw[CRYP_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, CRYP_TOKEN_LEN, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
cryp_hash_token(uint8_t out[CRYP_HASH_LEN], const char *token, size_t len)
{
	crypto_generichash(out, CRYP_HASH_LEN, (const unsigned char *)token,
	    len, NULL, 0);
}

int
cryp_ed25519_verify(const uint8_t *sig, size_t sig_len, const uint8_t *msg,
    size_t msg_len, const uint8_t *pk, size_t pk_len)
{
	if (sig == NULL || pk == NULL || sig_len != crypto_sign_BYTES ||
	    pk_len != crypto_sign_PUBLICKEYBYTES)
		return APP_EINVAL;
	if (crypto_sign_verify_detached(sig, msg, msg_len, pk) != 0)
		return APP_EINVAL;
	return 0;
}

int
cryp_b64url_encode(char *out, size_t out_size, const uint8_t *bin,
    size_t len)
{
	if (out_size < CRYP_B64URL_LEN(len))
		return APP_EINVAL;
	sodium_bin2base64(out, out_size, bin, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int
cryp_b64url_decode(uint8_t *out, size_t out_max, const char *b64,
    size_t len, size_t *out_len)
{
	const char	*end;
	size_t		 n;

	/* A length of 1 mod 4 can never be valid base64 without padding. */
	if (len % 4 == 1)
		return APP_EINVAL;
	if (sodium_base642bin(out, out_max, b64, len, NULL, &n, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != b64 + len)
		return APP_EINVAL;
	*out_len = n;
	return 0;
}

int
cryp_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}
