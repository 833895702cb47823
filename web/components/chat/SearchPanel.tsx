"use client";
/*
 * "Search messages" (WhatsApp's right-hand panel; full screen on phones): a
 * search field, then this chat's matching messages newest first, each with
 * its date and a snippet with the matched words highlighted. Searching runs
 * in the browser over the client store (engine.searchMessages), 150 ms after
 * the last keystroke. Choosing a result shows it in the conversation.
 */
import { useEffect, useState } from "react";
import { engine, type MessageHit } from "@/lib/chat/engine";
import { listTimeLabel } from "@/lib/chat/model";
import { queryTerms } from "@/lib/chat/search";
import { useChatState } from "@/lib/chat/state";
import { BackIcon, CloseIcon, SearchIcon } from "../icons";
import { HitText } from "../HitText";

export const SEARCH_DEBOUNCE_MS = 150;

/** Debounced search: null while the query is blank. */
export function useMessageSearch(chatId: string | null, query: string): MessageHit[] | null {
  const [hits, setHits] = useState<MessageHit[] | null>(null);
  // New or removed messages re-run the search.
  const version = useChatState((s) => (chatId ? (s.messages[chatId]?.length ?? 0) : s.chats));
  useEffect(() => {
    if (queryTerms(query).length === 0) {
      setHits(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      engine.searchMessages(chatId, query).then(
        (h) => live && setHits(h),
        () => live && setHits([]),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [chatId, query, version]);
  return hits;
}

interface Props {
  chatId: string;
  name: string;
  onClose: () => void;
  onPick: (hit: MessageHit) => void;
}

export function SearchPanel({ chatId, name, onClose, onPick }: Props) {
  const [query, setQuery] = useState("");
  const hits = useMessageSearch(chatId, query);
  const now = Date.now();

  return (
    <aside
      className="contact-info search-panel"
      aria-label="Search messages"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <header className="info-header">
        {/* One button: an X beside the chat, a back arrow over it on phones. */}
        <button type="button" className="icon-btn" aria-label="Close search" title="Close search" onClick={onClose}>
          <span className="only-desktop">
            <CloseIcon />
          </span>
          <span className="only-mobile">
            <BackIcon />
          </span>
        </button>
        <h2 className="info-title">Search messages</h2>
      </header>
      <div className="search search-panel-box" role="search">
        <SearchIcon size={20} className="search-icon" />
        <input
          type="text"
          className="search-input"
          aria-label="Search messages"
          placeholder="Search..."
          value={query}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="info-scroll search-results">
        {hits === null ? (
          <p className="search-hint">Search for messages with {name}.</p>
        ) : hits.length === 0 ? (
          <p className="search-hint">No messages found</p>
        ) : (
          <ul className="search-list" aria-label="Search results">
            {hits.map((h) => (
              <li key={h.id} className="search-hit">
                <button type="button" className="search-hit-btn" onClick={() => onPick(h)}>
                  <span className="search-hit-date">{listTimeLabel(h.sentAt, now)}</span>
                  <span className="search-hit-text">
                    <span className="search-hit-snippet">
                      <HitText text={h.text} query={query} />
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
