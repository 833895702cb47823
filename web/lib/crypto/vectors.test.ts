/*
 * Frozen known-answer vectors of our own construction (e2e.md "Tests" 1):
 * every key comes from seededRng, so keys, X3DH secrets, envelopes, group
 * messages and the security code are reproducible. Any change to a label,
 * KDF, header encoding, padding or JSON shape breaks this test; if the change
 * is deliberate, bump the protocol version and regenerate.
 */
import { beforeAll, expect, it } from "vitest";
import { toB64u, toHex } from "./bytes";
import { securityCode } from "./fingerprint";
import { hmacSha256 } from "./hkdf";
import { toKeysUpload } from "./keys";
import { seededRng } from "./rng";
import { createSenderKey, groupEncrypt } from "./senderkeys";
import { decryptMessage, encryptMessage, initiateSession, newSessionRecord } from "./session";
import { loadCrypto, sodium } from "./sodium";
import { bundleOf, makeDevice } from "./testing";
import { x3dhInitiate } from "./x3dh";

beforeAll(async () => {
  await loadCrypto();
});

function computeVectors(): Record<string, string> {
  const alice = makeDevice("vector-alice");
  const bob = makeDevice("vector-bob");
  const up = toKeysUpload(bob.identity, bob.spk, bob.opks.slice(0, 1));
  const x = x3dhInitiate(alice.identity, bundleOf(bob), seededRng("vector-ek"));
  const xNoOpk = x3dhInitiate(alice.identity, bundleOf(bob, 1, null), seededRng("vector-ek"));
  const rng = seededRng("vector-session");
  let rec = initiateSession(newSessionRecord({ u: "bob", d: 1 }), alice.identity, bundleOf(bob), { rng, now: 1 });
  const e1 = encryptMessage(rec, { u: "alice", d: 1 }, { kind: "text", body: "hello", sentAt: 1 }, { rng });
  rec = e1.record;
  const r = decryptMessage(newSessionRecord({ u: "alice", d: 1 }), e1.envelope, bob.identity, { signedPreKey: bob.spk, oneTimePreKey: bob.opks[0]! }, { rng: seededRng("vector-bob-ratchet"), now: 2 });
  const e2 = encryptMessage(r.record, { u: "bob", d: 1 }, { kind: "text", body: "hi", sentAt: 2 }, { rng });
  const sk = createSenderKey("group-1", { u: "alice", d: 1 }, seededRng("vector-sk"));
  const g = groupEncrypt(sk, { kind: "text", body: "to all", sentAt: 3 }, { rng: seededRng("vector-gid") });
  return {
    uploadSha256: toHex(sodium().crypto_hash_sha256(new TextEncoder().encode(JSON.stringify(up)))),
    aliceIkSig: toB64u(alice.identity.ikSig.pub),
    bobSpk: toB64u(bob.spk.keyPair.pub),
    x3dhSk: toHex(x.sk),
    x3dhSkNoOpk: toHex(xNoOpk.sk),
    x3dhAdSha: toHex(hmacSha256(new Uint8Array(32), x.ad)),
    envelope1: JSON.stringify(e1.envelope),
    envelope2: JSON.stringify(e2.envelope),
    group: JSON.stringify(g.envelope),
    code: securityCode({ id: "alice", key: alice.identity.ikSig.pub }, { id: "bob", key: bob.identity.ikSig.pub }).digits,
  };
}

const FROZEN = {
  uploadSha256: "50a9d39347e25811c9da32281fbe404409059c46e9a2c4e06d36337515591baf",
  aliceIkSig: "2eMpEISaCwIYNFJtWpC6YCSxryfJMq8P68iW79HU5XY",
  bobSpk: "1HMQSoQJt2oV9_ICH76cHIvqMLeMTmO22oZ-k5payxo",
  x3dhSk: "4e6b545a7536496edf84f406c22adcea5a1a9f3a2378857850fb09bf8ffdee27",
  x3dhSkNoOpk: "92b944cd1b1ed18819d107635fb396deafde356a98f7c73e84bb1744d195bd37",
  x3dhAdSha: "969b45b90cfbb6fa584bd9300d2453f6e0b0349350ebb4d461175531b79b0913",
  envelope1:
    '{"v":1,"type":"prekey","id":"c198b633-0ce3-42b4-adc3-3c0a0c359ea3","from":{"u":"alice","d":1},"to":{"u":"bob","d":1},"hdr":{"dh":"ujhTAccO-KN132_uqSHGeIHDN6-KaRZKMshirMnu-zg","pn":0,"n":0},"ct":"MCMOiUVXcEWChc7koP-ZCAxUHuPzR76FXTlC8M5C43WiQmvwaBfZPzXkw2SNvtnrvSs5FiWVQ1-YlfZlZkueIW9ukhnImtaT7tNcrYHwTUk","x3dh":{"ikSig":"2eMpEISaCwIYNFJtWpC6YCSxryfJMq8P68iW79HU5XY","ikDh":"gVPQ8uLNoAfj1XnbwP-k98idZDZAlvDX0K1FuT_HfW8","ikDhSig":"tj4XF1NjIDgf4WZgEqdbbIao1WzrgoDg6hwLJsjgT6R1xQdubn0tJsV7XRoorKlLNS2eyhSSYQcbFyY4Gw4-CA","ek":"U1z6ZKQXZPKIwGS1LCp8-59vAiidTEF_oJKzV5jT4jA","spkId":7,"opkId":42}}',
  envelope2:
    '{"v":1,"type":"msg","id":"096f229d-b2ba-4c27-b6c7-7f78b4ab6815","from":{"u":"bob","d":1},"to":{"u":"alice","d":1},"hdr":{"dh":"l37hl8HPDXK0sJ8dBGhE6no7kWgedM8b79zbuWz7U2w","pn":0,"n":0},"ct":"DgfMMBJC6bV0UOmqZEFJDG-7AV1uiS2cOsxXvyW9Xevbt05MZBb5MQVWhlnGlIn7yZbPGsUbFxf8dswHPN3n12bF30J8nUy9TT4-YyHmIlc"}',
  group:
    '{"v":1,"type":"group","id":"f22392e3-eda7-4ee7-9693-c211a1a51b89","from":{"u":"alice","d":1},"groupId":"group-1","distId":"mPYGrNWKJttCZyrf4GaagA","iter":0,"ct":"1FCuqdvw1h3yGH6OU3v7J3XpB43jZcXNHWfpv20rYu8II2PfKyAN0DuZ8IG7Tl7a8SnOTNzzsJ3UmhJFewCGUKM6E3NFiEsFKCalfrl9zHM","sig":"SRaLeBZ3g9NObCvHJiXlrbQSuUA5tLQR0yebFrF_DjpTEdC4Jz0GxzLE9gGlDImza8YMn6sMm8qX1iHhjGWoBw"}',
  code: "455599171258079318155741135536739877146699898521433755884795",
};

it("our construction reproduces the frozen vectors", () => {
  expect(computeVectors()).toEqual(FROZEN);
});
