/*
 * messages_push_test.c - events over the WebSocket: envelopes, delivered
 * and read receipts, typing, presence, logged_out, one live socket per
 * device (4409, on one node and across two, ordered by Redis generations),
 * and the upgrade refused
 * without a session. Sockets are pinned to a ws node with the identity
 * headers nginx would set; the last tests go through nginx itself.
 */
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "messages_util.h"

TestSuite(push, .timeout = 60);

static void
world_send(struct world *w, const char *text, char id[37])
{
	struct fx_user		*to[] = { &w->a, &w->b };
	struct http_resp	 r;

	mt_uuid(id);
	cr_assert_eq(mt_send(&w->a.dev[0], w->chat, id,
	    mt_envs_for(&w->a, 0, to, 2, text), &r), 200, "send: %s", r.body);
	http_resp_cleanup(&r);
}

/* 1 if the ws node n answers its health check. */
static int
node_up(int n)
{
	const char	*direct = getenv("PARLEY_TEST_WS_DIRECT"), *colon;

	cr_assert_not_null(direct);
	cr_assert_not_null(colon = strrchr(direct, ':'));
	return test_sh("curl -sf --max-time 2 http://%.*s:%d/api/ws/health "
	    ">/dev/null", (int)(colon - direct), direct,
	    atoi(colon + 1) + n - 1) == 0;
}

Test(push, envelope_delivered_and_read_events)
{
	struct world	 w;
	struct wsclient	*sa, *sb;
	json_t		*ev, *env, *in;
	char		 id[37];

	world_init(&w, 1, 1);
	sa = mt_ws_pinned(1, w.a.id, w.a.dev[0].id);
	sb = mt_ws_pinned(1, w.b.id, w.b.dev[0].id);
	mt_ws_hello(sa);
	mt_ws_hello(sb);
	world_send(&w, "pushed", id);
	cr_assert_not_null(ev = mt_ws_event(sb, "envelope", MT_TIMEOUT_MS),
	    "no envelope event");
	env = json_object_get(ev, "envelope");
	cr_expect_str_eq(json_string_value(json_object_get(env, "message_id")),
	    id);
	cr_expect(json_is_integer(json_object_get(env, "seq")));
	/* The pushed envelope is the queued one. */
	in = mt_inbox(&w.b.dev[0], "0", 10);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(in, "envelopes"), 0), "id")),
	    json_string_value(json_object_get(env, "id")));
	cr_expect_eq(mt_ack_envs(&w.b.dev[0], json_object_get(in,
	    "envelopes")), 1);
	json_decref(in);
	json_decref(ev);
	cr_assert_not_null(ev = mt_ws_event(sa, "delivered", MT_TIMEOUT_MS),
	    "no delivered event");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(ev,
	    "ids"), 0)), id);
	cr_expect_str_eq(json_string_value(json_object_get(ev, "user")),
	    w.b.id);
	json_decref(ev);
	cr_expect_eq(mt_status(&w.b.dev[0], "POST", "/api/messages/read",
	    json_pack("{s:s, s:[s]}", "chat_id", w.chat, "ids", id)), 200);
	cr_assert_not_null(ev = mt_ws_event(sa, "read", MT_TIMEOUT_MS),
	    "no read event");
	cr_expect_str_eq(json_string_value(json_object_get(ev, "chat_id")),
	    w.chat);
	json_decref(ev);
	wsclient_free(sa);
	wsclient_free(sb);
	world_free(&w);
}

Test(push, read_receipts_off_sends_no_read_event)
{
	struct world	 w;
	struct wsclient	*sa;
	const char	*p[1];
	char		 id[37], *text;
	int		 seen_read = 0, seen_typing = 0;

	world_init(&w, 1, 1);
	p[0] = w.b.id;
	fx_exec("INSERT INTO privacy_settings (user_id, read_receipts) "
	    "VALUES ($1, false)", 1, p);
	sa = mt_ws_pinned(1, w.a.id, w.a.dev[0].id);
	mt_ws_hello(sa);
	world_send(&w, "x", id);
	cr_expect_eq(mt_status(&w.b.dev[0], "POST", "/api/messages/read",
	    json_pack("{s:s, s:[s]}", "chat_id", w.chat, "ids", id)), 200);
	/*
	 * A typing event after it is the sentinel: a read event would come
	 * first. (Waiting for nothing on a silent socket is slow with the
	 * test client: its deadline only fires on socket activity.)
	 */
	cr_expect_eq(mt_status(&w.b.dev[0], "POST", "/api/messages/typing",
	    json_pack("{s:s, s:s}", "chat_id", w.chat, "state", "paused")),
	    204);
	while ((text = wsclient_recv(sa, MT_TIMEOUT_MS)) != NULL) {
		seen_read |= strstr(text, "\"read\"") != NULL;
		seen_typing = strstr(text, "\"typing\"") != NULL;
		free(text);
		if (seen_typing)
			break;
	}
	cr_expect(seen_typing, "no sentinel");
	cr_expect_not(seen_read, "read event despite read receipts off");
	wsclient_free(sa);
	world_free(&w);
}

