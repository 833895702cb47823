"use client";
/*
 * The "⋮" menu: a button that opens a role=menu popup. Escape or a click
 * outside closes it and returns focus to the button; arrow keys move between
 * items, as in WhatsApp Web.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { MenuIcon } from "./icons";

export interface MenuItem {
  label: string;
  onSelect?: () => void;
  danger?: boolean;
}

export function Menu({ items, label = "Menu", icon }: { items: MenuItem[]; label?: string; icon?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const [up, setUp] = useState(false);
  const btn = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  // Open upwards when there is no room below (e.g. the last message's options).
  useLayoutEffect(() => {
    if (!open) {
      setUp(false);
      return;
    }
    const r = menu.current?.getBoundingClientRect();
    const b = btn.current?.getBoundingClientRect();
    if (r && b && r.bottom > window.innerHeight - 8 && b.top - r.height > 8) setUp(true);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    function onDown(e: PointerEvent) {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !btn.current?.contains(t)) setOpen(false);
    }
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  function close(focusButton: boolean) {
    setOpen(false);
    if (focusButton) btn.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const els = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const i = els.indexOf(document.activeElement as HTMLElement);
    let next: HTMLElement | undefined;
    if (e.key === "Escape" || e.key === "Tab") {
      if (e.key === "Escape") e.preventDefault();
      close(e.key === "Escape");
      return;
    } else if (e.key === "ArrowDown") next = els[(i + 1) % els.length];
    else if (e.key === "ArrowUp") next = els[(i - 1 + els.length) % els.length];
    else if (e.key === "Home") next = els[0];
    else if (e.key === "End") next = els[els.length - 1];
    else return;
    e.preventDefault();
    next?.focus();
  }

  return (
    <div className="menu-anchor">
      <button
        ref={btn}
        type="button"
        className="icon-btn"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        data-open={open}
        onClick={() => setOpen((o) => !o)}
      >
        {icon ?? <MenuIcon />}
      </button>
      {open && (
        <div ref={menu} id={id} role="menu" aria-label={label} className={up ? "menu up" : "menu"} onKeyDown={onKeyDown}>
          {items.map((it) => (
            <button
              key={it.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={it.danger ? "menu-item danger" : "menu-item"}
              onClick={() => {
                close(true);
                it.onSelect?.();
              }}
            >
              {it.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
