import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { deviceName, formatWait, isE164, loginErrorText, normalisePhone } from "./errors";

describe("formatWait", () => {
  it.each([
    [1, "1 second"],
    [27, "27 seconds"],
    [60, "1 minute"],
    [125, "2 minutes 5 seconds"],
    [3600, "1 hour"],
    [5400, "1 hour 30 minutes"],
    [0.2, "1 second"],
  ])("%s → %s", (s, text) => expect(formatWait(s)).toBe(text));
});

describe("loginErrorText", () => {
  const err = (code: string, retry?: number) => new ApiError(400, code, "m", retry);
  it("names every server code the login can answer", () => {
    for (const code of [
      "invalid_phone",
      "invalid_code",
      "code_expired",
      "too_many_attempts",
      "rate_limited",
      "device_limit",
      "banned",
      "sms_failed",
      "invalid_pin",
      "network",
    ]) {
      const t = loginErrorText(err(code), "code");
      expect(t, code).not.toMatch(/Something went wrong/);
    }
  });
  it("includes the wait from Retry-After", () => {
    expect(loginErrorText(err("rate_limited", 27), "phone")).toBe("Too many attempts. Try again in 27 seconds.");
    expect(loginErrorText(err("too_many_attempts", 30), "code")).toContain("30 seconds");
    expect(loginErrorText(err("too_many_attempts", 120), "pin")).toBe("Too many wrong PINs. Try again in 2 minutes.");
    expect(loginErrorText(err("invalid_pin", 8), "pin")).toBe("Wrong PIN. Try again in 8 seconds.");
  });
  it("falls back for unknown errors", () => {
    expect(loginErrorText(new Error("x"), "phone")).toBe("Something went wrong. Try again.");
    expect(loginErrorText(err("weird"), "phone")).toContain("m");
  });
});

describe("phones", () => {
  it.each([
    ["+44 (0)7700-900 123", "+447700900123"],
    ["0044 7700 900123", "+447700900123"],
    [" +1 (555) 000-1111 ", "+15550001111"],
  ])("normalises %s", (a, b) => expect(normalisePhone(a)).toBe(b));
  it("checks E.164", () => {
    expect(isE164("+15550001111")).toBe(true);
    expect(isE164("15550001111")).toBe(false);
    expect(isE164("+1555")).toBe(false);
    expect(isE164("+0123456789")).toBe(false);
  });
  it("names the device", () => {
    expect(deviceName("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36")).toBe(
      "Chrome on Linux",
    );
    expect(deviceName("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")).toBe("Safari on iOS");
  });
});
