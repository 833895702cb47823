/*
 * Pairwise sessions and envelopes (e2e.md "Wire format", "Protocol
 * parameters"): X3DH + Double Ratchet per (our device, their device).
 *
 * Envelope: {v:1, type:"prekey"|"msg", id, from, to, x3dh?, hdr, ct}. The
 * initiator sends type "prekey" with the X3DH header until it has decrypted
 * a reply in that session.
 *
 * A SessionRecord keeps the current session and archived ones (Signal's
 * "previous states"). Incoming messages are tried against the current state,
 * then the archived ones; whichever decrypts becomes current. So when both
 * sides start a session at once, each keeps both, and they converge on the
 * session used by the latest received message; nothing is lost.
 */
import { fromB64u, fromUtf8, isU32, toB64u, utf8 } from "./bytes";
import { CryptoError, isCryptoError } from "./errors";
import { KEY_LEN, type DeviceIdentity, type OneTimePreKey, type PreKeyBundle, type SignedPreKey } from "./keys";
import { checkHeader, initAlice, initBob, ratchetDecrypt, ratchetEncrypt, type MessageHeader, type RatchetState } from "./ratchet";
import { systemRng, type Rng } from "./rng";
import { sodium } from "./sodium";
import { parseX3dhHeader, x3dhInitiate, x3dhRespond, type X3dhHeader } from "./x3dh";

export const MAX_ARCHIVED_SESSIONS = 20;

export interface Address {
  u: string; // user id
  d: number; // device id
}

/** What travels inside `ct` (e2e.md "Inside ct"). */
export interface Plaintext {
  kind: string; // "text" | "media" | "reaction" | "edit" | "delete" | "receipt" | "skdm" | "call" | "sync" | …
  body: unknown;
  sentAt: number;
}

export interface Envelope {
  v: 1;
  type: "prekey" | "msg";
  id: string;
  from: Address;
  to: Address;
  x3dh?: X3dhHeader;
  hdr: MessageHeader;
  ct: string;
}

export interface SessionState {
  /** The initiator's ephemeral key (X3DH "base key"): identifies this session on both sides. */
  baseKey: string;
  remoteIkSig: string;
  remoteIkDh: string;
  ratchet: RatchetState;
  /** Set on the initiator until the first reply decrypts. */
  pendingPreKey: X3dhHeader | null;
  createdAt: number;
  lastReceivedAt: number;
}

export interface SessionRecord {
  peer: Address;
  current: SessionState | null;
  archived: SessionState[];
}

export function newSessionRecord(peer: Address): SessionRecord {
  return { peer: { ...peer }, current: null, archived: [] };
}

function promote(rec: SessionRecord, state: SessionState, replaced: SessionState | null): SessionRecord {
  const archived = [rec.current, ...rec.archived].filter(
    (s): s is SessionState => s !== null && s !== replaced && s.baseKey !== state.baseKey,
  );
  return { peer: rec.peer, current: state, archived: archived.slice(0, MAX_ARCHIVED_SESSIONS) };
}

export function encodePlaintext(p: Plaintext): Uint8Array {
  return utf8(JSON.stringify({ kind: p.kind, body: p.body, sentAt: p.sentAt }));
}

export function decodePlaintext(b: Uint8Array): Plaintext {
  let v: unknown;
  try {
    v = JSON.parse(fromUtf8(b));
  } catch {
    throw new CryptoError("bad_format", "plaintext is not JSON");
  }
  const r = v as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null || typeof r.kind !== "string" || typeof r.sentAt !== "number") {
    throw new CryptoError("bad_format", "plaintext shape");
  }
  return { kind: r.kind, body: r.body, sentAt: r.sentAt };
}

