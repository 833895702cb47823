/*
 * Theme preference: "system" follows prefers-color-scheme, "light"/"dark"
 * override it. The override is the data-theme attribute on <html>; CSS does the
 * rest (see app/globals.css), so no inline script is needed and the CSP stays
 * strict. public/theme-init.js repeats applyThemePref() for first paint and is
 * tested against this module (theme.test.ts), so the two cannot drift apart.
 */

export type ThemePref = "system" | "light" | "dark";
export type Theme = "light" | "dark";

export const THEME_STORAGE_KEY = "parley.theme";
export const THEME_PREFS: readonly ThemePref[] = ["system", "light", "dark"];

/** Anything read back from storage → a valid preference; unknown values mean "system". */
export function parseThemePref(raw: unknown): ThemePref {
  return raw === "light" || raw === "dark" ? raw : "system";
}

/** The theme actually shown. */
export function resolveTheme(pref: ThemePref, systemPrefersDark: boolean): Theme {
  if (pref === "system") return systemPrefersDark ? "dark" : "light";
  return pref;
}

/** Value for <html data-theme>; null means "remove it and let the media query decide". */
export function themeAttribute(pref: ThemePref): Theme | null {
  return pref === "system" ? null : pref;
}

type ReadableStorage = Pick<Storage, "getItem">;
type WritableStorage = Pick<Storage, "setItem" | "removeItem">;

/** Storage may be missing or throw (disabled cookies, private mode): fall back to "system". */
export function loadThemePref(storage: ReadableStorage | null | undefined): ThemePref {
  try {
    return parseThemePref(storage?.getItem(THEME_STORAGE_KEY));
  } catch {
    return "system";
  }
}

/** "system" is stored as absence, so clearing site data restores the default. Returns false if storage failed. */
export function saveThemePref(storage: WritableStorage | null | undefined, pref: ThemePref): boolean {
  if (!storage) return false;
  try {
    if (pref === "system") storage.removeItem(THEME_STORAGE_KEY);
    else storage.setItem(THEME_STORAGE_KEY, pref);
    return true;
  } catch {
    return false;
  }
}

export interface ThemeRoot {
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
}

export function applyThemePref(root: ThemeRoot, pref: ThemePref): void {
  const attr = themeAttribute(pref);
  if (attr === null) root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", attr);
}

/** Browser colour for the UI chrome (meta theme-color) per theme, as in WhatsApp. */
export const THEME_COLOR: Record<Theme, string> = { light: "#ffffff", dark: "#111b21" };
