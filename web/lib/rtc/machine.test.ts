import { describe, expect, it } from "vitest";
import { endText, initialPhase, isLive, transition, type CallEvent, type Phase } from "./machine";

function run(role: "caller" | "callee", events: CallEvent[], t0 = 1000): Phase {
  let s = initialPhase(role);
  events.forEach((e, i) => (s = transition(s, e, t0 + i)));
  return s;
}

describe("call phases", () => {
  it("caller: calling → ringing → connecting → active, duration from media up", () => {
    const s = run("caller", [{ type: "reached" }, { type: "accepted" }, { type: "media_up" }], 5000);
    expect(s.phase).toBe("active");
    expect(s.activeSince).toBe(5002);
  });

  it("callee: incoming → connecting → active", () => {
    expect(run("callee", []).phase).toBe("incoming");
    expect(run("callee", [{ type: "accepted" }]).phase).toBe("connecting");
    expect(run("callee", [{ type: "accepted" }, { type: "media_up" }]).phase).toBe("active");
  });

  it("a callee is never 'reached' (only the caller rings out)", () => {
    const s = initialPhase("callee");
    expect(transition(s, { type: "reached" }, 1)).toBe(s);
  });

  it("media down and back: reconnecting keeps the original start time", () => {
    const s = run("caller", [{ type: "accepted" }, { type: "media_up" }, { type: "media_down" }], 100);
    expect(s.phase).toBe("reconnecting");
    const back = transition(s, { type: "media_up" }, 999);
    expect(back.phase).toBe("active");
    expect(back.activeSince).toBe(101);
  });

  it("media down before the call was ever active changes nothing", () => {
    const s = run("caller", [{ type: "accepted" }]);
    expect(transition(s, { type: "media_down" }, 1)).toBe(s);
  });

  it("an answer that beats the accept event still goes active", () => {
    expect(run("caller", [{ type: "reached" }, { type: "media_up" }]).phase).toBe("active");
  });

  it("ended is final, with its reason", () => {
    const s = run("caller", [{ type: "reached" }, { type: "end", reason: "busy" }]);
    expect(s).toMatchObject({ phase: "ended", reason: "busy" });
    for (const e of [{ type: "accepted" }, { type: "media_up" }, { type: "end", reason: "hangup" }] as CallEvent[]) {
      expect(transition(s, e, 9)).toBe(s);
    }
  });

  it("only connecting/active/reconnecting are live", () => {
    expect(["calling", "ringing", "incoming", "connecting", "active", "reconnecting", "ended"].filter((p) => isLive(p as Phase["phase"]))).toEqual([
      "connecting",
      "active",
      "reconnecting",
    ]);
  });

  it("says why a call ended, as each side sees it", () => {
    expect(endText("missed", "caller")).toBe("No answer");
    expect(endText("missed", "callee")).toBe("Missed call");
    expect(endText("declined", "caller")).toBe("Declined");
    expect(endText("busy", "caller")).toBe("Busy");
    expect(endText("failed", "callee")).toBe("Call failed: connection lost");
    expect(endText("answered_elsewhere", "callee")).toBe("Answered on another device");
    expect(endText("hangup", "caller")).toBe("Call ended");
  });
});
