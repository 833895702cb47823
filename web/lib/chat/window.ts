/*
 * The arithmetic of the conversation's windowed list (components/chat/
 * MessageList.tsx): which slice [start, end) of the rows is in the DOM.
 * Pure, so it is unit-tested; the component adds scrolling and anchoring.
 */

export type Range = readonly [number, number];

export const WINDOW = 160;
export const STEP = 50;
export const INITIAL = 60;

/** The slice on opening: the newest INITIAL rows, or from a little above the unread divider. */
export function initialRange(total: number, dividerAt: number): Range {
  const start = dividerAt >= 0 ? Math.max(0, Math.min(dividerAt - 10, total - INITIAL)) : Math.max(0, total - INITIAL);
  return [start, total];
}

/**
 * The rows changed from `prevLen` to `total`. `shift` rows were added before
 * the old first message (older history loaded later). A window that reached
 * the old end follows the new end (trimmed to WINDOW when pinned to the
 * bottom); otherwise it keeps showing the same rows.
 */
export function followRows(range: Range, prevLen: number, total: number, shift: number, atBottom: boolean): Range {
  let [s, e] = range;
  s += shift;
  e += shift;
  if (e >= prevLen + shift) {
    const ne = total;
    const ns = ne - s > WINDOW && atBottom ? ne - WINDOW : Math.min(s, ne);
    return [Math.max(0, ns), ne];
  }
  return [Math.min(s, total), Math.min(e, total)];
}

/** Scrolled near the top: STEP more rows above, dropping rows below past WINDOW. */
export function extendUp(range: Range): Range {
  const [s, e] = range;
  const ns = Math.max(0, s - STEP);
  return [ns, e - ns > WINDOW ? ns + WINDOW : e];
}

/** Scrolled near the bottom: STEP more rows below, dropping rows above past WINDOW. */
export function extendDown(range: Range, total: number): Range {
  const [s, e] = range;
  const ne = Math.min(total, e + STEP);
  return [ne - s > WINDOW ? ne - WINDOW : s, ne];
}

/** The slice that shows row `at` (a search result): WINDOW rows with it in the middle, clamped to [0, total). */
export function revealRange(at: number, total: number): Range {
  const s = Math.max(0, Math.min(at - WINDOW / 2, total - WINDOW));
  return [s, Math.min(total, s + WINDOW)];
}
