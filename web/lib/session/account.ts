/*
 * Account settings for the screens: profile, devices, two-step PIN and
 * privacy, over lib/api, keeping the session's cached `me` in step.
 */
import { auth, type Device } from "../api/auth";
import { contacts, type Privacy } from "../api/contacts";
import { loginErrorText } from "./errors";
import { refreshSession, signedOut, updateProfile } from "./session";

export type Result = { ok: true } | { ok: false; error: string };

async function run(fn: () => Promise<unknown>, step: "name" | "pin" | "phone" = "name"): Promise<Result> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: loginErrorText(e, step) };
  }
}

export const saveProfile = (patch: { name?: string; about?: string }) =>
  run(async () => updateProfile(await auth.updateMe(patch)));

export async function listDevices(): Promise<{ devices: Device[]; max: number } | null> {
  try {
    return await auth.devices();
  } catch {
    return null;
  }
}

export const removeDevice = (id: number) => run(() => auth.removeDevice(id));

export const setPin = (pin: string) => run(async () => {
  await auth.setPin(pin);
  await refreshSession();
}, "pin");

export const removePin = (pin: string) => run(async () => {
  await auth.removePin(pin);
  await refreshSession();
}, "pin");

export async function getPrivacy(): Promise<Privacy | null> {
  try {
    return await contacts.privacy();
  } catch {
    return null;
  }
}

export async function setPrivacy(p: Privacy): Promise<Privacy | null> {
  try {
    return await contacts.setPrivacy(p);
  } catch {
    return null;
  }
}

/** Deletes the account on the server (devices, keys, queued messages) and signs out here. */
export async function deleteAccount(): Promise<Result> {
  const r = await run(() => auth.deleteAccount());
  if (r.ok) signedOut("deleted");
  return r;
}
