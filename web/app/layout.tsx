import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import "./login.css";
import "./chat.css";
import "./call.css";

export const metadata: Metadata = {
  title: "Parley",
  description: "Simple, reliable, private messaging and calling, in your browser.",
  applicationName: "Parley",
  formatDetection: { telephone: false },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#111b21" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // data-theme is set by /theme-init.js before hydration; the mismatch is expected.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* External and blocking on purpose: applies the stored theme before first paint without an inline script (CSP). */}
        {/* eslint-disable-next-line @next/next/no-sync-scripts */}
        <script src="/theme-init.js" />
      </head>
      <body>{children}</body>
    </html>
  );
}
