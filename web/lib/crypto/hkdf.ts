/*
 * HMAC-SHA256 and RFC 5869 HKDF-SHA256 (e2e.md: "both sides implement RFC 5869
 * HKDF-SHA256 over HMAC-SHA256"). libsodium's one-shot crypto_auth_hmacsha256
 * insists on a 32-byte key, so HMAC goes through init/update/final, which
 * accepts any key length (RFC 5869 test cases use 13- and 80-byte salts).
 */
import { CryptoError } from "./errors";
import { concat, utf8 } from "./bytes";
import { sodium } from "./sodium";

export const HASH_LEN = 32;

export function hmacSha256(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const s = sodium();
  const st = s.crypto_auth_hmacsha256_init(key);
  for (const d of data) s.crypto_auth_hmacsha256_update(st, d);
  return s.crypto_auth_hmacsha256_final(st);
}

/** PRK = HMAC(salt, IKM); an absent salt is HashLen zero bytes. */
export function hkdfExtract(salt: Uint8Array | null, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt && salt.length > 0 ? salt : new Uint8Array(HASH_LEN), ikm);
}

/** OKM = T(1) ‖ T(2) ‖ … truncated to `length` (≤ 255·HashLen). */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LEN) {
    throw new CryptoError("bad_format", "HKDF length out of range");
  }
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    t = hmacSha256(prk, concat(t, info, Uint8Array.of(i)));
    out.set(t.subarray(0, Math.min(HASH_LEN, length - o)), o);
    o += HASH_LEN;
  }
  return out;
}

export function hkdf(
  ikm: Uint8Array,
  salt: Uint8Array | null,
  info: Uint8Array | string,
  length: number,
): Uint8Array {
  return hkdfExpand(hkdfExtract(salt, ikm), typeof info === "string" ? utf8(info) : info, length);
}
