/*
 * e2e.md "Tests that prove it" 5, first point, and issue 6: a contact who
 * reinstalls (logs out, logs in again on a fresh browser: a new device with a
 * new identity key) shows "Your security code with … changed" in the chat,
 * once. The contact was verified, so what A writes waits (clock) until A
 * acknowledges; then it goes out, in order. The security code is over the
 * current devices: it differs from before and both sides show the same 60
 * digits. Screenshots of the notice and the banner at 390×844 and 1440×900,
 * light and dark.
 */
import { mkdirSync } from "node:fs";
import { freshPhone, login, register } from "./accounts";
import { ARTIFACTS, DESKTOP, PHONE, expect, test } from "./fixtures";
import { inChat, openChatWith, person, ready, securityCode, send, startChat, type Person } from "./people";

const NOTICE = /Your security code with Bob changed/;

test.describe("security code changes", () => {
  test.describe.configure({ mode: "serial" });

  let a: Person;
  let b: Person;
  let b2: Person | undefined;
  let c: Person;
  const phoneA = freshPhone();
  const phoneB = freshPhone();
  const phoneC = freshPhone();

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(90_000);
    a = await person(browser);
    b = await person(browser);
    c = await person(browser);
    await register(a.page, "Alice", phoneA);
    await register(b.page, "Bob", phoneB);
    await register(c.page, "Carol", phoneC);
    await Promise.all([ready(a.page), ready(b.page), ready(c.page)]);
  });

  test.afterAll(async () => {
    await a?.ctx.close();
    await b?.ctx.close().catch(() => undefined);
    await b2?.ctx.close();
    await c?.ctx.close();
  });

  test("a verified contact reinstalls: one notice, sends wait for Acknowledge, a new code both sides agree on", async ({ browser }) => {
    test.setTimeout(180_000);
    // First contact: messages both ways, and no notice on either side.
    await startChat(a.page, phoneB);
    await send(a.page, "Before the reinstall");
    await openChatWith(b.page, "Alice");
    await expect(inChat(b.page, "Before the reinstall")).toBeVisible({ timeout: 15_000 });
    await send(b.page, "Hi Alice");
    await expect(inChat(a.page, "Hi Alice")).toBeVisible({ timeout: 15_000 });
    for (const p of [a.page, b.page]) await expect(inChat(p, /security code/)).toHaveCount(0);

    // A compares codes with B and marks B verified.
    await a.page.getByRole("button", { name: "Contact info for Bob" }).click();
    const panel = a.page.getByRole("complementary", { name: "Contact info" });
    const before = await securityCode(a.page);
    await b.page.getByRole("button", { name: "Contact info for Alice" }).click();
    expect(await securityCode(b.page)).toBe(before);
    await panel.getByRole("button", { name: "Mark as verified" }).click();
    await expect(panel.getByText("Verified", { exact: true })).toBeVisible();
    await panel.getByRole("button", { name: "Close" }).click();

    // B reinstalls: logs out on the old browser, which is then gone; logs in on a fresh one.
    await b.page.getByRole("button", { name: "Menu" }).first().click();
    await b.page.getByRole("menuitem", { name: "Log out" }).click();
    await expect(b.page.getByRole("textbox", { name: "Phone number" })).toBeVisible({ timeout: 15_000 });
    await b.ctx.close();
    b2 = await person(browser);
    await login(b2.page, phoneB);
    await ready(b2.page);

    // A writes: the send finds B's devices changed. One notice; the messages wait with a clock.
    await send(a.page, "Held one");
    await expect(inChat(a.page, NOTICE)).toHaveCount(1, { timeout: 15_000 });
    const banner = a.page.getByRole("alert").filter({ hasText: NOTICE });
    await expect(banner).toBeVisible();
    await send(a.page, "Held two");
    for (const t of ["Held one", "Held two"]) {
      await expect(inChat(a.page, t).getByRole("img", { name: "Pending" })).toBeVisible();
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    for (const colorScheme of ["light", "dark"] as const) {
      for (const [vp, tag] of [
        [PHONE, "390x844"],
        [DESKTOP, "1440x900"],
      ] as const) {
        await a.page.setViewportSize(vp);
        await a.page.emulateMedia({ colorScheme });
        await expect(banner).toBeVisible();
        await a.page.screenshot({ path: `${ARTIFACTS}/security-code-changed-${tag}-${colorScheme}.png`, animations: "disabled" });
      }
    }
    await a.page.setViewportSize(DESKTOP);
    await a.page.emulateMedia({ colorScheme: "light" });

    // Nothing reached B while held (B's new device has no chat with A at all yet).
    await a.page.waitForTimeout(3_000);
    await expect(inChat(a.page, "Held one").getByRole("img", { name: "Pending" })).toBeVisible();
    await expect(b2.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Alice" })).toHaveCount(0);

    // Only the chat with Bob waits: a message to someone else goes out meanwhile.
    await startChat(a.page, phoneC, "Carol");
    await send(a.page, "Not held for Carol");
    await openChatWith(c.page, "Alice");
    await expect(inChat(c.page, "Not held for Carol")).toBeVisible({ timeout: 15_000 });
    await openChatWith(a.page, "Bob");
    await expect(inChat(a.page, "Held one").getByRole("img", { name: "Pending" })).toBeVisible();

    // Tapping the notice shows the new code: not the one A verified, and no longer marked verified.
    await inChat(a.page, NOTICE).getByRole("button").click();
    await expect(panel).toBeVisible();
    const after = await securityCode(a.page);
    expect(after).not.toBe(before);
    await expect(panel.getByRole("button", { name: "Mark as verified" })).toBeVisible();
    await panel.getByRole("button", { name: "Close" }).click();

    // Acknowledge: the banner goes and the held messages go out, in order.
    await banner.getByRole("button", { name: "Acknowledge" }).click();
    await expect(banner).toHaveCount(0);
    for (const t of ["Held one", "Held two"]) {
      await expect(inChat(a.page, t).getByRole("img", { name: /^(Sent|Delivered|Read)$/ })).toBeVisible({ timeout: 15_000 });
    }
    await openChatWith(b2.page, "Alice");
    await expect(inChat(b2.page, "Held two")).toBeVisible({ timeout: 15_000 });
    const texts = await b2.page.getByRole("list", { name: "Messages" }).getByRole("listitem").allInnerTexts();
    const i1 = texts.findIndex((t) => t.includes("Held one"));
    const i2 = texts.findIndex((t) => t.includes("Held two"));
    expect(i1).toBeGreaterThanOrEqual(0);
    expect(i2).toBeGreaterThan(i1);
    // B's new device meets A for the first time: nothing to notice there.
    await expect(inChat(b2.page, /security code/)).toHaveCount(0);

    // Both sides compute the same new code.
    await b2.page.getByRole("button", { name: "Contact info for Alice" }).click();
    expect(await securityCode(b2.page)).toBe(after);
    // Looking at the code again fetched B's devices again: still one notice on A's side.
    await expect(inChat(a.page, NOTICE)).toHaveCount(1);
    // Sending is not held any more.
    await send(a.page, "After acknowledging");
    await expect(inChat(b2.page, "After acknowledging")).toBeVisible({ timeout: 15_000 });
    expect(a.errors).toEqual([]);
    expect(b2.errors).toEqual([]);
  });

  test("a contact who reinstalls and writes first: one more notice, before their message; nothing held (not verified)", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const b3 = await person(browser);
    try {
      await b2!.page.getByRole("button", { name: "Menu" }).first().click();
      await b2!.page.getByRole("menuitem", { name: "Log out" }).click();
      await expect(b2!.page.getByRole("textbox", { name: "Phone number" })).toBeVisible({ timeout: 15_000 });
      await login(b3.page, phoneB);
      await ready(b3.page);
      await startChat(b3.page, phoneA);
      await send(b3.page, "New phone, who dis");

      // A learns of the new device from its message and refetches B's list: the old device is gone too.
      await expect(inChat(a.page, "New phone, who dis")).toBeVisible({ timeout: 15_000 });
      await expect(inChat(a.page, NOTICE)).toHaveCount(2);
      const texts = await a.page.getByRole("list", { name: "Messages" }).getByRole("listitem").allInnerTexts();
      const lastNotice = texts.findLastIndex((t) => NOTICE.test(t));
      expect(lastNotice).toBe(texts.findIndex((t) => t.includes("New phone, who dis")) - 1);
      await expect(a.page.getByRole("alert").filter({ hasText: NOTICE })).toHaveCount(0);
      await send(a.page, "Welcome back");
      await expect(inChat(b3.page, "Welcome back")).toBeVisible({ timeout: 15_000 });
      // Both sides agree on the code over B's one current device.
      await a.page.getByRole("button", { name: "Contact info for Bob" }).click();
      const codeA = await securityCode(a.page);
      await b3.page.getByRole("button", { name: "Contact info for Alice" }).click();
      expect(await securityCode(b3.page)).toBe(codeA);
      await expect(inChat(a.page, NOTICE)).toHaveCount(2);
      expect(a.errors).toEqual([]);
      expect(b3.errors).toEqual([]);
    } finally {
      await b3.ctx.close();
    }
  });
});
