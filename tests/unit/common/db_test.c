/*
 * db_test.c - db.c against a real Postgres (PARLEY_DB, set by the test
 * harness). Each test runs in its own process with its own schema, set
 * through the connection's search_path, and drops it at the end. The
 * fault paths use a socket directory where no server listens; the hung
 * server case uses a throw-away cluster of its own that it SIGSTOPs (the
 * shared one must keep serving the other tests).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

static char *
backend_pid(struct db *h)
{
	struct err	 e;
	PGresult	*res;
	char		*pid;

	res = db_exec(h, "SELECT pg_backend_pid()::text", 0, NULL, &e);
	cr_assert_not_null(res, "%s", e.msg);
	pid = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return pid;
}

Test(db, statement_timeout_set_at_connect)
{
	struct err	 e;
	PGresult	*res;

	db_set_query_timeout(db, 300);
	res = db_exec(db, "SELECT current_setting('statement_timeout'), "
	    "current_schema()", 0, NULL, &e);
	cr_assert_not_null(res, "%s", e.msg);
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "1300ms",
	    "the server-side backstop is 1 s above the client deadline");
	cr_assert_str_eq(PQgetvalue(res, 0, 1), schema,
	    "the conninfo's own options are kept");
	PQclear(res);
}

Test(db, hung_statement_times_out_and_reconnects)
{
	struct db	*other = db_create(cfg_str(CFG_DB), 2);
	const char	*pid[1];
	struct err	 e;
	PGresult	*res;
	double		 t0, took;
	char		*newpid;
	int		 alive = 1;

	db_set_query_timeout(db, 300);
	/* No server-side backstop here: only the cancel can end the sleep. */
	must(db, "SET statement_timeout = 0");
	pid[0] = backend_pid(db);
	t0 = now_ms();
	cr_assert_null(db_exec(db, "SELECT pg_sleep(10)", 0, NULL, &e));
	took = now_ms() - t0;
	cr_assert_eq(e.code, APP_EUNAVAIL);
	cr_assert_str_eq(e.slug, "db_timeout");
	cr_assert_eq(err_http_status(e.code), 503);
	cr_assert_eq(e.retry_after, 1);
	cr_assert_geq(took, 290, "not before the deadline: %.0f ms", took);
	cr_assert_lt(took, 2000, "soon after it: %.0f ms", took);

	/*
	 * The statement was cancelled and its connection closed: the backend
	 * goes away long before the 10 s sleep would have ended.
	 */
	while (alive && now_ms() - t0 < 8000) {
		res = db_exec(other, "SELECT 1 FROM pg_stat_activity WHERE "
		    "pid = $1::int", 1, pid, &e);
		cr_assert_not_null(res, "%s", e.msg);
		alive = PQntuples(res) > 0;
		PQclear(res);
		if (alive)
			usleep(10000);
	}
	cr_assert(!alive, "the backend was cancelled");

	cr_assert_eq(db_ping(db, &e), 0, "the handle reconnects: %s", e.msg);
	newpid = backend_pid(db);
	cr_assert_str_neq(newpid, pid[0]);
	free(newpid);
	free((char *)pid[0]);
	db_destroy(other);
}

Test(db, server_statement_timeout_is_db_timeout)
{
	struct err	 e;
	char		*pid, *same;

	pid = backend_pid(db);
	must(db, "SET statement_timeout = 100");
	cr_assert_null(db_exec(db, "SELECT pg_sleep(2)", 0, NULL, &e));
	cr_assert_eq(e.code, APP_EUNAVAIL);
	cr_assert_str_eq(e.slug, "db_timeout");
	cr_assert_eq(e.retry_after, 1);
	same = backend_pid(db);
	cr_assert_str_eq(same, pid, "the connection is still good");
	free(same);
	free(pid);
}

Test(db, timeout_inside_transaction)
{
	struct err	e;

	db_set_query_timeout(db, 200);
	cr_assert_eq(db_begin(db, &e), 0);
	cr_assert_null(db_exec(db, "SELECT pg_sleep(10)", 0, NULL, &e));
	cr_assert_str_eq(e.slug, "db_timeout");
	cr_assert_null(db_exec(db, "SELECT 1", 0, NULL, &e),
	    "never runs outside the lost transaction");
	cr_assert_str_eq(e.slug, "db_unavailable");
	db_rollback(db);
	cr_assert_eq(db_ping(db, &e), 0, "%s", e.msg);
	cr_assert_eq(count_items(), 0);
}

/* --- a private, stoppable Postgres ---------------------------------------- */

static char	pg_dir[64];
static pid_t	pg_pid = -1;

