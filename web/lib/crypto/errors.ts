/*
 * The one error type of lib/crypto. Every failure that the caller may want to
 * tell apart (show "security code changed", drop a replay, ask for a resend)
 * has a code; messages never contain key material.
 */

export type CryptoErrorCode =
  | "not_loaded" // loadCrypto() was not awaited
  | "bad_format" // malformed input: wrong length, bad base64url, wrong field type
  | "bad_signature" // an Ed25519 signature did not verify (SPK, ikDh, group message)
  | "weak_key" // X25519 produced the all-zero output (small-order point)
  | "decrypt_failed" // AEAD authentication failed (tampered, wrong session)
  | "duplicate" // message key already used: a replay
  | "too_far_ahead" // more than MAX_SKIP message keys would be skipped
  | "no_session" // nothing to decrypt or encrypt with
  | "missing_prekey"; // the SPK/OPK named by an X3DH header is gone

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = "CryptoError";
    this.code = code;
  }
}

export function isCryptoError(e: unknown, code?: CryptoErrorCode): e is CryptoError {
  return e instanceof CryptoError && (code === undefined || e.code === code);
}
