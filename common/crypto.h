/*
 * crypto.h - the libsodium helpers the services share. Prefix cryp_ (the
 * crypto_ prefix is libsodium's own).
 *
 * cryp_init() must run before anything else here, and before threads start.
 * Nothing here allocates; buffers are the caller's. Functions whose result
 * decides whether to trust input are warn_unused_result.
 */
#ifndef PARLEY_CRYPTO_H
#define PARLEY_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define CRYP_HKDF_PRK_LEN	32			/* SHA-256 */
#define CRYP_HKDF_MAX_LEN	(255 * 32)		/* RFC 5869 */
#define CRYP_TOKEN_BYTES	32			/* 256-bit tokens */
#define CRYP_HASH_LEN		32			/* BLAKE2b-256 */
#define CRYP_ED25519_PK_LEN	crypto_sign_PUBLICKEYBYTES
#define CRYP_ED25519_SIG_LEN	crypto_sign_BYTES

/* Buffer size, with the NUL, to base64url-encode n bytes (no padding). */
#define CRYP_B64URL_LEN(n) \
	sodium_base64_ENCODED_LEN((n), sodium_base64_VARIANT_URLSAFE_NO_PADDING)

/* A token's base64url text including the NUL: 44 bytes. */
#define CRYP_TOKEN_LEN		CRYP_B64URL_LEN(CRYP_TOKEN_BYTES)

/* sodium_init(); 0, or APP_EINTERNAL if libsodium cannot start. */
int	cryp_init(void);

/* RFC 5869 HKDF-Extract with HMAC-SHA256. A NULL/empty salt is 32 zeros. */
void	cryp_hkdf_extract(uint8_t prk[CRYP_HKDF_PRK_LEN], const uint8_t *salt,
	    size_t salt_len, const uint8_t *ikm, size_t ikm_len);

/*
 * RFC 5869 HKDF-Expand: out_len bytes from prk and info. Returns 0, or
 * APP_EINVAL when out_len is 0 or above CRYP_HKDF_MAX_LEN.
 */
int	cryp_hkdf_expand(uint8_t *out, size_t out_len,
	    const uint8_t prk[CRYP_HKDF_PRK_LEN], const uint8_t *info,
	    size_t info_len) __attribute__((warn_unused_result));

/* Extract then expand; same errors as cryp_hkdf_expand(). */
int	cryp_hkdf(uint8_t *out, size_t out_len, const uint8_t *salt,
	    size_t salt_len, const uint8_t *ikm, size_t ikm_len,
	    const uint8_t *info, size_t info_len)
	    __attribute__((warn_unused_result));

/* n bytes from the OS CSPRNG. */
void	cryp_random_bytes(void *buf, size_t n);

/*
 * A fresh 256-bit token as base64url text (43 characters) in out. Give it
 * to the client; store only cryp_hash_token() of it.
 */
void	cryp_token(char out[CRYP_TOKEN_LEN]);

/* BLAKE2b-256 of a token, for storing session tokens hashed. */
void	cryp_hash_token(uint8_t out[CRYP_HASH_LEN], const char *token,
	    size_t len);

/*
 * Verifies a detached Ed25519 signature. Returns 0 only if sig and pk have
 * the exact lengths and the signature is valid for msg; APP_EINVAL
 * otherwise.
 */
int	cryp_ed25519_verify(const uint8_t *sig, size_t sig_len,
	    const uint8_t *msg, size_t msg_len, const uint8_t *pk,
	    size_t pk_len) __attribute__((warn_unused_result));

/*
 * base64url without padding. Encode writes a NUL-terminated string and
 * returns 0, or APP_EINVAL if out_size < CRYP_B64URL_LEN(len).
 */
int	cryp_b64url_encode(char *out, size_t out_size, const uint8_t *bin,
	    size_t len);

/*
 * Strict decode of exactly len characters: no padding, no whitespace, no
 * other alphabet, no non-zero trailing bits. Returns 0 with *out_len set,
 * or APP_EINVAL (also when the result would exceed out_max).
 */
int	cryp_b64url_decode(uint8_t *out, size_t out_max, const char *b64,
	    size_t len, size_t *out_len) __attribute__((warn_unused_result));

/* Constant-time equality of two n-byte buffers: 1 if equal, else 0. */
int	cryp_equal(const void *a, const void *b, size_t n)
	    __attribute__((warn_unused_result));

#endif
