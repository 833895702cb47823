/*
 * QR codes for the security code (the scannable payload of
 * lib/crypto/fingerprint.ts): bytes in one byte-mode segment, never a string,
 * so every byte ≥ 0x80 is kept as it is. The matrix is turned into one SVG
 * path that React renders (no innerHTML, nothing for the CSP to object to).
 * This module pulls in the qrcode package: import it dynamically, so the
 * main route's initial JavaScript does not grow.
 */
import QRCode from "qrcode";

export interface QrMatrix {
  size: number;
  /** size × size, row-major, 1 = dark module. */
  dark: Uint8Array;
  /** The bytes of the single byte-mode segment, as qrcode encoded them. */
  payload: Uint8Array;
}

export function qrMatrix(payload: Uint8Array): QrMatrix {
  const qr = QRCode.create([{ data: Uint8Array.from(payload), mode: "byte" }], { errorCorrectionLevel: "M" });
  const seg = qr.segments[0] as unknown as { data: Uint8Array };
  return {
    size: qr.modules.size,
    dark: Uint8Array.from(qr.modules.data, (v) => (v ? 1 : 0)),
    payload: Uint8Array.from(seg.data),
  };
}

/** One path of 1×1 squares, one per dark module, in module units (quiet zone added by the caller's viewBox). */
export function qrPath(m: QrMatrix): string {
  const parts: string[] = [];
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (m.dark[y * m.size + x]) parts.push(`M${x} ${y}h1v1h-1z`);
    }
  }
  return parts.join("");
}
