/*
 * Responsive layout: ≤ 768 px is the mobile app (one pane, tabs at the bottom),
 * wider is WhatsApp Desktop (left rail, two panes). Also writes screenshots at
 * 390×844 and 1440×900 in light and dark to PARLEY_TEST_ARTIFACTS.
 */
import { mkdirSync } from "node:fs";
import { ARTIFACTS, DESKTOP, PHONE, expect, expectClean, openApp, test } from "./fixtures";

test.describe("phone 390×844", () => {
  test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

  test("single pane with bottom tabs", async ({ page, watch }) => {
    await openApp(page);
    const tablist = page.getByRole("tablist");
    const box = (await tablist.boundingBox())!;
    expect(box.y + box.height).toBeGreaterThan(PHONE.height - 2);
    expect(box.width).toBeGreaterThan(PHONE.width - 2);
    const tabs = await Promise.all(
      ["Chats", "Updates", "Communities", "Calls"].map(async (name) => {
        const t = page.getByRole("tab", { name, exact: true });
        await expect(t).toBeVisible();
        await expect(t).toContainText(name); // labels are shown under the icons
        return (await t.boundingBox())!;
      }),
    );
    for (let i = 1; i < tabs.length; i++) {
      expect(tabs[i]!.x).toBeGreaterThan(tabs[i - 1]!.x); // left to right, one row
      expect(Math.abs(tabs[i]!.y - tabs[0]!.y)).toBeLessThan(2);
    }
    // One pane: the intro panel of the desktop layout is not shown.
    await expect(page.getByRole("main")).toBeHidden();
    await expect(page.getByRole("heading", { name: "Parley", level: 1 })).toBeVisible();
    const side = (await page.locator(".side").boundingBox())!;
    expect(side.width).toBeGreaterThan(PHONE.width - 2);
    // New chat is the floating button above the tabs.
    const fab = (await page.getByRole("button", { name: "New chat" }).boundingBox())!;
    expect(fab.y + fab.height).toBeLessThan(box.y);
    expect(fab.x + fab.width).toBeGreaterThan(PHONE.width - 40);
    await expectClean(watch);
  });
});

test.describe("desktop 1440×900", () => {
  test.use({ viewport: DESKTOP });

  test("two panes with the left rail", async ({ page, watch }) => {
    await openApp(page);
    const rail = (await page.getByRole("tablist").boundingBox())!;
    expect(rail.x).toBeLessThan(20);
    expect(rail.width).toBeLessThan(80);
    expect(rail.height).toBeGreaterThan(rail.width); // vertical
    const side = (await page.getByRole("tabpanel").boundingBox())!;
    const main = page.getByRole("main");
    await expect(main).toBeVisible();
    const mainBox = (await main.boundingBox())!;
    expect(side.x).toBeGreaterThanOrEqual(rail.x + rail.width);
    expect(mainBox.x).toBeGreaterThanOrEqual(side.x + side.width - 1);
    expect(side.width).toBeGreaterThan(330);
    expect(mainBox.width).toBeGreaterThan(side.width);
    await expect(page.getByRole("heading", { name: "Parley for the web" })).toBeVisible();
    await expect(main.getByText("End-to-end encrypted")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Chats", level: 1 })).toBeVisible();
    await expectClean(watch);
  });
});

const SHOTS = [
  { name: "phone", viewport: PHONE, mobile: true },
  { name: "desktop", viewport: DESKTOP, mobile: false },
] as const;

for (const s of SHOTS) {
  for (const colorScheme of ["light", "dark"] as const) {
    test.describe(`screenshots ${s.name} ${colorScheme}`, () => {
      test.use({ viewport: s.viewport, colorScheme, hasTouch: s.mobile, isMobile: s.mobile });

      test(`${s.name} ${s.viewport.width}x${s.viewport.height} ${colorScheme}`, async ({ page, watch }) => {
        mkdirSync(ARTIFACTS, { recursive: true });
        await openApp(page);
        await page.evaluate(() => document.fonts.ready);
        const base = `${ARTIFACTS}/${s.name}-${s.viewport.width}x${s.viewport.height}-${colorScheme}`;
        // Still frames: transitions finished, no hover left on the last clicked control.
        const shot = async (what: string) => {
          if (!s.mobile) await page.mouse.move(s.viewport.width - 1, s.viewport.height / 2);
          await page.screenshot({ path: `${base}-${what}.png`, animations: "disabled" });
        };
        await shot("chats");
        for (const tab of ["Updates", "Communities", "Calls"]) {
          await page.getByRole("tab", { name: tab, exact: true }).click();
          await expect(page.getByRole("tabpanel")).toHaveAccessibleName(tab);
          await shot(tab.toLowerCase());
        }
        await page.getByRole("tab", { name: "Chats", exact: true }).click();
        await page.getByRole("button", { name: "Menu" }).click();
        await expect(page.getByRole("menu")).toBeVisible();
        await shot("menu");
        await page.getByRole("menuitem", { name: "Settings" }).click();
        await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
        await shot("settings");
        await page.getByRole("button", { name: /^Theme/ }).click();
        await expect(page.getByRole("dialog", { name: "Choose theme" })).toBeVisible();
        await shot("theme-dialog");
        await page.getByRole("button", { name: "Cancel" }).click();
        await page.getByRole("button", { name: "Back" }).click();
        await page.getByRole("button", { name: "New chat" }).click();
        await expect(page.getByRole("heading", { name: "New chat" })).toBeVisible();
        await shot("new-chat");
        await expectClean(watch);
      });
    });
  }
}
