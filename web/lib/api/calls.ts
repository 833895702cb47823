/*
 * The calls service (issue 7; services/calls/routes.c, docs/api/openapi.yaml
 * "calls"): start / accept / decline / hang up a 1:1 call, relay end-to-end
 * encrypted signalling blobs, the call log, TURN credentials and the
 * "protect IP address in calls" setting. Events about calls (call_ring,
 * call_accepted, call_stop, call_ended, call_signal, call_log,
 * call_settings) arrive over the push channel (lib/ws); their shapes are here.
 */
import { api as defaultApi, type ApiClient } from "./client";

export type CallMedia = "voice" | "video";
export type CallRole = "caller" | "callee";
export type CallState = "ringing" | "accepted" | "ended";
export type CallEndReason = "missed" | "declined" | "busy" | "cancelled" | "hangup" | "failed";
/** What the callee picked when declining with a quick reply (the text itself travels encrypted). */
export type DeclineMessage = "cant_talk_now" | "call_you_later" | "on_my_way" | "custom";

export interface TurnCredentials {
  urls: string[];
  username: string;
  credential: string;
  ttl: number;
  ice_transport_policy: "all" | "relay";
}

/** A call as the requesting user sees it. */
export interface Call {
  call_id: string;
  role: CallRole;
  state: CallState;
  media: CallMedia;
  /** The other user; `d` their device in this call when known. */
  peer: { u: string; d?: number };
  created_at: string;
  expires_at: string;
  end_reason: CallEndReason | null;
}

export interface CallAnswer extends Call {
  glare: boolean;
  turn: TurnCredentials | null;
}

export interface ActiveCall extends Call {
  caller_device?: number;
  answered_by?: number | null;
}

export interface CallLogEntry {
  id: string;
  call_id: string;
  direction: "incoming" | "outgoing";
  missed: boolean;
  media: CallMedia;
  peer: string;
  state: CallState;
  end_reason: CallEndReason | null;
  declined_with_message?: boolean;
  started_at: string;
  accepted_at: string | null;
  ended_at: string | null;
  /** Seconds from accept to end (0 if never accepted). */
  duration: number;
}

export interface CallLogPage {
  entries: CallLogEntry[];
  next: string | null;
}

export interface CallSettings {
  relay_only?: boolean;
}

/* ---- push events (CallEvent in the API) ---- */

export interface CallRingEvent {
  type: "call_ring";
  call_id: string;
  from: { u: string; d: number };
  media: CallMedia;
  created_at: string;
  expires_at: string;
}
export interface CallAcceptedEvent {
  type: "call_accepted";
  call_id: string;
  by: { u: string; d: number };
  media: CallMedia;
  glare: boolean;
}
export type CallStopReason = "answered_elsewhere" | "declined" | "cancelled" | "missed" | "failed" | "hangup";
export interface CallStopEvent {
  type: "call_stop";
  call_id: string;
  reason: CallStopReason;
}
export interface CallEndedEvent {
  type: "call_ended";
  call_id: string;
  reason: CallEndReason;
  by: "caller" | "callee" | "server";
}
export interface CallSignalEvent {
  type: "call_signal";
  call_id: string;
  from: { u: string; d: number };
  /** Opaque ciphertext (base64url). */
  blob: string;
}
export type CallLogEvent =
  | { type: "call_log"; op: "upsert"; entry: CallLogEntry }
  | { type: "call_log"; op: "delete"; ids: string[] }
  | { type: "call_log"; op: "clear" };
export interface CallSettingsEvent {
  type: "call_settings";
  relay_only: boolean;
}

export function callsApi(c: ApiClient = defaultApi) {
  const callPath = (id: string, what: string) => `/api/calls/${encodeURIComponent(id)}/${what}`;
  return {
    /** 201 rings; 200 with glare=true answers the peer's own ringing call instead. 409 busy / already_in_call. */
    start: (peerUser: string, media: CallMedia) => c.post<CallAnswer>("/api/calls/start", { peer_user: peerUser, media }),
    /** The first device to accept wins; `peer.d` is the caller's device to send the answer to. */
    accept: (id: string) => c.post<CallAnswer>(callPath(id, "accept"), {}),
    decline: (id: string, message?: DeclineMessage) => c.post<Call>(callPath(id, "decline"), message ? { message } : {}),
    hangup: (id: string, reason: "hangup" | "failed" = "hangup") => c.post<Call>(callPath(id, "hangup"), { reason }),
    /** Relays one encrypted signalling blob to the other party's device (204). */
    signal: (id: string, toDevice: number, blob: string) => c.post<void>(callPath(id, "signal"), { to_device: toDevice, blob }),
    /** Live calls of this user (ringing or accepted): recovery after a reload or a dropped event. */
    active: () => c.get<{ calls: ActiveCall[] }>("/api/calls/active"),
    log: (before?: string | null, limit = 50) => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (before) q.set("before", before);
      return c.get<CallLogPage>(`/api/calls/log?${q.toString()}`);
    },
    deleteLogEntry: (id: string) => c.del<void>(`/api/calls/log/${encodeURIComponent(id)}`),
    clearLog: () => c.del<void>("/api/calls/log"),
    turn: () => c.get<TurnCredentials>("/api/calls/turn"),
    settings: () => c.get<CallSettings>("/api/calls/settings"),
    setSettings: (s: CallSettings) => c.request<CallSettings>("/api/calls/settings", { method: "PATCH", body: s }),
  };
}

export type CallsApi = ReturnType<typeof callsApi>;
export const calls: CallsApi = callsApi();
