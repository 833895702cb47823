import { describe, expect, it } from "vitest";
import { fold, match, matches, normalize, parts, queryTerms, snippet } from "./search";

describe("normalize and fold", () => {
  it("strips accents and case", () => {
    expect(normalize("Café CRÈME Ångström")).toBe("cafe creme angstrom");
    expect(queryTerms("  Cafe   café  ")).toEqual(["cafe"]);
    expect(queryTerms("   ")).toEqual([]);
  });

  it("maps folded units back to the original (precomposed and decomposed accents, emoji)", () => {
    const s = "e\u0301t\u00e9 🙂x";
    const f = fold(s);
    expect(f.text).toBe("ete 🙂x");
    expect(f.map[f.text.indexOf("x")]).toBe(s.indexOf("x"));
    expect(f.map[f.map.length - 1]).toBe(s.length);
  });
});

describe("match", () => {
  it("finds accent- and case-insensitively and returns original ranges", () => {
    const t = "See you at the Café tomorrow";
    const r = match(t, queryTerms("cafe"));
    expect(r).toEqual([[15, 19]]);
    expect(t.slice(15, 19)).toBe("Café");
  });

  it("covers a decomposed accent inside the highlight", () => {
    const t = "Cafe\u0301!";
    expect(match(t, ["cafe"])).toEqual([[0, 5]]);
  });

  it("needs every word, in any order, and marks every occurrence", () => {
    const t = "tomorrow the cafe, cafe tomorrow";
    expect(match(t, queryTerms("cafe tomorrow"))).toEqual([
      [0, 8],
      [13, 17],
      [19, 23],
      [24, 32],
    ]);
    expect(match(t, queryTerms("cafe tonight"))).toBeNull();
    expect(match(t, [])).toBeNull();
    expect(matches(t, queryTerms("TOMORROW Cafe"))).toBe(true);
    expect(matches(t, queryTerms("bar"))).toBe(false);
  });

  it("merges overlapping ranges", () => {
    expect(match("banana", queryTerms("ana nan"))).toEqual([[1, 6]]);
  });
});

describe("snippet", () => {
  it("keeps a short text whole", () => {
    const t = "Café tomorrow";
    const s = snippet(t, match(t, ["cafe"])!);
    expect(s).toEqual({ text: "Café tomorrow", ranges: [[0, 4]] });
    expect(parts(s)).toEqual([
      { text: "Café", hit: true },
      { text: " tomorrow", hit: false },
    ]);
  });

  it("cuts a long text around the first hit with ellipses", () => {
    const t = `${"lorem ipsum ".repeat(20)}the needle is here ${"dolor sit ".repeat(20)}`;
    const s = snippet(t, match(t, ["needle"])!, 60);
    expect(s.text.startsWith("…")).toBe(true);
    expect(s.text.endsWith("…")).toBe(true);
    expect(s.text.length).toBeLessThanOrEqual(62);
    const [a, b] = s.ranges[0]!;
    expect(s.text.slice(a, b)).toBe("needle");
  });

  it("collapses line breaks and keeps ranges right", () => {
    const t = "first line\n\n  second Café";
    const s = snippet(t, match(t, ["cafe"])!);
    expect(s.text).toBe("first line second Café");
    const [a, b] = s.ranges[0]!;
    expect(s.text.slice(a, b)).toBe("Café");
  });
});
