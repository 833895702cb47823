#!/usr/bin/env bash
# bench/delivery.sh - send->receive latency of envelopes over WebSocket at
# offered loads of 500, 2,000 and 5,000 envelopes/s, the highest rate the
# stack sustains, and the ws node's memory per idle connection with 10,000
# idle sockets. bench/delivery.c is the load generator; every run is bounded
# (seconds, sockets) and loopback only. Run through bench/run-all.
set -euo pipefail
: "${PARLEY_BENCH_URL:?run through bench/run-all}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release/bench/delivery
SECONDS_PER_RUN=${PARLEY_BENCH_DELIVERY_SECONDS:-15}
PAIRS=${PARLEY_BENCH_DELIVERY_PAIRS:-100}
FANOUT=${PARLEY_BENCH_DELIVERY_FANOUT:-4}
THREADS=${PARLEY_BENCH_DELIVERY_THREADS:-32}
IDLE=${PARLEY_BENCH_DELIVERY_IDLE:-10000}
DB="host=$PARLEY_VAR/pgsock dbname=parley user=postgres"

if [ ! -x "$BIN" ]; then
	mkdir -p "$(dirname "$BIN")"
	cc -std=c11 -D_GNU_SOURCE -O2 $(pkg-config --cflags libpq jansson libsodium libwebsockets libcurl) \
	    "$ROOT/bench/delivery.c" -o "$BIN" \
	    $(pkg-config --libs libpq jansson libsodium libwebsockets libcurl) -lpthread
fi
# 10,000 client sockets here and as many on the ws node.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -gt $((IDLE + 1000)) ] || { echo "ulimit -n $(ulimit -n) is too low for $IDLE sockets"; IDLE=$(( $(ulimit -n) - 1000 )); }

# The send path is Postgres-bound: more worker threads keep more commits
# in flight (group commit) than the default 8.
MSG_THREADS=${PARLEY_BENCH_MESSAGES_THREADS:-32}
PARLEY_THREADS=$MSG_THREADS "$ROOT/deploy/stack" restart messages >/dev/null
for i in $(seq 50); do
	curl -skf "$PARLEY_BENCH_URL/api/messages/health" >/dev/null && break
	sleep 0.1
done

echo "--- latency (pairs=$PAIRS fanout=$FANOUT client threads=$THREADS, messages threads=$MSG_THREADS, ${SECONDS_PER_RUN}s each)"
for rate in 500 2000 5000; do
	"$BIN" -u "$PARLEY_BENCH_URL" -d "$DB" -r "$rate" -s "$SECONDS_PER_RUN" \
	    -n "$PAIRS" -f "$FANOUT" -t "$THREADS"
done

echo "--- maximum sustained (achieved >= 97% of offered, p99 < 1 s)"
for rate in 2500 3000 3500 4000 5000 6000 8000; do
	out=$("$BIN" -u "$PARLEY_BENCH_URL" -d "$DB" -r "$rate" -s 10 -n "$PAIRS" \
	    -f "$FANOUT" -t 64)
	echo "$out"
	achieved=$(echo "$out" | sed -n 's/.*achieved=\([0-9]*\).*/\1/p')
	p99=$(echo "$out" | sed -n 's/.* p99=\([0-9.]*\) max.*/\1/p')
	if [ "${achieved:-0}" -lt $((rate * 97 / 100)) ] || [ "${p99%.*}" -ge 1000 ]; then
		break
	fi
done

echo "--- idle sockets on one ws node (restarted first: a fresh heap)"
"$ROOT/deploy/stack" restart ws >/dev/null
for i in $(seq 50); do
	curl -sf "http://127.0.0.1:${PARLEY_WS_PORT:-19090}/api/ws/health" >/dev/null && break
	sleep 0.1
done
WS_PID=$(cat "$PARLEY_VAR/run/ws.pid")
# Straight to the node, as nginx: with the secret deploy/stack made.
export PARLEY_WS_SECRET
PARLEY_WS_SECRET=$(cat "$PARLEY_VAR/ws/secret")
"$BIN" -d "$DB" -i "$IDLE" -w 127.0.0.1 -p "${PARLEY_WS_PORT:-19090}" -P "$WS_PID"
