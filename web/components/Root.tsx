"use client";
/*
 * The app's one page: a splash while the session is checked, the login
 * screens when signed out (or waiting for the PIN / a profile name), and the
 * main screen when ready.
 */
import { useEffect } from "react";
import { checkSession, useSession } from "@/lib/session/session";
import { AppShell } from "./AppShell";
import { LoginScreen } from "./login/LoginScreen";
import { BrandMark } from "./login/BrandMark";
import { LockIcon } from "./icons";

export function Root() {
  const session = useSession();
  useEffect(() => {
    void checkSession();
    // Installable PWA: the worker caches the app shell (public/sw.js).
    if ("serviceWorker" in navigator && location.protocol === "https:") {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
    }
  }, []);

  if (session.status === "checking") {
    return (
      <div className="splash" aria-busy="true" aria-label="Loading">
        <BrandMark size={64} />
        <div className="splash-bar" />
        <p className="splash-title">Parley</p>
        <p className="splash-note">
          <LockIcon size={12} /> End-to-end encrypted
        </p>
      </div>
    );
  }
  if (session.status !== "ready") return <LoginScreen session={session} />;
  return <AppShell me={session.me} />;
}
