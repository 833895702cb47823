import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openStore, type ParleyDB, type StoredMessage } from "../store/db";
import { listMessages, putMessage } from "../store/messages";
import { markVerified } from "../store/trust";
import { isSecurityNotice, noteDevices, securityNoticeText, type DeviceNewsDeps } from "./devices";

let n = 0;
const key = (deviceId: number, ikSig: string) => ({ deviceId, ikSig });

/** The engine's side, recorded: Alice (me) has one chat with Bob. */
async function world(chats: Record<string, string[]> = { bob: ["chat-ab"] }) {
  const db: ParleyDB = await openStore(`devices-test-${++n}`);
  const shown: StoredMessage[] = [];
  const flags: { chatId: string; hold: boolean }[] = [];
  const deps: DeviceNewsDeps = {
    db,
    me: "alice",
    chatsWith: (u) => chats[u] ?? [],
    nameOf: (u) => (u === "bob" ? "Bob" : u),
    show: (m) => shown.push(m),
    changed: (chatId, hold) => flags.push({ chatId, hold }),
  };
  const notices = async (chatId = "chat-ab") => (await listMessages(db, chatId, null, 1000)).filter(isSecurityNotice);
  return { db, deps, shown, flags, notices };
}

function text(chatId: string, sentAt: number): StoredMessage {
  return { id: `m${sentAt}`, chatId, sender: { u: "bob", d: 1 }, sentAt, receivedAt: sentAt, kind: "text", body: { text: "hi" }, status: "received" };
}

describe("security code notices", () => {
  it("first contact shows nothing, not even when learnt from an incoming message and then the full list", async () => {
    const w = await world();
    expect(await noteDevices(w.deps, "bob", { keys: [key(2, "k2")] }, 100)).toBe("first");
    expect(await noteDevices(w.deps, "bob", { list: [1, 2], keys: [key(1, "k1"), key(2, "k2")] }, 200)).toBe("same");
    expect(await w.notices()).toEqual([]);
    expect(w.shown).toEqual([]);
    expect(w.flags).toEqual([]);
  });

  it("a change shows one notice, not again on every fetch of the same list", async () => {
    const w = await world();
    await noteDevices(w.deps, "bob", { list: [1], keys: [key(1, "k1")] }, 100);
    await putMessage(w.db, text("chat-ab", 150));
    expect(await noteDevices(w.deps, "bob", { list: [2], keys: [key(2, "k2")] }, 200)).toBe("changed");
    for (const at of [300, 400]) await noteDevices(w.deps, "bob", { list: [2], keys: [key(2, "k2")] }, at);
    const ns = await w.notices();
    expect(ns).toHaveLength(1);
    expect(ns[0]!.body).toMatchObject({ text: securityNoticeText("Bob") });
    expect(ns[0]!.sentAt).toBe(200);
    expect(w.shown.map((m) => m.id)).toEqual([ns[0]!.id]);
    expect(w.flags).toEqual([{ chatId: "chat-ab", hold: false }]);
  });

  it("two devices changing at once are one notice", async () => {
    const w = await world();
    await noteDevices(w.deps, "bob", { list: [1, 2], keys: [key(1, "k1"), key(2, "k2")] }, 100);
    await noteDevices(w.deps, "bob", { removed: [1, 2], keys: [key(3, "k3"), key(4, "k4")] }, 200);
    expect(await w.notices()).toHaveLength(1);
  });

  it("a reinstall learnt in two steps with nothing in between is one notice; a later change is another", async () => {
    const w = await world();
    await noteDevices(w.deps, "bob", { list: [1], keys: [key(1, "k1")] }, 100);
    await putMessage(w.db, text("chat-ab", 150));
    expect(await noteDevices(w.deps, "bob", { keys: [key(2, "k2")] }, 200)).toBe("changed"); // new device wrote
    expect(await noteDevices(w.deps, "bob", { removed: [1] }, 300)).toBe("changed"); // the old one found gone
    expect(await w.notices()).toHaveLength(1);
    await putMessage(w.db, text("chat-ab", 400));
    await noteDevices(w.deps, "bob", { keys: [key(5, "k5")] }, 500);
    expect(await w.notices()).toHaveLength(2);
  });

  it("a verified contact's change asks the chat to hold sending", async () => {
    const w = await world();
    await noteDevices(w.deps, "bob", { list: [1], keys: [key(1, "k1")] }, 100);
    await markVerified(w.db, "bob");
    await noteDevices(w.deps, "bob", { removed: [1], keys: [key(2, "k2")] }, 200);
    expect(w.flags).toEqual([{ chatId: "chat-ab", hold: true }]);
  });

  it("our own devices change our half of the code but show nothing", async () => {
    const w = await world({ alice: ["note-to-self"], bob: ["chat-ab"] });
    await noteDevices(w.deps, "alice", { list: [2], keys: [key(2, "a2")] }, 100);
    expect(await noteDevices(w.deps, "alice", { list: [2, 3], keys: [key(2, "a2"), key(3, "a3")] }, 200)).toBe("changed");
    expect(await w.notices("note-to-self")).toEqual([]);
    expect(w.flags).toEqual([]);
  });

  it("every chat with the contact gets the notice", async () => {
    const w = await world({ bob: ["chat-ab", "chat-ab-2"] });
    await noteDevices(w.deps, "bob", { list: [1], keys: [key(1, "k1")] }, 100);
    await noteDevices(w.deps, "bob", { list: [2], keys: [key(2, "k2")] }, 200);
    expect(await w.notices("chat-ab")).toHaveLength(1);
    expect(await w.notices("chat-ab-2")).toHaveLength(1);
  });
});
