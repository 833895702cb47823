/*
 * db.c - lazy, self-healing libpq connections. Before each statement
 * outside a transaction the idle socket is polled without blocking (a
 * restarted server left a message and an EOF on it), so the first
 * request after a Postgres restart reconnects instead of failing. Failed
 * connects go through the shared backoff gate of this conninfo.
 *
 * Statements run on a non-blocking connection (PQsendQueryParams, then
 * poll() on PQsocket against a deadline), so a hung server cannot hold a
 * worker thread. On expiry the connection is dropped at once; the cancel
 * request goes out from a short-lived detached thread, because libpq 15's
 * PQcancel() waits for the server without any timeout (a stopped server
 * would hang the caller again). At most DB_CANCEL_MAX cancels are in flight
 * per process; beyond that the server's statement_timeout ends the query.
 *
 * Statements with parameters are prepared once per connection and then
 * executed by name: Postgres then parses and plans each of the services'
 * fixed statements once per connection instead of on every request (parse
 * and plan were half of Postgres's CPU under bench/delivery.sh). The cache
 * is keyed by the SQL text, holds at most DB_STMT_MAX statements (later
 * ones run unnamed, as before), and goes with the connection. Statements
 * without parameters (BEGIN, COMMIT, SELECT 1) always run unnamed.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoff.h"
#include "cfg.h"
#include "db.h"
#include "log.h"

#define DB_QUERY_TIMEOUT_MS	5000	/* when no cfg is loaded */
#define DB_SERVER_MARGIN_MS	1000	/* statement_timeout above the deadline */
#define DB_CANCEL_MAX		16
#define DB_STMT_MAX		128	/* prepared statements per connection */
#define DB_STMT_NAME		16	/* "p<index>" */

/* One prepared statement of the connection: its name is "p<index>". */
struct db_stmt {
	char		*sql;
	unsigned long	 hash;
};

struct db {
	PGconn		*conn;
	char		*conninfo;
	char		 timeout[16];
	struct backoff	*gate;
	int		 query_ms;
	int		 in_txn;	/* from db_begin to commit/rollback */
	int		 nstmts;
	struct db_stmt	 stmts[DB_STMT_MAX];
};

static int	db_connect(struct db *, struct err *);
static char	*db_options(const struct db *);
static void	db_drop(struct db *);
static void	db_abandon(struct db *);
static void	*db_cancel_main(void *);
static int	db_error(struct db *, const PGresult *, struct err *);
static int	db_wait(PGconn *, short, const struct timespec *);
static PGresult *db_run(struct db *, const char *, int, const char *const *,
		    const int *, const int *, struct err *);
static PGresult *db_collect(struct db *, const struct timespec *,
		    const char *, struct err *);
static int	db_prepared(struct db *, const char *, int,
		    const struct timespec *, char *, struct err *);
static unsigned long db_hash(const char *);
static void	db_notice(void *, const char *);
static const char *db_msg(const char *, char *, size_t);

static atomic_int	db_cancels;

static void
db_notice(void *arg, const char *msg)
{
	char	buf[LOG_QV_MAX];

	(void)arg;
	log_debug("event=pg_notice msg=%s", db_msg(msg, buf, sizeof(buf)));
}

/* A server message as a quoted log value, without its trailing newline. */
static const char *
db_msg(const char *s, char *buf, size_t size)
{
	char	tmp[LOG_QV_MAX];
	size_t	len;

	snprintf(tmp, sizeof(tmp), "%s", s);
	len = strlen(tmp);
	while (len > 0 && (tmp[len - 1] == '\n' || tmp[len - 1] == ' '))
		tmp[--len] = '\0';
	return log_q(buf, size, tmp);
}

struct db *
db_create(const char *conninfo, int connect_timeout)
{
	struct db	*db;
	long		 ms = cfg_int(CFG_DB_QUERY_TIMEOUT_MS);

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->conninfo = strdup(conninfo)) == NULL)
		abort();
	snprintf(db->timeout, sizeof(db->timeout), "%d", connect_timeout);
	db->query_ms = ms > 0 ? (int)ms : DB_QUERY_TIMEOUT_MS;
	db->gate = backoff_get(conninfo);
	return db;
}

void
db_set_query_timeout(struct db *db, int ms)
{
	db->query_ms = ms > 0 ? ms : 1;
	if (!db->in_txn)
		db_drop(db);
}

void
db_destroy(struct db *db)
{
	if (db == NULL)
		return;
	db_drop(db);
	free(db->conninfo);
	free(db);
}

