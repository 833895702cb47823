/*
 * Randomness source. Production uses libsodium's CSPRNG; tests inject
 * seededRng() so keys, ratchet steps and therefore ciphertexts are
 * reproducible and can be frozen as known-answer vectors (e2e.md "Tests" 1).
 */
import { concat, u32be, utf8 } from "./bytes";
import { sodium } from "./sodium";

export type Rng = (n: number) => Uint8Array;

export const systemRng: Rng = (n) => sodium().randombytes_buf(n);

/**
 * Deterministic generator: block i = randombytes_buf_deterministic(n,
 * BLAKE2b-256(seed ‖ u32be(i))). For tests only — never for real keys.
 */
export function seededRng(seed: string | Uint8Array): Rng {
  const s = typeof seed === "string" ? utf8(seed) : seed;
  let i = 0;
  return (n) => {
    const k = sodium().crypto_generichash(32, concat(s, u32be(i++)), null);
    return sodium().randombytes_buf_deterministic(n, k);
  };
}
