/*
 * The IndexedDB schema of the client store (e2e.md "Client store"), opened
 * through `idb`. This file and its siblings are the only code that talks to
 * IndexedDB (style.md, Web). Everything stored is a plain JSON-able object:
 * key material as base64url strings, produced by lib/crypto's *ToJson helpers.
 *
 * Versioning: DB_VERSION counts schema changes; upgrade() applies each step
 * from the old version, so an existing database migrates in place. Another
 * tab holding an old version is asked to close (versionchange → close).
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { DeviceIdentityJson, OneTimePreKeyJson, SignedPreKeyJson } from "../crypto/keys";
import type { SenderKeyState } from "../crypto/senderkeys";
import type { Address, SessionRecord } from "../crypto/session";

export const DB_NAME = "parley";
export const DB_VERSION = 2;

/** This device's identity and counters (one record, key "self"). */
export interface OwnIdentity {
  key: "self";
  userId: string;
  deviceId: number;
  identity: DeviceIdentityJson;
  nextPreKeyId: number;
  nextSignedPreKeyId: number;
  createdAt: number;
}

/**
 * A contact device's identity key as first seen (and the previous one if the
 * same device id ever showed another). The trust flags of a contact are in
 * ContactTrust; `verified` / `changed` here are kept for old records only.
 */
export interface KnownIdentity {
  userId: string;
  deviceId: number;
  ikSig: string;
  ikDh: string;
  firstSeenAt: number;
  /** The user compared security codes. */
  verified: boolean;
  /** The key changed since first seen / last acknowledged: show "security code changed". */
  changed: boolean;
  previousIkSig: string | null;
}

/** One device's identity key as the security code sees it. */
export interface DeviceKey {
  deviceId: number;
  ikSig: string;
}

/**
 * What we trust about one user (a contact, or ourselves for our other
 * devices): the identity keys of their current devices, over which the
 * security code is computed, and the user's verification (e2e.md "Security
 * code"). Created when we first learn one of their keys.
 */
export interface ContactTrust {
  userId: string;
  /** Current devices with keys, sorted by device id. */
  devices: DeviceKey[];
  /** We have seen their complete device list at least once (not only single devices). */
  listed: boolean;
  /** The user compared the security code of the current set. */
  verified: boolean;
  /** The set changed while verified: sending waits until the user acknowledges. */
  holdSends: boolean;
  updatedAt: number;
}

export interface StoredSession {
  userId: string;
  deviceId: number;
  record: SessionRecord;
}

export interface StoredSenderKey {
  groupId: string;
  userId: string;
  deviceId: number;
  distId: string;
  state: SenderKeyState;
  createdAt: number;
}

export interface DeviceList {
  userId: string;
  devices: number[];
  updatedAt: number;
}

export interface SeenEnvelope {
  id: string;
  at: number;
}

export interface Chat {
  id: string;
  kind: "direct" | "group";
  title: string;
  /** Direct: the other user; group: all members. */
  members: string[];
  lastActivityAt: number;
  lastMessageId: string | null;
  unread: number;
}

export type MessageStatus = "pending" | "sent" | "delivered" | "read" | "received" | "failed";

export interface StoredMessage {
  id: string;
  chatId: string;
  sender: Address;
  /** Sender's clock; with id, the order within a chat. */
  sentAt: number;
  receivedAt: number;
  kind: string;
  body: unknown;
  status: MessageStatus;
}

export interface Draft {
  chatId: string;
  text: string;
  updatedAt: number;
}

export interface Setting {
  key: string;
  value: unknown;
}

export interface ParleySchema extends DBSchema {
  identity: { key: string; value: OwnIdentity };
  prekeys: { key: number; value: OneTimePreKeyJson };
  signedPrekeys: { key: number; value: SignedPreKeyJson };
  identities: { key: [string, number]; value: KnownIdentity; indexes: { byUser: string } };
  trust: { key: string; value: ContactTrust };
  sessions: { key: [string, number]; value: StoredSession; indexes: { byUser: string } };
  senderKeys: {
    key: [string, string, number, string];
    value: StoredSenderKey;
    indexes: { bySender: [string, string, number]; byGroup: string };
  };
  deviceLists: { key: string; value: DeviceList };
  seenEnvelopes: { key: string; value: SeenEnvelope; indexes: { byAt: number } };
  chats: { key: string; value: Chat; indexes: { byLastActivity: number } };
  messages: { key: string; value: StoredMessage; indexes: { byChat: [string, number, string] } };
  drafts: { key: string; value: Draft };
  settings: { key: string; value: Setting };
}

export type ParleyDB = IDBPDatabase<ParleySchema>;
export type StoreName = Parameters<ParleyDB["transaction"]>[0] & string;

export async function openStore(name: string = DB_NAME): Promise<ParleyDB> {
  const db = await openDB<ParleySchema>(name, DB_VERSION, {
    upgrade(up, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        up.createObjectStore("identity", { keyPath: "key" });
        up.createObjectStore("prekeys", { keyPath: "id" });
        up.createObjectStore("signedPrekeys", { keyPath: "id" });
        up.createObjectStore("identities", { keyPath: ["userId", "deviceId"] }).createIndex("byUser", "userId");
        up.createObjectStore("sessions", { keyPath: ["userId", "deviceId"] }).createIndex("byUser", "userId");
        const sk = up.createObjectStore("senderKeys", { keyPath: ["groupId", "userId", "deviceId", "distId"] });
        sk.createIndex("bySender", ["groupId", "userId", "deviceId"]);
        sk.createIndex("byGroup", "groupId");
        up.createObjectStore("deviceLists", { keyPath: "userId" });
        up.createObjectStore("seenEnvelopes", { keyPath: "id" }).createIndex("byAt", "at");
        up.createObjectStore("chats", { keyPath: "id" }).createIndex("byLastActivity", "lastActivityAt");
        up.createObjectStore("messages", { keyPath: "id" }).createIndex("byChat", ["chatId", "sentAt", "id"]);
        up.createObjectStore("drafts", { keyPath: "chatId" });
        up.createObjectStore("settings", { keyPath: "key" });
      }
      if (oldVersion < 2) {
        // Per-user trust; seeded from the known identities of version 1 (all of them current).
        const trust = up.createObjectStore("trust", { keyPath: "userId" });
        void tx
          .objectStore("identities")
          .getAll()
          .then((all) => {
            const byUser = new Map<string, KnownIdentity[]>();
            for (const k of all) byUser.set(k.userId, [...(byUser.get(k.userId) ?? []), k]);
            for (const [userId, ks] of byUser) {
              void trust.put({
                userId,
                devices: ks.map((k) => ({ deviceId: k.deviceId, ikSig: k.ikSig })).sort((a, b) => a.deviceId - b.deviceId),
                listed: false,
                verified: ks.every((k) => k.verified),
                holdSends: ks.some((k) => k.verified && k.changed),
                updatedAt: Date.now(),
              });
            }
          });
      }
      // Later versions: `if (oldVersion < 3) { … }` here, never edit the steps above.
    },
  });
  // Let a newer tab upgrade the schema instead of blocking it.
  db.addEventListener("versionchange", () => db.close());
  return db;
}
