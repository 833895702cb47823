/*
 * The chat engine: everything between the screens and the network / store.
 *
 *   start(me)   opens this device's IndexedDB, loads chats, makes sure the
 *               device has keys on the server (generates and uploads them on
 *               first login, tops up one-time prekeys, rotates the signed
 *               prekey), then connects the push channel (lib/ws), which drains
 *               the queue before reporting "connected".
 *   send        a message is stored and shown at once (clock), then encrypted
 *               per device of the peer and of our own other devices, and
 *               POSTed; 409/410 device-list answers are repaired and retried;
 *               a network failure leaves it queued for the next connect.
 *   receive     each envelope is decrypted and stored in one transaction
 *               (lib/store) before it is shown, then acked by lib/ws.
 *   receipts    "delivered" / "read" events advance ticks; reading a chat
 *               reports its incoming messages as read.
 *
 * The UI reads lib/chat/state.ts; it never calls lib/api or lib/store itself.
 */
import { ApiError } from "../api/client";
import { auth, type Me as ApiMe } from "../api/auth";
import { contacts } from "../api/contacts";
import { messages as msgApi, type DeviceMismatch, type InEnvelope, type OutEnvelope } from "../api/messages";
import { loadCrypto } from "../crypto/sodium";
import { fromB64u, toB64u } from "../crypto/bytes";
import { isCryptoError } from "../crypto/errors";
import { OPK_BATCH, OPK_LOW_WATER, SPK_ROTATE_MS, parseKeysBundle, toKeysUpload, type PreKeyBundle } from "../crypto/keys";
import { securityCode as computeCode, combinedIdentityKey } from "../crypto/fingerprint";
import type { Address, Envelope } from "../crypto/session";
import {
  openStore,
  type Chat as StoredChat,
  type ParleyDB,
  type StoredMessage,
} from "../store/db";
import {
  createDeviceKeys,
  createOneTimePreKeys,
  currentSignedPreKey,
  getIdentity,
  rotateSignedPreKey,
} from "../store/keystore";
import { deleteSession, encryptFor, receiveEnvelope, sessionDevices, startSession } from "../store/sessions";
import { searchAll, searchChat } from "../store/search";
import { noteDevices, isSecurityNotice, type DeviceNewsDeps } from "./devices";
import {
  deleteMessage,
  getChat,
  getDraft,
  getSetting,
  listChats,
  listMessages,
  putChat as storeChat,
  putMessage as storeMessage,
  setDraft as storeDraft,
  setMessageStatus,
  setSetting,
} from "../store/messages";
import {
  acknowledgeIdentityChange,
  canSendTo,
  currentDeviceKeys,
  getContactTrust,
  getKnownIdentity,
  markVerified as storeVerified,
  type DeviceNews,
} from "../store/trust";
import { signedOut } from "../session/session";
import { createWsClient, type WsClient, type WsEvent, type WsStatus } from "../ws/client";
import { plainText } from "../format/parse";
import { advanceStatus, sortChats, type ChatMessage, type ChatSummary, type MessageStatus, type Peer } from "./model";
import {
  findMessage,
  getChatState,
  patchChat,
  putChat,
  putMessage,
  resetChatState,
  setChatState,
  setMessages,
} from "./state";
import { bodyToEnvelope, envelopeToBody, isTextBody, textPlaintext, type TextBody } from "./wire";
import { openSignal, sealSignal } from "../rtc/seal";
import type { CallSignal, SignalBody } from "../rtc/signalling";

interface PeerInfo {
  phone: string;
  name: string;
  about?: string;
  blocked?: boolean;
}

const OUTBOX_KEY = "outbox";
const PRESENCE_REFRESH_MS = 45_000;

let me: ApiMe | null = null;
let db: ParleyDB | null = null;
let ws: WsClient | null = null;
let seq = 0;
let started: Promise<void> | null = null;
const openChats = new Map<string, ReturnType<typeof setInterval>>();
const deviceLists = new Map<string, number[]>();
const peers = new Map<string, PeerInfo>();
const outbox: string[] = [];
let flushing = false;
let draftTimers = new Map<string, ReturnType<typeof setTimeout>>();
const cleanups: (() => void)[] = [];

function myAddress(): Address {
  return { u: me!.id, d: me!.device.id };
}

function log(...args: unknown[]) {
  // Never message text or keys: ids and error codes only.
  console.warn("[parley]", ...args);
}

/* ---------------- conversions ---------------- */

function toStatus(s: StoredMessage["status"]): MessageStatus {
  switch (s) {
    case "pending":
      return "queued";
    case "received":
      return "read";
    default:
      return s;
  }
}

function toView(m: StoredMessage): ChatMessage {
  const body = m.body as Partial<TextBody> | null;
  const out = m.sender.u === me?.id;
  if (m.kind === "system") {
    const view: ChatMessage = { id: m.id, chatId: m.chatId, dir: "system", text: String(body?.text ?? ""), sentAt: m.sentAt, status: "read", seq: seq++ };
    if (isSecurityNotice(m)) view.notice = "security";
    return view;
  }
  return {
    id: m.id,
    chatId: m.chatId,
    dir: out ? "out" : "in",
    text: typeof body?.text === "string" ? body.text : "",
    sentAt: m.sentAt,
    status: out ? toStatus(m.status) : m.status === "received" ? "delivered" : "read",
    from: m.sender.u,
    seq: seq++,
    ...(body?.replyTo ? { replyTo: body.replyTo } : {}),
  };
}

function storedStatus(s: MessageStatus): StoredMessage["status"] {
  return s === "queued" || s === "sending" ? "pending" : s;
}

function peerOf(chat: StoredChat): string {
  return chat.members.find((u) => u !== me?.id) ?? chat.members[0] ?? "";
}

function summaryOf(chat: StoredChat, last: ChatMessage | undefined): ChatSummary {
  const userId = peerOf(chat);
  const p = peers.get(userId);
  const peer: Peer = { userId, phone: p?.phone ?? "", name: p?.name ?? chat.title };
  if (p?.about) peer.about = p.about;
  const s: ChatSummary = {
    id: chat.id,
    peer,
    unread: chat.unread,
    updatedAt: chat.lastActivityAt,
    blocked: !!p?.blocked,
  };
  if (last) s.last = { text: plainText(last.text), at: last.sentAt, dir: last.dir, status: last.status };
  return s;
}

/* ---------------- start / stop ---------------- */

