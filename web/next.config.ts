import type { NextConfig } from "next";

/*
 * Static export only: nginx serves web/out, the C services are the API.
 * No Next.js server runs in production, so nothing here may rely on one.
 */
const config: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  productionBrowserSourceMaps: false,
};

export default config;
