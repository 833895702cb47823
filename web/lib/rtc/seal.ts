/*
 * Sealing and opening call signals with the pairwise Double Ratchet session
 * to one device (lib/store/sessions). A sealed signal is an ordinary
 * envelope (base64url JSON, as the messages service carries) but it is never
 * stored as a message: receiveEnvelope() runs without toMessage, so only the
 * advanced session state and the envelope's "seen" id are written. The
 * envelope id is marked seen, so a replayed blob is refused as a duplicate.
 * Needs `await loadCrypto()` first.
 */
import type { Address } from "../crypto/session";
import type { ParleyDB } from "../store/db";
import { encryptFor, receiveEnvelope } from "../store/sessions";
import { bodyToEnvelope, envelopeToBody } from "../chat/wire";
import { parseSignal, signalPlaintext, SignalError, type CallSignal, type SignalBody } from "./signalling";

/** The blob for POST /api/calls/{id}/signal. Throws CryptoError("no_session") without a session to `to`. */
export async function sealSignal(db: ParleyDB, from: Address, to: Address, callId: string, body: SignalBody): Promise<string> {
  const env = await encryptFor(db, from, to, signalPlaintext(callId, body));
  return envelopeToBody(env);
}

/**
 * The signal in a blob from `from` (the server's word on the sender, which
 * is what the session is keyed by). Throws CryptoError when it does not
 * decrypt (tampered, wrong sender, replayed) and SignalError when it decrypts
 * to something that is not a signal for this call.
 */
export async function openSignal(db: ParleyDB, from: Address, blob: string, callId: string): Promise<CallSignal> {
  let env;
  try {
    env = bodyToEnvelope(blob);
  } catch {
    throw new SignalError("undecodable blob");
  }
  const r = await receiveEnvelope(db, { ...env, from });
  if (r.status === "duplicate") throw new SignalError("replayed signal");
  return parseSignal(r.plaintext, callId);
}
