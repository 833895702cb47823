/*
 * db_test.c - db.c against a real Postgres (PARLEY_DB, set by the test
 * harness). Each test runs in its own process with its own schema, set
 * through the connection's search_path, and drops it at the end. The
 * fault paths use a socket directory where no server listens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cfg.h"
#include "db.h"

#define DEAD_DB	"host=/nonexistent-parley-dir dbname=parley"

static char		 schema[64];
static char		 conninfo[1024];
static struct db	*db;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs trusted test SQL (schema names cannot be parameters). */
static void
must(struct db *h, const char *sql)
{
	struct err	 e;
	PGresult	*res;

	res = db_exec(h, sql, 0, NULL, &e);
	cr_assert_not_null(res, "%s: %s", sql, e.msg);
	PQclear(res);
}

static void
setup(void)
{
	struct db	*admin;
	struct err	 e;
	char		 sql[256];

	cr_assert_eq(cfg_load(&e), 0, "%s", e.msg);
	snprintf(schema, sizeof(schema), "db_test_%ld", (long)getpid());
	admin = db_create(cfg_str(CFG_DB), 2);
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", schema);
	must(admin, sql);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	must(admin, sql);
	db_destroy(admin);
	snprintf(conninfo, sizeof(conninfo), "%s options='-csearch_path=%s'",
	    cfg_str(CFG_DB), schema);
	db = db_create(conninfo, 2);
	must(db, "CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL "
	    "CHECK (name <> ''), data bytea)");
	must(db, "CREATE TABLE ref (item_id int REFERENCES item(id))");
}

static void
teardown(void)
{
	struct db	*admin = db_create(cfg_str(CFG_DB), 2);
	char		 sql[256];

	db_destroy(db);
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", schema);
	must(admin, sql);
	db_destroy(admin);
}

TestSuite(db, .init = setup, .fini = teardown, .timeout = 30);

static int
count_items(void)
{
	struct err	 e;
	PGresult	*res;
	int		 n;

	res = db_exec(db, "SELECT count(*) FROM item", 0, NULL, &e);
	cr_assert_not_null(res, "%s", e.msg);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

Test(db, parameters_and_results)
{
	const char	*ins[] = { "1", "it's; DROP TABLE item; --" };
	const char	*sel[] = { "1" };
	struct err	 e;
	PGresult	*res;

	res = db_exec(db, "INSERT INTO item (id, name) VALUES ($1, $2)", 2,
	    ins, &e);
	cr_assert_not_null(res, "%s", e.msg);
	cr_assert_str_eq(PQcmdTuples(res), "1");
	PQclear(res);
	res = db_exec(db, "SELECT name, data FROM item WHERE id = $1", 1, sel,
	    &e);
	cr_assert_not_null(res);
	cr_assert_eq(PQntuples(res), 1);
	cr_assert_str_eq(PQgetvalue(res, 0, 0), ins[1], "stored verbatim");
	cr_assert(PQgetisnull(res, 0, 1));
	PQclear(res);
}

Test(db, binary_parameters)
{
	const char	 blob[] = { 0, 1, 2, '\'', 0 };
	const char	*vals[] = { "2", "b", blob };
	const int	 lens[] = { 0, 0, sizeof(blob) };
	const int	 fmts[] = { 0, 0, 1 };
	struct err	 e;
	PGresult	*res;

	res = db_execb(db, "INSERT INTO item VALUES ($1, $2, $3)", 3, vals,
	    lens, fmts, &e);
	cr_assert_not_null(res, "%s", e.msg);
	PQclear(res);
	res = db_exec(db, "SELECT length(data), encode(data, 'hex') FROM item",
	    0, NULL, &e);
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "5");
	cr_assert_str_eq(PQgetvalue(res, 0, 1), "00010227" "00");
	PQclear(res);
}

Test(db, constraint_errors)
{
	const char	*ins[] = { "1", "a" };
	const char	*empty[] = { "3", "" };
	const char	*ref[] = { "99" };
	const char	*num[] = { "abc" };
	struct err	 e;

	PQclear(db_exec(db, "INSERT INTO item (id, name) VALUES ($1, $2)", 2,
	    ins, &e));
	cr_assert_null(db_exec(db, "INSERT INTO item (id, name) VALUES ($1, "
	    "$2)", 2, ins, &e));
	cr_assert_eq(e.code, APP_ECONFLICT);
	cr_assert_str_eq(e.slug, "conflict");
	cr_assert_not_null(strstr(e.msg, "item_pkey"), "%s", e.msg);

	cr_assert_null(db_exec(db, "INSERT INTO ref VALUES ($1)", 1, ref, &e));
	cr_assert_eq(e.code, APP_EUNPROCESSABLE);
	cr_assert_str_eq(e.slug, "invalid_reference");

	cr_assert_null(db_exec(db, "INSERT INTO item (id, name) VALUES ($1, "
	    "$2)", 2, empty, &e));
	cr_assert_eq(e.code, APP_EINVAL);
	cr_assert_null(db_exec(db, "SELECT $1::int", 1, num, &e));
	cr_assert_eq(e.code, APP_EINVAL);
	cr_assert_str_eq(e.slug, "invalid_value");

	cr_assert_null(db_exec(db, "SELEKT 1", 0, NULL, &e));
	cr_assert_eq(e.code, APP_EINTERNAL);
	cr_assert_str_eq(e.slug, "internal");
	cr_assert_eq(db_ping(db, &e), 0, "connection still usable");
}

