/*
 * The call manager: one call at a time on this device (call.ts), from the
 * header's Voice call / Video call or an incoming call_ring, to its end. It
 * routes push events and decrypted signals to the call, runs the caller's
 * and the callee's set-up, the in-call controls, and recovery after a
 * reconnect; the screens read store.ts.
 *
 * Signalling travels end to end encrypted (seal.ts, through the engine's
 * sessions) via POST /api/calls/{id}/signal. The caller sends its offer to
 * every callee device while the call rings; its ICE candidates wait for the
 * accept, then go to the answering device only. The callee may only signal
 * after accepting (the server refuses earlier), so it buffers the offer it
 * got while ringing.
 */
import { ApiError } from "../api/client";
import { calls as api, type CallAnswer, type CallMedia, type DeclineMessage } from "../api/calls";
import { chatWith, onConnection, onPush, openCallSignal, peerDevices, peerName, sendText, whoAmI } from "../chat/engine";
import type { WsEvent } from "../ws/client";
import { ActiveCall, type CallHooks } from "./call";
import { loadLog, onLog } from "./callLog";
import { exposeDebugHook } from "./debug";
import { isLive, type EndReason } from "./machine";
import type { CallSignal } from "./signalling";
import { errCode, log, resetState, setState, state } from "./store";

export { getCallsState, subscribeCalls, type CallsState, type CallView, type LeftoverCall } from "./store";
export { clearLog, deleteLogEntry, loadLog, markMissedSeen } from "./callLog";
export { MEDIA_DOWN_LIMIT_MS } from "./call";
export type { CallDebug } from "./debug";

export const QUICK_REPLIES: { id: DeclineMessage; text: string }[] = [
  { id: "cant_talk_now", text: "Can't talk now. What's up?" },
  { id: "call_you_later", text: "I'll call you right back." },
  { id: "on_my_way", text: "I'm on my way." },
];

let current: ActiveCall | null = null;
/** Signals for calls this device does not hold (yet): kept briefly, by call id. */
const early = new Map<string, { at: number; signals: CallSignal[] }>();
let inChain: Promise<void> = Promise.resolve();
let installed: (() => void) | null = null;

const hooks: CallHooks = {
  publish: (c) => {
    if (current === c) setState({ call: c.view });
  },
  release: (c) => {
    if (current === c) setCurrent(null);
  },
  reconcile: () => void recover(),
};

function setCurrent(c: ActiveCall | null) {
  current = c;
  setState({ call: c?.view ?? null });
}

function busyNow(): boolean {
  return current !== null && current.phase.phase !== "ended";
}

/* ---------------- caller ---------------- */

/** Starts a voice or video call to a user (the chat header's buttons). */
export async function startCall(peerUser: string, media: CallMedia, name?: string): Promise<void> {
  if (busyNow()) return;
  const c = new ActiveCall("caller", peerUser, name ?? "", media, hooks);
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
  try {
    c.createPeer();
    c.peer!.addTransceivers(c.audio, c.video);
    // Up to 500 ms of gathering rides in the offer (loopback and LAN are done in a few ms).
    c.offerSdp = await c.peer!.createOffer(false, 500);
    await offerTo(c, await peerDevices(peerUser).catch(() => []));
  } catch (e) {
    // The call may have ended meanwhile (its connection closed under us); otherwise it cannot go on.
    if (!c.ended) {
      log("offer failed", c.id, errCode(e));
      c.fail();
    }
    return;
  }
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
  const c = new ActiveCall("callee", peerUser, "", media, hooks);
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

/** Mute and the camera work from the moment we call (as in WhatsApp), not only once connected. */
function controllable(c: ActiveCall | null): c is ActiveCall {
  return !!c && c.phase.phase !== "ended" && c.phase.phase !== "incoming";
}

export function toggleMute(): void {
  const c = current;
  if (!controllable(c)) return;
  const muted = !c.view.muted;
  // A disabled track sends silence: the peer keeps a steady audio stream, and unmuting is instant.
  if (c.audio) c.audio.enabled = !muted;
  c.update({ muted });
  c.sendState();
}

export async function toggleCamera(): Promise<void> {
  const c = current;
  if (!controllable(c)) return;
  if (c.view.cameraOn) {
    // Off means off: nothing is sent (replaceTrack(null)) and the camera light goes out.
    // Before the peer connection exists, the missing track is simply never added.
    if (!c.screen) await c.peer?.setTrack("video", null);
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
    if (!c.screen) await c.peer?.setTrack("video", c.video);
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
  exposeDebugHook(() => current);
  installed = () => {
    for (const off of offs) off();
    window.removeEventListener("online", onOnline);
    if (current && current.phase.phase !== "ended") void hangUp();
    current = null;
    resetState();
    installed = null;
  };
  return installed;
}
