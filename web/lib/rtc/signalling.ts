/*
 * What a call's signalling message says, inside the end-to-end encrypted
 * envelope (e2e.md: kind "call"). Pure: building the plaintext and checking
 * what came out of a decrypt. The server relays the ciphertext as an opaque
 * blob (POST /api/calls/{id}/signal) and never sees any of this, so it can't
 * read the SDP or swap the DTLS fingerprint in it.
 *
 * Who sends what: only the caller ever creates offers (the first one, ICE
 * restarts); the callee asks for a restart with "restart". That rule keeps
 * both sides out of offer glare without "perfect negotiation".
 */
import type { Plaintext } from "../crypto/session";
import type { CallMedia } from "../api/calls";

export interface IceCandidate {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
  usernameFragment?: string | null;
}

export type SignalBody =
  /** SDP offer from the caller (restart: an ICE restart of a live call). */
  | { t: "offer"; sdp: string; media: CallMedia; restart?: boolean }
  | { t: "answer"; sdp: string }
  /** Trickled ICE candidates, coalesced while a send is in flight. */
  | { t: "ice"; candidates: IceCandidate[] }
  /** The callee's media went down: asks the caller for an ICE restart. */
  | { t: "restart" }
  /** Voice → video: asked by one side, answered by the other. */
  | { t: "video-request" }
  | { t: "video-reply"; accept: boolean }
  /** What the other side shows about us ("muted", camera off, sharing the screen). */
  | { t: "state"; muted: boolean; camera: boolean; sharing: boolean };

export type CallSignal = SignalBody & { callId: string };

export const CALL_KIND = "call";

export function signalPlaintext(callId: string, body: SignalBody, now = Date.now()): Plaintext {
  return { kind: CALL_KIND, body: { ...body, callId }, sentAt: now };
}

export class SignalError extends Error {
  override readonly name = "SignalError";
}

const str = (v: unknown): v is string => typeof v === "string";
const bool = (v: unknown): v is boolean => typeof v === "boolean";

function candidateOf(v: unknown): IceCandidate | null {
  const o = v as Partial<IceCandidate> | null;
  if (typeof o !== "object" || o === null || !str(o.candidate)) return null;
  const mid = o.sdpMid === null || str(o.sdpMid) ? o.sdpMid ?? null : undefined;
  const idx = o.sdpMLineIndex === null || typeof o.sdpMLineIndex === "number" ? o.sdpMLineIndex ?? null : undefined;
  if (mid === undefined || idx === undefined) return null;
  const c: IceCandidate = { candidate: o.candidate, sdpMid: mid, sdpMLineIndex: idx };
  if (str(o.usernameFragment)) c.usernameFragment = o.usernameFragment;
  return c;
}

/**
 * The signal inside a decrypted plaintext, checked field by field. Throws
 * SignalError for anything else: another kind (a chat message must never be
 * taken for a signal, nor a signal shown as a message) or another call's id
 * (the server must not be able to replay one call's signals into another).
 */
export function parseSignal(p: Plaintext, callId: string): CallSignal {
  if (p.kind !== CALL_KIND) throw new SignalError("not a call signal");
  const b = p.body as Record<string, unknown> | null;
  if (typeof b !== "object" || b === null) throw new SignalError("no body");
  if (b.callId !== callId) throw new SignalError("signal for another call");
  switch (b.t) {
    case "offer":
      if (!str(b.sdp) || (b.media !== "voice" && b.media !== "video")) break;
      return { callId, t: "offer", sdp: b.sdp, media: b.media, ...(b.restart === true ? { restart: true } : {}) };
    case "answer":
      if (!str(b.sdp)) break;
      return { callId, t: "answer", sdp: b.sdp };
    case "ice": {
      if (!Array.isArray(b.candidates) || b.candidates.length > 64) break;
      const candidates = b.candidates.map(candidateOf);
      if (candidates.some((c) => c === null)) break;
      return { callId, t: "ice", candidates: candidates as IceCandidate[] };
    }
    case "restart":
    case "video-request":
      return { callId, t: b.t };
    case "video-reply":
      if (!bool(b.accept)) break;
      return { callId, t: "video-reply", accept: b.accept };
    case "state":
      if (!bool(b.muted) || !bool(b.camera) || !bool(b.sharing)) break;
      return { callId, t: "state", muted: b.muted, camera: b.camera, sharing: b.sharing };
  }
  throw new SignalError(`malformed signal ${String(b.t)}`);
}
