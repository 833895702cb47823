/*
 * The state the call screens read (lib/rtc has no React: components
 * subscribe through subscribeCalls()/getCallsState()), and the module's
 * logging helpers. Written by calls.ts, call.ts and callLog.ts only.
 */
import { ApiError } from "../api/client";
import type { CallLogEntry, CallMedia } from "../api/calls";
import type { CallPhase, EndReason } from "./machine";
import type { Quality } from "./quality";

export interface CallView {
  /** Null while the start request is under way. */
  id: string | null;
  role: "caller" | "callee";
  peerUser: string;
  peerName: string;
  /** Voice calls become video once both agree. */
  media: CallMedia;
  phase: CallPhase;
  reason?: EndReason;
  endText?: string;
  activeSince?: number;
  muted: boolean;
  cameraOn: boolean;
  sharing: boolean;
  /** What the peer told us about its side. */
  remote: { muted: boolean; camera: boolean; sharing: boolean };
  local: MediaStream | null;
  remoteStream: MediaStream | null;
  quality: Quality | null;
  /** Voice → video: "sent" while we wait, "received" while the peer waits for us. */
  videoRequest: "none" | "sent" | "received";
  suggestAudioOnly: boolean;
  cameras: number;
  /** A short line for the screen ("Couldn't use the camera", "Video request declined"). */
  notice: string | null;
}

/** A live call this device no longer holds (a reload mid-call): it can be ended from here. */
export interface LeftoverCall {
  id: string;
  peerUser: string;
  peerName: string;
}

export interface CallsState {
  call: CallView | null;
  leftover: LeftoverCall | null;
  log: CallLogEntry[];
  logNext: string | null;
  logLoaded: boolean;
  /** Missed calls not yet seen on the Calls tab. */
  missedUnseen: number;
}

export let state: CallsState = { call: null, leftover: null, log: [], logNext: null, logLoaded: false, missedUnseen: 0 };
const listeners = new Set<() => void>();

export function getCallsState(): CallsState {
  return state;
}

export function subscribeCalls(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setState(p: Partial<CallsState>) {
  state = { ...state, ...p };
  for (const l of listeners) l();
}

export function log(...args: unknown[]) {
  // Ids, states and error codes only: never SDP, candidates or keys.
  console.warn("[parley:call]", ...args);
}

export function errCode(e: unknown): string {
  if (e instanceof ApiError) return `${e.status} ${e.code}`;
  if (e instanceof Error) return e.name;
  return "error";
}


/** Back to the signed-out state (installCalls' undo). */
export function resetState(): void {
  state = { call: null, leftover: null, log: [], logNext: null, logLoaded: false, missedUnseen: 0 };
  for (const l of listeners) l();
}
