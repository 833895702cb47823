/*
 * The life of one call as a pure state machine: every change the call
 * manager (calls.ts) makes goes through transition(), so the rules live in
 * one place and are unit-tested without WebRTC.
 *
 *   caller:  calling → ringing ─┐
 *   callee:  incoming ──────────┼→ connecting → active ⇄ reconnecting
 *                               └──────────────────────────────→ ended(reason)
 *
 * "calling": the call is being set up (start request, sessions, offer).
 * "ringing": a callee device has been reached (the offer was relayed).
 * "connecting": accepted, media not flowing yet. "reconnecting": media went
 * down in a live call (an ICE restart is under way). Anything can end; an
 * ended call stays ended.
 */

export type CallPhase = "calling" | "ringing" | "incoming" | "connecting" | "active" | "reconnecting" | "ended";

/** Why a call ended, as this device tells its user. */
export type EndReason =
  | "hangup" // either side ended it
  | "missed" // nobody answered in time
  | "declined"
  | "busy"
  | "cancelled" // the caller gave up before an answer
  | "failed" // media stayed down (or never came up)
  | "answered_elsewhere" // another of our devices took it
  | "error"; // set-up failed on this device

export type CallEvent =
  | { type: "reached" } // a callee device got the offer
  | { type: "accepted" } // the callee accepted (on either side)
  | { type: "media_up" }
  | { type: "media_down" }
  | { type: "end"; reason: EndReason };

export interface Phase {
  phase: CallPhase;
  reason?: EndReason;
  /** When media first flowed (ms); the duration counts from here. */
  activeSince?: number;
}

export function initialPhase(role: "caller" | "callee"): Phase {
  return { phase: role === "caller" ? "calling" : "incoming" };
}

/** The next phase, or the same object when the event does not apply (so callers can tell). */
export function transition(s: Phase, e: CallEvent, now: number): Phase {
  if (s.phase === "ended") return s;
  switch (e.type) {
    case "end":
      return { ...s, phase: "ended", reason: e.reason };
    case "reached":
      return s.phase === "calling" ? { ...s, phase: "ringing" } : s;
    case "accepted":
      return s.phase === "calling" || s.phase === "ringing" || s.phase === "incoming" ? { ...s, phase: "connecting" } : s;
    case "media_up":
      if (s.phase === "connecting" || s.phase === "reconnecting")
        return { ...s, phase: "active", activeSince: s.activeSince ?? now };
      // Media can come up before the accept event is seen (the answer races it).
      if (s.phase === "calling" || s.phase === "ringing") return { ...s, phase: "active", activeSince: now };
      return s;
    case "media_down":
      return s.phase === "active" ? { ...s, phase: "reconnecting" } : s;
  }
}

/** Live phases: a call in one of these holds the camera and microphone. */
export function isLive(p: CallPhase): boolean {
  return p === "connecting" || p === "active" || p === "reconnecting";
}

/** The sentence the call screen shows for an ended call. */
export function endText(reason: EndReason | undefined, role: "caller" | "callee"): string {
  switch (reason) {
    case "missed":
      return role === "caller" ? "No answer" : "Missed call";
    case "declined":
      return role === "caller" ? "Declined" : "Call declined";
    case "busy":
      return "Busy";
    case "failed":
      return "Call failed: connection lost";
    case "answered_elsewhere":
      return "Answered on another device";
    case "error":
      return "Call failed";
    case "cancelled":
    case "hangup":
    default:
      return "Call ended";
  }
}
