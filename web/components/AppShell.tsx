"use client";
/*
 * The main screen: navigation (rail or bottom bar), the left pane showing the
 * current tab or a drawer (Settings, New chat), and on wide screens the right
 * pane. Which of these are visible at which width is decided by CSS alone.
 */
import { useCallback, useEffect, useState } from "react";
import type { Me } from "@/lib/api/auth";
import { engine } from "@/lib/chat/engine";
import { useChatState } from "@/lib/chat/state";
import { logOut } from "@/lib/session/session";
import { Conversation } from "./chat/Conversation";
import { CallLayer } from "./call/CallLayer";
import { useCalls } from "./call/useCalls";
import { markMissedSeen } from "@/lib/rtc/calls";
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

export function AppShell({ me }: { me: Me }) {
  const [tab, setTab] = useState<TabId>("chats");
  const [chatId, setChatId] = useState<string | null>(null);
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [themeOpen, setThemeOpen] = useState(false);
  const [settingsPage, setSettingsPage] = useState<"devices" | null>(null);
  // data-ready tells tests (and CSS, if ever needed) that hydration is done.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  useEffect(() => {
    void engine.start(me);
  }, [me]);
  // WhatsApp Web's tab title: "(3) Parley" while chats are unread.
  const unreadChats = useChatState((s) => s.chats.filter((c) => !c.archived && (c.unread > 0 || c.markedUnread)).length);
  useEffect(() => {
    document.title = unreadChats > 0 ? `(${unreadChats}) Parley` : "Parley";
  }, [unreadChats]);
  const missedCalls = useCalls((s) => s.missedUnseen);
  // The missed-call badge counts calls not yet seen on the Calls tab.
  useEffect(() => {
    if (tab === "calls" && missedCalls > 0) markMissedSeen();
  }, [tab, missedCalls]);
  const openChat = useCallback((id: string) => {
    setChatId(id);
    setDrawer(null);
    setTab("chats");
  }, []);
  const closeChat = useCallback(() => setChatId(null), []);
  const doLogOut = () => {
    engine.stop();
    void logOut();
  };

  const openSettings = () => {
    setSettingsPage(null);
    setDrawer("settings");
  };
  const chatsMenu: MenuItem[] = [
    { label: "New group" },
    { label: "Starred messages" },
    { label: "Select chats" },
    {
      label: "Linked devices",
      onSelect: () => {
        setSettingsPage("devices");
        setDrawer("settings");
      },
    },
    { label: "Settings", onSelect: openSettings },
    { label: "Log out", danger: true, onSelect: doLogOut },
  ];
  const updatesMenu: MenuItem[] = [{ label: "Status privacy" }, { label: "Settings", onSelect: openSettings }];

  let panel;
  if (drawer === "settings") {
    panel = <SettingsPanel key={settingsPage ?? "main"} initialPage={settingsPage} me={me} onBack={() => setDrawer(null)} onTheme={() => setThemeOpen(true)} onLogOut={doLogOut} />;
  } else if (drawer === "newchat") {
    panel = <NewChatPanel onBack={() => setDrawer(null)} onOpen={openChat} />;
  } else if (tab === "chats") {
    panel = (
      <ChatsPanel menuItems={chatsMenu} onNewChat={() => setDrawer("newchat")} openChatId={chatId} onOpen={openChat} />
    );
  } else if (tab === "updates") {
    panel = <UpdatesPanel menuItems={updatesMenu} />;
  } else if (tab === "communities") {
    panel = <CommunitiesPanel />;
  } else {
    panel = <CallsPanel />;
  }

  return (
    <div className="app" data-drawer={drawer ?? "none"} data-ready={ready} data-chat={chatId && tab === "chats" ? "open" : "none"}>
      <NavTabs
        tab={tab}
        badges={{ calls: missedCalls }}
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
        {chatId && tab === "chats" ? <Conversation chatId={chatId} onBack={closeChat} /> : <IntroPane tab={tab} />}
      </main>
      {themeOpen && <ThemeDialog onClose={() => setThemeOpen(false)} />}
      <CallLayer />
    </div>
  );
}
