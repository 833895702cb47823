import { describe, expect, it } from "vitest";
import { INITIAL, STEP, WINDOW, extendDown, extendUp, followRows, initialRange, revealRange } from "./window";

describe("windowed list", () => {
  it("opens at the newest rows or just above the unread divider", () => {
    expect(initialRange(5000, -1)).toEqual([5000 - INITIAL, 5000]);
    expect(initialRange(30, -1)).toEqual([0, 30]);
    expect(initialRange(5000, 4900)).toEqual([4890, 5000]);
    expect(initialRange(5000, 4990)).toEqual([5000 - INITIAL, 5000]);
  });

  it("follows new rows at the end and stays at most WINDOW rows when at the bottom", () => {
    expect(followRows([4940, 5000], 5000, 5001, 0, true)).toEqual([4940, 5001]);
    expect(followRows([4840, 5000], 5000, 5001, 0, true)).toEqual([5001 - WINDOW, 5001]);
    // Scrolled up but the window reaches the end: keeps its start.
    expect(followRows([4840, 5000], 5000, 5001, 0, false)).toEqual([4840, 5001]);
    // Window in the middle of history: unchanged by arrivals at the end.
    expect(followRows([100, 260], 5000, 5001, 0, false)).toEqual([100, 260]);
  });

  it("shifts by rows prepended before it (older history loaded after the first page)", () => {
    // 120 rows shown [60, 120); 4880 older rows arrive in front.
    expect(followRows([60, 120], 120, 5000, 4880, true)).toEqual([4940, 5000]);
    expect(followRows([0, 60], 120, 5000, 4880, false)).toEqual([4880, 4940]);
  });

  it("shrinks with fewer rows (a deleted message)", () => {
    expect(followRows([100, 200], 300, 150, 0, false)).toEqual([100, 150]);
  });

  it("extends by STEP and never holds more than WINDOW rows", () => {
    let r = initialRange(5000, -1);
    const sizes: number[] = [];
    while (r[0] > 0) {
      r = extendUp(r);
      sizes.push(r[1] - r[0]);
    }
    expect(r[0]).toBe(0);
    expect(Math.max(...sizes)).toBe(WINDOW);
    while (r[1] < 5000) r = extendDown(r, 5000);
    expect(r).toEqual([5000 - WINDOW, 5000]);
    expect(extendUp([10, 60])).toEqual([0, 60]);
    expect(extendDown([0, 40], 70)).toEqual([0, 40 + STEP > 70 ? 70 : 90]);
  });

  it("reveals a row in the middle of a WINDOW-row slice, clamped at both ends", () => {
    expect(revealRange(2000, 5000)).toEqual([2000 - WINDOW / 2, 2000 + WINDOW / 2]);
    expect(revealRange(10, 5000)).toEqual([0, WINDOW]);
    expect(revealRange(4990, 5000)).toEqual([5000 - WINDOW, 5000]);
    expect(revealRange(3, 20)).toEqual([0, 20]);
  });
});
