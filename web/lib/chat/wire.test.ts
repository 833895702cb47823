import { describe, expect, it } from "vitest";
import type { Envelope } from "../crypto/session";
import { bodyToEnvelope, envelopeToBody, isTextBody } from "./wire";

describe("wire", () => {
  it("round-trips an envelope through base64url without padding", () => {
    const env = {
      v: 1,
      type: "msg",
      id: "e1",
      from: { u: "a", d: 1 },
      to: { u: "b", d: 2 },
      hdr: { dh: "x", pn: 0, n: 3 },
      ct: "ünïcode?/+",
    } as unknown as Envelope;
    const body = envelopeToBody(env);
    expect(body).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(bodyToEnvelope(body)).toEqual(env);
  });
  it("rejects what is not an envelope", () => {
    expect(() => bodyToEnvelope(envelopeToBody({ v: 2 } as unknown as Envelope))).toThrow();
    expect(() => bodyToEnvelope("!!!")).toThrow();
  });
  it("checks text bodies", () => {
    expect(isTextBody({ id: "m", text: "hi", chatId: "c", to: "u" })).toBe(true);
    expect(isTextBody({ id: "m", text: 1, chatId: "c", to: "u" })).toBe(false);
    expect(isTextBody(null)).toBe(false);
  });
});
