/*
 * One RTCPeerConnection for a call, set up the same way on both sides: an
 * audio and a video transceiver, both sendrecv from the start, even in a
 * voice call (the video one then sends nothing). Turning the camera on,
 * upgrading voice → video or sharing the screen is then replaceTrack() on
 * the video sender, with no SDP renegotiation; only ICE restarts need a new
 * offer. The ICE servers and the transport policy ("relay" when the user
 * protects their IP address) come from the calls API.
 */
import type { TurnCredentials } from "../api/calls";
import type { IceCandidate } from "./signalling";

export interface PeerHandlers {
  onCandidate(c: IceCandidate): void;
  /** iceConnectionState, as the media watchdog reads it. */
  onIceState(state: RTCIceConnectionState): void;
  onRemoteTrack(): void;
}

export function rtcConfig(turn: TurnCredentials | null): RTCConfiguration {
  if (!turn) return { iceServers: [] };
  const stun = turn.urls.filter((u) => u.startsWith("stun:"));
  const relays = turn.urls.filter((u) => u.startsWith("turn:") || u.startsWith("turns:"));
  const iceServers: RTCIceServer[] = [];
  if (stun.length > 0) iceServers.push({ urls: stun });
  if (relays.length > 0) iceServers.push({ urls: relays, username: turn.username, credential: turn.credential });
  return { iceServers, iceTransportPolicy: turn.ice_transport_policy === "relay" ? "relay" : "all", bundlePolicy: "max-bundle" };
}

export class Peer {
  readonly pc: RTCPeerConnection;
  readonly remote = new MediaStream();
  private pendingCandidates: IceCandidate[] = [];
  private closed = false;

  constructor(config: RTCConfiguration, h: PeerHandlers) {
    this.pc = new RTCPeerConnection(config);
    this.pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) {
        const c = e.candidate.toJSON();
        h.onCandidate({ candidate: c.candidate ?? "", sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null, usernameFragment: c.usernameFragment ?? null });
      }
    };
    this.pc.oniceconnectionstatechange = () => h.onIceState(this.pc.iceConnectionState);
    // DTLS can fail under a live ICE pair (the peer's page went away): the same watchdog handles it.
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === "failed") h.onIceState("failed");
    };
    this.pc.ontrack = (e) => {
      if (!this.remote.getTracks().includes(e.track)) this.remote.addTrack(e.track);
      h.onRemoteTrack();
    };
  }

  /** Caller: the two transceivers, with whatever tracks we have (null: nothing sent yet). */
  addTransceivers(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void {
    this.pc.addTransceiver(audio ?? "audio", { direction: "sendrecv" });
    this.pc.addTransceiver(video ?? "video", { direction: "sendrecv" });
  }

  private transceiver(kind: "audio" | "video"): RTCRtpTransceiver | undefined {
    // Ours are the first audio and the first video m-line, on both sides.
    return this.pc.getTransceivers().find((t) => (t.receiver.track?.kind ?? t.mid) === kind);
  }

  sender(kind: "audio" | "video"): RTCRtpSender | null {
    return this.transceiver(kind)?.sender ?? null;
  }

  /** Puts a track on the audio or video sender (null: send nothing), without renegotiating. */
  async setTrack(kind: "audio" | "video", track: MediaStreamTrack | null): Promise<void> {
    const t = this.transceiver(kind);
    if (!t) return;
    if (t.direction !== "sendrecv") t.direction = "sendrecv";
    await t.sender.replaceTrack(track);
  }

  /**
   * An offer. With `gatherMs`, waits up to that long for ICE gathering so
   * the SDP already holds our candidates: the callee can start checks the
   * moment it answers instead of waiting for trickled ones (the rest still
   * trickle).
   */
  async createOffer(iceRestart = false, gatherMs = 0): Promise<string> {
    const offer = await this.pc.createOffer(iceRestart ? { iceRestart: true } : {});
    await this.pc.setLocalDescription(offer);
    if (gatherMs > 0 && this.pc.iceGatheringState !== "complete") {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.pc.removeEventListener("icegatheringstatechange", check);
          resolve();
        };
        const check = () => {
          if (this.pc.iceGatheringState === "complete") done();
        };
        const t = setTimeout(done, gatherMs);
        this.pc.addEventListener("icegatheringstatechange", check);
      });
    }
    return this.pc.localDescription?.sdp ?? offer.sdp ?? "";
  }

  /**
   * Callee: applies the caller's offer and answers it. On the first offer
   * `tracks` go on the transceivers it created before the answer is made, so
   * the answer says sendrecv (changing them after would need another round).
   */
  async answer(offerSdp: string, tracks?: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null }): Promise<string> {
    await this.pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    if (tracks) {
      await this.setTrack("audio", tracks.audio);
      await this.setTrack("video", tracks.video);
    }
    await this.flushCandidates();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return this.pc.localDescription?.sdp ?? answer.sdp ?? "";
  }

  async acceptAnswer(sdp: string): Promise<void> {
    if (this.pc.signalingState !== "have-local-offer") return; // a duplicate or late answer
    await this.pc.setRemoteDescription({ type: "answer", sdp });
    await this.flushCandidates();
  }

  /** Candidates that arrive before the remote description wait for it. */
  async addCandidates(list: IceCandidate[]): Promise<void> {
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(...list);
      return;
    }
    for (const c of list) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  private async flushCandidates() {
    const list = this.pendingCandidates.splice(0);
    for (const c of list) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  get hasRemoteDescription(): boolean {
    return this.pc.remoteDescription !== null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onicecandidate = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.pc.close();
    for (const t of this.remote.getTracks()) this.remote.removeTrack(t);
  }
}
