/*
 * The call manager: one call at a time on this device, from the header's
 * Voice call / Video call or an incoming call_ring, to its end. It owns the
 * peer connection (peer.ts), the camera and microphone, the tones, the media
 * watchdog and the stats poller, and publishes a plain view (CallView) that
 * the call screens read through subscribe()/getCallsState().
 *
 * Signalling travels end to end encrypted (seal.ts, through the engine's
 * sessions) via POST /api/calls/{id}/signal. The caller sends its offer to
 * every callee device while the call rings; its ICE candidates wait for the
 * accept, then go to the answering device only. The callee may only signal
 * after accepting (the server refuses earlier), so it buffers the offer it
 * got while ringing. Signals are sent one at a time per call (order matters:
 * an answer before its candidates) and candidates queued meanwhile are
 * coalesced into one message.
 *
 * Media watchdog: ICE "disconnected" (for 2 s) or "failed", or the browser
 * coming back online, triggers an ICE restart (the caller offers with
 * iceRestart; the callee asks the caller to); the call shows
 * "Reconnecting…"; if media is not back within 20 s the call is hung up
 * with reason "failed".
 */
import { ApiError } from "../api/client";
import { calls as api, type CallAnswer, type CallLogEntry, type CallMedia, type DeclineMessage, type TurnCredentials } from "../api/calls";
import {
  chatWith,
  onConnection,
  onPush,
  openCallSignal,
  peerDevices,
  peerName,
  sealCallSignal,
  sendText,
  whoAmI,
} from "../chat/engine";
import type { WsEvent } from "../ws/client";
import { adapt, initialAdapt, LADDER, type AdaptState } from "./adapt";
import { endText, initialPhase, isLive, transition, type CallEvent, type CallPhase, type EndReason, type Phase } from "./machine";
import { Peer, rtcConfig } from "./peer";
import { measure, parseStats, type Quality, type StatsSample } from "./quality";
import type { CallSignal, IceCandidate, SignalBody } from "./signalling";
import { playTone, type TonePlayer } from "./tones";

/** How long media may stay down before the call ends as failed (issue 7). */
export const MEDIA_DOWN_LIMIT_MS = 20_000;
/** "disconnected" often heals by itself: wait this long before an ICE restart. */
const DISCONNECT_GRACE_MS = 2_000;
const STATS_INTERVAL_MS = 1_000;
const BWE_WARMUP_MS = 8_000;
/** How long an ended call's screen stays up. */
const ENDED_LINGER_MS = 3_000;

export const QUICK_REPLIES: { id: DeclineMessage; text: string }[] = [
  { id: "cant_talk_now", text: "Can't talk now. What's up?" },
  { id: "call_you_later", text: "I'll call you right back." },
  { id: "on_my_way", text: "I'm on my way." },
];

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

let state: CallsState = { call: null, leftover: null, log: [], logNext: null, logLoaded: false, missedUnseen: 0 };
const listeners = new Set<() => void>();

export function getCallsState(): CallsState {
  return state;
}

