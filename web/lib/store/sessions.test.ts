import "fake-indexeddb/auto";
import { beforeAll, describe, expect, it } from "vitest";
import { fromB64u, toB64u } from "../crypto/bytes";
import { parseKeysBundle, type KeysBundleJson, type KeysUploadJson } from "../crypto/keys";
import { seededRng } from "../crypto/rng";
import { createSenderKey, distributionMessage, processDistribution } from "../crypto/senderkeys";
import type { Address, Envelope, Plaintext } from "../crypto/session";
import { loadCrypto } from "../crypto/sodium";
import { openStore, type ParleyDB, type StoredMessage } from "./db";
import { subscribe, type StoreEvent } from "./events";
import { groupEncryptFor, putDeviceList, putSenderKey, receiveGroupEnvelope } from "./groups";
import { countOneTimePreKeys, createDeviceKeys } from "./keystore";
import { listMessages } from "./messages";
import { commitDecrypt, encryptFor, isSeen, loadSession, pruneSeen, receiveEnvelope, seenKey, startSession } from "./sessions";
import { getKnownIdentity } from "./trust";

beforeAll(async () => {
  await loadCrypto();
});

let n = 0;
const A: Address = { u: "alice", d: 1 };
const B: Address = { u: "bob", d: 2 };
const text = (s: string): Plaintext => ({ kind: "text", body: { text: s }, sentAt: 1000 + n });

/** As the server would answer GET /api/auth/keys/{user}/{device}: the uploaded keys with one OPK claimed. */
function bundleFrom(up: KeysUploadJson, deviceId: number, opkIndex: number | null): KeysBundleJson {
  return {
    devices: [
      {
        deviceId,
        ikSig: up.ikSig,
        ikDh: up.ikDh,
        ikDhSig: up.ikDhSig,
        signedPreKey: up.signedPreKey,
        oneTimePreKey: opkIndex === null ? null : up.oneTimePreKeys[opkIndex]!,
      },
    ],
  };
}

const toMessage = (p: Plaintext, env: { id: string; from: Address }): StoredMessage => ({
  id: env.id,
  chatId: `dm:${env.from.u}`,
  sender: env.from,
  sentAt: p.sentAt,
  receivedAt: p.sentAt + 1,
  kind: p.kind,
  body: p.body,
  status: "received",
});

interface Device {
  db: ParleyDB;
  addr: Address;
  up: KeysUploadJson;
  name: string;
}

async function device(addr: Address, seed: string): Promise<Device> {
  const name = `sess-${seed}-${++n}`;
  const db = await openStore(name);
  const up = await createDeviceKeys(db, addr.u, addr.d, { rng: seededRng(seed), now: 0, preKeys: 5 });
  return { db, addr, up, name };
}

async function connected(seed: string): Promise<[Device, Device]> {
  const a = await device(A, `${seed}-a`);
  const b = await device(B, `${seed}-b`);
  const [bundle] = parseKeysBundle(bundleFrom(b.up, B.d, 0));
  expect(await startSession(a.db, B.u, bundle!)).toBe("new");
  return [a, b];
}

const body = (r: Awaited<ReturnType<typeof receiveEnvelope>>) =>
  r.status === "ok" ? (r.plaintext.body as { text: string }).text : r.status;

