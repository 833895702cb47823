import { beforeAll, describe, expect, it } from "vitest";
import {
  decryptMessage,
  encryptMessage,
  initiateSession,
  newSessionRecord,
  preKeyIdsOf,
  type Address,
  type Envelope,
  type Plaintext,
  type SessionRecord,
} from "./session";
import { loadCrypto } from "./sodium";
import { bundleOf, makeDevice, type TestDevice } from "./testing";

beforeAll(async () => {
  await loadCrypto();
});

const A: Address = { u: "alice", d: 1 };
const B: Address = { u: "bob", d: 2 };
const text = (s: string, t = 1): Plaintext => ({ kind: "text", body: { text: s }, sentAt: t });

/** One device's view: its keys, its record for the peer, and the OPKs it still has. */
class Peer {
  rec: SessionRecord;
  opks: Map<number, TestDevice["opks"][number]>;
  constructor(
    public dev: TestDevice,
    public me: Address,
    peer: Address,
  ) {
    this.rec = newSessionRecord(peer);
    this.opks = new Map(dev.opks.map((k) => [k.id, k]));
  }
  start(other: TestDevice, opk: number | null = 0): void {
    this.rec = initiateSession(this.rec, this.dev.identity, bundleOf(other, this.rec.peer.d, opk), { rng: this.dev.rng });
  }
  send(s: string): Envelope {
    const r = encryptMessage(this.rec, this.me, text(s), { rng: this.dev.rng });
    this.rec = r.record;
    return r.envelope;
  }
  recv(env: Envelope): string {
    const ids = preKeyIdsOf(env);
    const r = decryptMessage(
      this.rec,
      env,
      this.dev.identity,
      {
        signedPreKey: ids && ids.spkId === this.dev.spk.id ? this.dev.spk : null,
        oneTimePreKey: ids && ids.opkId !== null ? (this.opks.get(ids.opkId) ?? null) : null,
      },
      { rng: this.dev.rng },
    );
    this.rec = r.record;
    if (r.usedOneTimePreKeyId !== null) this.opks.delete(r.usedOneTimePreKeyId);
    return (r.plaintext.body as { text: string }).text;
  }
}

function peers(seed: string): [Peer, Peer] {
  return [new Peer(makeDevice(`${seed}-a`), A, B), new Peer(makeDevice(`${seed}-b`), B, A)];
}

