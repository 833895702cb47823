/*
 * Device keys (e2e.md "Keys per device"): the Ed25519 identity ikSig, the
 * X25519 identity ikDh signed by ikSig, signed prekeys and one-time prekeys;
 * their JSON forms for IndexedDB; and the mapping to and from the key
 * directory API (e2e.md "Key directory API"). The server's JSON shape lives
 * only in toKeysUpload() and parseKeysBundle().
 */
import { concat, fromB64u, isAllZero, isU32, toB64u, u32be, utf8 } from "./bytes";
import { CryptoError } from "./errors";
import { systemRng, type Rng } from "./rng";
import { sodium } from "./sodium";

export const KEY_LEN = 32;
export const SIG_LEN = 64;
export const ED25519_PRIV_LEN = 64;
/** One-time prekeys per upload, and the count below which to top up. */
export const OPK_BATCH = 100;
export const OPK_LOW_WATER = 10;
/** Rotate the signed prekey after this age; keep old private halves this long. */
export const SPK_ROTATE_MS = 7 * 24 * 3600 * 1000;
export const SPK_KEEP_MS = 30 * 24 * 3600 * 1000;

const IKDH_LABEL = utf8("parley/ikdh/v1");
const SPK_LABEL = utf8("parley/spk/v1");

export interface KeyPair {
  pub: Uint8Array;
  priv: Uint8Array;
}

export interface DeviceIdentity {
  ikSig: KeyPair; // Ed25519: pub 32, priv 64 (libsodium layout: seed ‖ pub)
  ikDh: KeyPair; // X25519
  ikDhSig: Uint8Array; // ikSig over "parley/ikdh/v1" ‖ ikDh.pub
}

export interface SignedPreKey {
  id: number;
  keyPair: KeyPair;
  sig: Uint8Array;
  createdAt: number;
}

export interface OneTimePreKey {
  id: number;
  keyPair: KeyPair;
}

/** One device of a fetched bundle, decoded and length-checked (signatures not yet verified). */
export interface PreKeyBundle {
  deviceId: number;
  ikSig: Uint8Array;
  ikDh: Uint8Array;
  ikDhSig: Uint8Array;
  signedPreKey: { id: number; pub: Uint8Array; sig: Uint8Array };
  oneTimePreKey: { id: number; pub: Uint8Array } | null;
}

export function generateX25519(rng: Rng = systemRng): KeyPair {
  const priv = rng(KEY_LEN);
  return { pub: sodium().crypto_scalarmult_base(priv), priv };
}

export function generateEd25519(rng: Rng = systemRng): KeyPair {
  const kp = sodium().crypto_sign_seed_keypair(rng(32));
  return { pub: kp.publicKey, priv: kp.privateKey };
}

/**
 * X25519 agreement. libsodium already refuses an all-zero result (small-order
 * public key); the explicit check keeps that guarantee if the wrapper changes.
 */
export function dh(priv: Uint8Array, pub: Uint8Array): Uint8Array {
  if (priv.length !== KEY_LEN || pub.length !== KEY_LEN) throw new CryptoError("bad_format", "X25519 key length");
  let out: Uint8Array;
  try {
    out = sodium().crypto_scalarmult(priv, pub);
  } catch {
    throw new CryptoError("weak_key", "X25519 agreement failed");
  }
  if (isAllZero(out)) throw new CryptoError("weak_key", "X25519 produced all zeros");
  return out;
}

export function sign(priv: Uint8Array, msg: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(msg, priv);
}

export function verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pub.length !== KEY_LEN || sig.length !== SIG_LEN) return false;
  try {
    return sodium().crypto_sign_verify_detached(sig, msg, pub);
  } catch {
    return false;
  }
}

export function ikDhSigMessage(ikDh: Uint8Array): Uint8Array {
  return concat(IKDH_LABEL, ikDh);
}

export function spkSigMessage(id: number, pub: Uint8Array): Uint8Array {
  return concat(SPK_LABEL, u32be(id), pub);
}

export function verifyIkDh(ikSig: Uint8Array, ikDh: Uint8Array, sig: Uint8Array): boolean {
  return verify(ikSig, ikDhSigMessage(ikDh), sig);
}

export function verifySignedPreKey(ikSig: Uint8Array, id: number, pub: Uint8Array, sig: Uint8Array): boolean {
  return verify(ikSig, spkSigMessage(id, pub), sig);
}

export function generateIdentity(rng: Rng = systemRng): DeviceIdentity {
  const ikSig = generateEd25519(rng);
  const ikDh = generateX25519(rng);
  return { ikSig, ikDh, ikDhSig: sign(ikSig.priv, ikDhSigMessage(ikDh.pub)) };
}

export function generateSignedPreKey(
  identity: DeviceIdentity,
  id: number,
  rng: Rng = systemRng,
  now: number = Date.now(),
): SignedPreKey {
  const keyPair = generateX25519(rng);
  return { id, keyPair, sig: sign(identity.ikSig.priv, spkSigMessage(id, keyPair.pub)), createdAt: now };
}

/** `count` prekeys with ids firstId, firstId+1, …; the caller persists the next id. */
export function generateOneTimePreKeys(firstId: number, count: number = OPK_BATCH, rng: Rng = systemRng): OneTimePreKey[] {
  if (!isU32(firstId) || !isU32(firstId + count)) throw new CryptoError("bad_format", "prekey id range");
  const out: OneTimePreKey[] = [];
  for (let i = 0; i < count; i++) out.push({ id: firstId + i, keyPair: generateX25519(rng) });
  return out;
}