describe("receive/send through the store", () => {
  it("a full exchange: prekey message, OPK consumed, message stored, replies", async () => {
    const [a, b] = await connected("flow");
    const e1 = await encryptFor(a.db, A, B, text("hello bob"));
    expect(e1.type).toBe("prekey");
    const r1 = await receiveEnvelope(b.db, e1, { toMessage });
    expect(r1).toMatchObject({ status: "ok", identity: "new", newSession: true });
    expect(body(r1)).toBe("hello bob");
    expect(await countOneTimePreKeys(b.db)).toBe(4);
    expect(await isSeen(b.db, seenKey(A, e1.id))).toBe(true);
    expect(await isSeen(b.db, seenKey({ u: "carol", d: 1 }, e1.id))).toBe(false);
    expect((await listMessages(b.db, "dm:alice")).map((m) => m.id)).toEqual([e1.id]);

    const e2 = await encryptFor(b.db, B, A, text("hi alice"));
    expect(e2.type).toBe("msg");
    expect(body(await receiveEnvelope(a.db, e2, { toMessage }))).toBe("hi alice");
    const e3 = await encryptFor(a.db, A, B, text("how are you"));
    expect(e3.type).toBe("msg");
    expect(body(await receiveEnvelope(b.db, e3))).toBe("how are you");
  });

  it("the same envelope twice (even concurrently) is processed once", async () => {
    const [a, b] = await connected("dup");
    const e = await encryptFor(a.db, A, B, text("once"));
    const [r1, r2] = await Promise.all([receiveEnvelope(b.db, e, { toMessage }), receiveEnvelope(b.db, structuredClone(e), { toMessage })]);
    expect([r1.status, r2.status].sort()).toEqual(["duplicate", "ok"]);
    expect(await receiveEnvelope(b.db, e)).toEqual({ status: "duplicate" });
    // Same ciphertext under a new envelope id: the ratchet rejects the replay.
    await expect(receiveEnvelope(b.db, { ...e, id: "other-id" })).rejects.toMatchObject({ code: "duplicate" });
  });

  it("a tampered envelope writes nothing: no session, OPK kept, not marked seen", async () => {
    const [a, b] = await connected("tamper");
    const e = await encryptFor(a.db, A, B, text("x"));
    const ct = fromB64u(e.ct);
    ct[0]! ^= 1;
    const bad: Envelope = { ...e, ct: toB64u(ct) };
    await expect(receiveEnvelope(b.db, bad, { toMessage })).rejects.toMatchObject({ code: "decrypt_failed" });
    expect(await loadSession(b.db, A)).toBeNull();
    expect(await countOneTimePreKeys(b.db)).toBe(5);
    expect(await isSeen(b.db, seenKey(A, e.id))).toBe(false);
    expect(await getKnownIdentity(b.db, A.u, A.d)).toBeUndefined();
    expect(body(await receiveEnvelope(b.db, e))).toBe("x");
  });

  it("a tampered message mid-session leaves the stored session unchanged", async () => {
    const [a, b] = await connected("tamper2");
    await receiveEnvelope(b.db, await encryptFor(a.db, A, B, text("1")));
    await receiveEnvelope(a.db, await encryptFor(b.db, B, A, text("2")));
    const e = await encryptFor(a.db, A, B, text("3"));
    const before = JSON.stringify(await loadSession(b.db, A));
    await expect(receiveEnvelope(b.db, { ...e, hdr: { ...e.hdr, n: e.hdr.n + 1 } })).rejects.toMatchObject({ code: "decrypt_failed" });
    expect(JSON.stringify(await loadSession(b.db, A))).toBe(before);
    expect(body(await receiveEnvelope(b.db, e))).toBe("3");
  });

  it("save/reload mid-session: close both databases, reopen, continue (with a pending out-of-order message)", async () => {
    const [a, b] = await connected("reload");
    await receiveEnvelope(b.db, await encryptFor(a.db, A, B, text("one")));
    const held = await encryptFor(a.db, A, B, text("two (late)"));
    const three = await encryptFor(a.db, A, B, text("three"));
    a.db.close();
    b.db.close();
    const a2 = await openStore(a.name);
    const b2 = await openStore(b.name);
    expect(body(await receiveEnvelope(b2, three))).toBe("three");
    expect(body(await receiveEnvelope(b2, await encryptFor(a2, A, B, text("four"))))).toBe("four");
    expect(body(await receiveEnvelope(a2, await encryptFor(b2, B, A, text("reply"))))).toBe("reply");
    expect(body(await receiveEnvelope(b2, held))).toBe("two (late)");
    a2.close();
    b2.close();
  });

  it("both sides starting at once converge through the store", async () => {
    const a = await device(A, "sim-a");
    const b = await device(B, "sim-b");
    await startSession(a.db, B.u, parseKeysBundle(bundleFrom(b.up, B.d, 0))[0]!);
    await startSession(b.db, A.u, parseKeysBundle(bundleFrom(a.up, A.d, 0))[0]!);
    const fa = await encryptFor(a.db, A, B, text("a0"));
    const fb = await encryptFor(b.db, B, A, text("b0"));
    expect(body(await receiveEnvelope(a.db, fb))).toBe("b0");
    expect(body(await receiveEnvelope(b.db, fa))).toBe("a0");
    for (let i = 1; i < 4; i++) {
      expect(body(await receiveEnvelope(b.db, await encryptFor(a.db, A, B, text(`a${i}`))))).toBe(`a${i}`);
      expect(body(await receiveEnvelope(a.db, await encryptFor(b.db, B, A, text(`b${i}`))))).toBe(`b${i}`);
    }
    expect((await loadSession(a.db, B))!.current!.baseKey).toBe((await loadSession(b.db, A))!.current!.baseKey);
  });

  it("sending without a session fails with no_session", async () => {
    const a = await device(A, "nosess");
    await expect(encryptFor(a.db, A, B, text("x"))).rejects.toMatchObject({ code: "no_session" });
  });

  it("a bundle with a bad SPK signature is refused and nothing is stored", async () => {
    const a = await device(A, "badspk-a");
    const b = await device(B, "badspk-b");
    const m = await device({ u: "mallory", d: 1 }, "badspk-m");
    const json = bundleFrom(b.up, B.d, 0);
    json.devices[0]!.signedPreKey = { ...json.devices[0]!.signedPreKey, pub: m.up.signedPreKey.pub };
    await expect(startSession(a.db, B.u, parseKeysBundle(json)[0]!)).rejects.toMatchObject({ code: "bad_signature" });
    expect(await loadSession(a.db, B)).toBeNull();
  });
});

