#!/usr/bin/env bash
# bench/http.sh - request throughput and latency through nginx (HTTPS, HTTP/1.1
# keep-alive) for: the static app shell, a FastCGI service's health check
# (one Postgres and one Redis round trip per request) and the ws service's
# health check. wrk: 2 threads, 64 connections, 10 s each, loopback only.
set -euo pipefail
: "${PARLEY_BENCH_URL:?run through bench/run-all}"
DURATION=${PARLEY_BENCH_DURATION:-10s}

for path in / /api/auth/health /api/messages/health /api/ws/health; do
	echo "--- GET $path"
	wrk -t2 -c64 -d"$DURATION" --latency "$PARLEY_BENCH_URL$path" |
	    grep -E 'Requests/sec|Latency  |50%|90%|99%|Non-2xx|Socket errors'
done