/* ---- JSON forms (IndexedDB) ---- */

export interface KeyPairJson {
  pub: string;
  priv: string;
}
export interface DeviceIdentityJson {
  ikSig: KeyPairJson;
  ikDh: KeyPairJson;
  ikDhSig: string;
}
export interface SignedPreKeyJson {
  id: number;
  pub: string;
  priv: string;
  sig: string;
  createdAt: number;
}
export interface OneTimePreKeyJson {
  id: number;
  pub: string;
  priv: string;
}

const kpToJson = (k: KeyPair): KeyPairJson => ({ pub: toB64u(k.pub), priv: toB64u(k.priv) });

export function identityToJson(i: DeviceIdentity): DeviceIdentityJson {
  return { ikSig: kpToJson(i.ikSig), ikDh: kpToJson(i.ikDh), ikDhSig: toB64u(i.ikDhSig) };
}

export function identityFromJson(j: DeviceIdentityJson): DeviceIdentity {
  return {
    ikSig: { pub: fromB64u(j.ikSig.pub, KEY_LEN), priv: fromB64u(j.ikSig.priv, ED25519_PRIV_LEN) },
    ikDh: { pub: fromB64u(j.ikDh.pub, KEY_LEN), priv: fromB64u(j.ikDh.priv, KEY_LEN) },
    ikDhSig: fromB64u(j.ikDhSig, SIG_LEN),
  };
}

export function signedPreKeyToJson(k: SignedPreKey): SignedPreKeyJson {
  return { id: k.id, ...kpToJson(k.keyPair), sig: toB64u(k.sig), createdAt: k.createdAt };
}

export function signedPreKeyFromJson(j: SignedPreKeyJson): SignedPreKey {
  return {
    id: j.id,
    keyPair: { pub: fromB64u(j.pub, KEY_LEN), priv: fromB64u(j.priv, KEY_LEN) },
    sig: fromB64u(j.sig, SIG_LEN),
    createdAt: j.createdAt,
  };
}

export function oneTimePreKeyToJson(k: OneTimePreKey): OneTimePreKeyJson {
  return { id: k.id, ...kpToJson(k.keyPair) };
}

export function oneTimePreKeyFromJson(j: OneTimePreKeyJson): OneTimePreKey {
  return { id: j.id, keyPair: { pub: fromB64u(j.pub, KEY_LEN), priv: fromB64u(j.priv, KEY_LEN) } };
}

/* ---- Key directory API mapping (the only place that knows the server's JSON) ---- */

/** Body of PUT /api/auth/keys. */
export interface KeysUploadJson {
  ikSig: string;
  ikDh: string;
  ikDhSig: string;
  signedPreKey: { id: number; pub: string; sig: string };
  oneTimePreKeys: { id: number; pub: string }[];
}

/** Answer of GET /api/auth/keys/{userId}/{deviceId|*}. */
export interface KeysBundleJson {
  devices: {
    deviceId: number;
    ikSig: string;
    ikDh: string;
    ikDhSig: string;
    signedPreKey: { id: number; pub: string; sig: string };
    oneTimePreKey: { id: number; pub: string } | null;
  }[];
}

export function toKeysUpload(
  identity: DeviceIdentity,
  spk: SignedPreKey,
  opks: readonly OneTimePreKey[],
): KeysUploadJson {
  if (opks.length > OPK_BATCH) throw new CryptoError("bad_format", `at most ${OPK_BATCH} prekeys per upload`);
  return {
    ikSig: toB64u(identity.ikSig.pub),
    ikDh: toB64u(identity.ikDh.pub),
    ikDhSig: toB64u(identity.ikDhSig),
    signedPreKey: { id: spk.id, pub: toB64u(spk.keyPair.pub), sig: toB64u(spk.sig) },
    oneTimePreKeys: opks.map((k) => ({ id: k.id, pub: toB64u(k.keyPair.pub) })),
  };
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new CryptoError("bad_format", `${what}: not an object`);
  return v as Record<string, unknown>;
}

function u32(v: unknown, what: string): number {
  if (!isU32(v)) throw new CryptoError("bad_format", `${what}: not a u32`);
  return v;
}

/**
 * Decode and length-check a fetched bundle. Signatures are verified later, in
 * x3dhInitiate, which aborts on a bad one (e2e.md "X3DH").
 */
export function parseKeysBundle(json: unknown): PreKeyBundle[] {
  const root = obj(json, "bundle");
  if (!Array.isArray(root.devices)) throw new CryptoError("bad_format", "bundle: devices not an array");
  return root.devices.map((raw, i): PreKeyBundle => {
    const d = obj(raw, `devices[${i}]`);
    const spk = obj(d.signedPreKey, "signedPreKey");
    const opk = d.oneTimePreKey === null || d.oneTimePreKey === undefined ? null : obj(d.oneTimePreKey, "oneTimePreKey");
    return {
      deviceId: u32(d.deviceId, "deviceId"),
      ikSig: fromB64u(d.ikSig, KEY_LEN),
      ikDh: fromB64u(d.ikDh, KEY_LEN),
      ikDhSig: fromB64u(d.ikDhSig, SIG_LEN),
      signedPreKey: { id: u32(spk.id, "spk.id"), pub: fromB64u(spk.pub, KEY_LEN), sig: fromB64u(spk.sig, SIG_LEN) },
      oneTimePreKey: opk ? { id: u32(opk.id, "opk.id"), pub: fromB64u(opk.pub, KEY_LEN) } : null,
    };
  });
}
