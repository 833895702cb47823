/*
 * Call set-up measured (issue 7, "Measured"): N video calls A→B through the
 * real stack, each accepted as soon as it rings; per call the time from
 * Accept to the first decoded remote video frame on B (the app's 50 ms
 * getStats probe) and whether the call connected. Opt-in, as it takes a
 * while:  PARLEY_CALL_MEASURE=20 … tests/run-all (PARLEY_TEST_E2E_ARGS=calls-measure.spec.ts)
 * Prints the numbers; fails if any call did not connect.
 */
import { freshPhone, register } from "./accounts";
import { CALL_ARGS, callScreen, debug, incoming, person, ready, send, startChat, openChatWith } from "./call-helpers";
import { expect, test } from "./fixtures";

const RUNS = Number(process.env.PARLEY_CALL_MEASURE ?? 0);

test.use({
  launchOptions: {
    executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors", "--no-first-run", ...CALL_ARGS],
  },
});

test("call set-up: accept → first remote frame, success rate", async ({ browser }) => {
  test.skip(RUNS <= 0, "set PARLEY_CALL_MEASURE=<runs> to measure");
  test.setTimeout(60_000 + RUNS * 20_000);
  const a = await person(browser);
  const b = await person(browser);
  const phoneB = freshPhone();
  await register(a.page, "Alice", freshPhone());
  await register(b.page, "Bob", phoneB);
  await Promise.all([ready(a.page), ready(b.page)]);
  await startChat(a.page, phoneB);
  await send(a.page, "measuring calls");
  await expect(b.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Alice" })).toBeVisible({ timeout: 15_000 });
  await openChatWith(b.page, "Alice");
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < RUNS; i++) {
    try {
      await a.page.getByRole("button", { name: "Video call", exact: true }).click();
      await incoming(b.page).getByRole("button", { name: "Accept" }).click({ timeout: 10_000 });
      await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
      await expect.poll(async () => (await debug(b.page)).acceptToFirstFrameMs, { timeout: 15_000 }).not.toBeNull();
      times.push((await debug(b.page)).acceptToFirstFrameMs!);
    } catch (e) {
      failed++;
      console.log(`run ${i + 1} failed: ${String(e).split("\n")[0]}`);
    }
    await a.page.getByRole("button", { name: "End call", exact: true }).click().catch(() => undefined);
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
    await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });
  }
  const sorted = [...times].sort((x, y) => x - y);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  console.log(
    `calls: ${RUNS - failed}/${RUNS} connected; accept → first frame ms: min ${sorted[0]}, median ${pct(50)}, p90 ${pct(90)}, max ${sorted[sorted.length - 1]}; all: ${times.join(" ")}`,
  );
  await a.ctx.close();
  await b.ctx.close();
  expect(failed).toBe(0);
});