/* Closes the connection; its prepared statements go with it. */
static void
db_drop(struct db *db)
{
	int	i;

	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	for (i = 0; i < db->nstmts; i++)
		free(db->stmts[i].sql);
	db->nstmts = 0;
}

/* djb2: the cache is small, the hash only spares most strcmp()s. */
static unsigned long
db_hash(const char *s)
{
	unsigned long	h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/*
 * Puts the name of sql's prepared statement in name, preparing it first on
 * this connection if needed. Returns 1 with name set, 0 to run it unnamed
 * (no parameters, or the cache is full), or -1 with e set if the prepare
 * failed (e.g. a syntax error: the same error the statement would give).
 */
static int
db_prepared(struct db *db, const char *sql, int n,
    const struct timespec *deadline, char *name, struct err *e)
{
	unsigned long	 h;
	PGresult	*res;
	int		 i;

	if (n <= 0)
		return 0;
	h = db_hash(sql);
	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].hash == h && strcmp(db->stmts[i].sql, sql) == 0)
			break;
	snprintf(name, DB_STMT_NAME, "p%d", i);
	if (i < db->nstmts)
		return 1;
	if (db->nstmts == DB_STMT_MAX)
		return 0;
	if (!PQsendPrepare(db->conn, name, sql, n, NULL)) {
		db_error(db, NULL, e);
		return -1;
	}
	if ((res = db_collect(db, deadline, sql, e)) == NULL)
		return -1;
	PQclear(res);
	if ((db->stmts[i].sql = strdup(sql)) == NULL)
		abort();
	db->stmts[i].hash = h;
	db->nstmts++;
	return 1;
}

static void *
db_cancel_main(void *arg)
{
	PGcancel	*c = arg;
	char		 msg[256];

	if (!PQcancel(c, msg, sizeof(msg)))
		log_debug("event=db_cancel_failed err=%s", log_qv(msg));
	PQfreeCancel(c);
	atomic_fetch_sub(&db_cancels, 1);
	return NULL;
}

/*
 * Gives up on the statement in flight: asks the server to cancel it (in the
 * background, see above) and closes the connection now.
 */
static void
db_abandon(struct db *db)
{
	PGcancel	*c;
	pthread_attr_t	 attr;
	pthread_t	 tid;
	sigset_t	 all, old;
	int		 ok = 0;

	if ((c = PQgetCancel(db->conn)) != NULL &&
	    atomic_fetch_add(&db_cancels, 1) < DB_CANCEL_MAX) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		/* Signals are for the threads that expect them. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		ok = pthread_create(&tid, &attr, db_cancel_main, c) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_attr_destroy(&attr);
		if (!ok)
			atomic_fetch_sub(&db_cancels, 1);
	} else if (c != NULL)
		atomic_fetch_sub(&db_cancels, 1);
	if (!ok)
		PQfreeCancel(c);
	db_drop(db);
}

/*
 * The "options" connection parameter: the conninfo's own (a search_path,
 * say) plus the server-side statement_timeout. Later keywords win in
 * PQconnectdbParams(), so the conninfo's must be carried over. Never NULL.
 */
static char *
db_options(const struct db *db)
{
	PQconninfoOption	*opts, *o;
	const char		*own = "";
	char			*s;
	long			 ms = (long)db->query_ms + DB_SERVER_MARGIN_MS;

	opts = PQconninfoParse(db->conninfo, NULL);
	for (o = opts; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, "options") == 0 && o->val != NULL)
			own = o->val;
	if (asprintf(&s, "%s%s-c statement_timeout=%ld", own,
	    own[0] != '\0' ? " " : "", ms) < 0)
		abort();
	PQconninfoFree(opts);
	return s;
}

static int
db_connect(struct db *db, struct err *e)
{
	const char *const	 keys[] = { "dbname", "connect_timeout",
	    "options", NULL };
	const char		*vals[] = { db->conninfo, db->timeout, NULL,
	    NULL };
	struct pollfd		 pfd;
	char			 msg[LOG_QV_MAX], *options = NULL;
	int			 retry = 1, n, rc = 0;

	/*
	 * An idle connection has nothing to read: input means the server
	 * closed it (a terminate message, then EOF).
	 */
	if (db->conn != NULL && !db->in_txn) {
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		if (PQstatus(db->conn) != CONNECTION_OK ||
		    poll(&pfd, 1, 0) != 0)
			db_drop(db);
	}
	if (db->conn != NULL)
		return 0;
	if (db->in_txn)
		return err_set(e, APP_EUNAVAIL, "db_unavailable",
		    "the database connection was lost");
	if (!backoff_begin(db->gate, &retry))
		goto unavail;
	vals[2] = options = db_options(db);
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK ||
	    PQsetnonblocking(db->conn, 1) != 0) {
		n = backoff_fail(db->gate);
		if (n == 1)
			log_warn("event=db_down err=%s", db_msg(
			    db->conn != NULL ? PQerrorMessage(db->conn) :
			    "out of memory", msg, sizeof(msg)));
		db_drop(db);
		goto unavail;
	}
	if ((n = backoff_ok(db->gate)) > 0)
		log_info("event=db_up failures=%d", n);
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	goto out;
unavail:
	rc = err_set(e, APP_EUNAVAIL, "db_unavailable",
	    "the database is unavailable");
	e->retry_after = retry;
