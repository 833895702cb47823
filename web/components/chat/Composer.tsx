"use client";
/*
 * The composer: Emoji, Attach, the auto-growing "Type a message" box, and
 * Send (with text) or Voice message (empty), as in WhatsApp. Enter sends and
 * Shift+Enter adds a line (when "Enter is send" is on, the default). Typing
 * reports composing / paused; the draft is kept per chat by the caller.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { engine } from "@/lib/chat/engine";
import { plainText } from "@/lib/format/parse";
import type { ChatMessage } from "@/lib/chat/model";
import { AttachIcon, CloseIcon, EmojiIcon, MicIcon, SendIcon } from "../icons";
import { EmojiPicker } from "./EmojiPicker";

interface Props {
  chatId: string;
  draft: string;
  enterSends: boolean;
  disabled?: string | null;
  onDraft: (text: string) => void;
  onSend: (text: string) => void;
  onTyping: (state: "composing" | "paused") => void;
  replyTo?: ChatMessage | null;
  onCancelReply?: () => void;
}

const PAUSE_MS = 3000;

export function Composer({ chatId, draft, enterSends, disabled, onDraft, onSend, onTyping, replyTo, onCancelReply }: Props) {
  const [text, setText] = useState(draft);
  const [emoji, setEmoji] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const typing = useRef<{ since: number; timer: ReturnType<typeof setTimeout> | null }>({ since: 0, timer: null });

  // A different chat brings its own draft.
  useEffect(() => {
    setText(draft);
    box.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chatId]);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 7 * 20 + 18)}px`;
  }, [text]);

  useEffect(
    () => () => {
      const t = typing.current;
      if (t.timer) clearTimeout(t.timer);
      if (t.since) onTyping("paused");
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [chatId],
  );

  function change(v: string) {
    setText(v);
    onDraft(v);
    const t = typing.current;
    const now = Date.now();
    if (v.trim() === "") {
      if (t.since) onTyping("paused");
      t.since = 0;
      return;
    }
    // Refresh every few seconds while typing; the server expires it after ~6 s.
    if (!t.since || now - t.since > PAUSE_MS) {
      t.since = now;
      onTyping("composing");
    }
    if (t.timer) clearTimeout(t.timer);
    t.timer = setTimeout(() => {
      t.since = 0;
      onTyping("paused");
    }, PAUSE_MS);
  }

  function send() {
    const v = text.replace(/^\s*\n|\s+$/g, "");
    if (v.trim() === "" || disabled) return;
    onSend(v);
    setText("");
    onDraft("");
    const t = typing.current;
    if (t.timer) clearTimeout(t.timer);
    t.since = 0;
    box.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && enterSends && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  function insertEmoji(ch: string) {
    const el = box.current;
    const at = el ? el.selectionStart : text.length;
    const endSel = el ? el.selectionEnd : text.length;
    const v = text.slice(0, at) + ch + text.slice(endSel);
    change(v);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + ch.length, at + ch.length);
    });
  }

  useEffect(() => {
    if (replyTo) box.current?.focus();
  }, [replyTo]);

  const empty = text.trim() === "";
  return (
    <footer className="composer" data-replying={!!replyTo}>
      {replyTo && (
        <div className="reply-bar" role="group" aria-label="Replying to">
          <div className="quote">
            <span className="quote-name">{replyTo.from ? engine.nameOf(replyTo.from) : ""}</span>
            <span className="quote-text">{plainText(replyTo.text)}</span>
          </div>
          <button type="button" className="icon-btn" aria-label="Cancel reply" onClick={onCancelReply}>
            <CloseIcon />
          </button>
        </div>
      )}
      {emoji && <EmojiPicker onPick={insertEmoji} onClose={() => setEmoji(false)} />}
      <button
        type="button"
        className="icon-btn"
        aria-label="Emoji"
        title="Emoji"
        aria-expanded={emoji}
        aria-pressed={emoji}
        onClick={() => setEmoji((v) => !v)}
      >
        <EmojiIcon />
      </button>
      <button type="button" className="icon-btn" aria-label="Attach" title="Attach">
        <AttachIcon />
      </button>
      <div className="composer-box">
        <textarea
          ref={box}
          rows={1}
          className="composer-input"
          aria-label="Type a message"
          placeholder={disabled ?? "Type a message"}
          value={text}
          disabled={!!disabled}
          spellCheck
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      {empty ? (
        <button type="button" className="icon-btn composer-send" aria-label="Voice message" title="Voice message">
          <MicIcon />
        </button>
      ) : (
        <button type="button" className="icon-btn composer-send" aria-label="Send" title="Send" onClick={send}>
          <SendIcon />
        </button>
      )}
    </footer>
  );
}