export async function start(account: ApiMe): Promise<void> {
  if (started && me?.id === account.id && me.device.id === account.device.id) {
    me = account; // a new name or about goes out with the next message
    return started;
  }
  stop();
  me = account;
  started = (async () => {
    db = await openStore(`parley-${account.id}-${account.device.id}`);
    await loadPeers();
    await loadChats();
    void loadChatStates();
    settingsCache.set("notificationPreview", (await getSetting<boolean>(db, "notificationPreview")) ?? true);
    const outboxIds = (await getSetting<string[]>(db, OUTBOX_KEY)) ?? [];
    outbox.push(...outboxIds);
    const enter = await getSetting<boolean>(db, "enterSends");
    enterSendsPref = enter ?? true;
    try {
      await ensureKeys();
      setChatState({ e2e: "ready" });
    } catch (e) {
      log("keys", e instanceof ApiError ? e.code : isCryptoError(e) ? e.code : String(e));
      setChatState({ e2e: getChatState().e2e === "unavailable" ? "unavailable" : "loading" });
    }
    connect();
  })();
  return started;
}

export function stop(): void {
  ws?.stop();
  ws = null;
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  for (const t of openChats.values()) clearInterval(t);
  openChats.clear();
  for (const c of cleanups.splice(0)) c();
  db?.close();
  db = null;
  me = null;
  started = null;
  outbox.length = 0;
  deviceLists.clear();
  peers.clear();
  remoteStates.clear();
  settingsCache.clear();
  draftTimers = new Map();
  resetChatState();
}

async function loadPeers() {
  const all = (await getSetting<Record<string, PeerInfo>>(db!, "peers")) ?? {};
  for (const [k, v] of Object.entries(all)) peers.set(k, v);
}

async function savePeer(userId: string, info: PeerInfo) {
  peers.set(userId, info);
  await setSetting(db!, "peers", Object.fromEntries(peers));
}

async function loadChats() {
  const hidden = new Set((await getSetting<string[]>(db!, "deletedChats")) ?? []);
  const chats = (await listChats(db!)).filter((c) => !hidden.has(c.id));
  const summaries: ChatSummary[] = [];
  const drafts: Record<string, string> = {};
  for (const c of chats) {
    const [last] = await listMessages(db!, c.id, null, 1);
    summaries.push(summaryOf(c, last ? toView(last) : undefined));
    const d = await getDraft(db!, c.id);
    if (d) drafts[c.id] = d.text;
  }
  for (const sm of summaries) {
    const t = await getContactTrust(db!, sm.peer.userId);
    if (t) {
      sm.verified = t.verified;
      sm.needsAck = t.holdSends;
    }
  }
  setChatState({ chats: sortChats(summaries.map(withRemote)), drafts });
}

/* ---------------- chat-list state (contacts service, synced across devices) ---------------- */

interface RemoteChatState {
  chat_id: string;
  archived?: boolean;
  pinned?: boolean;
  pinned_at?: string | null;
  muted_until?: string | null;
  marked_unread?: boolean;
  favourite?: boolean;
}

const remoteStates = new Map<string, RemoteChatState>();

function withRemote(c: ChatSummary): ChatSummary {
  const r = remoteStates.get(c.id);
  if (!r) return c;
  const out: ChatSummary = {
    ...c,
    archived: !!r.archived,
    pinned: !!r.pinned,
    muted: !!r.muted_until,
    markedUnread: !!r.marked_unread,
    favourite: !!r.favourite,
  };
  if (r.pinned_at) out.pinnedAt = Date.parse(r.pinned_at);
  return out;
}

function applyChatState(r: RemoteChatState) {
  if (typeof r.chat_id !== "string") return;
  remoteStates.set(r.chat_id, r);
  patchChat(r.chat_id, withRemote);
}

async function loadChatStates() {
  try {
    const r = (await contacts.chatList()) as { chats?: RemoteChatState[] };
    for (const c of r.chats ?? []) remoteStates.set(c.chat_id, c);
    setChatState((s) => ({ chats: sortChats(s.chats.map(withRemote)) }));
  } catch {
    // The list works without its arrangement.
  }
}

export type ChatFlag = { archived?: boolean; pinned?: boolean; mute?: "8h" | "1w" | "always" | "off"; marked_unread?: boolean; favourite?: boolean };

/** Archive, pin, mute, mark unread, favourite: on the server so every device agrees. */
export async function setChatFlags(chatId: string, flags: ChatFlag): Promise<string | null> {
  try {
    const r = (await contacts.setChatState(chatId, flags)) as RemoteChatState | { chat?: RemoteChatState };
    const st = "chat_id" in r ? r : r.chat;
    if (st) applyChatState(st);
    return null;
  } catch (e) {
    if (e instanceof ApiError && e.code === "pin_limit") return "You can only pin up to 3 chats.";
    return "Couldn't update the chat. Try again.";
  }
}

/** Deletes the chat's messages on this device; the chat stays in the list. */
export async function clearChat(chatId: string): Promise<void> {
  if (!db) return;
  for (const m of await listMessages(db, chatId, null, 1_000_000)) await deleteMessage(db, m.id);
  setMessages(chatId, []);
  patchChat(chatId, (c) => {
    const { last: _last, ...rest } = c;
    void _last;
    return { ...rest, unread: 0 };
  });
}

export async function deleteChat(chatId: string): Promise<void> {
  if (!db) return;
  const msgs = await listMessages(db, chatId, null, 100_000);
  for (const m of msgs) await deleteMessage(db, m.id);
  const hidden = new Set((await getSetting<string[]>(db, "deletedChats")) ?? []);
  hidden.add(chatId);
  await setSetting(db, "deletedChats", [...hidden]);
  const sc = await getChat(db, chatId);
  if (sc) await storeChat(db, { ...sc, unread: 0, lastMessageId: null });
  setChatState((s) => {
    const messages = { ...s.messages };
    delete messages[chatId];
    return { chats: s.chats.filter((c) => c.id !== chatId), messages };
  });
}

/* ---------------- keys ---------------- */

async function ensureKeys(): Promise<void> {
  await loadCrypto();
  const own = await getIdentity(db!);
  if (!own) {
    const count = await auth.keyCount();
    if (count.hasIdentity) {
      // The server knows keys this browser no longer has (storage cleared): this device cannot decrypt.
      setChatState({ e2e: "unavailable" });
      throw new Error("identity lost");
    }
    const body = await createDeviceKeys(db!, me!.id, me!.device.id);
    await auth.uploadKeys(body);
    return;
  }
  const count = await auth.keyCount();
  let spk = await currentSignedPreKey(db!);
  const rotate = !spk || !count.signedPreKey || Date.now() - spk.createdAt > SPK_ROTATE_MS;
  const topUp = count.oneTimePreKeys < OPK_LOW_WATER;
  if (!rotate && !topUp && count.hasIdentity) return;
  if (rotate) spk = await rotateSignedPreKey(db!);
  const opks = topUp ? await createOneTimePreKeys(db!, OPK_BATCH) : [];
  await auth.uploadKeys(toKeysUpload(own.identity, spk!, opks));
}

