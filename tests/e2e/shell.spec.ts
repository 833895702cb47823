/* The main screen: tabs, chat list, search, menu, theme — driven by the UI contract's names. */
import { expect, expectClean, openApp, test } from "./fixtures";

const TABS = ["Chats", "Updates", "Communities", "Calls"] as const;

test("shell loads with the four tabs, chat list and search", async ({ page, watch }) => {
  await openApp(page);
  await expect(page).toHaveTitle("Parley");
  for (const name of TABS) await expect(page.getByRole("tab", { name, exact: true })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Chats" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("list", { name: "Chat list" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Chat list" }).getByRole("listitem")).toHaveCount(0);
  const search = page.getByRole("textbox", { name: "Search or start a new chat" });
  await expect(search).toBeVisible();
  await search.fill("alice");
  await expect(search).toHaveValue("alice");
  await expect(page.getByRole("button", { name: "New chat" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeVisible();
  for (const chip of ["All", "Unread", "Favourites", "Groups"]) {
    await expect(page.getByRole("button", { name: chip, exact: true })).toBeVisible();
  }
  await expect(page.getByText("No chats, contacts or messages found")).toBeVisible();
  await expectClean(watch);
});

test("tabs switch by click and by keyboard", async ({ page, watch }) => {
  await openApp(page);
  const heading = page.getByRole("tabpanel").getByRole("heading", { level: 1 });
  for (const name of TABS) {
    await page.getByRole("tab", { name, exact: true }).click();
    await expect(page.getByRole("tab", { name, exact: true })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByRole("tabpanel")).toHaveAccessibleName(name);
    await expect(heading).toHaveAccessibleName(name);
    for (const other of TABS.filter((t) => t !== name)) {
      await expect(page.getByRole("tab", { name: other, exact: true })).toHaveAttribute("aria-selected", "false");
    }
  }
  await expect(page.getByText("No recent calls")).toBeVisible();
  // Roving focus: arrows move and select, wrapping around.
  await page.getByRole("tab", { name: "Calls" }).focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("tab", { name: "Chats" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "Chats" })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("End");
  await expect(page.getByRole("tab", { name: "Calls" })).toHaveAttribute("aria-selected", "true");
  await expectClean(watch);
});

test("filter chips toggle and show their empty states", async ({ page }) => {
  await openApp(page);
  const all = page.getByRole("button", { name: "All", exact: true });
  const unread = page.getByRole("button", { name: "Unread", exact: true });
  await expect(all).toHaveAttribute("aria-pressed", "true");
  await unread.click();
  await expect(unread).toHaveAttribute("aria-pressed", "true");
  await expect(all).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByText("No unread chats")).toBeVisible();
  await page.getByRole("button", { name: "View all chats" }).click();
  await expect(all).toHaveAttribute("aria-pressed", "true");
});

test("menu holds the contract's items and closes on Escape", async ({ page, watch }) => {
  await openApp(page);
  const menuButton = page.getByRole("button", { name: "Menu" });
  await menuButton.click();
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  for (const item of ["Settings", "Log out", "Linked devices", "Starred messages"]) {
    await expect(menu.getByRole("menuitem", { name: item })).toBeVisible();
  }
  await expect(menu.getByRole("menuitem").first()).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(menuButton).toBeFocused();
  await expectClean(watch);
});

test("theme: explicit choice overrides the system and persists", async ({ page, watch }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await openApp(page);
  const bodyBg = () => page.evaluate(() => getComputedStyle(document.querySelector(".side")!).backgroundColor);
  expect(await bodyBg()).toBe("rgb(255, 255, 255)");

  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("menuitem", { name: "Settings" }).click();
  await page.getByRole("button", { name: /^Theme/ }).click();
  const dialog = page.getByRole("dialog", { name: "Choose theme" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("radio", { name: "Dark" }).check();
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await bodyBg()).toBe("rgb(17, 27, 33)");

  // Survives a reload (applied by /theme-init.js before hydration).
  await page.reload();
  // The splash shows while the session is checked; then the main screen.
  await expect(page.locator(".app")).toHaveAttribute("data-ready", "true");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await bodyBg()).toBe("rgb(17, 27, 33)");

  // Back to "System default": follows prefers-color-scheme again.
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await bodyBg()).toBe("rgb(17, 27, 33)");
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("button", { name: /^Theme/ }).click();
  await page.getByRole("radio", { name: "System default" }).check();
  await page.getByRole("button", { name: "OK" }).click();
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.*/);
  expect(await bodyBg()).toBe("rgb(17, 27, 33)");
  await page.emulateMedia({ colorScheme: "light" });
  expect(await bodyBg()).toBe("rgb(255, 255, 255)");
  expect(await page.evaluate(() => localStorage.getItem("parley.theme"))).toBeNull();
  await expectClean(watch);
});

test("light override wins over a dark system", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.addInitScript(() => localStorage.setItem("parley.theme", "light"));
  await openApp(page);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".side")!).backgroundColor);
  expect(bg).toBe("rgb(255, 255, 255)");
});

test("New chat opens the contact picker and Back returns", async ({ page }) => {
  await openApp(page);
  await page.getByRole("button", { name: "New chat" }).click();
  await expect(page.getByRole("heading", { name: "New chat" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Search name or number" })).toBeVisible();
  await page.getByRole("button", { name: "Back" }).click();
  await expect(page.getByRole("list", { name: "Chat list" })).toBeVisible();
});

test("New chat: add a contact by number and import a vCard", async ({ page, watch }) => {
  await openApp(page);
  await page.getByRole("button", { name: "New chat" }).click();
  const n = String(Date.now() % 10_000_000).padStart(7, "0");
  await page.getByRole("textbox", { name: "Phone number" }).fill(`+1 555 ${n}`);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Zed Example");
  await page.getByRole("button", { name: "Add contact" }).click();
  await expect(page.getByText("Zed Example was added to your contacts.")).toBeVisible();
  // Not on Parley: listed under "Invite to Parley".
  await expect(page.getByRole("list", { name: "Invite to Parley" })).toContainText("Zed Example");
  const m = String((Date.now() + 1) % 10_000_000).padStart(7, "0");
  const vcf = [
    "BEGIN:VCARD", "VERSION:3.0", "FN:Vera Card", `TEL;TYPE=CELL:+1555${m}`, "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "FN:Broken", "END:VCARD",
  ].join("\r\n");
  await page.getByLabel("vCard file").setInputFiles({ name: "contacts.vcf", mimeType: "text/vcard", buffer: Buffer.from(vcf) });
  await expect(page.getByRole("status").filter({ hasText: /^Imported 1 new/ })).toBeVisible();
  await expect(page.getByRole("list", { name: "Invite to Parley" })).toContainText("Vera Card");
  await expectClean(watch);
});
