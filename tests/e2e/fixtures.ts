/*
 * Shared fixture: every page records console errors, uncaught exceptions,
 * CSP violations (securitypolicyviolation, via an init script that Chromium
 * runs outside the page's CSP) and requests to any origin other than the
 * app's. Tests call expectClean() to assert none happened.
 */
import { mkdirSync } from "node:fs";
import { test as base, expect, type Page } from "@playwright/test";
import { register } from "./accounts";

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };
export const ARTIFACTS = process.env.PARLEY_TEST_ARTIFACTS ?? "/tmp/parley-artifacts";

export interface Watch {
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
  cspViolations(): Promise<string[]>;
}

/**
 * Every worker registers one account through the UI (the OTP limit per
 * address rules out one per test) and its tests start signed in: cookie,
 * localStorage and IndexedDB (the device keys) restored from that login.
 */
export const test = base.extend<{ watch: Watch }, { account: { storage: string; phone: string } }>({
  account: [
    async ({ browser }, use, workerInfo) => {
      const dir = `${ARTIFACTS}/.auth`;
      mkdirSync(dir, { recursive: true });
      const storage = `${dir}/worker-${workerInfo.workerIndex}-${process.pid}.json`;
      const ctx = await browser.newContext({
        baseURL: process.env.PARLEY_TEST_URL ?? "https://localhost:18443",
        ignoreHTTPSErrors: true,
        storageState: { cookies: [], origins: [] },
      });
      const page = await ctx.newPage();
      const { phone } = await register(page, `Tester ${workerInfo.workerIndex + 1}`);
      // Keys are generated and uploaded after the main screen shows: wait for the device to be ready.
      await page.waitForFunction(() => document.documentElement.dataset.e2e === "ready", null, { timeout: 20_000 }).catch(() => undefined);
      await ctx.storageState({ path: storage, indexedDB: true });
      await ctx.close();
      await use({ storage, phone });
    },
    { scope: "worker" },
  ],
  storageState: async ({ account }, use) => use(account.storage),
  watch: async ({ page, baseURL }, use) => {
    const origin = new URL(baseURL ?? "https://localhost").origin;
    const w: Watch = {
      consoleErrors: [],
      pageErrors: [],
      foreignRequests: [],
      cspViolations: () =>
        page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []).catch(() => []),
    };
    await page.addInitScript(() => {
      const list: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = list;
      document.addEventListener("securitypolicyviolation", (e) => {
        list.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    page.on("console", (m) => {
      if (m.type() === "error") w.consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => w.pageErrors.push(String(e)));
    page.on("request", (r) => {
      const u = r.url();
      if (u.startsWith("data:") || u.startsWith("blob:")) return;
      if (new URL(u).origin !== origin) w.foreignRequests.push(u);
    });
    await use(w);
  },
});

export async function expectClean(w: Watch): Promise<void> {
  expect(await w.cspViolations(), "CSP violations").toEqual([]);
  expect(w.consoleErrors, "console errors").toEqual([]);
  expect(w.pageErrors, "uncaught page errors").toEqual([]);
  expect(w.foreignRequests, "requests to other origins").toEqual([]);
}

/** Opens the app and waits until React has hydrated (tabs respond to clicks). */
export async function openApp(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.locator(".app")).toHaveAttribute("data-ready", "true");
}

export { expect };
