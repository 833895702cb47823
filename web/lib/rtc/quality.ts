/*
 * Call quality from getStats(): parseStats() picks what matters out of one
 * RTCStatsReport (as plain objects, so it is testable without a browser) and
 * measure() turns two successive samples into round-trip time, loss and
 * bitrates, and those into a level for the network indicator.
 */

export type QualityLevel = "good" | "fair" | "poor";

interface Counters {
  bytes: number;
  packetsLost: number;
  packetsReceived: number;
}

export interface StatsSample {
  /** ms (the report's timestamp). */
  t: number;
  /** Selected candidate pair's current RTT, seconds. */
  rtt?: number;
  /** "host" | "srflx" | "prflx" | "relay" of the selected pair's ends. */
  localType?: string;
  remoteType?: string;
  /** Transport of the local candidate ("udp", "tcp") and the relay protocol when relayed. */
  protocol?: string;
  availableOutgoingBitrate?: number;
  outAudio: { bytes: number };
  outVideo: { bytes: number; width?: number; height?: number; fps?: number; limitation?: string };
  inAudio: Counters & { totalAudioEnergy: number };
  inVideo: Counters & { framesDecoded: number; width?: number; height?: number };
  /** Largest fractionLost (0..1) the peer reports for what we send (remote-inbound-rtp). */
  remoteFractionLost?: number;
}

export interface Quality {
  level: QualityLevel;
  rttMs: number | null;
  /** Percent, 0..100: the worse of what we lose inbound and what the peer reports losing. */
  lossPct: number;
  outKbps: number;
  inKbps: number;
  /** The sender's bandwidth estimate, kb/s (null when the browser gives none). */
  availableKbps: number | null;
}

type Stat = Record<string, unknown> & { type: string; id: string };

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function emptySample(t: number): StatsSample {
  return {
    t,
    outAudio: { bytes: 0 },
    outVideo: { bytes: 0 },
    inAudio: { bytes: 0, packetsLost: 0, packetsReceived: 0, totalAudioEnergy: 0 },
    inVideo: { bytes: 0, packetsLost: 0, packetsReceived: 0, framesDecoded: 0 },
  };
}

/** One sample from a report's values (RTCStatsReport.values(), or plain objects in tests). */
export function parseStats(stats: Iterable<Stat>, now: number): StatsSample {
  const all = [...stats];
  const byId = new Map(all.map((s) => [s.id, s]));
  const s = emptySample(now);
  let t = 0;
  // The selected pair: the transport names it; else the nominated, succeeded one.
  const transport = all.find((x) => x.type === "transport" && typeof x.selectedCandidatePairId === "string");
  const pair =
    (transport && byId.get(transport.selectedCandidatePairId as string)) ??
    all.find((x) => x.type === "candidate-pair" && x.nominated === true && x.state === "succeeded");
  if (pair) {
    s.rtt = num(pair.currentRoundTripTime);
    s.availableOutgoingBitrate = num(pair.availableOutgoingBitrate);
    const local = byId.get(pair.localCandidateId as string);
    const remote = byId.get(pair.remoteCandidateId as string);
    if (typeof local?.candidateType === "string") s.localType = local.candidateType;
    if (typeof remote?.candidateType === "string") s.remoteType = remote.candidateType;
    if (typeof local?.protocol === "string") s.protocol = local.relayProtocol ? `${local.protocol}/${String(local.relayProtocol)}` : local.protocol;
  }
  for (const x of all) {
    t = Math.max(t, num(x.timestamp) ?? 0);
    const kind = x.kind ?? x.mediaType;
    if (x.type === "outbound-rtp") {
      const bytes = num(x.bytesSent) ?? 0;
      if (kind === "audio") s.outAudio.bytes += bytes;
      else if (kind === "video") {
        s.outVideo.bytes += bytes;
        const w = num(x.frameWidth);
        if (w !== undefined) s.outVideo.width = w;
        const h = num(x.frameHeight);
        if (h !== undefined) s.outVideo.height = h;
        const f = num(x.framesPerSecond);
        if (f !== undefined) s.outVideo.fps = f;
        if (typeof x.qualityLimitationReason === "string") s.outVideo.limitation = x.qualityLimitationReason;
      }
    } else if (x.type === "inbound-rtp") {
      const c = kind === "audio" ? s.inAudio : kind === "video" ? s.inVideo : null;
      if (!c) continue;
      c.bytes += num(x.bytesReceived) ?? 0;
      c.packetsLost += Math.max(0, num(x.packetsLost) ?? 0);
      c.packetsReceived += num(x.packetsReceived) ?? 0;
      if (kind === "audio") s.inAudio.totalAudioEnergy += num(x.totalAudioEnergy) ?? 0;
      else {
        s.inVideo.framesDecoded += num(x.framesDecoded) ?? 0;
        const w = num(x.frameWidth);
        if (w !== undefined) s.inVideo.width = w;
        const h = num(x.frameHeight);
        if (h !== undefined) s.inVideo.height = h;
      }
    } else if (x.type === "remote-inbound-rtp") {
      const f = num(x.fractionLost);
      if (f !== undefined) s.remoteFractionLost = Math.max(s.remoteFractionLost ?? 0, f);
      // Before the pair has an RTT (or without one), RTCP's is as good.
      if (s.rtt === undefined) s.rtt = num(x.roundTripTime);
    }
  }
  if (t > 0) s.t = t;
  return s;
}

