/*
 * The messages service (issue 4): chats, per-device encrypted envelopes, the
 * inbox queue with acks, read receipts, typing and presence. The server only
 * ever sees ciphertext: `body` is the base64 envelope built by lib/crypto.
 */
import { api as defaultApi, type ApiClient } from "./client";

export interface ChatInfo {
  id: string;
  kind?: "direct" | "group";
  /** User ids of the members. */
  members: string[];
  created?: boolean;
}

interface RawChat {
  chat_id?: string;
  id?: string;
  kind?: "direct" | "group";
  members?: ({ user: string } | string)[];
  created?: boolean;
}

function chatOf(r: RawChat): ChatInfo {
  return {
    id: r.chat_id ?? r.id ?? "",
    kind: r.kind ?? "direct",
    members: (r.members ?? []).map((m) => (typeof m === "string" ? m : m.user)),
    created: r.created ?? false,
  };
}

export type EnvelopeType = "prekey" | "msg" | "group" | string;

export interface OutEnvelope {
  to_user: string;
  to_device: number;
  type: EnvelopeType;
  body: string;
}

export interface SendResult {
  server_ts: number | string;
}

/** One queued envelope addressed to this device (services/messages/h_inbox.c). */
export interface InEnvelope {
  /** The envelope's own id: what /ack takes. */
  id: string;
  seq?: number;
  chat_id: string;
  /** The sender's client id of the message (the send's `id`): what receipts name. */
  message_id?: string;
  from: { user: string; device: number };
  type: EnvelopeType;
  /** base64url of the encrypted envelope. */
  body: string;
  server_ts?: number;
}

/** A send answered 409/410: which devices to add, drop, or forget. */
export interface DeviceMismatch {
  missing_devices: { user: string; device: number }[];
  extra_devices: { user: string; device: number }[];
  stale_devices: { user: string; device: number }[];
}

export interface PresenceInfo {
  user: string;
  online?: boolean;
  last_seen?: number;
}

export interface InboxPage {
  envelopes: InEnvelope[];
  more: boolean;
  /** Cursor for the next page; when absent, the last envelope's seq (or id). */
  cursor?: string | number;
  next?: string | number;
}

export type TypingState = "composing" | "recording" | "paused";

/** The cursor to pass as `after` for the page following `page`. */
export function nextCursor(page: InboxPage, prev: string | number | undefined): string | number | undefined {
  if (page.cursor !== undefined && page.cursor !== null) return page.cursor;
  if (page.next !== undefined && page.next !== null) return page.next;
  const last = page.envelopes[page.envelopes.length - 1];
  if (!last) return prev;
  return last.seq ?? last.id;
}

export function messagesApi(c: ApiClient = defaultApi) {
  return {
    /** The direct chat with a user (by user id), created on first use. */
    openChat: async (peer: string): Promise<ChatInfo> => chatOf(await c.post<RawChat>("/api/messages/chats", { peer })),
    chats: async (): Promise<ChatInfo[]> => ((await c.get<{ chats: RawChat[] }>("/api/messages/chats")).chats ?? []).map(chatOf),
    send: (chatId: string, id: string, envelopes: OutEnvelope[]) =>
      c.post<SendResult>("/api/messages/send", { chat_id: chatId, id, envelopes }),
    inbox: (after?: string | number, limit = 100, signal?: AbortSignal) => {
      const q = new URLSearchParams();
      if (after !== undefined) q.set("after", String(after));
      q.set("limit", String(limit));
      return c.get<InboxPage>(`/api/messages/inbox?${q.toString()}`, signal);
    },
    ack: (ids: string[]) => c.post<unknown>("/api/messages/ack", { ids }),
    read: (chatId: string, ids: string[]) => c.post<unknown>("/api/messages/read", { chat_id: chatId, ids }),
    typing: (chatId: string, state: TypingState) => c.post<unknown>("/api/messages/typing", { chat_id: chatId, state }),
    /** Watch the presence of a chat's other members (refresh within watch_ttl seconds). */
    watchPresence: (chatId: string) =>
      c.post<{ users: PresenceInfo[]; watch_ttl: number }>("/api/messages/presence", { chat_id: chatId }),
  };
}

export type MessagesApi = ReturnType<typeof messagesApi>;
export const messages: MessagesApi = messagesApi();
