/*
 * serial_faults_test.c - the stack under faults: a service stops within a
 * second of SIGTERM; with Postgres or Redis down, requests get a quick 503 in
 * the JSON envelope and the services come back on their own when it returns;
 * a service started while Postgres is down stays up and recovers.
 *
 * These tests stop shared processes, so the harness runs serial_* binaries
 * with one job, after the others.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "http.h"

static const char *services[] = { "auth", "contacts", "messages", "media", "calls", "ws" };
#define NSERVICES (sizeof(services) / sizeof(services[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Alive and not a zombie (PID 1 may reap exited orphans late). */
static int
pid_alive(long pid)
{
	char path[64], state = 0;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	ok = fscanf(f, "%*d (%*[^)]) %c", &state) == 1;
	fclose(f);
	return ok && state != 'Z';
}

static int
stack(const char *cmd, const char *name)
{
	return test_sh("%s/deploy/stack %s %s >>%s/log/test-stack.log 2>&1", getenv("PARLEY_ROOT"),
	    cmd, name, getenv("PARLEY_VAR"));
}

static long
read_pid(const char *name)
{
	char path[512];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/run/%s.pid", getenv("PARLEY_VAR"), name);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid;
}

/* GET /api/<svc>/health; returns the status (0 on transport error), fills field. */
static long
health(const char *svc, const char *field, char *val, size_t valsz, double *secs)
{
	struct http_client *c = http_client_create();
	struct http_resp r;
	char path[64];
	long st = 0;

	snprintf(path, sizeof(path), "/api/%s/health", svc);
	if (http_request(c, "GET", path, NULL, 0, &r) == 0) {
		st = r.status;
		if (field != NULL)
			snprintf(val, valsz, "%s", json_string_value(json_object_get(r.json, field)) ?
			    json_string_value(json_object_get(r.json, field)) : "");
		if (secs != NULL)
			*secs = r.seconds;
		if (st != 200)
			cr_expect_not_null(http_error_code(&r), "%s: no envelope: %s", svc, r.body);
	}
	http_resp_cleanup(&r);
	http_client_destroy(c);
	return st;
}

static void
wait_all_healthy(double limit)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < NSERVICES; i++) {
		while (health(services[i], NULL, NULL, 0, NULL) != 200) {
			cr_assert(now() - t0 < limit, "%s not healthy again after %.0f s",
			    services[i], limit);
			usleep(50 * 1000);
		}
	}
}

Test(faults, sigterm_stops_each_service_within_a_second)
{
	size_t i;
	long pid;
	double t0;

	for (i = 0; i < NSERVICES; i++) {
		pid = read_pid(services[i]);
		cr_assert_gt(pid, 0, "%s has no pid file", services[i]);
		t0 = now();
		cr_assert_eq(kill((pid_t)pid, SIGTERM), 0);
		while (pid_alive(pid) && now() - t0 < 3)
			usleep(5 * 1000);
		cr_expect(!pid_alive(pid), "%s still running 3 s after SIGTERM", services[i]);
		cr_expect_lt(now() - t0, 1.0, "%s took %.2f s to stop", services[i], now() - t0);
		cr_assert_eq(stack("start-one", services[i]), 0);
	}
	wait_all_healthy(20);
}

static void
outage(const char *dependency, const char *field)
{
	char val[32];
	double secs = 0;
	size_t i;

	cr_assert_eq(stack("stop-one", dependency), 0);
	for (i = 0; i < NSERVICES; i++) {
		if (strcmp(field, "postgres") == 0 && strcmp(services[i], "ws") == 0)
			continue;	/* the ws service never uses Postgres */
		cr_expect_eq(health(services[i], field, val, sizeof(val), &secs), 503,
		    "%s with %s down", services[i], dependency);
		cr_expect_str_eq(val, "down", "%s: %s", services[i], field);
		cr_expect_lt(secs, 2.5, "%s answered in %.2f s with %s down", services[i],
		    secs, dependency);
	}
	cr_assert_eq(stack("start-one", dependency), 0);
	wait_all_healthy(20);
}

Test(faults, postgres_outage_gives_503_then_recovers)
{
	outage("postgres", "postgres");
}

Test(faults, redis_outage_gives_503_then_recovers)
{
	outage("redis", "redis");
}

Test(faults, service_started_while_postgres_is_down_waits_for_it)
{
	char val[32];
	long pid;

	cr_assert_eq(stack("stop-one", "postgres"), 0);
	cr_assert_eq(stack("restart", "messages"), 0);
	usleep(300 * 1000);
	pid = read_pid("messages");
	cr_assert(pid > 0 && pid_alive(pid), "messages exited without Postgres");
	cr_expect_eq(health("messages", "postgres", val, sizeof(val), NULL), 503);
	cr_assert_eq(stack("start-one", "postgres"), 0);
	wait_all_healthy(20);
	cr_expect_eq(read_pid("messages"), pid, "recovered without a restart");
}

/* The stack's name of auth instance i (1-based): auth, auth2, ... */
static void
auth_instance(char *buf, size_t len, int i)
{
	if (i == 1)
		snprintf(buf, len, "auth");
	else
		snprintf(buf, len, "auth%d", i);
}

/*
 * With no auth instance to check the session, nginx's auth_request would
 * answer /ws with its own HTML 500: the upgrade gets the 503 envelope
 * instead, and works again once auth is back.
 */
Test(faults, ws_upgrade_without_auth_is_503_envelope)
{
	const char *upgrade = "out=$(mktemp) && trap 'rm -f $out' EXIT && "
	    "[ \"$(curl -sk --http1.1 -o $out -w '%%{http_code} %%{content_type}' "
	    "-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' "
	    "-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Origin: %s' "
	    "-b 'parley_session=not-a-session' '%s/ws')\" = '%s application/json' ] && "
	    "grep -q '\"code\":\"%s\"' $out";
	char n[16];
	int i, ninst = atoi(getenv("PARLEY_FCGI_INSTANCES") ? getenv("PARLEY_FCGI_INSTANCES") : "1");

	cr_expect_eq(test_sh(upgrade, test_url(), test_url(), "401", "unauthorized"), 0, "auth up");
	for (i = 1; i <= ninst; i++) {
		auth_instance(n, sizeof(n), i);
		cr_assert_eq(stack("stop-one", n), 0);
	}
	cr_expect_eq(test_sh(upgrade, test_url(), test_url(), "503", "service_unavailable"), 0,
	    "auth down");
	for (i = 1; i <= ninst; i++) {
		auth_instance(n, sizeof(n), i);
		cr_assert_eq(stack("start-one", n), 0);
	}
	wait_all_healthy(30);
	cr_expect_eq(test_sh(upgrade, test_url(), test_url(), "401", "unauthorized"), 0, "auth back");
}
