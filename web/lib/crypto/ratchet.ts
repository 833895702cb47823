/*
 * Double Ratchet (signal.org/docs/specifications/doubleratchet §3.3–3.5, line
 * by line) with e2e.md's parameters:
 *
 *   KDF_RK(rk, dh)  = HKDF(salt = rk, ikm = dh, "Parley_DR_RK_v1", 64) → rk', ck
 *   KDF_CK(ck)      = mk = HMAC(ck, 0x01), ck' = HMAC(ck, 0x02)
 *   key ‖ nonce     = HKDF(mk, 32×0x00, "Parley_DR_MSG_v1", 56) → 32 + 24 bytes
 *   ENCRYPT         = XChaCha20-Poly1305-IETF, AD = X3DH AD ‖ dh ‖ u32be(pn) ‖ u32be(n)
 *
 * Plaintext is padded to 64-byte buckets (ISO/IEC 7816-4, sodium_pad).
 * MAX_SKIP 1000 per chain; at most 2000 skipped keys kept, each for 30 days.
 *
 * State is a plain JSON-able object (bytes as base64url) so it can go to
 * IndexedDB as is. Functions never mutate their input: they return a new
 * state, and decryption works on a copy, so a failed decrypt leaves the
 * caller's state untouched ("committed only after a successful decrypt").
 */
import { concat, fromB64u, isU32, toB64u, u32be } from "./bytes";
import { CryptoError } from "./errors";
import { hkdf, hmacSha256 } from "./hkdf";
import { KEY_LEN, dh, generateX25519, type KeyPair } from "./keys";
import { systemRng, type Rng } from "./rng";
import { sodium } from "./sodium";

export const MAX_SKIP = 1000;
export const MAX_STORED_SKIPPED = 2000;
export const SKIPPED_TTL_MS = 30 * 24 * 3600 * 1000;
export const PAD_BLOCK = 64;
const RK_INFO = "Parley_DR_RK_v1";
const MSG_INFO = "Parley_DR_MSG_v1";

export interface SkippedKey {
  dh: string;
  n: number;
  mk: string;
  at: number; // ms epoch when stored; dropped after SKIPPED_TTL_MS
}

export interface RatchetState {
  v: 1;
  dhs: { pub: string; priv: string };
  dhr: string | null;
  rk: string;
  cks: string | null;
  ckr: string | null;
  ns: number;
  nr: number;
  pn: number;
  ad: string; // X3DH associated data
  skipped: SkippedKey[];
}

/** The "hdr" field of an envelope. */
export interface MessageHeader {
  dh: string;
  pn: number;
  n: number;
}

function kdfRk(rk: Uint8Array, dhOut: Uint8Array): [Uint8Array, Uint8Array] {
  const okm = hkdf(dhOut, rk, RK_INFO, 64);
  return [okm.slice(0, 32), okm.slice(32, 64)];
}

/** [ck', mk] */
export function kdfCk(ck: Uint8Array): [Uint8Array, Uint8Array] {
  return [hmacSha256(ck, Uint8Array.of(0x02)), hmacSha256(ck, Uint8Array.of(0x01))];
}

function messageKeys(mk: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const okm = hkdf(mk, new Uint8Array(32), MSG_INFO, 56);
  return { key: okm.slice(0, 32), nonce: okm.slice(32, 56) };
}

function headerAd(ad: string, h: MessageHeader): Uint8Array {
  return concat(fromB64u(ad), fromB64u(h.dh, KEY_LEN), u32be(h.pn), u32be(h.n));
}

function seal(mk: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const s = sodium();
  const { key, nonce } = messageKeys(mk);
  const padded = s.pad(plaintext, PAD_BLOCK);
  return s.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, null, nonce, key);
}

function open(mk: Uint8Array, ct: Uint8Array, ad: Uint8Array): Uint8Array {
  const s = sodium();
  const { key, nonce } = messageKeys(mk);
  try {
    const padded = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ct, ad, nonce, key);
    return s.unpad(padded, PAD_BLOCK);
  } catch {
    throw new CryptoError("decrypt_failed", "message authentication failed");
  }
}

function kpJson(k: KeyPair): { pub: string; priv: string } {
  return { pub: toB64u(k.pub), priv: toB64u(k.priv) };
}

function clone(s: RatchetState): RatchetState {
  return { ...s, dhs: { ...s.dhs }, skipped: s.skipped.map((k) => ({ ...k })) };
}

/** Alice, after X3DH: sends first, to Bob's SPK. */
export function initAlice(sk: Uint8Array, ad: Uint8Array, bobSpk: Uint8Array, rng: Rng = systemRng): RatchetState {
  const dhs = generateX25519(rng);
  const [rk, cks] = kdfRk(sk, dh(dhs.priv, bobSpk));
  return {
    v: 1,
    dhs: kpJson(dhs),
    dhr: toB64u(bobSpk),
    rk: toB64u(rk),
    cks: toB64u(cks),
    ckr: null,
    ns: 0,
    nr: 0,
    pn: 0,
    ad: toB64u(ad),
    skipped: [],
  };
}