export function subscribeCalls(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function setState(p: Partial<CallsState>) {
  state = { ...state, ...p };
  for (const l of listeners) l();
}

function log(...args: unknown[]) {
  // Ids, states and error codes only: never SDP, candidates or keys.
  console.warn("[parley:call]", ...args);
}

function errCode(e: unknown): string {
  if (e instanceof ApiError) return `${e.status} ${e.code}`;
  if (e instanceof Error) return e.name;
  return "error";
}

/* ---------------- one call ---------------- */

class ActiveCall {
  id: string | null = null;
  phase: Phase;
  view: CallView;
  peer: Peer | null = null;
  /** Our device's counterpart: the callee's answering device, or the caller's device. */
  remoteDevice: number | null = null;
  /** Callee devices the offer went to (caller). */
  offeredTo = new Set<number>();
  offerSdp: string | null = null;
  /** Caller: candidates gathered before we know the answering device. */
  heldCandidates: IceCandidate[] = [];
  /** Callee: the caller's offer and candidates that arrived before Accept. */
  bufferedOffer: CallSignal | null = null;
  bufferedIce: IceCandidate[] = [];
  offerWaiters: ((s: CallSignal) => void)[] = [];
  audio: MediaStreamTrack | null = null;
  video: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  turn: TurnCredentials | null = null;
  tone: TonePlayer | null = null;
  downTimer: ReturnType<typeof setTimeout> | null = null;
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  statsTimer: ReturnType<typeof setInterval> | null = null;
  connectTimer: ReturnType<typeof setTimeout> | null = null;
  lastSample: StatsSample | null = null;
  adaptState: AdaptState = initialAdapt;
  appliedStep = -1;
  sendChain: Promise<void> = Promise.resolve();
  queuedIce: IceCandidate[] = [];
  iceQueued = false;
  notification: Notification | null = null;
  firstFrameAt: number | null = null;
  acceptedAt: number | null = null;
  /** performance.now() of set-up steps, for the debug hook's breakdown of accept → first frame. */
  marks: Record<string, number> = {};

  mark(name: string) {
    if (this.marks[name] === undefined) this.marks[name] = performance.now();
  }

  constructor(role: "caller" | "callee", peerUser: string, name: string, media: CallMedia) {
    this.phase = initialPhase(role);
    this.view = {
      id: null,
      role,
      peerUser,
      peerName: name,
      media,
      phase: this.phase.phase,
      muted: false,
      cameraOn: media === "video",
      sharing: false,
      remote: { muted: false, camera: media === "video", sharing: false },
      local: null,
      remoteStream: null,
      quality: null,
      videoRequest: "none",
      suggestAudioOnly: false,
      cameras: 0,
      notice: null,
    };
  }

  get role() {
    return this.view.role;
  }

  update(p: Partial<CallView>) {
    this.view = { ...this.view, ...p };
    if (current === this) setState({ call: this.view });
  }

  /** Applies a state-machine event and everything that follows from the new phase. */
  fire(e: CallEvent) {
    const next = transition(this.phase, e, Date.now());
    if (next === this.phase) return;
    const prev = this.phase.phase;
    this.phase = next;
    const p: Partial<CallView> = { phase: next.phase };
    if (next.activeSince !== undefined) p.activeSince = next.activeSince;
    if (next.phase === "ended") {
      p.reason = next.reason!;
      p.endText = endText(next.reason, this.role);
    }
    this.update(p);
    this.onPhase(prev, next.phase);
  }

  private onPhase(prev: CallPhase, now: CallPhase) {
    if (now === "ringing") this.playTone("ringback");
    if (now !== "ringing" && now !== "incoming" && now !== "calling") this.stopTone();
    if (now === "connecting") {
      this.acceptedAt = this.acceptedAt ?? performance.now();
      this.probeFirstFrame();
      // Set-up that never brings media up fails like a call whose media went down.
      this.connectTimer = setTimeout(() => this.fail(), MEDIA_DOWN_LIMIT_MS);
    }
    if (now === "active") {
      this.clearTimer("connectTimer");
      this.clearTimer("downTimer");
      this.startStats();
    }
    if (now === "reconnecting" && prev === "active") {
      this.downTimer = setTimeout(() => this.fail(), MEDIA_DOWN_LIMIT_MS);
    }
    if (now === "ended") this.teardown();
  }

  playTone(t: "ringback" | "ringtone") {
    this.stopTone();
    this.tone = playTone(t);
  }

  stopTone() {
    this.tone?.stop();
    this.tone = null;
  }

  clearTimer(k: "downTimer" | "graceTimer" | "connectTimer") {
    const t = this[k];
    if (t) clearTimeout(t);
    this[k] = null;
  }

  /** Media stayed down: the server records "failed", the screen says why. */
  fail() {
    if (this.phase.phase === "ended") return;
    if (this.id) api.hangup(this.id, "failed").catch(() => undefined);
    this.fire({ type: "end", reason: "failed" });
  }

  teardown() {
    this.stopTone();
    this.clearTimer("downTimer");
    this.clearTimer("graceTimer");
    this.clearTimer("connectTimer");
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    this.peer?.close();
    for (const t of [this.audio, this.video, this.screen]) t?.stop();
    this.notification?.close();
    this.offerWaiters = [];
    this.update({ local: null, remoteStream: null });
    const me = this;
    setTimeout(() => {
      if (current === me) {
        current = null;
        setState({ call: null });
      }
    }, ENDED_LINGER_MS);
  }

  /* ---- media ---- */

  async getMedia(video: boolean): Promise<void> {
    const s = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: video ? { width: { ideal: 1280 }, height: { ideal: 720 } } : false });
    this.audio = s.getAudioTracks()[0] ?? null;
    this.video = s.getVideoTracks()[0] ?? null;
    this.refreshLocal();
    void countCameras().then((n) => this.update({ cameras: n }));
  }

  refreshLocal() {
    const tracks = [this.screen ?? this.video].filter((t): t is MediaStreamTrack => !!t);
    this.update({ local: tracks.length > 0 ? new MediaStream(tracks) : null });
  }

  createPeer() {
    this.peer = new Peer(rtcConfig(this.turn), {
      onCandidate: (c) => this.onLocalCandidate(c),
      onIceState: (s) => this.onIceState(s),
      onRemoteTrack: () => this.update({ remoteStream: this.peer?.remote ?? null }),
    });
    this.update({ remoteStream: this.peer.remote });
  }

  /* ---- signalling out ---- */

  /** Queues one signal to `device`; sends are serial per call. */
  send(device: number, body: SignalBody): Promise<boolean> {
    const p = this.sendChain.then(() => this.sendNow(device, body));
    this.sendChain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  private async sendNow(device: number, body: SignalBody): Promise<boolean> {
    if (!this.id || this.phase.phase === "ended") return false;
    try {
      const blob = await sealCallSignal({ u: this.view.peerUser, d: device }, this.id, body);
      await api.signal(this.id, device, blob);
      return true;
    } catch (e) {
      log("signal not sent", this.id, body.t, errCode(e));
      // The call ended and we missed the event: the server's list of live calls settles it.
      if (e instanceof ApiError && e.code === "call_ended") void recover();
      return false;
    }
  }

  onLocalCandidate(c: IceCandidate) {
    if (this.remoteDevice === null) {
      this.heldCandidates.push(c);
      return;
    }
    this.queuedIce.push(c);
    if (this.iceQueued) return;
    this.iceQueued = true;
    const device = this.remoteDevice;
    // Coalesce: whatever gathered until this send's turn comes goes in one message.
    const p = this.sendChain.then(async () => {
      this.iceQueued = false;
      const candidates = this.queuedIce.splice(0, 64);
      if (candidates.length > 0) await this.sendNow(device, { t: "ice", candidates });
    });
    this.sendChain = p.catch(() => undefined);
  }

  /** Caller: the answering device is known; held candidates go to it. */
  setRemoteDevice(d: number) {
    if (this.remoteDevice !== null) return;
    this.remoteDevice = d;
    for (const c of this.heldCandidates.splice(0)) this.onLocalCandidate(c);
  }

  sendState() {
    if (this.remoteDevice === null) return;
    void this.send(this.remoteDevice, { t: "state", muted: this.view.muted, camera: this.view.cameraOn, sharing: this.view.sharing });
  }

  /* ---- media watchdog ---- */

  onIceState(s: RTCIceConnectionState) {
    if (s === "connected" || s === "completed") {
      this.mark("ice");
      this.clearTimer("graceTimer");
      this.fire({ type: "media_up" });
      return;
    }
    if (s === "failed") {
      this.fire({ type: "media_down" });
      void this.restartIce();
    } else if (s === "disconnected") {
      this.fire({ type: "media_down" });
      this.clearTimer("graceTimer");
      this.graceTimer = setTimeout(() => void this.restartIce(), DISCONNECT_GRACE_MS);
    }
  }

  /** Only the caller offers (no glare); the callee asks it to. */
  async restartIce() {
    if (!this.peer || this.remoteDevice === null || this.phase.phase === "ended") return;
    if (this.role === "callee") {
      await this.send(this.remoteDevice, { t: "restart" });
      return;
    }
    if (this.peer.pc.signalingState !== "stable") return; // a restart is already waiting for its answer
    try {
      const sdp = await this.peer.createOffer(true);
      await this.send(this.remoteDevice, { t: "offer", sdp, media: this.view.media, restart: true });
    } catch (e) {
      log("ice restart", this.id, errCode(e));
    }
  }

  /* ---- stats and adaptation ---- */

  /** Accept → first remote video frame, measured with a 50 ms getStats probe (the 1 s poller is too coarse). */
  probeFirstFrame() {
    const started = performance.now();
    const tick = async () => {
      if (this.firstFrameAt !== null || this.phase.phase === "ended" || performance.now() - started > MEDIA_DOWN_LIMIT_MS) return;
      const pc = this.peer?.pc;
      if (pc) {
        try {
          for (const s of (await pc.getStats()).values()) {
            if (s.type === "inbound-rtp" && s.kind === "video" && (s.framesDecoded ?? 0) > 0) {
              this.firstFrameAt = performance.now();
              this.mark("firstFrame");
              return;
            }
          }
        } catch {
          // closed meanwhile
        }
      }
      setTimeout(() => void tick(), 50);
    };
    void tick();
  }

  startStats() {
    if (this.statsTimer) return;
    this.statsTimer = setInterval(() => void this.poll(), STATS_INTERVAL_MS);
  }

  async poll() {
    const pc = this.peer?.pc;
    if (!pc) return;
    let report: RTCStatsReport;
    try {
      report = await pc.getStats();
    } catch {
      return;
    }
    const sample = parseStats(report.values() as Iterable<Record<string, unknown> & { type: string; id: string }>, Date.now());
    if (this.firstFrameAt === null && sample.inVideo.framesDecoded > 0) this.firstFrameAt = performance.now();
    const prev = this.lastSample;
    this.lastSample = sample;
    if (!prev) return;
    // The bandwidth estimate starts low and ramps up: judge it only after the call's first seconds.
    const warm = this.phase.activeSince !== undefined && Date.now() - this.phase.activeSince > BWE_WARMUP_MS;
    const q = measure(prev, sample, warm);
    this.adaptState = adapt(this.adaptState, q.level);
    this.update({ quality: q, suggestAudioOnly: this.adaptState.suggestAudioOnly && this.view.cameraOn });
    await this.applyStep();
  }

  /** Puts the ladder's current step on the video sender (only when it changed). */
  async applyStep() {
    const step = this.adaptState.step;
    const sender = this.peer?.sender("video");
    if (!sender || step === this.appliedStep || !sender.track) return;
    const params = sender.getParameters();
    if (!params.encodings || params.encodings.length === 0) return;
    const s = LADDER[step]!;
    for (const enc of params.encodings) {
      // A shared screen keeps its resolution (text must stay readable); frame rate and bitrate still give.
      enc.scaleResolutionDownBy = this.screen ? 1 : s.scaleResolutionDownBy;
      enc.maxFramerate = s.maxFramerate;
      enc.maxBitrate = s.maxBitrate;
    }
    try {
      await sender.setParameters(params);
      this.appliedStep = step;
    } catch (e) {
      log("setParameters", this.id, errCode(e));
    }
  }
}

