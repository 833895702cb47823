/*
 * The chat model the UI renders: messages with their delivery state, chats
 * with their list preview, and the pure functions that order them, advance
 * ticks and lay a conversation out with day separators and the unread divider.
 * No I/O here; lib/chat/engine.ts feeds it.
 */

/** queued: waiting for the network (clock); sent: stored on the server (one tick). */
export type MessageStatus = "queued" | "sending" | "failed" | "sent" | "delivered" | "read";

export interface ChatMessage {
  id: string;
  chatId: string;
  /** "system": a notice in the chat (e.g. "security code changed"). */
  dir: "in" | "out" | "system";
  text: string;
  /** Sender's clock, ms. */
  sentAt: number;
  /** Server's timestamp when known, ms. */
  serverTs?: number;
  status: MessageStatus;
  /** Sender user id (incoming). */
  from?: string;
  /** Local arrival order, to keep equal timestamps stable. */
  seq: number;
  /** The message this one replies to (WhatsApp's quote). */
  replyTo?: ReplyRef;
  /** A system notice of this kind ("security": the contact's security code changed; opens the code). */
  notice?: "security";
}

export interface ReplyRef {
  id: string;
  /** Plain text of the quoted message, shortened. */
  text: string;
  /** User id of the quoted message's sender. */
  from: string;
}

export interface Peer {
  userId: string;
  phone: string;
  name: string;
  about?: string;
}

export interface ChatSummary {
  id: string;
  peer: Peer;
  last?: { text: string; at: number; dir: "in" | "out" | "system"; status: MessageStatus };
  unread: number;
  /** Newest activity, ms, for ordering. */
  updatedAt: number;
  pinned?: boolean;
  /** ms; for ordering pinned chats, newest pin first */
  pinnedAt?: number;
  muted?: boolean;
  favourite?: boolean;
  archived?: boolean;
  markedUnread?: boolean;
  verified?: boolean;
  blocked?: boolean;
  /** A verified contact's security code changed: sending waits for the user's acknowledgement. */
  needsAck?: boolean;
}

const RANK: Record<MessageStatus, number> = { failed: 0, queued: 1, sending: 2, sent: 3, delivered: 4, read: 5 };

/** Ticks only move forward (a late "delivered" never undoes "read"); failed → queued on retry. */
export function advanceStatus(cur: MessageStatus, next: MessageStatus): MessageStatus {
  if (cur === "failed" && (next === "queued" || next === "sending")) return next;
  if (next === "failed") return cur === "queued" || cur === "sending" ? "failed" : cur;
  return RANK[next] > RANK[cur] ? next : cur;
}

/** Order of a conversation: by send time, then arrival. */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  return a.sentAt - b.sentAt || a.seq - b.seq;
}

/** Inserts or replaces by id, keeping order; returns a new array. */
export function upsertMessage(list: readonly ChatMessage[], m: ChatMessage): ChatMessage[] {
  const i = list.findIndex((x) => x.id === m.id);
  const out = i >= 0 ? list.filter((_, n) => n !== i) : list.slice();
  // Usually the newest: search from the end.
  let at = out.length;
  while (at > 0 && compareMessages(out[at - 1]!, m) > 0) at--;
  out.splice(at, 0, m);
  return out;
}

export function sortChats(chats: readonly ChatSummary[]): ChatSummary[] {
  return chats
    .slice()
    .sort(
      (a, b) =>
        Number(!!b.pinned) - Number(!!a.pinned) || (b.pinnedAt ?? 0) - (a.pinnedAt ?? 0) || b.updatedAt - a.updatedAt,
    );
}

export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "unread"; key: string; count: number }
  | { kind: "msg"; key: string; msg: ChatMessage; first: boolean; last: boolean };

function dayKey(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** WhatsApp's separator: TODAY, YESTERDAY, a weekday within the week, else the date. */
export function dayLabel(t: number, now: number): string {
  const days = Math.round((startOfDay(now) - startOfDay(t)) / 86_400_000);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  const d = new Date(t);
  if (days < 7) return WEEKDAYS[d.getDay()]!;
  const dd = String(d.getDate()).padStart(2, "0");
  const mm = String(d.getMonth() + 1).padStart(2, "0");
  return `${dd}/${mm}/${d.getFullYear()}`;
}

/** "14:05" */
export function timeLabel(t: number): string {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** The chat list's time: today's time, "Yesterday", weekday, or date. */
export function listTimeLabel(t: number, now: number): string {
  const l = dayLabel(t, now);
  return l === "Today" ? timeLabel(t) : l;
}

/**
 * Rows of a conversation: a day separator before each new day, the unread
 * divider before the first of `unreadFrom` (a message id), and for each
 * message whether it starts / ends a run from the same side (bubble tails).
 */
export function layoutRows(msgs: readonly ChatMessage[], now: number, unreadFrom?: string | null, unreadCount = 0): Row[] {
  const rows: Row[] = [];
  let day = "";
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    const k = dayKey(m.sentAt);
    const newDay = k !== day;
    if (newDay) {
      rows.push({ kind: "day", key: `d:${k}`, label: dayLabel(m.sentAt, now) });
      day = k;
    }
    const divider = unreadFrom != null && m.id === unreadFrom;
    if (divider) rows.push({ kind: "unread", key: "unread", count: unreadCount });
    const prev = msgs[i - 1];
    const next = msgs[i + 1];
    const first = newDay || divider || !prev || prev.dir !== m.dir;
    const nextNewDay = !next || dayKey(next.sentAt) !== k;
    const last = nextNewDay || !next || next.dir !== m.dir || (unreadFrom != null && next.id === unreadFrom);
    rows.push({ kind: "msg", key: m.id, msg: m, first, last });
  }
  return rows;
}

export function tickLabel(s: MessageStatus): string {
  switch (s) {
    case "queued":
    case "sending":
      return "Pending";
    case "failed":
      return "Not sent";
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "read":
      return "Read";
  }
}

/** WhatsApp's "last seen" line. */
export function lastSeenLabel(t: number, now: number): string {
  const l = dayLabel(t, now);
  if (l === "Today") return `last seen today at ${timeLabel(t)}`;
  if (l === "Yesterday") return `last seen yesterday at ${timeLabel(t)}`;
  return `last seen ${l.includes("/") ? l : l} at ${timeLabel(t)}`;
}

/** "+1 555-0100" style display of an E.164 number, grouping digits loosely. */
export function formatPhone(e164: string): string {
  if (!/^\+\d{8,15}$/.test(e164)) return e164;
  const d = e164.slice(1);
  const two = /^(2[07]|3[0-469]|4[0-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/.test(d);
  const ccLen = d[0] === "1" || d[0] === "7" ? 1 : two ? 2 : 3;
  const cc = d.slice(0, ccLen);
  const rest = d.slice(ccLen);
  if (cc === "1" && rest.length === 10) return `+1 ${rest.slice(0, 3)}-${rest.slice(3, 6)}-${rest.slice(6)}`;
  return `+${cc} ${rest.replace(/(\d{4})(?=\d)/g, "$1 ")}`;
}
