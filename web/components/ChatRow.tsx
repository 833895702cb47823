"use client";
/*
 * One chat in the list: photo, name, time, last-message preview with ticks,
 * unread badge, muted and pinned icons, and the chat's menu (hover chevron,
 * right-click, or long-press on touch): archive, pin, mute, mark unread,
 * favourite, delete.
 */
import { memo, useRef, useState } from "react";
import { engine } from "@/lib/chat/engine";
import { formatPhone, listTimeLabel, type ChatSummary } from "@/lib/chat/model";
import { Ticks } from "./chat/Bubble";
import { ChevronDownIcon, DefaultAvatar, MutedIcon, PinIcon } from "./icons";
import { Menu, type MenuItem } from "./Menu";

interface Props {
  chat: ChatSummary;
  selected: boolean;
  typing: boolean;
  showPreview: boolean;
  now: number;
  onOpen: (id: string) => void;
  onNotice: (text: string) => void;
}

export const ChatRow = memo(function ChatRow({ chat, selected, typing, showPreview, now, onOpen, onNotice }: Props) {
  const name = chat.peer.name || formatPhone(chat.peer.phone);
  const unread = chat.unread > 0 || !!chat.markedUnread;
  const menuRef = useRef<HTMLDivElement>(null);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [pressed, setPressed] = useState(false);

  const flag = async (f: Parameters<typeof engine.setChatFlags>[1]) => {
    const err = await engine.setChatFlags(chat.id, f);
    if (err) onNotice(err);
  };
  const items: MenuItem[] = [
    { label: chat.archived ? "Unarchive chat" : "Archive chat", onSelect: () => void flag({ archived: !chat.archived }) },
    { label: chat.muted ? "Unmute notifications" : "Mute notifications", onSelect: () => void flag({ mute: chat.muted ? "off" : "8h" }) },
    { label: chat.pinned ? "Unpin chat" : "Pin chat", onSelect: () => void flag({ pinned: !chat.pinned }) },
    {
      label: unread ? "Mark as read" : "Mark as unread",
      onSelect: () => (unread ? (engine.markRead(chat.id), void flag({ marked_unread: false })) : void flag({ marked_unread: true })),
    },
    { label: chat.favourite ? "Remove from favourites" : "Add to favourites", onSelect: () => void flag({ favourite: !chat.favourite }) },
    { label: "Delete chat", danger: true, onSelect: () => void engine.deleteChat(chat.id) },
  ];
  const openMenu = () => menuRef.current?.querySelector<HTMLButtonElement>("button")?.click();

  return (
    <li
      className="row chat-row"
      data-selected={selected}
      data-unread={unread}
      data-pressed={pressed}
      onContextMenu={(e) => {
        e.preventDefault();
        openMenu();
      }}
    >
      <button
        type="button"
        className="row-btn"
        aria-current={selected ? "true" : undefined}
        onClick={() => onOpen(chat.id)}
        onTouchStart={() => {
          setPressed(true);
          press.current = setTimeout(() => {
            press.current = null;
            openMenu();
          }, 500);
        }}
        onTouchEnd={(e) => {
          setPressed(false);
          if (press.current) clearTimeout(press.current);
          else e.preventDefault(); // the long-press opened the menu: not a tap
          press.current = null;
        }}
        onTouchMove={() => {
          setPressed(false);
          if (press.current) clearTimeout(press.current);
          press.current = null;
        }}
      >
        <span className="row-avatar" aria-hidden="true">
          <DefaultAvatar size={49} />
        </span>
        <span className="row-body">
          <span className="row-line">
            <span className="row-title">{name}</span>
            {chat.last && <span className="row-time">{listTimeLabel(chat.last.at, now)}</span>}
          </span>
          <span className="row-line">
            <span className="row-sub">
              {typing ? (
                <span className="row-typing">typing…</span>
              ) : chat.last ? (
                <>
                  {chat.last.dir === "out" && <Ticks status={chat.last.status} />}
                  <span className="row-preview">{showPreview ? chat.last.text : "Message"}</span>
                </>
              ) : (
                <span className="row-preview"> </span>
              )}
            </span>
            <span className="row-icons">
              {chat.muted && (
                <span role="img" aria-label="Muted" className="row-icon-sm">
                  <MutedIcon size={18} />
                </span>
              )}
              {chat.pinned && (
                <span role="img" aria-label="Pinned" className="row-icon-sm">
                  <PinIcon size={18} />
                </span>
              )}
              {chat.unread > 0 ? (
                <span className="unread-badge" data-muted={chat.muted} aria-label={`${chat.unread} unread message${chat.unread === 1 ? "" : "s"}`}>
                  {chat.unread}
                </span>
              ) : chat.markedUnread ? (
                <span className="unread-badge dot" aria-label="Marked as unread" />
              ) : null}
            </span>
          </span>
        </span>
      </button>
      <div className="row-menu" ref={menuRef}>
        <Menu items={items} label="Chat options" icon={<ChevronDownIcon size={20} />} />
      </div>
    </li>
  );
});