let current: ActiveCall | null = null;
/** Signals for calls this device does not hold (yet): kept briefly, by call id. */
const early = new Map<string, { at: number; signals: CallSignal[] }>();
let inChain: Promise<void> = Promise.resolve();
let installed: (() => void) | null = null;

function setCurrent(c: ActiveCall | null) {
  current = c;
  setState({ call: c?.view ?? null });
}

async function countCameras(): Promise<number> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput").length;
  } catch {
    return 0;
  }
}

function busyNow(): boolean {
  return current !== null && current.phase.phase !== "ended";
}

/* ---------------- caller ---------------- */

/** Starts a voice or video call to a user (the chat header's buttons). */
export async function startCall(peerUser: string, media: CallMedia, name?: string): Promise<void> {
  if (busyNow()) return;
  const c = new ActiveCall("caller", peerUser, name ?? "", media);
  setCurrent(c);
  if (!name) void peerName(peerUser).then((n) => c.update({ peerName: n }));
  // The camera, the call and the peer's device list at once: set-up time is their maximum, not their sum.
  // The list is the engine's cached one (a fresh fetch would claim a one-time prekey per device per
  // call); a device it lacks still rings and gets the offer when it accepts (onAccepted).
  const starting = api.start(peerUser, media).then((a) => {
    // Known as soon as the server answers: a fast callee's decline may already be on its way.
    c.id = a.call_id;
    c.turn = a.turn;
    if (a.glare) {
      // We answered the peer's own ringing call: from here on we are its callee, and its offer
      // (possibly already on its way) must be kept for the answer, not taken for a caller's signal.
      c.view = { ...c.view, role: "callee", media: a.media };
      if (typeof a.peer.d === "number") c.remoteDevice = a.peer.d;
    }
    c.update({ id: a.call_id });
    replayOrphans(c);
    return a;
  });
  const [gotMedia, started] = await Promise.allSettled([c.getMedia(media === "video"), starting, peerDevices(peerUser).catch(() => [])]);
  if (started.status === "rejected") {
    const e: unknown = started.reason;
    if (e instanceof ApiError && e.code === "busy") {
      c.fire({ type: "end", reason: "busy" });
      return;
    }
    log("start failed", errCode(e));
    c.update({ notice: e instanceof ApiError && e.code === "already_in_call" ? "You're already in a call" : "Couldn't start the call" });
    c.fire({ type: "end", reason: "error" });
    return;
  }
  const answer = started.value;
  if (gotMedia.status === "rejected") {
    log("media", errCode(gotMedia.reason));
    // The call rings already: end it there too.
    api.hangup(answer.call_id).catch(() => undefined);
    c.update({ notice: "Allow the camera and microphone to call" });
    c.fire({ type: "end", reason: "error" });
    return;
  }
  if (c.phase.phase === "ended") {
    api.hangup(answer.call_id).catch(() => undefined);
    return;
  }
  if (answer.glare) {
    // Both called at once: the server kept the peer's earlier call and answered it from here.
    await becomeCallee(c, answer);
    return;
  }
  c.createPeer();
  c.peer!.addTransceivers(c.audio, c.video);
  // Up to 500 ms of gathering rides in the offer (loopback and LAN are done in a few ms).
  c.offerSdp = await c.peer!.createOffer(false, 500);
  await offerTo(c, await peerDevices(peerUser).catch(() => []));
  // Signals that raced the start answer (an accept and answer from a fast callee).
  drainEarly(c);
}