/* ---------------- push channel ---------------- */

function connect() {
  const client = createWsClient({ api: msgApi, onEnvelope: (e) => onEnvelope(e) });
  ws = client;
  cleanups.push(
    client.onStatus((s) => {
      setChatState({ conn: s });
      if (s === "connected") void flushOutbox();
      if (s === "logged_out") {
        stop();
        signedOut("logged_out");
      }
    }),
    client.on("delivered", (e) => onReceipt(e, "delivered")),
    client.on("read", (e) => onReceipt(e, "read")),
    client.on("typing", onTyping),
    client.on("presence", onPresence),
    client.on("*", (e) => {
      for (const fn of pushListeners) fn(e);
    }),
    client.onStatus((st) => {
      for (const fn of connListeners) fn(st);
    }),
    client.on("chatlist", (e) => {
      if (e.chat && typeof e.chat === "object") applyChatState(e.chat as RemoteChatState);
    }),
  );
  const online = () => {
    client.reconnectNow();
    flushDelay = 1000;
    void flushOutbox();
  };
  const visible = () => {
    if (document.visibilityState === "visible") {
      client.reconnectNow();
      for (const id of openChats.keys()) markRead(id);
    }
  };
  window.addEventListener("online", online);
  document.addEventListener("visibilitychange", visible);
  cleanups.push(() => {
    window.removeEventListener("online", online);
    document.removeEventListener("visibilitychange", visible);
  });
  client.start();
}

function onReceipt(e: WsEvent, status: "delivered" | "read") {
  const ids = Array.isArray(e.ids) ? (e.ids as unknown[]).filter((x): x is string => typeof x === "string") : [];
  for (const id of ids) void advance(id, status);
}

async function advance(id: string, status: MessageStatus) {
  const m = findMessage(id);
  if (m && m.dir === "out") {
    const next = advanceStatus(m.status, status);
    if (next !== m.status) {
      putMessage({ ...m, status: next });
      refreshPreview(m.chatId);
    }
  }
  if (!db) return;
  const stored = await db.get("messages", id);
  if (stored && stored.sender.u === me?.id) {
    const next = advanceStatus(toStatus(stored.status), status);
    if (next !== toStatus(stored.status)) await setMessageStatus(db, id, storedStatus(next));
  }
}

function onTyping(e: WsEvent) {
  const chatId = typeof e.chat_id === "string" ? e.chat_id : null;
  if (!chatId || e.user === me?.id) return;
  const ttl = typeof e.expires_in === "number" ? e.expires_in : 6;
  const until = e.state === "composing" || e.state === "recording" ? Date.now() + ttl * 1000 : 0;
  setChatState((s) => ({ typing: { ...s.typing, [chatId]: until } }));
  // Expire it in the state too, so every view (list row, header) drops "typing…" without polling.
  const old = typingTimers.get(chatId);
  if (old) clearTimeout(old);
  if (until > 0) {
    typingTimers.set(
      chatId,
      setTimeout(() => {
        typingTimers.delete(chatId);
        setChatState((s) => ((s.typing[chatId] ?? 0) <= Date.now() ? { typing: { ...s.typing, [chatId]: 0 } } : {}));
      }, until - Date.now() + 50),
    );
  }
}

const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

function onPresence(e: WsEvent) {
  const user = typeof e.user === "string" ? e.user : null;
  if (!user) return;
  const online = e.online === true;
  const lastSeen = typeof e.last_seen === "number" ? e.last_seen : undefined;
  setChatState((s) => ({
    presence: { ...s.presence, [user]: lastSeen !== undefined ? { online, lastSeen } : { online, lastSeen: s.presence[user]?.lastSeen } },
    // Someone who went offline is not typing any more.
    typing: online ? s.typing : Object.fromEntries(Object.entries(s.typing).map(([k, v]) => [k, chatPeer(k) === user ? 0 : v])),
  }));
}

function chatPeer(chatId: string): string | undefined {
  return getChatState().chats.find((c) => c.id === chatId)?.peer.userId;
}

/* ---------------- receive ---------------- */

async function onEnvelope(e: InEnvelope): Promise<boolean> {
  if (!db || !me) return false;
  if (e.type !== "prekey" && e.type !== "msg") return true; // groups etc.: not yet
  let env: Envelope;
  try {
    env = bodyToEnvelope(e.body);
  } catch {
    log("undecodable envelope", e.id);
    return true;
  }
  // The server's word on who sent it is what the session is keyed by.
  env = { ...env, id: e.id, from: { u: e.from.user, d: e.from.device } };
  const fromMe = e.from.user === me.id;
  try {
    await loadCrypto();
    const r = await receiveEnvelope(db, env, {
      toMessage: (p) => {
        if (p.kind !== "text" || !isTextBody(p.body)) return null;
        const b = p.body;
        return {
          id: b.id,
          chatId: e.chat_id,
          sender: { u: e.from.user, d: e.from.device },
          sentAt: p.sentAt,
          receivedAt: Date.now(),
          kind: "text",
          body: b.replyTo ? { text: b.text, to: b.to, replyTo: b.replyTo } : { text: b.text, to: b.to },
          status: fromMe ? "sent" : "received",
        };
      },
    });
    if (r.status === "duplicate" || !r.message) return true;
    if (r.identity !== "same") await learnFromEnvelope(e.from.user, e.from.device, r.message.sentAt - 1);
    const b = r.plaintext.body as TextBody;
    const peerId = fromMe ? b.to : e.from.user;
    if (!fromMe && (b.name || b.phone)) {
      const known = peers.get(peerId);
      if (!known || known.name !== b.name || (!known.phone && b.phone)) {
        await savePeer(peerId, { ...known, phone: known?.phone || b.phone || "", name: b.name || known?.name || "" });
      }
    }
    await showIncoming(r.message, peerId, fromMe);
    return true;
  } catch (err) {
    if (isCryptoError(err)) {
      // Undecryptable now means undecryptable forever: ack it, keep going.
      log("decrypt failed", e.id, err.code);
      return true;
    }
    throw err;
  }
}

