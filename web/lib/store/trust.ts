/*
 * Trust in the keys of other users' devices (e2e.md "Security code").
 *
 * Two records:
 *  - KnownIdentity, per (user, device): the device's keys as first seen,
 *    written by the session code in the same transaction as the decrypt or
 *    the session start (recordIdentityIn).
 *  - ContactTrust, per user: the identity keys of the user's CURRENT devices
 *    (the security code is computed over these, as WhatsApp multi-device
 *    does), whether the user verified that code, and whether sending waits.
 *
 * Device ids are never reused and a device's key never changes on the
 * server, so a contact who reinstalls shows up as one device gone and a new
 * one with a new key. learnDevices() is told whatever the engine learned (a
 * full device list, devices gone, keys of devices) and answers "changed"
 * when the set of identity keys differs from the one we had: the caller
 * shows "security code changed" once. The first keys we ever learn of a user
 * are "first" (nothing to show). Each call is one transaction, so two
 * concurrent callers cannot both report the same change.
 */
import type { ContactTrust, DeviceKey, KnownIdentity, ParleyDB } from "./db";
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

/* ---------------- the current device set of a user ---------------- */

/** What the engine learned about a user's devices, applied as one step. */
export interface DeviceNews {
  /** The complete current device list (GET keys/{user}/*): every other device is gone. */
  list?: readonly number[];
  /** Devices known to be gone (a send's stale or extra devices). */
  removed?: readonly number[];
  /** Identity keys of devices (fetched bundles, an incoming prekey message). */
  keys?: readonly DeviceKey[];
}

export type DeviceSetCheck = "first" | "same" | "changed";

export async function getContactTrust(db: ParleyDB, userId: string): Promise<ContactTrust | undefined> {
  return db.get("trust", userId);
}

/** The identity keys the security code with `userId` is computed over (empty: none known). */
export async function currentDeviceKeys(db: ParleyDB, userId: string): Promise<DeviceKey[]> {
  return (await getContactTrust(db, userId))?.devices ?? [];
}

function applyNews(prev: readonly DeviceKey[], news: DeviceNews): DeviceKey[] {
  const next = new Map(prev.map((k) => [k.deviceId, k.ikSig]));
  const list = news.list ? new Set(news.list) : null;
  // A listed device without keys yet keeps the key we had for it (if any); it adds nothing until it has one.
  if (list) for (const d of [...next.keys()]) if (!list.has(d)) next.delete(d);
  for (const d of news.removed ?? []) next.delete(d);
  for (const k of news.keys ?? []) if (!list || list.has(k.deviceId)) next.set(k.deviceId, k.ikSig);
  return [...next].map(([deviceId, ikSig]) => ({ deviceId, ikSig })).sort((a, b) => a.deviceId - b.deviceId);
}

/**
 * Apply what was learned about `userId`'s devices. "changed": the set of
 * identity keys is not the one we had; a verified user then loses the
 * verification and sending waits for acknowledgeIdentityChange().
 */
export async function learnDevices(db: ParleyDB, userId: string, news: DeviceNews, now = Date.now()): Promise<DeviceSetCheck> {
  const tx = db.transaction("trust", "readwrite");
  const prev = await tx.store.get(userId);
  const devices = applyNews(prev?.devices ?? [], news);
  if (!prev) {
    // First contact: whatever we learn first is the baseline.
    if (devices.length > 0) await tx.store.put({ userId, devices, listed: !!news.list, verified: false, holdSends: false, updatedAt: now });
    await tx.done;
    return "first";
  }
  const before = new Set(prev.devices.map((k) => k.ikSig));
  const after = new Set(devices.map((k) => k.ikSig));
  const grew = [...after].some((k) => !before.has(k));
  const shrank = [...before].some((k) => !after.has(k));
  // The first complete list after knowing only the device that wrote to us first: its other
  // devices existed before we met and are not news. A key that went still is.
  const baseline = !!news.list && !prev.listed && !shrank;
  const changed = (grew || shrank) && !baseline;
  const listed = prev.listed || !!news.list;
  if (changed || grew || shrank || listed !== prev.listed) {
    const rec: ContactTrust = { ...prev, devices, listed, updatedAt: now };
    if (changed) {
      rec.holdSends = prev.verified || prev.holdSends;
      rec.verified = false;
    }
    await tx.store.put(rec);
  }
  await tx.done;
  if (!changed) return "same";
  notify({ topic: "identities" });
  return "changed";
}

/** The user compared the security code of `userId` and it matched (or withdraws that). */
export async function markVerified(db: ParleyDB, userId: string, verified = true): Promise<void> {
  const tx = db.transaction("trust", "readwrite");
  const rec = await tx.store.get(userId);
  if (rec) await tx.store.put({ ...rec, verified, holdSends: verified ? false : rec.holdSends });
  await tx.done;
  notify({ topic: "identities" });
}

/** The user saw "security code changed": sending resumes; the new code is unverified. */
export async function acknowledgeIdentityChange(db: ParleyDB, userId: string): Promise<void> {
  const tx = db.transaction("trust", "readwrite");
  const rec = await tx.store.get(userId);
  if (rec) await tx.store.put({ ...rec, holdSends: false, verified: false });
  await tx.done;
  notify({ topic: "identities" });
}

/** False while a verified user's security code changed and the user has not acknowledged it. */
export async function canSendTo(db: ParleyDB, userId: string): Promise<boolean> {
  return !(await getContactTrust(db, userId))?.holdSends;
}
