/*
 * The calls benchmark (bench/calls.sh): Playwright in Debian's Chromium
 * against the release stack bench/run-all starts, in its loopback-only
 * network namespace. Not part of "make test": it measures, it does not judge.
 */
import { defineConfig } from "@playwright/test";

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.bench\.ts$/,
  outputDir: `${process.env.PARLEY_VAR ?? "/tmp"}/bench-calls-results`,
  workers: 1,
  retries: 0,
  timeout: 600_000,
  reporter: [["list"]],
  use: {
    baseURL: process.env.PARLEY_TEST_URL,
    ignoreHTTPSErrors: true,
    launchOptions: {
      executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--ignore-certificate-errors",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
      ],
    },
  },
});
