import "fake-indexeddb/auto";
import { beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../crypto/rng";
import { loadCrypto } from "../crypto/sodium";
import { openStore, type StoredMessage } from "./db";
import {
  countOneTimePreKeys,
  createDeviceKeys,
  createOneTimePreKeys,
  currentSignedPreKey,
  getIdentity,
  getSignedPreKey,
  rotateSignedPreKey,
} from "./keystore";
import { withLock } from "./locks";
import { getChat, getDraft, getSetting, listChats, listMessages, putChat, putMessage, setDraft, setMessageStatus, setSetting } from "./messages";

beforeAll(async () => {
  await loadCrypto();
});

let n = 0;
const fresh = () => openStore(`store-test-${++n}`);

describe("schema", () => {
  it("has every store of e2e.md", async () => {
    const db = await fresh();
    expect([...db.objectStoreNames].sort()).toEqual(
      ["chats", "deviceLists", "drafts", "identities", "identity", "messages", "prekeys", "seenEnvelopes", "senderKeys", "sessions", "settings", "signedPrekeys", "trust"].sort(),
    );
    db.close();
  });

  it("reopening an existing database keeps its data", async () => {
    const name = `store-reopen-${++n}`;
    let db = await openStore(name);
    await setSetting(db, "k", { a: 1 });
    db.close();
    db = await openStore(name);
    expect(await getSetting(db, "k")).toEqual({ a: 1 });
    db.close();
  });
});

describe("own keys", () => {
  it("createDeviceKeys stores identity, SPK and 100 OPKs and returns the upload body", async () => {
    const db = await fresh();
    const up = await createDeviceKeys(db, "u1", 3, { rng: seededRng("ks1"), now: 1000 });
    const me = await getIdentity(db);
    expect(me?.userId).toBe("u1");
    expect(me?.deviceId).toBe(3);
    expect(up.oneTimePreKeys).toHaveLength(100);
    expect(up.oneTimePreKeys[0]!.id).toBe(1);
    expect(await countOneTimePreKeys(db)).toBe(100);
    expect((await getSignedPreKey(db, up.signedPreKey.id))?.createdAt).toBe(1000);
    const more = await createOneTimePreKeys(db, 10, seededRng("ks1b"));
    expect(more.map((k) => k.id)).toEqual(Array.from({ length: 10 }, (_, i) => 101 + i));
    expect(await countOneTimePreKeys(db)).toBe(110);
    db.close();
  });

  it("rotation keeps old signed prekeys for 30 days, then drops them", async () => {
    const db = await fresh();
    const day = 24 * 3600 * 1000;
    await createDeviceKeys(db, "u1", 1, { rng: seededRng("ks2"), now: 0, preKeys: 1 });
    const second = await rotateSignedPreKey(db, seededRng("ks2b"), 7 * day);
    expect(await getSignedPreKey(db, 1)).not.toBeNull();
    expect((await currentSignedPreKey(db))?.id).toBe(second.id);
    await rotateSignedPreKey(db, seededRng("ks2c"), 31 * day);
    expect(await getSignedPreKey(db, 1)).toBeNull(); // 31 days old
    expect(await getSignedPreKey(db, second.id)).not.toBeNull(); // 24 days old
    db.close();
  });
});

const msg = (chatId: string, id: string, sentAt: number): StoredMessage => ({
  id,
  chatId,
  sender: { u: "a", d: 1 },
  sentAt,
  receivedAt: sentAt,
  kind: "text",
  body: { text: id },
  status: "received",
});

describe("messages, chats, drafts, settings", () => {
  it("lists a chat newest first and pages backwards", async () => {
    const db = await fresh();
    for (let i = 0; i < 7; i++) await putMessage(db, msg("c1", `m${i}`, 100 + i));
    await putMessage(db, msg("c1", "m3b", 103)); // same sentAt: ordered by id
    await putMessage(db, msg("c2", "other", 105));
    const page1 = await listMessages(db, "c1", null, 3);
    expect(page1.map((m) => m.id)).toEqual(["m6", "m5", "m4"]);
    const last = page1[2]!;
    const page2 = await listMessages(db, "c1", { sentAt: last.sentAt, id: last.id }, 3);
    expect(page2.map((m) => m.id)).toEqual(["m3b", "m3", "m2"]);
    const page3 = await listMessages(db, "c1", { sentAt: 102, id: "m2" }, 10);
    expect(page3.map((m) => m.id)).toEqual(["m1", "m0"]);
    expect(await listMessages(db, "nope")).toEqual([]);
    expect(await setMessageStatus(db, "m0", "read")).toBe(true);
    expect((await listMessages(db, "c1", { sentAt: 101, id: "m1" }))[0]!.status).toBe("read");
    db.close();
  });

  it("chats by last activity; drafts; settings", async () => {
    const db = await fresh();
    await putChat(db, { id: "a", kind: "direct", title: "A", members: ["ua"], lastActivityAt: 5, lastMessageId: null, unread: 0 });
    await putChat(db, { id: "b", kind: "group", title: "B", members: ["ua", "ub"], lastActivityAt: 9, lastMessageId: null, unread: 2 });
    expect((await listChats(db)).map((c) => c.id)).toEqual(["b", "a"]);
    expect((await getChat(db, "b"))?.unread).toBe(2);
    await setDraft(db, "a", "half a thought", 7);
    expect(await getDraft(db, "a")).toEqual({ chatId: "a", text: "half a thought", updatedAt: 7 });
    await setDraft(db, "a", "");
    expect(await getDraft(db, "a")).toBeUndefined();
    expect(await getSetting(db, "missing")).toBeUndefined();
    await setSetting(db, "enterSends", true);
    expect(await getSetting<boolean>(db, "enterSends")).toBe(true);
    db.close();
  });
});

describe("withLock", () => {
  it("runs one holder at a time per name, and releases on error", async () => {
    const log: string[] = [];
    const slow = (tag: string) =>
      withLock("L", async () => {
        log.push(`${tag}+`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${tag}-`);
      });
    const a = slow("a");
    const failing = withLock("L", async () => {
      throw new Error("boom");
    }).catch(() => log.push("err"));
    await Promise.all([a, failing, slow("b")]);
    expect(log).toEqual(["a+", "a-", "err", "b+", "b-"]);
  });
});