/** Sends the current offer to callee devices not offered yet; the first one relayed means "Ringing…". */
async function offerTo(c: ActiveCall, devices: number[]) {
  if (!c.offerSdp) return;
  const fresh = devices.filter((d) => !c.offeredTo.has(d));
  for (const d of fresh) c.offeredTo.add(d);
  const sent = await Promise.all(fresh.map((d) => c.send(d, { t: "offer", sdp: c.offerSdp!, media: c.view.media })));
  if (sent.some(Boolean)) c.fire({ type: "reached" });
}

/* ---------------- callee ---------------- */

function onRing(e: WsEvent) {
  const id = String(e.call_id ?? "");
  const from = e.from as { u?: string; d?: number } | undefined;
  if (!id || typeof from?.u !== "string" || typeof from.d !== "number") return;
  const media: CallMedia = e.media === "video" ? "video" : "voice";
  if (current?.id === id) return;
  if (busyNow()) return; // the server answers "busy" to the caller itself when we are in a call
  ring(id, from.u, from.d, media);
}

function ring(id: string, peerUser: string, callerDevice: number, media: CallMedia) {
  const c = new ActiveCall("callee", peerUser, "", media);
  c.id = id;
  c.remoteDevice = callerDevice;
  c.view = { ...c.view, id };
  setCurrent(c);
  c.playTone("ringtone");
  void peerName(peerUser).then((n) => {
    c.update({ peerName: n });
    notifyIncoming(c);
  });
  drainEarly(c);
}

function notifyIncoming(c: ActiveCall) {
  if (typeof document === "undefined" || document.visibilityState === "visible") return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  try {
    c.notification = new Notification(c.view.peerName || "Parley", {
      body: c.view.media === "video" ? "Incoming video call" : "Incoming voice call",
      tag: `call-${c.id}`,
      requireInteraction: true,
    });
    c.notification.onclick = () => window.focus();
  } catch {
    // best-effort
  }
}

