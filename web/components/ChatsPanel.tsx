"use client";
/*
 * The Chats tab: header (New chat, Menu), search, filter chips and the chat
 * list. With no chats yet the list is empty and an empty state sits over it;
 * the list element is always present (UI contract: list "Chat list").
 */
import { useState } from "react";
import { EmptyState } from "./EmptyState";
import { ChatsIcon, NewChatIcon } from "./icons";
import { Menu, type MenuItem } from "./Menu";
import { PanelHeader } from "./PanelHeader";
import { SearchBox } from "./SearchBox";

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
}

export function ChatsPanel({ menuItems, onNewChat }: Props) {
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const empty = query.trim() !== "" ? { title: "No chats, contacts or messages found", text: "" } : EMPTY[filter];

  return (
    <>
      <PanelHeader title="Chats" mobileTitle="Parley">
        <button type="button" className="icon-btn only-desktop" aria-label="New chat" title="New chat" onClick={onNewChat}>
          <NewChatIcon />
        </button>
        <Menu items={menuItems} />
      </PanelHeader>
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
      <div className="list-wrap">
        <ul className="list" role="list" aria-label="Chat list" />
        <EmptyState icon={<ChatsIcon size={40} />} title={empty.title}>
          {empty.text && <p>{empty.text}</p>}
          {filter !== "all" && query.trim() === "" && (
            <button type="button" className="link-btn" onClick={() => setFilter("all")}>
              View all chats
            </button>
          )}
        </EmptyState>
      </div>
      <button type="button" className="fab only-mobile" aria-label="New chat" title="New chat" onClick={onNewChat}>
        <NewChatIcon />
      </button>
    </>
  );
}
