/*
 * The auth service (issue 3): phone login, session, profile, devices,
 * two-step PIN and the key directory. Shapes follow services/auth/h_*.c;
 * keys are base64url without padding.
 */
import { api as defaultApi, type ApiClient } from "./client";

export interface User {
  id: string;
  phone: string;
  name: string | null;
  about: string | null;
  has_pin: boolean;
  created_at: string;
}

export interface DeviceRef {
  id: number;
  name: string;
  created_at?: string;
}

export interface OtpSent {
  /** Seconds until the code expires. */
  expires_in: number;
  /** Seconds before another code may be requested. */
  resend_in: number;
}

export interface VerifyResult {
  user: User;
  device: DeviceRef;
  is_new: boolean;
  pin_required: boolean;
}

export interface Me extends User {
  device: DeviceRef;
  pin_required: boolean;
}

export interface Device {
  id: number;
  name: string;
  created_at: string;
  last_active_at: string | null;
  current: boolean;
  has_keys: boolean;
}

export interface DeviceList {
  devices: Device[];
  max: number;
}

export interface SignedPreKey {
  id: number;
  pub: string;
  sig: string;
}

export interface OneTimePreKey {
  id: number;
  pub: string;
}

export interface KeyUpload {
  ikSig: string;
  ikDh: string;
  ikDhSig: string;
  signedPreKey?: SignedPreKey;
  oneTimePreKeys?: OneTimePreKey[];
}

export interface KeyCount {
  oneTimePreKeys: number;
  signedPreKey: { id: number; ageSeconds: number } | null;
  hasIdentity: boolean;
}

/** One device's bundle from GET /api/auth/keys/{user}/{device|*}. */
export interface DeviceBundle {
  /** Device id; the service may spell it "id" or "deviceId". */
  id: number;
  ikSig: string;
  ikDh: string;
  ikDhSig: string;
  signedPreKey: SignedPreKey;
  oneTimePreKey: OneTimePreKey | null;
}

/** GET /api/auth/keys/{user}: the device list and each keyed device's identity, no prekeys. */
export interface DeviceIdentities {
  userId: string;
  devices: number[];
  identities: { deviceId: number; ikSig: string; ikDh: string; ikDhSig: string }[];
}

export interface KeyBundles {
  user: string;
  devices: DeviceBundle[];
}

interface RawBundle {
  id?: number;
  deviceId?: number;
  device_id?: number;
  device?: number;
  ikSig: string;
  ikDh: string;
  ikDhSig: string;
  signedPreKey: SignedPreKey;
  oneTimePreKey?: OneTimePreKey | null;
  preKey?: OneTimePreKey | null;
}

/** Accepts the few spellings a Signal-Server-like answer may use. */
export function normaliseBundles(userId: string, raw: unknown): KeyBundles {
  const o = (raw ?? {}) as { user?: string; user_id?: string; devices?: RawBundle[] } & Partial<RawBundle>;
  const list: RawBundle[] = Array.isArray(o.devices) ? o.devices : o.ikSig ? [o as RawBundle] : [];
  return {
    user: o.user ?? o.user_id ?? userId,
    devices: list.map((d) => ({
      id: Number(d.id ?? d.deviceId ?? d.device_id ?? d.device ?? 0),
      ikSig: d.ikSig,
      ikDh: d.ikDh,
      ikDhSig: d.ikDhSig,
      signedPreKey: d.signedPreKey,
      oneTimePreKey: d.oneTimePreKey ?? d.preKey ?? null,
    })),
  };
}

export function authApi(c: ApiClient = defaultApi) {
  return {
    requestCode: (phone: string) => c.post<OtpSent>("/api/auth/otp", { phone }),
    verify: (phone: string, code: string, deviceName: string) =>
      c.post<VerifyResult>("/api/auth/verify", { phone, code, device_name: deviceName }),
    verifyPin: (pin: string) => c.post<unknown>("/api/auth/pin/verify", { pin }),
    me: () => c.get<Me>("/api/auth/me"),
    updateMe: (patch: { name?: string; about?: string }) =>
      c.request<User>("/api/auth/me", { method: "PATCH", body: patch }),
    deleteAccount: () => c.del<void>("/api/auth/me"),
    logout: () => c.post<void>("/api/auth/logout"),
    devices: () => c.get<DeviceList>("/api/auth/devices"),
    removeDevice: (id: number) => c.del<void>(`/api/auth/devices/${encodeURIComponent(String(id))}`),
    setPin: (pin: string) => c.put<unknown>("/api/auth/pin", { pin }),
    removePin: (pin: string) => c.request<void>("/api/auth/pin", { method: "DELETE", body: { pin } }),
    uploadKeys: (k: KeyUpload) => c.put<{ oneTimePreKeys: number }>("/api/auth/keys", k),
    keyCount: () => c.get<KeyCount>("/api/auth/keys/count"),
    /** The device list and identities of a user; claims no one-time prekey. */
    identities: (userId: string) => c.get<DeviceIdentities>(`/api/auth/keys/${encodeURIComponent(userId)}`),
    /** The raw answer, for lib/crypto's parseKeysBundle. */
    bundlesRaw: (userId: string, device: number | "*" = "*") =>
      c.get<unknown>(
        `/api/auth/keys/${encodeURIComponent(userId)}/${device === "*" ? "*" : encodeURIComponent(String(device))}`,
      ),
    /** device: a device id, or "*" for every device of the user. */
    bundles: async (userId: string, device: number | "*" = "*") =>
      normaliseBundles(
        userId,
        await c.get<unknown>(
          `/api/auth/keys/${encodeURIComponent(userId)}/${device === "*" ? "*" : encodeURIComponent(String(device))}`,
        ),
      ),
  };
}

export type AuthApi = ReturnType<typeof authApi>;
export const auth: AuthApi = authApi();
