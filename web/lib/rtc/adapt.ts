/*
 * Adapting what we send to the link: a ladder of video encodings, stepped
 * down quickly when quality is fair/poor and back up slowly when it is good
 * again (hysteresis, so a single bad second does not make the picture
 * flap). At the bottom of the ladder with the link still poor, the call
 * suggests going audio-only. Pure: calls.ts applies the chosen step with
 * RTCRtpSender.setParameters().
 */
import type { QualityLevel } from "./quality";

export interface VideoStep {
  /** RTCRtpEncodingParameters.scaleResolutionDownBy */
  scaleResolutionDownBy: number;
  maxFramerate: number;
  /** bits per second */
  maxBitrate: number;
}

export const LADDER: readonly VideoStep[] = [
  { scaleResolutionDownBy: 1, maxFramerate: 30, maxBitrate: 1_500_000 },
  { scaleResolutionDownBy: 1.5, maxFramerate: 24, maxBitrate: 700_000 },
  { scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 350_000 },
  { scaleResolutionDownBy: 4, maxFramerate: 10, maxBitrate: 150_000 },
];

/** Consecutive 1 s samples needed before moving down / up a step. */
export const DOWN_AFTER = 2;
export const UP_AFTER = 6;
/** Poor seconds at the bottom step before suggesting audio-only. */
export const AUDIO_ONLY_AFTER = 8;

export interface AdaptState {
  step: number;
  bad: number; // consecutive fair/poor samples
  good: number; // consecutive good samples
  poorAtBottom: number;
  suggestAudioOnly: boolean;
}

export const initialAdapt: AdaptState = { step: 0, bad: 0, good: 0, poorAtBottom: 0, suggestAudioOnly: false };

export function adapt(s: AdaptState, level: QualityLevel): AdaptState {
  const bottom = LADDER.length - 1;
  if (level === "good") {
    const good = s.good + 1;
    if (good >= UP_AFTER && s.step > 0) return { step: s.step - 1, bad: 0, good: 0, poorAtBottom: 0, suggestAudioOnly: false };
    return { ...s, bad: 0, good, poorAtBottom: 0, suggestAudioOnly: s.suggestAudioOnly && good < UP_AFTER };
  }
  const bad = s.bad + 1;
  // Poor drops two steps at once: a collapsing link needs relief now.
  const by = level === "poor" ? 2 : 1;
  if (bad >= DOWN_AFTER && s.step < bottom) {
    return { ...s, step: Math.min(bottom, s.step + by), bad: 0, good: 0 };
  }
  const poorAtBottom = s.step === bottom && level === "poor" ? s.poorAtBottom + 1 : 0;
  return { ...s, bad, good: 0, poorAtBottom, suggestAudioOnly: s.suggestAudioOnly || poorAtBottom >= AUDIO_ONLY_AFTER };
}
