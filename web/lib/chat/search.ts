/*
 * Message search, pure: the text and the query are folded the same way (NFD,
 * combining marks stripped, lower case) so "cafe" finds "Café" and "CAFÉ";
 * every word of the query must occur (in any order). A match gives the ranges
 * to highlight in the original text and a snippet around the first one.
 * Used by lib/store/search.ts (the scan) and the search panels (<mark>).
 */

/** A range [start, end) in the original (not folded) text. */
export type Range = readonly [number, number];

export interface Folded {
  /** The folded text. */
  text: string;
  /** For each UTF-16 unit of `text`, the index of the original unit it came from; one extra entry for the end. */
  map: number[];
}

const MARKS = /\p{M}/u;

/** Folds one text, keeping where each folded unit came from. */
export function fold(s: string): Folded {
  let text = "";
  const map: number[] = [];
  let i = 0;
  for (const ch of s) {
    const f = ch.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
    for (let k = 0; k < f.length; k++) map.push(i);
    text += f;
    i += ch.length;
  }
  map.push(s.length);
  return { text, map };
}

/** Folded text without the index map (for queries). */
export function normalize(s: string): string {
  return s.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** The words of a query, folded; empty for a blank query. */
export function queryTerms(q: string): string[] {
  const terms = normalize(q).split(/\s+/).filter((t) => t !== "" && !MARKS.test(t));
  return [...new Set(terms)];
}

/** Where every occurrence of every term is, in the original text; null unless all terms occur. */
export function match(text: string, terms: readonly string[]): Range[] | null {
  if (terms.length === 0) return null;
  const f = fold(text);
  const hits: [number, number][] = [];
  for (const t of terms) {
    let at = f.text.indexOf(t);
    if (at < 0) return null;
    while (at >= 0) {
      hits.push([f.map[at]!, endOf(f, at + t.length)]);
      at = f.text.indexOf(t, at + 1);
    }
  }
  return merge(hits);
}

/** Cheap pre-check without the index map (the scan calls it for every message). */
export function matches(text: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return false;
  const f = normalize(text);
  return terms.every((t) => f.includes(t));
}

function endOf(f: Folded, foldedEnd: number): number {
  // The original unit of the last folded unit, up to the next original unit.
  const last = f.map[foldedEnd - 1]!;
  let j = foldedEnd;
  while (j < f.map.length - 1 && f.map[j] === last) j++;
  return f.map[j]!;
}

function merge(rs: [number, number][]): Range[] {
  rs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const r of rs) {
    const prev = out[out.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export interface Snippet {
  text: string;
  ranges: Range[];
}

/**
 * At most about `max` characters of `text` around the first range, with "…"
 * where it was cut; the ranges moved accordingly (and clipped).
 */
export function snippet(text: string, ranges: readonly Range[], max = 90): Snippet {
  const flat = text.replace(/\s+/g, " ");
  // Whitespace runs collapsed: recompute ranges on the flattened text.
  const shift = (pos: number) => text.slice(0, pos).replace(/\s+/g, " ").length;
  let rs: Range[] = ranges.map(([a, b]) => [shift(a), shift(b)] as const);
  if (flat.length <= max) return { text: flat, ranges: rs };
  const first = rs[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(max / 4));
  // Start at a word boundary when one is near.
  if (start > 0) {
    const sp = flat.lastIndexOf(" ", first);
    if (sp >= start - 10 && sp < first) start = sp + 1;
  }
  const end = Math.min(flat.length, start + max);
  const pre = start > 0 ? "…" : "";
  const post = end < flat.length ? "…" : "";
  rs = rs
    .filter(([a, b]) => b > start && a < end)
    .map(([a, b]) => [Math.max(a, start) - start + pre.length, Math.min(b, end) - start + pre.length] as const);
  return { text: pre + flat.slice(start, end) + post, ranges: rs };
}

/** The snippet as parts for rendering: `hit` parts go into <mark>. */
export function parts(s: Snippet): { text: string; hit: boolean }[] {
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const [a, b] of s.ranges) {
    if (a > at) out.push({ text: s.text.slice(at, a), hit: false });
    out.push({ text: s.text.slice(a, b), hit: true });
    at = b;
  }
  if (at < s.text.length) out.push({ text: s.text.slice(at), hit: false });
  return out;
}
