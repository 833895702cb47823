"use client";
/*
 * The Chats tab: header (New chat, Menu), search, filter chips and the chat
 * list. With no chats yet the list is empty and an empty state sits over it;
 * the list element is always present (UI contract: list "Chat list").
 */
import { useEffect, useMemo, useState } from "react";
import { useChatState } from "@/lib/chat/state";
import { ChatRow } from "./ChatRow";
import { EmptyState } from "./EmptyState";
import { engine } from "@/lib/chat/engine";
import { ArchiveIcon, ChatsIcon, NewChatIcon } from "./icons";
import { Menu, type MenuItem } from "./Menu";
import { PanelHeader } from "./PanelHeader";
import { SearchBox } from "./SearchBox";
import { HitText } from "./HitText";
import { useMessageSearch } from "./chat/SearchPanel";
import { formatPhone, listTimeLabel } from "@/lib/chat/model";

type Filter = "all" | "unread" | "favourites" | "groups";

const FILTERS: { id: Filter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "unread", label: "Unread" },
  { id: "favourites", label: "Favourites" },
  { id: "groups", label: "Groups" },
];

const EMPTY: Record<Filter, { title: string; text: string }> = {
  all: { title: "No chats yet", text: "Start a conversation: choose New chat and pick a contact." },
  unread: { title: "No unread chats", text: "You're all caught up." },
  favourites: {
    title: "No favourites yet",
    text: "Add people or groups to Favourites so you can find them easily.",
  },
  groups: { title: "No group chats", text: "Groups you create or join will appear here." },
};

interface Props {
  menuItems: MenuItem[];
  onNewChat: () => void;
  openChatId: string | null;
  onOpen: (id: string) => void;
}

const CONN_TEXT: Partial<Record<string, string>> = {
  offline: "Connecting…",
  connecting: "Connecting…",
  syncing: "Syncing messages…",
  replaced: "Parley is open in another window. Reload to use it here.",
};

