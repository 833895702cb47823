"use client";
/*
 * The security code's QR (the scannable payload), drawn as an SVG path.
 * lib/qr (and the qrcode package) load only when it is shown.
 */
import { useEffect, useState } from "react";

const QUIET = 4;

export function SecurityQr({ payload }: { payload: Uint8Array }) {
  const [qr, setQr] = useState<{ size: number; d: string } | null>(null);
  useEffect(() => {
    let live = true;
    void import("@/lib/qr/qr").then(({ qrMatrix, qrPath }) => {
      const m = qrMatrix(payload);
      if (live) setQr({ size: m.size, d: qrPath(m) });
    });
    return () => {
      live = false;
    };
  }, [payload]);
  if (!qr) return <div className="security-qr" aria-busy="true" />;
  const full = qr.size + 2 * QUIET;
  return (
    <svg
      className="security-qr"
      role="img"
      aria-label="Security code QR code"
      viewBox={`${-QUIET} ${-QUIET} ${full} ${full}`}
      width={200}
      height={200}
      shapeRendering="crispEdges"
    >
      <rect x={-QUIET} y={-QUIET} width={full} height={full} fill="#fff" />
      <path d={qr.d} fill="#000" />
    </svg>
  );
}
