/*
 * Helpers for the call tests: people in their own browser contexts with the
 * fake camera and microphone, and readers of the app's call debug hook
 * (window.__parleyCall.stats(), lib/rtc/calls.ts) for getStats numbers.
 */
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { DESKTOP, expect } from "./fixtures";

const URL = process.env.PARLEY_TEST_URL ?? "https://localhost:18443";

/** Chromium flags for WebRTC between two pages on loopback (shared/recipes.md). */
export const CALL_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
];

export interface Person {
  ctx: BrowserContext;
  page: Page;
  errors: string[];
  csp: () => Promise<string[]>;
}

export async function person(browser: Browser, viewport = DESKTOP, colorScheme: "light" | "dark" = "light"): Promise<Person> {
  const ctx = await browser.newContext({
    baseURL: URL,
    ignoreHTTPSErrors: true,
    storageState: { cookies: [], origins: [] },
    viewport,
    colorScheme,
    locale: "en-GB",
    permissions: ["camera", "microphone"],
  });
  await ctx.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = list;
    document.addEventListener("securitypolicyviolation", (e) => list.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { ctx, page, errors, csp: () => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []) };
}

export async function ready(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-e2e", "ready", { timeout: 20_000 });
  await expect(page.locator("html")).toHaveAttribute("data-conn", "connected", { timeout: 20_000 });
}

export async function startChat(page: Page, phone: string): Promise<void> {
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByRole("textbox", { name: "Phone number" }).fill(phone);
  await page.getByRole("button", { name: "Start chat" }).click();
  await expect(page.getByRole("textbox", { name: "Type a message" })).toBeVisible();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Type a message" });
  await box.fill(text);
  await box.press("Enter");
}

export async function openChatWith(page: Page, name: string): Promise<void> {
  await page.getByRole("tab", { name: "Chats" }).click();
  await page.getByRole("list", { name: "Chat list" }).getByRole("listitem").filter({ hasText: name }).getByRole("button").first().click();
  await expect(page.getByRole("textbox", { name: "Type a message" })).toBeVisible();
}

export function inChat(page: Page, text: string) {
  return page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({ hasText: text });
}

export function callScreen(page: Page) {
  return page.locator(".call-screen");
}

export function incoming(page: Page) {
  return page.getByRole("dialog", { name: "Incoming call" });
}

export interface Sample {
  t: number;
  rtt?: number;
  localType?: string;
  remoteType?: string;
  outAudio: { bytes: number };
  outVideo: { bytes: number; width?: number; height?: number; fps?: number };
  inAudio: { bytes: number; totalAudioEnergy: number; packetsReceived: number };
  inVideo: { bytes: number; framesDecoded: number; width?: number; height?: number };
}

export interface CallDebug {
  callId: string | null;
  phase: string | null;
  sample: Sample | null;
  quality: { level: string; rttMs: number | null; lossPct: number; outKbps: number; inKbps: number } | null;
  adaptStep: number;
  acceptToFirstFrameMs: number | null;
  iceConnectionState: string | null;
  videoSource: "camera" | "screen" | "none";
  setup: Record<string, number>;
}

export function debug(page: Page): Promise<CallDebug> {
  return page.evaluate(() => (window as unknown as { __parleyCall: { stats(): CallDebug } }).__parleyCall.stats());
}

/** A stats sample newer than `after` (the hook polls getStats once a second). */
export async function sampleAfter(page: Page, after: number, timeoutMs = 5_000): Promise<Sample> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await debug(page);
    if (d.sample && d.sample.t > after) return d.sample;
    if (Date.now() > end) throw new Error("no fresh stats sample");
    await page.waitForTimeout(200);
  }
}

/** Two samples `ms` apart (at least), for "is it still growing?" */
export async function samplesOver(page: Page, ms: number): Promise<[Sample, Sample]> {
  const a = await sampleAfter(page, 0);
  await page.waitForTimeout(ms);
  const b = await sampleAfter(page, a.t + ms - 100);
  return [a, b];
}

/** The named <video>'s intrinsic width (0 until a frame is decoded). */
export function videoWidth(page: Page, label: string): Promise<number> {
  return page.getByLabel(label, { exact: true }).evaluate((v) => (v as HTMLVideoElement).videoWidth);
}
