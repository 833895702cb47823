/*
 * What travels inside an encrypted envelope for a chat message, and the
 * base64url body the messages service carries. Pure and tested.
 */
import type { Envelope, Plaintext } from "../crypto/session";

/** Inside `ct` for kind "text": the message's id and text, and the sender's profile (as WhatsApp's push name). */
export interface TextBody {
  id: string;
  text: string;
  chatId: string;
  /** The recipient user (so the sender's other devices know the chat's peer). */
  to: string;
  name?: string;
  phone?: string;
  /** A reply: the quoted message's id, a short plain-text copy and its sender. */
  replyTo?: { id: string; text: string; from: string };
}

export function isTextBody(v: unknown): v is TextBody {
  const o = v as Partial<TextBody> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.id === "string" &&
    typeof o.text === "string" &&
    typeof o.chatId === "string" &&
    typeof o.to === "string" &&
    (o.replyTo === undefined ||
      (typeof o.replyTo === "object" &&
        o.replyTo !== null &&
        typeof o.replyTo.id === "string" &&
        typeof o.replyTo.text === "string" &&
        typeof o.replyTo.from === "string"))
  );
}

export function textPlaintext(body: TextBody, sentAt: number): Plaintext {
  return { kind: "text", body, sentAt };
}

function b64uEncode(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64uDecode(s: string): Uint8Array {
  const b = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b + "=".repeat((4 - (b.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The envelope as the `body` of one destination in POST /api/messages/send. */
export function envelopeToBody(env: Envelope): string {
  return b64uEncode(new TextEncoder().encode(JSON.stringify(env)));
}

/** The envelope inside an inbox `body`; throws on anything that is not one. */
export function bodyToEnvelope(body: string): Envelope {
  const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b64uDecode(body))) as Envelope;
  if (typeof v !== "object" || v === null || v.v !== 1) throw new Error("not an envelope");
  return v;
}
