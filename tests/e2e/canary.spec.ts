/*
 * Plaintext canary: two people write to each other both ways (one message
 * while the receiver is offline, so its envelope sits in the server's queue),
 * then a dump of every database table (pg_dump of the parley database, taken
 * while that envelope is still queued and again at the end) and every service
 * log in $PARLEY_VAR/log must contain none of the message texts sent.
 * B has "Show previews" off: a received message's text is not in the DOM of
 * the chat list while its conversation is closed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { freshPhone, register } from "./accounts";
import { expect, test } from "./fixtures";
import { inChat, person, ready, send } from "./people";

const VAR = process.env.PARLEY_VAR ?? "";

function canary(): string {
  return `canary-${randomBytes(9).toString("hex")}`;
}

function pgDump(): string {
  return execFileSync("pg_dump", ["-h", `${VAR}/pgsock`, "-U", "postgres", "parley"], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
}

function logs(): { name: string; text: string }[] {
  const dir = `${VAR}/log`;
  const out: { name: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = `${d}/${f}`;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push({ name: p, text: readFileSync(p, "latin1") });
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

test("no message text in any database table or service log", async ({ browser }) => {
  test.skip(!VAR, "PARLEY_VAR (the stack's runtime directory) is not set");
  test.setTimeout(120_000);
  const phoneA = freshPhone();
  const phoneB = freshPhone();
  const a = await person(browser);
  const b = await person(browser);
  try {
    await register(a.page, "Canary A", phoneA);
    await register(b.page, "Canary B", phoneB);
    await Promise.all([ready(a.page), ready(b.page)]);

    // B turns "Show previews" off (Settings → Notifications).
    await b.page.getByRole("button", { name: "Settings", exact: true }).first().click();
    await b.page.getByRole("button", { name: /^Notifications/ }).click();
    await b.page.getByRole("switch", { name: /Show previews/ }).uncheck();
    await b.page.getByRole("button", { name: "Back" }).click();
    await b.page.getByRole("button", { name: "Back" }).click();

    const sent: string[] = [];
    // A → B.
    await a.page.getByRole("button", { name: "New chat" }).click();
    await a.page.getByRole("textbox", { name: "Phone number" }).fill(phoneB);
    await a.page.getByRole("button", { name: "Start chat" }).click();
    const c1 = canary();
    sent.push(c1);
    await send(a.page, `first ${c1}`);
    const row = b.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Canary A" });
    await expect(row).toBeVisible({ timeout: 15_000 });
    // Previews off: the message has arrived (its chat is listed, unread) but its text is nowhere in the DOM.
    await expect(row.getByLabel("1 unread message")).toBeVisible();
    await b.page.waitForTimeout(500);
    expect(await b.page.content()).not.toContain(c1);
    expect(await b.page.evaluate(() => document.body.innerText)).not.toContain(c1);
    await row.getByRole("button").first().click();
    await expect(inChat(b.page, c1)).toBeVisible({ timeout: 10_000 });
    // B → A.
    const c2 = canary();
    sent.push(c2);
    await send(b.page, `reply ${c2}`);
    await expect(inChat(a.page, c2)).toBeVisible({ timeout: 10_000 });
    await expect(inChat(b.page, c2).getByRole("img", { name: "Read" })).toBeVisible({ timeout: 10_000 });

    // B goes away; A's next message waits in the server's queue: dump now.
    await b.page.close();
    const c3 = canary();
    sent.push(c3);
    await send(a.page, `while you were away ${c3}`);
    await expect(inChat(a.page, c3).getByRole("img", { name: "Sent" })).toBeVisible({ timeout: 10_000 });
    const queuedDump = pgDump();

    // B comes back and gets it; B answers once more.
    const b2 = await b.ctx.newPage();
    await b2.goto("/");
    await ready(b2);
    await b2.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Canary A" }).getByRole("button").first().click();
    await expect(inChat(b2, c3)).toBeVisible({ timeout: 15_000 });
    const c4 = canary();
    sent.push(c4);
    await send(b2, `back ${c4}`);
    await expect(inChat(a.page, c4)).toBeVisible({ timeout: 10_000 });
    await expect(inChat(b2, c4).getByRole("img", { name: "Read" })).toBeVisible({ timeout: 10_000 });

    const finalDump = pgDump();
    // The dumps are real: both accounts' phone numbers are in them.
    for (const dump of [queuedDump, finalDump]) {
      expect(dump).toContain("CREATE TABLE");
      expect(dump).toContain(phoneA.slice(1));
      expect(dump).toContain(phoneB.slice(1));
    }
    const files = logs();
    expect(files.length, "service logs in $PARLEY_VAR/log").toBeGreaterThan(0);

    const leaks: string[] = [];
    for (const c of sent) {
      if (queuedDump.includes(c)) leaks.push(`${c} in pg_dump (queued)`);
      if (finalDump.includes(c)) leaks.push(`${c} in pg_dump (final)`);
      for (const f of files) if (f.text.includes(c)) leaks.push(`${c} in ${f.name}`);
    }
    expect(leaks).toEqual([]);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});
