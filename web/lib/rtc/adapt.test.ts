import { describe, expect, it } from "vitest";
import { adapt, AUDIO_ONLY_AFTER, DOWN_AFTER, initialAdapt, LADDER, UP_AFTER, type AdaptState } from "./adapt";
import type { QualityLevel } from "./quality";

const feed = (levels: QualityLevel[], s: AdaptState = initialAdapt) => levels.reduce(adapt, s);
const times = (n: number, l: QualityLevel): QualityLevel[] => Array<QualityLevel>(n).fill(l);

describe("sender adaptation", () => {
  it("the ladder lowers resolution, frame rate and bitrate at every step", () => {
    for (let i = 1; i < LADDER.length; i++) {
      expect(LADDER[i]!.scaleResolutionDownBy).toBeGreaterThan(LADDER[i - 1]!.scaleResolutionDownBy);
      expect(LADDER[i]!.maxFramerate).toBeLessThan(LADDER[i - 1]!.maxFramerate);
      expect(LADDER[i]!.maxBitrate).toBeLessThan(LADDER[i - 1]!.maxBitrate);
    }
  });

  it("a single bad second changes nothing", () => {
    expect(feed(["fair"]).step).toBe(0);
    expect(feed(["good", "poor", "good"]).step).toBe(0);
  });

  it("sustained fair steps down one, poor two", () => {
    expect(feed(times(DOWN_AFTER, "fair")).step).toBe(1);
    expect(feed(times(DOWN_AFTER, "poor")).step).toBe(2);
  });

  it("never below the bottom step", () => {
    expect(feed(times(50, "poor")).step).toBe(LADDER.length - 1);
  });

  it("recovers one step per UP_AFTER good seconds (slower than it fell)", () => {
    const low = feed(times(DOWN_AFTER, "poor"));
    expect(feed(times(UP_AFTER - 1, "good"), low).step).toBe(2);
    expect(feed(times(UP_AFTER, "good"), low).step).toBe(1);
    expect(feed(times(UP_AFTER * 2, "good"), low).step).toBe(0);
  });

  it("poor at the bottom for a while suggests audio-only; good again withdraws it", () => {
    const bottom = feed(times(10, "poor"));
    expect(bottom.step).toBe(LADDER.length - 1);
    const s = feed(times(AUDIO_ONLY_AFTER, "poor"), bottom);
    expect(s.suggestAudioOnly).toBe(true);
    expect(feed(["fair"], s).suggestAudioOnly).toBe(true);
    expect(feed(times(UP_AFTER, "good"), s).suggestAudioOnly).toBe(false);
  });

  it("fair at the bottom never suggests audio-only", () => {
    expect(feed(times(40, "fair")).suggestAudioOnly).toBe(false);
  });
});
