import { beforeAll, describe, expect, it } from "vitest";
import { fromB64u, toB64u } from "./bytes";
import { generateEd25519, sign } from "./keys";
import { seededRng } from "./rng";
import {
  createSenderKey,
  distributionMessage,
  groupDecrypt,
  groupEncrypt,
  processDistribution,
  SK_MAX_SKIP,
  type GroupEnvelope,
  type SenderKeyState,
} from "./senderkeys";
import type { Plaintext } from "./session";
import { loadCrypto } from "./sodium";

beforeAll(async () => {
  await loadCrypto();
});

const ALICE = { u: "alice", d: 1 };
const msg = (s: string): Plaintext => ({ kind: "text", body: s, sentAt: 5 });

class Sender {
  constructor(public st: SenderKeyState) {}
  send(s: string): GroupEnvelope {
    const r = groupEncrypt(this.st, msg(s), { rng: seededRng(`id-${s}`) });
    this.st = r.state;
    return r.envelope;
  }
}
class Receiver {
  constructor(public st: SenderKeyState) {}
  recv(e: GroupEnvelope): string {
    const r = groupDecrypt(this.st, e);
    this.st = r.state;
    return r.plaintext.body as string;
  }
}

function group(seed: string): [Sender, Receiver] {
  const own = createSenderKey("g1", ALICE, seededRng(seed));
  const dist = JSON.parse(JSON.stringify(distributionMessage(own)));
  return [new Sender(own), new Receiver(processDistribution(dist, ALICE))];
}

describe("Sender Keys", () => {
  it("in order; the envelope has the wire shape", () => {
    const [a, r] = group("sk1");
    const e = a.send("hello");
    expect(Object.keys(e).sort()).toEqual(["ct", "distId", "from", "groupId", "id", "iter", "sig", "type", "v"]);
    expect(e).toMatchObject({ v: 1, type: "group", from: ALICE, groupId: "g1", iter: 0 });
    expect(r.recv(e)).toBe("hello");
    for (let i = 1; i < 5; i++) {
      const m = a.send(`m${i}`);
      expect(m.iter).toBe(i);
      expect(r.recv(m)).toBe(`m${i}`);
    }
  });

  it("out of order, and replays rejected", () => {
    const [a, r] = group("sk2");
    const ms = [0, 1, 2, 3].map((i) => a.send(`m${i}`));
    expect(r.recv(ms[2]!)).toBe("m2");
    expect(r.recv(ms[0]!)).toBe("m0");
    expect(r.recv(ms[3]!)).toBe("m3");
    expect(r.recv(ms[1]!)).toBe("m1");
    for (const m of ms) expect(() => r.recv(m)).toThrow(expect.objectContaining({ code: "duplicate" }));
  });

  it("a forged signature is rejected before decryption, state unchanged", () => {
    const [a, r] = group("sk3");
    const e = a.send("real");
    const before = JSON.stringify(r.st);
    const badSig = fromB64u(e.sig);
    badSig[0]! ^= 1;
    expect(() => r.recv({ ...e, sig: toB64u(badSig) })).toThrow(expect.objectContaining({ code: "bad_signature" }));
    // A member who knows the chain key but not the signing key cannot forge.
    const mallory = generateEd25519(seededRng("mallory"));
    expect(() => r.recv({ ...e, sig: toB64u(sign(mallory.priv, fromB64u(e.ct))) })).toThrow(/signature/);
    // Changing the iteration or ciphertext breaks the signature too.
    expect(() => r.recv({ ...e, iter: 1 })).toThrow(expect.objectContaining({ code: "bad_signature" }));
    const ct = fromB64u(e.ct);
    ct[3]! ^= 1;
    expect(() => r.recv({ ...e, ct: toB64u(ct) })).toThrow(expect.objectContaining({ code: "bad_signature" }));
    expect(JSON.stringify(r.st)).toBe(before);
    expect(r.recv(e)).toBe("real");
  });

  it("a message from another sender or distribution is not accepted", () => {
    const [a, r] = group("sk4");
    const e = a.send("x");
    expect(() => r.recv({ ...e, from: { u: "bob", d: 1 } })).toThrow(expect.objectContaining({ code: "no_session" }));
    expect(() => r.recv({ ...e, distId: "other" })).toThrow(expect.objectContaining({ code: "no_session" }));
  });

  it("a new member cannot read earlier messages", () => {
    const [a, r] = group("sk5");
    const old = a.send("before you joined");
    r.recv(old);
    const late = new Receiver(processDistribution(distributionMessage(a.st), ALICE));
    expect(() => late.recv(old)).toThrow(expect.objectContaining({ code: "duplicate" }));
    expect(late.recv(a.send("welcome"))).toBe("welcome");
  });

  it("a jump beyond the skip limit is rejected", () => {
    const [a, r] = group("sk6");
    let e = a.send("0");
    for (let i = 1; i <= SK_MAX_SKIP + 1; i++) e = a.send(String(i));
    expect(() => r.recv(e)).toThrow(expect.objectContaining({ code: "too_far_ahead" }));
  });

  it("receivers cannot send with the sender's key", () => {
    const [a, r] = group("sk7");
    a.send("x");
    expect(() => groupEncrypt(r.st, msg("y"))).toThrow(expect.objectContaining({ code: "no_session" }));
  });
});