Test(db, transactions)
{
	const char	*a[] = { "1", "a" }, *b[] = { "2", "b" };
	struct err	 e;

	cr_assert_eq(db_begin(db, &e), 0);
	cr_assert_eq(db_begin(db, &e), APP_EINTERNAL, "no nesting");
	PQclear(db_exec(db, "INSERT INTO item (id, name) VALUES ($1, $2)", 2,
	    a, &e));
	db_rollback(db);
	cr_assert_eq(count_items(), 0);

	cr_assert_eq(db_begin(db, &e), 0);
	PQclear(db_exec(db, "INSERT INTO item (id, name) VALUES ($1, $2)", 2,
	    b, &e));
	cr_assert_eq(db_commit(db, &e), 0);
	cr_assert_eq(count_items(), 1);
	cr_assert_eq(db_commit(db, &e), APP_EINTERNAL, "nothing open");
	db_rollback(db);	/* idle: a no-op */
}

Test(db, commit_of_failed_transaction_rolls_back)
{
	const char	*a[] = { "5", "a" };
	struct err	 e;

	cr_assert_eq(db_begin(db, &e), 0);
	PQclear(db_exec(db, "INSERT INTO item (id, name) VALUES ($1, $2)", 2,
	    a, &e));
	cr_assert_null(db_exec(db, "SELEKT", 0, NULL, &e));
	cr_assert_eq(db_commit(db, &e), APP_EINTERNAL);
	cr_assert_eq(count_items(), 0);
}

/* Kills h's backend from another connection and waits until it is gone. */
static void
kill_backend(struct db *h)
{
	struct db	*other = db_create(cfg_str(CFG_DB), 2);
	const char	*pid[1];
	struct err	 e;
	PGresult	*res;
	int		 i, alive = 1;

	res = db_exec(h, "SELECT pg_backend_pid()::text", 0, NULL, &e);
	cr_assert_not_null(res);
	pid[0] = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQclear(db_exec(other, "SELECT pg_terminate_backend($1::int)", 1, pid,
	    &e));
	for (i = 0; i < 200 && alive; i++) {
		res = db_exec(other, "SELECT 1 FROM pg_stat_activity WHERE "
		    "pid = $1::int", 1, pid, &e);
		alive = PQntuples(res) > 0;
		PQclear(res);
		if (alive)
			usleep(10000);
	}
	cr_assert(!alive);
	free((char *)pid[0]);
	db_destroy(other);
}

Test(db, reconnects_after_server_side_close)
{
	struct err	e;

	cr_assert_eq(db_ping(db, &e), 0);
	kill_backend(db);
	cr_assert_eq(db_ping(db, &e), 0, "stale connection replaced: %s",
	    e.msg);
	cr_assert_eq(count_items(), 0);
}

Test(db, lost_connection_inside_transaction)
{
	struct err	e;

	cr_assert_eq(db_begin(db, &e), 0);
	kill_backend(db);
	cr_assert_null(db_exec(db, "SELECT 1", 0, NULL, &e));
	cr_assert_eq(e.code, APP_EUNAVAIL);
	cr_assert_null(db_exec(db, "SELECT 1", 0, NULL, &e),
	    "never runs outside the lost transaction");
	cr_assert_str_eq(e.slug, "db_unavailable");
	db_rollback(db);
	cr_assert_eq(db_ping(db, &e), 0, "%s", e.msg);
}

Test(db, dead_server_fails_fast)
{
	struct db	*dead = db_create(DEAD_DB, 2);
	struct err	 e;
	double		 t0;
	int		 i;

	t0 = now_ms();
	cr_assert_eq(db_ping(dead, &e), APP_EUNAVAIL);
	cr_assert_str_eq(e.slug, "db_unavailable");
	cr_assert_eq(err_http_status(e.code), 503);
	cr_assert_geq(e.retry_after, 1);
	/* Gated: further calls do not even try to connect. */
	for (i = 0; i < 100; i++)
		cr_assert_eq(db_ping(dead, &e), APP_EUNAVAIL);
	cr_assert_lt(now_ms() - t0, 500, "no multi-second hang");
	db_destroy(dead);
}

Test(db, gate_is_per_server)
{
	struct db	*dead = db_create(DEAD_DB, 2);
	struct err	 e;

	cr_assert_eq(db_ping(dead, &e), APP_EUNAVAIL);
	cr_assert_eq(db_ping(db, &e), 0, "another server's gate is separate");
	db_destroy(dead);
}
