/*
 * ratelimit_test.c - the fixed-window counter against the real Redis
 * (PARLEY_REDIS), on keys of its own, and failing closed without Redis.
 */
#include <stdio.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cfg.h"
#include "crypto.h"
#include "kv.h"
#include "ratelimit.h"

static struct kv	*kv;
static char		 key[96];

static void
setup(void)
{
	struct err	e;

	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(cryp_init(), 0);
	cr_assert_not_null(kv = kv_create(cfg_str(CFG_REDIS), 1000, &e));
	snprintf(key, sizeof(key), "parley:test:rl:%d:%u", (int)getpid(),
	    (unsigned)randombytes_random());
}

static void
teardown(void)
{
	struct err	e;

	rl_reset(kv, key, &e);
	kv_destroy(kv);
}

TestSuite(ratelimit, .init = setup, .fini = teardown);

Test(ratelimit, counts_up_to_the_limit_then_refuses)
{
	struct err	e;
	int		i;

	for (i = 0; i < 3; i++)
		cr_assert_eq(rl_hit(kv, key, 3, 60, NULL, &e), 0, "hit %d", i);
	err_clear(&e);
	cr_assert_eq(rl_hit(kv, key, 3, 60, NULL, &e), APP_ERATELIMIT);
	cr_expect_str_eq(e.slug, "rate_limited");
	cr_expect(e.retry_after >= 1 && e.retry_after <= 60, "%d",
	    e.retry_after);
	cr_assert_eq(rl_hit(kv, key, 3, 60, "too_fast", &e), APP_ERATELIMIT);
	cr_expect_str_eq(e.slug, "too_fast");
}

Test(ratelimit, reset_opens_the_window_again)
{
	struct err	e;

	cr_assert_eq(rl_hit(kv, key, 1, 60, NULL, &e), 0);
	cr_assert_eq(rl_hit(kv, key, 1, 60, NULL, &e), APP_ERATELIMIT);
	cr_assert_eq(rl_reset(kv, key, &e), 0);
	cr_assert_eq(rl_hit(kv, key, 1, 60, NULL, &e), 0);
}

Test(ratelimit, window_expires)
{
	struct err	e;

	cr_assert_eq(rl_hit(kv, key, 1, 1, NULL, &e), 0);
	cr_assert_eq(rl_hit(kv, key, 1, 1, NULL, &e), APP_ERATELIMIT);
	cr_expect_eq(e.retry_after, 1);
	usleep(2100 * 1000);
	cr_assert_eq(rl_hit(kv, key, 1, 1, NULL, &e), 0);
}

Test(ratelimit, fails_closed_without_redis)
{
	struct kv	*dead;
	struct err	 e;

	cr_assert_not_null(dead = kv_create(
	    "unix:/nonexistent-parley-dir/redis.sock", 200, &e));
	cr_assert_eq(rl_hit(dead, key, 100, 60, NULL, &e), APP_EUNAVAIL);
	cr_expect_str_eq(e.slug, "redis_unavailable");
	kv_destroy(dead);
}