describe("known identities", () => {
  it("a new key on a known device id is reported 'changed' and the old key kept", async () => {
    const [a, b] = await connected("trust");
    const r0 = await receiveEnvelope(b.db, await encryptFor(a.db, A, B, text("hi")));
    expect(r0).toMatchObject({ status: "ok", identity: "new" });

    // Another identity on the same device id (the server refuses this; the client still notices).
    const a2 = await device(A, "trust-a-new");
    await startSession(a2.db, B.u, parseKeysBundle(bundleFrom(b.up, B.d, 1))[0]!);
    const r = await receiveEnvelope(b.db, await encryptFor(a2.db, A, B, text("new phone")));
    expect(r).toMatchObject({ status: "ok", identity: "changed" });
    expect(await getKnownIdentity(b.db, A.u, A.d)).toMatchObject({ ikSig: a2.up.ikSig, previousIkSig: a.up.ikSig });
  });
});

describe("seen ids and commitDecrypt", () => {
  it("commitDecrypt stores state + seen id + message together and refuses a seen id", async () => {
    const [a, b] = await connected("commit");
    const rec = (await loadSession(a.db, B))!;
    const m = toMessage(text("local"), { id: "env-1", from: B });
    await commitDecrypt(a.db, { record: rec, envelopeId: "env-1", message: m, now: 50 });
    expect(await isSeen(a.db, "env-1")).toBe(true);
    await expect(commitDecrypt(a.db, { record: rec, envelopeId: "env-1", message: { ...m, id: "m2" } })).rejects.toMatchObject({
      code: "duplicate",
    });
    expect((await listMessages(a.db, m.chatId)).map((x) => x.id)).toEqual(["env-1"]);
    expect(await pruneSeen(a.db, 51)).toBe(1);
    expect(await isSeen(a.db, "env-1")).toBe(false);
    b.db.close();
  });
});

describe("groups through the store", () => {
  it("sender key distribution, in-order/out-of-order receive, duplicates, notifications", async () => {
    const a = await device(A, "grp-a");
    const b = await device(B, "grp-b");
    const own = createSenderKey("g1", A, seededRng("grp-sk"));
    await putSenderKey(a.db, own);
    await putSenderKey(b.db, processDistribution(distributionMessage(own), A));
    const events: StoreEvent[] = [];
    const off = subscribe((e) => events.push(e));
    const g1 = await groupEncryptFor(a.db, "g1", A, text("g-one"));
    const g2 = await groupEncryptFor(a.db, "g1", A, text("g-two"));
    const r2 = await receiveGroupEnvelope(b.db, g2, { toMessage });
    const r1 = await receiveGroupEnvelope(b.db, g1, { toMessage });
    expect(r2.status === "ok" && r2.plaintext.body).toEqual({ text: "g-two" });
    expect(r1.status === "ok" && r1.plaintext.body).toEqual({ text: "g-one" });
    expect(await receiveGroupEnvelope(b.db, g1)).toEqual({ status: "duplicate" });
    expect(events.filter((e) => e.topic === "messages")).toHaveLength(2);
    off();
    await expect(receiveGroupEnvelope(b.db, { ...g1, id: "x", distId: "unknown" })).rejects.toMatchObject({ code: "no_session" });
    expect(await putDeviceList(b.db, "alice", [1, 2, 3])).toEqual([]);
    expect(await putDeviceList(b.db, "alice", [1, 3])).toEqual([2]);
  });
});