/** Waits for the caller's offer (it normally came while ringing). */
function waitOffer(c: ActiveCall, ms: number): Promise<CallSignal | null> {
  if (c.bufferedOffer) return Promise.resolve(c.bufferedOffer);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), ms);
    c.offerWaiters.push((s) => {
      clearTimeout(t);
      resolve(s);
    });
  });
}

export async function acceptCall(): Promise<void> {
  const c = current;
  if (!c || c.role !== "callee" || c.phase.phase !== "incoming" || !c.id) return;
  c.stopTone();
  c.notification?.close();
  c.fire({ type: "accepted" });
  let answer: CallAnswer;
  try {
    const [, a] = await Promise.all([c.getMedia(c.view.media === "video"), api.accept(c.id)]);
    answer = a;
  } catch (e) {
    log("accept failed", c.id, errCode(e));
    if (e instanceof ApiError && e.code === "already_answered") c.fire({ type: "end", reason: "answered_elsewhere" });
    else if (e instanceof ApiError && e.code === "call_ended") c.fire({ type: "end", reason: "missed" });
    else {
      c.update({ notice: e instanceof ApiError ? "Couldn't answer the call" : "Allow the camera and microphone to answer" });
      if (!(e instanceof ApiError)) api.decline(c.id).catch(() => undefined);
      c.fire({ type: "end", reason: "error" });
    }
    return;
  }
  await becomeCallee(c, answer);
}

/** The accepted callee side: answer the caller's offer from this device. */
async function becomeCallee(c: ActiveCall, answer: CallAnswer) {
  c.view = { ...c.view, role: "callee", id: answer.call_id, media: answer.media };
  c.id = answer.call_id;
  c.turn = answer.turn;
  if (typeof answer.peer.d === "number") c.remoteDevice = answer.peer.d;
  c.fire({ type: "accepted" });
  if (!c.audio) {
    try {
      await c.getMedia(answer.media === "video");
    } catch {
      c.update({ notice: "Allow the camera and microphone to answer" });
      api.hangup(answer.call_id).catch(() => undefined);
      c.fire({ type: "end", reason: "error" });
      return;
    }
  }
  c.mark("media");
  c.update({ cameraOn: !!c.video });
  drainEarly(c);
  let offer = await waitOffer(c, 3_000);
  if (!offer && c.remoteDevice !== null && c.phase.phase !== "ended") {
    // The offer was lost (this page loaded after it was sent): ask the caller for a fresh one.
    await c.send(c.remoteDevice, { t: "restart" });
    offer = await waitOffer(c, 10_000);
  }
  if (!offer || offer.t !== "offer" || c.phase.phase === "ended") {
    if (c.phase.phase !== "ended") c.fail();
    return;
  }
  c.createPeer();
  try {
    await c.peer!.addCandidates(c.bufferedIce.splice(0));
    const sdp = await c.peer!.answer(offer.sdp, { audio: c.audio, video: c.video });
    c.mark("answered");
    await c.send(c.remoteDevice!, { t: "answer", sdp });
  } catch (e) {
    log("answer failed", c.id, errCode(e));
    c.fail();
  }
}

export async function declineCall(reply?: { id: DeclineMessage; text: string }): Promise<void> {
  const c = current;
  if (!c || c.role !== "callee" || c.phase.phase !== "incoming" || !c.id) return;
  c.fire({ type: "end", reason: "declined" });
  setCurrent(null);
  try {
    await api.decline(c.id, reply?.id);
  } catch (e) {
    log("decline", c.id, errCode(e));
  }
  if (reply && reply.text.trim()) {
    // The quick reply is an ordinary end-to-end encrypted chat message.
    try {
      const chatId = await chatWith(c.view.peerUser);
      await sendText(chatId, reply.text.trim());
    } catch (e) {
      log("quick reply", errCode(e));
    }
  }
}

/* ---------------- either side ---------------- */

export async function hangUp(): Promise<void> {
  const c = current;
  if (!c || c.phase.phase === "ended") return;
  const id = c.id;
  c.fire({ type: "end", reason: c.phase.phase === "calling" || c.phase.phase === "ringing" ? "cancelled" : "hangup" });
  if (id) await api.hangup(id).catch((e: unknown) => log("hangup", id, errCode(e)));
}

/** Closes the ended-call screen now. */
export function dismissCall(): void {
  if (current && current.phase.phase === "ended") setCurrent(null);
}

export function toggleMute(): void {
  const c = current;
  if (!c || !isLive(c.phase.phase)) return;
  const muted = !c.view.muted;
  // A disabled track sends silence: the peer keeps a steady audio stream, and unmuting is instant.
  if (c.audio) c.audio.enabled = !muted;
  c.update({ muted });
  c.sendState();
}