async function ensureStoredChat(chatId: string, peerId: string, at: number): Promise<StoredChat> {
  const hidden = (await getSetting<string[]>(db!, "deletedChats")) ?? [];
  if (hidden.includes(chatId)) await setSetting(db!, "deletedChats", hidden.filter((x) => x !== chatId));
  const existing = await getChat(db!, chatId);
  if (existing) return existing;
  const chat: StoredChat = {
    id: chatId,
    kind: "direct",
    title: peers.get(peerId)?.name || peers.get(peerId)?.phone || "",
    members: [me!.id, peerId],
    lastActivityAt: at,
    lastMessageId: null,
    unread: 0,
  };
  await storeChat(db!, chat);
  return chat;
}

/** Name and number of someone we only know by id (e.g. a chat started on our other device). */
const fetchingPeers = new Map<string, Promise<void>>();
function fetchPeer(userId: string): Promise<void> {
  // Concurrent callers (a message and a ringing call from a stranger) share one request.
  const running = fetchingPeers.get(userId);
  if (running || !db) return running ?? Promise.resolve();
  const p = (async () => {
    try {
      const p = await contacts.profile(userId);
      const known = peers.get(userId);
      const info: PeerInfo = { ...known, phone: p.phone || known?.phone || "", name: p.contact_name || p.name || known?.name || "" };
      if (p.about) info.about = p.about;
      await savePeer(userId, info);
      for (const c of getChatState().chats.filter((x) => x.peer.userId === userId)) {
        putChat({ ...c, peer: { ...c.peer, name: info.name, phone: info.phone, ...(info.about ? { about: info.about } : {}) } });
      }
    } catch {
      // Unknown stays unknown: the chat shows what the messages told us.
    } finally {
      fetchingPeers.delete(userId);
    }
  })();
  fetchingPeers.set(userId, p);
  return p;
}

async function showIncoming(m: StoredMessage, peerId: string, fromMe: boolean) {
  const view = toView(m);
  if (!peers.get(peerId)?.phone) void fetchPeer(peerId);
  const chat = await ensureStoredChat(m.chatId, peerId, m.sentAt);
  const reading = !fromMe && openChats.has(m.chatId) && document.visibilityState === "visible" && atBottom.has(m.chatId);
  const unread = fromMe ? 0 : reading ? 0 : chat.unread + 1;
  const updated: StoredChat = {
    ...chat,
    lastActivityAt: Math.max(chat.lastActivityAt, m.sentAt),
    lastMessageId: m.id,
    unread: fromMe ? 0 : unread,
    title: peers.get(peerId)?.name || chat.title,
  };
  await storeChat(db!, updated);
  if (getChatState().messages[m.chatId]) putMessage(view);
  putChat(withRemote(summaryOf(updated, view)));
  if (!fromMe) {
    setChatState((s) => ({ typing: { ...s.typing, [m.chatId]: 0 } }));
    if (reading) void sendRead(m.chatId, [m.id]);
    else notifyDesktop(updated, view);
  }
}

function notifyDesktop(chat: StoredChat, m: ChatMessage) {
  if (document.visibilityState === "visible" || typeof Notification === "undefined") return;
  if (Notification.permission !== "granted") return;
  try {
    const preview = getSettingSync("notificationPreview", true);
    new Notification(peers.get(peerOf(chat))?.name || chat.title || "Parley", {
      body: preview ? plainText(m.text).slice(0, 120) : "New message",
      tag: chat.id,
    });
  } catch {
    // Notifications are best-effort.
  }
}

const settingsCache = new Map<string, unknown>();
function getSettingSync<T>(key: string, fallback: T): T {
  return (settingsCache.has(key) ? settingsCache.get(key) : fallback) as T;
}

/* ---------------- send ---------------- */

export async function sendText(chatId: string, text: string, reply?: ChatMessage | null): Promise<void> {
  await started;
  if (!db || !me) return;
  const chat = getChatState().chats.find((c) => c.id === chatId);
  if (!chat) return;
  const id = crypto.randomUUID();
  const now = Date.now();
  const connected = getChatState().conn === "connected";
  const stored: StoredMessage = {
    id,
    chatId,
    sender: myAddress(),
    sentAt: now,
    receivedAt: now,
    kind: "text",
    body: reply
      ? {
          text,
          to: chat.peer.userId,
          replyTo: { id: reply.id, text: plainText(reply.text).slice(0, 200), from: reply.from ?? (reply.dir === "out" ? me.id : chat.peer.userId) },
        }
      : { text, to: chat.peer.userId },
    status: "pending",
  };
  await storeMessage(db, stored);
  const view: ChatMessage = { ...toView(stored), status: connected ? "sending" : "queued" };
  putMessage(view);
  const sc = await getChat(db, chatId);
  if (sc) await storeChat(db, { ...sc, lastActivityAt: now, lastMessageId: id });
  patchChat(chatId, (c) => ({ ...c, updatedAt: now, last: { text: plainText(text), at: now, dir: "out", status: view.status } }));
  outbox.push(id);
  await setSetting(db, OUTBOX_KEY, outbox);
  void flushOutbox();
}

export async function retry(id: string): Promise<void> {
  const m = findMessage(id);
  if (!m || m.status !== "failed" || !db) return;
  putMessage({ ...m, status: "queued" });
  if (!outbox.includes(id)) outbox.push(id);
  await setSetting(db, OUTBOX_KEY, outbox);
  void flushOutbox();
}

let flushDelay = 1000;
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** The network failed under a live socket (or without one): try again with backoff. */
function scheduleFlush() {
  if (flushTimer) return;
  flushTimer = setTimeout(() => {
    flushTimer = null;
    void flushOutbox();
  }, flushDelay);
  flushDelay = Math.min(flushDelay * 2, 30_000);
}

let flushAgain = false;

async function flushOutbox(): Promise<void> {
  if (flushing) {
    flushAgain = true; // e.g. Acknowledge while a flush runs: go round once more after it
    return;
  }
  if (!db || !me) return;
  if (getChatState().e2e !== "ready") return;
  flushing = true;
  flushAgain = false;
  // Chats whose messages wait for "Acknowledge": skipped, their order kept; other chats go on.
  const held = new Set<string>();
  try {
    let i = 0;
    while (i < outbox.length && db) {
      const id = outbox[i]!;
      const stored = await db.get("messages", id);
      if (!stored) {
        outbox.splice(i, 1);
        continue;
      }
      if (held.has(stored.chatId) || getChatState().chats.find((c) => c.id === stored.chatId)?.needsAck) {
        if (!held.has(stored.chatId)) markQueued(stored.chatId, id);
        held.add(stored.chatId);
        i++;
        continue;
      }
      const result = await deliver(stored);
      if (result === "held") {
        held.add(stored.chatId);
        markQueued(stored.chatId, id);
        i++;
        continue;
      }
      if (result === "offline") {
        const m = findMessage(id);
        if (m) putMessage({ ...m, status: advanceStatus(m.status, "queued") === m.status ? m.status : "queued" });
        markQueued(stored.chatId, id);
        scheduleFlush();
        break; // keep order: everything after waits too
      }
      flushDelay = 1000;
      outbox.splice(i, 1);
      await setSetting(db, OUTBOX_KEY, outbox);
      if (result === "failed") {
        await setMessageStatus(db, id, "failed");
        const m = findMessage(id);
        if (m) putMessage({ ...m, status: "failed" });
      } else {
        await advance(id, "sent");
      }
      refreshPreview(stored.chatId);
    }
  } finally {
    flushing = false;
  }
  if (flushAgain) void flushOutbox();
}

