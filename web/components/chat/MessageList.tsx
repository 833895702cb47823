"use client";
/*
 * The conversation's message list, windowed: only a slice of the rows is in
 * the DOM (WINDOW at most), starting at the newest. Scrolling near the top
 * extends the slice upwards (and drops rows at the bottom when it grows too
 * big); scrolling near the bottom extends it downwards. The first visible row
 * is the scroll anchor: its position on screen is kept across every change of
 * the slice, so nothing jumps. New messages keep the view pinned to the bottom
 * when it was there; otherwise the jump-to-latest button counts them.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { layoutRows, type ChatMessage } from "@/lib/chat/model";
import { extendDown, extendUp, followRows, initialRange, revealRange, type Range } from "@/lib/chat/window";
import { ChevronDownIcon } from "../icons";
import type { MenuItem } from "../Menu";
import { Bubble } from "./Bubble";

const EDGE = 400; // px from an edge that loads more

interface Props {
  chatId: string;
  messages: readonly ChatMessage[];
  /** Id of the first unread message when the chat was opened. */
  unreadFrom: string | null;
  unreadCount: number;
  onAtBottom: () => void;
  onLeftBottom: () => void;
  onRetry: (id: string) => void;
  menu: (m: ChatMessage) => MenuItem[];
  /** A notice was tapped (e.g. "security code changed": show the code). */
  onNotice?: (m: ChatMessage) => void;
  /** Scroll to this message and highlight it briefly (a search result); a new `n` repeats it. */
  reveal?: { id: string; n: number } | undefined;
  onRevealed?: (n: number) => void;
}

