/*
 * keys.c - the key directory's signature checks (e2e.md): a device's
 * Ed25519 identity key ikSig signs its X25519 identity key and each
 * signed prekey, over domain-separated messages:
 *
 *   ikDhSig = Ed25519(ikSig, "parley/ikdh/v1" || ikDh)
 *   spk.sig = Ed25519(ikSig, "parley/spk/v1" || u32be(spk.id) || spk.pub)
 *
 * (the prefixes are their ASCII bytes, no terminator). The server checks
 * them as defence in depth; clients check them again.
 */
#include <string.h>

#include "auth_svc.h"

int
keys_verify_ikdh(const uint8_t *ik_sig, size_t ik_sig_len,
    const uint8_t *ik_dh, size_t ik_dh_len, const uint8_t *sig,
    size_t sig_len)
{
	uint8_t	msg[sizeof(KEYS_IKDH_CONTEXT) - 1 + KEYS_PUB_LEN];
	size_t	n = sizeof(KEYS_IKDH_CONTEXT) - 1;

	if (ik_dh == NULL || ik_dh_len != KEYS_PUB_LEN)
		return APP_EUNPROCESSABLE;
	memcpy(msg, KEYS_IKDH_CONTEXT, n);
	memcpy(msg + n, ik_dh, KEYS_PUB_LEN);
	if (cryp_ed25519_verify(sig, sig_len, msg, sizeof(msg), ik_sig,
	    ik_sig_len) != 0)
		return APP_EUNPROCESSABLE;
	return 0;
}

int
keys_verify_spk(const uint8_t *ik_sig, size_t ik_sig_len, uint32_t id,
    const uint8_t *pub, size_t pub_len, const uint8_t *sig, size_t sig_len)
{
	uint8_t	msg[sizeof(KEYS_SPK_CONTEXT) - 1 + 4 + KEYS_PUB_LEN];
	size_t	n = sizeof(KEYS_SPK_CONTEXT) - 1;

	if (pub == NULL || pub_len != KEYS_PUB_LEN)
		return APP_EUNPROCESSABLE;
	memcpy(msg, KEYS_SPK_CONTEXT, n);
	msg[n] = (uint8_t)(id >> 24);
	msg[n + 1] = (uint8_t)(id >> 16);
	msg[n + 2] = (uint8_t)(id >> 8);
	msg[n + 3] = (uint8_t)id;
	memcpy(msg + n + 4, pub, KEYS_PUB_LEN);
	if (cryp_ed25519_verify(sig, sig_len, msg, sizeof(msg), ik_sig,
	    ik_sig_len) != 0)
		return APP_EUNPROCESSABLE;
	return 0;
}
