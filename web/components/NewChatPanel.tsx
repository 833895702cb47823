"use client";
/*
 * "New chat": chat with a phone number (Start chat), add it as a contact
 * (Add contact), import a vCard, or pick someone from the address book.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { engine, StartChatError, type ContactRow } from "@/lib/chat/engine";
import { formatPhone } from "@/lib/chat/model";
import { isE164, normalisePhone } from "@/lib/session/errors";
import { EmptyState } from "./EmptyState";
import { ArchiveIcon, CommunitiesIcon, DefaultAvatar } from "./icons";
import { PanelHeader } from "./PanelHeader";
import { SearchBox } from "./SearchBox";

export function NewChatPanel({ onBack, onOpen }: { onBack: () => void; onOpen: (chatId: string) => void }) {
  const [query, setQuery] = useState("");
  const [phone, setPhone] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [book, setBook] = useState<ContactRow[]>([]);
  const file = useRef<HTMLInputElement>(null);
  const reload = () => void engine.listContacts().then(setBook);
  useEffect(reload, []);

  const q = query.trim().toLowerCase();
  const matches = book.filter((c) => !q || c.name.toLowerCase().includes(q) || c.phone.includes(q.replace(/\s/g, "")));
  const onApp = matches.filter((c) => c.onApp);
  const invite = matches.filter((c) => !c.onApp);

  async function open(p: string) {
    setBusy(true);
    setError("");
    try {
      onOpen(await engine.startChat(p));
    } catch (err) {
      setError(err instanceof StartChatError ? err.message : "Couldn't start the chat. Try again.");
    } finally {
      setBusy(false);
    }
  }

  function checked(): string | null {
    const p = normalisePhone(phone);
    if (!isE164(p)) {
      setError("Enter the number with its country code, starting with +.");
      return null;
    }
    return p;
  }

  async function start(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const p = checked();
    if (p) await open(p);
  }

  async function add() {
    const p = checked();
    if (!p) return;
    if (!name.trim()) {
      setError("Enter a name for the contact.");
      return;
    }
    const err = await engine.addContact(p, name.trim());
    setError(err ?? "");
    if (!err) {
      setNote(`${name.trim()} was added to your contacts.`);
      setName("");
      setPhone("");
      reload();
    }
  }

  return (
    <>
      <PanelHeader title="New chat" onBack={onBack} />
      <SearchBox label="Search name or number" value={query} onChange={setQuery} />
      <div className="scroll">
        <form className="new-by-phone" onSubmit={start} noValidate>
          <label htmlFor="new-chat-phone" className="section-label">
            Chat with a phone number
          </label>
          <div className="new-by-phone-row">
            <input
              id="new-chat-phone"
              className="search-input plain-input"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              aria-label="Phone number"
              placeholder="Phone number, e.g. +44 7700 900123"
              value={phone}
              aria-invalid={error !== ""}
              aria-describedby="new-chat-error"
              onChange={(e) => setPhone(e.target.value)}
            />
            <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
              Start chat
            </button>
          </div>
          <div className="new-by-phone-row">
            <input
              className="search-input plain-input"
              type="text"
              autoComplete="off"
              aria-label="Name"
              placeholder="Name (to save as a contact)"
              maxLength={64}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <button type="button" className="btn btn-secondary" onClick={() => void add()}>
              Add contact
            </button>
          </div>
          <p id="new-chat-error" className="field-error" role="alert">
            {error}
          </p>
          {note && (
            <p className="saved-note" role="status">
              {note}
            </p>
          )}
        </form>
        <ul className="list" role="list" aria-label="New chat options">
          <li className="row">
            <button type="button" className="row-btn" aria-disabled="true">
              <span className="row-avatar round-accent" aria-hidden="true">
                <CommunitiesIcon />
              </span>
              <span className="row-body">
                <span className="row-title">New group</span>
              </span>
            </button>
          </li>
          <li className="row">
            <button type="button" className="row-btn" onClick={() => file.current?.click()}>
              <span className="row-avatar round-accent" aria-hidden="true">
                <ArchiveIcon />
              </span>
              <span className="row-body">
                <span className="row-title">Import contacts (vCard)</span>
              </span>
            </button>
            <input
              ref={file}
              type="file"
              accept=".vcf,text/vcard,text/x-vcard"
              hidden
              aria-label="vCard file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                e.target.value = "";
                if (!f) return;
                setNote(await engine.importVcard(await f.text()));
                reload();
              }}
            />
          </li>
        </ul>
        <h2 className="section-title">Contacts on Parley</h2>
        <div className="list-wrap">
          <ul className="list" role="list" aria-label="Contacts">
            {onApp.map((c) => (
              <li className="row" key={c.phone}>
                <button type="button" className="row-btn" onClick={() => void open(c.phone)}>
                  <span className="row-avatar" aria-hidden="true">
                    <DefaultAvatar size={49} />
                  </span>
                  <span className="row-body">
                    <span className="row-title">{c.name}</span>
                    <span className="row-sub">{formatPhone(c.phone)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {onApp.length === 0 && (
            <EmptyState icon={<DefaultAvatar size={40} />} title="No contacts yet">
              <p>People you add by phone number will appear here.</p>
            </EmptyState>
          )}
        </div>
        {invite.length > 0 && (
          <>
            <h2 className="section-title">Invite to Parley</h2>
            <ul className="list" role="list" aria-label="Invite to Parley">
              {invite.map((c) => (
                <li className="row" key={c.phone}>
                  <div className="row-btn static">
                    <span className="row-avatar" aria-hidden="true">
                      <DefaultAvatar size={49} />
                    </span>
                    <span className="row-body">
                      <span className="row-title">{c.name}</span>
                      <span className="row-sub">{formatPhone(c.phone)}</span>
                    </span>
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </>
  );
}