out:
	free(options);
	return rc;
}

/* Maps a failed statement to struct err; drops a broken connection. */
static int
db_error(struct db *db, const PGresult *res, struct err *e)
{
	const char	*state, *cons, *msg;
	char		 buf[LOG_QV_MAX];

	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		db_drop(db);
		err_set(e, APP_EUNAVAIL, "db_unavailable",
		    "the database connection was lost");
		e->retry_after = 1;
		return APP_EUNAVAIL;
	}
	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	cons = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	msg = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (state == NULL)
		state = "?????";
	if (strcmp(state, "23505") == 0)
		return err_set(e, APP_ECONFLICT, "conflict",
		    "already exists (%s)", cons != NULL ? cons : "unique");
	if (strcmp(state, "23503") == 0)
		return err_set(e, APP_EUNPROCESSABLE, "invalid_reference",
		    "refers to something that does not exist");
	if (strcmp(state, "23514") == 0 || strncmp(state, "22", 2) == 0)
		return err_set(e, APP_EINVAL, "invalid_value",
		    "a value is out of range or malformed");
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		err_set(e, APP_EUNAVAIL, "db_busy", "please retry");
		e->retry_after = 1;
		return APP_EUNAVAIL;
	}
	/*
	 * A migration changed what a prepared statement returns: start over
	 * on a new connection, which prepares it afresh.
	 */
	if (strcmp(state, "0A000") == 0 && msg != NULL &&
	    strstr(msg, "cached plan") != NULL) {
		log_warn("event=db_replan");
		db_drop(db);
		err_set(e, APP_EUNAVAIL, "db_busy", "please retry");
		e->retry_after = 1;
		return APP_EUNAVAIL;
	}
	if (strcmp(state, "57014") == 0) {	/* statement_timeout */
		log_warn("event=db_timeout side=server");
		err_set(e, APP_EUNAVAIL, "db_timeout",
		    "the database did not answer in time");
		e->retry_after = 1;
		return APP_EUNAVAIL;
	}
	/* Only the primary message: DETAIL may carry user data. */
	log_error("event=db_error sqlstate=%s msg=%s", log_qv(state),
	    db_msg(msg != NULL ? msg : PQerrorMessage(db->conn), buf,
	    sizeof(buf)));
	return err_set(e, APP_EINTERNAL, "internal", "database error");
}

/*
 * Waits until the connection's socket has one of events or the deadline
 * passes. Returns the poll revents, 0 on timeout, -1 on error.
 */
