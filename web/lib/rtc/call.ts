/*
 * One call on this device: its phase (machine.ts), the peer connection
 * (peer.ts), the camera and microphone, tones, the serial signal sender, the
 * media watchdog, and the stats poller with its adaptation. The manager
 * (calls.ts) creates it, feeds it events and signals, and owns "the
 * current call"; a call reports back through the hooks it is given.
 *
 * Signals are sent one at a time per call (an answer must be relayed before
 * its candidates), and candidates queued meanwhile are coalesced into one
 * message. The caller holds its candidates until the answering device is
 * known. Media watchdog: ICE "disconnected" (for 2 s) or "failed" triggers an
 * ICE restart (the caller offers with iceRestart; the callee asks it to);
 * "Reconnecting…"; if media is not back within 20 s the call is hung up with
 * reason "failed".
 */
import { ApiError } from "../api/client";
import { calls as api, type CallMedia, type TurnCredentials } from "../api/calls";
import { sealCallSignal } from "../chat/engine";
import { adapt, initialAdapt, LADDER, type AdaptState } from "./adapt";
import { endText, initialPhase, transition, type CallEvent, type CallPhase, type Phase } from "./machine";
import { Peer, rtcConfig } from "./peer";
import { measure, parseStats, type StatsSample } from "./quality";
import type { CallSignal, IceCandidate, SignalBody } from "./signalling";
import { errCode, log, type CallView } from "./store";
import { playTone, type TonePlayer } from "./tones";

/** How long media may stay down before the call ends as failed (issue 7). */
export const MEDIA_DOWN_LIMIT_MS = 20_000;
/** "disconnected" often heals by itself: wait this long before an ICE restart. */
const DISCONNECT_GRACE_MS = 2_000;
const STATS_INTERVAL_MS = 1_000;
const BWE_WARMUP_MS = 8_000;
/** How long an ended call's screen stays up. */
const ENDED_LINGER_MS = 3_000;

/** What a call needs of its manager. */
export interface CallHooks {
  /** The view changed: publish it if this is the current call. */
  publish(c: ActiveCall): void;
  /** The ended screen has lingered: drop the call if it is still the current one. */
  release(c: ActiveCall): void;
  /** The server refused a signal as call_ended: reconcile with GET /api/calls/active. */
  reconcile(): void;
}


export class ActiveCall {
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

  constructor(
    role: "caller" | "callee",
    peerUser: string,
    name: string,
    media: CallMedia,
    private readonly hooks: CallHooks,
  ) {
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

  /** A getter, so TypeScript does not carry a narrowed phase across an await. */
  get ended(): boolean {
    return this.phase.phase === "ended";
  }

  update(p: Partial<CallView>) {
    this.view = { ...this.view, ...p };
    this.hooks.publish(this);
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
      // The peer learns what we set before it answered.
      if (prev !== "reconnecting" && (this.view.muted || (this.view.media === "video" && !this.view.cameraOn))) this.sendState();
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
    setTimeout(() => this.hooks.release(this), ENDED_LINGER_MS);
  }

  /* ---- media ---- */

  async getMedia(video: boolean): Promise<void> {
    const s = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: video ? { width: { ideal: 1280 }, height: { ideal: 720 } } : false });
    this.audio = s.getAudioTracks()[0] ?? null;
    this.video = s.getVideoTracks()[0] ?? null;
    // Muted or camera off already (pressed while the call was being set up).
    if (this.audio) this.audio.enabled = !this.view.muted;
    if (this.video && !this.view.cameraOn) {
      this.video.stop();
      this.video = null;
    }
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
      if (e instanceof ApiError && e.code === "call_ended") this.hooks.reconcile();
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

export async function countCameras(): Promise<number> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput").length;
  } catch {
    return 0;
  }
}

