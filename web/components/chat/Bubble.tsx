/* One message bubble: formatted text, time, ticks (outgoing) and the hover "Message options" menu. */
import { memo } from "react";
import { renderMessage } from "@/lib/format/render";
import { engine } from "@/lib/chat/engine";
import { tickLabel, timeLabel, type ChatMessage } from "@/lib/chat/model";
import { ChevronDownIcon, ClockIcon, ErrorIcon, LockIcon, TickIcon } from "../icons";
import { Menu, type MenuItem } from "../Menu";

export function Ticks({ status }: { status: ChatMessage["status"] }) {
  const label = tickLabel(status);
  return (
    <span role="img" aria-label={label} title={label} className="ticks" data-status={status}>
      {status === "queued" || status === "sending" ? (
        <ClockIcon />
      ) : status === "failed" ? (
        <ErrorIcon />
      ) : (
        <TickIcon double={status !== "sent"} />
      )}
    </span>
  );
}

interface Props {
  msg: ChatMessage;
  first: boolean;
  onRetry?: (id: string) => void;
  menu: (m: ChatMessage) => MenuItem[];
  onNotice?: ((m: ChatMessage) => void) | undefined;
}

export const Bubble = memo(function Bubble({ msg, first, onRetry, menu, onNotice }: Props) {
  const time = timeLabel(msg.sentAt);
  if (msg.dir === "system") {
    return (
      <div className="system-row" role="listitem">
        {msg.notice === "security" && onNotice ? (
          // WhatsApp's yellow notice; tapping it opens the security code.
          <button type="button" className="system-note security-note" onClick={() => onNotice(msg)}>
            <LockIcon size={12} /> {msg.text}
          </button>
        ) : (
          <span className="system-note">{msg.text}</span>
        )}
      </div>
    );
  }
  return (
    <div className="bubble-row" data-dir={msg.dir} data-first={first} role="listitem">
      <div className="bubble" data-dir={msg.dir} data-tail={first}>
        {first && (
          <span className="tail" aria-hidden="true">
            <svg viewBox="0 0 8 13" width="8" height="13">
              {msg.dir === "out" ? <path d="M5.188 1H0v11.193l6.467-8.625C7.526 2.156 6.958 1 5.188 1z" /> : <path d="M2.812 1H8v11.193L1.533 3.568C.474 2.156 1.042 1 2.812 1z" />}
            </svg>
          </span>
        )}
        <div className="bubble-menu">
          <Menu items={menu(msg)} label="Message options" icon={<ChevronDownIcon size={20} />} />
        </div>
        {msg.replyTo && (
          <div className="quote" data-mine={engine.nameOf(msg.replyTo.from) === "You" ? "true" : undefined}>
            <span className="quote-name">{engine.nameOf(msg.replyTo.from)}</span>
            <span className="quote-text">{msg.replyTo.text}</span>
          </div>
        )}
        <div className="bubble-text" dir="auto">
          {renderMessage(msg.text)}
          <span className="bubble-spacer" aria-hidden="true" />
        </div>
        <div className="bubble-meta">
          <span className="bubble-time">{time}</span>
          {msg.dir === "out" && <Ticks status={msg.status} />}
        </div>
      </div>
      {msg.status === "failed" && onRetry && (
        <button type="button" className="retry-btn" onClick={() => onRetry(msg.id)}>
          Not sent. Tap to retry
        </button>
      )}
    </div>
  );
});
