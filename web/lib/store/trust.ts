/*
 * Known identities of contact devices and the trust rules of e2e.md
 * ("Security code"): first use is trusted and remembered; a different key
 * later marks the identity `changed` (the chat shows "security code
 * changed"); if it had been verified, sending is blocked until the user
 * acknowledges the change.
 */
import type { KnownIdentity, ParleyDB } from "./db";
import { notify } from "./events";

export type IdentityCheck = "new" | "same" | "changed";

/** The part of the "identities" object store (in any readwrite transaction) used here. */
export interface IdentitiesStore {
  get(key: [string, number]): Promise<KnownIdentity | undefined>;
  put(value: KnownIdentity): Promise<unknown>;
}

/** Record the key seen for (user, device) inside an open transaction. */
export async function recordIdentityIn(
  store: IdentitiesStore,
  userId: string,
  deviceId: number,
  ikSig: string,
  ikDh: string,
  now: number,
): Promise<IdentityCheck> {
  const known = await store.get([userId, deviceId]);
  if (!known) {
    await store.put({ userId, deviceId, ikSig, ikDh, firstSeenAt: now, verified: false, changed: false, previousIkSig: null });
    return "new";
  }
  if (known.ikSig === ikSig) return "same";
  await store.put({ ...known, ikSig, ikDh, changed: true, previousIkSig: known.ikSig });
  return "changed";
}

export async function recordIdentity(db: ParleyDB, userId: string, deviceId: number, ikSig: string, ikDh: string, now = Date.now()): Promise<IdentityCheck> {
  const tx = db.transaction("identities", "readwrite");
  const r = await recordIdentityIn(tx.store, userId, deviceId, ikSig, ikDh, now);
  await tx.done;
  if (r === "changed") notify({ topic: "identities" });
  return r;
}

export async function getKnownIdentity(db: ParleyDB, userId: string, deviceId: number): Promise<KnownIdentity | undefined> {
  return db.get("identities", [userId, deviceId]);
}

export async function listKnownIdentities(db: ParleyDB, userId: string): Promise<KnownIdentity[]> {
  return db.getAllFromIndex("identities", "byUser", userId);
}

/** The user compared the security code of `userId` and it matched. */
export async function markVerified(db: ParleyDB, userId: string, verified = true): Promise<void> {
  const tx = db.transaction("identities", "readwrite");
  for (const k of await tx.store.index("byUser").getAll(userId)) {
    await tx.store.put({ ...k, verified, changed: verified ? false : k.changed });
  }
  await tx.done;
  notify({ topic: "identities" });
}

/** The user saw "security code changed": clear the flag; the new key is unverified. */
export async function acknowledgeIdentityChange(db: ParleyDB, userId: string): Promise<void> {
  const tx = db.transaction("identities", "readwrite");
  for (const k of await tx.store.index("byUser").getAll(userId)) {
    if (k.changed) await tx.store.put({ ...k, changed: false, verified: false });
  }
  await tx.done;
  notify({ topic: "identities" });
}

/** False while a verified contact's key changed and the user has not acknowledged it. */
export async function canSendTo(db: ParleyDB, userId: string): Promise<boolean> {
  const ks = await listKnownIdentities(db, userId);
  return !ks.some((k) => k.verified && k.changed);
}
