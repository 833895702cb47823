import { beforeAll, describe, expect, it } from "vitest";
import { toB64u } from "./bytes";
import { generateSignedPreKey } from "./keys";
import { seededRng } from "./rng";
import { loadCrypto, sodium } from "./sodium";
import { bundleOf, makeDevice } from "./testing";
import { x3dhInitiate, x3dhRespond } from "./x3dh";

beforeAll(async () => {
  await loadCrypto();
});

describe("X3DH", () => {
  it("with a one-time prekey: both sides derive the same SK and AD", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const init = x3dhInitiate(alice.identity, bundleOf(bob, 1, 1), seededRng("eph"));
    expect(init.header.spkId).toBe(7);
    expect(init.header.opkId).toBe(43);
    const resp = x3dhRespond(bob.identity, bob.spk, bob.opks[1]!, init.header);
    expect(resp.sk).toEqual(init.sk);
    expect(resp.ad).toEqual(init.ad);
    expect(init.ad).toHaveLength(128);
    expect(init.ad.subarray(0, 32)).toEqual(alice.identity.ikSig.pub);
    expect(init.ad.subarray(96)).toEqual(bob.identity.ikDh.pub);
  });

  it("without a one-time prekey (DH4 omitted) gives a different SK", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const without = x3dhInitiate(alice.identity, bundleOf(bob, 1, null), seededRng("eph"));
    expect(without.header.opkId).toBeUndefined();
    expect(x3dhRespond(bob.identity, bob.spk, null, without.header).sk).toEqual(without.sk);
    const withOpk = x3dhInitiate(alice.identity, bundleOf(bob, 1, 0), seededRng("eph"));
    expect(withOpk.header.ek).toBe(without.header.ek); // same ephemeral …
    expect(withOpk.sk).not.toEqual(without.sk); // … but DH4 changes SK
  });

  it("aborts on a bad SPK signature (server-substituted SPK)", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const mallory = makeDevice("x-mallory");
    const b = bundleOf(bob);
    b.signedPreKey = { ...b.signedPreKey, pub: mallory.spk.keyPair.pub };
    expect(() => x3dhInitiate(alice.identity, b)).toThrow(expect.objectContaining({ code: "bad_signature" }));
    // A validly signed SPK of another identity is rejected too.
    const b2 = bundleOf(bob);
    b2.signedPreKey = { id: mallory.spk.id, pub: mallory.spk.keyPair.pub, sig: mallory.spk.sig };
    expect(() => x3dhInitiate(alice.identity, b2)).toThrow(/signed prekey/);
  });

  it("aborts on a bad ikDh signature", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const b = bundleOf(bob);
    b.ikDh = makeDevice("x-other").identity.ikDh.pub;
    expect(() => x3dhInitiate(alice.identity, b)).toThrow(expect.objectContaining({ code: "bad_signature" }));
  });

  it("the responder rejects an initiator whose ikDh is not signed by its ikSig", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const mallory = makeDevice("x-mallory");
    const init = x3dhInitiate(mallory.identity, bundleOf(bob));
    // Mallory claims Alice's ikSig with her own ikDh.
    const forged = { ...init.header, ikSig: toB64u(alice.identity.ikSig.pub) };
    expect(() => x3dhRespond(bob.identity, bob.spk, bob.opks[0]!, forged)).toThrow(
      expect.objectContaining({ code: "bad_signature" }),
    );
  });

  it("the responder needs the named prekeys", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const init = x3dhInitiate(alice.identity, bundleOf(bob, 1, 0));
    expect(() => x3dhRespond(bob.identity, bob.spk, null, init.header)).toThrow(expect.objectContaining({ code: "missing_prekey" }));
    expect(() => x3dhRespond(bob.identity, bob.spk, bob.opks[1]!, init.header)).toThrow(/one-time/);
    const otherSpk = generateSignedPreKey(bob.identity, 8, seededRng("spk8"));
    expect(() => x3dhRespond(bob.identity, otherSpk, bob.opks[0]!, init.header)).toThrow(/signed prekey/);
  });

  it("a small-order SPK (validly signed by a malicious contact) fails with weak_key", () => {
    const alice = makeDevice("x-alice");
    const bob = makeDevice("x-bob");
    const zero = new Uint8Array(32);
    const b = bundleOf(bob);
    const sig = sodium().crypto_sign_detached(
      new Uint8Array([...new TextEncoder().encode("parley/spk/v1"), 0, 0, 0, 7, ...zero]),
      bob.identity.ikSig.priv,
    );
    b.signedPreKey = { id: 7, pub: zero, sig };
    expect(() => x3dhInitiate(alice.identity, b)).toThrow(expect.objectContaining({ code: "weak_key" }));
  });
});
