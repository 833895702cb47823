/* The right pane before a chat is open (wide screens only), one per tab, as in WhatsApp Web. */
import { IntroIllustration, RingIllustration } from "./illustrations";
import { LockIcon } from "./icons";
import type { TabId } from "./tabs";

const COPY: Record<TabId, { title: string; text: string; footer: string }> = {
  chats: {
    title: "Parley for the web",
    text: "Send and receive messages without keeping your phone online. Use Parley on up to 4 linked devices and 1 phone at the same time.",
    footer: "End-to-end encrypted",
  },
  updates: {
    title: "Share status updates",
    text: "Share photos, videos and text that disappear after 24 hours.",
    footer: "Your status updates are end-to-end encrypted",
  },
  communities: {
    title: "Create communities",
    text: "Bring members together in topic-based groups and easily send them admin announcements. Any community you're added to will appear here.",
    footer: "Your personal messages in communities are end-to-end encrypted",
  },
  calls: {
    title: "Make calls from your computer",
    text: "Voice and video calls with your contacts, right in the browser. Start one from a chat or create a call link.",
    footer: "Your personal calls are end-to-end encrypted",
  },
};

export function IntroPane({ tab }: { tab: TabId }) {
  const c = COPY[tab];
  return (
    <div className="intro" data-tab={tab}>
      <div className="intro-body">
        {tab === "chats" ? <IntroIllustration /> : <RingIllustration kind={tab === "updates" ? "status" : tab} />}
        <h2 className="intro-title">{c.title}</h2>
        <p className="intro-text">{c.text}</p>
      </div>
      <p className="intro-footer">
        <LockIcon size={14} />
        <span>{c.footer}</span>
      </p>
    </div>
  );
}
