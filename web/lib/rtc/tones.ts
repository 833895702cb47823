/*
 * Ringback (caller: "it's ringing over there") and ringtone (callee), made
 * with WebAudio oscillators, so no audio files are needed and nothing is
 * fetched. A browser may refuse to start audio before the user has touched
 * the page (autoplay policy); then the call simply rings silently.
 */

export type Tone = "ringback" | "ringtone";

/** [frequencies Hz, on ms, off ms]: ETSI-style ringback; a two-tone ringtone. */
const PATTERNS: Record<Tone, { freqs: number[]; on: number; off: number; gain: number }> = {
  ringback: { freqs: [425], on: 1000, off: 3000, gain: 0.08 },
  ringtone: { freqs: [880, 660], on: 1200, off: 1800, gain: 0.12 },
};

export interface TonePlayer {
  stop(): void;
}

export function playTone(tone: Tone): TonePlayer {
  const Ctx = typeof window !== "undefined" ? (window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext) : undefined;
  if (!Ctx) return { stop() {} };
  let ctx: AudioContext | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const p = PATTERNS[tone];
  try {
    ctx = new Ctx();
  } catch {
    return { stop() {} };
  }
  const burst = () => {
    if (stopped || !ctx) return;
    const t0 = ctx.currentTime;
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(p.gain, t0 + 0.02);
    gain.gain.setValueAtTime(p.gain, t0 + p.on / 1000 - 0.02);
    gain.gain.linearRampToValueAtTime(0, t0 + p.on / 1000);
    gain.connect(ctx.destination);
    // The ringtone alternates its two notes every 100 ms, like a phone's trill.
    p.freqs.forEach((f, i) => {
      const osc = ctx!.createOscillator();
      osc.frequency.value = f;
      const g = ctx!.createGain();
      g.gain.value = p.freqs.length > 1 ? 0 : 1;
      if (p.freqs.length > 1) for (let k = 0; k < p.on / 100; k++) g.gain.setValueAtTime(k % p.freqs.length === i ? 1 : 0, t0 + k / 10);
      osc.connect(g).connect(gain);
      osc.start(t0);
      osc.stop(t0 + p.on / 1000);
    });
    timer = setTimeout(burst, p.on + p.off);
  };
  void ctx.resume().catch(() => undefined);
  burst();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      void ctx?.close().catch(() => undefined);
      ctx = null;
    },
  };
}
