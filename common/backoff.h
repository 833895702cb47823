/*
 * backoff.h - a process-wide reconnect gate per backend (one Postgres
 * conninfo, one Redis address).
 *
 * Every worker thread has its own connection, but they share one gate per
 * backend: after a failed connect, only one thread at a time may try again,
 * and only once the delay (100 ms doubling to 5 s) has passed. Everyone
 * else fails fast with 503 instead of each hanging for a connect timeout.
 * While the backend is healthy the gate is always open.
 */
#ifndef PARLEY_BACKOFF_H
#define PARLEY_BACKOFF_H

struct backoff;

/*
 * The gate for key (e.g. a conninfo string), created on first use and kept
 * for the life of the process. Thread-safe.
 */
struct backoff	*backoff_get(const char *key);

/*
 * 1 if the caller may attempt a connection now (and then must report with
 * backoff_fail() or backoff_ok()); 0 if not, with *retry_after set to the
 * whole seconds (at least 1) until the next attempt is allowed.
 */
int		 backoff_begin(struct backoff *b, int *retry_after);

/* The attempt failed; returns the number of consecutive failures. */
int		 backoff_fail(struct backoff *b);

/* The attempt succeeded; returns the failures it ends (0 if none). */
int		 backoff_ok(struct backoff *b);

#endif