export function MessageList({ chatId, messages, unreadFrom, unreadCount, onAtBottom, onLeftBottom, onRetry, menu, onNotice, reveal, onRevealed }: Props) {
  const now = Date.now();
  const rows = useMemo(() => layoutRows(messages, now, unreadFrom, unreadCount), [messages, unreadFrom, unreadCount]); // eslint-disable-line react-hooks/exhaustive-deps
  const scroller = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState<Range>(() =>
    initialRange(rows.length, unreadFrom ? rows.findIndex((r) => r.kind === "unread") : -1),
  );
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; top: number } | null>(null);
  const [newBelow, setNewBelow] = useState(0);
  const [showJump, setShowJump] = useState(false);
  const firstLayout = useRef(true);

  // Rows added before the window (older history loaded later) shift it; rows added at the end are
  // followed when the window reaches the end.
  const prevLen = useRef(rows.length);
  const prevFirst = useRef<{ key: string; at: number } | null>(null);
  const firstMsgAt = rows.findIndex((r) => r.kind === "msg");
  if (rows.length !== prevLen.current) {
    const old = prevFirst.current;
    const now = old ? rows.findIndex((r) => r.key === old.key) : -1;
    const shift = old && now > old.at ? now - old.at : 0;
    const next = followRows(range, prevLen.current, rows.length, shift, atBottom.current);
    if (next[0] !== range[0] || next[1] !== range[1]) {
      captureAnchor();
      setRange(next);
    }
    prevLen.current = rows.length;
  }
  prevFirst.current = firstMsgAt >= 0 ? { key: rows[firstMsgAt]!.key, at: firstMsgAt } : null;

  const lastId = useRef(messages[messages.length - 1]?.id);
  useEffect(() => {
    const prev = lastId.current;
    lastId.current = messages[messages.length - 1]?.id;
    if (atBottom.current || !prev) return;
    const i = messages.findIndex((m) => m.id === prev);
    const incoming = messages.slice(i + 1).filter((m) => m.dir === "in").length;
    if (incoming) setNewBelow((n) => n + incoming);
  }, [messages]);

  // Reveal: the slice around the message, then (layout effect) scroll it to the middle and flash it.
  const revealing = useRef<string | null>(null);
  const [flash, setFlash] = useState<{ id: string; n: number } | null>(null);
  const revealN = reveal?.n;
  useEffect(() => {
    if (!reveal) return;
    onRevealed?.(reveal.n);
    const at = rows.findIndex((r) => r.kind === "msg" && r.key === reveal.id);
    if (at < 0) return;
    atBottom.current = false;
    anchor.current = null;
    revealing.current = reveal.id;
    setRange(revealRange(at, rows.length));
    setFlash({ id: reveal.id, n: reveal.n });
  }, [revealN]); // eslint-disable-line react-hooks/exhaustive-deps
  // (Its own effect: onRevealed clears the request, which must not cancel the timer.)
  useEffect(() => {
    if (!flash) return;
    const t = setTimeout(() => setFlash(null), 2500);
    return () => clearTimeout(t);
  }, [flash]);

  function captureAnchor() {
    const el = scroller.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    for (const child of Array.from(el.querySelectorAll<HTMLElement>("[data-key]"))) {
      const r = child.getBoundingClientRect();
      if (r.bottom > top) {
        anchor.current = { key: child.dataset.key!, top: r.top - top };
        return;
      }
    }
  }

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (firstLayout.current) {
      firstLayout.current = false;
      const divider = el.querySelector<HTMLElement>('[data-key="unread"]');
      if (divider) {
        el.scrollTop = divider.offsetTop - 80;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      } else el.scrollTop = el.scrollHeight;
      return;
    }
    if (revealing.current) {
      const node = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(revealing.current)}"]`);
      revealing.current = null;
      anchor.current = null;
      if (node) {
        const r = node.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        el.scrollTop += r.top - box.top - Math.max(0, (el.clientHeight - r.height) / 2);
      }
      // The message may be among the newest: then the list is still at the bottom.
      const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40 && range[1] >= rows.length;
      atBottom.current = bottom;
      setShowJump(!bottom);
      if (!bottom) onLeftBottom();
      return;
    }
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      anchor.current = null;
      return;
    }
    const a = anchor.current;
    anchor.current = null;
    if (!a) return;
    const node = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(a.key)}"]`);
    if (!node) return;
    const now = node.getBoundingClientRect().top - el.getBoundingClientRect().top;
    el.scrollTop += now - a.top;
  });

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    const [s, e] = range;
    const bottom = fromBottom < 40 && e >= rows.length;
    if (atBottom.current && !bottom) onLeftBottom();
    atBottom.current = bottom;
    setShowJump(!bottom);
    if (bottom) {
      setNewBelow(0);
      onAtBottom();
    }
    if (el.scrollTop < EDGE && s > 0) {
      captureAnchor();
      setRange(extendUp(range));
    } else if (fromBottom < EDGE && e < rows.length) {
      captureAnchor();
      setRange(extendDown(range, rows.length));
    }
  }, [range, rows.length, onAtBottom, onLeftBottom]);

  // Opening a chat reads it (as in WhatsApp); later arrivals count as read while the view is at the bottom.
  const openedRead = useRef(false);
  useEffect(() => {
    if (!openedRead.current || atBottom.current) onAtBottom();
    openedRead.current = true;
  }, [chatId, messages.length, onAtBottom]);

  function jumpToLatest() {
    atBottom.current = true;
    setNewBelow(0);
    setShowJump(false);
    setRange(initialRange(rows.length, -1));
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    onAtBottom();
  }

  const [start, end] = range;
  const slice = rows.slice(start, end);
  const belowUnread = newBelow;

  return (
    <div className="messages-wrap">
      <div ref={scroller} className="messages" onScroll={onScroll}>
        <div className="messages-inner" role="list" aria-label="Messages" aria-live="polite" aria-relevant="additions">
          {start > 0 && <div className="messages-more" aria-hidden="true" />}
          {start === 0 && (
            <div className="e2e-notice" data-key="e2e">
              <span>
                Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them.
              </span>
            </div>
          )}
          {slice.map((r) =>
            r.kind === "day" ? (
              <div key={r.key} data-key={r.key} className="day-sep">
                <span>{r.label}</span>
              </div>
            ) : r.kind === "unread" ? (
              <div key={r.key} data-key={r.key} className="unread-sep">
                <span>
                  {r.count} unread message{r.count === 1 ? "" : "s"}
                </span>
              </div>
            ) : (
              <div key={r.key} data-key={r.key} className="msg-slot" data-highlight={flash?.id === r.key ? "true" : undefined}>
                <Bubble msg={r.msg} first={r.first} onRetry={onRetry} menu={menu} onNotice={onNotice} />
              </div>
            ),
          )}
        </div>
      </div>
      {showJump && (
        <button
          type="button"
          className="jump-latest"
          aria-label={belowUnread > 0 ? `Scroll to latest message, ${belowUnread} unread` : "Scroll to latest message"}
          onClick={jumpToLatest}
        >
          {belowUnread > 0 && <span className="jump-count">{belowUnread}</span>}
          <ChevronDownIcon />
        </button>
      )}
    </div>
  );
}
