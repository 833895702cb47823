#!/usr/bin/env node
/*
 * Computes the CSP script-src hashes for Next's static export.
 *
 * `next build` with output: "export" writes inline <script> tags (the RSC
 * payload, self.__next_f.push(...)) into every HTML page. nginx serves the app
 * with `script-src 'self' <hashes>`, never 'unsafe-inline', so every inline
 * script body must be listed by its SHA-256. This scans out/**\/*.html, hashes
 * the exact text between <script …> and </script> of each script without a src
 * attribute, and writes the union, sorted and space-separated, on one line to
 * .csp/script-src.txt (read by the nginx config). Fails if out/ has no HTML.
 *
 * Usage: node scripts/csp-hashes.mjs [outDir] [destFile]
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, "..", "out"));
const dest = resolve(process.argv[3] ?? join(here, "..", ".csp", "script-src.txt"));

function* htmlFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* htmlFiles(p);
    else if (e.isFile() && e.name.endsWith(".html")) yield p;
  }
}

/** Inline script bodies of one HTML document (scripts with a src are covered by 'self'). */
export function inlineScripts(html) {
  const out = [];
  // Script content ends at the first "</script" (HTML tokenizer rule), case-insensitively.
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
  for (let m; (m = re.exec(html)) !== null; ) {
    const attrs = m[1];
    if (/\ssrc\s*=/i.test(" " + attrs)) continue;
    // Non-JavaScript types (application/json, application/ld+json) are data, not executed.
    const type = /\stype\s*=\s*["']?([^"'\s>]+)/i.exec(" " + attrs)?.[1]?.toLowerCase();
    if (type && type !== "text/javascript" && type !== "module" && type !== "application/javascript") continue;
    out.push(m[2]);
  }
  return out;
}

export function cspHash(body) {
  return `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`;
}

function main() {
  const hashes = new Set();
  let pages = 0;
  let scripts = 0;
  for (const file of htmlFiles(outDir)) {
    pages++;
    for (const body of inlineScripts(readFileSync(file, "utf8"))) {
      scripts++;
      hashes.add(cspHash(body));
    }
  }
  if (pages === 0) {
    console.error(`csp-hashes: no HTML under ${outDir}; run next build first`);
    process.exit(1);
  }
  const line = [...hashes].sort().join(" ");
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, line + "\n");
  console.log(
    `csp-hashes: ${pages} pages, ${scripts} inline scripts, ${hashes.size} distinct hashes → ${relative(process.cwd(), dest)}`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
