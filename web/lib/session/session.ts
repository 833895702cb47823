/*
 * Who is signed in on this tab, for React. The session itself is an HttpOnly
 * cookie JS cannot see, so a localStorage marker remembers that a login
 * happened: without it the app shows the login screen at once (no request,
 * no 401 in the console); with it, GET /api/auth/me decides — 401 signs out.
 * The last `me` is cached so a reload while offline still opens the app.
 */
import { useSyncExternalStore } from "react";
import { ApiError } from "../api/client";
import { auth, type Me, type User } from "../api/auth";

export type SessionState =
  | { status: "checking" }
  | { status: "signed_out"; reason?: string }
  | { status: "pin"; me: Me | null }
  | { status: "profile"; me: Me }
  | { status: "ready"; me: Me };

export const SESSION_KEY = "parley.session";

let state: SessionState = { status: "checking" };
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function set(s: SessionState) {
  state = s;
  for (const l of listeners) l();
}

export function getSession(): SessionState {
  return state;
}

export function subscribeSession(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession, () => ({ status: "checking" }) as SessionState);
}

function remember(me: Me | null) {
  const st = storage();
  if (!st) return;
  if (me === null) st.removeItem(SESSION_KEY);
  else st.setItem(SESSION_KEY, JSON.stringify(me));
}

function cached(): Me | null {
  const raw = storage()?.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const me = JSON.parse(raw) as Me;
    return typeof me?.id === "string" ? me : null;
  } catch {
    return null;
  }
}

/** The state that follows a known account. */
export function stateFor(me: Me): SessionState {
  if (me.pin_required) return { status: "pin", me };
  if (!me.name) return { status: "profile", me };
  return { status: "ready", me };
}

export async function checkSession(): Promise<void> {
  const known = cached();
  if (!known) {
    set({ status: "signed_out" });
    return;
  }
  try {
    const me = await auth.me();
    remember(me);
    set(stateFor(me));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      remember(null);
      set({ status: "signed_out", reason: "expired" });
      return;
    }
    // Offline or the service is down: open with what we knew.
    set(stateFor({ ...known, pin_required: false }));
  }
}

/** After POST /api/auth/verify (and PIN, profile) succeeded. */
export async function refreshSession(): Promise<SessionState> {
  const me = await auth.me();
  remember(me);
  set(stateFor(me));
  return state;
}

export function updateProfile(user: User) {
  if (state.status !== "ready" && state.status !== "profile") return;
  const me: Me = { ...state.me, ...user };
  remember(me);
  set(stateFor(me));
}

/** Local sign-out (after logout, device removal or a 401 from anywhere). */
export function signedOut(reason?: string) {
  remember(null);
  set(reason ? { status: "signed_out", reason } : { status: "signed_out" });
}

export async function logOut(): Promise<void> {
  try {
    await auth.logout();
  } catch {
    // The cookie may already be gone; signing out locally is what matters.
  }
  signedOut();
}
