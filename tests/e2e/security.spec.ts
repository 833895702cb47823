/*
 * Security headers on the document and a CSP-clean run: no violation, no
 * console error, no request to another origin, across every screen the shell has.
 */
import { expect, expectClean, openApp, test } from "./fixtures";

function directives(csp: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name.toLowerCase(), values);
  }
  return m;
}

test("document carries CSP, HSTS, nosniff and Referrer-Policy", async ({ page }) => {
  const res = await page.goto("/");
  expect(res, "navigation response").not.toBeNull();
  const h = await res!.allHeaders();
  expect(res!.status()).toBe(200);

  const csp = h["content-security-policy"];
  expect(csp, "Content-Security-Policy header").toBeTruthy();
  const d = directives(csp!);
  const scriptSrc = d.get("script-src") ?? [];
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc.filter((s) => s.startsWith("'sha256-")).length).toBeGreaterThan(0);
  expect(scriptSrc.filter((s) => /^(https?:|\*|wss?:)/.test(s))).toEqual([]);
  expect(d.get("connect-src")).toEqual(expect.arrayContaining(["'self'"]));
  expect(d.get("img-src")).toEqual(expect.arrayContaining(["'self'", "data:", "blob:"]));
  expect(d.get("font-src")).toEqual(["'self'"]);
  expect(d.get("worker-src")).toEqual(["'self'"]);
  expect(d.get("frame-ancestors")).toEqual(["'none'"]);
  expect(d.get("base-uri")).toEqual(["'none'"]);
  expect(d.get("object-src")).toEqual(["'none'"]);

  expect(h["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
});

for (const colorScheme of ["light", "dark"] as const) {
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    test(`no CSP violation or foreign request (${viewport.width}px, ${colorScheme})`, async ({ page, watch }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await openApp(page);
      for (const name of ["Updates", "Communities", "Calls", "Chats"]) {
        await page.getByRole("tab", { name, exact: true }).click();
        await expect(page.getByRole("tabpanel")).toHaveAccessibleName(name);
      }
      await page.getByRole("button", { name: "Menu" }).click();
      await page.getByRole("menuitem", { name: "Settings" }).click();
      await page.getByRole("button", { name: /^Theme/ }).click();
      await page.getByRole("button", { name: "Cancel" }).click();
      // Every script the page ran came from our origin or a hashed inline block.
      const external = await page.evaluate(() =>
        Array.from(document.scripts)
          .map((s) => s.src)
          .filter((src) => src !== "" && new URL(src).origin !== location.origin),
      );
      expect(external).toEqual([]);
      await expectClean(watch);
    });
  }
}
