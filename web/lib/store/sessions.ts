/*
 * Pairwise sessions in IndexedDB and the receive/send paths (e2e.md "Client
 * store"): for one envelope, read (session, prekeys, seen ids) → decrypt →
 * write (new session state, seen id, consumed OPK, identity flags, message)
 * happen in ONE readwrite transaction, under a per-session lock across tabs,
 * so a ratchet state is never used twice and the new state is stored before
 * the plaintext is shown. libsodium is synchronous, so the transaction stays
 * active across the decrypt. Needs `await loadCrypto()` first.
 */
import { fromB64u, toB64u } from "../crypto/bytes";
import { CryptoError } from "../crypto/errors";
import { identityFromJson, oneTimePreKeyFromJson, signedPreKeyFromJson, type PreKeyBundle } from "../crypto/keys";
import {
  decryptMessage,
  encryptMessage,
  initiateSession,
  newSessionRecord,
  preKeyIdsOf,
  type Address,
  type Envelope,
  type Plaintext,
  type SessionOptions,
  type SessionRecord,
} from "../crypto/session";
import type { ParleyDB, StoredMessage } from "./db";
import { notify } from "./events";
import { sessionLockName, withLock } from "./locks";
import { recordIdentityIn, type IdentityCheck } from "./trust";

export async function loadSession(db: ParleyDB, peer: Address): Promise<SessionRecord | null> {
  const r = await db.get("sessions", [peer.u, peer.d]);
  return r ? r.record : null;
}

export async function saveSession(db: ParleyDB, record: SessionRecord): Promise<void> {
  await db.put("sessions", { userId: record.peer.u, deviceId: record.peer.d, record });
}

export async function deleteSession(db: ParleyDB, peer: Address): Promise<void> {
  await db.delete("sessions", [peer.u, peer.d]);
}

/** Devices of `userId` we have a current session with. */
export async function sessionDevices(db: ParleyDB, userId: string): Promise<number[]> {
  const rs = await db.getAllFromIndex("sessions", "byUser", userId);
  return rs.filter((r) => r.record.current !== null).map((r) => r.deviceId);
}

/**
 * Key of a processed envelope in seenEnvelopes. Scoped by sender: the id is
 * chosen by the sender and not authenticated, so one sender's ids must not
 * be able to shadow another's.
 */
export function seenKey(from: Address, envelopeId: string): string {
  return `${from.u}/${from.d}/${envelopeId}`;
}

/** `key` as made by seenKey() (or the caller's own key given to commitDecrypt). */
export async function isSeen(db: ParleyDB, key: string): Promise<boolean> {
  return (await db.count("seenEnvelopes", key)) > 0;
}

/** Forget seen ids older than `before` (the server keeps undelivered envelopes for less). */
export async function pruneSeen(db: ParleyDB, before: number): Promise<number> {
  const tx = db.transaction("seenEnvelopes", "readwrite");
  let n = 0;
  for (let c = await tx.store.index("byAt").openCursor(IDBKeyRange.upperBound(before, true)); c; c = await c.continue()) {
    await c.delete();
    n++;
  }
  await tx.done;
  return n;
}

export interface CommitDecrypt {
  record: SessionRecord;
  /** Seen-envelope key, normally seenKey(from, envelope.id). */
  envelopeId: string;
  message: StoredMessage | null;
  usedOneTimePreKeyId?: number | null;
  now?: number;
}

/**
 * Persist the outcome of a decrypt done by the caller: new session state,
 * envelope marked seen, consumed OPK deleted and the message stored, in one
 * transaction. Rejects (and writes nothing) if the envelope was already seen.
 */
export async function commitDecrypt(db: ParleyDB, c: CommitDecrypt): Promise<void> {
  const tx = db.transaction(["sessions", "seenEnvelopes", "prekeys", "messages"], "readwrite");
  tx.done.catch(() => undefined);
  if ((await tx.objectStore("seenEnvelopes").count(c.envelopeId)) > 0) {
    tx.abort();
    throw new CryptoError("duplicate", "envelope already processed");
  }
  await tx.objectStore("sessions").put({ userId: c.record.peer.u, deviceId: c.record.peer.d, record: c.record });
  await tx.objectStore("seenEnvelopes").put({ id: c.envelopeId, at: c.now ?? Date.now() });
  if (c.usedOneTimePreKeyId != null) await tx.objectStore("prekeys").delete(c.usedOneTimePreKeyId);
  if (c.message) await tx.objectStore("messages").put(c.message);
  await tx.done;
  if (c.message) notify({ topic: "messages", chatId: c.message.chatId });
}

export type ReceiveResult =
  | { status: "duplicate" }
  | {
      status: "ok";
      plaintext: Plaintext;
      message: StoredMessage | null;
      /** "changed": show "security code changed" in the chat. */
      identity: IdentityCheck;
      newSession: boolean;
    };

export interface ReceiveOptions extends SessionOptions {
  /** Map a decrypted plaintext to a stored message (null for receipts, skdm, …). */
  toMessage?: (p: Plaintext, env: Envelope) => StoredMessage | null;
}

