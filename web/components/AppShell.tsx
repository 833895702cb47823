"use client";
/*
 * The main screen: navigation (rail or bottom bar), the left pane showing the
 * current tab or a drawer (Settings, New chat), and on wide screens the right
 * pane. Which of these are visible at which width is decided by CSS alone.
 */
import { useEffect, useState } from "react";
import { CallsPanel } from "./CallsPanel";
import { ChatsPanel } from "./ChatsPanel";
import { CommunitiesPanel } from "./CommunitiesPanel";
import { IntroPane } from "./IntroPane";
import type { MenuItem } from "./Menu";
import { NavTabs } from "./NavTabs";
import { NewChatPanel } from "./NewChatPanel";
import { SettingsPanel } from "./SettingsPanel";
import { PANEL_ID, tabButtonId, type TabId } from "./tabs";
import { ThemeDialog } from "./ThemeDialog";
import { UpdatesPanel } from "./UpdatesPanel";

type Drawer = "settings" | "newchat" | null;

export function AppShell() {
  const [tab, setTab] = useState<TabId>("chats");
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [themeOpen, setThemeOpen] = useState(false);
  // data-ready tells tests (and CSS, if ever needed) that hydration is done.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  const openSettings = () => setDrawer("settings");
  const chatsMenu: MenuItem[] = [
    { label: "New group" },
    { label: "Starred messages" },
    { label: "Select chats" },
    { label: "Linked devices" },
    { label: "Settings", onSelect: openSettings },
    { label: "Log out", danger: true },
  ];
  const updatesMenu: MenuItem[] = [{ label: "Status privacy" }, { label: "Settings", onSelect: openSettings }];

  let panel;
  if (drawer === "settings") {
    panel = <SettingsPanel onBack={() => setDrawer(null)} onTheme={() => setThemeOpen(true)} />;
  } else if (drawer === "newchat") {
    panel = <NewChatPanel onBack={() => setDrawer(null)} />;
  } else if (tab === "chats") {
    panel = <ChatsPanel menuItems={chatsMenu} onNewChat={() => setDrawer("newchat")} />;
  } else if (tab === "updates") {
    panel = <UpdatesPanel menuItems={updatesMenu} />;
  } else if (tab === "communities") {
    panel = <CommunitiesPanel />;
  } else {
    panel = <CallsPanel />;
  }

  return (
    <div className="app" data-drawer={drawer ?? "none"} data-ready={ready}>
      <NavTabs
        tab={tab}
        settingsOpen={drawer === "settings"}
        onSelect={(t) => {
          setTab(t);
          setDrawer(null);
        }}
        onSettings={() => setDrawer((d) => (d === "settings" ? null : "settings"))}
      />
      <section
        className="side"
        id={PANEL_ID}
        role={drawer ? undefined : "tabpanel"}
        aria-labelledby={drawer ? undefined : tabButtonId(tab)}
        aria-label={drawer === "settings" ? "Settings" : drawer === "newchat" ? "New chat" : undefined}
      >
        {panel}
      </section>
      <main className="main">
        <IntroPane tab={tab} />
      </main>
      {themeOpen && <ThemeDialog onClose={() => setThemeOpen(false)} />}
    </div>
  );
}
