/* The four main tabs, in WhatsApp's order. Names are the UI contract. */
import type { ComponentType } from "react";
import { CallsIcon, ChatsIcon, CommunitiesIcon, UpdatesIcon } from "./icons";

export type TabId = "chats" | "updates" | "communities" | "calls";

export interface TabDef {
  id: TabId;
  label: string;
  Icon: ComponentType<{ filled?: boolean; size?: number }>;
}

export const TABS: readonly TabDef[] = [
  { id: "chats", label: "Chats", Icon: ChatsIcon },
  { id: "updates", label: "Updates", Icon: UpdatesIcon },
  { id: "communities", label: "Communities", Icon: CommunitiesIcon },
  { id: "calls", label: "Calls", Icon: CallsIcon },
];

export const tabButtonId = (id: TabId) => `tab-${id}`;
export const PANEL_ID = "side-panel";
