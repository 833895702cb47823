/*
 * Chromium and Firefox ESR together (issue 7, cross-browser): a person on
 * each browser registers through the UI; they chat end to end encrypted in
 * both directions, then video-call each other, first Chromium → Firefox,
 * then Firefox → Chromium. Each side must decode the other's video (fake
 * camera: Chromium 640×480, Firefox 320×240) with inbound bytes growing.
 * Runs in the loopback-only network namespace of tests/run-all.
 */
import type { BrowserContext, Page } from "@playwright/test";
import type { Page as FoxPage } from "puppeteer-core";
import { freshPhone, register } from "./accounts";
import { callScreen, debug, incoming, samplesOver, videoWidth, type CallDebug } from "./call-helpers";
import { ARTIFACTS, DESKTOP, expect, test } from "./fixtures";
import { byRole, launchFirefox, registerFirefox, until, untilListed, type FirefoxSession } from "./firefox";

const URL = process.env.PARLEY_TEST_URL ?? "https://localhost:18443";

function foxDebug(f: FoxPage): Promise<CallDebug> {
  return f.evaluate(() => (window as unknown as { __parleyCall: { stats(): CallDebug } }).__parleyCall.stats());
}

/** Firefox decodes the named video and its inbound video bytes keep growing. */
async function foxSees(f: FoxPage, label: string): Promise<void> {
  await f.waitForFunction(
    (l: string) => Array.from(document.querySelectorAll("video")).some((v) => v.getAttribute("aria-label") === l && v.videoWidth > 0),
    { timeout: 20_000, polling: 100 },
    label,
  );
  const first = await foxDebug(f);
  await new Promise((r) => setTimeout(r, 1500));
  const later = await foxDebug(f);
  expect(later.sample?.inVideo.bytes ?? 0).toBeGreaterThan(first.sample?.inVideo.bytes ?? 0);
  expect(later.sample?.inAudio.bytes ?? 0).toBeGreaterThan(first.sample?.inAudio.bytes ?? 0);
}

/** Chromium decodes the named video and its inbound video keeps growing. */
async function chromeSees(p: Page, label: string): Promise<void> {
  await expect.poll(() => videoWidth(p, label), { timeout: 15_000 }).toBeGreaterThan(0);
  const [s1, s2] = await samplesOver(p, 1500);
  expect(s2.inVideo.framesDecoded).toBeGreaterThan(s1.inVideo.framesDecoded);
  expect(s2.inAudio.bytes).toBeGreaterThan(s1.inAudio.bytes);
}

function callState(f: FoxPage): Promise<string | null> {
  return f.evaluate(() => document.querySelector(".call-screen")?.getAttribute("data-call-state") ?? null);
}


test.describe("Chromium and Firefox ESR", () => {
  test.describe.configure({ mode: "serial" });
  test.setTimeout(120_000);

  let chrome: { ctx: BrowserContext; page: Page };
  let fox: FirefoxSession;
  const phoneA = freshPhone();
  const phoneB = freshPhone();

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    const ctx = await browser.newContext({
      baseURL: URL,
      ignoreHTTPSErrors: true,
      storageState: { cookies: [], origins: [] },
      viewport: DESKTOP,
      locale: "en-GB",
      permissions: ["camera", "microphone"],
    });
    chrome = { ctx, page: await ctx.newPage() };
    fox = await launchFirefox();
    await Promise.all([register(chrome.page, "Ada", phoneA), registerFirefox(fox.page, "Fox", phoneB)]);
    await expect(chrome.page.locator("html")).toHaveAttribute("data-conn", "connected", { timeout: 20_000 });
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus && fox) {
      await fox.page.screenshot({ path: `${ARTIFACTS}/firefox-${info.title.replace(/\W+/g, "-")}.png` }).catch(() => undefined);
    }
  });

  test.afterAll(async () => {
    await chrome?.ctx.close();
    await fox?.close();
  });

  test("they chat in both directions", async () => {
    const a = chrome.page;
    await a.getByRole("button", { name: "New chat" }).click();
    await a.getByRole("textbox", { name: "Phone number" }).fill(phoneB);
    await a.getByRole("button", { name: "Start chat" }).click();
    const box = a.getByRole("textbox", { name: "Type a message" });
    await box.fill("hello from chromium");
    await box.press("Enter");

    // Firefox: the chat appears in the list; open it and read the message.
    const f = fox.page;
    await untilListed(f, "Chat list", "hello from chromium");
    await f.locator(`::-p-aria([name="Chat list"]) ::-p-text(Ada)`).click();
    await untilListed(f, "Messages", "hello from chromium");
    await byRole(f, "textbox", "Type a message").fill("hello from firefox");
    await f.keyboard.press("Enter");

    await expect(a.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: "hello from firefox" })).toBeVisible({ timeout: 15_000 });
    expect(fox.errors).toEqual([]);
  });

  test("video call Chromium → Firefox", async () => {
    const a = chrome.page;
    const f = fox.page;
    await a.getByRole("button", { name: "Video call", exact: true }).click();
    await byRole(f, "dialog", "Incoming call").wait();
    await byRole(f, "button", "Accept").click();
    await expect(callScreen(a)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await until(f, `document.querySelector(".call-screen")?.getAttribute("data-call-state") === "active"`);
    await chromeSees(a, "Fox's video");
    await foxSees(f, "Ada's video");
    console.log(`chromium → firefox: accept → first remote frame ${(await foxDebug(f)).acceptToFirstFrameMs} ms (firefox)`);
    await a.getByRole("button", { name: "End call", exact: true }).click();
    await until(f, `(document.querySelector(".call-screen")?.getAttribute("data-call-state") ?? "ended") === "ended"`);
    await expect(callScreen(a)).toBeHidden({ timeout: 10_000 });
    expect(fox.errors).toEqual([]);
  });

  test("video call Firefox → Chromium", async () => {
    const a = chrome.page;
    const f = fox.page;
    await until(f, `!document.querySelector(".call-screen")`, 15_000);
    await byRole(f, "button", "Video call").click();
    const dialog = incoming(a);
    await expect(dialog).toBeVisible({ timeout: 15_000 });
    await expect(dialog).toContainText("Fox");
    await dialog.getByRole("button", { name: "Accept" }).click();
    await expect(callScreen(a)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await until(f, `document.querySelector(".call-screen")?.getAttribute("data-call-state") === "active"`);
    await chromeSees(a, "Fox's video");
    await foxSees(f, "Ada's video");
    console.log(`firefox → chromium: accept → first remote frame ${(await debug(a)).acceptToFirstFrameMs} ms (chromium)`);
    await byRole(f, "button", "End call").click();
    await expect(callScreen(a)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    expect(await callState(f)).not.toBe("active");
    expect(fox.errors).toEqual([]);
  });
});
