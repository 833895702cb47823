"use client";
/* "New chat": the contact picker. Contacts arrive with the contacts API; until then it is empty. */
import { useState } from "react";
import { EmptyState } from "./EmptyState";
import { CommunitiesIcon, DefaultAvatar, PlusIcon } from "./icons";
import { PanelHeader } from "./PanelHeader";
import { SearchBox } from "./SearchBox";

export function NewChatPanel({ onBack }: { onBack: () => void }) {
  const [query, setQuery] = useState("");
  return (
    <>
      <PanelHeader title="New chat" onBack={onBack} />
      <SearchBox label="Search name or number" value={query} onChange={setQuery} />
      <div className="scroll">
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
            <button type="button" className="row-btn" aria-disabled="true">
              <span className="row-avatar round-accent" aria-hidden="true">
                <PlusIcon />
              </span>
              <span className="row-body">
                <span className="row-title">New contact</span>
              </span>
            </button>
          </li>
        </ul>
        <h2 className="section-title">Contacts on Parley</h2>
        <div className="list-wrap">
          <ul className="list" role="list" aria-label="Contacts" />
          <EmptyState icon={<DefaultAvatar size={40} />} title="No contacts yet">
            <p>People you add by phone number will appear here.</p>
          </EmptyState>
        </div>
      </div>
    </>
  );
}
