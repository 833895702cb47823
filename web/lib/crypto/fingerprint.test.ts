import { beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "./bytes";
import { combinedIdentityKey, compareScanned, displayHalf, fingerprintHash, securityCode } from "./fingerprint";
import { loadCrypto } from "./sodium";
import { makeDevice } from "./testing";

beforeAll(async () => {
  await loadCrypto();
});

// libsignal rust/protocol/src/fingerprint.rs, fingerprint_test_v1 (keys as 33-byte serialised form).
const ALICE_KEY = fromHex("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868");
const BOB_KEY = fromHex("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b");
const ALICE_ID = "+14152222222";
const BOB_ID = "+14153333333";

describe("security code", () => {
  it("matches libsignal's published version-1 vectors", () => {
    const a = securityCode({ id: ALICE_ID, key: ALICE_KEY }, { id: BOB_ID, key: BOB_KEY });
    const b = securityCode({ id: BOB_ID, key: BOB_KEY }, { id: ALICE_ID, key: ALICE_KEY });
    expect(a.digits).toBe("300354477692869396892869876765458257569162576843440918079131");
    expect(b.digits).toBe(a.digits);
    expect(toHex(a.qr)).toBe(
      "080112220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d",
    );
    expect(toHex(b.qr)).toBe(
      "080112220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df",
    );
    expect(compareScanned(a, b.qr)).toBe(true);
    expect(compareScanned(b, a.qr)).toBe(true);
    expect(compareScanned(a, a.qr)).toBe(false);
  });

  it("is symmetric, 60 digits in 12 groups, for our own keys", () => {
    const a = makeDevice("fp-a").identity.ikSig.pub;
    const b = makeDevice("fp-b").identity.ikSig.pub;
    const x = securityCode({ id: "u-alice", key: a }, { id: "u-bob", key: b });
    const y = securityCode({ id: "u-bob", key: b }, { id: "u-alice", key: a });
    expect(x.digits).toMatch(/^\d{60}$/);
    expect(x.digits).toBe(y.digits);
    expect(x.groups).toHaveLength(12);
    expect(x.groups.join("")).toBe(x.digits);
  });

  it("changes when a key or an id changes", () => {
    const a = makeDevice("fp-a").identity.ikSig.pub;
    const b = makeDevice("fp-b").identity.ikSig.pub;
    const m = makeDevice("fp-m").identity.ikSig.pub;
    const base = securityCode({ id: "alice", key: a }, { id: "bob", key: b }).digits;
    expect(securityCode({ id: "alice", key: a }, { id: "bob", key: m }).digits).not.toBe(base);
    expect(securityCode({ id: "alice", key: a }, { id: "bobby", key: b }).digits).not.toBe(base);
  });

  it("combines several devices' keys independent of order", () => {
    const k1 = makeDevice("fp-1").identity.ikSig.pub;
    const k2 = makeDevice("fp-2").identity.ikSig.pub;
    expect(combinedIdentityKey([k1, k2])).toEqual(combinedIdentityKey([k2, k1]));
    expect(combinedIdentityKey([k1])).toEqual(k1);
  });

  it("digits come from 5-byte big-endian chunks mod 100000", () => {
    const h = new Uint8Array(64);
    h.set([0xff, 0xff, 0xff, 0xff, 0xff], 0); // 2^40 - 1 = 1099511627775
    expect(displayHalf(h)).toBe("27775" + "00000".repeat(5));
    expect(fingerprintHash("x", utf8("k"), 2)).toHaveLength(64);
  });
});
