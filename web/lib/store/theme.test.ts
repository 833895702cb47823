import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  THEME_STORAGE_KEY,
  applyThemePref,
  loadThemePref,
  parseThemePref,
  resolveTheme,
  saveThemePref,
  themeAttribute,
  type ThemePref,
} from "./theme";

class MemStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const throwing = {
  getItem(): string | null {
    throw new Error("SecurityError");
  },
  setItem(): void {
    throw new Error("QuotaExceededError");
  },
  removeItem(): void {
    throw new Error("SecurityError");
  },
};

class FakeRoot {
  attrs = new Map<string, string>();
  setAttribute(n: string, v: string) {
    this.attrs.set(n, v);
  }
  removeAttribute(n: string) {
    this.attrs.delete(n);
  }
}

describe("parseThemePref", () => {
  it("keeps light and dark", () => {
    expect(parseThemePref("light")).toBe("light");
    expect(parseThemePref("dark")).toBe("dark");
  });
  it.each([null, undefined, "", "system", "Dark", "auto", 1, {}])("maps %j to system", (v) => {
    expect(parseThemePref(v)).toBe("system");
  });
});

describe("resolveTheme", () => {
  it.each<[ThemePref, boolean, string]>([
    ["system", false, "light"],
    ["system", true, "dark"],
    ["light", true, "light"],
    ["light", false, "light"],
    ["dark", false, "dark"],
    ["dark", true, "dark"],
  ])("%s with system dark=%s → %s", (pref, sys, want) => {
    expect(resolveTheme(pref, sys)).toBe(want);
  });
});

describe("themeAttribute / applyThemePref", () => {
  it("sets data-theme for an override and removes it for system", () => {
    expect(themeAttribute("system")).toBeNull();
    const root = new FakeRoot();
    applyThemePref(root, "dark");
    expect(root.attrs.get("data-theme")).toBe("dark");
    applyThemePref(root, "light");
    expect(root.attrs.get("data-theme")).toBe("light");
    applyThemePref(root, "system");
    expect(root.attrs.has("data-theme")).toBe(false);
  });
});

describe("load/save", () => {
  it("round-trips overrides and stores system as absence", () => {
    const s = new MemStorage();
    expect(loadThemePref(s)).toBe("system");
    expect(saveThemePref(s, "dark")).toBe(true);
    expect(s.getItem(THEME_STORAGE_KEY)).toBe("dark");
    expect(loadThemePref(s)).toBe("dark");
    expect(saveThemePref(s, "system")).toBe(true);
    expect(s.map.size).toBe(0);
    expect(loadThemePref(s)).toBe("system");
  });
  it("treats a corrupted value as system", () => {
    const s = new MemStorage();
    s.setItem(THEME_STORAGE_KEY, "purple");
    expect(loadThemePref(s)).toBe("system");
  });
  it("survives missing or throwing storage", () => {
    expect(loadThemePref(null)).toBe("system");
    expect(loadThemePref(throwing)).toBe("system");
    expect(saveThemePref(null, "dark")).toBe(false);
    expect(saveThemePref(throwing, "dark")).toBe(false);
  });
});

describe("public/theme-init.js agrees with applyThemePref", () => {
  const src = readFileSync(fileURLToPath(new URL("../../public/theme-init.js", import.meta.url)), "utf8");

  function runInit(stored: string | null, storageThrows = false): FakeRoot {
    const root = new FakeRoot();
    const storage = new MemStorage();
    if (stored !== null) storage.setItem(THEME_STORAGE_KEY, stored);
    const win = {
      get localStorage(): Pick<Storage, "getItem"> {
        if (storageThrows) throw new Error("SecurityError");
        return storage;
      },
    };
    new Function("window", "document", src)(win, { documentElement: root });
    return root;
  }

  it.each([null, "light", "dark", "system", "bogus"])("stored %j", (stored) => {
    const viaScript = runInit(stored);
    const viaModule = new FakeRoot();
    const s = new MemStorage();
    if (stored !== null) s.setItem(THEME_STORAGE_KEY, stored);
    applyThemePref(viaModule, loadThemePref(s));
    expect(viaScript.attrs).toEqual(viaModule.attrs);
  });

  it("does nothing when storage throws", () => {
    expect(runInit("dark", true).attrs.size).toBe(0);
  });
});
