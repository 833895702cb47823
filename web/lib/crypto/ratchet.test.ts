import { beforeAll, describe, expect, it } from "vitest";
import { fromB64u, fromUtf8, toB64u, utf8 } from "./bytes";
import {
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  SKIPPED_TTL_MS,
  initAlice,
  initBob,
  ratchetDecrypt,
  ratchetEncrypt,
  type MessageHeader,
  type RatchetState,
} from "./ratchet";
import { seededRng } from "./rng";
import { loadCrypto } from "./sodium";
import { bundleOf, makeDevice } from "./testing";
import { x3dhInitiate, x3dhRespond } from "./x3dh";

beforeAll(async () => {
  await loadCrypto();
});

interface Msg {
  header: MessageHeader;
  ct: Uint8Array;
}

/** A fresh pair of ratchets after X3DH (Bob's side as it is before the first message). */
function pair(seed: string): { a: RatchetState; b: RatchetState } {
  const alice = makeDevice(`${seed}-a`);
  const bob = makeDevice(`${seed}-b`);
  const x = x3dhInitiate(alice.identity, bundleOf(bob), seededRng(`${seed}-ek`));
  const r = x3dhRespond(bob.identity, bob.spk, bob.opks[0]!, x.header);
  return { a: initAlice(x.sk, x.ad, x.remoteSpk, seededRng(`${seed}-ra`)), b: initBob(r.sk, r.ad, bob.spk.keyPair) };
}

/** A side that keeps its state, like the session layer does. */
class Side {
  constructor(public st: RatchetState) {}
  send(text: string): Msg {
    const r = ratchetEncrypt(this.st, utf8(text));
    this.st = r.state;
    return { header: r.header, ct: r.ct };
  }
  recv(m: Msg, now?: number): string {
    const r = ratchetDecrypt(this.st, m.header, m.ct, { now });
    this.st = r.state;
    return fromUtf8(r.plaintext);
  }
}

function sides(seed: string): [Side, Side] {
  const { a, b } = pair(seed);
  return [new Side(a), new Side(b)];
}

function snapshot(s: RatchetState): string {
  return JSON.stringify(s);
}

