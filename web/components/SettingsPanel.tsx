"use client";
/* Settings, replacing the left pane as in WhatsApp. Only Theme works so far. */
import { useState, type ReactNode } from "react";
import type { Me } from "@/lib/api/auth";
import { formatPhone } from "@/lib/chat/model";
import { useThemePref } from "@/lib/store/theme-store";
import { BellIcon, ChatsIcon, DefaultAvatar, HelpIcon, KeyIcon, LinkIcon, LockIcon, LogOutIcon, PaletteIcon } from "./icons";
import { PanelHeader } from "./PanelHeader";
import { SettingsSubPage, type SettingsPage } from "./settings/SettingsPages";

const THEME_LABEL = { system: "System default", light: "Light", dark: "Dark" } as const;

function Row({
  icon,
  title,
  sub,
  onClick,
  danger,
}: {
  icon: ReactNode;
  title: string;
  sub?: string;
  onClick?: () => void;
  danger?: boolean;
}) {
  return (
    <li className="row">
      <button
        type="button"
        className={danger ? "row-btn settings-row danger" : "row-btn settings-row"}
        aria-disabled={onClick ? undefined : true}
        onClick={onClick}
      >
        <span className="row-icon" aria-hidden="true">
          {icon}
        </span>
        <span className="row-body">
          <span className="row-title">{title}</span>
          {sub && <span className="row-sub">{sub}</span>}
        </span>
      </button>
    </li>
  );
}

export function SettingsPanel({
  me,
  onBack,
  onTheme,
  onLogOut,
  initialPage = null,
}: {
  initialPage?: SettingsPage | null;
  me: Me;
  onBack: () => void;
  onTheme: () => void;
  onLogOut: () => void;
}) {
  const pref = useThemePref();
  const [page, setPage] = useState<SettingsPage | null>(initialPage);
  if (page) return <SettingsSubPage page={page} me={me} onBack={() => setPage(null)} onTheme={onTheme} />;
  return (
    <>
      <PanelHeader title="Settings" onBack={onBack} />
      <div className="scroll">
        <button type="button" className="profile-card profile-btn" onClick={() => setPage("profile")}>
          <DefaultAvatar size={72} />
          <span className="row-body">
            <span className="row-title profile-name">{me.name || formatPhone(me.phone)}</span>
            <span className="row-sub">{me.about || "Hey there! I am using Parley."}</span>
          </span>
        </button>
        <ul className="list" role="list" aria-label="Settings">
          <Row icon={<KeyIcon />} title="Account" sub="Two-step verification" onClick={() => setPage("account")} />
          <Row icon={<LockIcon />} title="Privacy" sub="Last seen, read receipts, disappearing messages" onClick={() => setPage("privacy")} />
          <Row icon={<ChatsIcon />} title="Chats" sub="Theme, Enter is send" onClick={() => setPage("chats")} />
          <Row icon={<PaletteIcon />} title="Theme" sub={THEME_LABEL[pref]} onClick={onTheme} />
          <Row icon={<BellIcon />} title="Notifications" sub="Message notifications" onClick={() => setPage("notifications")} />
          <Row icon={<LinkIcon />} title="Linked devices" sub="Devices logged in to your account" onClick={() => setPage("devices")} />
          <Row icon={<HelpIcon />} title="Help" sub="Help centre, contact us, privacy policy" />
          <Row icon={<LogOutIcon />} title="Log out" danger onClick={onLogOut} />
        </ul>
      </div>
    </>
  );
}
