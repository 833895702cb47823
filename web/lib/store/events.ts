/*
 * Change notifications so the UI can subscribe to the store (style.md, Web:
 * "the UI subscribes to the store"): in this tab directly, in other tabs via
 * BroadcastChannel when available.
 */

export type StoreTopic = "messages" | "chats" | "identities" | "sessions" | "drafts" | "settings";
export interface StoreEvent {
  topic: StoreTopic;
  /** The chat concerned, when there is one. */
  chatId?: string;
}

type Listener = (e: StoreEvent) => void;
const listeners = new Set<Listener>();
let channel: BroadcastChannel | null = null;

function bc(): BroadcastChannel | null {
  if (channel === null && typeof BroadcastChannel !== "undefined") {
    channel = new BroadcastChannel("parley-store");
    channel.onmessage = (m: MessageEvent<StoreEvent>) => listeners.forEach((l) => l(m.data));
  }
  return channel;
}

export function subscribe(l: Listener): () => void {
  listeners.add(l);
  bc();
  return () => {
    listeners.delete(l);
    if (listeners.size === 0 && channel) {
      channel.close();
      channel = null;
    }
  };
}

export function notify(e: StoreEvent): void {
  listeners.forEach((l) => l(e));
  channel?.postMessage(e);
}
