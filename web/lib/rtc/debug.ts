/*
 * window.__parleyCall.stats(): what tests (relay-only, netem, cross-browser)
 * and measurements read about the call in progress. Read-only numbers;
 * nothing secret (no SDP, no candidates, no keys).
 */
import type { ActiveCall } from "./call";
import type { CallPhase } from "./machine";
import type { Quality, StatsSample } from "./quality";


export interface CallDebug {
  callId: string | null;
  phase: CallPhase | null;
  /** The latest parsed getStats() sample (1 s poll) and the quality computed from it. */
  sample: StatsSample | null;
  quality: Quality | null;
  adaptStep: number;
  /** The video sender's current encoding parameters. */
  videoEncoding: RTCRtpEncodingParameters | null;
  /** ms from Accept (or from the accept event, caller) to the first decoded remote video frame. */
  acceptToFirstFrameMs: number | null;
  iceConnectionState: RTCIceConnectionState | null;
  /** What the video sender is sending now. */
  videoSource: "camera" | "screen" | "none";
  /**
   * ms after the accept (ours, or the accept event for the caller) of each
   * set-up step reached: media (callee's getUserMedia + accept request),
   * answered (answer made / received), ice (connected), firstFrame.
   */
  setup: Record<string, number>;
}

/**
 * window.__parleyCall.stats(): what later tests (relay-only, netem,
 * cross-browser) and measurements read. Read-only numbers about the call in
 * progress; nothing secret (no SDP, no candidates, no keys).
 */
export function exposeDebugHook(currentCall: () => ActiveCall | null): void {
  if (typeof window === "undefined") return;
  (window as unknown as { __parleyCall?: { stats(): CallDebug } }).__parleyCall = {
    stats(): CallDebug {
      const c = currentCall();
      const enc = c?.peer?.sender("video")?.getParameters().encodings?.[0] ?? null;
      const senderTrack = c?.peer?.sender("video")?.track;
      return {
        callId: c?.id ?? null,
        phase: c?.phase.phase ?? null,
        sample: c?.lastSample ?? null,
        quality: c?.view.quality ?? null,
        adaptStep: c?.adaptState.step ?? 0,
        videoEncoding: enc ? { ...enc } : null,
        acceptToFirstFrameMs: c && c.acceptedAt !== null && c.firstFrameAt !== null ? Math.round(c.firstFrameAt - c.acceptedAt) : null,
        iceConnectionState: c?.peer?.pc.iceConnectionState ?? null,
        videoSource: senderTrack === null || senderTrack === undefined ? "none" : senderTrack === c?.screen ? "screen" : "camera",
        setup:
          c && c.acceptedAt !== null
            ? Object.fromEntries(Object.entries(c.marks).map(([k, v]) => [k, Math.round(v - c.acceptedAt!)]))
            : {},
      };
    },
  };
}
