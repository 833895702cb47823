/*
 * kv_test.c - kv.c against a real Redis (PARLEY_REDIS, set by the test
 * harness). Each test runs in its own process and uses keys under its own
 * prefix, deleted at the end. Fault paths use a socket that does not exist.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cfg.h"
#include "kv.h"

#define DEAD_KV	"unix:/nonexistent-parley-dir/redis.sock"

static struct kv	*kv;
static char		 prefix[64];

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *
key(const char *name)
{
	static char	buf[4][128];
	static int	n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s%s", prefix, name);
	return buf[n];
}

static void
setup(void)
{
	struct err	e;

	cr_assert_eq(cfg_load(&e), 0, "%s", e.msg);
	snprintf(prefix, sizeof(prefix), "kv_test:%ld:", (long)getpid());
	kv = kv_create(cfg_str(CFG_REDIS), 1000, &e);
	cr_assert_not_null(kv, "%s", e.msg);
}

static void
teardown(void)
{
	const char	*argv[] = { "DEL", key("a"), key("n"), key("list") };
	struct err	 e;
	redisReply	*r;

	if ((r = kv_cmd(kv, 4, argv, NULL, &e)) != NULL)
		freeReplyObject(r);
	kv_destroy(kv);
}

TestSuite(kv, .init = setup, .fini = teardown, .timeout = 30);

Test(kv, binary_safe_set_get)
{
	static const char	 val[] = "%s%n\0\r\nbinary";
	const char		*set[] = { "SET", key("a"), val };
	size_t			 setlen[] = { 3, strlen(set[1]), sizeof(val) };
	const char		*get[] = { "GET", key("a") };
	struct err		 e;
	redisReply		*r;

	r = kv_cmd(kv, 3, set, setlen, &e);
	cr_assert_not_null(r, "%s", e.msg);
	freeReplyObject(r);
	r = kv_cmd(kv, 2, get, NULL, &e);
	cr_assert_not_null(r);
	cr_assert_eq(r->type, REDIS_REPLY_STRING);
	cr_assert_eq(r->len, sizeof(val));
	cr_assert_arr_eq(r->str, val, sizeof(val));
	freeReplyObject(r);
}

Test(kv, error_reply)
{
	const char	*set[] = { "SET", key("n"), "not a number" };
	const char	*incr[] = { "INCR", key("n") };
	struct err	 e;
	redisReply	*r;

	freeReplyObject(kv_cmd(kv, 3, set, NULL, &e));
	r = kv_cmd(kv, 2, incr, NULL, &e);
	cr_assert_null(r);
	cr_assert_eq(e.code, APP_EINTERNAL);
	cr_assert_str_eq(e.slug, "redis_error");
	cr_assert_eq(kv_ping(kv, &e), 0, "connection still usable");
}

Test(kv, publish_reaches_subscriber)
{
	struct err	 e;
	redisContext	*sub;
	redisReply	*r;
	const char	*addr = cfg_str(CFG_REDIS);
	char		 chan[128];

	snprintf(chan, sizeof(chan), "%schan", prefix);
	cr_assert_eq(kv_publish(kv, chan, "x", 1, &e), 0, "no subscriber");
	cr_assert_eq(strncmp(addr, "unix:", 5), 0, "test assumes a socket");
	sub = redisConnectUnix(addr + 5);
	cr_assert(sub != NULL && sub->err == 0);
	r = redisCommand(sub, "SUBSCRIBE %s", chan);
	freeReplyObject(r);
	cr_assert_eq(kv_publish(kv, chan, "a\0b", 3, &e), 1);
	cr_assert_eq(redisGetReply(sub, (void **)&r), REDIS_OK);
	cr_assert_eq(r->element[2]->len, 3);
	cr_assert_arr_eq(r->element[2]->str, "a\0b", 3);
	freeReplyObject(r);
	redisFree(sub);
}

Test(kv, reconnects_after_server_side_close)
{
	const char	*id[] = { "CLIENT", "ID" };
	const char	*kill[] = { "CLIENT", "KILL", "ID", NULL };
	struct kv	*other;
	struct err	 e;
	redisReply	*r;
	char		 buf[32];

	r = kv_cmd(kv, 2, id, NULL, &e);
	cr_assert_not_null(r);
	snprintf(buf, sizeof(buf), "%lld", r->integer);
	freeReplyObject(r);
	kill[3] = buf;
	other = kv_create(cfg_str(CFG_REDIS), 1000, &e);
	r = kv_cmd(other, 4, kill, NULL, &e);
	cr_assert_not_null(r, "%s", e.msg);
	cr_assert_eq(r->integer, 1);
	freeReplyObject(r);
	kv_destroy(other);
	/* Redis closes the socket before answering CLIENT KILL. */
	cr_assert_eq(kv_ping(kv, &e), 0, "stale connection replaced: %s",
	    e.msg);
}

Test(kv, command_timeout_drops_connection)
{
	const char	*blpop[] = { "BLPOP", key("list"), "2" };
	struct kv	*fast;
	struct err	 e;
	double		 t0;

	fast = kv_create(cfg_str(CFG_REDIS), 100, &e);
	t0 = now_ms();
	cr_assert_null(kv_cmd(fast, 3, blpop, NULL, &e));
	cr_assert_lt(now_ms() - t0, 1000);
	cr_assert_eq(e.code, APP_EUNAVAIL);
	cr_assert_str_eq(e.slug, "redis_unavailable");
	cr_assert_eq(kv_ping(fast, &e), 0, "fresh connection: %s", e.msg);
	kv_destroy(fast);
}

Test(kv, dead_server_fails_fast)
{
	struct kv	*dead;
	struct err	 e;
	double		 t0;
	int		 i;

	dead = kv_create(DEAD_KV, 1000, &e);
	cr_assert_not_null(dead);
	t0 = now_ms();
	cr_assert_eq(kv_ping(dead, &e), APP_EUNAVAIL);
	cr_assert_str_eq(e.slug, "redis_unavailable");
	cr_assert_geq(e.retry_after, 1);
	for (i = 0; i < 100; i++)
		cr_assert_eq(kv_ping(dead, &e), APP_EUNAVAIL);
	cr_assert_lt(now_ms() - t0, 500);
	kv_destroy(dead);
	cr_assert_eq(kv_ping(kv, &e), 0, "a healthy server is unaffected");
}

Test(kv, addresses)
{
	static const char *bad[] = { "", "unix:", "localhost", ":6379",
	    "host:", "host:0", "host:65536", "host:12x" };
	struct kv	*k;
	struct err	 e;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_null(kv_create(bad[i], 100, &e), "'%s'", bad[i]);
		cr_assert_str_eq(e.slug, "bad_config");
	}
	k = kv_create("127.0.0.1:6379", 100, &e);
	cr_assert_not_null(k);
	kv_destroy(k);
	kv_destroy(NULL);
}
