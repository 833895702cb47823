#!/usr/bin/env bash
# bench/calls.sh - 1:1 video calls between two Chromium pages through the
# release stack, on loopback in bench/run-all's network namespace: set-up
# success over PARLEY_BENCH_CALLS calls (default 20), Accept → first remote
# video frame, and CPU per call. See bench/calls/calls.bench.ts.
set -euo pipefail
: "${PARLEY_BENCH_URL:?run through bench/run-all}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/web"
PARLEY_TEST_URL=$PARLEY_BENCH_URL PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npx --no-install playwright test -c ../bench/calls 2>&1 |
    grep -E 'set-up success|first remote frame|cpu per|call [0-9]+: failed|passed|failed|Error'
