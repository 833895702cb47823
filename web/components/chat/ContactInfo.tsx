"use client";
/*
 * Contact info (WhatsApp's right-hand panel): photo, name, phone, About,
 * encryption with the 60-digit security code and "Mark as verified", Block
 * and Report.
 */
import { useEffect, useState } from "react";
import { engine } from "@/lib/chat/engine";
import { formatPhone, type ChatSummary } from "@/lib/chat/model";
import { SecurityQr } from "./SecurityQr";
import { BlockIcon, CloseIcon, DefaultAvatar, LockIcon, ShieldIcon, ThumbDownIcon } from "../icons";

export function ContactInfo({ chat, onClose, showCodeAtOpen = false }: { chat: ChatSummary; onClose: () => void; showCodeAtOpen?: boolean }) {
  const [code, setCode] = useState<{ groups: string[]; qr: Uint8Array } | null | "loading">("loading");
  const [showCode, setShowCode] = useState(showCodeAtOpen);
  const [note, setNote] = useState("");
  const name = chat.peer.name || formatPhone(chat.peer.phone);

  useEffect(() => {
    let live = true;
    setCode("loading");
    engine.securityCodeDetails(chat.id).then(
      (c) => live && setCode(c),
      () => live && setCode(null),
    );
    return () => {
      live = false;
    };
    // A change of the code (needsAck) while the panel is open shows the new one.
  }, [chat.id, chat.needsAck]);

  return (
    <aside className="contact-info" aria-label="Contact info">
      <header className="info-header">
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          <CloseIcon />
        </button>
        <h2 className="info-title">Contact info</h2>
      </header>
      <div className="info-scroll">
        <section className="info-card info-hero">
          <DefaultAvatar size={200} />
          <h3 className="info-name">{name}</h3>
          <p className="info-phone">{formatPhone(chat.peer.phone)}</p>
        </section>
        <section className="info-card">
          <h4 className="info-label">About</h4>
          <p className="info-about">{chat.peer.about || "Hey there! I am using Parley."}</p>
        </section>
        <section className="info-card">
          <button type="button" className="info-row" aria-expanded={showCode} onClick={() => setShowCode((v) => !v)}>
            <LockIcon size={20} />
            <span className="info-row-text">
              <span className="info-row-title">Encryption</span>
              <span className="info-row-sub">Messages are end-to-end encrypted. Click to verify.</span>
            </span>
          </button>
          {showCode && (
            <div className="security-code">
              {code === "loading" ? (
                <p className="info-row-sub">Loading security code…</p>
              ) : code === null ? (
                <p className="info-row-sub">No security code yet: send or receive a message first.</p>
              ) : (
                <>
                  <p className="info-row-sub">
                    To verify that messages with {name} are end-to-end encrypted, compare this number with the one on their
                    device.
                  </p>
                  <SecurityQr payload={code.qr} />
                  <p className="code-digits" aria-label={`Security code ${code.groups.join(" ")}`}>
                    {code.groups.map((g, i) => (
                      <span key={i}>{g}</span>
                    ))}
                  </p>
                  <button
                    type="button"
                    className="btn btn-primary"
                    aria-pressed={!!chat.verified}
                    onClick={() => void engine.markVerified(chat.id, !chat.verified)}
                  >
                    {chat.verified ? "Clear verification" : "Mark as verified"}
                  </button>
                  {chat.verified && (
                    <p className="verified-note">
                      <ShieldIcon size={16} /> Verified
                    </p>
                  )}
                </>
              )}
            </div>
          )}
        </section>
        <section className="info-card">
          <button
            type="button"
            className="info-row danger"
            onClick={async () => {
              await engine.block(chat.id, !chat.blocked);
              setNote(chat.blocked ? `${name} unblocked` : `${name} blocked`);
            }}
          >
            <BlockIcon size={20} />
            <span className="info-row-title">{chat.blocked ? `Unblock ${name}` : `Block ${name}`}</span>
          </button>
          <button
            type="button"
            className="info-row danger"
            onClick={async () => {
              const ok = await engine.report(chat.id);
              setNote(ok ? "Report sent. The last 5 messages were sent to Parley." : "Could not send the report.");
            }}
          >
            <ThumbDownIcon size={20} />
            <span className="info-row-title">Report {name}</span>
          </button>
          <p className="info-note" role="status">
            {note}
          </p>
        </section>
      </div>
    </aside>
  );
}
