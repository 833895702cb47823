/* The Communities tab: "New community" and WhatsApp's explainer while you have none. */
import { CommunitiesIllustration } from "./illustrations";
import { DefaultAvatar, PlusIcon } from "./icons";
import { PanelHeader } from "./PanelHeader";

export function CommunitiesPanel() {
  return (
    <>
      <PanelHeader title="Communities" />
      <div className="scroll">
        <ul className="list" role="list" aria-label="Communities">
          <li className="row">
            <button type="button" className="row-btn" aria-label="New community">
              <span className="row-avatar with-badge">
                <DefaultAvatar size={48} group square />
                <span className="avatar-badge" aria-hidden="true">
                  <PlusIcon size={14} />
                </span>
              </span>
              <span className="row-body">
                <span className="row-title">New community</span>
              </span>
            </button>
          </li>
        </ul>
        <div className="explainer only-mobile">
          <CommunitiesIllustration />
          <h2>Stay connected with a community</h2>
          <p>
            Communities bring members together in topic-based groups, and make it easy to get admin
            announcements. Any community you&apos;re added to will appear here.
          </p>
        </div>
      </div>
    </>
  );
}
