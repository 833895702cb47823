/*
 * Byte helpers shared by lib/crypto and lib/store: base64url without padding
 * (the wire and storage encoding, e2e.md "Wire format"), big-endian u32,
 * UTF-8, concatenation and constant-time comparison. Pure JS on purpose: the
 * store uses these without loading libsodium.
 */
import { CryptoError } from "./errors";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  try {
    return dec.decode(b);
  } catch {
    throw new CryptoError("bad_format", "invalid UTF-8");
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function isU32(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

export function u32be(n: number): Uint8Array {
  if (!isU32(n)) throw new CryptoError("bad_format", "u32 out of range");
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

/** Length-prefixed UTF-8 (u32be(len) ‖ bytes), for unambiguous concatenation of strings. */
export function lp(s: string): Uint8Array {
  const b = utf8(s);
  return concat(u32be(b.length), b);
}

export function toB64u(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Strict base64url (no padding) decode. Rejects other alphabets, padding and
 * non-canonical trailing bits, so one byte string has exactly one encoding
 * (session and key ids compare encodings). With `len`, also checks the length.
 */
export function fromB64u(s: unknown, len?: number): Uint8Array {
  if (typeof s !== "string" || !/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) {
    throw new CryptoError("bad_format", "invalid base64url");
  }
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toB64u(out) !== s) throw new CryptoError("bad_format", "non-canonical base64url");
  if (len !== undefined && out.length !== len) {
    throw new CryptoError("bad_format", `expected ${len} bytes, got ${out.length}`);
  }
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(h: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new CryptoError("bad_format", "invalid hex");
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Constant-time (for equal lengths) equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** True if every byte is zero (constant time). */
export function isAllZero(b: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < b.length; i++) d |= b[i]!;
  return d === 0;
}
