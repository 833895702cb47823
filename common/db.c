/*
 * db.c - lazy, self-healing libpq connections. Before each statement
 * outside a transaction the idle socket is polled without blocking (a
 * restarted server left a message and an EOF on it), so the first
 * request after a Postgres restart reconnects instead of failing. Failed
 * connects go through the shared backoff gate of this conninfo.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "db.h"
#include "log.h"

struct db {
	PGconn		*conn;
	char		*conninfo;
	char		 timeout[16];
	struct backoff	*gate;
	int		 in_txn;	/* from db_begin to commit/rollback */
};

static int	db_connect(struct db *, struct err *);
static void	db_drop(struct db *);
static int	db_error(struct db *, const PGresult *, struct err *);
static void	db_notice(void *, const char *);
static const char *db_flatten(const char *, char *, size_t);

static void
db_notice(void *arg, const char *msg)
{
	(void)arg;
	log_debug("event=pg_notice msg=\"%.200s\"", msg);
}

/* A server message as one line without double quotes, for a log value. */
static const char *
db_flatten(const char *s, char *buf, size_t size)
{
	size_t	i, len;

	snprintf(buf, size, "%s", s);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '"')
			buf[i] = '\'';
		else if (buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
	return buf;
}

struct db *
db_create(const char *conninfo, int connect_timeout)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->conninfo = strdup(conninfo)) == NULL)
		abort();
	snprintf(db->timeout, sizeof(db->timeout), "%d", connect_timeout);
	db->gate = backoff_get(conninfo);
	return db;
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

static void
db_drop(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
}

static int
db_connect(struct db *db, struct err *e)
{
	const char *const	 keys[] = { "dbname", "connect_timeout", NULL };
	const char		*vals[] = { db->conninfo, db->timeout, NULL };
	struct pollfd		 pfd;
	char			 msg[256];
	int			 retry = 1, n;

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
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		n = backoff_fail(db->gate);
		if (n == 1)
			log_warn("event=db_down err=\"%s\"", db_flatten(
			    db->conn != NULL ? PQerrorMessage(db->conn) :
			    "out of memory", msg, sizeof(msg)));
		db_drop(db);
		goto unavail;
	}
	if ((n = backoff_ok(db->gate)) > 0)
		log_info("event=db_up failures=%d", n);
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	return 0;
unavail:
	err_set(e, APP_EUNAVAIL, "db_unavailable",
	    "the database is unavailable");
	e->retry_after = retry;
	return APP_EUNAVAIL;
}

/* Maps a failed statement to struct err; drops a broken connection. */
static int
db_error(struct db *db, const PGresult *res, struct err *e)
{
	const char	*state, *cons, *msg;
	char		 buf[256];

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
	/* Only the primary message: DETAIL may carry user data. */
	log_error("event=db_error sqlstate=%s msg=\"%s\"", state,
	    db_flatten(msg != NULL ? msg : PQerrorMessage(db->conn), buf,
	    sizeof(buf)));
	return err_set(e, APP_EINTERNAL, "internal", "database error");
}

PGresult *
db_execb(struct db *db, const char *sql, int n, const char *const *values,
    const int *lengths, const int *formats, struct err *e)
{
	PGresult	*res = NULL;
	ExecStatusType	 st;

	if (db_connect(db, e) != 0)
		return NULL;
	res = PQexecParams(db->conn, sql, n, NULL, values, lengths, formats,
	    0);
	st = PQresultStatus(res);
	if (res != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK))
		return res;
	db_error(db, res, e);
	PQclear(res);
	return NULL;
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

	db->in_txn = 0;
	if (db->conn == NULL ||
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
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
