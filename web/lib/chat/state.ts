/*
 * The live view model for React: chats, the loaded messages of each chat,
 * presence, typing and the connection status. lib/chat/engine.ts writes it
 * (from the network and the store); components read it through useChatState
 * with a selector. Every update replaces what changed, so selectors compare
 * by reference.
 */
import { useSyncExternalStore } from "react";
import type { WsStatus } from "../ws/client";
import { sortChats, upsertMessage, type ChatMessage, type ChatSummary } from "./model";

export interface Presence {
  online: boolean;
  lastSeen?: number;
}

export interface ChatViewState {
  chats: ChatSummary[];
  messages: Record<string, ChatMessage[]>;
  presence: Record<string, Presence>;
  /** chatId → typing expiry (ms) */
  typing: Record<string, number>;
  drafts: Record<string, string>;
  conn: WsStatus;
  /** End-to-end encryption readiness of this device. */
  e2e: "loading" | "ready" | "unavailable";
  e2eError?: string;
  /** A message to scroll to and highlight (search results); `n` makes each request new. */
  reveal?: { chatId: string; id: string; n: number };
}

let state: ChatViewState = {
  chats: [],
  messages: {},
  presence: {},
  typing: {},
  drafts: {},
  conn: "idle",
  e2e: "loading",
};
const listeners = new Set<() => void>();

export function getChatState(): ChatViewState {
  return state;
}

export function setChatState(patch: Partial<ChatViewState> | ((s: ChatViewState) => Partial<ChatViewState>)): void {
  const p = typeof patch === "function" ? patch(state) : patch;
  const prev = state;
  state = { ...state, ...p };
  // Exposed on <html> for tests and styling: data-e2e (keys ready) and data-conn (push channel).
  if (typeof document !== "undefined" && (prev.e2e !== state.e2e || prev.conn !== state.conn)) {
    document.documentElement.dataset.e2e = state.e2e;
    document.documentElement.dataset.conn = state.conn;
  }
  for (const l of listeners) l();
}

export function subscribeChatState(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function useChatState<T>(select: (s: ChatViewState) => T): T {
  return useSyncExternalStore(
    subscribeChatState,
    () => select(state),
    () => select(state),
  );
}

export function resetChatState(): void {
  state = { chats: [], messages: {}, presence: {}, typing: {}, drafts: {}, conn: "idle", e2e: "loading" };
  for (const l of listeners) l();
}

/* ---- helpers used by the engine ---- */

export function putChat(c: ChatSummary): void {
  setChatState((s) => ({ chats: sortChats([...s.chats.filter((x) => x.id !== c.id), c]) }));
}

export function patchChat(id: string, fn: (c: ChatSummary) => ChatSummary): void {
  setChatState((s) => {
    const c = s.chats.find((x) => x.id === id);
    if (!c) return {};
    return { chats: sortChats(s.chats.map((x) => (x.id === id ? fn(x) : x))) };
  });
}

export function putMessage(m: ChatMessage): void {
  setChatState((s) => ({ messages: { ...s.messages, [m.chatId]: upsertMessage(s.messages[m.chatId] ?? [], m) } }));
}

export function setMessages(chatId: string, list: ChatMessage[]): void {
  setChatState((s) => ({ messages: { ...s.messages, [chatId]: list } }));
}

export function findMessage(id: string): ChatMessage | undefined {
  for (const list of Object.values(state.messages)) {
    const m = list.find((x) => x.id === id);
    if (m) return m;
  }
  return undefined;
}
