"use client";
/* Settings, replacing the left pane as in WhatsApp. Only Theme works so far. */
import type { ReactNode } from "react";
import { useThemePref } from "@/lib/store/theme-store";
import { BellIcon, DefaultAvatar, HelpIcon, KeyIcon, LockIcon, LogOutIcon, PaletteIcon } from "./icons";
import { PanelHeader } from "./PanelHeader";

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

export function SettingsPanel({ onBack, onTheme }: { onBack: () => void; onTheme: () => void }) {
  const pref = useThemePref();
  return (
    <>
      <PanelHeader title="Settings" onBack={onBack} />
      <div className="scroll">
        <div className="profile-card">
          <DefaultAvatar size={72} />
          <div className="row-body">
            <span className="row-title profile-name">Parley user</span>
            <span className="row-sub">Hey there! I am using Parley.</span>
          </div>
        </div>
        <ul className="list" role="list" aria-label="Settings">
          <Row icon={<KeyIcon />} title="Account" sub="Security notifications, account info" />
          <Row icon={<LockIcon />} title="Privacy" sub="Blocked contacts, disappearing messages" />
          <Row icon={<PaletteIcon />} title="Theme" sub={THEME_LABEL[pref]} onClick={onTheme} />
          <Row icon={<BellIcon />} title="Notifications" sub="Message notifications" />
          <Row icon={<HelpIcon />} title="Help" sub="Help centre, contact us, privacy policy" />
          <Row icon={<LogOutIcon />} title="Log out" danger />
        </ul>
      </div>
    </>
  );
}
