import { describe, expect, it } from "vitest";
import {
  advanceStatus,
  dayLabel,
  formatPhone,
  lastSeenLabel,
  layoutRows,
  listTimeLabel,
  sortChats,
  upsertMessage,
  type ChatMessage,
  type ChatSummary,
} from "./model";

const NOW = new Date(2026, 10, 24, 15, 30).getTime(); // a Tuesday
const H = 3600_000;
let seq = 0;
const msg = (id: string, at: number, dir: "in" | "out" = "out"): ChatMessage => ({
  id,
  chatId: "c",
  dir,
  text: id,
  sentAt: at,
  status: "sent",
  seq: seq++,
});

describe("advanceStatus", () => {
  it("only moves forward", () => {
    expect(advanceStatus("queued", "sent")).toBe("sent");
    expect(advanceStatus("sent", "delivered")).toBe("delivered");
    expect(advanceStatus("read", "delivered")).toBe("read");
    expect(advanceStatus("delivered", "sent")).toBe("delivered");
    expect(advanceStatus("queued", "read")).toBe("read");
  });
  it("fails only what is unsent and retries failed", () => {
    expect(advanceStatus("sending", "failed")).toBe("failed");
    expect(advanceStatus("sent", "failed")).toBe("sent");
    expect(advanceStatus("failed", "queued")).toBe("queued");
    expect(advanceStatus("failed", "sent")).toBe("sent");
  });
});

describe("upsertMessage", () => {
  it("keeps send order and replaces by id", () => {
    let l: ChatMessage[] = [];
    l = upsertMessage(l, msg("b", 2));
    l = upsertMessage(l, msg("a", 1));
    l = upsertMessage(l, msg("c", 3));
    l = upsertMessage(l, { ...msg("b", 2), status: "read" });
    expect(l.map((m) => m.id)).toEqual(["a", "b", "c"]);
    expect(l[1]!.status).toBe("read");
  });
  it("is stable for equal timestamps", () => {
    let l: ChatMessage[] = [];
    for (const id of ["x", "y", "z"]) l = upsertMessage(l, msg(id, 5));
    expect(l.map((m) => m.id)).toEqual(["x", "y", "z"]);
  });
});

describe("labels", () => {
  it("days like WhatsApp", () => {
    expect(dayLabel(NOW - H, NOW)).toBe("Today");
    expect(dayLabel(NOW - 20 * H, NOW)).toBe("Yesterday");
    expect(dayLabel(NOW - 3 * 24 * H, NOW)).toBe("Saturday");
    expect(dayLabel(new Date(2026, 0, 5).getTime(), NOW)).toBe("05/01/2026");
    expect(listTimeLabel(new Date(2026, 10, 24, 9, 5).getTime(), NOW)).toBe("09:05");
    expect(lastSeenLabel(new Date(2026, 10, 23, 22, 1).getTime(), NOW)).toBe("last seen yesterday at 22:01");
  });
  it("phones", () => {
    expect(formatPhone("+15550100123")).toBe("+1 555-010-0123");
    expect(formatPhone("+447700900123")).toBe("+44 7700 9001 23");
  });
});

describe("layoutRows", () => {
  it("adds day separators, the unread divider and bubble runs", () => {
    const day1 = NOW - 24 * H;
    const msgs = [msg("a", day1, "in"), msg("b", day1 + 1, "in"), msg("c", NOW - 2, "out"), msg("d", NOW - 1, "in"), msg("e", NOW, "in")];
    const rows = layoutRows(msgs, NOW, "d", 2);
    expect(rows.map((r) => (r.kind === "msg" ? `${r.msg.id}${r.first ? "<" : ""}${r.last ? ">" : ""}` : r.kind === "day" ? r.label : `unread:${r.count}`))).toEqual([
      "Yesterday",
      "a<",
      "b>",
      "Today",
      "c<>",
      "unread:2",
      "d<",
      "e>",
    ]);
  });
});

describe("sortChats", () => {
  it("pinned first, then newest", () => {
    const c = (id: string, updatedAt: number, pinned = false): ChatSummary => ({
      id,
      peer: { userId: id, phone: "", name: id },
      unread: 0,
      updatedAt,
      pinned,
    });
    expect(sortChats([c("a", 1), c("b", 3), c("p", 0, true), c("m", 2)]).map((x) => x.id)).toEqual(["p", "b", "m", "a"]);
  });
});
