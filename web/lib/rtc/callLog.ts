/*
 * The call log on the Calls tab: GET /api/calls/log (paged, newest first),
 * kept live by call_log events (upsert / delete / clear, synced across this
 * user's devices), and the missed-call badge: missed calls newer than this
 * browser's last look at the tab, with a desktop notification for a new
 * one while the tab is hidden.
 */
import { calls as api, type CallLogEntry } from "../api/calls";
import { peerName, whoAmI } from "../chat/engine";
import type { WsEvent } from "../ws/client";
import { errCode, log, setState, state, type CallsState } from "./store";

export function onLog(e: WsEvent) {
  if (e.op === "clear") setState({ log: [] });
  else if (e.op === "delete" && Array.isArray(e.ids)) {
    const ids = new Set(e.ids as string[]);
    setState({ log: state.log.filter((x) => !ids.has(x.id)) });
  } else if (e.op === "upsert" && e.entry && typeof e.entry === "object") {
    const entry = e.entry as CallLogEntry;
    const had = state.log.find((x) => x.id === entry.id);
    const list = [entry, ...state.log.filter((x) => x.id !== entry.id)].sort((a, b) => b.started_at.localeCompare(a.started_at));
    const newlyMissed = entry.missed && !had?.missed;
    setState({ log: list, missedUnseen: state.missedUnseen + (newlyMissed ? 1 : 0) });
    if (newlyMissed) void notifyMissed(entry);
  }
}

async function notifyMissed(entry: CallLogEntry) {
  if (typeof document === "undefined" || document.visibilityState === "visible") return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  try {
    new Notification(await peerName(entry.peer), { body: entry.media === "video" ? "Missed video call" : "Missed voice call", tag: `missed-${entry.call_id}` });
  } catch {
    // best-effort
  }
}

/** After (re)connecting: anything ringing for us, or a call this tab lost (a reload), from the server. */

/** When this user last looked at the Calls tab (per browser): missed calls after it are "unseen". */
function seenKey(): string | null {
  const me = whoAmI();
  return me ? `parley-calls-seen-${me.user}` : null;
}

function lastSeenAt(): number {
  const k = seenKey();
  try {
    return k ? Number(localStorage.getItem(k) ?? 0) || 0 : 0;
  } catch {
    return 0;
  }
}

export async function loadLog(more = false): Promise<void> {
  try {
    const page = await api.log(more ? state.logNext : null, 50);
    const have = more ? state.log : [];
    const ids = new Set(have.map((x) => x.id));
    const list = [...have, ...page.entries.filter((x) => !ids.has(x.id))];
    const p: Partial<CallsState> = { log: list, logNext: page.next, logLoaded: true };
    // The badge survives a reload: missed calls newer than the last look at the tab.
    if (!more) {
      const seen = lastSeenAt();
      p.missedUnseen = list.filter((e) => e.missed && Date.parse(e.started_at) > seen).length;
    }
    setState(p);
  } catch (e) {
    log("log", errCode(e));
    setState({ logLoaded: true });
  }
}

export async function deleteLogEntry(id: string): Promise<void> {
  setState({ log: state.log.filter((x) => x.id !== id) });
  await api.deleteLogEntry(id).catch(() => undefined);
}

export async function clearLog(): Promise<void> {
  setState({ log: [], logNext: null });
  await api.clearLog().catch(() => undefined);
}

export function markMissedSeen(): void {
  const k = seenKey();
  try {
    if (k) localStorage.setItem(k, String(Date.now()));
  } catch {
    // private mode: the badge is per tab then
  }
  if (state.missedUnseen !== 0) setState({ missedUnseen: 0 });
}
