/*
 * This device's keys in IndexedDB (e2e.md "Keys per device"): identity,
 * signed prekeys (current + old ones kept 30 days) and one-time prekeys.
 * Functions that generate keys need `await loadCrypto()` first.
 */
import {
  SPK_KEEP_MS,
  generateIdentity,
  generateOneTimePreKeys,
  generateSignedPreKey,
  identityFromJson,
  identityToJson,
  oneTimePreKeyFromJson,
  oneTimePreKeyToJson,
  signedPreKeyFromJson,
  signedPreKeyToJson,
  toKeysUpload,
  type DeviceIdentity,
  type KeysUploadJson,
  type OneTimePreKey,
  type SignedPreKey,
} from "../crypto/keys";
import type { Rng } from "../crypto/rng";
import type { OwnIdentity, ParleyDB } from "./db";

export interface Me {
  userId: string;
  deviceId: number;
  identity: DeviceIdentity;
}

export async function getIdentity(db: ParleyDB): Promise<Me | null> {
  const r = await db.get("identity", "self");
  return r ? { userId: r.userId, deviceId: r.deviceId, identity: identityFromJson(r.identity) } : null;
}

export async function getOwnIdentityRecord(db: ParleyDB): Promise<OwnIdentity | undefined> {
  return db.get("identity", "self");
}

/** Store this device's identity (after registration); resets the prekey counters. */
export async function saveIdentity(db: ParleyDB, me: Me, now: number = Date.now()): Promise<void> {
  await db.put("identity", {
    key: "self",
    userId: me.userId,
    deviceId: me.deviceId,
    identity: identityToJson(me.identity),
    nextPreKeyId: 1,
    nextSignedPreKeyId: 1,
    createdAt: now,
  });
}

export async function getSignedPreKey(db: ParleyDB, id: number): Promise<SignedPreKey | null> {
  const r = await db.get("signedPrekeys", id);
  return r ? signedPreKeyFromJson(r) : null;
}

/** The newest signed prekey (the one uploaded), or null. */
export async function currentSignedPreKey(db: ParleyDB): Promise<SignedPreKey | null> {
  const all = await db.getAll("signedPrekeys");
  const newest = all.sort((a, b) => b.createdAt - a.createdAt)[0];
  return newest ? signedPreKeyFromJson(newest) : null;
}

export async function getOneTimePreKey(db: ParleyDB, id: number): Promise<OneTimePreKey | null> {
  const r = await db.get("prekeys", id);
  return r ? oneTimePreKeyFromJson(r) : null;
}

export async function countOneTimePreKeys(db: ParleyDB): Promise<number> {
  return db.count("prekeys");
}

export async function removeOneTimePreKey(db: ParleyDB, id: number): Promise<void> {
  await db.delete("prekeys", id);
}

/**
 * Make and store a new signed prekey and drop private halves older than 30
 * days (but never the newest). Returns the new key to upload.
 */
export async function rotateSignedPreKey(db: ParleyDB, rng?: Rng, now: number = Date.now()): Promise<SignedPreKey> {
  const tx = db.transaction(["identity", "signedPrekeys"], "readwrite");
  const own = await tx.objectStore("identity").get("self");
  if (!own) throw new Error("no identity");
  const spk = generateSignedPreKey(identityFromJson(own.identity), own.nextSignedPreKeyId, rng, now);
  const store = tx.objectStore("signedPrekeys");
  for (const old of await store.getAll()) {
    if (now - old.createdAt > SPK_KEEP_MS) await store.delete(old.id);
  }
  await store.put(signedPreKeyToJson(spk));
  await tx.objectStore("identity").put({ ...own, nextSignedPreKeyId: (own.nextSignedPreKeyId % 0x7fffffff) + 1 });
  await tx.done;
  return spk;
}

/** Make and store `count` one-time prekeys with fresh ids; returns them for upload. */
export async function createOneTimePreKeys(db: ParleyDB, count: number, rng?: Rng): Promise<OneTimePreKey[]> {
  const tx = db.transaction(["identity", "prekeys"], "readwrite");
  const own = await tx.objectStore("identity").get("self");
  if (!own) throw new Error("no identity");
  const first = own.nextPreKeyId + count > 0x7fffffff ? 1 : own.nextPreKeyId;
  const opks = generateOneTimePreKeys(first, count, rng);
  for (const k of opks) await tx.objectStore("prekeys").put(oneTimePreKeyToJson(k));
  await tx.objectStore("identity").put({ ...own, nextPreKeyId: first + count });
  await tx.done;
  return opks;
}

/**
 * First registration of this device: identity, a signed prekey and a batch
 * of one-time prekeys, stored; returns the PUT /api/auth/keys body.
 */
export async function createDeviceKeys(
  db: ParleyDB,
  userId: string,
  deviceId: number,
  opts: { rng?: Rng; now?: number; preKeys?: number } = {},
): Promise<KeysUploadJson> {
  const me: Me = { userId, deviceId, identity: generateIdentity(opts.rng) };
  await saveIdentity(db, me, opts.now);
  const spk = await rotateSignedPreKey(db, opts.rng, opts.now);
  const opks = await createOneTimePreKeys(db, opts.preKeys ?? 100, opts.rng);
  return toKeysUpload(me.identity, spk, opks);
}
