/*
 * serial_calls_restart_test.c - call state lives in Postgres, not in a
 * calls process: a call that rings while every calls instance restarts
 * can still be accepted and signalled afterwards, and a call that times
 * out while no request reaches the service is still ended by the
 * restarted instances' sweeper threads. Serial: it restarts shared
 * processes.
 */
#include "calls_test_util.h"

static int
t_stack(const char *cmd, const char *name)
{
	return test_sh("%s/deploy/stack %s %s >>%s/log/test-stack.log 2>&1",
	    getenv("PARLEY_ROOT"), cmd, name, getenv("PARLEY_VAR"));
}

Test(serial_calls, a_call_survives_a_restart_of_every_instance)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	json_t		*ev;
	char		 id[37], body[64];

	cr_assert_not_null(getenv("PARLEY_ROOT"), "run through make test");
	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_start(&a.dev[0], &b, "video", id);
	cr_assert_eq(t_stack("restart", "calls"), 0);
	cr_assert_eq(t_stack("restart", "calls2"), 0);
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	ct_must(&s, &a, a.dev[0].id, "call_accepted", id);
	snprintf(body, sizeof(body), "{\"to_device\":%d,\"blob\":\"AAAA\"}",
	    a.dev[0].id);
	ct_expect(&b.dev[0], "POST", ct_path(id, "signal"), body, 204, NULL);
	ct_must(&s, &a, a.dev[0].id, "call_signal", id);
	ct_expect(&b.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);

	/* Expired while nobody asks: the new processes' sweepers end it. */
	ct_start(&a.dev[0], &b, "voice", id);
	ct_expire(id);
	ev = ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "missed");
	ct_sub_close(&s);
}
