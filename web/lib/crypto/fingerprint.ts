/*
 * Security code (e2e.md "Security code"), as libsignal's fingerprint.rs
 * (NumericFingerprintGenerator): per party,
 *   h = SHA-512(u16be(0) ‖ key ‖ id ‖ key), then 5199 × h = SHA-512(h ‖ key);
 * 30 digits from the first 30 bytes (6 chunks of 5 bytes, big-endian, mod
 * 100000, 5 digits each). The two halves are ordered so both sides show the
 * same 60 digits. The QR payload is libsignal's CombinedFingerprints protobuf
 * (version, first 32 bytes of each hash; local first from the shower's view).
 *
 * `key` is the contact's ikSig public key; with several devices use
 * combinedIdentityKey(), which for one device is just that key.
 */
import { bytesEqual, concat, utf8 } from "./bytes";
import { sodium } from "./sodium";

export const FINGERPRINT_ITERATIONS = 5200;
export const SCANNABLE_VERSION = 1;

export function fingerprintHash(id: string | Uint8Array, key: Uint8Array, iterations = FINGERPRINT_ITERATIONS): Uint8Array {
  const s = sodium();
  const idb = typeof id === "string" ? utf8(id) : id;
  let h = s.crypto_hash_sha512(concat(Uint8Array.of(0, 0), key, idb, key));
  for (let i = 1; i < iterations; i++) h = s.crypto_hash_sha512(concat(h, key));
  return h;
}

export function displayHalf(h: Uint8Array): string {
  let out = "";
  for (let c = 0; c < 6; c++) {
    let x = 0;
    for (let i = 0; i < 5; i++) x = x * 256 + h[c * 5 + i]!; // < 2^40: exact in a double
    out += String(x % 100000).padStart(5, "0");
  }
  return out;
}

/** Sorted concatenation of device identity keys: order-independent, one key → itself. */
export function combinedIdentityKey(keys: readonly Uint8Array[]): Uint8Array {
  const hexes = keys.map((k) => Array.from(k, (b) => b.toString(16).padStart(2, "0")).join(""));
  const order = keys.map((_, i) => i).sort((a, b) => (hexes[a]! < hexes[b]! ? -1 : hexes[a]! > hexes[b]! ? 1 : 0));
  return concat(...order.map((i) => keys[i]!));
}

export interface Party {
  id: string; // stable identifier: the user id
  key: Uint8Array;
}

export interface SecurityCode {
  /** 60 digits, identical on both sides. */
  digits: string;
  /** The digits in 12 groups of 5, for display. */
  groups: string[];
  /** QR payload to show (protobuf CombinedFingerprints). */
  qr: Uint8Array;
  local: Uint8Array; // first 32 bytes of our hash
  remote: Uint8Array;
}

function field(tag: number, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(tag, body.length), body); // all lengths < 128
}

function scannable(version: number, local: Uint8Array, remote: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0x08, version), field(0x12, field(0x0a, local)), field(0x1a, field(0x0a, remote)));
}

export function securityCode(local: Party, remote: Party, iterations = FINGERPRINT_ITERATIONS): SecurityCode {
  const l = fingerprintHash(local.id, local.key, iterations);
  const r = fingerprintHash(remote.id, remote.key, iterations);
  const dl = displayHalf(l);
  const dr = displayHalf(r);
  const digits = dl < dr ? dl + dr : dr + dl;
  const lc = l.slice(0, 32);
  const rc = r.slice(0, 32);
  return { digits, groups: digits.match(/.{5}/g) ?? [], qr: scannable(SCANNABLE_VERSION, lc, rc), local: lc, remote: rc };
}

/** True if a scanned QR payload is the other side's view of the same code. */
export function compareScanned(code: SecurityCode, scanned: Uint8Array): boolean {
  return bytesEqual(scanned, scannable(SCANNABLE_VERSION, code.remote, code.local));
}
