import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cspHash, inlineScripts } from "./csp-hashes.mjs";

const script = fileURLToPath(new URL("./csp-hashes.mjs", import.meta.url));

describe("inlineScripts", () => {
  it("returns inline bodies verbatim and skips external and data scripts", () => {
    const html =
      '<head><script src="/a.js" async=""></script><script>self.__next_f=[]</script>' +
      '<SCRIPT type="text/javascript">\n  a < b && c()\n</SCRIPT>' +
      '<script type="application/ld+json">{"x":1}</script>' +
      '<script type="module">import "/m.js"</script><script></script></head>';
    expect(inlineScripts(html)).toEqual(["self.__next_f=[]", "\n  a < b && c()\n", 'import "/m.js"', ""]);
  });
  it("does not treat data-src or an attribute value containing src= as external", () => {
    expect(inlineScripts('<script data-src="x">run()</script>')).toEqual(["run()"]);
  });
});

describe("cspHash", () => {
  it("is the CSP source expression of the UTF-8 SHA-256", () => {
    // Known value: the CSP spec's example, sha256 of "alert('Hello, world.');".
    expect(cspHash("alert('Hello, world.');")).toBe("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
    const body = "é\u2028";
    expect(cspHash(body)).toBe(`'sha256-${createHash("sha256").update(Buffer.from(body, "utf8")).digest("base64")}'`);
  });
});

describe("csp-hashes.mjs CLI", () => {
  it("writes the sorted union over every page on one line", () => {
    const dir = mkdtempSync(join(tmpdir(), "csp-"));
    mkdirSync(join(dir, "out", "calls"), { recursive: true });
    writeFileSync(join(dir, "out", "index.html"), "<script>a()</script><script>b()</script>");
    writeFileSync(join(dir, "out", "calls", "index.html"), "<script>b()</script><script>c()</script>");
    writeFileSync(join(dir, "out", "x.txt"), "<script>ignored()</script>");
    const dest = join(dir, ".csp", "script-src.txt");
    execFileSync(process.execPath, [script, join(dir, "out"), dest], { stdio: "pipe" });
    const want = ["a()", "b()", "c()"].map(cspHash).sort().join(" ") + "\n";
    expect(readFileSync(dest, "utf8")).toBe(want);
  });
  it("fails when there is no HTML", () => {
    const dir = mkdtempSync(join(tmpdir(), "csp-"));
    mkdirSync(join(dir, "out"));
    expect(() => execFileSync(process.execPath, [script, join(dir, "out"), join(dir, "o.txt")], { stdio: "pipe" })).toThrow();
  });
});
