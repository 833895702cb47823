import { beforeAll, describe, expect, it } from "vitest";
import { bytesEqual, fromB64u, fromHex, toB64u, toHex, u32be } from "./bytes";
import { CryptoError } from "./errors";
import { dh, sign, verify } from "./keys";
import { loadCrypto, sodium } from "./sodium";

beforeAll(async () => {
  await loadCrypto();
});

describe("libsodium sanity", () => {
  it("X25519: RFC 7748 §6.1", () => {
    const s = sodium();
    const a = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const b = fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const A = s.crypto_scalarmult_base(a);
    const B = s.crypto_scalarmult_base(b);
    expect(toHex(A)).toBe("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    expect(toHex(B)).toBe("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(toHex(dh(a, B))).toBe(shared);
    expect(toHex(dh(b, A))).toBe(shared);
  });

  it("Ed25519: RFC 8032 §7.1 test 1, and a flipped bit is rejected", () => {
    const kp = sodium().crypto_sign_seed_keypair(fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    expect(toHex(kp.publicKey)).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const sig = sign(kp.privateKey, new Uint8Array(0));
    expect(toHex(sig)).toBe(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    expect(verify(kp.publicKey, new Uint8Array(0), sig)).toBe(true);
    const bad = sig.slice();
    bad[10]! ^= 1;
    expect(verify(kp.publicKey, new Uint8Array(0), bad)).toBe(false);
    expect(verify(kp.publicKey, Uint8Array.of(0), sig)).toBe(false);
  });

  it("dh() refuses small-order points (all-zero output)", () => {
    const priv = sodium().randombytes_buf(32);
    expect(() => dh(priv, new Uint8Array(32))).toThrow(CryptoError);
    const one = new Uint8Array(32);
    one[0] = 1;
    expect(() => dh(priv, one)).toThrow(/X25519/);
  });
});

describe("bytes", () => {
  it("base64url round trip without padding", () => {
    for (let n = 0; n < 70; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const s = toB64u(b);
      expect(s).not.toMatch(/[=+/]/);
      expect(bytesEqual(fromB64u(s), b)).toBe(true);
    }
  });
  it.each(["a", "ab=", "a+b/", "AB", "!!!!", 12])("rejects %j", (s) => {
    expect(() => fromB64u(s)).toThrow(CryptoError);
  });
  it("checks the expected length", () => {
    expect(() => fromB64u(toB64u(new Uint8Array(31)), 32)).toThrow(/32 bytes/);
  });
  it("u32be", () => {
    expect(toHex(u32be(0x01020304))).toBe("01020304");
    expect(() => u32be(2 ** 32)).toThrow();
    expect(() => u32be(-1)).toThrow();
  });
});
