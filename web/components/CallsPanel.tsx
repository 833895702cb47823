"use client";
/*
 * The Calls tab: the call log (GET /api/calls/log, kept live by call_log
 * events, synced across this user's devices), newest first, with a call-back
 * button per entry, delete and clear; more pages on demand.
 */
import { useEffect, useMemo, useState } from "react";
import type { CallLogEntry } from "@/lib/api/calls";
import { engine } from "@/lib/chat/engine";
import { listTimeLabel } from "@/lib/chat/model";
import { useChatState } from "@/lib/chat/state";
import { clearLog, deleteLogEntry, loadLog, startCall } from "@/lib/rtc/calls";
import { CallArrowIcon, TrashIcon } from "./call/callIcons";
import { useCalls } from "./call/useCalls";
import { EmptyState } from "./EmptyState";
import { CallsIcon, DefaultAvatar, LinkIcon, PhoneIcon, VideoIcon } from "./icons";
import { Menu } from "./Menu";
import { PanelHeader } from "./PanelHeader";
import { SearchBox } from "./SearchBox";

/** "0:07", "12:40", "1:02:03": the length of an answered call. */
export function durationLabel(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function kindOf(e: CallLogEntry): "Missed" | "Incoming" | "Outgoing" {
  if (e.missed) return "Missed";
  return e.direction === "incoming" ? "Incoming" : "Outgoing";
}

function LogRow({ e, name, now }: { e: CallLogEntry; name: string; now: number }) {
  const kind = kindOf(e);
  const at = Date.parse(e.started_at);
  const callBack = `Call ${name} back`;
  return (
    <li className="row call-row" data-kind={kind.toLowerCase()} data-call-id={e.call_id}>
      <div className="row-btn call-row-main">
        <span className="row-avatar" aria-hidden="true">
          <DefaultAvatar size={49} />
        </span>
        <span className="row-body">
          <span className="row-line">
            <span className="row-title" data-missed={e.missed}>
              {name}
            </span>
            <span className="row-time">{listTimeLabel(at, now)}</span>
          </span>
          <span className="row-line">
            <span className="row-sub call-sub">
              <span className="call-arrow" data-missed={e.missed} aria-hidden="true">
                <CallArrowIcon dir={e.direction} size={16} />
              </span>
              <span className="call-kind">{kind}</span>
              <span role="img" aria-label={e.media === "video" ? "Video call" : "Voice call"} className="call-media">
                {e.media === "video" ? <VideoIcon size={15} /> : <PhoneIcon size={14} />}
              </span>
              {e.duration > 0 && (
                <span className="call-duration" title="Duration">
                  {durationLabel(e.duration)}
                </span>
              )}
              {e.end_reason === "declined" && !e.missed && <span className="call-reason">Declined</span>}
              {e.end_reason === "busy" && <span className="call-reason">Busy</span>}
            </span>
          </span>
        </span>
      </div>
      <div className="call-row-actions">
        <button
          type="button"
          className="icon-btn call-back"
          aria-label={callBack}
          title={e.media === "video" ? "Video call" : "Voice call"}
          onClick={() => void startCall(e.peer, e.media, name)}
        >
          {e.media === "video" ? <VideoIcon size={22} /> : <PhoneIcon size={20} />}
        </button>
        <button type="button" className="icon-btn call-delete" aria-label={`Delete call with ${name}`} title="Delete" onClick={() => void deleteLogEntry(e.id)}>
          <TrashIcon size={18} />
        </button>
      </div>
    </li>
  );
}

export function CallsPanel() {
  const [query, setQuery] = useState("");
  const log = useCalls((s) => s.log);
  const loaded = useCalls((s) => s.logLoaded);
  const more = useCalls((s) => s.logNext);
  // Names come from the chats (and the engine's peer book); re-render when they change.
  const chats = useChatState((s) => s.chats);
  const [names, setNames] = useState<Record<string, string>>({});
  const [now] = useState(() => Date.now());
  useEffect(() => {
    void loadLog();
  }, []);
  useEffect(() => {
    const missing = [...new Set(log.map((e) => e.peer))].filter((u) => !names[u] && !engine.nameOf(u));
    for (const u of missing) {
      void import("@/lib/chat/engine").then(({ peerName }) => peerName(u)).then((n) => setNames((m) => ({ ...m, [u]: n })));
    }
  }, [log, names]);
  const nameOf = (u: string) => names[u] || engine.nameOf(u) || chats.find((c) => c.peer.userId === u)?.peer.phone || "Unknown";
  const q = query.trim().toLowerCase();
  const shown = useMemo(() => log.filter((e) => !q || nameOf(e.peer).toLowerCase().includes(q)), [log, q, names, chats]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <>
      <PanelHeader title="Calls">
        <Menu label="Menu" items={[{ label: "Clear call log", danger: true, onSelect: () => void clearLog() }]} />
      </PanelHeader>
      <SearchBox label="Search name or number" value={query} onChange={setQuery} />
      <div className="scroll">
        <ul className="list" role="list" aria-label="Call actions">
          <li className="row">
            <button type="button" className="row-btn" aria-label="Create call link">
              <span className="row-avatar round-accent" aria-hidden="true">
                <LinkIcon />
              </span>
              <span className="row-body">
                <span className="row-title">Create call link</span>
                <span className="row-sub">Share a link for your Parley call</span>
              </span>
            </button>
          </li>
        </ul>
        <h2 className="section-title">Recent</h2>
        <div className="list-wrap">
          <ul className="list" role="list" aria-label="Recent calls" aria-busy={!loaded}>
            {shown.map((e) => (
              <LogRow key={e.id} e={e} name={nameOf(e.peer)} now={now} />
            ))}
          </ul>
          {loaded && log.length === 0 && (
            <EmptyState icon={<CallsIcon size={36} />} title="No recent calls">
              <p>Calls you make and receive will appear here.</p>
            </EmptyState>
          )}
          {more && (
            <button type="button" className="btn load-more" onClick={() => void loadLog(true)}>
              Show older calls
            </button>
          )}
        </div>
      </div>
    </>
  );
}
