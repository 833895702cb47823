/*
 * The security code's QR: the path React draws decodes (a small byte-mode QR
 * reader below: unmask, zigzag read, de-interleave, parse) to exactly the
 * scannable payload of lib/crypto/fingerprint.ts, bytes ≥ 0x80 included.
 */
import { createRequire } from "node:module";
import QRCode from "qrcode";
import { beforeAll, describe, expect, it } from "vitest";
import { securityCode, type SecurityCode } from "../crypto/fingerprint";
import { loadCrypto } from "../crypto/sodium";
import { qrMatrix, qrPath } from "./qr";

const require = createRequire(import.meta.url);
const ecc = require("qrcode/lib/core/error-correction-code") as {
  getBlocksCount(v: number, ecl: unknown): number;
  getTotalCodewordsCount(v: number, ecl: unknown): number;
};
const utils = require("qrcode/lib/core/utils") as { getSymbolTotalCodewords(v: number): number };

/** Dark cells back from the SVG path (squares "M{x} {y}h1v1h-1z"). */
function cellsOf(d: string, size: number): Uint8Array {
  const out = new Uint8Array(size * size);
  const re = /M(\d+) (\d+)h1v1h-1z/g;
  let n = 0;
  for (let m = re.exec(d); m; m = re.exec(d)) {
    out[Number(m[2]) * size + Number(m[1])] = 1;
    n += m[0].length;
  }
  expect(n).toBe(d.length); // nothing else in the path
  return out;
}

const MASKS: ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

/** Reads a byte-mode QR (EC level M) drawn as `dark`, with the symbol's function modules from `reserved`. */
function decode(dark: Uint8Array, size: number, version: number, mask: number, reserved: Uint8Array): Uint8Array {
  const bits: number[] = [];
  let up = true;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let k = 0; k < size; k++) {
      const row = up ? size - 1 - k : k;
      for (const c of [col, col - 1]) {
        if (reserved[row * size + c]) continue;
        bits.push(dark[row * size + c]! ^ (MASKS[mask]!(row, c) ? 1 : 0));
      }
    }
    up = !up;
  }
  const total = utils.getSymbolTotalCodewords(version);
  const cw = new Uint8Array(total);
  for (let i = 0; i < total; i++) for (let b = 0; b < 8; b++) cw[i] = (cw[i]! << 1) | bits[i * 8 + b]!;
  const M = QRCode.create("x", { errorCorrectionLevel: "M" }).errorCorrectionLevel;
  const blocks = ecc.getBlocksCount(version, M);
  const dataTotal = total - ecc.getTotalCodewordsCount(version, M);
  const small = Math.floor(dataTotal / blocks);
  const bigCount = dataTotal % blocks;
  const sizes = Array.from({ length: blocks }, (_, i) => (i < blocks - bigCount ? small : small + 1));
  const per: number[][] = sizes.map(() => []);
  let p = 0;
  for (let i = 0; i < small + 1; i++) for (let b = 0; b < blocks; b++) if (i < sizes[b]!) per[b]!.push(cw[p++]!);
  const data = per.flat();
  const dbits: number[] = [];
  for (const byte of data) for (let b = 7; b >= 0; b--) dbits.push((byte >> b) & 1);
  let at = 0;
  const take = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | dbits[at++]!;
    return v;
  };
  expect(take(4)).toBe(0b0100); // byte mode
  const count = take(version < 10 ? 8 : 16);
  return Uint8Array.from({ length: count }, () => take(8));
}

function render(payload: Uint8Array): Uint8Array {
  const m = qrMatrix(payload);
  const ref = QRCode.create([{ data: payload, mode: "byte" }], { errorCorrectionLevel: "M" });
  expect(ref.modules.size).toBe(m.size);
  const reserved = Uint8Array.from(ref.modules.reservedBit);
  return decode(cellsOf(qrPath(m), m.size), m.size, ref.version, ref.maskPattern as unknown as number, reserved);
}

describe("security code QR", () => {
  const key = (b: number) => Uint8Array.from({ length: 33 }, (_, i) => (i * 37 + b) & 0xff);
  let code: SecurityCode;
  beforeAll(async () => {
    await loadCrypto();
    code = securityCode({ id: "alice", key: key(1) }, { id: "bob", key: key(2) }, 2);
  });

  it("the drawn QR decodes to exactly the security code's scannable payload", () => {
    expect(code.qr.length).toBe(74);
    expect(code.qr.some((b) => b >= 0x80)).toBe(true); // binary, not text
    const got = render(code.qr);
    expect(Array.from(got)).toEqual(Array.from(code.qr));
    expect(Array.from(qrMatrix(code.qr).payload)).toEqual(Array.from(code.qr));
  });

  it("a different code draws a different QR that decodes to its own payload", () => {
    const other = securityCode({ id: "alice", key: key(1) }, { id: "bob", key: key(3) }, 2);
    expect(qrPath(qrMatrix(other.qr))).not.toBe(qrPath(qrMatrix(code.qr)));
    expect(Array.from(render(other.qr))).toEqual(Array.from(other.qr));
  });

  it("decodes arbitrary bytes, all 256 values", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    expect(Array.from(render(all))).toEqual(Array.from(all));
  });
});
