/*
 * Message search over the client store (the server cannot search: messages are
 * end-to-end encrypted). A scan of the byChat index newest first, matching the
 * plain text (formatting markers removed, lib/format) with lib/chat/search's
 * folding. Only text messages count: system notices and deleted messages are
 * skipped. Both queries are bounded: they stop at `limit` hits.
 */
import { plainText } from "../format/parse";
import { matches, queryTerms } from "../chat/search";
import type { ParleyDB, StoredMessage } from "./db";

export interface SearchHit {
  message: StoredMessage;
  /** The message's plain text, as matched. */
  text: string;
}

export const SEARCH_LIMIT = 50;

function searchable(m: StoredMessage): string | null {
  if (m.kind !== "text") return null;
  const body = m.body as { text?: unknown; deleted?: unknown } | null;
  if (!body || body.deleted === true || typeof body.text !== "string" || body.text === "") return null;
  return body.text;
}

/** Hits of one chat, newest first, at most `limit`. A blank query finds nothing. */
export async function searchChat(db: ParleyDB, chatId: string, query: string, limit = SEARCH_LIMIT): Promise<SearchHit[]> {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const tx = db.transaction("messages");
  const out = await scanChat(tx.store.index("byChat"), chatId, terms, limit);
  await tx.done;
  return out;
}

/**
 * Hits across chats, newest first, at most `limit`. Chats are scanned in
 * order of last activity (and each newest first) and the scan stops at
 * `limit` hits, so a very broad query costs no more than a narrow one.
 * `chatIds`, when given, restricts (and orders) the chats.
 */
export async function searchAll(db: ParleyDB, query: string, limit = SEARCH_LIMIT, chatIds?: readonly string[]): Promise<SearchHit[]> {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const tx = db.transaction(["chats", "messages"]);
  const ids = chatIds ?? (await tx.objectStore("chats").index("byLastActivity").getAllKeys()).reverse();
  const index = tx.objectStore("messages").index("byChat");
  const out: SearchHit[] = [];
  for (const id of ids) {
    if (out.length >= limit) break;
    out.push(...(await scanChat(index, id, terms, limit - out.length)));
  }
  await tx.done;
  return out.sort((a, b) => b.message.sentAt - a.message.sentAt || (a.message.id < b.message.id ? 1 : -1));
}

/** The byChat index of any transaction (read-only use). */
interface ByChat {
  openCursor(range: IDBKeyRange, dir: IDBCursorDirection): Promise<Cursor | null>;
}
interface Cursor {
  value: StoredMessage;
  continue(): Promise<Cursor | null>;
}

async function scanChat(index: ByChat, chatId: string, terms: string[], limit: number): Promise<SearchHit[]> {
  // Array keys sort after numbers and strings, so [chatId, []] bounds every [chatId, sentAt, id].
  const range = IDBKeyRange.bound([chatId], [chatId, []]);
  const out: SearchHit[] = [];
  for (let c = await index.openCursor(range, "prev"); c && out.length < limit; c = await c.continue()) {
    const raw = searchable(c.value);
    if (raw === null) continue;
    const text = plainText(raw);
    if (matches(text, terms)) out.push({ message: c.value, text });
  }
  return out;
}
