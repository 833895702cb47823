/*
 * serial_presence_test.c - presence heals when a ws node dies without a
 * word. Alice's socket is on the second ws node, Bob watches her from the
 * first; the second node is killed with SIGKILL, so no socket close and no
 * presence script runs for her. The first node's heartbeat sees the dead
 * instance's heartbeat key expire and takes her offline: Bob gets the
 * presence event within the node TTL (PARLEY_WS_NODE_TTL_MS, 3 s in the
 * test stack) plus a beat, instead of after the 90 s socket expiry, and a
 * presence query agrees. The node is started again afterwards (.fini).
 *
 * Serial: it kills a shared process.
 */
#include <signal.h>
#include <unistd.h>

#include "messages_util.h"

/* Whatever the test did, the next one starts with both nodes. */
static void
restart_ws2(void)
{
	test_sh("%s/deploy/stack restart ws2 >>%s/log/test-stack.log 2>&1",
	    getenv("PARLEY_ROOT"), getenv("PARLEY_VAR"));
}

TestSuite(serial_presence, .fini = restart_ws2, .timeout = 90);

static long
ws2_pid(void)
{
	char	 path[512];
	FILE	*f;
	long	 pid = -1;

	snprintf(path, sizeof(path), "%s/run/ws2.pid", getenv("PARLEY_VAR"));
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid;
}

/* Alice's "online" in Bob's presence query of their chat. */
static int
online_for_bob(struct world *w)
{
	struct http_resp	 r;
	json_t			*u;
	int			 on;

	cr_assert_eq(mt_req(&w->b.dev[0], "POST", "/api/messages/presence",
	    json_pack("{s:s}", "chat_id", w->chat), &r), 200, "%s", r.body);
	u = json_array_get(json_object_get(r.json, "users"), 0);
	on = json_is_true(json_object_get(u, "online"));
	http_resp_cleanup(&r);
	return on;
}

Test(serial_presence, killed_node_users_go_offline_within_the_ttl)
{
	struct world	 w;
	struct wsclient	*sa, *sb;
	json_t		*ev;
	long		 pid, ttl = 10000;
	const char	*t = getenv("PARLEY_WS_NODE_TTL_MS");
	struct timespec	 t0, t1;
	double		 took;

	if ((pid = ws2_pid()) <= 0)
		cr_skip_test("a second ws node is not running");
	if (t != NULL)
		ttl = strtol(t, NULL, 10);
	world_init(&w, 1, 1);
	sb = mt_ws_pinned(1, w.b.id, w.b.dev[0].id);
	mt_ws_hello(sb);
	cr_assert_not(online_for_bob(&w));
	sa = mt_ws_pinned(2, w.a.id, w.a.dev[0].id);
	mt_ws_hello(sa);
	cr_assert_not_null(ev = mt_ws_event(sb, "presence", MT_TIMEOUT_MS),
	    "no online event");
	cr_assert(json_is_true(json_object_get(ev, "online")));
	json_decref(ev);
	cr_assert(online_for_bob(&w));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(kill((pid_t)pid, SIGKILL), 0);
	/* Its heartbeat key lives at most one TTL; the reaper beats at TTL/3. */
	ev = mt_ws_event(sb, "presence", (int)(ttl + ttl / 3 + 3000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_not_null(ev, "no offline event %.1f s after the kill", took);
	cr_expect(json_is_false(json_object_get(ev, "online")));
	cr_expect(json_is_integer(json_object_get(ev, "last_seen")));
	json_decref(ev);
	cr_expect_not(online_for_bob(&w), "still online after the event");
	cr_expect_lt(took, (double)(ttl + ttl / 3) / 1000 + 3.0,
	    "offline after %.1f s", took);

	wsclient_free(sa);
	wsclient_free(sb);
	world_free(&w);
}
