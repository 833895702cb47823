/*
 * Chats, messages, drafts and settings in IndexedDB. Messages are ordered
 * within a chat by (sentAt, id) through the byChat index; listMessages pages
 * backwards from a cursor, newest first.
 */
import type { Chat, Draft, MessageStatus, ParleyDB, StoredMessage } from "./db";
import { notify } from "./events";

export async function putMessage(db: ParleyDB, m: StoredMessage): Promise<void> {
  await db.put("messages", m);
  notify({ topic: "messages", chatId: m.chatId });
}

export async function getMessage(db: ParleyDB, id: string): Promise<StoredMessage | undefined> {
  return db.get("messages", id);
}

export async function setMessageStatus(db: ParleyDB, id: string, status: MessageStatus): Promise<boolean> {
  const tx = db.transaction("messages", "readwrite");
  const m = await tx.store.get(id);
  if (m) await tx.store.put({ ...m, status });
  await tx.done;
  if (m) notify({ topic: "messages", chatId: m.chatId });
  return m !== undefined;
}

export async function deleteMessage(db: ParleyDB, id: string): Promise<void> {
  const m = await db.get("messages", id);
  await db.delete("messages", id);
  if (m) notify({ topic: "messages", chatId: m.chatId });
}

/** A position in a chat: messages strictly before it are returned. */
export interface MessageCursor {
  sentAt: number;
  id: string;
}

/**
 * Up to `limit` messages of a chat older than `before` (or the newest if
 * absent), newest first. Pass the last one's {sentAt, id} to get the next page.
 */
export async function listMessages(
  db: ParleyDB,
  chatId: string,
  before: MessageCursor | null = null,
  limit = 50,
): Promise<StoredMessage[]> {
  // Array keys sort after numbers and strings, so [chatId, []] bounds every [chatId, sentAt, id].
  const upper = before ? [chatId, before.sentAt, before.id] : [chatId, []];
  const range = IDBKeyRange.bound([chatId], upper, false, before !== null);
  const out: StoredMessage[] = [];
  const tx = db.transaction("messages");
  for (let c = await tx.store.index("byChat").openCursor(range, "prev"); c && out.length < limit; c = await c.continue()) {
    out.push(c.value);
  }
  await tx.done;
  return out;
}

export async function putChat(db: ParleyDB, chat: Chat): Promise<void> {
  await db.put("chats", chat);
  notify({ topic: "chats", chatId: chat.id });
}

export async function getChat(db: ParleyDB, id: string): Promise<Chat | undefined> {
  return db.get("chats", id);
}

/** All chats, most recent activity first. */
export async function listChats(db: ParleyDB): Promise<Chat[]> {
  return (await db.getAllFromIndex("chats", "byLastActivity")).reverse();
}

export async function getDraft(db: ParleyDB, chatId: string): Promise<Draft | undefined> {
  return db.get("drafts", chatId);
}

/** An empty text deletes the draft. */
export async function setDraft(db: ParleyDB, chatId: string, text: string, now: number = Date.now()): Promise<void> {
  if (text === "") await db.delete("drafts", chatId);
  else await db.put("drafts", { chatId, text, updatedAt: now });
  notify({ topic: "drafts", chatId });
}

export async function getSetting<T>(db: ParleyDB, key: string): Promise<T | undefined> {
  return (await db.get("settings", key))?.value as T | undefined;
}

export async function setSetting(db: ParleyDB, key: string, value: unknown): Promise<void> {
  await db.put("settings", { key, value });
  notify({ topic: "settings" });
}
