/*
 * People for multi-user browser tests: each one a fresh browser context (not
 * the worker's signed-in account) with camera and microphone allowed (the
 * browser's fake devices, playwright.config.ts), recording page errors and
 * CSP violations, and the few actions every chat and call test does.
 */
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { DESKTOP, expect } from "./fixtures";

const URL = process.env.PARLEY_TEST_URL ?? "https://localhost:18443";

export interface Person {
  ctx: BrowserContext;
  page: Page;
  /** Uncaught page errors. */
  errors: string[];
  /** CSP violations reported in the page. */
  csp: () => Promise<string[]>;
}

export async function person(browser: Browser, viewport = DESKTOP, colorScheme: "light" | "dark" = "light"): Promise<Person> {
  const phone = viewport.width <= 768;
  const ctx = await browser.newContext({
    baseURL: URL,
    ignoreHTTPSErrors: true,
    storageState: { cookies: [], origins: [] },
    viewport,
    colorScheme,
    locale: "en-GB",
    isMobile: phone,
    hasTouch: phone,
    permissions: ["camera", "microphone"],
  });
  await ctx.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = list;
    document.addEventListener("securitypolicyviolation", (e) => list.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { ctx, page, errors, csp: () => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []) };
}

/** Keys uploaded and the push channel connected. */
export async function ready(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-e2e", "ready", { timeout: 20_000 });
  await expect(page.locator("html")).toHaveAttribute("data-conn", "connected", { timeout: 20_000 });
}

/** New chat by phone number; with `name`, waits for that chat (another may have been open). */
export async function startChat(page: Page, phone: string, name?: string): Promise<void> {
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
  await page.getByRole("button", { name: "Start chat" }).click();
  if (name) await expect(page.getByRole("region", { name: `Chat with ${name}` })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Type a message" })).toBeVisible();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Type a message" });
  await box.fill(text);
  await box.press("Enter");
}

/** The rows of the open chat that contain `text`. */
export function inChat(page: Page, text: string | RegExp) {
  return page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: text });
}

/** Opens the chat with `name` from the chat list (switching to the Chats tab first). */
export async function openChatWith(page: Page, name: string): Promise<void> {
  await page.getByRole("tab", { name: "Chats" }).click();
  const row = page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: name });
  await expect(row).toBeVisible({ timeout: 15_000 });
  await row.getByRole("button").first().click();
  await expect(page.getByRole("textbox", { name: "Type a message" })).toBeVisible();
}

/** The 60 digits of the open contact info's security code. */
export async function securityCode(page: Page): Promise<string> {
  const panel = page.getByRole("complementary", { name: "Contact info" });
  const digits = panel.locator(".code-digits");
  const encryption = panel.getByRole("button", { name: /Encryption/ });
  if ((await encryption.getAttribute("aria-expanded")) !== "true") await encryption.click();
  await expect(digits).toBeVisible({ timeout: 15_000 });
  const text = (await digits.innerText()).replace(/\s+/g, "");
  expect(text).toMatch(/^\d{60}$/);
  return text;
}