export async function toggleCamera(): Promise<void> {
  const c = current;
  if (!c || !isLive(c.phase.phase) || !c.peer) return;
  if (c.view.cameraOn) {
    // Off means off: nothing is sent (replaceTrack(null)) and the camera light goes out.
    if (!c.screen) await c.peer.setTrack("video", null);
    c.video?.stop();
    c.video = null;
    c.update({ cameraOn: false, suggestAudioOnly: false });
  } else {
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
      c.video = s.getVideoTracks()[0] ?? null;
    } catch {
      c.update({ notice: "Couldn't use the camera" });
      return;
    }
    if (!c.screen) await c.peer.setTrack("video", c.video);
    c.appliedStep = -1;
    await c.applyStep();
    c.update({ cameraOn: true, media: "video" });
  }
  c.refreshLocal();
  c.sendState();
}

/** Next camera (front/back on phones), when there are several. */
export async function flipCamera(): Promise<void> {
  const c = current;
  if (!c || !c.video || !c.peer) return;
  const cams = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
  if (cams.length < 2) return;
  const now = c.video.getSettings().deviceId;
  const i = cams.findIndex((d) => d.deviceId === now);
  const next = cams[(i + 1) % cams.length]!;
  try {
    const s = await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: next.deviceId } } });
    const t = s.getVideoTracks()[0];
    if (!t) return;
    c.video.stop();
    c.video = t;
    if (!c.screen) await c.peer.setTrack("video", t);
    c.refreshLocal();
  } catch {
    c.update({ notice: "Couldn't switch the camera" });
  }
}

