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

type Cpu = { browser: number; turn: number; stack: number };

/** CPU seconds used so far in this network namespace: the browser's processes, coturn, and the rest of the stack. */
function cpu(): Cpu {
  const out: Cpu = { browser: 0, turn: 0, stack: 0 };
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
    else if (/^turnserver/.test(comm)) out.turn += secs;
    else if (!/^(node|npm|bash|sh|sleep|playwright)/.test(comm)) out.stack += secs;
  }
  return out;
}

/** Percent of one core used over `secs` seconds between two readings. */
function load(c0: Cpu, c1: Cpu, secs: number): Cpu {
  const k = (x: keyof Cpu) => ((c1[x] - c0[x]) / secs) * 100;
  return { browser: k("browser"), turn: k("turn"), stack: k("stack") };
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

  // CPU: both pages idle, then one steady video call, 20 s each; then the
  // same call relayed through coturn (A turns "Protect IP address" on).
  const WINDOW = 20;
  const measureCall = async (): Promise<{ cpu: Cpu; kbps: number | undefined; path: string }> => {
    await a.page.getByRole("button", { name: "Video call", exact: true }).click();
    await incoming(b.page).getByRole("button", { name: "Accept" }).click({ timeout: 15_000 });
    await expect.poll(() => videoWidth(b.page, "Bench A's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await a.page.waitForTimeout(3000);
    const c0 = cpu();
    await a.page.waitForTimeout(WINDOW * 1000);
    const c1 = cpu();
    const d = await debug(a.page);
    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(b.page)).toBeHidden({ timeout: 15_000 });
    return { cpu: load(c0, c1, WINDOW), kbps: d.quality?.outKbps, path: `${d.sample?.localType}→${d.sample?.remoteType}` };
  };
  const i0 = cpu();
  await a.page.waitForTimeout(WINDOW * 1000);
  const idle = load(i0, cpu(), WINDOW);
  const report = (what: string, m: { cpu: Cpu; kbps: number | undefined; path: string }) =>
    console.log(
      `cpu per ${what} video call (${m.path}, A sends ${m.kbps} kbit/s), above idle, % of one core: ` +
        `browser (both ends, one Chromium) ${(m.cpu.browser - idle.browser).toFixed(0)}, ` +
        `coturn ${Math.max(0, m.cpu.turn - idle.turn).toFixed(1)}, rest of the stack ${Math.max(0, m.cpu.stack - idle.stack).toFixed(1)}`,
    );
  report("direct", await measureCall());
  const r = await a.page.evaluate(async () => (await fetch("/api/calls/settings", { method: "PATCH", headers: { "Content-Type": "application/json" }, body: '{"relay_only":true}' })).status);
  expect(r).toBe(200);
  report("relayed", await measureCall());
  await a.ctx.close();
  await b.ctx.close();
});