/*
 * Signals the postmaster, then every child of it (each backend is a
 * session leader of its own, so a process group signal would miss them).
 */
static void
pg_signal_all(int sig)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[300], buf[512], *p;
	FILE		*f;
	long		 ppid;

	kill(pg_pid, sig);
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* pid (comm) state ppid ...; comm may hold anything. */
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %*c %ld", &ppid) == 1 && ppid == pg_pid)
			kill((pid_t)atol(de->d_name), sig);
		fclose(f);
	}
	closedir(d);
}

static void
pg_teardown(void)
{
	char	cmd[128];

	if (pg_pid > 0) {
		pg_signal_all(SIGCONT);
		kill(pg_pid, SIGQUIT);
		waitpid(pg_pid, NULL, 0);
	}
	if (pg_dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pg_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", pg_dir);
	}
}

static const char *
pg_bindir(void)
{
	static char	dir[256];
	const char	*env = getenv("PARLEY_PG_BIN");
	FILE		*f;

	if (env != NULL && env[0] != '\0')
		return env;
	snprintf(dir, sizeof(dir), "/usr/lib/postgresql/15/bin");
	if (access("/usr/lib/postgresql/15/bin/initdb", X_OK) != 0 &&
	    (f = popen("pg_config --bindir 2>/dev/null", "r")) != NULL) {
		if (fgets(dir, sizeof(dir), f) != NULL)
			dir[strcspn(dir, "\n")] = '\0';
		pclose(f);
	}
	return dir;
}

/*
 * initdb and start a cluster in a fresh directory, on a unix socket only.
 * As root it runs as "postgres" (it refuses
 * root). Skips the test when that is not possible.
 */
