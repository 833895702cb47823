import type { MetadataRoute } from "next";

// Static export: the manifest is a file in out/, served same-origin (manifest-src 'self').
export const dynamic = "force-static";

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Parley",
    short_name: "Parley",
    description: "Simple, reliable, private messaging and calling, in your browser.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: "#111b21",
    theme_color: "#00a884",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
      { src: "/apple-icon.png", sizes: "180x180", type: "image/png" },
    ],
  };
}
