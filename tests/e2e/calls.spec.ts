/*
 * Voice and video calls between real browsers (issue 7): two people register
 * through the UI and chat, then call each other through the real stack, in
 * the loopback-only network namespace tests/run-all makes (only 127.0.0.1
 * candidates). Chromium's fake camera and microphone stand in for devices;
 * media is proven with getStats through the app's call debug hook.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import type { Page } from "@playwright/test";
import { freshPhone, login, register } from "./accounts";
import { callScreen, debug, incoming, samplesOver, videoWidth } from "./call-helpers";
import { inChat, openChatWith, person, ready, send, startChat, type Person } from "./people";
import { ARTIFACTS, DESKTOP, PHONE, expect, test } from "./fixtures";


const VAR = process.env.PARLEY_VAR ?? "";

function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = `${dir}/${f}`;
    return statSync(p).isDirectory() ? logFiles(p) : [p];
  });
}

async function shot(p: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: `${ARTIFACTS}/${name}.png`, animations: "disabled" });
}

test.describe("calls between two people", () => {
  test.describe.configure({ mode: "serial" });
  test.setTimeout(120_000);

  let a: Person;
  let b: Person;
  const phoneA = freshPhone();
  const phoneB = freshPhone();

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    a = await person(browser);
    b = await person(browser);
    await register(a.page, "Alice", phoneA);
    await register(b.page, "Bob", phoneB);
    await Promise.all([ready(a.page), ready(b.page)]);
    await startChat(a.page, phoneB);
    await send(a.page, "Hi Bob, calling you in a second");
    await expect(b.page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: "Alice" })).toBeVisible({ timeout: 15_000 });
    await openChatWith(b.page, "Alice");
  });

  test.afterAll(async () => {
    await a?.ctx.close();
    await b?.ctx.close();
  });

  test("video call A→B: both see each other, mute and camera off reach B, both logs show it", async () => {
    await a.page.getByRole("button", { name: "Video call", exact: true }).click();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", /calling|ringing/);
    await expect(callScreen(a.page)).toContainText("Bob");
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ringing", { timeout: 10_000 });
    await expect(callScreen(a.page)).toContainText("Ringing…");

    const dialog = incoming(b.page);
    await expect(dialog).toBeVisible({ timeout: 10_000 });
    await expect(dialog).toContainText("Alice");
    await expect(dialog).toContainText("Video call");
    await shot(a.page, "call-outgoing-ringing-desktop-1440x900-light");
    await shot(b.page, "call-incoming-desktop-1440x900-light");

    await dialog.getByRole("button", { name: "Accept" }).click();
    await expect(dialog).toBeHidden();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });

    // Both see the other's video: a decoded frame, and inbound bytes still growing.
    await expect.poll(() => videoWidth(b.page, "Alice's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => videoWidth(a.page, "Bob's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    for (const p of [a.page, b.page]) {
      const [s1, s2] = await samplesOver(p, 1500);
      expect(s2.inVideo.bytes).toBeGreaterThan(s1.inVideo.bytes);
      expect(s2.inVideo.framesDecoded).toBeGreaterThan(s1.inVideo.framesDecoded);
      expect(s2.inAudio.bytes).toBeGreaterThan(s1.inAudio.bytes);
      // Loopback only: host candidates on both ends (no relay needed here).
      expect(s2.localType).toBeDefined();
    }
    const dB = await debug(b.page);
    const firstFrame = dB.acceptToFirstFrameMs;
    console.log(`accept → first remote frame on B: ${firstFrame} ms (steps: ${JSON.stringify(dB.setup)})`);
    expect(firstFrame).not.toBeNull();
    await expect(callScreen(a.page).getByRole("timer", { name: "Call duration" })).toHaveText(/^\d\d:\d\d$/);
    await expect(callScreen(a.page).getByRole("img", { name: /^Network quality: (good|fair|poor)$/ })).toBeVisible({ timeout: 5_000 });
    await shot(a.page, "call-video-desktop-1440x900-light");

    // Mute: B's inbound audio energy from A stops growing (the fake microphone beeps all the time).
    const [e1, e2] = await samplesOver(b.page, 2000);
    expect(e2.inAudio.totalAudioEnergy).toBeGreaterThan(e1.inAudio.totalAudioEnergy);
    await a.page.getByRole("button", { name: "Mute", exact: true }).click();
    await expect(a.page.getByRole("button", { name: "Unmute", exact: true })).toBeVisible();
    await b.page.waitForTimeout(1200);
    const [m1, m2] = await samplesOver(b.page, 2000);
    // Silence, not a quieter tone: under 1 % of the energy the same interval carried before
    // (decoded silence is not bit-exact zero, so "exactly flat" would be flaky).
    const before = e2.inAudio.totalAudioEnergy - e1.inAudio.totalAudioEnergy;
    const after = m2.inAudio.totalAudioEnergy - m1.inAudio.totalAudioEnergy;
    console.log(`B's inbound audio energy over 2 s: ${before.toExponential(2)} unmuted, ${after.toExponential(2)} muted`);
    expect(after).toBeLessThan(before / 100);
    // Audio packets still flow (silence), so the call itself is intact.
    expect(m2.inAudio.packetsReceived).toBeGreaterThan(m1.inAudio.packetsReceived);
    await a.page.getByRole("button", { name: "Unmute", exact: true }).click();
    await expect.poll(async () => {
      const [u1, u2] = await samplesOver(b.page, 1500);
      return u2.inAudio.totalAudioEnergy - u1.inAudio.totalAudioEnergy;
    }, { timeout: 10_000 }).toBeGreaterThan(0);

    // Camera off: B decodes no more frames from A.
    await a.page.getByRole("button", { name: "Turn camera off", exact: true }).click();
    await expect(a.page.getByRole("button", { name: "Turn camera on", exact: true })).toBeVisible();
    await b.page.waitForTimeout(1200);
    const [f1, f2] = await samplesOver(b.page, 2000);
    expect(f2.inVideo.framesDecoded - f1.inVideo.framesDecoded).toBeLessThanOrEqual(0);
    // …while A still decodes B's.
    const [g1, g2] = await samplesOver(a.page, 1500);
    expect(g2.inVideo.framesDecoded).toBeGreaterThan(g1.inVideo.framesDecoded);
    await a.page.getByRole("button", { name: "Turn camera on", exact: true }).click();
    await expect.poll(async () => {
      const [h1, h2] = await samplesOver(b.page, 1500);
      return h2.inVideo.framesDecoded - h1.inVideo.framesDecoded;
    }, { timeout: 10_000 }).toBeGreaterThan(0);

    await a.page.waitForTimeout(1500); // a call of a couple of seconds at least
    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended");
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    await expect(callScreen(b.page)).toContainText("Call ended");
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
    await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });

    // Both logs: the call, its direction, and a duration.
    for (const [p, who, dir] of [
      [a.page, "Bob", "Outgoing"],
      [b.page, "Alice", "Incoming"],
    ] as const) {
      await p.getByRole("tab", { name: "Calls" }).click();
      const entry = p.getByRole("list", { name: "Recent calls" }).getByRole("listitem").filter({ hasText: who }).first();
      await expect(entry).toContainText(dir, { timeout: 10_000 });
      await expect(entry.getByRole("img", { name: "Video call" })).toBeVisible();
      await expect(entry.locator(".call-duration")).toHaveText(/^\d+:\d\d$/);
      const secs = (await entry.locator(".call-duration").innerText()).split(":").map(Number);
      expect(secs[0]! * 60 + secs[1]!).toBeGreaterThanOrEqual(3);
      await expect(entry.getByRole("button", { name: `Call ${who} back` })).toBeVisible();
    }
    expect(await a.csp()).toEqual([]);
    expect(await b.csp()).toEqual([]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  test("missed call: nobody answers, both sides say so, B gets a missed-call badge", async () => {
    await openChatWith(a.page, "Bob");
    await openChatWith(b.page, "Alice");
    await a.page.getByRole("button", { name: "Voice call", exact: true }).click();
    await expect(incoming(b.page)).toBeVisible({ timeout: 10_000 });
    await expect(incoming(b.page)).toContainText("Voice call");
    // The test stack rings for PARLEY_CALL_RING_TIMEOUT (10 s in tests/run-all), then the server ends it.
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended", { timeout: 30_000 });
    await expect(callScreen(a.page)).toContainText("No answer");
    await expect(incoming(b.page)).toBeHidden();
    const callsTab = b.page.getByRole("tab", { name: "Calls" });
    await expect(b.page.locator("#tab-calls-badge")).toHaveText("1");
    await expect(callsTab).toHaveAccessibleDescription("1 missed");
    await callsTab.click();
    const entry = b.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem").first();
    await expect(entry).toContainText("Alice");
    await expect(entry).toContainText("Missed");
    await expect(entry.getByRole("img", { name: "Voice call" })).toBeVisible();
    await expect(entry.locator(".call-duration")).toHaveCount(0);
    // Opening the tab cleared the badge.
    await expect(b.page.locator("#tab-calls-badge")).toHaveCount(0);
    await a.page.getByRole("tab", { name: "Calls" }).click();
    await expect(a.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem").first()).toContainText("Outgoing");

    // Calling back from the log: a voice call, as the missed one was.
    await entry.getByRole("button", { name: "Call Alice back" }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-media", "voice");
    await expect(incoming(a.page)).toContainText("Bob", { timeout: 10_000 });
    await expect(incoming(a.page)).toContainText("Voice call");
    await incoming(a.page).getByRole("button", { name: "Decline", exact: true }).click();
    await expect(callScreen(b.page)).toContainText("Declined", { timeout: 10_000 });
    await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });
  });

  test("declined call: A sees Declined", async () => {
    await openChatWith(a.page, "Bob");
    await a.page.getByRole("button", { name: "Video call", exact: true }).click();
    await expect(incoming(b.page)).toBeVisible({ timeout: 10_000 });
    await incoming(b.page).getByRole("button", { name: "Decline", exact: true }).click();
    await expect(incoming(b.page)).toBeHidden();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    await expect(callScreen(a.page)).toContainText("Declined");
  });

  test("decline with a quick reply: the text arrives in A's chat as a message", async () => {
    await openChatWith(a.page, "Bob");
    await a.page.getByRole("button", { name: "Voice call", exact: true }).click();
    const dialog = incoming(b.page);
    await expect(dialog).toBeVisible({ timeout: 10_000 });
    await dialog.getByRole("button", { name: "Decline with message" }).click();
    await expect(dialog.getByRole("button", { name: "Can't talk now. What's up?" })).toBeVisible();
    await shot(b.page, "call-incoming-replies-desktop-1440x900-light");
    await dialog.getByRole("button", { name: "I'll call you right back." }).click();
    await expect(dialog).toBeHidden();
    await expect(callScreen(a.page)).toContainText("Declined", { timeout: 10_000 });
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
    await expect(inChat(a.page, "I'll call you right back.")).toBeVisible({ timeout: 15_000 });
    // A custom reply too.
    await a.page.getByRole("button", { name: "Voice call", exact: true }).click();
    await expect(dialog).toBeVisible({ timeout: 10_000 });
    await dialog.getByRole("button", { name: "Decline with message" }).click();
    await dialog.getByRole("button", { name: "Write your own…" }).click();
    await dialog.getByRole("textbox", { name: "Your message" }).fill("In a meeting until 5");
    await dialog.getByRole("button", { name: "Send and decline" }).click();
    await expect(inChat(a.page, "In a meeting until 5")).toBeVisible({ timeout: 15_000 });
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
  });

  test("busy: B is in a call with C, A calls B and sees Busy", async ({ browser }) => {
    const c = await person(browser);
    try {
      const phoneC = freshPhone();
      await register(c.page, "Carol", phoneC);
      await ready(c.page);
      await startChat(c.page, phoneB);
      await send(c.page, "Carol here");
      await c.page.getByRole("button", { name: "Voice call", exact: true }).click();
      await expect(incoming(b.page)).toContainText("Carol", { timeout: 10_000 });
      await incoming(b.page).getByRole("button", { name: "Accept" }).click();
      await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
      await expect(callScreen(c.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
      await expect(callScreen(b.page)).toHaveAttribute("data-media", "voice");
      await shot(b.page, "call-voice-desktop-1440x900-light");

      await openChatWith(a.page, "Bob");
      await a.page.getByRole("button", { name: "Voice call", exact: true }).click();
      await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
      await expect(callScreen(a.page)).toContainText("Busy");
      // B's call with C goes on, undisturbed.
      await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active");
      await expect(incoming(b.page)).toHaveCount(0);
      const [s1, s2] = await samplesOver(b.page, 1500);
      expect(s2.inAudio.bytes).toBeGreaterThan(s1.inAudio.bytes);
      await c.page.getByRole("button", { name: "End call", exact: true }).click();
      await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
      expect(c.errors).toEqual([]);
    } finally {
      await c.ctx.close();
    }
  });

  test("callee with two devices: both ring, the one that accepts takes the call, the other stops", async ({ browser }) => {
    const b2 = await person(browser);
    try {
      await login(b2.page, phoneB);
      await ready(b2.page);
      await openChatWith(a.page, "Bob");
      await a.page.getByRole("button", { name: "Video call", exact: true }).click();
      await expect(incoming(b.page)).toBeVisible({ timeout: 10_000 });
      await expect(incoming(b2.page)).toBeVisible({ timeout: 10_000 });
      await expect(incoming(b2.page)).toContainText("Alice");
      // Muted before anyone answered: the answering device is told once media flows.
      await a.page.getByRole("button", { name: "Mute", exact: true }).click();
      await expect(a.page.getByRole("button", { name: "Unmute", exact: true })).toBeVisible();
      await incoming(b2.page).getByRole("button", { name: "Accept" }).click();
      await expect(incoming(b.page)).toBeHidden({ timeout: 10_000 });
      await expect(b.page.getByText("Answered on another device")).toBeVisible();
      await expect(callScreen(b2.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
      await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
      await expect.poll(() => videoWidth(a.page, "Bob's video"), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => videoWidth(b2.page, "Alice's video"), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect(callScreen(b2.page).getByText("Alice muted this call")).toBeVisible({ timeout: 10_000 });
      await b2.page.getByRole("button", { name: "End call", exact: true }).click();
      await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
      // The first device never joined the media: it has no call on screen.
      await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });
      expect(b2.errors).toEqual([]);
    } finally {
      await b2.ctx.close();
    }
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(await a.csp()).toEqual([]);
    expect(await b.csp()).toEqual([]);
  });

  test("both call each other at once: one call survives and connects", async () => {
    await openChatWith(a.page, "Bob");
    await openChatWith(b.page, "Alice");
    await Promise.all([
      a.page.getByRole("button", { name: "Video call", exact: true }).click(),
      b.page.getByRole("button", { name: "Video call", exact: true }).click(),
    ]);
    // Either the server saw both starts (glare: the earlier call is answered from the later caller's
    // device) or one ring arrived first and that side is being called instead: then it answers.
    const either = await Promise.race([
      expect(callScreen(a.page))
        .toHaveAttribute("data-call-state", /connecting|active/, { timeout: 15_000 })
        .then(() => "a", () => "none"),
      incoming(a.page)
        .waitFor({ timeout: 15_000 })
        .then(() => "a-rings", () => "none"),
      incoming(b.page)
        .waitFor({ timeout: 15_000 })
        .then(() => "b-rings", () => "none"),
    ]);
    if (either === "a-rings") await incoming(a.page).getByRole("button", { name: "Accept" }).click();
    if (either === "b-rings") await incoming(b.page).getByRole("button", { name: "Accept" }).click();
    expect(either).not.toBe("none");
    console.log(`simultaneous calls: ${either === "a" ? "glare, answered by the server" : "one rang first"}`);
    for (const p of [a.page, b.page]) await expect(callScreen(p)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    const [da, db] = [await debug(a.page), await debug(b.page)];
    expect(da.callId).not.toBeNull();
    expect(da.callId).toBe(db.callId);
    await expect.poll(() => videoWidth(a.page, "Bob's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => videoWidth(b.page, "Alice's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
    await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });
  });

  test("voice call switched to video on request, then a shared screen replaces the camera", async () => {
    await openChatWith(a.page, "Bob");
    await a.page.getByRole("button", { name: "Voice call", exact: true }).click();
    await expect(incoming(b.page)).toBeVisible({ timeout: 10_000 });
    await incoming(b.page).getByRole("button", { name: "Accept" }).click();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await expect(callScreen(a.page)).toHaveAttribute("data-media", "voice");
    // Nothing is sent on the video sender of a voice call.
    const [v1, v2] = await samplesOver(b.page, 1500);
    expect(v2.inVideo.framesDecoded).toBe(v1.inVideo.framesDecoded);

    await a.page.getByRole("button", { name: "Switch to video", exact: true }).click();
    const ask = b.page.getByRole("alertdialog", { name: "Video request" });
    await expect(ask).toContainText("Alice wants to switch to a video call");
    await ask.getByRole("button", { name: "Accept video" }).click();
    for (const p of [a.page, b.page]) await expect(callScreen(p)).toHaveAttribute("data-media", "video", { timeout: 10_000 });
    await expect.poll(() => videoWidth(b.page, "Alice's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => videoWidth(a.page, "Bob's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect(a.page.getByRole("button", { name: "Turn camera off", exact: true })).toBeVisible();

    // Screen share: replaceTrack on the same sender, no renegotiation; B keeps decoding, now the screen.
    expect((await debug(a.page)).videoSource).toBe("camera");
    await a.page.getByRole("button", { name: "Share screen", exact: true }).click();
    await expect(a.page.getByRole("button", { name: "Stop sharing", exact: true })).toBeVisible({ timeout: 10_000 });
    expect((await debug(a.page)).videoSource).toBe("screen");
    await expect(callScreen(b.page).getByText("Alice is sharing their screen")).toBeVisible({ timeout: 10_000 });
    const [s1, s2] = await samplesOver(b.page, 1500);
    expect(s2.inVideo.framesDecoded).toBeGreaterThan(s1.inVideo.framesDecoded);
    await a.page.getByRole("button", { name: "Stop sharing", exact: true }).click();
    await expect(a.page.getByRole("button", { name: "Share screen", exact: true })).toBeVisible();
    expect((await debug(a.page)).videoSource).toBe("camera");
    await expect(callScreen(b.page).getByText("Alice is sharing their screen")).toBeHidden({ timeout: 10_000 });
    const [s3, s4] = await samplesOver(b.page, 1500);
    expect(s4.inVideo.framesDecoded).toBeGreaterThan(s3.inVideo.framesDecoded);
    await b.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
  });

  test("A reloads mid-call: B shows Reconnecting…, then ends it as failed after 20 s; A's page offers to end what it left", async () => {
    test.setTimeout(90_000);
    await openChatWith(a.page, "Bob");
    await a.page.getByRole("button", { name: "Voice call", exact: true }).click();
    await expect(incoming(b.page)).toBeVisible({ timeout: 10_000 });
    await incoming(b.page).getByRole("button", { name: "Accept" }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await a.page.reload();
    await ready(a.page);
    // The server still has the call: the reloaded page says so and can end it.
    const leftover = a.page.getByRole("alert").filter({ hasText: "was interrupted" });
    await expect(leftover).toBeVisible({ timeout: 10_000 });
    await expect(leftover.getByRole("button", { name: "End call" })).toBeVisible();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "reconnecting", { timeout: 20_000 });
    await expect(callScreen(b.page)).toContainText("Reconnecting…");
    const downAt = Date.now();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 30_000 });
    const waited = Date.now() - downAt;
    console.log(`media down → ended as failed: ${waited} ms after "Reconnecting…" was seen`);
    expect(waited).toBeGreaterThan(15_000);
    await expect(callScreen(b.page)).toContainText("Call failed: connection lost");
    // B ended it as failed: A's reminder goes away by itself.
    await expect(leftover).toBeHidden({ timeout: 10_000 });
    await b.page.getByRole("tab", { name: "Calls" }).click();
    const entry = b.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem").first();
    await expect(entry).toContainText("Incoming");
  });

  test("screenshots: incoming, ringing, in-call video and voice, Calls tab (390×844 and 1440×900, light and dark)", async () => {
    const combos = [
      ["desktop", DESKTOP, "light"],
      ["desktop", DESKTOP, "dark"],
      ["phone", PHONE, "light"],
      ["phone", PHONE, "dark"],
    ] as const;
    const look = async (vp: { width: number; height: number }, scheme: "light" | "dark") => {
      for (const p of [a.page, b.page]) {
        await p.setViewportSize(vp);
        await p.emulateMedia({ colorScheme: scheme });
      }
      await a.page.waitForTimeout(150);
    };
    const name = (what: string, label: string, vp: { width: number; height: number }, scheme: string) => `call-${what}-${label}-${vp.width}x${vp.height}-${scheme}`;

    await look(DESKTOP, "light");
    await openChatWith(a.page, "Bob");
    await a.page.getByRole("button", { name: "Video call", exact: true }).click();
    await expect(incoming(b.page)).toBeVisible({ timeout: 10_000 });
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ringing");
    for (const [label, vp, scheme] of combos) {
      await look(vp, scheme);
      await shot(a.page, name("outgoing-ringing", label, vp, scheme));
      await shot(b.page, name("incoming", label, vp, scheme));
    }
    await incoming(b.page).getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => videoWidth(a.page, "Bob's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect(callScreen(a.page).getByRole("img", { name: /^Network quality/ })).toBeVisible({ timeout: 5_000 });
    for (const [label, vp, scheme] of combos) {
      await look(vp, scheme);
      await shot(a.page, name("video", label, vp, scheme));
    }
    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
    await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });

    await look(DESKTOP, "light");
    await openChatWith(b.page, "Alice");
    await b.page.getByRole("button", { name: "Voice call", exact: true }).click();
    await expect(incoming(a.page)).toBeVisible({ timeout: 10_000 });
    await incoming(a.page).getByRole("button", { name: "Accept" }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await b.page.getByRole("button", { name: "Mute", exact: true }).click();
    await expect(callScreen(a.page).getByText("Bob muted this call")).toBeVisible({ timeout: 10_000 });
    for (const [label, vp, scheme] of combos) {
      await look(vp, scheme);
      await shot(b.page, name("voice", label, vp, scheme));
      await shot(a.page, name("voice-peer-muted", label, vp, scheme));
    }
    await b.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    for (const [label, vp, scheme] of combos) {
      await look(vp, scheme);
      await shot(a.page, name("ended", label, vp, scheme));
    }
    await expect(callScreen(a.page)).toBeHidden({ timeout: 10_000 });
    await expect(callScreen(b.page)).toBeHidden({ timeout: 10_000 });
    for (const [label, vp, scheme] of combos) {
      await look(vp, scheme);
      await b.page.getByRole("tab", { name: "Calls" }).click();
      await expect(b.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem").first()).toBeVisible();
      await shot(b.page, name("log", label, vp, scheme));
    }
    await look(DESKTOP, "light");
  });

  test("call log: delete one entry, then clear the log; the other side's log is untouched", async () => {
    await a.page.getByRole("tab", { name: "Calls" }).click();
    const rows = a.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem");
    await expect(rows.first()).toBeVisible();
    const n = await rows.count();
    expect(n).toBeGreaterThan(2);
    await rows.first().hover();
    await rows.first().getByRole("button", { name: "Delete call with Bob" }).click();
    await expect(rows).toHaveCount(n - 1);
    // Deleted on the server, not just on screen: a reload shows the same.
    await a.page.reload();
    await ready(a.page);
    await a.page.getByRole("tab", { name: "Calls" }).click();
    await expect(rows).toHaveCount(n - 1);
    await a.page.getByRole("tabpanel").getByRole("button", { name: "Menu" }).click();
    await a.page.getByRole("menuitem", { name: "Clear call log" }).click();
    await expect(rows).toHaveCount(0);
    await expect(a.page.getByText("No recent calls")).toBeVisible();
    await b.page.getByRole("tab", { name: "Calls" }).click();
    await expect(b.page.getByRole("list", { name: "Recent calls" }).getByRole("listitem").filter({ hasText: "Alice" }).first()).toBeVisible();
  });

  test("dozens of call signals later, the chat holds only the real messages", async () => {
    const expected = ["Hi Bob, calling you in a second", "I'll call you right back.", "In a meeting until 5"];
    for (const [p, who] of [
      [a.page, "Bob"],
      [b.page, "Alice"],
    ] as const) {
      await openChatWith(p, who);
      await expect(inChat(p, "In a meeting until 5")).toBeVisible();
      const texts = await p
        .getByRole("list", { name: "Messages" })
        .getByRole("listitem")
        // Every bubble, with or without text: a signal taken for a message would be an empty one.
        .evaluateAll((els) => els.filter((e) => e.querySelector(".bubble")).map((e) => e.querySelector(".bubble-text")?.textContent ?? ""));
      expect(texts).toEqual(expected);
    }
    // …and nothing unread came of them.
    await a.page.getByRole("tab", { name: "Chats" }).click();
    await expect(a.page.getByRole("list", { name: "Chat list" }).getByLabel(/unread message/)).toHaveCount(0);
  });

  test("no SDP fingerprint or ICE candidate in any database table or service log", async () => {
    test.skip(!VAR, "PARLEY_VAR (the stack's runtime directory) is not set");
    const dump = execFileSync("pg_dump", ["-h", `${VAR}/pgsock`, "-U", "postgres", "parley"], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    // The calls happened: the log table holds them.
    expect(dump).toMatch(/call_log/);
    for (const needle of ["a=fingerprint", "candidate:"]) {
      expect(dump.includes(needle), `pg_dump contains ${needle}`).toBe(false);
      for (const f of logFiles(`${VAR}/log`)) {
        expect(readFileSync(f, "latin1").includes(needle), `${f} contains ${needle}`).toBe(false);
      }
    }
  });
});