function markQueued(chatId: string, fromId: string) {
  const list = getChatState().messages[chatId];
  if (!list) return;
  let after = false;
  setMessages(
    chatId,
    list.map((m) => {
      if (m.id === fromId) after = true;
      return after && m.dir === "out" && (m.status === "sending" || m.status === "queued") ? { ...m, status: "queued" } : m;
    }),
  );
}

function refreshPreview(chatId: string) {
  const list = getChatState().messages[chatId];
  const last = list?.[list.length - 1];
  if (!last) return;
  patchChat(chatId, (c) =>
    c.last && c.last.at > last.sentAt ? c : { ...c, last: { text: plainText(last.text), at: last.sentAt, dir: last.dir, status: last.status } },
  );
}

/**
 * Fetches bundles and starts sessions with these devices of a user (all when
 * devices is "*"), and tells the trust store what it learned (with `removed`,
 * devices a send found gone), which may show "security code changed".
 */
async function fetchSessions(userId: string, devices: number[] | "*", removed: number[] = [], at = Date.now()): Promise<void> {
  const own = userId === me!.id;
  const keyOf = (b: PreKeyBundle) => ({ deviceId: b.deviceId, ikSig: toB64u(b.ikSig) });
  const notSelf = (d: number) => !(own && d === me!.device.id);
  if (devices === "*") {
    // The list and identities claim no one-time prekeys; bundles (which do) only for devices we
    // have no session with yet.
    const ids = await auth.identities(userId);
    const list = (Array.isArray(ids.devices) ? ids.devices : []).filter((d) => typeof d === "number" && notSelf(d));
    const keys = (Array.isArray(ids.identities) ? ids.identities : [])
      .filter((k) => notSelf(k.deviceId))
      .map((k) => ({ deviceId: k.deviceId, ikSig: toB64u(fromB64u(k.ikSig, 32)) }));
    deviceLists.set(userId, list);
    const have = new Set(await sessionDevices(db!, userId));
    for (const k of keys) {
      if (have.has(k.deviceId)) continue;
      try {
        const raw = (await auth.bundlesRaw(userId, k.deviceId)) as { bundles?: unknown[] };
        for (const b of parseKeysBundle({ devices: raw.bundles ?? [] })) await startSession(db!, userId, b);
      } catch (e) {
        // The device went (or lost its keys) between the two requests: the next list says so.
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
    }
    await learnDevices(userId, { list, keys }, at);
    return;
  }
  const keys: { deviceId: number; ikSig: string }[] = [];
  for (const d of devices) {
    const raw = (await auth.bundlesRaw(userId, d)) as { bundles?: unknown[] };
    for (const b of parseKeysBundle({ devices: raw.bundles ?? [] })) {
      await startSession(db!, userId, b);
      keys.push(keyOf(b));
    }
  }
  await learnDevices(userId, { removed, keys }, at);
}

function learnDevices(userId: string, news: DeviceNews, at: number) {
  const deps: DeviceNewsDeps = {
    db: db!,
    me: me!.id,
    chatsWith: (u) => getChatState().chats.filter((c) => c.peer.userId === u).map((c) => c.id),
    nameOf: (u) => peers.get(u)?.name || peers.get(u)?.phone || "this contact",
    show: (m) => {
      if (getChatState().messages[m.chatId]) putMessage(toView(m));
    },
    changed: (chatId, hold) => patchChat(chatId, (c) => ({ ...c, needsAck: hold, verified: false })),
  };
  return noteDevices(deps, userId, news, at);
}

/**
 * A prekey message from a device we had no key for. From someone we already
 * know, fetch their whole list: a reinstall is also a device gone, and both
 * should make one change. Offline, at least the new key counts.
 */
async function learnFromEnvelope(userId: string, deviceId: number, at: number) {
  const k = await getKnownIdentity(db!, userId, deviceId);
  if (!k) return;
  if (await getContactTrust(db!, userId)) {
    try {
      await fetchSessions(userId, "*", [], at);
      return;
    } catch (e) {
      log("device list", e instanceof ApiError ? e.code : String(e));
    }
  }
  await learnDevices(userId, { keys: [{ deviceId, ikSig: k.ikSig }] }, at);
}

/** The user saw the change: the new key is trusted (unverified) and sending resumes. */
export async function acknowledgeChange(chatId: string): Promise<void> {
  const peer = chatPeer(chatId);
  if (!db || !peer) return;
  await acknowledgeIdentityChange(db, peer);
  patchChat(chatId, (c) => ({ ...c, needsAck: false, verified: false }));
  void flushOutbox();
}

type DeliverResult = "sent" | "offline" | "failed" | "held";

async function deliver(m: StoredMessage): Promise<DeliverResult> {
  const body = m.body as { text: string; to: string; replyTo?: TextBody["replyTo"] };
  const peer = body.to;
  const textBody: TextBody = { id: m.id, text: body.text, chatId: m.chatId, to: peer, name: me!.name ?? "", phone: me!.phone };
  if (body.replyTo) textBody.replyTo = body.replyTo;
  const plaintext = textPlaintext(textBody, m.sentAt);
  await loadCrypto();
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      // A change learnt while sending m is noted just before m, the first message it holds.
      for (const u of [peer, me!.id]) if (!deviceLists.has(u)) await fetchSessions(u, "*", [], m.sentAt - 1);
      // A verified contact's code changed (learned just now or earlier): wait for the user.
      if (!(await canSendTo(db!, peer))) return "held";
      const targets: Address[] = [];
      for (const u of [peer, me!.id]) for (const d of deviceLists.get(u) ?? []) targets.push({ u, d });
      const envelopes: OutEnvelope[] = [];
      for (const to of targets) {
        let env: Envelope;
        try {
          env = await encryptFor(db!, myAddress(), to, plaintext);
        } catch (e) {
          if (!isCryptoError(e, "no_session")) throw e;
          await fetchSessions(to.u, [to.d]);
          env = await encryptFor(db!, myAddress(), to, plaintext);
        }
        envelopes.push({ to_user: to.u, to_device: to.d, type: env.type, body: envelopeToBody(env) });
      }
      await msgApi.send(m.chatId, m.id, envelopes);
      return "sent";
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.status === 0 || e.status >= 500 || e.status === 429) return "offline";
        // A device that has just logged in has no keys yet: try again shortly.
        if (e.status === 404 && e.code === "no_keys") {
          deviceLists.clear();
          return "offline";
        }
        if ((e.status === 409 || e.status === 410) && e.body) {
          await repairDevices(e.body as unknown as DeviceMismatch, m.sentAt - 1);
          continue;
        }
        if (e.status === 401) {
          stop();
          signedOut("expired");
          return "offline";
        }
        log("send failed", e.status, e.code);
        return "failed";
      }
      if (isCryptoError(e)) {
        log("send crypto", e.code);
        // A bad bundle or a lost session: forget the device list and try once more from scratch.
        deviceLists.clear();
        continue;
      }
      log("send error", String(e));
      return "offline";
    }
  }
  return "failed";
}