static void
pg_start(char *conninfo_out, size_t size)
{
	struct passwd	*pw = NULL;
	const char	*bin = pg_bindir();
	char		 initdb[320], postgres[320], cmd[1024], sock[128];
	PGPing		 ping = PQPING_NO_RESPONSE;
	double		 t0;
	int		 fd;

	snprintf(initdb, sizeof(initdb), "%s/initdb", bin);
	snprintf(postgres, sizeof(postgres), "%s/postgres", bin);
	if (access(initdb, X_OK) != 0 || access(postgres, X_OK) != 0 ||
	    (geteuid() == 0 && (pw = getpwnam("postgres")) == NULL))
		cr_skip_test("no initdb/postgres (or no postgres user)");
	snprintf(pg_dir, sizeof(pg_dir), "/tmp/db_test_pg.XXXXXX");
	cr_assert_not_null(mkdtemp(pg_dir));
	if (pw != NULL)
		cr_assert_eq(chown(pg_dir, pw->pw_uid, pw->pw_gid), 0);
	snprintf(cmd, sizeof(cmd), "%s%s' -D '%s/data' -U postgres "
	    "--auth=trust -N >/dev/null 2>&1", pw != NULL ?
	    "runuser -u postgres -- '" : "'", initdb, pg_dir);
	if (system(cmd) != 0)
		cr_skip_test("initdb failed: %s", cmd);
	if ((pg_pid = fork()) == 0) {
		if (pw != NULL && (setgid(pw->pw_gid) != 0 ||
		    setuid(pw->pw_uid) != 0))
			_exit(126);
		/* Dies with the test process, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		snprintf(sock, sizeof(sock), "%s/data", pg_dir);
		execl(postgres, "postgres", "-D", sock, "-k", pg_dir,
		    "-c", "listen_addresses=", "-F", "-c",
		    "max_connections=20", (char *)NULL);
		_exit(127);
	}
	cr_assert_gt(pg_pid, 0);
	snprintf(conninfo_out, size, "host=%s dbname=postgres user=postgres",
	    pg_dir);
	/* Waited for by connecting, never by sleeping blind. */
	for (t0 = now_ms(); ping != PQPING_OK && now_ms() - t0 < 20000;) {
		ping = PQping(conninfo_out);
		if (ping != PQPING_OK)
			usleep(20000);
	}
	cr_assert_eq(ping, PQPING_OK, "private postgres did not come up");
}

TestSuite(db_hung, .fini = pg_teardown, .timeout = 60);

Test(db_hung, stopped_server_times_out_then_recovers)
{
	char		 ci[256];
	struct db	*h;
	struct err	 e;
	double		 t0, took;
	int		 i, rc;

	pg_start(ci, sizeof(ci));
	h = db_create(ci, 2);
	db_set_query_timeout(h, 400);
	cr_assert_eq(db_ping(h, &e), 0, "%s", e.msg);

	/* Every process of the cluster stops: the socket still accepts. */
	pg_signal_all(SIGSTOP);
	t0 = now_ms();
	cr_assert_eq(db_ping(h, &e), APP_EUNAVAIL);
	took = now_ms() - t0;
	cr_assert_str_eq(e.slug, "db_timeout");
	cr_assert_eq(e.retry_after, 1);
	cr_assert_lt(took, 2500, "bounded by the deadline: %.0f ms", took);

	/* Reconnecting is bounded by connect_timeout, then gated. */
	t0 = now_ms();
	cr_assert_eq(db_ping(h, &e), APP_EUNAVAIL);
	cr_assert_str_eq(e.slug, "db_unavailable");
	cr_assert_lt(now_ms() - t0, 5000, "%.0f ms", now_ms() - t0);
	t0 = now_ms();
	for (i = 0; i < 50; i++)
		cr_assert_eq(db_ping(h, &e), APP_EUNAVAIL);
	cr_assert_lt(now_ms() - t0, 500, "fast 503s while down: %.0f ms",
	    now_ms() - t0);

	/* Back without a restart of ours. */
	pg_signal_all(SIGCONT);
	t0 = now_ms();
	while ((rc = db_ping(h, &e)) != 0 && now_ms() - t0 < 15000)
		usleep(50000);
	cr_assert_eq(rc, 0, "recovered: %s", e.msg);
	db_destroy(h);
}

/* How many of the handle's prepared statements have exactly this text. */
static int
prepared_count(struct db *h, const char *sql)
{
	const char	*vals[1] = { sql };
	struct err	 e;
	PGresult	*res;
	int		 n;

	res = db_exec(h, "SELECT count(*) FROM pg_prepared_statements "
	    "WHERE statement = $1", 1, vals, &e);
	cr_assert_not_null(res, "%s", e.msg);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

static int
add_one(struct db *h, const char *sql, int v)
{
	char		 buf[16];
	const char	*vals[1] = { buf };
	struct err	 e;
	PGresult	*res;
	int		 n;

	snprintf(buf, sizeof(buf), "%d", v);
	res = db_exec(h, sql, 1, vals, &e);
	cr_assert_not_null(res, "%s: %s", sql, e.msg);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/*
 * A statement with parameters is prepared once per connection and run by
 * name afterwards (parse and plan once); one without stays unnamed; a new
 * connection prepares afresh.
 */
Test(db, statements_with_parameters_are_prepared_once)
{
	const char	*sql = "SELECT $1::int + 1";
	struct err	 e;
	int		 i;

	for (i = 0; i < 3; i++)
		cr_assert_eq(add_one(db, sql, i), i + 1);
	cr_expect_eq(prepared_count(db, sql), 1);
	cr_assert_eq(db_ping(db, &e), 0);
	cr_expect_eq(prepared_count(db, "SELECT 1"), 0);
	kill_backend(db);
	cr_assert_eq(add_one(db, sql, 41), 42, "after a reconnect");
	cr_expect_eq(prepared_count(db, sql), 1);
}

/* Past the cache's size statements still run, unnamed. */
Test(db, statement_cache_overflow_runs_unnamed)
{
	char	sql[64];
	int	i, n = 150;

	for (i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "SELECT $1::int + %d", i);
		cr_assert_eq(add_one(db, sql, 1), 1 + i);
		cr_assert_eq(add_one(db, sql, 2), 2 + i);
	}
	/* The first ones are prepared, the last ones are not. */
	cr_expect_eq(prepared_count(db, "SELECT $1::int + 0"), 1);
	snprintf(sql, sizeof(sql), "SELECT $1::int + %d", n - 1);
	cr_expect_eq(prepared_count(db, sql), 0);
}

/*
 * A migration that changes what a prepared statement returns: one 503
 * db_busy (the connection starts over), then the statement works again.
 */
Test(db, changed_result_type_prepares_again)
{
	const char	*sql = "SELECT * FROM item WHERE id = $1::int";
	const char	*one[1] = { "1" };
	struct err	 e;
	PGresult	*res;

	must(db, "INSERT INTO item (id, name) VALUES (1, 'a')");
	res = db_exec(db, sql, 1, one, &e);
	cr_assert_not_null(res, "%s", e.msg);
	cr_assert_eq(PQnfields(res), 3);
	PQclear(res);
	must(db, "ALTER TABLE item ADD COLUMN extra int");
	res = db_exec(db, sql, 1, one, &e);
	if (res == NULL) {
		cr_expect_str_eq(e.slug, "db_busy");
		res = db_exec(db, sql, 1, one, &e);
	}
	cr_assert_not_null(res, "%s", e.msg);
	cr_expect_eq(PQnfields(res), 4);
	PQclear(res);
}
