import { beforeAll, describe, expect, it } from "vitest";
import { fromB64u, toB64u } from "./bytes";
import { CryptoError } from "./errors";
import {
  OPK_BATCH,
  generateOneTimePreKeys,
  identityFromJson,
  identityToJson,
  oneTimePreKeyFromJson,
  oneTimePreKeyToJson,
  parseKeysBundle,
  signedPreKeyFromJson,
  signedPreKeyToJson,
  toKeysUpload,
  verifyIkDh,
  verifySignedPreKey,
  type KeysBundleJson,
} from "./keys";
import { seededRng } from "./rng";
import { loadCrypto } from "./sodium";
import { makeDevice } from "./testing";

beforeAll(async () => {
  await loadCrypto();
});

describe("device keys", () => {
  it("ikDh and SPK are signed by ikSig over the labelled messages", () => {
    const d = makeDevice("keys-1");
    const { ikSig, ikDh, ikDhSig } = d.identity;
    expect(verifyIkDh(ikSig.pub, ikDh.pub, ikDhSig)).toBe(true);
    expect(verifySignedPreKey(ikSig.pub, d.spk.id, d.spk.keyPair.pub, d.spk.sig)).toBe(true);
    // The id is covered: the same key under another id does not verify.
    expect(verifySignedPreKey(ikSig.pub, d.spk.id + 1, d.spk.keyPair.pub, d.spk.sig)).toBe(false);
    // Domain separation: an ikDh signature is not an SPK signature.
    expect(verifySignedPreKey(ikSig.pub, 0, ikDh.pub, ikDhSig)).toBe(false);
  });

  it("one-time prekeys come in batches of 100 with consecutive ids", () => {
    const opks = generateOneTimePreKeys(500, OPK_BATCH, seededRng("opk"));
    expect(opks).toHaveLength(100);
    expect(opks.map((k) => k.id)).toEqual(Array.from({ length: 100 }, (_, i) => 500 + i));
    expect(new Set(opks.map((k) => toB64u(k.keyPair.pub))).size).toBe(100);
  });

  it("JSON forms round-trip", () => {
    const d = makeDevice("keys-2");
    const j = JSON.parse(JSON.stringify(identityToJson(d.identity)));
    expect(identityFromJson(j)).toEqual(d.identity);
    expect(signedPreKeyFromJson(JSON.parse(JSON.stringify(signedPreKeyToJson(d.spk))))).toEqual(d.spk);
    expect(oneTimePreKeyFromJson(oneTimePreKeyToJson(d.opks[0]!))).toEqual(d.opks[0]);
  });
});

describe("key directory mapping", () => {
  it("upload body has the server's shape and no private key", () => {
    const d = makeDevice("keys-3");
    const up = toKeysUpload(d.identity, d.spk, d.opks);
    expect(Object.keys(up).sort()).toEqual(["ikDh", "ikDhSig", "ikSig", "oneTimePreKeys", "signedPreKey"]);
    expect(up.signedPreKey).toEqual({ id: 7, pub: toB64u(d.spk.keyPair.pub), sig: toB64u(d.spk.sig) });
    expect(up.oneTimePreKeys.map((k) => k.id)).toEqual([42, 43, 44]);
    const text = JSON.stringify(up);
    expect(text).not.toContain(toB64u(d.identity.ikSig.priv));
    expect(text).not.toContain(toB64u(d.identity.ikDh.priv));
    expect(text).not.toContain(toB64u(d.spk.keyPair.priv));
    expect(() => toKeysUpload(d.identity, d.spk, generateOneTimePreKeys(1, 101, seededRng("x")))).toThrow(CryptoError);
  });

  it("parses a fetched bundle, with and without a one-time prekey", () => {
    const d = makeDevice("keys-4");
    const up = toKeysUpload(d.identity, d.spk, d.opks);
    const json: KeysBundleJson = {
      devices: [
        { deviceId: 1, ikSig: up.ikSig, ikDh: up.ikDh, ikDhSig: up.ikDhSig, signedPreKey: up.signedPreKey, oneTimePreKey: up.oneTimePreKeys[0]! },
        { deviceId: 2, ikSig: up.ikSig, ikDh: up.ikDh, ikDhSig: up.ikDhSig, signedPreKey: up.signedPreKey, oneTimePreKey: null },
      ],
    };
    const [a, b] = parseKeysBundle(JSON.parse(JSON.stringify(json)));
    expect(a!.deviceId).toBe(1);
    expect(a!.ikSig).toEqual(d.identity.ikSig.pub);
    expect(a!.oneTimePreKey).toEqual({ id: 42, pub: d.opks[0]!.keyPair.pub });
    expect(b!.oneTimePreKey).toBeNull();
  });

  it.each([
    ["not an object", 5],
    ["no devices", {}],
    ["short key", { devices: [{ deviceId: 1, ikSig: "AAAA", ikDh: "", ikDhSig: "", signedPreKey: {} }] }],
  ])("rejects a malformed bundle: %s", (_, json) => {
    expect(() => parseKeysBundle(json)).toThrow(CryptoError);
  });

  it("rejects a bad device id", () => {
    const d = makeDevice("keys-5");
    const up = toKeysUpload(d.identity, d.spk, []);
    const dev = { deviceId: -1, ikSig: up.ikSig, ikDh: up.ikDh, ikDhSig: up.ikDhSig, signedPreKey: up.signedPreKey, oneTimePreKey: null };
    expect(() => parseKeysBundle({ devices: [dev] })).toThrow(/deviceId/);
    expect(fromB64u(up.ikSig)).toHaveLength(32);
  });
});
