/*
 * From "what we learned about a user's devices" to what the chat shows
 * (issue 6, e2e.md "Security code"). The engine calls noteDevices() wherever
 * it learns devices: a fetched device list, a send's 409/410 repair, a
 * prekey message from a device we had no key for. lib/store/trust decides
 * whether the set of identity keys changed; here a change becomes one
 * "Your security code with X changed" notice in each chat with that contact
 * and, for a verified contact, a hold on sending until the user acknowledges.
 *
 * Kept apart from engine.ts so it can be tested without a network.
 */
import { listMessages, putMessage } from "../store/messages";
import type { ParleyDB, StoredMessage } from "../store/db";
import { canSendTo, learnDevices, type DeviceNews, type DeviceSetCheck } from "../store/trust";

/** What noteDevices needs from the engine. */
export interface DeviceNewsDeps {
  db: ParleyDB;
  /** Our user id: changes of our own devices change our half of the code but show nothing. */
  me: string;
  /** Ids of the direct chats with `userId`. */
  chatsWith(userId: string): string[];
  /** How the chat names `userId`. */
  nameOf(userId: string): string;
  /** A stored system message, to show if the chat is on screen. */
  show(m: StoredMessage): void;
  /** The chat's flags after a change: hold = sending waits for acknowledgement; never verified. */
  changed(chatId: string, hold: boolean): void;
}

export const SECURITY_NOTICE = "security-code";

export function isSecurityNotice(m: Pick<StoredMessage, "kind" | "body">): boolean {
  return m.kind === "system" && (m.body as { type?: unknown } | null)?.type === SECURITY_NOTICE;
}

export function securityNoticeText(name: string): string {
  return `Your security code with ${name} changed. Tap to verify.`;
}

/** Apply the news; on a change of a contact's keys, tell each chat with them once. */
export async function noteDevices(deps: DeviceNewsDeps, userId: string, news: DeviceNews, at = Date.now()): Promise<DeviceSetCheck> {
  const check = await learnDevices(deps.db, userId, news, at);
  if (check !== "changed" || userId === deps.me) return check;
  const hold = !(await canSendTo(deps.db, userId));
  for (const chatId of deps.chatsWith(userId)) {
    await addNotice(deps, chatId, userId, at);
    deps.changed(chatId, hold);
  }
  return check;
}

/**
 * One notice per change; if the chat's newest message is one already (a
 * reinstall learned in two steps: the new device first, the old one's
 * removal later, nothing said in between), that one says it all.
 */
async function addNotice(deps: DeviceNewsDeps, chatId: string, userId: string, at: number): Promise<void> {
  // The newest message up to `at` (a notice goes just before the message that revealed the change).
  const [newest] = await listMessages(deps.db, chatId, { sentAt: at, id: "\uffff" }, 1);
  if (newest && isSecurityNotice(newest)) return;
  const m: StoredMessage = {
    id: `sys-${crypto.randomUUID()}`,
    chatId,
    sender: { u: userId, d: 0 },
    sentAt: at,
    receivedAt: Date.now(),
    kind: "system",
    body: { type: SECURITY_NOTICE, text: securityNoticeText(deps.nameOf(userId)) },
    status: "read",
  };
  await putMessage(deps.db, m);
  deps.show(m);
}
