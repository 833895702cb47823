/*
 * keys_test.c - the key directory's signature checks (keys.c) against
 * signatures made here with libsodium over the exact byte strings of
 * e2e.md: "parley/ikdh/v1" || ikDh and "parley/spk/v1" || u32be(id) || pub.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "../../../../services/auth/auth_svc.h"

static unsigned char	pk[32], sk[64], dh[32], dh_sk[32];

static void
setup(void)
{
	cr_assert_eq(cryp_init(), 0);
	crypto_sign_keypair(pk, sk);
	crypto_box_keypair(dh, dh_sk);
}

TestSuite(keys, .init = setup);

static void
sign(const void *msg, size_t len, unsigned char sig[64])
{
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

Test(keys, ikdh_signature)
{
	unsigned char	msg[14 + 32], sig[64], other_pk[32], other_sk[64];

	memcpy(msg, "parley/ikdh/v1", 14);
	memcpy(msg + 14, dh, 32);
	sign(msg, sizeof(msg), sig);
	cr_assert_eq(keys_verify_ikdh(pk, 32, dh, 32, sig, 64), 0);
	/* Truncated, long, flipped, other signer, other key, no prefix. */
	cr_expect_eq(keys_verify_ikdh(pk, 32, dh, 32, sig, 63),
	    APP_EUNPROCESSABLE);
	cr_expect_eq(keys_verify_ikdh(pk, 32, dh, 31, sig, 64),
	    APP_EUNPROCESSABLE);
	cr_expect_eq(keys_verify_ikdh(pk, 31, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE);
	sig[10] ^= 1;
	cr_expect_eq(keys_verify_ikdh(pk, 32, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE);
	sig[10] ^= 1;
	crypto_sign_keypair(other_pk, other_sk);
	cr_expect_eq(keys_verify_ikdh(other_pk, 32, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE);
	dh[0] ^= 1;
	cr_expect_eq(keys_verify_ikdh(pk, 32, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE);
	dh[0] ^= 1;
	sign(dh, 32, sig);
	cr_expect_eq(keys_verify_ikdh(pk, 32, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE, "the domain prefix is required");
}

Test(keys, spk_signature_covers_big_endian_id)
{
	unsigned char	msg[13 + 4 + 32], sig[64];

	memcpy(msg, "parley/spk/v1", 13);
	msg[13] = 0x01;
	msg[14] = 0x02;
	msg[15] = 0x03;
	msg[16] = 0x04;
	memcpy(msg + 17, dh, 32);
	sign(msg, sizeof(msg), sig);
	cr_assert_eq(keys_verify_spk(pk, 32, 0x01020304u, dh, 32, sig, 64), 0);
	cr_expect_eq(keys_verify_spk(pk, 32, 0x04030201u, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE, "little-endian id must fail");
	cr_expect_eq(keys_verify_spk(pk, 32, 0x01020305u, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE);
	cr_expect_eq(keys_verify_spk(pk, 32, 0x01020304u, dh, 32, sig, 32),
	    APP_EUNPROCESSABLE);
	cr_expect_eq(keys_verify_spk(pk, 32, 0x01020304u, dh, 33, sig, 64),
	    APP_EUNPROCESSABLE);
	cr_expect_eq(keys_verify_spk(pk, 32, 0x01020304u, NULL, 32, sig, 64),
	    APP_EUNPROCESSABLE);
	/* An ikDh signature is no SPK signature, and the reverse. */
	cr_expect_eq(keys_verify_ikdh(pk, 32, dh, 32, sig, 64),
	    APP_EUNPROCESSABLE);
}