/** A random UUID v4 from the given RNG (envelope ids; deterministic in tests). */
export function uuid(rng: Rng = systemRng): string {
  const b = rng(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface SessionOptions {
  rng?: Rng;
  now?: number;
}

/**
 * Start a session from a fetched bundle (verifies its signatures; throws
 * bad_signature). The new session becomes current; an old one is archived.
 */
export function initiateSession(
  rec: SessionRecord,
  own: DeviceIdentity,
  bundle: PreKeyBundle,
  opts: SessionOptions = {},
): SessionRecord {
  const now = opts.now ?? Date.now();
  const x = x3dhInitiate(own, bundle, opts.rng);
  const state: SessionState = {
    baseKey: x.header.ek,
    remoteIkSig: toB64u(bundle.ikSig),
    remoteIkDh: toB64u(bundle.ikDh),
    ratchet: initAlice(x.sk, x.ad, x.remoteSpk, opts.rng),
    pendingPreKey: x.header,
    createdAt: now,
    lastReceivedAt: 0,
  };
  sodium().memzero(x.sk);
  return promote(rec, state, null);
}

export function encryptMessage(
  rec: SessionRecord,
  from: Address,
  plaintext: Plaintext,
  opts: SessionOptions & { id?: string } = {},
): { envelope: Envelope; record: SessionRecord } {
  const cur = rec.current;
  if (cur === null) throw new CryptoError("no_session", "no session with this device");
  const r = ratchetEncrypt(cur.ratchet, encodePlaintext(plaintext));
  const state: SessionState = { ...cur, ratchet: r.state };
  const envelope: Envelope = {
    v: 1,
    type: cur.pendingPreKey ? "prekey" : "msg",
    id: opts.id ?? uuid(opts.rng),
    from: { ...from },
    to: { ...rec.peer },
    hdr: r.header,
    ct: toB64u(r.ct),
  };
  if (cur.pendingPreKey) envelope.x3dh = { ...cur.pendingPreKey };
  return { envelope, record: { ...rec, current: state } };
}

/** Our prekeys named by an incoming X3DH header, looked up by the caller (IndexedDB is async, libsodium is not). */
export interface PreKeysForEnvelope {
  signedPreKey: SignedPreKey | null;
  oneTimePreKey: OneTimePreKey | null;
}

export interface DecryptResult {
  plaintext: Plaintext;
  record: SessionRecord;
  /** Identity of the sending device as bound by the session (check against known identities). */
  remoteIkSig: string;
  remoteIkDh: string;
  /** A one-time prekey consumed by this message: delete it in the same transaction. */
  usedOneTimePreKeyId: number | null;
  /** True if this message created a new session (a prekey message with a new base key). */
  newSession: boolean;
}

/** Which prekeys the caller must fetch before decryptMessage (null for non-prekey envelopes). */
export function preKeyIdsOf(env: Envelope): { spkId: number; opkId: number | null } | null {
  if (env.type !== "prekey" || !env.x3dh) return null;
  const o = env.x3dh.opkId;
  return { spkId: env.x3dh.spkId, opkId: isU32(o) ? o : null };
}

function checkEnvelope(env: Envelope): void {
  if (env === null || typeof env !== "object" || env.v !== 1 || (env.type !== "prekey" && env.type !== "msg")) {
    throw new CryptoError("bad_format", "unsupported envelope");
  }
  if (typeof env.ct !== "string") throw new CryptoError("bad_format", "ct missing");
  checkHeader(env.hdr);
}

function tryState(
  st: SessionState,
  env: Envelope,
  ct: Uint8Array,
  opts: SessionOptions,
): { state: SessionState; plaintext: Plaintext } {
  const now = opts.now ?? Date.now();
  const r = ratchetDecrypt(st.ratchet, env.hdr, ct, { now, rng: opts.rng });
  return {
    state: { ...st, ratchet: r.state, pendingPreKey: null, lastReceivedAt: now },
    plaintext: decodePlaintext(r.plaintext),
  };
}

/**
 * Decrypt an envelope addressed to this device. Pure: returns the new record,
 * which the caller persists (with the envelope marked seen and the consumed
 * OPK deleted) before showing the plaintext. On any error nothing changes.
 */
export function decryptMessage(
  rec: SessionRecord,
  env: Envelope,
  own: DeviceIdentity,
  prekeys: PreKeysForEnvelope,
  opts: SessionOptions = {},
): DecryptResult {
  checkEnvelope(env);
  const ct = fromB64u(env.ct);
  const states = [rec.current, ...rec.archived].filter((s): s is SessionState => s !== null);

  if (env.type === "prekey") {
    const h = parseX3dhHeader(env.x3dh);
    const known = states.find((s) => s.baseKey === env.x3dh!.ek);
    if (known) {
      const r = tryState(known, env, ct, opts);
      return result(promote(rec, r.state, known), r, null, false);
    }
    const spk = prekeys.signedPreKey;
    if (!spk || spk.id !== h.spkId) throw new CryptoError("missing_prekey", "signed prekey not found");
    const opk = h.opkId === null ? null : prekeys.oneTimePreKey;
    if (h.opkId !== null && (!opk || opk.id !== h.opkId)) {
      throw new CryptoError("missing_prekey", "one-time prekey not found (already used?)");
    }
    const { sk, ad } = x3dhRespond(own, spk, opk, env.x3dh!);
    const now = opts.now ?? Date.now();
    const fresh: SessionState = {
      baseKey: env.x3dh!.ek,
      remoteIkSig: toB64u(h.ikSig),
      remoteIkDh: toB64u(h.ikDh),
      ratchet: initBob(sk, ad, spk.keyPair),
      pendingPreKey: null,
      createdAt: now,
      lastReceivedAt: 0,
    };
    sodium().memzero(sk);
    const r = tryState(fresh, env, ct, opts);
    return result(promote(rec, r.state, null), r, h.opkId, true);
  }

  if (states.length === 0) throw new CryptoError("no_session", "no session with this device");
  let firstError: unknown = null;
  for (const st of states) {
    try {
      const r = tryState(st, env, ct, opts);
      return result(promote(rec, r.state, st), r, null, false);
    } catch (e) {
      if (!isCryptoError(e)) throw e;
      // A replay in the state that owns the chain is more useful than "failed" from the others.
      if (firstError === null || isCryptoError(e, "duplicate")) firstError = e;
    }
  }
  throw firstError;
}

function result(
  record: SessionRecord,
  r: { state: SessionState; plaintext: Plaintext },
  usedOpk: number | null,
  newSession: boolean,
): DecryptResult {
  return {
    plaintext: r.plaintext,
    record,
    remoteIkSig: r.state.remoteIkSig,
    remoteIkDh: r.state.remoteIkDh,
    usedOneTimePreKeyId: usedOpk,
    newSession,
  };
}

/** The remote identity key bound to the current session, if any. */
export function sessionIdentity(rec: SessionRecord): Uint8Array | null {
  return rec.current ? fromB64u(rec.current.remoteIkSig, KEY_LEN) : null;
}
