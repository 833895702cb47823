/*
 * Public API of lib/crypto (e2e.md). Call `await loadCrypto()` once before
 * anything else: libsodium is loaded lazily as a separate chunk.
 */
export { loadCrypto, isCryptoLoaded } from "./sodium";
export { CryptoError, isCryptoError, type CryptoErrorCode } from "./errors";
export { toB64u, fromB64u } from "./bytes";
export * from "./keys";
export { x3dhInitiate, x3dhRespond, X3DH_INFO, type X3dhHeader } from "./x3dh";
export { MAX_SKIP, MAX_STORED_SKIPPED, SKIPPED_TTL_MS, type RatchetState, type MessageHeader } from "./ratchet";
export * from "./session";
export * from "./senderkeys";
export { securityCode, compareScanned, combinedIdentityKey, FINGERPRINT_ITERATIONS, type SecurityCode, type Party } from "./fingerprint";
export type { Rng } from "./rng";
