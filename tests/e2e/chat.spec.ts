/*
 * Two people, two browsers: both register through the UI, A starts a chat
 * with B by phone number, they write both ways, A's ticks go Sent →
 * Delivered → Read, and B sees "typing…" while A types. Screenshots of the
 * conversation at 390×844 and 1440×900, light and dark.
 */
import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";
import { freshPhone, login, register } from "./accounts";
import { ARTIFACTS, DESKTOP, PHONE, expect, test } from "./fixtures";
import { inChat, person, ready, send, startChat, type Person } from "./people";


function lastOut(page: Page, text: string) {
  return page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: text }).last();
}

test.describe("chat between two people", () => {
  test.describe.configure({ mode: "serial" });
  test.setTimeout(90_000);

  let a: Person;
  let b: Person;
  const phoneA = freshPhone();
  const phoneB = freshPhone();

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(90_000);
    a = await person(browser);
    b = await person(browser);
    await register(a.page, "Alice", phoneA);
    await register(b.page, "Bob", phoneB);
    await Promise.all([ready(a.page), ready(b.page)]);
  });

  test.afterAll(async () => {
    await a?.ctx.close();
    await b?.ctx.close();
  });

  test("A starts a chat by phone number and messages go both ways with ticks", async () => {
    await startChat(a.page, phoneB);
    await expect(a.page.getByRole("list", { name: "Messages" })).toBeVisible();
    await send(a.page, "Hi Bob, it's *Alice*");
    const first = lastOut(a.page, "Hi Bob, it's Alice");
    await expect(first).toBeVisible();
    await expect(first.getByRole("strong")).toHaveText("Alice");
    // B is not in the chat: one or two grey ticks, never blue yet.
    await expect(first.getByRole("img", { name: /^(Sent|Delivered)$/ })).toBeVisible({ timeout: 10_000 });
    await expect(first.getByRole("img", { name: "Delivered" })).toBeVisible({ timeout: 10_000 });

    // B sees the chat in the list, with A's name, and opens it.
    const row = b.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Alice" });
    await expect(row).toBeVisible({ timeout: 10_000 });
    await expect(row).toContainText("Hi Bob, it's Alice");
    await row.getByRole("button").first().click();
    await expect(b.page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: "Hi Bob" })).toBeVisible();
    await expect(first.getByRole("img", { name: "Read" })).toBeVisible({ timeout: 10_000 });

    // Typing: B sees "typing…" while A types, and it goes when A stops.
    await a.page.getByRole("textbox", { name: "Type a message" }).pressSequentially("How are", { delay: 60 });
    await expect(b.page.locator(".conv-status")).toHaveText("typing…", { timeout: 5_000 });
    await a.page.getByRole("textbox", { name: "Type a message" }).press("Enter");
    await expect(b.page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: "How are" })).toBeVisible();
    await expect(b.page.locator(".conv-status")).not.toHaveText("typing…", { timeout: 8_000 });
    // B has the chat open at the bottom: A's second message is read at once.
    await expect(lastOut(a.page, "How are").getByRole("img", { name: "Read" })).toBeVisible({ timeout: 10_000 });

    // B answers; A sees it; B's ticks reach Read as A has the chat open.
    await send(b.page, "Hello Alice! 👋\n- one\n- two");
    await expect(a.page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: "Hello Alice!" })).toBeVisible({
      timeout: 10_000,
    });
    await expect(lastOut(b.page, "Hello Alice!").getByRole("img", { name: "Read" })).toBeVisible({ timeout: 10_000 });
    // Shift+Enter adds a line, Enter sends.
    const box = b.page.getByRole("textbox", { name: "Type a message" });
    await box.fill("line one");
    await box.press("Shift+Enter");
    await box.pressSequentially("line two");
    await expect(box).toHaveValue("line one\nline two");
    await box.press("Enter");
    await expect(box).toHaveValue("");
    await expect(inChat(a.page, "line two")).toBeVisible({ timeout: 10_000 });

    // The header: both call buttons, and the composer's buttons by their contract names.
    for (const name of ["Voice call", "Video call", "Emoji", "Attach", "Voice message"]) {
      await expect(a.page.getByRole("button", { name, exact: true })).toBeVisible();
    }
    await a.page.getByRole("textbox", { name: "Type a message" }).fill("x");
    await expect(a.page.getByRole("button", { name: "Send", exact: true })).toBeVisible();
    await a.page.getByRole("textbox", { name: "Type a message" }).fill("");
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  test("screenshots of the conversation (390×844 and 1440×900, light and dark)", async ({ browser }) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // A little more history so the shots show runs, formatting and a link.
    await send(a.page, "_Great_, thanks. See https://example.com and ~old~ `code`");
    await send(a.page, "> quoted line\nreply under it");
    await expect(inChat(a.page, "reply under it")).toBeVisible();
    await expect(inChat(b.page, "reply under it")).toBeVisible({ timeout: 10_000 });
    for (const colorScheme of ["light", "dark"] as const) {
      for (const [label, vp] of [
        ["desktop", DESKTOP],
        ["phone", PHONE],
      ] as const) {
        for (const [who, p] of [
          ["a", a],
          ["b", b],
        ] as const) {
          await p.page.setViewportSize(vp);
          await p.page.emulateMedia({ colorScheme });
          await p.page.mouse.move(vp.width - 2, 2);
          await p.page.screenshot({
            path: `${ARTIFACTS}/chat-${who}-${label}-${vp.width}x${vp.height}-${colorScheme}.png`,
            animations: "disabled",
          });
        }
      }
    }
    // The chat list with the conversation's preview (phone: back to the list).
    await a.page.setViewportSize(PHONE);
    await a.page.getByRole("button", { name: "Back" }).click();
    await expect(a.page.getByRole("list", { name: "Chat list" }).getByRole("listitem")).toHaveCount(1);
    await a.page.screenshot({ path: `${ARTIFACTS}/chatlist-a-phone-390x844-dark.png`, animations: "disabled" });
    await a.page.emulateMedia({ colorScheme: "light" });
    await a.page.screenshot({ path: `${ARTIFACTS}/chatlist-a-phone-390x844-light.png`, animations: "disabled" });
    void browser;
  });

  test("contact info with the 60-digit security code, emoji picker, menus and settings pages", async () => {
    const shot = (p: Page, name: string) =>
      p.screenshot({ path: `${ARTIFACTS}/${name}.png`, animations: "disabled" });
    for (const p of [a.page, b.page]) {
      await p.setViewportSize(DESKTOP);
      await p.emulateMedia({ colorScheme: "light" });
    }
    await a.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").first().getByRole("button").first().click();
    // Contact info: name, phone, security code; both sides show the same 60 digits.
    const codes: string[] = [];
    for (const p of [a.page, b.page]) {
      await p.locator(".conv-who").click();
      const panel = p.getByRole("complementary", { name: "Contact info" });
      await expect(panel).toBeVisible();
      await panel.getByRole("button", { name: /Encryption/ }).click();
      const digits = panel.locator(".code-digits");
      await expect(digits).toBeVisible();
      const text = (await digits.innerText()).replace(/\s+/g, "");
      expect(text).toMatch(/^\d{60}$/);
      codes.push(text);
      // The scannable QR of the same code (lazy-loaded), drawn as an SVG path.
      const qr = panel.getByRole("img", { name: "Security code QR code" });
      await expect(qr).toBeVisible();
      expect((await qr.locator("path").getAttribute("d"))?.length ?? 0).toBeGreaterThan(1000);
    }
    expect(codes[0]).toBe(codes[1]);
    await shot(a.page, "contact-info-desktop-1440x900-light");
    const panelA = a.page.getByRole("complementary", { name: "Contact info" });
    await panelA.getByRole("button", { name: "Mark as verified" }).click();
    await expect(panelA.getByText("Verified", { exact: true })).toBeVisible();
    await a.page.emulateMedia({ colorScheme: "dark" });
    await shot(a.page, "contact-info-desktop-1440x900-dark");
    await a.page.setViewportSize(PHONE);
    await shot(a.page, "contact-info-phone-390x844-dark");
    await panelA.getByRole("button", { name: "Close" }).click();
    await b.page.getByRole("complementary", { name: "Contact info" }).getByRole("button", { name: "Close" }).click();
    await a.page.setViewportSize(DESKTOP);
    await a.page.emulateMedia({ colorScheme: "light" });

    // Emoji picker inserts into the composer.
    await a.page.getByRole("button", { name: "Emoji", exact: true }).click();
    await expect(a.page.getByRole("dialog", { name: "Emoji picker" })).toBeVisible();
    await shot(a.page, "emoji-desktop-1440x900-light");
    await a.page.getByRole("button", { name: "😂" }).click();
    await expect(a.page.getByRole("textbox", { name: "Type a message" })).toHaveValue("😂");
    await a.page.keyboard.press("Escape");
    await a.page.getByRole("textbox", { name: "Type a message" }).fill("");

    // Message options on hover.
    const msg = lastOut(a.page, "reply under it");
    await msg.hover();
    await msg.getByRole("button", { name: "Message options" }).click();
    for (const item of ["Reply", "React", "Forward", "Copy", "Star", "Pin", "Edit", "Delete", "Info"]) {
      await expect(a.page.getByRole("menuitem", { name: item, exact: true })).toBeVisible();
    }
    await shot(a.page, "message-options-desktop-1440x900-light");
    // Reply: the quote rides inside the encrypted message and shows on both sides.
    await a.page.getByRole("menuitem", { name: "Reply", exact: true }).click();
    await expect(a.page.getByRole("group", { name: "Replying to" })).toContainText("reply under it");
    await send(a.page, "Replying to myself");
    await expect(a.page.getByRole("group", { name: "Replying to" })).toBeHidden();
    const quoted = inChat(b.page, "Replying to myself");
    await expect(quoted).toBeVisible({ timeout: 10_000 });
    await expect(quoted.locator(".quote")).toContainText("reply under it");
    await expect(quoted.locator(".quote-name")).toHaveText("Alice");
    await expect(lastOut(a.page, "Replying to myself").locator(".quote-name")).toHaveText("You");
    await shot(a.page, "reply-desktop-1440x900-light");

    // The chat's menu in the list (right-click), and pinning.
    const row = a.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").first();
    await row.click({ button: "right" });
    await expect(a.page.getByRole("menuitem", { name: "Pin chat" })).toBeVisible();
    await shot(a.page, "chat-menu-desktop-1440x900-light");
    await a.page.getByRole("menuitem", { name: "Pin chat" }).click();
    await expect(row.getByRole("img", { name: "Pinned" })).toBeVisible();
    // Archive: the chat moves under "Archived"; unarchive brings it back.
    await row.click({ button: "right" });
    await a.page.getByRole("menuitem", { name: "Archive chat" }).click();
    await expect(a.page.getByRole("list", { name: "Chat list" }).getByRole("listitem")).toHaveCount(0);
    await a.page.getByRole("button", { name: /^Archived/ }).click();
    const archived = a.page.getByRole("list", { name: "Archived chats" }).getByRole("listitem");
    await expect(archived).toHaveCount(1);
    await shot(a.page, "archived-desktop-1440x900-light");
    await archived.first().click({ button: "right" });
    await a.page.getByRole("menuitem", { name: "Unarchive chat" }).click();
    await expect(archived).toHaveCount(0);
    await a.page.getByRole("button", { name: "Back" }).click();
    await expect(a.page.getByRole("list", { name: "Chat list" }).getByRole("listitem")).toHaveCount(1);

    // Settings pages.
    await a.page.getByRole("button", { name: "Settings", exact: true }).first().click();
    for (const [row2, file] of [
      [/^Privacy/, "settings-privacy"],
      [/^Linked devices/, "settings-devices"],
      [/^Account/, "settings-account"],
      [/^Notifications/, "settings-notifications"],
    ] as const) {
      await a.page.getByRole("button", { name: row2 }).click();
      await a.page.waitForTimeout(300);
      await shot(a.page, `${file}-desktop-1440x900-light`);
      await a.page.getByRole("button", { name: "Back" }).click();
    }
    // Show previews off: no message text left in the chat list's DOM.
    await a.page.getByRole("button", { name: /^Notifications/ }).click();
    await a.page.getByRole("switch", { name: /Show previews/ }).uncheck();
    await a.page.getByRole("button", { name: "Back" }).click();
    await a.page.getByRole("button", { name: "Back" }).click();
    const list = a.page.getByRole("list", { name: "Chat list" });
    await expect(list.getByRole("listitem")).toHaveCount(1);
    expect(await list.evaluate((el) => el.textContent ?? "")).not.toContain("Replying to myself");
    await a.page.getByRole("button", { name: "Settings", exact: true }).first().click();
    await a.page.getByRole("button", { name: /^Notifications/ }).click();
    await a.page.getByRole("switch", { name: /Show previews/ }).check();
    await a.page.getByRole("button", { name: "Back" }).click();
    await a.page.getByRole("button", { name: "Back" }).click();
    await expect(list).toContainText("Replying to myself");
  });

  test("A reloads: the history comes from IndexedDB and the session goes on", async () => {
    await a.page.setViewportSize(DESKTOP);
    // A draft is kept per chat, across reloads.
    await a.page.getByRole("textbox", { name: "Type a message" }).fill("half-written draft");
    await a.page.waitForTimeout(800);
    await a.page.reload();
    await ready(a.page);
    const row = a.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Bob" });
    await row.getByRole("button").first().click();
    await expect(inChat(a.page, "Hi Bob, it's Alice")).toBeVisible();
    await expect(inChat(a.page, "line two")).toBeVisible();
    await expect(a.page.getByRole("textbox", { name: "Type a message" })).toHaveValue("half-written draft");
    await send(a.page, "Back after a reload");
    await expect(inChat(b.page, "Back after a reload")).toBeVisible({ timeout: 10_000 });
    await expect(lastOut(a.page, "Back after a reload").getByRole("img", { name: "Read" })).toBeVisible({ timeout: 10_000 });
    await send(b.page, "Welcome back");
    await expect(inChat(a.page, "Welcome back")).toBeVisible({ timeout: 10_000 });
  });

  test("offline: a message shows the clock, then goes out in order on reconnect", async () => {
    // Chromium's offline mode fails new requests but keeps an open socket: the send fails, the message waits.
    await a.ctx.setOffline(true);
    await send(a.page, "queued one");
    await send(a.page, "queued two");
    await expect(lastOut(a.page, "queued one").getByRole("img", { name: "Pending" })).toBeVisible();
    await expect(lastOut(a.page, "queued two").getByRole("img", { name: "Pending" })).toBeVisible();
    await a.ctx.setOffline(false);
    await expect(lastOut(a.page, "queued two").getByRole("img", { name: /^(Sent|Delivered|Read)$/ })).toBeVisible({ timeout: 30_000 });
    await expect(inChat(b.page, "queued two")).toBeVisible({ timeout: 10_000 });
    const order = await b.page
      .getByRole("list", { name: "Messages" })
      .getByRole("listitem")
      .evaluateAll((els) => els.map((e) => e.querySelector(".bubble-text")?.textContent ?? "").filter((t) => t.startsWith("queued")));
    expect(order).toEqual(["queued one", "queued two"]);
  });

  test("a failed send shows a retry, and the retry delivers it", async () => {
    // The server refuses the first attempt (a 4xx is not retried on its own): the bubble says so and offers a retry.
    let refused = 0;
    await a.page.route("**/api/messages/send", async (route) => {
      refused++;
      await route.fulfill({
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "bad_request", message: "refused by the test" } }),
      });
    });
    await send(a.page, "retry me");
    const bubble = lastOut(a.page, "retry me");
    const retry = bubble.getByRole("button", { name: "Not sent. Tap to retry" });
    await expect(retry).toBeVisible({ timeout: 10_000 });
    expect(refused).toBeGreaterThan(0);
    await expect(inChat(b.page, "retry me")).toHaveCount(0);
    await a.page.unroute("**/api/messages/send");
    await retry.click();
    await expect(retry).toHaveCount(0);
    await expect(bubble.getByRole("img", { name: /^(Sent|Delivered|Read)$/ })).toBeVisible({ timeout: 10_000 });
    await expect(inChat(b.page, "retry me")).toHaveCount(1, { timeout: 10_000 });
  });

  test("B closes the page, A sends 50 messages, B returns and sees all 50 once, in order", async () => {
    test.setTimeout(120_000);
    await b.page.close();
    for (let i = 1; i <= 50; i++) await send(a.page, `bulk ${i}`);
    await expect(lastOut(a.page, "bulk 50").getByRole("img", { name: /^(Sent|Delivered)$/ })).toBeVisible({ timeout: 20_000 });
    b.page = await b.ctx.newPage();
    await b.page.setViewportSize(DESKTOP);
    await b.page.goto("/");
    await ready(b.page);
    const row = b.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Alice" });
    await expect(row.getByLabel("50 unread messages")).toBeVisible({ timeout: 10_000 });
    await expect(b.page).toHaveTitle("(1) Parley");
    await b.page.screenshot({ path: `${ARTIFACTS}/unread-list-desktop-1440x900-light.png`, animations: "disabled" });
    await row.getByRole("button").first().click();
    await expect(b.page.getByText("50 unread messages")).toBeVisible();
    await b.page.screenshot({ path: `${ARTIFACTS}/unread-divider-desktop-1440x900-light.png`, animations: "disabled" });
    await expect(b.page.getByRole("list", { name: "Messages" }).getByText("bulk 50", { exact: true })).toBeAttached();
    const texts = await b.page
      .getByRole("list", { name: "Messages" })
      .getByRole("listitem")
      .evaluateAll((els) => els.map((e) => e.querySelector(".bubble-text")?.textContent ?? ""));
    const bulk = texts.filter((t) => /^bulk \d+$/.test(t)).map((t) => Number(t.slice(5)));
    expect(bulk).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Opened at the unread divider, not at the bottom: a new message counts on the jump-to-latest button.
    const jump = b.page.getByRole("button", { name: /^Scroll to latest message/ });
    await expect(jump).toBeVisible();
    await send(a.page, "one more while you read");
    await expect(b.page.getByRole("button", { name: "Scroll to latest message, 1 unread" })).toBeVisible({ timeout: 10_000 });
    await jump.click();
    await expect(jump).toBeHidden();
    await expect(lastOut(a.page, "one more while you read").getByRole("img", { name: "Read" })).toBeVisible({ timeout: 15_000 });
    await expect(lastOut(a.page, "bulk 50").getByRole("img", { name: "Read" })).toBeVisible({ timeout: 15_000 });
  });

  test("a second device of A sees new messages both ways, and A's own sends appear on the other", async ({ browser }) => {
    const a2 = await person(browser);
    try {
      await login(a2.page, phoneA);
      await ready(a2.page);
      await send(b.page, "Hello to both of your devices");
      await expect(inChat(a.page, "Hello to both of your devices")).toBeVisible({ timeout: 15_000 });
      const row = a2.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Hello to both" });
      await expect(row).toBeVisible({ timeout: 15_000 });
      await row.getByRole("button").first().click();
      await send(a2.page, "Sent from my second device");
      await expect(inChat(b.page, "Sent from my second device")).toBeVisible({ timeout: 15_000 });
      await expect(inChat(a.page, "Sent from my second device")).toBeVisible({ timeout: 15_000 });
      await send(a.page, "And this one from the first");
      await expect(inChat(a2.page, "And this one from the first")).toBeVisible({ timeout: 15_000 });
      await expect(inChat(b.page, "And this one from the first")).toBeVisible({ timeout: 15_000 });
      expect(a2.errors).toEqual([]);

      // Linked devices on the first device: log the second one out; it is back at the login screen at once.
      await a.page.getByRole("button", { name: "Menu" }).first().click();
      await a.page.getByRole("menuitem", { name: "Linked devices" }).click();
      const devices = a.page.getByRole("list", { name: "Linked devices" });
      await expect(devices.getByRole("listitem")).toHaveCount(2);
      await devices.getByRole("button", { name: /^Log out/ }).click();
      await expect(devices.getByRole("listitem")).toHaveCount(1);
      await expect(a2.page.getByRole("textbox", { name: "Phone number" })).toBeVisible({ timeout: 15_000 });
    } finally {
      await a2.ctx.close();
    }
  });
});