async function repairDevices(d: DeviceMismatch, at: number) {
  for (const x of d.stale_devices ?? []) {
    await deleteSession(db!, { u: x.user, d: x.device });
    deviceLists.set(x.user, (deviceLists.get(x.user) ?? []).filter((n) => n !== x.device));
  }
  for (const x of d.extra_devices ?? []) {
    deviceLists.set(x.user, (deviceLists.get(x.user) ?? []).filter((n) => n !== x.device));
  }
  for (const x of d.missing_devices ?? []) {
    await deleteSession(db!, { u: x.user, d: x.device });
    const list = deviceLists.get(x.user) ?? [];
    if (!list.includes(x.device)) deviceLists.set(x.user, [...list, x.device]);
  }
  // One step per user, so a reinstall (one device gone, a new one) is one change of the security code.
  const gone = [...(d.stale_devices ?? []), ...(d.extra_devices ?? [])];
  const missing = d.missing_devices ?? [];
  for (const u of new Set([...gone, ...missing].map((x) => x.user))) {
    await fetchSessions(
      u,
      missing.filter((x) => x.user === u).map((x) => x.device),
      gone.filter((x) => x.user === u).map((x) => x.device),
      at,
    );
  }
}

/* ---------------- chat actions ---------------- */

const atBottom = new Set<string>();

export function openChat(chatId: string): void {
  if (openChats.has(chatId) || !db) {
    if (!db) void started?.then(() => openChat(chatId));
    return;
  }
  const watch = () => {
    msgApi
      .watchPresence(chatId)
      .then((r) => {
        for (const u of r.users ?? []) {
          setChatState((s) => ({
            presence: { ...s.presence, [u.user]: { online: !!u.online, lastSeen: u.last_seen ?? s.presence[u.user]?.lastSeen } },
          }));
        }
      })
      .catch(() => undefined);
  };
  watch();
  openChats.set(chatId, setInterval(watch, PRESENCE_REFRESH_MS));
  if (!getChatState().messages[chatId]) void loadMessages(chatId);
}

export function closeChat(chatId: string): void {
  const t = openChats.get(chatId);
  if (t) clearInterval(t);
  openChats.delete(chatId);
  atBottom.delete(chatId);
}

const loading = new Map<string, Promise<void>>();

/** The newest page first (the chat opens at once), then the whole history behind it. */
function loadMessages(chatId: string): Promise<void> {
  let p = loading.get(chatId);
  if (!p) {
    p = loadAll(chatId).finally(() => loading.delete(chatId));
    loading.set(chatId, p);
  }
  return p;
}

async function loadAll(chatId: string) {
  if (!db) return;
  const first = await listMessages(db, chatId, null, 120);
  mergeLoaded(chatId, first.reverse().map(toView));
  if (first.length < 120 || !db) return;
  const oldest = first[0]!;
  const rest = await listMessages(db, chatId, { sentAt: oldest.sentAt, id: oldest.id }, 1_000_000);
  if (rest.length > 0 && getChatState().messages[chatId]) mergeLoaded(chatId, rest.reverse().map(toView));
}

function mergeLoaded(chatId: string, list: ChatMessage[]) {
  // Anything that arrived meanwhile is already in the state: merge.
  const live = getChatState().messages[chatId] ?? [];
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of live) byId.set(m.id, m);
  const merged = [...byId.values()].sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
  // Messages waiting in the outbox show the clock.
  const queued = new Set(outbox);
  setMessages(
    chatId,
    merged.map((m) => (queued.has(m.id) && m.status === "queued" && getChatState().conn === "connected" ? { ...m, status: "sending" } : m)),
  );
}

/* ---------------- search ---------------- */

/** One search result: enough to list it and to open the chat at it. */
export interface MessageHit {
  id: string;
  chatId: string;
  sentAt: number;
  dir: "in" | "out";
  /** Plain text (formatting markers removed), as matched. */
  text: string;
}

/**
 * Messages matching `query`, newest first (lib/store/search, bounded):
 * of one chat, or with `chatId` null of every chat in the list.
 */
export async function searchMessages(chatId: string | null, query: string): Promise<MessageHit[]> {
  await started;
  if (!db) return [];
  const hits = chatId ? await searchChat(db, chatId, query) : await searchAll(db, query, undefined, getChatState().chats.map((c) => c.id));
  return hits.map(({ message: m, text }) => ({ id: m.id, chatId: m.chatId, sentAt: m.sentAt, dir: m.sender.u === me?.id ? "out" : "in", text }));
}

let revealSeq = 0;

/**
 * Shows message `id` in its chat: its history is loaded from the store as
 * far as needed, then state.reveal asks the open conversation's list to
 * scroll to it and highlight it (components/chat/MessageList).
 */
export async function revealMessage(chatId: string, id: string): Promise<void> {
  await started;
  if (!db) return;
  const has = () => getChatState().messages[chatId]?.some((m) => m.id === id) ?? false;
  if (!has()) await loadMessages(chatId);
  // A load that started earlier may have finished its first page only.
  if (!has() && loading.has(chatId)) await loading.get(chatId);
  if (!has()) return;
  setChatState({ reveal: { chatId, id, n: ++revealSeq } });
}