Test(push, typing_reaches_the_other_member)
{
	struct world	 w;
	struct wsclient	*sb;
	json_t		*ev;

	world_init(&w, 1, 1);
	sb = mt_ws_pinned(1, w.b.id, w.b.dev[0].id);
	mt_ws_hello(sb);
	cr_expect_eq(mt_status(&w.a.dev[0], "POST", "/api/messages/typing",
	    json_pack("{s:s, s:s}", "chat_id", w.chat, "state", "recording")),
	    204);
	cr_assert_not_null(ev = mt_ws_event(sb, "typing", MT_TIMEOUT_MS));
	cr_expect_str_eq(json_string_value(json_object_get(ev, "state")),
	    "recording");
	cr_expect_eq(json_integer_value(json_object_get(ev, "expires_in")), 6);
	json_decref(ev);
	wsclient_free(sb);
	world_free(&w);
}

Test(push, presence_online_and_last_seen)
{
	struct world	 w;
	struct wsclient	*sa, *sb;
	struct http_resp r;
	json_t		*ev, *u;
	PGconn		*db;
	PGresult	*res;
	const char	*p[1];
	int		 i, persisted = 0;

	world_init(&w, 1, 1);
	p[0] = w.a.id;
	sb = mt_ws_pinned(1, w.b.id, w.b.dev[0].id);
	mt_ws_hello(sb);
	cr_assert_eq(mt_req(&w.b.dev[0], "POST", "/api/messages/presence",
	    json_pack("{s:s}", "chat_id", w.chat), &r), 200, "%s", r.body);
	u = json_array_get(json_object_get(r.json, "users"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(u, "user")),
	    w.a.id);
	cr_expect(json_is_false(json_object_get(u, "online")), "%s", r.body);
	http_resp_cleanup(&r);
	sa = mt_ws_pinned(2, w.a.id, w.a.dev[0].id);
	mt_ws_hello(sa);
	cr_assert_not_null(ev = mt_ws_event(sb, "presence", MT_TIMEOUT_MS),
	    "no online event");
	cr_expect(json_is_true(json_object_get(ev, "online")));
	json_decref(ev);
	cr_expect_eq(wsclient_close(sa, 1000, MT_TIMEOUT_MS), 0);
	cr_assert_not_null(ev = mt_ws_event(sb, "presence", MT_TIMEOUT_MS),
	    "no offline event");
	cr_expect(json_is_false(json_object_get(ev, "online")));
	cr_expect(json_is_integer(json_object_get(ev, "last_seen")));
	json_decref(ev);
	/* Last seen reaches Postgres through the stream (drained at most
	 * every 2 s by a presence or inbox request). */
	for (i = 0; i < 30 && !persisted; i++) {
		cr_assert_eq(mt_req(&w.b.dev[0], "POST",
		    "/api/messages/presence", json_pack("{s:s}", "chat_id",
		    w.chat), &r), 200);
		u = json_array_get(json_object_get(r.json, "users"), 0);
		cr_expect(json_is_integer(json_object_get(u, "last_seen")),
		    "%s", r.body);
		http_resp_cleanup(&r);
		db = fx_db();
		res = PQexecParams(db, "SELECT last_seen_at IS NOT NULL FROM "
		    "users WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
		persisted = PQntuples(res) == 1 &&
		    PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		PQfinish(db);
		if (!persisted)
			usleep(200000);
	}
	cr_expect(persisted, "last seen never reached users.last_seen_at");
	wsclient_free(sa);
	wsclient_free(sb);
	world_free(&w);
}

Test(push, newer_socket_closes_older_with_4409_same_node)
{
	struct fx_user	 a;
	struct wsclient	*s1, *s2;

	fx_user_create(&a, "A", 1);
	s1 = mt_ws_pinned(1, a.id, a.dev[0].id);
	mt_ws_hello(s1);
	s2 = mt_ws_pinned(1, a.id, a.dev[0].id);
	mt_ws_hello(s2);
	cr_expect_eq(wsclient_wait_closed(s1, MT_TIMEOUT_MS), 0);
	cr_expect_eq(wsclient_close_code(s1), 4409);
	cr_expect(wsclient_is_open(s2));
	wsclient_free(s1);
	wsclient_free(s2);
	fx_user_destroy(&a);
}

Test(push, newer_socket_closes_older_with_4409_across_nodes)
{
	struct fx_user	 a;
	struct wsclient	*s1, *s2;

	if (!node_up(2))
		cr_skip_test("a second ws node is not running");
	fx_user_create(&a, "A", 1);
	s1 = mt_ws_pinned(1, a.id, a.dev[0].id);
	mt_ws_hello(s1);
	s2 = mt_ws_pinned(2, a.id, a.dev[0].id);
	mt_ws_hello(s2);
	cr_expect_eq(wsclient_wait_closed(s1, MT_TIMEOUT_MS), 0);
	cr_expect_eq(wsclient_close_code(s1), 4409);
	cr_expect(wsclient_is_open(s2));
	wsclient_free(s1);
	wsclient_free(s2);
	fx_user_destroy(&a);
}

/* The device's generation counter in Redis; -1 until it exists. */
static long
gen_of(struct fx_user *a, int k)
{
	redisContext	*rc = redisConnectUnix(getenv("PARLEY_REDIS") + 5);
	redisReply	*rep;
	long		 g = -1;

	cr_assert(rc != NULL && rc->err == 0);
	rep = redisCommand(rc, "GET parley:ws:gen:%s:%d", a->id, a->dev[k].id);
	if (rep != NULL && rep->type == REDIS_REPLY_STRING)
		g = strtol(rep->str, NULL, 10);
	freeReplyObject(rep);
	redisFree(rc);
	return g;
}

/* Announces a takeover of (a, device k) with generation gen, as a node would. */
static void
fake_takeover(struct fx_user *a, int k, long gen)
{
	cr_assert_eq(test_sh("redis-cli -s %s PUBLISH parley:ws:takeover "
	    "'parley:dev:%s:%d %ld wsX 1' >/dev/null", getenv("PARLEY_REDIS") + 5,
	    a->id, a->dev[k].id, gen), 0);
}

/*
 * "Newer" is the order Redis handed out generations in, not any node's
 * clock: each open takes the device's next generation, an announcement of
 * an older generation (what a node with a fast clock used to win with)
 * leaves the socket alone, and a newer one replaces it.
 */
Test(push, takeover_follows_redis_generations_not_clocks)
{
	struct fx_user	 a;
	struct wsclient	*s1, *s2;
	json_t		*ev;
	long		 g = -1;
	int		 i;

	fx_user_create(&a, "A", 1);
	s1 = mt_ws_pinned(1, a.id, a.dev[0].id);
	mt_ws_hello(s1);
	for (i = 0; i < 50 && (g = gen_of(&a, 0)) < 1; i++)
		usleep(100000);
	cr_assert_geq(g, 1, "no generation for the device");
	fake_takeover(&a, 0, g - 1);
	cr_assert_eq(test_sh("redis-cli -s %s PUBLISH parley:dev:%s:%d "
	    "'{\"type\":\"probe\"}' >/dev/null", getenv("PARLEY_REDIS") + 5,
	    a.id, a.dev[0].id), 0);
	cr_assert_not_null(ev = mt_ws_event(s1, "probe", MT_TIMEOUT_MS),
	    "an older generation closed the socket");
	json_decref(ev);
	cr_expect(wsclient_is_open(s1));
	fake_takeover(&a, 0, g + 1);
	cr_expect_eq(wsclient_wait_closed(s1, MT_TIMEOUT_MS), 0);
	cr_expect_eq(wsclient_close_code(s1), 4409);
	/* The next open, on either node, takes the next generation. */
	s2 = mt_ws_pinned(node_up(2) ? 2 : 1, a.id, a.dev[0].id);
	mt_ws_hello(s2);
	for (i = 0; i < 50 && gen_of(&a, 0) != g + 1; i++)
		usleep(100000);
	cr_expect_eq(gen_of(&a, 0), g + 1);
	cr_expect(wsclient_is_open(s2));
	wsclient_free(s1);
	wsclient_free(s2);
	fx_user_destroy(&a);
}

Test(push, logged_out_is_sent_then_socket_closed)
{
	struct fx_user	 a;
	struct wsclient	*s;
	json_t		*ev;
	const char	*p[1];

	fx_user_create(&a, "A", 2);
	s = mt_ws_pinned(1, a.id, a.dev[1].id);
	mt_ws_hello(s);
	/* As the auth service does on device removal. */
	p[0] = a.id;
	(void)p;
	cr_assert_eq(test_sh("redis-cli -s %s PUBLISH parley:dev:%s:%d "
	    "'{\"type\":\"logged_out\"}' >/dev/null",
	    getenv("PARLEY_REDIS") + 5, a.id, a.dev[1].id), 0);
	cr_assert_not_null(ev = mt_ws_event(s, "logged_out", MT_TIMEOUT_MS));
	json_decref(ev);
	cr_expect_eq(wsclient_wait_closed(s, MT_TIMEOUT_MS), 0,
	    "socket still open after logged_out");
	wsclient_free(s);
	fx_user_destroy(&a);
}

Test(push, two_nodes_both_devices_get_everything)
{
	struct world	 w;
	struct wsclient	*b1, *b2;
	json_t		*ev;
	char		 id[37];
	int		 i, got1 = 0, got2 = 0;

	if (!node_up(2))
		cr_skip_test("a second ws node is not running");
	world_init(&w, 1, 2);
	b1 = mt_ws_pinned(1, w.b.id, w.b.dev[0].id);
	b2 = mt_ws_pinned(2, w.b.id, w.b.dev[1].id);
	mt_ws_hello(b1);
	mt_ws_hello(b2);
	for (i = 0; i < 20; i++)
		world_send(&w, "both", id);
	cr_expect_eq(mt_status(&w.a.dev[0], "POST", "/api/messages/typing",
	    json_pack("{s:s, s:s}", "chat_id", w.chat, "state", "paused")),
	    204);
	for (i = 0; i < 20; i++) {
		if ((ev = mt_ws_event(b1, "envelope", MT_TIMEOUT_MS)) != NULL)
			got1++;
		json_decref(ev);
		if ((ev = mt_ws_event(b2, "envelope", MT_TIMEOUT_MS)) != NULL)
			got2++;
		json_decref(ev);
	}
	cr_expect_eq(got1, 20);
	cr_expect_eq(got2, 20);
	cr_expect_not_null(ev = mt_ws_event(b1, "typing", MT_TIMEOUT_MS));
	json_decref(ev);
	cr_expect_not_null(ev = mt_ws_event(b2, "typing", MT_TIMEOUT_MS));
	json_decref(ev);
	wsclient_free(b1);
	wsclient_free(b2);
	world_free(&w);
}

Test(push, upgrade_with_a_session_through_nginx)
{
	struct fx_user	 a;
	struct world	 w;
	struct wsclient	*s;
	json_t		*ev;
	char		 id[37];

	(void)a;
	world_init(&w, 1, 1);
	s = mt_ws_nginx(&w.b.dev[0]);
	mt_ws_hello(s);
	world_send(&w, "via nginx", id);
	cr_assert_not_null(ev = mt_ws_event(s, "envelope", MT_TIMEOUT_MS),
	    "no envelope through nginx (is /ws authenticated?)");
	json_decref(ev);
	wsclient_free(s);
	world_free(&w);
}

Test(push, upgrade_without_a_session_is_refused)
{
	struct wsclient	*s;
	const char	*base = test_url();
	char		 url[256];

	snprintf(url, sizeof(url), "wss://%s/ws", base + 8);
	/* A well-formed token that no session has. */
	s = wsclient_connect(url, "parley_session="
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", MT_TIMEOUT_MS);
	cr_assert_not_null(s);
	cr_expect_not(wsclient_is_open(s));
	cr_expect_eq(wsclient_http_status(s), 401, "status %d",
	    wsclient_http_status(s));
	wsclient_free(s);
	s = wsclient_connect(url, NULL, MT_TIMEOUT_MS);
	cr_expect_not(wsclient_is_open(s));
	cr_expect_eq(wsclient_http_status(s), 401);
	wsclient_free(s);
}
