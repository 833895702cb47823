import { beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "./bytes";
import { hkdf, hkdfExpand, hkdfExtract, hmacSha256 } from "./hkdf";
import { loadCrypto } from "./sodium";

beforeAll(async () => {
  await loadCrypto();
});

const range = (a: number, b: number) => Uint8Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("HKDF-SHA256, RFC 5869 appendix A", () => {
  it("case 1: basic", () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const prk = hkdfExtract(range(0x00, 0x0c), ikm);
    expect(toHex(prk)).toBe("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    expect(toHex(hkdfExpand(prk, range(0xf0, 0xf9), 42))).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  it("case 2: longer inputs and outputs", () => {
    const prk = hkdfExtract(range(0x60, 0xaf), range(0x00, 0x4f));
    expect(toHex(prk)).toBe("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
    expect(toHex(hkdf(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82))).toBe(
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c" +
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71" +
        "cc30c58179ec3e87c14c01d5c1f3434f1d87",
    );
  });

  it("case 3: zero-length salt and info", () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    expect(toHex(hkdfExtract(new Uint8Array(0), ikm))).toBe(
      "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    );
    expect(toHex(hkdf(ikm, null, new Uint8Array(0), 42))).toBe(
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    );
  });

  it("rejects a length above 255 × HashLen", () => {
    expect(() => hkdfExpand(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(/length/);
    expect(hkdfExpand(new Uint8Array(32), new Uint8Array(0), 255 * 32)).toHaveLength(8160);
  });
});

describe("chain KDF against libsignal's published chain-key vector (ratchet/keys.rs)", () => {
  // Same HMAC(ck, 0x01) / HMAC(ck, 0x02) chain as ours; libsignal expands the seed with
  // "WhisperMessageKeys" where we use "Parley_DR_MSG_v1", so this checks HMAC + HKDF plumbing.
  const ck = fromHex("8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f");
  it("next chain key = HMAC(ck, 0x02)", () => {
    expect(toHex(hmacSha256(ck, Uint8Array.of(2)))).toBe("28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d");
  });
  it("message keys = HKDF(HMAC(ck, 0x01), no salt, WhisperMessageKeys, 80)", () => {
    const okm = hkdf(hmacSha256(ck, Uint8Array.of(1)), null, "WhisperMessageKeys", 80);
    expect(toHex(okm.subarray(0, 32))).toBe("bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217");
    expect(toHex(okm.subarray(32, 64))).toBe("c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b");
  });
});