/** Thresholds: WhatsApp-like "poor connection" at roughly 10 % loss or 600 ms RTT. */
export const FAIR = { rttMs: 300, lossPct: 3 };
export const POOR = { rttMs: 600, lossPct: 10 };

/**
 * Low bandwidth shows before loss does: the sender's own estimate of what
 * the path carries (availableOutgoingBitrate, kb/s) under these is fair/poor.
 * Only judged while video is sent (an audio-only call needs ~40 kb/s).
 */
export const FAIR_KBPS = 400;
export const POOR_KBPS = 150;

export function levelOf(rttMs: number | null, lossPct: number, availableKbps: number | null = null): QualityLevel {
  if ((rttMs !== null && rttMs >= POOR.rttMs) || lossPct >= POOR.lossPct || (availableKbps !== null && availableKbps < POOR_KBPS)) return "poor";
  if ((rttMs !== null && rttMs >= FAIR.rttMs) || lossPct >= FAIR.lossPct || (availableKbps !== null && availableKbps < FAIR_KBPS)) return "fair";
  return "good";
}

function lossBetween(a: Counters, b: Counters): { lost: number; got: number } {
  return { lost: Math.max(0, b.packetsLost - a.packetsLost), got: Math.max(0, b.packetsReceived - a.packetsReceived) };
}

/**
 * Quality over the interval between two samples of the same call.
 * `judgeBandwidth` false ignores the bandwidth estimate (a new call's
 * estimate starts low and ramps up over its first seconds).
 */
export function measure(prev: StatsSample, cur: StatsSample, judgeBandwidth = true): Quality {
  const dt = Math.max(1, cur.t - prev.t) / 1000;
  const kbps = (a: number, b: number) => Math.max(0, ((b - a) * 8) / dt / 1000);
  const outKbps = kbps(prev.outAudio.bytes + prev.outVideo.bytes, cur.outAudio.bytes + cur.outVideo.bytes);
  const inKbps = kbps(prev.inAudio.bytes + prev.inVideo.bytes, cur.inAudio.bytes + cur.inVideo.bytes);
  const la = lossBetween(prev.inAudio, cur.inAudio);
  const lv = lossBetween(prev.inVideo, cur.inVideo);
  const lost = la.lost + lv.lost;
  const total = lost + la.got + lv.got;
  const inLoss = total > 0 ? (lost / total) * 100 : 0;
  const lossPct = Math.min(100, Math.max(inLoss, (cur.remoteFractionLost ?? 0) * 100));
  const rttMs = cur.rtt !== undefined ? Math.round(cur.rtt * 1000) : null;
  const availableKbps = cur.availableOutgoingBitrate !== undefined ? Math.round(cur.availableOutgoingBitrate / 1000) : null;
  // The estimate matters only while video is going out (bytes on the video sender in this interval).
  const sendingVideo = judgeBandwidth && cur.outVideo.bytes > prev.outVideo.bytes;
  return {
    level: levelOf(rttMs, lossPct, sendingVideo ? availableKbps : null),
    rttMs,
    lossPct: Math.round(lossPct * 10) / 10,
    outKbps: Math.round(outKbps),
    inKbps: Math.round(inKbps),
    availableKbps,
  };
}