describe("sessions and envelopes", () => {
  it("the X3DH header rides on every message until the first reply", () => {
    const [a, b] = peers("s1");
    a.start(b.dev);
    const e1 = a.send("one");
    const e2 = a.send("two");
    expect(e1).toMatchObject({ v: 1, type: "prekey", from: A, to: B, x3dh: { spkId: 7, opkId: 42 } });
    expect(e2.type).toBe("prekey");
    expect(e2.x3dh).toEqual(e1.x3dh);
    expect(e1.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(e1.id).not.toBe(e2.id);
    expect(b.recv(e2)).toBe("two"); // out of order: first prekey message to arrive creates the session
    expect(b.opks.has(42)).toBe(false); // consumed
    expect(b.recv(e1)).toBe("one"); // same base key: no second X3DH, OPK not needed
    const r1 = b.send("reply");
    expect(r1.type).toBe("msg");
    expect(r1.x3dh).toBeUndefined();
    expect(a.recv(r1)).toBe("reply");
    const e3 = a.send("three");
    expect(e3.type).toBe("msg");
    expect(e3.x3dh).toBeUndefined();
    expect(b.recv(e3)).toBe("three");
  });

  it("reports the consumed one-time prekey and the sender's identity", () => {
    const [a, b] = peers("s2");
    a.start(b.dev, 2);
    const env = a.send("hi");
    const r = decryptMessage(b.rec, env, b.dev.identity, { signedPreKey: b.dev.spk, oneTimePreKey: b.dev.opks[2]! });
    expect(r.usedOneTimePreKeyId).toBe(44);
    expect(r.newSession).toBe(true);
    expect(r.remoteIkSig).toBe(env.x3dh!.ikSig);
    expect(r.plaintext).toEqual(text("hi"));
  });

  it("works without a one-time prekey", () => {
    const [a, b] = peers("s3");
    a.start(b.dev, null);
    const env = a.send("no opk");
    expect(env.x3dh!.opkId).toBeUndefined();
    expect(b.recv(env)).toBe("no opk");
  });

  it("a prekey message whose OPK is gone fails without creating a session", () => {
    const [a, b] = peers("s4");
    a.start(b.dev, 1);
    b.opks.delete(43);
    const before = JSON.stringify(b.rec);
    expect(() => b.recv(a.send("x"))).toThrow(expect.objectContaining({ code: "missing_prekey" }));
    expect(JSON.stringify(b.rec)).toBe(before);
  });

  it("a replayed prekey message is rejected", () => {
    const [a, b] = peers("s5");
    a.start(b.dev);
    const env = a.send("once");
    b.recv(env);
    expect(() => b.recv(env)).toThrow(expect.objectContaining({ code: "duplicate" }));
    expect(() => b.recv(structuredClone(env))).toThrow(expect.objectContaining({ code: "duplicate" }));
  });

  it("a msg envelope with no session fails with no_session", () => {
    const [a, b] = peers("s6");
    a.start(b.dev);
    b.recv(a.send("x"));
    const reply = b.send("y");
    const fresh = new Peer(a.dev, A, B);
    expect(() => fresh.recv(reply)).toThrow(expect.objectContaining({ code: "no_session" }));
  });

  it("both sides starting at once converge on one session and lose nothing", () => {
    const [a, b] = peers("s7");
    a.start(b.dev);
    b.start(a.dev);
    const fromA = a.send("hello from a");
    const fromB = b.send("hello from b");
    expect(fromA.type).toBe("prekey");
    expect(fromB.type).toBe("prekey");
    expect(a.recv(fromB)).toBe("hello from b"); // a: current = B's session, A's archived
    expect(b.recv(fromA)).toBe("hello from a"); // b: current = A's session, B's archived
    expect(a.rec.archived).toHaveLength(1);
    expect(b.rec.archived).toHaveLength(1);
    // a replies in the session it last received on (B's); b finds it in its archive and promotes it.
    expect(b.recv(a.send("a replies"))).toBe("a replies");
    expect(b.rec.current!.baseKey).toBe(a.rec.current!.baseKey);
    const next = b.send("b replies");
    expect(next.type).toBe("msg");
    expect(a.recv(next)).toBe("b replies");
    expect(a.rec.current!.baseKey).toBe(b.rec.current!.baseKey);
    for (let i = 0; i < 3; i++) {
      expect(b.recv(a.send(`a${i}`))).toBe(`a${i}`);
      expect(a.recv(b.send(`b${i}`))).toBe(`b${i}`);
    }
  });

  it("crossed replies after simultaneous initiation still decrypt", () => {
    const [a, b] = peers("s8");
    a.start(b.dev);
    b.start(a.dev);
    const fa = a.send("a0");
    const fb = b.send("b0");
    a.recv(fb);
    b.recv(fa);
    const ra = a.send("a1"); // in B's session
    const rb = b.send("b1"); // in A's session
    expect(b.recv(ra)).toBe("a1");
    expect(a.recv(rb)).toBe("b1");
    expect(b.recv(a.send("a2"))).toBe("a2");
    expect(a.recv(b.send("b2"))).toBe("b2");
    expect(a.rec.current!.baseKey).toBe(b.rec.current!.baseKey);
  });

  it("a re-initiated session (new device install) replaces the old one", () => {
    const [a, b] = peers("s9");
    a.start(b.dev);
    b.recv(a.send("x"));
    a.recv(b.send("y"));
    const a2 = new Peer(makeDevice("s9-a-reinstalled"), A, B);
    a2.start(b.dev, 1);
    const env = a2.send("I am new");
    expect(b.recv(env)).toBe("I am new");
    expect(b.rec.current!.remoteIkSig).toBe(env.x3dh!.ikSig);
    expect(b.rec.archived).toHaveLength(1);
  });

  it("rejects unknown versions and malformed envelopes", () => {
    const [a, b] = peers("s10");
    a.start(b.dev);
    const env = a.send("x");
    for (const bad of [{ ...env, v: 2 }, { ...env, type: "group" }, { ...env, hdr: { dh: env.hdr.dh, pn: -1, n: 0 } }, { ...env, ct: 5 }]) {
      expect(() => b.recv(bad as unknown as Envelope)).toThrow(expect.objectContaining({ code: "bad_format" }));
    }
    expect(b.rec.current).toBeNull();
  });
});
