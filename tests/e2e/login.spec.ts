/*
 * Registration and login through the UI: inline errors for a bad number and a
 * wrong code, two-step verification (PIN set in Settings, asked at the next
 * login, a wrong PIN refused), log out. Screenshots of every step, 390×844
 * and 1440×900, light and dark.
 */
import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";
import { codeCount, freshPhone, waitForCode } from "./accounts";
import { ARTIFACTS, DESKTOP, PHONE, expect, test } from "./fixtures";

test.use({ storageState: { cookies: [], origins: [] } });

async function shots(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [label, vp] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      await page.setViewportSize(vp);
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: `${ARTIFACTS}/login-${name}-${label}-${vp.width}x${vp.height}-${colorScheme}.png`, animations: "disabled" });
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light" });
}

test("registration with inline errors, then two-step verification on the next login", async ({ page }) => {
  test.setTimeout(120_000);
  const phone = freshPhone();
  await page.goto("/");
  const phoneBox = page.getByRole("textbox", { name: "Phone number" });
  await expect(phoneBox).toBeVisible();
  await shots(page, "phone");

  // A number without a country code is refused before anything is sent.
  await phoneBox.fill("07700 900123");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "country code" })).toBeVisible();
  await expect(phoneBox).toHaveAttribute("aria-invalid", "true");
  await shots(page, "phone-error");

  await phoneBox.fill(phone);
  let seen = codeCount(phone);
  await page.getByRole("button", { name: "Next" }).click();
  const codeBox = page.getByRole("textbox", { name: "Verification code" });
  await expect(codeBox).toBeVisible();
  const code = await waitForCode(phone, seen);
  await shots(page, "code");

  // A wrong code: the server's invalid_code, shown under the field.
  const wrong = code === "000000" ? "111111" : "000000";
  await codeBox.fill(wrong);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong code" })).toBeVisible();
  await shots(page, "code-error");
  await codeBox.fill(code);
  await page.getByRole("button", { name: "Verify" }).click();

  const nameBox = page.getByRole("textbox", { name: "Your name" });
  await expect(nameBox).toBeVisible();
  await shots(page, "name");
  await nameBox.fill("Pat");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".app")).toHaveAttribute("data-ready", "true");

  // Settings → Account: turn on two-step verification.
  await page.getByRole("button", { name: "Settings", exact: true }).first().click();
  await page.getByRole("button", { name: /^Account/ }).click();
  await page.getByLabel("Create a 6-digit PIN").fill("246810");
  await page.getByLabel("Confirm PIN").fill("246810");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Two-step verification is on.")).toBeVisible();
  await page.getByRole("button", { name: "Back" }).click();

  // Log out, then in again: the PIN is asked for; a wrong one is refused.
  await page.getByRole("button", { name: /^Log out/ }).click();
  await expect(phoneBox).toBeVisible();
  await phoneBox.fill(phone);
  seen = codeCount(phone);
  for (let i = 0; i < 3; i++) {
    await page.getByRole("button", { name: "Next" }).click();
    const wait = page.getByRole("alert").filter({ hasText: /Try again in/ });
    await expect(codeBox.or(wait)).toBeVisible();
    if (await codeBox.isVisible()) break;
    const m = (await wait.textContent())?.match(/Try again in (\d+) second/);
    await page.waitForTimeout((Number(m?.[1] ?? 30) + 1) * 1000);
  }
  await codeBox.fill(await waitForCode(phone, seen));
  await page.getByRole("button", { name: "Verify" }).click();
  const pinBox = page.getByRole("textbox", { name: "PIN" });
  await expect(pinBox).toBeVisible();
  await shots(page, "pin");
  await pinBox.fill("135790");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong PIN" })).toBeVisible();
  await pinBox.fill("246810");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".app")).toHaveAttribute("data-ready", "true");
  await expect(page.getByRole("list", { name: "Chat list" })).toBeVisible();

  // Settings → Account → Delete account: back at the start, and the number is a new account again.
  await page.getByRole("button", { name: "Settings", exact: true }).first().click();
  await page.getByRole("button", { name: /^Account/ }).click();
  await page.getByRole("button", { name: "Delete account" }).click();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(phoneBox).toBeVisible();
});