/** The open list has shown reveal request `n`: it is not repeated when the chat is opened again. */
export function revealed(n: number): void {
  if (getChatState().reveal?.n === n) setChatState({ reveal: undefined });
}

/** The list was scrolled up: new arrivals count as unread until it is back at the bottom. */
export function leftBottom(chatId: string): void {
  atBottom.delete(chatId);
}

/** The list is scrolled to the bottom of an open chat: its incoming messages are read. */
export function markRead(chatId: string): void {
  atBottom.add(chatId);
  if (typeof document !== "undefined" && document.visibilityState !== "visible") return;
  const list = getChatState().messages[chatId] ?? [];
  const ids = list.filter((m) => m.dir === "in" && m.status !== "read").map((m) => m.id);
  const chat = getChatState().chats.find((c) => c.id === chatId);
  if (ids.length === 0 && !chat?.unread) return;
  if (ids.length > 0) {
    setMessages(
      chatId,
      list.map((m) => (m.dir === "in" && m.status !== "read" ? { ...m, status: "read" } : m)),
    );
    void sendRead(chatId, ids);
  }
  if (chat?.unread) {
    patchChat(chatId, (c) => ({ ...c, unread: 0, markedUnread: false }));
    void (async () => {
      const sc = db && (await getChat(db, chatId));
      if (sc && db) await storeChat(db, { ...sc, unread: 0 });
    })();
  }
}

async function sendRead(chatId: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    try {
      await msgApi.read(chatId, batch);
      if (db) for (const id of batch) await setMessageStatus(db, id, "read");
    } catch {
      // Receipts are best-effort; the next open retries.
    }
  }
}

let lastTyping = new Map<string, string>();
export function typing(chatId: string, state: "composing" | "paused"): void {
  if (lastTyping.get(chatId) === "paused" && state === "paused") return;
  lastTyping.set(chatId, state);
  msgApi.typing(chatId, state).catch(() => undefined);
}

export function setDraft(chatId: string, text: string): void {
  setChatState((s) => ({ drafts: { ...s.drafts, [chatId]: text } }));
  const t = draftTimers.get(chatId);
  if (t) clearTimeout(t);
  draftTimers.set(
    chatId,
    setTimeout(() => {
      if (db) void storeDraft(db, chatId, text);
    }, 400),
  );
}

let enterSendsPref = true;
export function enterSends(): boolean {
  return enterSendsPref;
}

export async function setEnterSends(v: boolean): Promise<void> {
  enterSendsPref = v;
  setChatState({});
  if (db) await setSetting(db, "enterSends", v);
}

export async function deleteForMe(m: ChatMessage): Promise<void> {
  if (!db) return;
  await deleteMessage(db, m.id);
  setMessages(
    m.chatId,
    (getChatState().messages[m.chatId] ?? []).filter((x) => x.id !== m.id),
  );
  refreshPreview(m.chatId);
}

export class StartChatError extends Error {
  override readonly name = "StartChatError";
  constructor(
    readonly code: "invalid_phone" | "not_on_parley" | "self" | "failed",
    message: string,
  ) {
    super(message);
  }
}

/** Opens (or creates) the chat with the owner of a phone number. */
export async function startChat(phone: string): Promise<string> {
  await started;
  if (!db || !me) throw new StartChatError("failed", "not signed in");
  if (phone === me.phone) throw new StartChatError("self", "That's your own number.");
  let userId: string | undefined;
  try {
    const r = await contacts.discover([phone]);
    userId = r.registered?.find((x) => x.phone === phone)?.user_id ?? r.registered?.[0]?.user_id;
  } catch (e) {
    if (e instanceof ApiError && e.code === "invalid_phone") throw new StartChatError("invalid_phone", "This phone number isn't valid.");
    throw new StartChatError("failed", e instanceof ApiError ? e.message : "Couldn't look up this number.");
  }
  if (!userId) throw new StartChatError("not_on_parley", `${phone} isn't on Parley.`);
  const chat = await msgApi.openChat(userId);
  let name = peers.get(userId)?.name ?? "";
  let about: string | undefined;
  try {
    const p = await contacts.profile(userId);
    name = p.contact_name || p.name || name;
    about = p.about ?? undefined;
  } catch {
    // The profile is optional: the number is enough to chat.
  }
  const info: PeerInfo = { ...peers.get(userId), phone, name };
  if (about) info.about = about;
  await savePeer(userId, info);
  const stored = await ensureStoredChat(chat.id, userId, Date.now());
  const existing = getChatState().chats.find((c) => c.id === chat.id);
  if (existing) putChat({ ...existing, peer: { ...existing.peer, name, phone, ...(about ? { about } : {}) } });
  else putChat(withRemote(summaryOf(stored, undefined)));
  return chat.id;
}

export async function securityCode(chatId: string): Promise<string[] | null> {
  return (await securityCodeDetails(chatId))?.groups ?? null;
}

/** The security code's 12 groups of 5 digits and its scannable QR payload. */
export async function securityCodeDetails(chatId: string): Promise<{ groups: string[]; qr: Uint8Array } | null> {
  await started;
  if (!db || !me) return null;
  const peer = chatPeer(chatId);
  if (!peer) return null;
  await loadCrypto();
  const own = await getIdentity(db);
  if (!own) return null;
  // The code is over both users' current devices: bring both lists up to date first (this may
  // itself reveal a change); offline, what we know.
  for (const u of [peer, me.id]) await fetchSessions(u, "*").catch(() => undefined);
  if (!db || !me) return null;
  const theirs = await currentDeviceKeys(db, peer);
  if (theirs.length === 0) return null;
  const mine = (await currentDeviceKeys(db, me.id)).filter((k) => k.deviceId !== me!.device.id);
  const code = computeCode(
    { id: me.id, key: combinedIdentityKey([own.identity.ikSig.pub, ...mine.map((k) => fromB64u(k.ikSig))]) },
    { id: peer, key: combinedIdentityKey(theirs.map((k) => fromB64u(k.ikSig))) },
  );
  return { groups: code.groups, qr: code.qr };
}

export async function markVerified(chatId: string, verified: boolean): Promise<void> {
  const peer = chatPeer(chatId);
  if (!db || !peer) return;
  await storeVerified(db, peer, verified);
  // Verifying the new code also answers a pending "security code changed".
  patchChat(chatId, (c) => ({ ...c, verified, needsAck: verified ? false : c.needsAck }));
  if (verified) void flushOutbox();
}

