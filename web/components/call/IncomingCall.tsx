"use client";
/*
 * The incoming call dialog (ui-contract: dialog "Incoming call"), shown over
 * whatever screen is open: caller's photo and name, "Voice call" / "Video
 * call", Accept, Decline, and decline with a quick reply (sent as a normal
 * encrypted chat message) or one of your own.
 */
import { useEffect, useRef, useState } from "react";
import { DefaultAvatar } from "../icons";
import { acceptCall, declineCall, QUICK_REPLIES, type CallView } from "@/lib/rtc/calls";
import { AcceptCallIcon, CamIcon, EndCallIcon, MessageIcon } from "./callIcons";
import { usePeerName } from "./useCalls";

export function IncomingCall({ call }: { call: CallView }) {
  const [replies, setReplies] = useState(false);
  const [custom, setCustom] = useState<string | null>(null);
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => accept.current?.focus(), []);
  const kind = call.media === "video" ? "Video call" : "Voice call";
  const name = usePeerName(call);
  return (
    <div
      className="incoming-call"
      role="dialog"
      aria-label="Incoming call"
      aria-describedby="incoming-call-who"
    >
      <div className="incoming-main">
        <span className="incoming-avatar" aria-hidden="true">
          <DefaultAvatar size={56} />
        </span>
        <div className="incoming-text" id="incoming-call-who">
          <span className="incoming-name">{name}</span>
          <span className="incoming-kind">
            {call.media === "video" ? <CamIcon size={16} /> : <AcceptCallIcon size={14} />} {kind}
          </span>
        </div>
      </div>
      <div className="incoming-actions">
        <button type="button" className="call-pill decline" onClick={() => void declineCall()}>
          <EndCallIcon size={20} /> Decline
        </button>
        <button type="button" ref={accept} className="call-pill accept" onClick={() => void acceptCall()}>
          {call.media === "video" ? <CamIcon size={18} /> : <AcceptCallIcon size={18} />} Accept
        </button>
        <button
          type="button"
          className="call-round small"
          aria-label="Decline with message"
          title="Decline with message"
          aria-expanded={replies}
          onClick={() => setReplies((v) => !v)}
        >
          <MessageIcon size={20} />
        </button>
      </div>
      {replies && (
        <ul className="quick-replies" aria-label="Quick replies">
          {QUICK_REPLIES.map((r) => (
            <li key={r.id}>
              <button type="button" onClick={() => void declineCall(r)}>
                {r.text}
              </button>
            </li>
          ))}
          <li>
            {custom === null ? (
              <button type="button" onClick={() => setCustom("")}>
                Write your own…
              </button>
            ) : (
              <form
                className="quick-custom"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (custom.trim()) void declineCall({ id: "custom", text: custom });
                }}
              >
                <input
                  autoFocus
                  aria-label="Your message"
                  placeholder="Type a reply"
                  maxLength={500}
                  value={custom}
                  onChange={(e) => setCustom(e.target.value)}
                />
                <button type="submit" className="btn btn-primary small-btn" disabled={!custom.trim()}>
                  Send and decline
                </button>
              </form>
            )}
          </li>
        </ul>
      )}
    </div>
  );
}
