/*
 * Helpers for the call tests: the call screen and dialog, and readers of the
 * app's call debug hook (window.__parleyCall.stats(), lib/rtc) for getStats
 * numbers. People and chat actions are in people.ts.
 */
import type { Page } from "@playwright/test";

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
  /** The video sender's current encoding (setParameters). */
  videoEncoding: { scaleResolutionDownBy?: number; maxFramerate?: number; maxBitrate?: number } | null;
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