export async function toggleScreenShare(): Promise<void> {
  const c = current;
  if (!c || !isLive(c.phase.phase) || !c.peer) return;
  if (c.screen) {
    stopSharing(c);
    return;
  }
  let s: MediaStream;
  try {
    s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch {
    return; // the user picked nothing
  }
  const t = s.getVideoTracks()[0];
  if (!t) return;
  c.screen = t;
  // The browser's own "Stop sharing" ends the track.
  t.addEventListener("ended", () => {
    if (c.screen === t) stopSharing(c);
  });
  await c.peer.setTrack("video", t);
  c.appliedStep = -1;
  await c.applyStep();
  c.update({ sharing: true });
  c.refreshLocal();
  c.sendState();
}

function stopSharing(c: ActiveCall) {
  const t = c.screen;
  c.screen = null;
  t?.stop();
  void c.peer?.setTrack("video", c.video);
  c.update({ sharing: false });
  c.refreshLocal();
  c.sendState();
}

/** Voice → video: ask; the peer's screen shows the request. */
export function requestVideo(): void {
  const c = current;
  if (!c || c.phase.phase !== "active" || c.view.media === "video" || c.remoteDevice === null) return;
  c.update({ videoRequest: "sent", notice: null });
  void c.send(c.remoteDevice, { t: "video-request" });
}

export async function answerVideoRequest(accept: boolean): Promise<void> {
  const c = current;
  if (!c || c.view.videoRequest !== "received" || c.remoteDevice === null) return;
  c.update({ videoRequest: "none" });
  await c.send(c.remoteDevice, { t: "video-reply", accept });
  if (accept) {
    c.update({ media: "video" });
    if (!c.view.cameraOn) await toggleCamera();
  }
}

/* ---------------- incoming signals and events ---------------- */

function onSignalEvent(e: WsEvent) {
  const id = String(e.call_id ?? "");
  const from = e.from as { u?: string; d?: number } | undefined;
  const blob = e.blob;
  if (!id || typeof from?.u !== "string" || typeof from.d !== "number" || typeof blob !== "string") return;
  const addr = { u: from.u, d: from.d };
  // One at a time, in arrival order: an offer is applied before its candidates.
  inChain = inChain
    .then(async () => {
      const s = await openCallSignal(addr, blob, id);
      if (current?.id === id && current.view.peerUser === addr.u) await handleSignal(current, addr.d, s);
      else {
        const list = early.get(id) ?? { at: Date.now(), signals: [] };
        list.signals.push({ ...s, from: addr.d } as CallSignal & { from: number });
        early.set(id, list);
        for (const [k, v] of early) if (Date.now() - v.at > 120_000) early.delete(k);
      }
    })
    .catch((err: unknown) => log("signal dropped", id, errCode(err)));
}

function drainEarly(c: ActiveCall) {
  if (!c.id) return;
  const list = early.get(c.id);
  if (!list) return;
  early.delete(c.id);
  inChain = inChain.then(async () => {
    for (const s of list.signals) await handleSignal(c, (s as CallSignal & { from: number }).from, s);
  });
}

async function handleSignal(c: ActiveCall, fromDevice: number, s: CallSignal) {
  if (c.phase.phase === "ended") return;
  if (c.role === "caller") {
    // Only the answering device may talk to us; its first signal also tells who answered.
    if (c.remoteDevice === null) {
      c.setRemoteDevice(fromDevice);
      c.fire({ type: "accepted" });
    }
    if (fromDevice !== c.remoteDevice) return;
  } else if (fromDevice !== c.remoteDevice) return;
  const peer = c.peer;
  switch (s.t) {
    case "offer":
      if (c.role !== "callee") return;
      if (!peer) {
        c.bufferedOffer = s;
        for (const w of c.offerWaiters.splice(0)) w(s);
        return;
      }
      // An ICE restart (or a fresh offer we asked for): answer it on the same connection.
      try {
        const sdp = await peer.answer(s.sdp);
        await c.send(fromDevice, { t: "answer", sdp });
      } catch (e) {
        log("re-answer", c.id, errCode(e));
      }
      return;
    case "answer":
      c.mark("answered");
      if (c.role === "caller" && peer) await peer.acceptAnswer(s.sdp).catch((e: unknown) => log("answer", c.id, errCode(e)));
      return;
    case "ice":
      if (peer) await peer.addCandidates(s.candidates);
      else c.bufferedIce.push(...s.candidates);
      return;
    case "restart":
      if (c.role !== "caller" || !peer) return;
      // A callee that never got our offer asks for one; a live call's callee asks for an ICE restart.
      if (!peer.hasRemoteDescription && c.offerSdp) await c.send(fromDevice, { t: "offer", sdp: c.offerSdp, media: c.view.media });
      else await c.restartIce();
      return;
    case "video-request":
      if (c.view.media === "video") await c.send(fromDevice, { t: "video-reply", accept: true });
      else c.update({ videoRequest: "received" });
      return;
    case "video-reply":
      if (c.view.videoRequest !== "sent") return;
      if (s.accept) {
        c.update({ videoRequest: "none", media: "video" });
        if (!c.view.cameraOn) await toggleCamera();
      } else c.update({ videoRequest: "none", notice: `${c.view.peerName || "They"} declined to switch to video` });
      return;
    case "state":
      c.update({ remote: { muted: s.muted, camera: s.camera, sharing: s.sharing } });
      if (s.camera && c.view.media === "voice") c.update({ media: "video" });
      return;
  }
}

function onAccepted(e: WsEvent) {
  const c = current;
  const by = e.by as { d?: number } | undefined;
  if (!c || c.id !== e.call_id || c.role !== "caller" || typeof by?.d !== "number") return;
  c.setRemoteDevice(by.d);
  c.fire({ type: "accepted" });
  // A device we had not offered to (our device list was stale) answered: it needs the offer.
  if (!c.offeredTo.has(by.d)) void offerTo(c, [by.d]);
}

const STOP_REASONS: Record<string, EndReason> = {
  answered_elsewhere: "answered_elsewhere",
  declined: "declined",
  cancelled: "cancelled",
  missed: "missed",
  failed: "failed",
  hangup: "hangup",
  busy: "busy",
};

function onEnded(e: WsEvent) {
  // A call this tab lost ended meanwhile (the peer gave up on it): nothing left to end.
  if (state.leftover?.id === e.call_id) setState({ leftover: null });
  const c = current;
  if (!c || c.id !== e.call_id) return;
  const reason = STOP_REASONS[String(e.reason)] ?? "hangup";
  // A ringing callee that stopped ringing (caller gave up, timeout, declined elsewhere) just closes the dialog.
  if (c.role === "callee" && c.phase.phase === "incoming" && reason !== "answered_elsewhere") {
    c.fire({ type: "end", reason: reason === "cancelled" ? "missed" : reason });
    setCurrent(null);
    return;
  }
  c.fire({ type: "end", reason: reason === "cancelled" ? "hangup" : reason });
}

function onLog(e: WsEvent) {
  if (e.op === "clear") setState({ log: [] });
  else if (e.op === "delete" && Array.isArray(e.ids)) {
    const ids = new Set(e.ids as string[]);
    setState({ log: state.log.filter((x) => !ids.has(x.id)) });
  } else if (e.op === "upsert" && e.entry && typeof e.entry === "object") {
    const entry = e.entry as CallLogEntry;
    const had = state.log.find((x) => x.id === entry.id);
    const log = [entry, ...state.log.filter((x) => x.id !== entry.id)].sort((a, b) => b.started_at.localeCompare(a.started_at));
    const newlyMissed = entry.missed && !had?.missed;
    setState({ log, missedUnseen: state.missedUnseen + (newlyMissed ? 1 : 0) });
    if (newlyMissed) void notifyMissed(entry);
  }
}

async function notifyMissed(entry: CallLogEntry) {
  if (typeof document === "undefined" || document.visibilityState === "visible") return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  try {
    new Notification(await peerName(entry.peer), { body: entry.media === "video" ? "Missed video call" : "Missed voice call", tag: `missed-${entry.call_id}` });
  } catch {
    // best-effort
  }
}

/** After (re)connecting: anything ringing for us, or a call this tab lost (a reload), from the server. */
async function recover() {
  const me = whoAmI();
  if (!me) return;
  let list;
  try {
    list = (await api.active()).calls;
  } catch {
    return;
  }
  for (const k of list) {
    if (current?.id === k.call_id) continue;
    const mine = k.role === "caller" ? k.caller_device === me.device : k.answered_by === me.device;
    if (k.state === "ringing" && k.role === "callee" && !busyNow() && typeof k.peer.d === "number") {
      ring(k.call_id, k.peer.u, k.peer.d, k.media);
    } else if (k.state === "ringing" && k.role === "caller" && mine && !busyNow()) {
      // Our own outgoing call from before a reload: its offer died with the page.
      api.hangup(k.call_id).catch(() => undefined);
    } else if (k.state === "accepted" && mine && !busyNow()) {
      setState({ leftover: { id: k.call_id, peerUser: k.peer.u, peerName: await peerName(k.peer.u) } });
    }
  }
  // The server's word on the current call: an event we missed while offline.
  if (current && current.id && current.phase.phase !== "ended" && !list.some((k) => k.call_id === current!.id)) {
    if (current.phase.phase === "incoming") {
      current.fire({ type: "end", reason: "missed" });
      setCurrent(null);
    } else if (current.id) current.fire({ type: "end", reason: "hangup" });
  }
}

export async function endLeftover(): Promise<void> {
  const l = state.leftover;
  if (!l) return;
  setState({ leftover: null });
  await api.hangup(l.id).catch(() => undefined);
}

/* ---------------- call log ---------------- */

/** When this user last looked at the Calls tab (per browser): missed calls after it are "unseen". */
function seenKey(): string | null {
  const me = whoAmI();
  return me ? `parley-calls-seen-${me.user}` : null;
}

function lastSeenAt(): number {
  const k = seenKey();
  try {
    return k ? Number(localStorage.getItem(k) ?? 0) || 0 : 0;
  } catch {
    return 0;
  }
}

export async function loadLog(more = false): Promise<void> {
  try {
    const page = await api.log(more ? state.logNext : null, 50);
    const have = more ? state.log : [];
    const ids = new Set(have.map((x) => x.id));
    const log = [...have, ...page.entries.filter((x) => !ids.has(x.id))];
    const p: Partial<CallsState> = { log, logNext: page.next, logLoaded: true };
    // The badge survives a reload: missed calls newer than the last look at the tab.
    if (!more) {
      const seen = lastSeenAt();
      p.missedUnseen = log.filter((e) => e.missed && Date.parse(e.started_at) > seen).length;
    }
    setState(p);
  } catch (e) {
    log("log", errCode(e));
    setState({ logLoaded: true });
  }
}

export async function deleteLogEntry(id: string): Promise<void> {
  setState({ log: state.log.filter((x) => x.id !== id) });
  await api.deleteLogEntry(id).catch(() => undefined);
}

export async function clearLog(): Promise<void> {
  setState({ log: [], logNext: null });
  await api.clearLog().catch(() => undefined);
}

export function markMissedSeen(): void {
  const k = seenKey();
  try {
    if (k) localStorage.setItem(k, String(Date.now()));
  } catch {
    // private mode: the badge is per tab then
  }
  if (state.missedUnseen !== 0) setState({ missedUnseen: 0 });
}

/* ---------------- "protect IP address in calls" ---------------- */

/** Whether this user's calls are relayed through TURN only (null: unknown, e.g. offline). */
export async function getRelayOnly(): Promise<boolean | null> {
  try {
    return (await api.settings()).relay_only === true;
  } catch {
    return null;
  }
}

export async function setRelayOnly(on: boolean): Promise<boolean | null> {
  try {
    return (await api.setSettings({ relay_only: on })).relay_only === true;
  } catch {
    return null;
  }
}

/* ---------------- wiring ---------------- */

function onOnline() {
  // A network change: a live call's path may be gone; restart ICE at once rather than wait for "failed".
  if (current && current.peer && isLive(current.phase.phase)) void current.restartIce();
}

/**
 * Call events that arrive while our own outgoing call has no id yet (the
 * callee declined or accepted before the start request answered): replayed
 * once the id is known.
 */
let orphans: WsEvent[] = [];

function replayOrphans(c: ActiveCall) {
  const mine = orphans.filter((e) => e.call_id === c.id);
  orphans = [];
  for (const e of mine) dispatch(e);
}

function dispatch(e: WsEvent) {
  if (
    (e.type === "call_accepted" || e.type === "call_stop" || e.type === "call_ended") &&
    current &&
    current.id === null &&
    current.phase.phase !== "ended"
  ) {
    orphans = [...orphans.slice(-19), e];
    return;
  }
  switch (e.type) {
    case "call_ring":
      return onRing(e);
    case "call_signal":
      return onSignalEvent(e);
    case "call_accepted":
      return onAccepted(e);
    case "call_stop":
    case "call_ended":
      return onEnded(e);
    case "call_log":
      return onLog(e);
  }
}

/** Hooks the manager to the push channel; call once after sign-in. Returns the undo. */
export function installCalls(): () => void {
  if (installed) return installed;
  const offs = [
    onPush(dispatch),
    onConnection((s) => {
      if (s !== "connected") return;
      void recover();
      if (!state.logLoaded) void loadLog();
    }),
  ];
  window.addEventListener("online", onOnline);
  exposeDebugHook();
  installed = () => {
    for (const off of offs) off();
    window.removeEventListener("online", onOnline);
    if (current && current.phase.phase !== "ended") void hangUp();
    current = null;
    state = { call: null, leftover: null, log: [], logNext: null, logLoaded: false, missedUnseen: 0 };
    installed = null;
  };
  return installed;
}

/* ---------------- debug hook ---------------- */

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
function exposeDebugHook() {
  if (typeof window === "undefined") return;
  (window as unknown as { __parleyCall?: { stats(): CallDebug } }).__parleyCall = {
    stats(): CallDebug {
      const c = current;
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
