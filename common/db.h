/*
 * db.h - Postgres through libpq: one opaque handle per worker thread.
 *
 * A handle connects lazily on first use, with the configured
 * connect_timeout, and reconnects by itself after the server restarts.
 * While Postgres is down, calls fail fast with 503 "db_unavailable" (and a
 * Retry-After) instead of hanging; a shared backoff gate lets one thread at
 * a time probe it. SQL is parameterised only: there is no call that takes
 * a query built from input.
 *
 * Every statement has a client-side deadline (PARLEY_DB_QUERY_TIMEOUT_MS):
 * a hung or stopped server costs a request at most that long. On expiry
 * the statement is cancelled, the connection dropped (the next call
 * reconnects through the backoff gate) and the call fails with 503
 * "db_timeout". The server's statement_timeout is set 1 s above the
 * deadline at connect, as a backstop for a cancel that cannot be delivered.
 *
 * Errors (struct err):
 *   503 db_unavailable   cannot connect, or the connection broke
 *   503 db_timeout       no answer within the deadline (or the server's
 *                        statement_timeout fired); Retry-After 1
 *   409 conflict         unique violation (SQLSTATE 23505)
 *   422 invalid_reference foreign key violation (23503)
 *   400 invalid_value    check violation or bad input syntax (23514, 22xxx)
 *   503 db_busy          serialization failure or deadlock (40001, 40P01)
 *   500 internal         anything else (logged with its SQLSTATE)
 */
#ifndef PARLEY_DB_H
#define PARLEY_DB_H

#include <libpq-fe.h>

#include "err.h"

struct db;

/*
 * A handle for conninfo (a libpq connection string); nothing is connected
 * yet. connect_timeout in seconds. Never NULL. Not thread-safe: one thread
 * uses a handle.
 */
struct db	*db_create(const char *conninfo, int connect_timeout);

/*
 * Sets the per-statement deadline in milliseconds (values below 1 count as
 * 1). db_create() takes PARLEY_DB_QUERY_TIMEOUT_MS from a loaded cfg, else
 * 5000. An idle connection is closed so the server-side statement_timeout
 * follows at the next connect; inside a transaction it follows later.
 */
void		 db_set_query_timeout(struct db *db, int ms);

/* Closes the connection, if any, and frees db. NULL is a no-op. */
void		 db_destroy(struct db *db);

/*
 * Runs sql with n text parameters ($1..$n; a NULL value is SQL NULL).
 * Returns a result with status PGRES_TUPLES_OK or PGRES_COMMAND_OK that the
 * caller must PQclear(), or NULL with e set.
 */
PGresult	*db_exec(struct db *db, const char *sql, int n,
		    const char *const *values, struct err *e);

/*
 * db_exec() with per-parameter lengths and formats (1 = binary, e.g. for
 * bytea); lengths and formats may be NULL for all-text. Results are text.
 */
PGresult	*db_execb(struct db *db, const char *sql, int n,
		    const char *const *values, const int *lengths,
		    const int *formats, struct err *e);

/*
 * Transactions. After db_begin() every path must end in db_commit() or
 * db_rollback(). db_commit() of a transaction that already failed rolls
 * back and returns APP_EINTERNAL. If the connection breaks inside a
 * transaction, every call fails until db_rollback(), so nothing silently
 * runs outside it.
 */
int		 db_begin(struct db *db, struct err *e);
int		 db_commit(struct db *db, struct err *e);

/* Rolls back an open transaction, if any; safe to call at any time. */
void		 db_rollback(struct db *db);

/* SELECT 1: 0 if Postgres answers, else 503 db_unavailable. */
int		 db_ping(struct db *db, struct err *e);

#endif
