/*
 * Calls on loopback, measured (issue 7):
 *   - set-up success: PARLEY_BENCH_CALLS (default 20) video calls A→B in a row,
 *     each counted only when both sides decode the other's video;
 *   - Accept → first decoded remote video frame, on the callee (the click) and
 *     on the caller (the accept event), from the app's call debug hook;
 *   - CPU per call: CPU time of every process in the namespace during 20 s
 *     of a steady video call minus 20 s with both pages idle, split into the
 *     browser (both ends: one Chromium, two pages) and the stack.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { test, expect } from "@playwright/test";
import { freshPhone, register } from "../../tests/e2e/accounts";
import { callScreen, debug, incoming, videoWidth } from "../../tests/e2e/call-helpers";
import { openChatWith, person, ready, send, startChat } from "../../tests/e2e/people";

const CALLS = Number(process.env.PARLEY_BENCH_CALLS ?? 20);
const TICK = 100; // USER_HZ on Linux

const NETNS = readlinkSync("/proc/self/ns/net");

/** CPU seconds used so far, in this network namespace only, by the browser's processes and by everything else (the stack). */
function cpu(): { browser: number; stack: number } {
  const out = { browser: 0, stack: 0 };
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== NETNS) continue;
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const secs = (Number(f[11]) + Number(f[12])) / TICK; // utime, stime
    if (/^(chrom|Chrom)/.test(comm)) out.browser += secs;
    else if (!/^(node|npm|bash|sh|sleep|playwright)/.test(comm)) out.stack += secs;
  }
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

test("calls on loopback", async ({ browser }) => {
  const a = await person(browser);
  const b = await person(browser);
  const phoneB = freshPhone();
  await register(a.page, "Bench A", freshPhone());
  await register(b.page, "Bench B", phoneB);
  await Promise.all([ready(a.page), ready(b.page)]);
  await startChat(a.page, phoneB);
  await send(a.page, "bench");
  await openChatWith(b.page, "Bench A");

  let ok = 0;
  const calleeMs: number[] = [];
  const callerMs: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    try {
      await a.page.getByRole("button", { name: "Video call", exact: true }).click();
      await incoming(b.page).getByRole("button", { name: "Accept" }).click({ timeout: 15_000 });
      await expect.poll(() => videoWidth(b.page, "Bench A's video"), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => videoWidth(a.page, "Bench B's video"), { timeout: 15_000 }).toBeGreaterThan(0);
      const [db, da] = [await debug(b.page), await debug(a.page)];
      if (db.acceptToFirstFrameMs !== null) calleeMs.push(db.acceptToFirstFrameMs);
      if (da.acceptToFirstFrameMs !== null) callerMs.push(da.acceptToFirstFrameMs);
      ok++;
    } catch (e) {
      console.log(`call ${i + 1}: failed: ${String(e).split("\n")[0]}`);
    }
    await a.page.getByRole("button", { name: "End call", exact: true }).click().catch(() => undefined);
    await expect(callScreen(a.page)).toBeHidden({ timeout: 15_000 }).catch(() => undefined);
    await expect(callScreen(b.page)).toBeHidden({ timeout: 15_000 }).catch(() => undefined);
  }
  console.log(`set-up success: ${ok}/${CALLS}`);
  if (calleeMs.length)
    console.log(`accept → first remote frame, callee: p50 ${pct(calleeMs, 50)} ms, p90 ${pct(calleeMs, 90)} ms, max ${Math.max(...calleeMs)} ms`);
  if (callerMs.length)
    console.log(`accept → first remote frame, caller: p50 ${pct(callerMs, 50)} ms, p90 ${pct(callerMs, 90)} ms, max ${Math.max(...callerMs)} ms`);

  // CPU: both pages idle, then one steady video call, 20 s each.
  const idle0 = cpu();
  await a.page.waitForTimeout(20_000);
  const idle1 = cpu();
  await a.page.getByRole("button", { name: "Video call", exact: true }).click();
  await incoming(b.page).getByRole("button", { name: "Accept" }).click({ timeout: 15_000 });
  await expect.poll(() => videoWidth(b.page, "Bench A's video"), { timeout: 15_000 }).toBeGreaterThan(0);
  await a.page.waitForTimeout(3000);
  const call0 = cpu();
  await a.page.waitForTimeout(20_000);
  const call1 = cpu();
  const q = (await debug(a.page)).quality;
  await a.page.getByRole("button", { name: "End call", exact: true }).click();
  const share = (d0: number, d1: number, c0: number, c1: number) => (((c1 - c0) - (d1 - d0)) / 20) * 100;
  console.log(
    `cpu per video call (640x480 fake camera, both ends in one Chromium): browser ${share(idle0.browser, idle1.browser, call0.browser, call1.browser).toFixed(0)} % of a core, ` +
      `stack ${share(idle0.stack, idle1.stack, call0.stack, call1.stack).toFixed(1)} % of a core; A sends ${q?.outKbps} kbit/s`,
  );
  await a.ctx.close();
  await b.ctx.close();
});
