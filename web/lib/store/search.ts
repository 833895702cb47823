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
 * Hits across chats, newest first, at most `limit`: one newest-first cursor
 * per chat, merged (each cursor waits on its chat's next hit; the newest of
 * those is taken), so the scan stops as soon as `limit` hits are known to be
 * the newest. `chatIds`, when given, restricts the chats.
 */
export async function searchAll(db: ParleyDB, query: string, limit = SEARCH_LIMIT, chatIds?: readonly string[]): Promise<SearchHit[]> {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const tx = db.transaction(["chats", "messages"]);
  const ids = chatIds ?? (await tx.objectStore("chats").getAllKeys());
  const index = tx.objectStore("messages").index("byChat");
  const heads: { cursor: Cursor; hit: SearchHit }[] = [];
  const advance = async (c: Cursor | null) => {
    for (; c; c = await c.continue()) {
      const hit = hitOf(c.value, terms);
      if (hit) return heads.push({ cursor: c, hit });
    }
  };
  await Promise.all(ids.map(async (id) => advance(await index.openCursor(IDBKeyRange.bound([id], [id, []]), "prev"))));
  const out: SearchHit[] = [];
  while (out.length < limit && heads.length > 0) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (newer(heads[i]!.hit.message, heads[best]!.hit.message)) best = i;
    const [head] = heads.splice(best, 1);
    out.push(head!.hit);
    if (out.length < limit) await advance(await head!.cursor.continue());
  }
  await tx.done;
  return out;
}

function newer(a: StoredMessage, b: StoredMessage): boolean {
  return a.sentAt > b.sentAt || (a.sentAt === b.sentAt && a.id > b.id);
}

function hitOf(m: StoredMessage, terms: string[]): SearchHit | null {
  const raw = searchable(m);
  if (raw === null) return null;
  const text = plainText(raw);
  return matches(text, terms) ? { message: m, text } : null;
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
    const hit = hitOf(c.value, terms);
    if (hit) out.push(hit);
  }
  return out;
}