/** Bob, after X3DH: his SPK is the first ratchet key; he can send only after receiving. */
export function initBob(sk: Uint8Array, ad: Uint8Array, spk: KeyPair): RatchetState {
  return {
    v: 1,
    dhs: kpJson(spk),
    dhr: null,
    rk: toB64u(sk),
    cks: null,
    ckr: null,
    ns: 0,
    nr: 0,
    pn: 0,
    ad: toB64u(ad),
    skipped: [],
  };
}

export function ratchetEncrypt(
  state: RatchetState,
  plaintext: Uint8Array,
): { state: RatchetState; header: MessageHeader; ct: Uint8Array } {
  if (state.cks === null) throw new CryptoError("no_session", "no sending chain yet");
  const s = clone(state);
  const [ck, mk] = kdfCk(fromB64u(s.cks!, 32));
  s.cks = toB64u(ck);
  const header: MessageHeader = { dh: s.dhs.pub, pn: s.pn, n: s.ns };
  s.ns += 1;
  return { state: s, header, ct: seal(mk, plaintext, headerAd(s.ad, header)) };
}

export function checkHeader(h: unknown): MessageHeader {
  if (typeof h !== "object" || h === null) throw new CryptoError("bad_format", "header missing");
  const r = h as Record<string, unknown>;
  if (!isU32(r.pn) || !isU32(r.n)) throw new CryptoError("bad_format", "header counters");
  fromB64u(r.dh, KEY_LEN);
  return { dh: r.dh as string, pn: r.pn, n: r.n };
}

function skipMessageKeys(s: RatchetState, until: number, now: number): void {
  if (s.nr + MAX_SKIP < until) throw new CryptoError("too_far_ahead", "too many skipped messages");
  if (s.ckr === null || s.dhr === null) return;
  let ck = fromB64u(s.ckr, 32);
  while (s.nr < until) {
    const [next, mk] = kdfCk(ck);
    s.skipped.push({ dh: s.dhr, n: s.nr, mk: toB64u(mk), at: now });
    ck = next;
    s.nr += 1;
  }
  s.ckr = toB64u(ck);
  if (s.skipped.length > MAX_STORED_SKIPPED) s.skipped.splice(0, s.skipped.length - MAX_STORED_SKIPPED);
}

function dhRatchet(s: RatchetState, h: MessageHeader, rng: Rng): void {
  s.pn = s.ns;
  s.ns = 0;
  s.nr = 0;
  s.dhr = h.dh;
  const dhr = fromB64u(h.dh, KEY_LEN);
  const [rk1, ckr] = kdfRk(fromB64u(s.rk, 32), dh(fromB64u(s.dhs.priv, KEY_LEN), dhr));
  const dhs = generateX25519(rng);
  const [rk2, cks] = kdfRk(rk1, dh(dhs.priv, dhr));
  s.rk = toB64u(rk2);
  s.ckr = toB64u(ckr);
  s.cks = toB64u(cks);
  s.dhs = kpJson(dhs);
}

export interface DecryptOptions {
  now?: number;
  rng?: Rng;
}

/**
 * Decrypt; returns the new state, which the caller must persist before
 * showing the plaintext. Throws decrypt_failed, duplicate, too_far_ahead,
 * bad_format or weak_key; the input state is never modified.
 */
export function ratchetDecrypt(
  state: RatchetState,
  header: MessageHeader,
  ct: Uint8Array,
  opts: DecryptOptions = {},
): { state: RatchetState; plaintext: Uint8Array } {
  const now = opts.now ?? Date.now();
  const h = checkHeader(header);
  const s = clone(state);
  s.skipped = s.skipped.filter((k) => now - k.at < SKIPPED_TTL_MS);
  const ad = headerAd(s.ad, h);

  const i = s.skipped.findIndex((k) => k.dh === h.dh && k.n === h.n);
  if (i >= 0) {
    const plaintext = open(fromB64u(s.skipped[i]!.mk, 32), ct, ad);
    s.skipped.splice(i, 1);
    return { state: s, plaintext };
  }
  if (s.dhr !== h.dh) {
    skipMessageKeys(s, h.pn, now);
    dhRatchet(s, h, opts.rng ?? systemRng);
  } else if (h.n < s.nr) {
    throw new CryptoError("duplicate", "message key already used");
  }
  skipMessageKeys(s, h.n, now);
  const [ck, mk] = kdfCk(fromB64u(s.ckr!, 32));
  s.ckr = toB64u(ck);
  s.nr += 1;
  return { state: s, plaintext: open(mk, ct, ad) };
}
