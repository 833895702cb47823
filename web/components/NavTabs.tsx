"use client";
/*
 * Main navigation. One tablist, laid out by CSS as WhatsApp Desktop's left rail
 * (icons only, wide screens) or the mobile app's bottom bar (icon + label,
 * ≤ 768 px). Arrow keys, Home and End move between tabs (roving tabindex).
 */
import { useRef, type KeyboardEvent } from "react";
import { DefaultAvatar, SettingsIcon } from "./icons";
import { PANEL_ID, TABS, tabButtonId, type TabId } from "./tabs";

interface Props {
  tab: TabId;
  /** Counts shown on a tab (missed calls on Calls). */
  badges?: Partial<Record<TabId, number>>;
  settingsOpen: boolean;
  onSelect: (tab: TabId) => void;
  onSettings: () => void;
}

export function NavTabs({ tab, badges, settingsOpen, onSelect, onSettings }: Props) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = TABS.findIndex((t) => t.id === tab);
    let next = -1;
    if (e.key === "ArrowDown" || e.key === "ArrowRight") next = (i + 1) % TABS.length;
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const t = TABS[next];
    if (!t) return;
    onSelect(t.id);
    refs.current[next]?.focus();
  }

  return (
    <nav className="rail" aria-label="Main">
      <div className="rail-tabs" role="tablist" aria-label="Sections" onKeyDown={onKeyDown}>
        {TABS.map((t, i) => {
          const selected = t.id === tab;
          const active = selected && !settingsOpen;
          return (
            <button
              key={t.id}
              ref={(el) => {
                refs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={tabButtonId(t.id)}
              aria-selected={selected}
              aria-controls={PANEL_ID}
              tabIndex={selected ? 0 : -1}
              className="tab"
              data-active={active}
              title={t.label}
              // The name stays the tab's label; a badge describes it.
              aria-label={t.label}
              aria-describedby={(badges?.[t.id] ?? 0) > 0 ? `${tabButtonId(t.id)}-badge` : undefined}
              onClick={() => onSelect(t.id)}
            >
              <span className="tab-icon">
                <t.Icon filled={active} />
                {(badges?.[t.id] ?? 0) > 0 && (
                  <span className="tab-badge" id={`${tabButtonId(t.id)}-badge`} aria-label={`${badges![t.id]} missed`}>
                    {badges![t.id]}
                  </span>
                )}
              </span>
              <span className="tab-label">{t.label}</span>
            </button>
          );
        })}
      </div>
      <div className="rail-bottom">
        <button
          type="button"
          className="icon-btn rail-btn"
          aria-label="Settings"
          title="Settings"
          aria-pressed={settingsOpen}
          onClick={onSettings}
        >
          <SettingsIcon />
        </button>
        <button type="button" className="icon-btn rail-btn rail-avatar" aria-label="Profile" title="Profile" onClick={onSettings}>
          <DefaultAvatar size={28} />
        </button>
      </div>
    </nav>
  );
}
