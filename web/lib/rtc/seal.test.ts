import "fake-indexeddb/auto";
import { beforeAll, describe, expect, it } from "vitest";
import { parseKeysBundle, type KeysUploadJson } from "../crypto/keys";
import { seededRng } from "../crypto/rng";
import { isCryptoError } from "../crypto/errors";
import type { Address } from "../crypto/session";
import { loadCrypto } from "../crypto/sodium";
import { openStore, type ParleyDB } from "../store/db";
import { createDeviceKeys } from "../store/keystore";
import { listMessages } from "../store/messages";
import { encryptFor, startSession } from "../store/sessions";
import { bodyToEnvelope, envelopeToBody, textPlaintext } from "../chat/wire";
import { openSignal, sealSignal } from "./seal";
import { parseSignal, signalPlaintext, SignalError, type SignalBody } from "./signalling";

beforeAll(async () => {
  await loadCrypto();
});

const CALL = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const A: Address = { u: "alice", d: 1 };
const B: Address = { u: "bob", d: 2 };
let n = 0;

async function device(addr: Address, seed: string): Promise<{ db: ParleyDB; up: KeysUploadJson }> {
  const db = await openStore(`seal-${seed}-${++n}`);
  const up = await createDeviceKeys(db, addr.u, addr.d, { rng: seededRng(seed), now: 0, preKeys: 3 });
  return { db, up };
}

async function pair(seed: string) {
  const a = await device(A, `${seed}-a`);
  const b = await device(B, `${seed}-b`);
  const [bundle] = parseKeysBundle({
    devices: [{ deviceId: B.d, ikSig: b.up.ikSig, ikDh: b.up.ikDh, ikDhSig: b.up.ikDhSig, signedPreKey: b.up.signedPreKey, oneTimePreKey: b.up.oneTimePreKeys[0]! }],
  });
  await startSession(a.db, B.u, bundle!);
  return { a, b };
}

const offer: SignalBody = { t: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", media: "video" };

describe("call signals, sealed with the pairwise session", () => {
  it("round trip: the offer, then candidates and the answer back", async () => {
    const { a, b } = await pair("rt");
    const blob = await sealSignal(a.db, A, B, CALL, offer);
    expect(blob).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(blob).not.toContain(btoa("v=0").replace(/=+$/, ""));
    expect(await openSignal(b.db, A, blob, CALL)).toEqual({ ...offer, callId: CALL });
    const ice: SignalBody = { t: "ice", candidates: [{ candidate: "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host", sdpMid: "0", sdpMLineIndex: 0 }] };
    expect(await openSignal(a.db, B, await sealSignal(b.db, B, A, CALL, ice), CALL)).toEqual({ ...ice, callId: CALL });
  });

  it("a signal is never stored as a chat message", async () => {
    const { a, b } = await pair("nomsg");
    await openSignal(b.db, A, await sealSignal(a.db, A, B, CALL, offer), CALL);
    expect(await listMessages(b.db, `dm:${A.u}`, null, 10)).toEqual([]);
    expect(await b.db.count("messages")).toBe(0);
  });

  it("a tampered blob is rejected, and the genuine one still opens after it", async () => {
    const { a, b } = await pair("tamper");
    const blob = await sealSignal(a.db, A, B, CALL, offer);
    const env = bodyToEnvelope(blob);
    const ct = env.ct;
    const flipped = (ct[5] === "A" ? "B" : "A") + "";
    const bad = envelopeToBody({ ...env, ct: ct.slice(0, 5) + flipped + ct.slice(6) });
    const e = await openSignal(b.db, A, bad, CALL).catch((x: unknown) => x);
    expect(isCryptoError(e)).toBe(true);
    expect(await openSignal(b.db, A, blob, CALL)).toMatchObject({ t: "offer" });
  });

  it("a replayed blob is refused", async () => {
    const { a, b } = await pair("replay");
    const blob = await sealSignal(a.db, A, B, CALL, { t: "restart" });
    await openSignal(b.db, A, blob, CALL);
    await expect(openSignal(b.db, A, blob, CALL)).rejects.toBeInstanceOf(SignalError);
  });

  it("the server cannot move a signal to another call or pass it off as another device's", async () => {
    const { a, b } = await pair("move");
    await expect(openSignal(b.db, A, await sealSignal(a.db, A, B, CALL, offer), "another-call")).rejects.toBeInstanceOf(SignalError);
    // Once B has answered, A's signals carry no X3DH header: only the session with A's device opens them.
    await openSignal(a.db, B, await sealSignal(b.db, B, A, CALL, { t: "answer", sdp: "v=0" }), CALL);
    const blob = await sealSignal(a.db, A, B, CALL, { t: "restart" });
    expect(bodyToEnvelope(blob).type).toBe("msg");
    const e = await openSignal(b.db, { u: A.u, d: 9 }, blob, CALL).catch((x: unknown) => x);
    expect(isCryptoError(e)).toBe(true);
    expect(await openSignal(b.db, A, blob, CALL)).toMatchObject({ t: "restart" });
  });

  it("a chat message over the same session is not taken for a signal", async () => {
    const { a, b } = await pair("kind");
    const env = await encryptFor(a.db, A, B, textPlaintext({ id: "m1", text: "hi", chatId: "c", to: B.u }, 1));
    await expect(openSignal(b.db, A, envelopeToBody(env), CALL)).rejects.toBeInstanceOf(SignalError);
  });
});

describe("signal bodies", () => {
  it("checks every field", () => {
    const ok = (b: unknown) => parseSignal({ kind: "call", body: b, sentAt: 0 }, CALL);
    expect(ok({ callId: CALL, t: "state", muted: true, camera: false, sharing: false })).toMatchObject({ t: "state", muted: true });
    expect(ok({ callId: CALL, t: "video-reply", accept: false })).toMatchObject({ accept: false });
    for (const bad of [
      { callId: CALL, t: "offer", sdp: 1, media: "video" },
      { callId: CALL, t: "offer", sdp: "x", media: "screen" },
      { callId: CALL, t: "ice", candidates: [{ sdpMid: "0" }] },
      { callId: CALL, t: "ice", candidates: "x" },
      { callId: CALL, t: "state", muted: "yes", camera: true, sharing: false },
      { callId: CALL, t: "hello" },
      null,
    ]) {
      expect(() => ok(bad)).toThrow(SignalError);
    }
    expect(() => parseSignal({ kind: "text", body: { callId: CALL, t: "restart" }, sentAt: 0 }, CALL)).toThrow(SignalError);
    expect(signalPlaintext(CALL, { t: "restart" }, 5)).toEqual({ kind: "call", body: { t: "restart", callId: CALL }, sentAt: 5 });
  });
});
