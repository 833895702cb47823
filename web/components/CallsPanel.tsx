/* The Calls tab: call links and the call log, empty until the first call. */
import { useState } from "react";
import { EmptyState } from "./EmptyState";
import { CallsIcon, LinkIcon } from "./icons";
import { PanelHeader } from "./PanelHeader";
import { SearchBox } from "./SearchBox";

export function CallsPanel() {
  const [query, setQuery] = useState("");
  return (
    <>
      <PanelHeader title="Calls" />
      <SearchBox label="Search name or number" value={query} onChange={setQuery} />
      <div className="scroll">
        <ul className="list" role="list" aria-label="Call actions">
          <li className="row">
            <button type="button" className="row-btn" aria-label="Create call link">
              <span className="row-avatar round-accent" aria-hidden="true">
                <LinkIcon />
              </span>
              <span className="row-body">
                <span className="row-title">Create call link</span>
                <span className="row-sub">Share a link for your Parley call</span>
              </span>
            </button>
          </li>
        </ul>
        <h2 className="section-title">Recent</h2>
        <div className="list-wrap">
          <ul className="list" role="list" aria-label="Recent calls" />
          <EmptyState icon={<CallsIcon size={36} />} title="No recent calls">
            <p>Calls you make and receive will appear here.</p>
          </EmptyState>
        </div>
      </div>
    </>
  );
}
