/*
 * backoff_test.c - the shared reconnect gate: always open while healthy,
 * one prober at a time after a failure, delays that grow, reset on
 * success.
 */
#include <unistd.h>

#include <criterion/criterion.h>

#include "backoff.h"

Test(backoff, same_key_same_gate)
{
	cr_assert_eq(backoff_get("a"), backoff_get("a"));
	cr_assert_neq(backoff_get("a"), backoff_get("b"));
}

Test(backoff, healthy_gate_always_open)
{
	struct backoff	*b = backoff_get("healthy");
	int		 retry = -1;

	cr_assert(backoff_begin(b, &retry));
	cr_assert(backoff_begin(b, &retry), "concurrent first connects");
	cr_assert_eq(backoff_ok(b), 0);
	cr_assert_eq(retry, -1, "untouched when open");
}

Test(backoff, closed_after_failure_then_one_prober)
{
	struct backoff	*b = backoff_get("down");
	int		 retry = 0;

	cr_assert(backoff_begin(b, &retry));
	cr_assert_eq(backoff_fail(b), 1);
	cr_assert(!backoff_begin(b, &retry));
	cr_assert_eq(retry, 1);
	usleep(120 * 1000);		/* first delay is 100 ms */
	cr_assert(backoff_begin(b, &retry), "probe allowed");
	cr_assert(!backoff_begin(b, &retry), "only one prober at a time");
	cr_assert_eq(backoff_fail(b), 2);
	usleep(120 * 1000);		/* second delay is 200 ms */
	cr_assert(!backoff_begin(b, &retry), "delay grew");
	usleep(100 * 1000);
	cr_assert(backoff_begin(b, &retry));
	cr_assert_eq(backoff_ok(b), 2);
	cr_assert(backoff_begin(b, &retry), "open again after success");
	cr_assert(backoff_begin(b, &retry));
}

Test(backoff, delay_is_capped)
{
	struct backoff	*b = backoff_get("capped");
	int		 i, retry = 0;

	for (i = 0; i < 40; i++)
		backoff_fail(b);
	cr_assert(!backoff_begin(b, &retry));
	cr_assert_leq(retry, 5, "at most 5 s");
	cr_assert_geq(retry, 4);
}