describe("Double Ratchet", () => {
  it("in order, both directions, several ratchet steps", () => {
    const [a, b] = sides("inorder");
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) expect(b.recv(a.send(`a${round}.${i}`))).toBe(`a${round}.${i}`);
      for (let i = 0; i < 2; i++) expect(a.recv(b.send(`b${round}.${i}`))).toBe(`b${round}.${i}`);
    }
    expect(a.st.skipped).toHaveLength(0);
    expect(b.st.skipped).toHaveLength(0);
  });

  it("Bob cannot send before receiving", () => {
    const { b } = pair("bobfirst");
    expect(() => ratchetEncrypt(b, utf8("x"))).toThrow(expect.objectContaining({ code: "no_session" }));
  });

  it("out of order within a chain", () => {
    const [a, b] = sides("ooo");
    const m = [0, 1, 2, 3, 4].map((i) => a.send(`m${i}`));
    expect(b.recv(m[3]!)).toBe("m3");
    expect(b.st.skipped).toHaveLength(3);
    expect(b.recv(m[0]!)).toBe("m0");
    expect(b.recv(m[4]!)).toBe("m4");
    expect(b.recv(m[2]!)).toBe("m2");
    expect(b.recv(m[1]!)).toBe("m1");
    expect(b.st.skipped).toHaveLength(0);
  });

  it("a late message from a previous chain (after a DH ratchet step)", () => {
    const [a, b] = sides("late");
    const early = a.send("early-0");
    const late = a.send("early-1");
    expect(b.recv(early)).toBe("early-0");
    expect(a.recv(b.send("reply"))).toBe("reply");
    const next = a.send("new-chain"); // pn = 2
    expect(next.header.pn).toBe(2);
    expect(b.recv(next)).toBe("new-chain");
    expect(b.st.skipped).toHaveLength(1);
    expect(b.recv(late)).toBe("early-1");
    expect(b.st.skipped).toHaveLength(0);
  });

  it("a gap of exactly MAX_SKIP is accepted, MAX_SKIP + 1 is rejected with state unchanged", () => {
    const { a } = pair("gap");
    const enc = (st: RatchetState, n: number): Msg => {
      let s = st;
      let last: Msg | null = null;
      for (let i = 0; i <= n; i++) {
        const r = ratchetEncrypt(s, utf8(`m${i}`));
        s = r.state;
        last = { header: r.header, ct: r.ct };
      }
      return last!;
    };
    const far = enc(a, MAX_SKIP + 1); // n = 1001: skips 1001 keys
    const ok = enc(a, MAX_SKIP); // n = 1000: skips 1000 keys
    const { b } = pair("gap");
    const before = snapshot(b);
    expect(() => ratchetDecrypt(b, far.header, far.ct)).toThrow(expect.objectContaining({ code: "too_far_ahead" }));
    expect(snapshot(b)).toBe(before);
    const r = ratchetDecrypt(b, ok.header, ok.ct);
    expect(fromUtf8(r.plaintext)).toBe(`m${MAX_SKIP}`);
    expect(r.state.skipped).toHaveLength(MAX_SKIP);
  });

  it("a gap counted through pn on the previous chain is bounded too", () => {
    const [a, b] = sides("gap-pn");
    b.recv(a.send("hello"));
    a.recv(b.send("hi"));
    const m = a.send("x"); // new chain
    const forged: MessageHeader = { ...m.header, pn: MAX_SKIP + 2 };
    const before = snapshot(b.st);
    expect(() => ratchetDecrypt(b.st, forged, m.ct)).toThrow(expect.objectContaining({ code: "too_far_ahead" }));
    expect(snapshot(b.st)).toBe(before);
  });

  it("a replay is rejected (in-chain and from the skipped store)", () => {
    const [a, b] = sides("replay");
    const m0 = a.send("m0");
    const m1 = a.send("m1");
    const m2 = a.send("m2");
    b.recv(m0);
    b.recv(m2);
    b.recv(m1); // from skipped
    for (const m of [m0, m1, m2]) {
      const before = snapshot(b.st);
      expect(() => b.recv(m)).toThrow(expect.objectContaining({ code: "duplicate" }));
      expect(snapshot(b.st)).toBe(before);
    }
  });

  it("tampered header or ciphertext is rejected and the state is unchanged", () => {
    const [a, b] = sides("tamper");
    b.recv(a.send("first"));
    const m = a.send("second");
    const ct = m.ct.slice();
    ct[5]! ^= 0x01;
    const otherDh = toB64u(makeDevice("tamper-x").identity.ikDh.pub);
    const variants: Msg[] = [
      { header: m.header, ct },
      { header: { ...m.header, n: m.header.n + 1 }, ct: m.ct },
      { header: { ...m.header, pn: m.header.pn + 1 }, ct: m.ct },
      { header: { ...m.header, dh: otherDh }, ct: m.ct },
      { header: m.header, ct: m.ct.subarray(0, m.ct.length - 1) },
    ];
    const before = snapshot(b.st);
    for (const v of variants) {
      expect(() => b.recv(v)).toThrow(expect.objectContaining({ code: "decrypt_failed" }));
      expect(snapshot(b.st)).toBe(before);
    }
    expect(() => b.recv({ header: { ...m.header, dh: "short" }, ct: m.ct })).toThrow(expect.objectContaining({ code: "bad_format" }));
    expect(b.recv(m)).toBe("second"); // the genuine message still decrypts afterwards
  });

  it("survives JSON serialisation mid-session (IndexedDB shape)", () => {
    const [a, b] = sides("json");
    b.recv(a.send("one"));
    const pending = a.send("two");
    const a2 = new Side(JSON.parse(JSON.stringify(a.st)) as RatchetState);
    const b2 = new Side(JSON.parse(JSON.stringify(b.st)) as RatchetState);
    expect(b2.recv(a2.send("three"))).toBe("three");
    expect(b2.recv(pending)).toBe("two");
    expect(a2.recv(b2.send("four"))).toBe("four");
  });

  it("pads plaintext to 64-byte buckets", () => {
    const [a] = sides("pad");
    const len = (n: number) => a.send("x".repeat(n)).ct.length - 16;
    expect(len(0)).toBe(64);
    expect(len(63)).toBe(64);
    expect(len(64)).toBe(128);
    expect(len(200)).toBe(256);
  });

  it("skipped keys expire after 30 days", () => {
    const [a, b] = sides("ttl");
    const m0 = a.send("m0");
    b.recv(a.send("m1"), 1_000);
    expect(b.st.skipped).toHaveLength(1);
    expect(() => b.recv(m0, 1_000 + SKIPPED_TTL_MS)).toThrow(expect.objectContaining({ code: "duplicate" }));
    expect(b.recv(m0, 1_000 + SKIPPED_TTL_MS - 1)).toBe("m0");
  });

  it(`keeps at most ${MAX_STORED_SKIPPED} skipped keys, dropping the oldest`, () => {
    const [a, b] = sides("cap");
    let first: Msg | null = null;
    // Three chains of 1000 skipped messages each.
    for (let chain = 0; chain < 3; chain++) {
      for (let i = 0; i < MAX_SKIP; i++) {
        const m = a.send("s");
        if (first === null) first = m;
      }
      b.recv(a.send("last"));
      a.recv(b.send("turn"));
    }
    expect(b.st.skipped).toHaveLength(MAX_STORED_SKIPPED);
    expect(() => b.recv(first!)).toThrow();
    expect(fromB64u(b.st.skipped[0]!.mk)).toHaveLength(32);
  });
});
