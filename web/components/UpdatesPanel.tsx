/* The Updates tab: your status and channels, empty for now. */
import { DefaultAvatar, PlusIcon } from "./icons";
import { Menu, type MenuItem } from "./Menu";
import { PanelHeader } from "./PanelHeader";

export function UpdatesPanel({ menuItems }: { menuItems: MenuItem[] }) {
  return (
    <>
      <PanelHeader title="Updates">
        <Menu items={menuItems} />
      </PanelHeader>
      <div className="scroll">
        <h2 className="section-title">Status</h2>
        <ul className="list" role="list" aria-label="Status updates">
          <li className="row">
            <button type="button" className="row-btn" aria-label="My status: Add status update">
              <span className="row-avatar with-badge">
                <DefaultAvatar size={48} />
                <span className="avatar-badge" aria-hidden="true">
                  <PlusIcon size={14} />
                </span>
              </span>
              <span className="row-body">
                <span className="row-title">My status</span>
                <span className="row-sub">
                  <span className="only-desktop">Click to add status update</span>
                  <span className="only-mobile">Tap to add status update</span>
                </span>
              </span>
            </button>
          </li>
        </ul>
        <p className="section-note">No recent updates to show right now.</p>
        <h2 className="section-title">Channels</h2>
        <p className="section-note">
          Stay updated on topics that matter to you. Channels you follow will appear here.
        </p>
      </div>
    </>
  );
}
