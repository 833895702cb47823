/*
 * Calls on a poor link (issue 7, adaptation and recovery). A video call A→B settles on a
 * clean loopback; then UDP is squeezed (shaping.ts: a rate cap with tail
 * drops plus random loss). A must step its video encoding down with
 * RTCRtpSender.setParameters (lower resolution, frame rate and bitrate) and
 * send fewer bits, the call must survive, and on a very poor link the app
 * offers audio-only. When the link recovers, B decodes video again.
 *
 * Shaping applies to every UDP packet in the run's network namespace, so this
 * file runs in its own Playwright project after all others (playwright.config.ts).
 */
import { freshPhone, register } from "./accounts";
import { callScreen, debug, incoming, samplesOver, videoWidth } from "./call-helpers";
import { openChatWith, person, ready, send, startChat, type Person } from "./people";
import { ARTIFACTS, expect, test } from "./fixtures";
import { canShape, clearShaping, shapeUdp } from "./shaping";


test.afterEach(() => clearShaping());

/** Two new people with a chat, and a video call A→B with video decoded at B. */
async function videoCall(a: Person, b: Person, nameA: string, nameB: string): Promise<void> {
  const phoneB = freshPhone();
  await register(a.page, nameA, freshPhone());
  await register(b.page, nameB, phoneB);
  await Promise.all([ready(a.page), ready(b.page)]);
  await startChat(a.page, phoneB);
  await send(a.page, "bad line ahead");
  await openChatWith(b.page, nameA);
  await a.page.getByRole("button", { name: "Video call", exact: true }).click();
  await incoming(b.page).getByRole("button", { name: "Accept" }).click({ timeout: 15_000 });
  await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
  await expect.poll(() => videoWidth(b.page, `${nameA}'s video`), { timeout: 15_000 }).toBeGreaterThan(0);
}

/** B decodes A's video again within `ms`. */
async function videoFlows(b: Person, ms = 30_000): Promise<void> {
  await expect.poll(async () => {
    const [s1, s2] = await samplesOver(b.page, 1500);
    return s2.inVideo.framesDecoded - s1.inVideo.framesDecoded;
  }, { timeout: ms }).toBeGreaterThan(0);
}

test("under loss and a low rate the sender steps down, offers audio-only, and the call survives", async ({ browser }) => {
  test.skip(!canShape(), "needs the test run's own network namespace (tests/run-all)");
  test.setTimeout(150_000);
  const a: Person = await person(browser);
  const b: Person = await person(browser);
  try {
    await videoCall(a, b, "Nina", "Otto");

    // A clean link: top of the ladder, and let the bitrate ramp up.
    await a.page.waitForTimeout(4000);
    const clean = await debug(a.page);
    expect(clean.adaptStep).toBe(0);
    const cleanKbps = clean.quality?.outKbps ?? 0;
    const cleanScale = clean.videoEncoding?.scaleResolutionDownBy ?? 1;
    console.log(`clean: out ${cleanKbps} kbit/s, step ${clean.adaptStep}, quality ${clean.quality?.level}`);

    // A poor link: 250 kbit/s for all UDP, 10 % random loss.
    shapeUdp({ rateKbit: 250, lossPct: 10 });
    await expect.poll(async () => (await debug(a.page)).adaptStep, { timeout: 30_000, intervals: [500] }).toBeGreaterThanOrEqual(2);
    const poor = await debug(a.page);
    expect(poor.videoEncoding?.maxBitrate ?? Infinity).toBeLessThanOrEqual(350_000);
    expect(poor.videoEncoding?.scaleResolutionDownBy ?? 1).toBeGreaterThan(cleanScale);
    expect(poor.videoEncoding?.maxFramerate ?? 30).toBeLessThan(30);
    await a.page.waitForTimeout(3000);
    const sending = await debug(a.page);
    console.log(`poor: out ${sending.quality?.outKbps} kbit/s, step ${sending.adaptStep}, quality ${sending.quality?.level}, rtt ${sending.quality?.rttMs} ms, loss ${sending.quality?.lossPct} %`);
    expect(sending.quality?.outKbps ?? Infinity).toBeLessThan(Math.max(400, cleanKbps / 2));

    // A very poor link: the bottom of the ladder, then "audio only?".
    shapeUdp({ rateKbit: 60, lossPct: 25 });
    const offer = a.page.getByRole("button", { name: "Audio only" });
    await expect(offer).toBeVisible({ timeout: 45_000 });
    await a.page.screenshot({ path: `${ARTIFACTS}/call-poor-network-desktop-1440x900-light.png` });
    expect((await debug(a.page)).adaptStep).toBe(3);
    // Still one call, on both sides.
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", /active|reconnecting/);
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", /active|reconnecting/);

    // The link recovers: media flows again and the call is intact.
    clearShaping();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 30_000 });
    await videoFlows(b);

    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  } finally {
    clearShaping();
    await a.ctx.close();
    await b.ctx.close();
  }
});

test("a link down for a few seconds: Reconnecting…, then the call resumes", async ({ browser }) => {
  test.skip(!canShape(), "needs the test run's own network namespace (tests/run-all)");
  test.setTimeout(120_000);
  const a: Person = await person(browser);
  const b: Person = await person(browser);
  try {
    await videoCall(a, b, "Pia", "Quinn");
    shapeUdp({ lossPct: 100 });
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "reconnecting", { timeout: 15_000 });
    await expect(callScreen(a.page)).toContainText("Reconnecting…");
    clearShaping();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 20_000 });
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 20_000 });
    await videoFlows(b);
    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
  } finally {
    clearShaping();
    await a.ctx.close();
    await b.ctx.close();
  }
});

test("a link that stays down ends the call after 20 s as failed, on both sides", async ({ browser }) => {
  test.skip(!canShape(), "needs the test run's own network namespace (tests/run-all)");
  test.setTimeout(120_000);
  const a: Person = await person(browser);
  const b: Person = await person(browser);
  try {
    await videoCall(a, b, "Rosa", "Sven");
    shapeUdp({ lossPct: 100 });
    const down = Date.now();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "reconnecting", { timeout: 15_000 });
    for (const p of [a.page, b.page]) {
      await expect(callScreen(p)).toHaveAttribute("data-call-state", "ended", { timeout: 40_000 });
      await expect(callScreen(p)).toContainText("Call failed: connection lost");
    }
    const after = Date.now() - down;
    console.log(`media down → call ended as failed after ${after} ms`);
    expect(after).toBeGreaterThanOrEqual(19_000);
    clearShaping();
    // The log records it as failed on A's side.
    await expect(callScreen(a.page)).toBeHidden({ timeout: 15_000 });
    await a.page.getByRole("tab", { name: "Calls" }).click();
    await expect(a.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem").filter({ hasText: "Sven" }).first()).toBeVisible({ timeout: 10_000 });
  } finally {
    clearShaping();
    await a.ctx.close();
    await b.ctx.close();
  }
});
