/*
 * The live theme preference for React: one module-level value, persisted in
 * localStorage, applied to <html data-theme>, and kept in step across tabs via
 * the "storage" event. Components read it with useThemePref().
 */
import { useSyncExternalStore } from "react";
import {
  THEME_STORAGE_KEY,
  applyThemePref,
  loadThemePref,
  parseThemePref,
  saveThemePref,
  type ThemePref,
} from "./theme";

const listeners = new Set<() => void>();
let current: ThemePref | null = null;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function read(): ThemePref {
  if (current === null) current = loadThemePref(storage());
  return current;
}

function onStorage(e: StorageEvent): void {
  if (e.key !== THEME_STORAGE_KEY && e.key !== null) return;
  current = parseThemePref(e.newValue);
  applyThemePref(document.documentElement, current);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener("storage", onStorage);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener("storage", onStorage);
  };
}

export function setThemePref(pref: ThemePref): void {
  current = pref;
  saveThemePref(storage(), pref);
  applyThemePref(document.documentElement, pref);
  listeners.forEach((l) => l());
}

export function useThemePref(): ThemePref {
  return useSyncExternalStore(subscribe, read, () => "system");
}