export async function block(chatId: string, on = true): Promise<void> {
  const peer = chatPeer(chatId);
  if (!db || !peer) return;
  try {
    if (on) await contacts.block(peer);
    else await contacts.unblock(peer);
  } catch (e) {
    log("block", e instanceof ApiError ? e.code : String(e));
    return;
  }
  const info = peers.get(peer) ?? { phone: "", name: "" };
  await savePeer(peer, { ...info, blocked: on });
  patchChat(chatId, (c) => ({ ...c, blocked: on }));
}

export async function report(chatId: string): Promise<boolean> {
  const peer = chatPeer(chatId);
  if (!peer) return false;
  const last5 = (getChatState().messages[chatId] ?? []).slice(-5).map((m) => ({
    sender: m.dir === "out" ? me!.id : peer,
    sent_at: new Date(m.sentAt).toISOString(),
    text: m.text,
  }));
  try {
    await contacts.report({ user_id: peer, chat_id: chatId, messages: last5 });
    return true;
  } catch {
    return false;
  }
}

/** Local preferences (notification previews, …), kept in this device's store. */
export function getSettingValue<T>(key: string, fallback: T): T {
  return getSettingSync(key, fallback);
}

export async function setSettingValue(key: string, value: unknown): Promise<void> {
  settingsCache.set(key, value);
  setChatState({});
  if (db) await setSetting(db, key, value);
}

/* ---------------- address book ---------------- */

export interface ContactRow {
  phone: string;
  name: string;
  onApp: boolean;
}

export async function listContacts(): Promise<ContactRow[]> {
  try {
    const r = await contacts.list();
    return (r.contacts ?? []).map((c) => ({ phone: c.phone, name: c.name, onApp: !!(c.on_app ?? c.user_id) }));
  } catch {
    return [];
  }
}

export async function addContact(phone: string, name: string): Promise<string | null> {
  try {
    await contacts.add(phone, name);
    return null;
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.status === 409) return "This number is already in your contacts.";
      if (e.code === "invalid_phone") return "This phone number isn't valid.";
      if (e.status === 429) return "You've added too many numbers today. Try again tomorrow.";
      return e.message;
    }
    return "Couldn't add the contact.";
  }
}

/** Imports a .vcf file; answers a sentence for the screen. */
export async function importVcard(vcf: string): Promise<string> {
  try {
    const r = (await contacts.importVcard(vcf)) as { cards?: number; imported?: number; updated?: number; errors_total?: number };
    const bad = r.errors_total ?? 0;
    return `Imported ${r.imported ?? 0} new and updated ${r.updated ?? 0} of ${r.cards ?? 0} contacts${bad ? `; ${bad} could not be read` : ""}.`;
  } catch (e) {
    return e instanceof ApiError ? `Couldn't import the file: ${e.message}` : "Couldn't import the file.";
  }
}

/** The display name of a user in this chat ("You" for ourselves). */
export function nameOf(userId: string): string {
  if (userId === me?.id) return "You";
  const p = peers.get(userId);
  return p?.name || p?.phone || "";
}

export function resync(): void {
  void ws?.resync();
}

/* ---------------- calls plumbing (lib/rtc uses these; calls never become messages) ---------------- */

const pushListeners = new Set<(e: WsEvent) => void>();
const connListeners = new Set<(s: WsStatus) => void>();

/** Every event the push channel delivers (call_ring, call_signal, …), across reconnects. */
export function onPush(fn: (e: WsEvent) => void): () => void {
  pushListeners.add(fn);
  return () => pushListeners.delete(fn);
}

/** The push channel's status changes ("connected" after each (re)connect and drain). */
export function onConnection(fn: (s: WsStatus) => void): () => void {
  connListeners.add(fn);
  return () => connListeners.delete(fn);
}

export function whoAmI(): { user: string; device: number; name: string } | null {
  return me ? { user: me.id, device: me.device.id, name: me.name ?? "" } : null;
}

/** Devices of `userId` (sessions started with each), fetched again when `fresh` or unknown. */
export async function peerDevices(userId: string, fresh = false): Promise<number[]> {
  await started;
  if (!db || !me) throw new Error("not signed in");
  await loadCrypto();
  if (fresh || !deviceLists.has(userId)) await fetchSessions(userId, "*");
  return [...(deviceLists.get(userId) ?? [])];
}

/**
 * Encrypts one call signal for one device with the pairwise session (a
 * session is started from the device's bundle when there is none). The
 * blob is what POST /api/calls/{id}/signal relays.
 */
export async function sealCallSignal(to: Address, callId: string, body: SignalBody): Promise<string> {
  await started;
  if (!db || !me) throw new Error("not signed in");
  await loadCrypto();
  try {
    return await sealSignal(db, myAddress(), to, callId, body);
  } catch (e) {
    if (!isCryptoError(e, "no_session")) throw e;
    await fetchSessions(to.u, [to.d]);
    return sealSignal(db, myAddress(), to, callId, body);
  }
}

/** Decrypts a call_signal blob from `from` (the server's word on the sender). Throws on anything else. */
export async function openCallSignal(from: Address, blob: string, callId: string): Promise<CallSignal> {
  await started;
  if (!db || !me) throw new Error("not signed in");
  await loadCrypto();
  return openSignal(db, from, blob, callId);
}

/** The name to show for a user; fetches the profile once when we only know the id. */
export async function peerName(userId: string): Promise<string> {
  await started;
  if (!peers.get(userId)?.name && !peers.get(userId)?.phone) await fetchPeer(userId);
  return nameOf(userId);
}

/** The direct chat with a user (created when there is none yet), for a call's quick reply or "Message". */
export async function chatWith(userId: string): Promise<string> {
  await started;
  const known = getChatState().chats.find((c) => c.peer.userId === userId);
  if (known) return known.id;
  const chat = await msgApi.openChat(userId);
  if (!peers.get(userId)?.phone) await fetchPeer(userId);
  const stored = await ensureStoredChat(chat.id, userId, Date.now());
  if (!getChatState().chats.some((c) => c.id === chat.id)) putChat(withRemote(summaryOf(stored, undefined)));
  return chat.id;
}

export const engine = {
  start,
  stop,
  sendText,
  retry,
  openChat,
  closeChat,
  markRead,
  leftBottom,
  typing,
  setDraft,
  enterSends,
  setEnterSends,
  setChatFlags,
  deleteChat,
  clearChat,
  acknowledgeChange,
  listContacts,
  nameOf,
  addContact,
  importVcard,
  setSettingValue,
  getSettingValue,
  deleteForMe,
  startChat,
  securityCode,
  securityCodeDetails,
  markVerified,
  block,
  report,
  searchMessages,
  revealMessage,
  revealed,
};
