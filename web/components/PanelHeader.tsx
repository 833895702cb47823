/* The header of a left-pane panel: title, optional back button, actions. */
import type { ReactNode } from "react";
import { BackIcon } from "./icons";

interface Props {
  title: ReactNode;
  /** Shown instead of the title on phones (e.g. the app name on Chats). */
  mobileTitle?: ReactNode;
  onBack?: () => void;
  children?: ReactNode;
}

export function PanelHeader({ title, mobileTitle, onBack, children }: Props) {
  return (
    <header className="panel-header">
      {onBack && (
        <button type="button" className="icon-btn" aria-label="Back" onClick={onBack}>
          <BackIcon />
        </button>
      )}
      <h1 className="panel-title">
        {mobileTitle === undefined ? (
          title
        ) : (
          <>
            <span className="only-desktop">{title}</span>
            <span className="only-mobile brand">{mobileTitle}</span>
          </>
        )}
      </h1>
      {children && <div className="panel-actions">{children}</div>}
    </header>
  );
}
