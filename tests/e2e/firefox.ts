/*
 * Firefox ESR for cross-browser tests. Playwright can only drive its own
 * patched Firefox build, so Debian's firefox-esr is driven with
 * puppeteer-core over WebDriver BiDi (nothing is downloaded; recipes.md).
 * The helpers mirror accounts.ts: a person registers through the login
 * screens with the code read back from the test SMS gateway.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { codeCount, waitForCode } from "./accounts";

const URL = process.env.PARLEY_TEST_URL ?? "https://localhost:18443";

export interface FirefoxSession {
  browser: Browser;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** Headless Firefox ESR with a fake camera and microphone that gathers loopback ICE candidates. */
export async function launchFirefox(): Promise<FirefoxSession> {
  const cache = mkdtempSync(join(tmpdir(), "parley-ff-"));
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.PARLEY_FIREFOX ?? "/usr/bin/firefox-esr",
    headless: true,
    acceptInsecureCerts: true,
    env: { ...process.env, XDG_CACHE_HOME: cache, MOZ_CRASHREPORTER_DISABLE: "1" },
    extraPrefsFirefox: {
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      // Without it Firefox gathers no ICE candidates in a loopback-only namespace.
      "media.navigator.permission.fake": true,
      "media.peerconnection.ice.loopback": true,
      "media.autoplay.default": 0,
      "dom.webnotifications.enabled": false,
    },
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    browser,
    page,
    errors,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(cache, { recursive: true, force: true });
    },
  };
}

/** The element with this ARIA role and accessible name (puppeteer's ARIA query). */
export function byRole(page: Page, role: string, name: string) {
  return page.locator(`::-p-aria([name="${name}"][role="${role}"])`);
}

/** Waits until `fn` (run in the page) returns true. */
export async function until(page: Page, fn: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(fn, { timeout, polling: 100 });
}

/** Waits until an item of the list named `list` shows `text`. */
export async function untilListed(page: Page, list: string, text: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (l: string, t: string) =>
      Array.from(document.querySelectorAll(`[aria-label="${l}"] [role="listitem"], [aria-label="${l}"] li`)).some((e) => e.textContent?.includes(t)),
    { timeout, polling: 100 },
    list,
    text,
  );
}

/** Registers a new account through the UI in Firefox and waits until the device is ready and connected. */
export async function registerFirefox(page: Page, name: string, phone: string): Promise<void> {
  await page.goto(URL + "/");
  await byRole(page, "textbox", "Phone number").fill(phone);
  const before = codeCount(phone);
  await byRole(page, "button", "Next").click();
  await byRole(page, "textbox", "Verification code").wait();
  const code = await waitForCode(phone, before);
  await byRole(page, "textbox", "Verification code").fill(code);
  await byRole(page, "button", "Verify").click();
  await byRole(page, "textbox", "Your name").fill(name);
  await byRole(page, "button", "Save").click();
  await until(page, `document.documentElement.dataset.e2e === "ready" && document.documentElement.dataset.conn === "connected"`);
}
