"use client";
/*
 * An open chat: header (photo, name, online / typing… / last seen, Video
 * call, Voice call, search, menu), the windowed message list, the composer,
 * and the contact info panel beside it (wide screens) or over it (phones).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { engine } from "@/lib/chat/engine";
import { startCall } from "@/lib/rtc/calls";
import { formatPhone, lastSeenLabel, type ChatMessage } from "@/lib/chat/model";
import { useChatState } from "@/lib/chat/state";
import { BackIcon, DefaultAvatar, LockIcon, PhoneIcon, SearchIcon, VideoIcon } from "../icons";
import { Menu, type MenuItem } from "../Menu";
import { Composer } from "./Composer";
import { ContactInfo } from "./ContactInfo";
import { MessageList } from "./MessageList";
import { SearchPanel } from "./SearchPanel";

const EMPTY: ChatMessage[] = [];

function useNow(active: boolean) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function Conversation({ chatId, onBack }: { chatId: string; onBack: () => void }) {
  const chat = useChatState((s) => s.chats.find((c) => c.id === chatId));
  const messages = useChatState((s) => s.messages[chatId] ?? EMPTY);
  const loaded = useChatState((s) => s.messages[chatId] !== undefined);
  const typingUntil = useChatState((s) => s.typing[chatId] ?? 0);
  const presence = useChatState((s) => (chat ? s.presence[chat.peer.userId] : undefined));
  const draft = useChatState((s) => s.drafts[chatId] ?? "");
  const e2e = useChatState((s) => s.e2e);
  const [side, setSide] = useState<"info" | "search" | null>(null);
  const info = side === "info";
  const setInfo = useCallback((on: boolean) => setSide(on ? "info" : null), []);
  useEffect(() => setSide(null), [chatId]);
  const reveal = useChatState((s) => (s.reveal?.chatId === chatId ? s.reveal : undefined));
  const onRevealed = useCallback((n: number) => engine.revealed(n), []);
  // Bumped by a tap on "security code changed": (re)opens contact info with the code shown.
  const [codeOpen, setCodeOpen] = useState(0);
  const onNotice = useCallback(() => {
    setCodeOpen((n) => n + 1);
    setInfo(true);
  }, [setInfo]);
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  useEffect(() => setReplyTo(null), [chatId]);
  const now = useNow(typingUntil > Date.now());

  // The unread divider is fixed when the chat opens.
  const opened = useRef<{ chatId: string; from: string | null; count: number } | null>(null);
  if (loaded && opened.current?.chatId !== chatId) {
    const unread = chat?.unread ?? 0;
    const incoming = messages.filter((m) => m.dir === "in");
    const first = unread > 0 ? incoming[incoming.length - unread] : undefined;
    opened.current = { chatId, from: first?.id ?? null, count: unread };
  }

  useEffect(() => {
    engine.openChat(chatId);
    return () => engine.closeChat(chatId);
  }, [chatId]);

  const onAtBottom = useCallback(() => engine.markRead(chatId), [chatId]);
  const onLeftBottom = useCallback(() => engine.leftBottom(chatId), [chatId]);
  const onRetry = useCallback((id: string) => engine.retry(id), []);
  const menu = useCallback(
    (m: ChatMessage): MenuItem[] => [
      { label: "Reply", onSelect: () => setReplyTo(m) },
      { label: "React" },
      { label: "Forward" },
      { label: "Copy", onSelect: () => void navigator.clipboard?.writeText(m.text).catch(() => undefined) },
      { label: "Star" },
      { label: "Pin" },
      ...(m.dir === "out" ? [{ label: "Edit" }] : []),
      { label: "Delete", onSelect: () => engine.deleteForMe(m) },
      ...(m.dir === "out" ? [{ label: "Info" }] : []),
    ],
    [],
  );

  const headerMenu: MenuItem[] = useMemo(
    () => [
      { label: "Contact info", onSelect: () => setInfo(true) },
      { label: "Search", onSelect: () => setSide("search") },
      { label: "Select messages" },
      { label: "Close chat", onSelect: onBack },
      {
        label: chat?.muted ? "Unmute notifications" : "Mute notifications",
        onSelect: () => void engine.setChatFlags(chatId, { mute: chat?.muted ? "off" : "8h" }),
      },
      { label: "Disappearing messages" },
      { label: "Clear chat", onSelect: () => void engine.clearChat(chatId) },
      {
        label: "Delete chat",
        onSelect: () => {
          onBack();
          void engine.deleteChat(chatId);
        },
      },
      { label: "Report", onSelect: () => void engine.report(chatId) },
      { label: chat?.blocked ? "Unblock" : "Block", onSelect: () => void engine.block(chatId, !chat?.blocked) },
    ],
    [chatId, onBack, chat?.muted, chat?.blocked, setInfo],
  );

  if (!chat) return null;
  const name = chat.peer.name || formatPhone(chat.peer.phone);
  let status = "";
  if (typingUntil > now) status = "typing…";
  else if (presence?.online) status = "online";
  else if (presence?.lastSeen) status = lastSeenLabel(presence.lastSeen, now);
  const blockedText = chat.blocked ? "You blocked this contact. Unblock to send a message." : null;
  const e2eText = e2e === "unavailable" ? "Encryption keys are not available on this device. Log out and in again." : null;

  return (
    <div className="conversation" data-info={side !== null}>
      <section className="conv-main" aria-label={`Chat with ${name}`}>
        <header className="conv-header">
          <button type="button" className="icon-btn conv-back only-mobile" aria-label="Back" onClick={onBack}>
            <BackIcon />
          </button>
          <button type="button" className="conv-who" onClick={() => setInfo(true)} aria-label={`Contact info for ${name}`}>
            <DefaultAvatar size={40} />
            <span className="conv-who-text">
              <span className="conv-name">{name}</span>
              <span className="conv-status" data-typing={status === "typing…"} aria-live="polite">
                {status || <span className="only-desktop">click here for contact info</span>}
              </span>
            </span>
          </button>
          <div className="conv-actions">
            <button type="button" className="icon-btn" aria-label="Video call" title="Video call" disabled={chat.blocked} onClick={() => void startCall(chat.peer.userId, "video", name)}>
              <VideoIcon />
            </button>
            <button type="button" className="icon-btn" aria-label="Voice call" title="Voice call" disabled={chat.blocked} onClick={() => void startCall(chat.peer.userId, "voice", name)}>
              <PhoneIcon />
            </button>
            <button type="button" className="icon-btn only-desktop" aria-label="Search" title="Search" aria-pressed={side === "search"} onClick={() => setSide((v) => (v === "search" ? null : "search"))}>
              <SearchIcon />
            </button>
            <Menu items={headerMenu} label="Menu" />
          </div>
        </header>
        {opened.current?.chatId === chatId ? (
          <MessageList
            key={chatId}
            chatId={chatId}
            messages={messages}
            unreadFrom={opened.current.from}
            unreadCount={opened.current.count}
            onAtBottom={onAtBottom}
            onLeftBottom={onLeftBottom}
            onRetry={onRetry}
            menu={menu}
            onNotice={onNotice}
            reveal={reveal}
            onRevealed={onRevealed}
          />
        ) : (
          <div className="messages-wrap" role="list" aria-label="Messages" aria-busy="true" />
        )}
        {chat.needsAck && (
          <div className="ack-banner" role="alert">
            <LockIcon size={16} />
            <span>
              Your security code with {name} changed. Messages you send wait until you acknowledge the new code.
            </span>
            <span className="ack-actions">
              <button type="button" className="btn btn-secondary small-btn" onClick={onNotice}>
                Verify
              </button>
              <button type="button" className="btn btn-primary small-btn" onClick={() => void engine.acknowledgeChange(chatId)}>
                Acknowledge
              </button>
            </span>
          </div>
        )}
        <Composer
          chatId={chatId}
          draft={draft}
          enterSends={engine.enterSends()}
          disabled={blockedText ?? e2eText}
          onDraft={(t) => engine.setDraft(chatId, t)}
          onSend={(t) => {
            void engine.sendText(chatId, t, replyTo);
            setReplyTo(null);
          }}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          onTyping={(st) => engine.typing(chatId, st)}
        />
      </section>
      {side === "search" && (
        <SearchPanel
          key={chatId}
          chatId={chatId}
          name={name}
          onClose={() => setSide(null)}
          onPick={(h) => {
            // Phones: the panel covers the chat, so it closes (as in WhatsApp).
            if (window.matchMedia("(max-width: 768px)").matches) setSide(null);
            void engine.revealMessage(h.chatId, h.id);
          }}
        />
      )}
      {info && <ContactInfo key={codeOpen} chat={chat} showCodeAtOpen={codeOpen > 0} onClose={() => setInfo(false)} />}
    </div>
  );
}