/**
 * Decrypt and store one pairwise envelope addressed to this device. Throws
 * CryptoError on failure (nothing is written then); returns "duplicate" for
 * an envelope id already processed.
 */
export async function receiveEnvelope(db: ParleyDB, env: Envelope, opts: ReceiveOptions = {}): Promise<ReceiveResult> {
  return withLock(sessionLockName(env.from), async () => {
    const now = opts.now ?? Date.now();
    const tx = db.transaction(
      ["identity", "signedPrekeys", "prekeys", "sessions", "seenEnvelopes", "identities", "messages"],
      "readwrite",
    );
    tx.done.catch(() => undefined); // surfaced through the awaits below
    try {
      const seen = seenKey(env.from, env.id);
      if ((await tx.objectStore("seenEnvelopes").count(seen)) > 0) {
        await tx.done;
        return { status: "duplicate" } as const;
      }
      const own = await tx.objectStore("identity").get("self");
      if (!own) throw new CryptoError("no_session", "this device has no identity");
      const stored = await tx.objectStore("sessions").get([env.from.u, env.from.d]);
      const ids = preKeyIdsOf(env);
      const spk = ids ? await tx.objectStore("signedPrekeys").get(ids.spkId) : undefined;
      const opk = ids && ids.opkId !== null ? await tx.objectStore("prekeys").get(ids.opkId) : undefined;

      // Synchronous: no await between here and the puts, so the transaction stays open.
      const r = decryptMessage(
        stored?.record ?? newSessionRecord(env.from),
        env,
        identityFromJson(own.identity),
        { signedPreKey: spk ? signedPreKeyFromJson(spk) : null, oneTimePreKey: opk ? oneTimePreKeyFromJson(opk) : null },
        { ...opts, now },
      );
      const message = opts.toMessage ? opts.toMessage(r.plaintext, env) : null;

      const identity = await recordIdentityIn(tx.objectStore("identities"), env.from.u, env.from.d, r.remoteIkSig, r.remoteIkDh, now);
      await tx.objectStore("sessions").put({ userId: env.from.u, deviceId: env.from.d, record: r.record });
      await tx.objectStore("seenEnvelopes").put({ id: seen, at: now });
      if (r.usedOneTimePreKeyId !== null) await tx.objectStore("prekeys").delete(r.usedOneTimePreKeyId);
      if (message) await tx.objectStore("messages").put(message);
      await tx.done;
      if (message) notify({ topic: "messages", chatId: message.chatId });
      if (identity === "changed") notify({ topic: "identities" });
      return { status: "ok", plaintext: r.plaintext, message, identity, newSession: r.newSession } as const;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      throw e;
    }
  });
}

/**
 * Start a session with a device from a fetched bundle (verifies its
 * signatures) and record its identity. Returns the identity check so the
 * caller can warn before sending when it is "changed".
 */
export async function startSession(
  db: ParleyDB,
  userId: string,
  bundle: PreKeyBundle,
  opts: SessionOptions = {},
): Promise<IdentityCheck> {
  const peer: Address = { u: userId, d: bundle.deviceId };
  return withLock(sessionLockName(peer), async () => {
    const now = opts.now ?? Date.now();
    const tx = db.transaction(["identity", "sessions", "identities"], "readwrite");
    tx.done.catch(() => undefined);
    try {
      const own = await tx.objectStore("identity").get("self");
      if (!own) throw new CryptoError("no_session", "this device has no identity");
      const stored = await tx.objectStore("sessions").get([userId, bundle.deviceId]);
      const record = initiateSession(stored?.record ?? newSessionRecord(peer), identityFromJson(own.identity), bundle, { ...opts, now });
      const check = await recordIdentityIn(tx.objectStore("identities"), userId, bundle.deviceId, toB64u(bundle.ikSig), toB64u(bundle.ikDh), now);
      await tx.objectStore("sessions").put({ userId, deviceId: bundle.deviceId, record });
      await tx.done;
      if (check === "changed") notify({ topic: "identities" });
      return check;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      throw e;
    }
  });
}

/**
 * Encrypt for one device and save the advanced state before returning the
 * envelope (a message key is never reused even if sending fails). Throws
 * no_session when there is none: fetch a bundle and startSession() first.
 */
export async function encryptFor(
  db: ParleyDB,
  from: Address,
  to: Address,
  plaintext: Plaintext,
  opts: SessionOptions & { id?: string } = {},
): Promise<Envelope> {
  return withLock(sessionLockName(to), async () => {
    const tx = db.transaction("sessions", "readwrite");
    const stored = await tx.store.get([to.u, to.d]);
    if (!stored) {
      await tx.done;
      throw new CryptoError("no_session", "no session with this device");
    }
    const r = encryptMessage(stored.record, from, plaintext, opts);
    await tx.store.put({ ...stored, record: r.record });
    await tx.done;
    return r.envelope;
  });
}

/** Remote identity key of the current session with `peer`, for the security code. */
export async function sessionIdentityKey(db: ParleyDB, peer: Address): Promise<Uint8Array | null> {
  const rec = await loadSession(db, peer);
  return rec?.current ? fromB64u(rec.current.remoteIkSig) : null;
}
