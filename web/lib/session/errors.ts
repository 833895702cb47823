/*
 * Words for every error the login and profile endpoints answer, as WhatsApp
 * would say them. Pure, so it is unit-tested; the screens only render the text.
 */
import { ApiError } from "../api/client";

/** "27 seconds", "1 minute", "2 minutes 5 seconds", "3 hours". */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  if (s < 60) return plural(s, "second");
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const r = s % 60;
    return r === 0 ? plural(m, "minute") : `${plural(m, "minute")} ${plural(r, "second")}`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m === 0 ? plural(h, "hour") : `${plural(h, "hour")} ${plural(m, "minute")}`;
}

export type LoginStep = "phone" | "code" | "pin" | "name";

export function loginErrorText(e: unknown, step: LoginStep): string {
  if (!(e instanceof ApiError)) return "Something went wrong. Try again.";
  const wait = e.retryAfter !== undefined && e.retryAfter > 0 ? ` Try again in ${formatWait(e.retryAfter)}.` : "";
  switch (e.code) {
    case "invalid_phone":
      return "This isn't a valid phone number. Enter it with the country code, for example +44 7700 900123.";
    case "invalid_code":
      return "Wrong code. Check the 6-digit code in the SMS and try again.";
    case "code_expired":
      return "This code has expired. Tap Resend SMS to get a new one.";
    case "too_many_attempts":
      return step === "pin"
        ? `Too many wrong PINs.${wait || " Try again later."}`
        : `Too many wrong codes.${wait ? wait.replace("Try again", " Request a new code") : " Request a new code."}`;
    case "rate_limited":
      return `Too many attempts.${wait || " Try again later."}`;
    case "device_limit":
      return "This account already has the most devices allowed. Log out of one of them on another device, then try again.";
    case "banned":
      return "This phone number is banned from using Parley.";
    case "sms_failed":
    case "bad_gateway":
      return "We couldn't send an SMS to this number. Check the number or try again later.";
    case "invalid_pin":
      return `Wrong PIN.${wait}`;
    case "pin_not_set":
      return "This account has no PIN.";
    case "invalid_field":
    case "invalid_value":
    case "field_too_long":
    case "missing_field":
      return step === "name" ? "Enter a name of 1 to 25 characters." : "Check what you entered and try again.";
    case "network":
      return "No connection. Check your internet connection and try again.";
    case "service_unavailable":
    case "unavailable":
    case "db_unavailable":
    case "db_busy":
    case "redis_unavailable":
      return `Parley is not available right now.${wait || " Try again in a moment."}`;
    case "unauthorized":
      return "Your session has ended. Start again.";
    default:
      return e.message ? `Something went wrong: ${e.message}` : "Something went wrong. Try again.";
  }
}

/** Tidies what people type into E.164: "+44 (0)7700-900 123" → "+447700900123"; "0044…" → "+44…". */
export function normalisePhone(input: string): string {
  let s = input.trim().replace(/\(0\)/g, "");
  s = s.replace(/[\s\-().\u00a0]/g, "");
  if (s.startsWith("00")) s = "+" + s.slice(2);
  return s;
}

export function isE164(s: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(s);
}

/** "Chrome on Linux" from the user agent, for the device list. */
export function deviceName(ua: string): string {
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Mac OS X/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}
