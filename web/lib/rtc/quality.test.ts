import { describe, expect, it } from "vitest";
import { levelOf, measure, parseStats, type StatsSample } from "./quality";

/** A report as Chromium's getStats() gives it (only the fields we read). */
function report(t: number, o: { rtt?: number; outV?: number; outA?: number; inV?: number; inA?: number; lostV?: number; recvV?: number; lostA?: number; recvA?: number; frac?: number; frames?: number; energy?: number }) {
  return [
    { id: "T1", type: "transport", timestamp: t, selectedCandidatePairId: "CP1" },
    { id: "CP1", type: "candidate-pair", timestamp: t, localCandidateId: "L1", remoteCandidateId: "R1", currentRoundTripTime: o.rtt, availableOutgoingBitrate: 2_000_000, nominated: true, state: "succeeded" },
    { id: "CP2", type: "candidate-pair", timestamp: t, localCandidateId: "L2", remoteCandidateId: "R1", currentRoundTripTime: 9, nominated: false, state: "failed" },
    { id: "L1", type: "local-candidate", timestamp: t, candidateType: "relay", protocol: "udp", relayProtocol: "udp" },
    { id: "L2", type: "local-candidate", timestamp: t, candidateType: "host", protocol: "udp" },
    { id: "R1", type: "remote-candidate", timestamp: t, candidateType: "srflx" },
    { id: "OA", type: "outbound-rtp", kind: "audio", timestamp: t, bytesSent: o.outA ?? 0 },
    { id: "OV", type: "outbound-rtp", kind: "video", timestamp: t, bytesSent: o.outV ?? 0, frameWidth: 640, frameHeight: 480, framesPerSecond: 30, qualityLimitationReason: "bandwidth" },
    { id: "IA", type: "inbound-rtp", kind: "audio", timestamp: t, bytesReceived: o.inA ?? 0, packetsLost: o.lostA ?? 0, packetsReceived: o.recvA ?? 0, totalAudioEnergy: o.energy ?? 0 },
    { id: "IV", type: "inbound-rtp", kind: "video", timestamp: t, bytesReceived: o.inV ?? 0, packetsLost: o.lostV ?? 0, packetsReceived: o.recvV ?? 0, framesDecoded: o.frames ?? 0 },
    { id: "RIV", type: "remote-inbound-rtp", kind: "video", timestamp: t, fractionLost: o.frac ?? 0, roundTripTime: 0.5 },
  ];
}

describe("getStats parsing", () => {
  it("takes the transport's selected pair, its candidate types and the RTP counters", () => {
    const s = parseStats(report(5000, { rtt: 0.042, outV: 1000, outA: 200, inV: 3000, inA: 400, frames: 12, energy: 0.5 }), 1);
    expect(s).toMatchObject({
      t: 5000,
      rtt: 0.042,
      localType: "relay",
      remoteType: "srflx",
      protocol: "udp/udp",
      outAudio: { bytes: 200 },
      outVideo: { bytes: 1000, width: 640, height: 480, fps: 30, limitation: "bandwidth" },
      inAudio: { bytes: 400, totalAudioEnergy: 0.5 },
      inVideo: { bytes: 3000, framesDecoded: 12 },
    });
  });

  it("without a transport entry, the nominated succeeded pair; without its RTT, RTCP's", () => {
    const r = report(1, {}).filter((x) => x.type !== "transport");
    const s = parseStats(r, 7);
    expect(s.localType).toBe("relay");
    expect(s.rtt).toBe(0.5);
  });

  it("an empty report is an empty sample at `now`", () => {
    const s = parseStats([], 42);
    expect(s.t).toBe(42);
    expect(s.inVideo.bytes).toBe(0);
    expect(s.rtt).toBeUndefined();
  });
});

describe("quality from two samples", () => {
  const sample = (t: number, o: Parameters<typeof report>[1]): StatsSample => parseStats(report(t, o), t);

  it("bitrates from byte deltas over the interval", () => {
    const q = measure(sample(0, { outV: 0, outA: 0, inV: 0 }), sample(2000, { outV: 200_000, outA: 50_000, inV: 125_000 }));
    expect(q.outKbps).toBe(1000); // 250 kB in 2 s
    expect(q.inKbps).toBe(500);
  });

  it("a clean fast link is good", () => {
    const q = measure(sample(0, { rtt: 0.02, recvV: 0 }), sample(1000, { rtt: 0.02, recvV: 100 }));
    expect(q).toMatchObject({ level: "good", rttMs: 20, lossPct: 0 });
  });

  it("inbound loss over the interval (not since the start) sets the level", () => {
    const prev = sample(0, { rtt: 0.02, lostV: 500, recvV: 10_000 });
    expect(measure(prev, sample(1000, { rtt: 0.02, lostV: 505, recvV: 10_095 })).level).toBe("fair"); // 5 %
    expect(measure(prev, sample(1000, { rtt: 0.02, lostV: 520, recvV: 10_080 })).level).toBe("poor"); // 20 %
    expect(measure(prev, sample(1000, { rtt: 0.02, lostV: 500, recvV: 10_100 })).level).toBe("good");
  });

  it("the peer's reported loss of what we send counts too", () => {
    const q = measure(sample(0, { rtt: 0.02 }), sample(1000, { rtt: 0.02, frac: 0.12 }));
    expect(q.lossPct).toBe(12);
    expect(q.level).toBe("poor");
  });

  it("a low bandwidth estimate while sending video is fair or poor; without video it does not count", () => {
    const withEstimate = (t: number, outV: number, bps: number) => {
      const s = sample(t, { rtt: 0.02, outV });
      s.availableOutgoingBitrate = bps;
      return s;
    };
    expect(measure(withEstimate(0, 0, 2e6), withEstimate(1000, 50_000, 300_000))).toMatchObject({ level: "fair", availableKbps: 300 });
    expect(measure(withEstimate(0, 0, 2e6), withEstimate(1000, 10_000, 100_000)).level).toBe("poor");
    expect(measure(withEstimate(0, 0, 2e6), withEstimate(1000, 0, 100_000)).level).toBe("good");
    // …nor while a new call's estimate is still ramping up.
    expect(measure(withEstimate(0, 0, 2e6), withEstimate(1000, 10_000, 100_000), false).level).toBe("good");
  });

  it("thresholds: 300 ms or 3 % is fair, 600 ms or 10 % is poor", () => {
    expect(levelOf(299, 2.9)).toBe("good");
    expect(levelOf(300, 0)).toBe("fair");
    expect(levelOf(null, 3)).toBe("fair");
    expect(levelOf(600, 0)).toBe("poor");
    expect(levelOf(50, 10)).toBe("poor");
  });
});