export function ChatsPanel({ menuItems, onNewChat, openChatId, onOpen }: Props) {
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [archivedView, setArchivedView] = useState(false);
  const [notice, setNotice] = useState("");
  const showPreview = useChatState(() => engine.getSettingValue("notificationPreview", true));
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(""), 3500);
    return () => clearTimeout(t);
  }, [notice]);
  const chats = useChatState((s) => s.chats);
  const typing = useChatState((s) => s.typing);
  const conn = useChatState((s) => s.conn);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  const q = query.trim().toLowerCase();
  const shown = useMemo(
    () =>
      chats.filter((c) => {
        if (!!c.archived !== archivedView) return false;
        if (filter === "unread" && !(c.unread > 0 || c.markedUnread)) return false;
        if (filter === "favourites" && !c.favourite) return false;
        if (filter === "groups") return false;
        if (!q) return true;
        return (
          c.peer.name.toLowerCase().includes(q) ||
          c.peer.phone.replace(/\s/g, "").includes(q.replace(/\s/g, "")) ||
          (c.last?.text.toLowerCase().includes(q) ?? false)
        );
      }),
    [chats, filter, q, archivedView],
  );
  const archived = chats.filter((c) => c.archived);
  const archivedUnread = archived.filter((c) => c.unread > 0).length;
  // Messages across chats (an explicit search, so snippets show even with previews off).
  const found = useMessageSearch(null, archivedView ? "" : query) ?? [];
  const titleOf = (chatId: string) => {
    const c = chats.find((x) => x.id === chatId);
    return c ? c.peer.name || formatPhone(c.peer.phone) : "";
  };
  const empty = q !== "" ? { title: "No chats, contacts or messages found", text: "" } : EMPTY[filter];
  const banner = CONN_TEXT[conn];

  if (archivedView) {
    return (
      <>
        <PanelHeader title="Archived" onBack={() => setArchivedView(false)} />
        <p className="section-note">These chats stay archived when new messages are received.</p>
        <div className="list-wrap">
          <ul className="list" role="list" aria-label="Archived chats">
            {shown.map((c) => (
              <ChatRow key={c.id} chat={c} selected={c.id === openChatId} typing={(typing[c.id] ?? 0) > Date.now()} showPreview={showPreview} now={now} onOpen={onOpen} onNotice={setNotice} />
            ))}
          </ul>
          {shown.length === 0 && <EmptyState icon={<ArchiveIcon size={40} />} title="No archived chats" />}
        </div>
        {notice && (
          <div className="toast" role="status">
            {notice}
          </div>
        )}
      </>
    );
  }

  return (
    <>
      <PanelHeader title="Chats" mobileTitle="Parley">
        <button type="button" className="icon-btn only-desktop" aria-label="New chat" title="New chat" onClick={onNewChat}>
          <NewChatIcon />
        </button>
        <Menu items={menuItems} />
      </PanelHeader>
      {banner && (
        <div className="conn-banner" role="status">
          {banner}
        </div>
      )}
      <SearchBox label="Search or start a new chat" value={query} onChange={setQuery} />
      <div className="chips" role="group" aria-label="Filter chats">
        {FILTERS.map((f) => (
          <button
            key={f.id}
            type="button"
            className="chip"
            aria-pressed={filter === f.id}
            onClick={() => setFilter(f.id)}
          >
            {f.label}
          </button>
        ))}
      </div>
      {archived.length > 0 && q === "" && filter === "all" && (
        <button type="button" className="row-btn archived-row" onClick={() => setArchivedView(true)}>
          <span className="row-icon" aria-hidden="true">
            <ArchiveIcon />
          </span>
          <span className="row-body">
            <span className="row-line">
              <span className="row-title">Archived</span>
              {archivedUnread > 0 ? <span className="archived-count">{archivedUnread}</span> : null}
            </span>
          </span>
        </button>
      )}
      <div className="list-wrap" data-searching={q !== ""}>
        {q !== "" && shown.length > 0 && <h2 className="found-title">Chats</h2>}
        <ul className="list" role="list" aria-label="Chat list">
          {shown.map((c) => (
            <ChatRow
              key={c.id}
              chat={c}
              selected={c.id === openChatId}
              typing={(typing[c.id] ?? 0) > Date.now()}
              showPreview={showPreview}
              now={now}
              onOpen={onOpen}
              onNotice={setNotice}
            />
          ))}
        </ul>
        {q !== "" && found.length > 0 && (
          <>
            <h2 className="found-title">Messages</h2>
            <ul className="list found-list" aria-label="Message results">
              {found.map((h) => (
                <li key={h.id} className="row found-hit">
                  <button
                    type="button"
                    className="row-btn"
                    onClick={() => {
                      onOpen(h.chatId);
                      void engine.revealMessage(h.chatId, h.id);
                    }}
                  >
                    <span className="row-body">
                      <span className="row-line">
                        <span className="row-title">{titleOf(h.chatId)}</span>
                        <span className="row-time">{listTimeLabel(h.sentAt, now)}</span>
                      </span>
                      <span className="row-line">
                        <span className="row-sub">
                          <span className="row-preview">
                            {h.dir === "out" ? "You: " : ""}
                            <HitText text={h.text} query={query} max={60} />
                          </span>
                        </span>
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        {shown.length === 0 && found.length === 0 && (
          <EmptyState icon={<ChatsIcon size={40} />} title={empty.title}>
            {empty.text && <p>{empty.text}</p>}
            {filter !== "all" && q === "" && (
              <button type="button" className="link-btn" onClick={() => setFilter("all")}>
                View all chats
              </button>
            )}
          </EmptyState>
        )}
      </div>
      <button type="button" className="fab only-mobile" aria-label="New chat" title="New chat" onClick={onNewChat}>
        <NewChatIcon />
      </button>
      {notice && (
        <div className="toast" role="status">
          {notice}
        </div>
      )}
    </>
  );
}
