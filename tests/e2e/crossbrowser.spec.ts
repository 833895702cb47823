/*
 * Chromium and Firefox ESR together: a person on each browser registers,
 * they chat end to end encrypted in both directions. (Calls between the two
 * browsers are added by the calls tests on top of these two sessions.)
 */
import type { BrowserContext, Page } from "@playwright/test";
import { freshPhone, register } from "./accounts";
import { ARTIFACTS, DESKTOP, expect, test } from "./fixtures";
import { byRole, launchFirefox, registerFirefox, untilListed, type FirefoxSession } from "./firefox";

const URL = process.env.PARLEY_TEST_URL ?? "https://localhost:18443";

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
});
