/*
 * migrate_test.c - deploy/migrate against a scratch database of the test
 * stack's Postgres: applies files in order, records them, is a no-op when run
 * again, and a failing migration leaves the database exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <libpq-fe.h>

#include "http.h"

struct scratch {
	char	 db[64];
	char	 dir[256];
	char	 conninfo[512];
	char	 admin[512];
};

static void
scratch_init(struct scratch *s)
{
	const char *var = getenv("PARLEY_VAR");
	PGconn *c;
	PGresult *r;
	char sql[128];

	cr_assert_not_null(var, "PARLEY_VAR is not set: run through make test");
	snprintf(s->db, sizeof(s->db), "migtest_%d", (int)getpid());
	snprintf(s->admin, sizeof(s->admin), "host=%s/pgsock dbname=postgres user=postgres", var);
	snprintf(s->conninfo, sizeof(s->conninfo), "host=%s/pgsock dbname=%s user=postgres",
	    var, s->db);
	snprintf(s->dir, sizeof(s->dir), "/tmp/%s.sql", s->db);
	c = PQconnectdb(s->admin);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", s->db);	/* name is ours, not input */
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	cr_assert_eq(test_sh("mkdir -p %s", s->dir), 0);
}

static void
scratch_file(struct scratch *s, const char *name, const char *sql)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(sql, f);
	fclose(f);
}

static int
migrate(struct scratch *s)
{
	return test_sh("PARLEY_DB='%s' PARLEY_SQL_DIR=%s %s/deploy/migrate >/dev/null 2>&1",
	    s->conninfo, s->dir, getenv("PARLEY_ROOT"));
}

static char *
query1(struct scratch *s, const char *sql)
{
	PGconn *c = PQconnectdb(s->conninfo);
	PGresult *r = PQexec(c, sql);
	char *v;

	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
	v = strdup(PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

static void
scratch_cleanup(struct scratch *s)
{
	PGconn *c = PQconnectdb(s->admin);
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", s->db);
	PQclear(PQexec(c, sql));
	PQfinish(c);
	test_sh("rm -rf %s", s->dir);
}

static void
expect_query(struct scratch *s, const char *sql, const char *want)
{
	char *v = query1(s, sql);

	cr_expect_str_eq(v, want, "%s", sql);
	free(v);
}

Test(migrate, applies_in_order_and_is_idempotent)
{
	struct scratch s;

	scratch_init(&s);
	scratch_file(&s, "002_add_col.sql", "ALTER TABLE t ADD COLUMN b int;");
	scratch_file(&s, "001_create.sql", "CREATE TABLE t (a int);");
	cr_assert_eq(migrate(&s), 0);
	expect_query(&s, "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations",
	    "001_create,002_add_col");
	expect_query(&s, "SELECT count(*) FROM information_schema.columns WHERE table_name='t'", "2");
	cr_assert_eq(migrate(&s), 0, "a second run is a no-op");
	expect_query(&s, "SELECT count(*) FROM schema_migrations", "2");
	scratch_cleanup(&s);
}

Test(migrate, failing_migration_changes_nothing)
{
	struct scratch s;

	scratch_init(&s);
	scratch_file(&s, "001_ok.sql", "CREATE TABLE good (a int);");
	scratch_file(&s, "002_bad.sql",
	    "CREATE TABLE half (a int);\nINSERT INTO good VALUES (1);\nSELECT no_such_function();\n");
	scratch_file(&s, "003_later.sql", "CREATE TABLE later (a int);");
	cr_expect_neq(migrate(&s), 0, "a failing migration fails the run");
	expect_query(&s, "SELECT string_agg(version, ',') FROM schema_migrations", "001_ok");
	expect_query(&s, "SELECT count(*) FROM pg_tables WHERE tablename IN ('half','later')", "0");
	expect_query(&s, "SELECT count(*) FROM good", "0");
	/* Fixed, it applies on the next run. */
	scratch_file(&s, "002_bad.sql", "CREATE TABLE half (a int);");
	cr_expect_eq(migrate(&s), 0);
	expect_query(&s, "SELECT count(*) FROM schema_migrations", "3");
	scratch_cleanup(&s);
}

Test(migrate, rejects_badly_named_files)
{
	struct scratch s;

	scratch_init(&s);
	scratch_file(&s, "001_Bad-Name.sql", "CREATE TABLE x (a int);");
	cr_expect_neq(migrate(&s), 0);
	scratch_cleanup(&s);
}

Test(migrate, concurrent_runs_apply_once)
{
	struct scratch s;

	scratch_init(&s);
	scratch_file(&s, "001_slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE once (a int);");
	cr_assert_eq(test_sh("cd %s && for i in 1 2 3; do PARLEY_DB='%s' PARLEY_SQL_DIR=%s "
	    "deploy/migrate >/dev/null 2>&1 & done; wait", getenv("PARLEY_ROOT"),
	    s.conninfo, s.dir), 0);
	expect_query(&s, "SELECT count(*) FROM schema_migrations", "1");
	scratch_cleanup(&s);
}
