/*
 * Browser tests against a running Parley (the real nginx): PARLEY_TEST_URL,
 * e.g. https://localhost:18443. Debian's Chromium, never a downloaded browser.
 *
 *   cd web && PARLEY_TEST_URL=https://localhost:18443 npx playwright test -c ../tests/e2e
 *
 * @playwright/test resolves through tests/e2e/node_modules, a symlink to
 * web/node_modules. Screenshots go to PARLEY_TEST_ARTIFACTS (default
 * /tmp/parley-artifacts), never into the repository.
 */
import { defineConfig } from "@playwright/test";

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
const artifacts = process.env.PARLEY_TEST_ARTIFACTS ?? "/tmp/parley-artifacts";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts$/,
  outputDir: `${artifacts}/test-results`,
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.PARLEY_TEST_URL ?? "https://localhost:18443",
    ignoreHTTPSErrors: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: "light",
    locale: "en-GB",
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        // The test stack's certificate is self-signed: without this the service worker's script fetch fails
        // (ignoreHTTPSErrors does not cover it) and Chromium logs a console error.
        "--ignore-certificate-errors",
        // Calls (shared/recipes.md): fake camera and microphone, no permission prompt,
        // loopback ICE candidates (the run's network namespace has nothing else), and
        // remote media that plays without a user gesture.
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
      ],
    },
  },
  projects: [
    { name: "chromium", testIgnore: /poor-network/ },
    // Shapes every UDP packet of the run's network namespace: alone, after everything else, one test at a time.
    { name: "poor-network", testMatch: /poor-network\.spec\.ts$/, dependencies: ["chromium"], fullyParallel: false },
  ],
});