static int
db_wait(PGconn *conn, short events, const struct timespec *deadline)
{
	struct pollfd	pfd;
	struct timespec	now;
	long long	ns;
	int		rc;

	if ((pfd.fd = PQsocket(conn)) < 0)
		return -1;
	pfd.events = events;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ns = (deadline->tv_sec - now.tv_sec) * 1000000000LL +
		    (deadline->tv_nsec - now.tv_nsec);
		if (ns <= 0)
			return 0;
		/* Round up, or the last millisecond spins. */
		rc = poll(&pfd, 1, (int)((ns + 999999) / 1000000));
		if (rc > 0)
			return (pfd.revents & POLLNVAL) ? -1 : pfd.revents;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/*
 * One statement on the connected, non-blocking db->conn, within
 * db->query_ms (a first prepare included). Returns what PQexecParams()
 * would, or NULL with e set.
 */
static PGresult *
db_run(struct db *db, const char *sql, int n, const char *const *values,
    const int *lengths, const int *formats, struct err *e)
{
	struct timespec	 deadline;
	char		 name[DB_STMT_NAME];
	int		 named, sent;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += db->query_ms / 1000;
	deadline.tv_nsec += (long)(db->query_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if ((named = db_prepared(db, sql, n, &deadline, name, e)) < 0)
		return NULL;
	sent = named ? PQsendQueryPrepared(db->conn, name, n, values, lengths,
	    formats, 0) : PQsendQueryParams(db->conn, sql, n, NULL, values,
	    lengths, formats, 0);
	if (!sent) {
		db_error(db, NULL, e);
		return NULL;
	}
	return db_collect(db, &deadline, sql, e);
}

/*
 * Flushes the command just sent and collects its results by the deadline.
 * Returns a PGRES_TUPLES_OK or PGRES_COMMAND_OK result, or NULL with e set
 * (the connection dropped if it broke or timed out). sql is for the log.
 */
static PGresult *
db_collect(struct db *db, const struct timespec *deadline, const char *sql,
    struct err *e)
{
	PGresult	*res = NULL, *r;
	ExecStatusType	 st;
	int		 rc;

	/* A large statement may not fit the socket buffer at once. */
	while ((rc = PQflush(db->conn)) != 0) {
		if (rc < 0)
			goto broken;
		if ((rc = db_wait(db->conn, POLLIN | POLLOUT, deadline)) == 0)
			goto timeout;
		if (rc < 0 || ((rc & POLLIN) && !PQconsumeInput(db->conn)))
			goto broken;
	}
	for (;;) {
		while (PQisBusy(db->conn)) {
			if ((rc = db_wait(db->conn, POLLIN, deadline)) == 0)
				goto timeout;
			if (rc < 0 || !PQconsumeInput(db->conn))
				goto broken;
		}
		if ((r = PQgetResult(db->conn)) == NULL)
			break;
		st = PQresultStatus(r);
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT ||
		    st == PGRES_COPY_BOTH) {
			/* Not supported; the connection is unusable. */
			PQclear(r);
			PQclear(res);
			db_drop(db);
			err_set(e, APP_EINTERNAL, "internal",
			    "database error");
			return NULL;
		}
		/* As PQexec(): the first error, else the last result. */
		if (res != NULL && PQresultStatus(res) == PGRES_FATAL_ERROR)
			PQclear(r);
		else {
			PQclear(res);
			res = r;
		}
	}
	st = PQresultStatus(res);
	if (res != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK))
		return res;
	db_error(db, res, e);
	PQclear(res);
	return NULL;
broken:
	PQclear(res);
	db_drop(db);
	err_set(e, APP_EUNAVAIL, "db_unavailable",
	    "the database connection was lost");
	e->retry_after = 1;
	return NULL;
timeout:
	PQclear(res);
	log_warn("event=db_timeout ms=%d sql=%s", db->query_ms, log_qv(sql));
	db_abandon(db);
	err_set(e, APP_EUNAVAIL, "db_timeout",
	    "the database did not answer in time");
	e->retry_after = 1;
	return NULL;
}

PGresult *
db_execb(struct db *db, const char *sql, int n, const char *const *values,
    const int *lengths, const int *formats, struct err *e)
{
	if (db_connect(db, e) != 0)
		return NULL;
	return db_run(db, sql, n, values, lengths, formats, e);
}

PGresult *
db_exec(struct db *db, const char *sql, int n, const char *const *values,
    struct err *e)
{
	return db_execb(db, sql, n, values, NULL, NULL, e);
}

int
db_begin(struct db *db, struct err *e)
{
	PGresult	*res;

	if (db->in_txn)
		return err_set(e, APP_EINTERNAL, "internal",
		    "transaction already open");
	if ((res = db_exec(db, "BEGIN", 0, NULL, e)) == NULL)
		return e->code;
	PQclear(res);
	db->in_txn = 1;
	return 0;
}

int
db_commit(struct db *db, struct err *e)
{
	PGresult	*res;

	if (!db->in_txn)
		return err_set(e, APP_EINTERNAL, "internal",
		    "no transaction to commit");
	if (db->conn == NULL ||
	    PQtransactionStatus(db->conn) != PQTRANS_INTRANS) {
		db_rollback(db);
		return err_set(e, APP_EINTERNAL, "internal",
		    "the transaction failed and was rolled back");
	}
	res = db_exec(db, "COMMIT", 0, NULL, e);
	db->in_txn = 0;
	if (res == NULL)
		return e->code;
	PQclear(res);
	return 0;
}

void
db_rollback(struct db *db)
{
	PGresult	*res;
	struct err	 e;

	db->in_txn = 0;
	if (db->conn == NULL ||
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	/* Within the deadline too; on any failure the connection goes. */
	if ((res = db_run(db, "ROLLBACK", 0, NULL, NULL, NULL, &e)) == NULL)
		db_drop(db);
	PQclear(res);
}

int
db_ping(struct db *db, struct err *e)
{
	PGresult	*res;

	if ((res = db_exec(db, "SELECT 1", 0, NULL, e)) == NULL)
		return e->code;
	PQclear(res);
	return 0;
}
