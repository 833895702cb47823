"use client";
/*
 * "Choose theme" (WhatsApp: Settings → Chats → Theme). A native modal <dialog>:
 * the browser traps focus and closes it on Escape. The choice is applied on OK.
 */
import { useEffect, useRef, useState } from "react";
import { setThemePref, useThemePref } from "@/lib/store/theme-store";
import type { ThemePref } from "@/lib/store/theme";

const OPTIONS: { value: ThemePref; label: string }[] = [
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
  { value: "system", label: "System default" },
];

export function ThemeDialog({ onClose }: { onClose: () => void }) {
  const pref = useThemePref();
  const [choice, setChoice] = useState<ThemePref>(pref);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="theme-title" onClose={onClose} onCancel={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          setThemePref(choice);
          onClose();
        }}
      >
        <h2 id="theme-title" className="dialog-title">
          Choose theme
        </h2>
        <div role="radiogroup" aria-labelledby="theme-title" className="radios">
          {OPTIONS.map((o) => (
            <label key={o.value} className="radio">
              <input
                type="radio"
                name="theme"
                value={o.value}
                checked={choice === o.value}
                onChange={() => setChoice(o.value)}
              />
              <span>{o.label}</span>
            </label>
          ))}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            OK
          </button>
        </div>
      </form>
    </dialog>
  );
}
