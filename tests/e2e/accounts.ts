/*
 * Accounts for browser tests, made the way a person makes one: through the
 * login screens, with the code read back from the test SMS gateway's file
 * ($PARLEY_TEST_SMS_FILE, JSON lines {"to","text"}) or, with the "log"
 * sender, from the auth service's outbox ($PARLEY_VAR/sms/outbox).
 */
import { existsSync, readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";

let counter = 0;

/** A fresh E.164 number in the +1 555 fictional range, unique per process and call. */
export function freshPhone(): string {
  counter++;
  const n = (Date.now() * 7 + process.pid * 1000 + counter * 7919) % 10_000_000;
  return `+1555${String(n).padStart(7, "0")}`;
}

function codesFor(phone: string): string[] {
  const out: string[] = [];
  const sms = process.env.PARLEY_TEST_SMS_FILE;
  if (sms && existsSync(sms)) {
    for (const line of readFileSync(sms, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const o = JSON.parse(line) as { to?: string; text?: string };
        const m = o.to === phone ? o.text?.match(/\b(\d{6})\b/) : null;
        if (m) out.push(m[1]!);
      } catch {
        // a partial line being written
      }
    }
  }
  const outbox = process.env.PARLEY_VAR ? `${process.env.PARLEY_VAR}/sms/outbox` : "";
  if (out.length === 0 && outbox && existsSync(outbox)) {
    for (const line of readFileSync(outbox, "utf8").split("\n")) {
      const [, to, code] = line.trim().split(/\s+/);
      if (to === phone && code && /^\d{6}$/.test(code)) out.push(code);
    }
  }
  return out;
}

/** The newest code sent to `phone` after `seen` earlier codes, waiting for it to arrive. */
export async function waitForCode(phone: string, seen = 0, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const codes = codesFor(phone);
    if (codes.length > seen) return codes[codes.length - 1]!;
    if (Date.now() > end) throw new Error(`no SMS code for ${phone}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function codeCount(phone: string): number {
  return codesFor(phone).length;
}

/** Registers a new account through the UI and waits for the main screen. */
export async function register(page: Page, name: string, phone: string = freshPhone()): Promise<{ phone: string; name: string }> {
  await page.goto("/");
  await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
  const before = codeCount(phone);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("textbox", { name: "Verification code" })).toBeVisible();
  const code = await waitForCode(phone, before);
  await page.getByRole("textbox", { name: "Verification code" }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("textbox", { name: "Your name" }).fill(name);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".app")).toHaveAttribute("data-ready", "true", { timeout: 15_000 });
  return { phone, name };
}

/** Logs in with an existing number (a new device of that account) and waits for the main screen. */
export async function login(page: Page, phone: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
  const before = codeCount(phone);
  await requestCode(page);
  const code = await waitForCode(phone, before);
  await page.getByRole("textbox", { name: "Verification code" }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.locator(".app")).toHaveAttribute("data-ready", "true", { timeout: 15_000 });
}

/** Next, waiting out "one code per number every 30 s" the way a person would: read the wait, wait, retry. */
async function requestCode(page: Page): Promise<void> {
  const codeBox = page.getByRole("textbox", { name: "Verification code" });
  for (let i = 0; i < 3; i++) {
    await page.getByRole("button", { name: "Next" }).click();
    const alert = page.getByRole("alert").filter({ hasText: /Try again in/ });
    await expect(codeBox.or(alert)).toBeVisible();
    if (await codeBox.isVisible()) return;
    const m = (await alert.textContent())?.match(/Try again in (\d+) second/);
    await page.waitForTimeout((Number(m?.[1] ?? 30) + 1) * 1000);
  }
  await expect(codeBox).toBeVisible();
}
