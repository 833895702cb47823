/*
 * Sender keys and device lists in IndexedDB (e2e.md "Sender Keys", "Key
 * directory API"). Group envelopes are verified, decrypted and stored in one
 * transaction, like pairwise ones (sessions.ts). Needs `await loadCrypto()`.
 */
import { CryptoError } from "../crypto/errors";
import { groupDecrypt, groupEncrypt, type GroupEnvelope, type SenderKeyState } from "../crypto/senderkeys";
import type { Address, Plaintext } from "../crypto/session";
import type { DeviceList, ParleyDB, StoredMessage } from "./db";
import { notify } from "./events";
import { withLock } from "./locks";
import { seenKey } from "./sessions";

export async function putSenderKey(db: ParleyDB, state: SenderKeyState, now: number = Date.now()): Promise<void> {
  const prev = await db.get("senderKeys", [state.groupId, state.owner.u, state.owner.d, state.distId]);
  await db.put("senderKeys", {
    groupId: state.groupId,
    userId: state.owner.u,
    deviceId: state.owner.d,
    distId: state.distId,
    state,
    createdAt: prev?.createdAt ?? now,
  });
}

export async function getSenderKey(db: ParleyDB, groupId: string, owner: Address, distId: string): Promise<SenderKeyState | null> {
  return (await db.get("senderKeys", [groupId, owner.u, owner.d, distId]))?.state ?? null;
}

/** Newest sender key of `owner` in a group (our own, to send with). */
export async function latestSenderKey(db: ParleyDB, groupId: string, owner: Address): Promise<SenderKeyState | null> {
  const all = await db.getAllFromIndex("senderKeys", "bySender", [groupId, owner.u, owner.d]);
  return all.sort((a, b) => b.createdAt - a.createdAt)[0]?.state ?? null;
}

/** Drop all sender keys of a group (on rotation: a member or device left). */
export async function deleteGroupSenderKeys(db: ParleyDB, groupId: string): Promise<void> {
  const tx = db.transaction("senderKeys", "readwrite");
  for (const k of await tx.store.index("byGroup").getAllKeys(groupId)) await tx.store.delete(k);
  await tx.done;
}

/** Encrypt with our sender key and save the advanced chain first. */
export async function groupEncryptFor(
  db: ParleyDB,
  groupId: string,
  me: Address,
  plaintext: Plaintext,
  opts: { id?: string } = {},
): Promise<GroupEnvelope> {
  return withLock(`parley-group:${groupId}:${me.u}:${me.d}`, async () => {
    const own = await latestSenderKey(db, groupId, me);
    if (!own) throw new CryptoError("no_session", "no sender key for this group");
    const r = groupEncrypt(own, plaintext, opts);
    await putSenderKey(db, r.state);
    return r.envelope;
  });
}

export type GroupReceiveResult = { status: "duplicate" } | { status: "ok"; plaintext: Plaintext; message: StoredMessage | null };

export async function receiveGroupEnvelope(
  db: ParleyDB,
  env: GroupEnvelope,
  opts: { now?: number; toMessage?: (p: Plaintext, env: GroupEnvelope) => StoredMessage | null } = {},
): Promise<GroupReceiveResult> {
  return withLock(`parley-group:${env.groupId}:${env.from.u}:${env.from.d}`, async () => {
    const now = opts.now ?? Date.now();
    const tx = db.transaction(["senderKeys", "seenEnvelopes", "messages"], "readwrite");
    tx.done.catch(() => undefined);
    try {
      const seen = seenKey(env.from, env.id);
      if ((await tx.objectStore("seenEnvelopes").count(seen)) > 0) {
        await tx.done;
        return { status: "duplicate" } as const;
      }
      const stored = await tx.objectStore("senderKeys").get([env.groupId, env.from.u, env.from.d, env.distId]);
      if (!stored) throw new CryptoError("no_session", "no sender key: distribution message not received yet");
      const r = groupDecrypt(stored.state, env);
      const message = opts.toMessage ? opts.toMessage(r.plaintext, env) : null;
      await tx.objectStore("senderKeys").put({ ...stored, state: r.state });
      await tx.objectStore("seenEnvelopes").put({ id: seen, at: now });
      if (message) await tx.objectStore("messages").put(message);
      await tx.done;
      if (message) notify({ topic: "messages", chatId: message.chatId });
      return { status: "ok", plaintext: r.plaintext, message } as const;
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

export async function getDeviceList(db: ParleyDB, userId: string): Promise<DeviceList | undefined> {
  return db.get("deviceLists", userId);
}

/** Store a user's devices; returns the ids that disappeared (their sessions should be dropped). */
export async function putDeviceList(db: ParleyDB, userId: string, devices: number[], now: number = Date.now()): Promise<number[]> {
  const prev = await db.get("deviceLists", userId);
  await db.put("deviceLists", { userId, devices: [...devices].sort((a, b) => a - b), updatedAt: now });
  return prev ? prev.devices.filter((d) => !devices.includes(d)) : [];
}
