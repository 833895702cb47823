/*
 * serial_delivery_torture_test.c - nothing is lost, nothing is doubled.
 *
 * Two users with two devices each chat through the real stack (nginx, both
 * ws nodes, the messages instances). About 10,000 envelopes are sent (3 per
 * message: the other three devices) while sockets are dropped at random,
 * the first ws node is restarted and Redis is restarted. Each device acts
 * as the client contract says: socket first, wait for hello, drain the
 * queue over REST until "more" is false, de-duplicate by envelope id, ack
 * what it processed; drain again on "resync" and after every reconnect.
 * A send that fails (503, no answer) is retried with the same client id.
 *
 * The test client's waits only end on socket activity, so the sockets are
 * read without blocking: a fifth "ticker" socket on the second ws node
 * gets a frame published on demand, and waiting for it lets the client
 * library take in whatever the four device sockets hold; each of those is
 * then read only as far as the bytes it has received.
 *
 * At the end every device has every envelope addressed to it exactly once
 * after de-duplication (a message stored twice would show up as two
 * envelope ids with the same content), each sender's messages sit in the
 * device's queue in the order they were sent, and every queue is empty
 * after the acks. Serial: it restarts shared processes.
 */
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "messages_util.h"

#define T_DEVICES	4
#define T_MESSAGES	3334		/* x 3 envelopes = 10,002 */
#define T_SET_SIZE	16384		/* power of two, > envelopes/device */
#define T_ACK_BATCH	100
#define T_DROP_ONE_IN	150
#define T_WS_RESTART_AT	(T_MESSAGES / 3)
#define T_REDIS_STOP_AT	(2 * T_MESSAGES / 3)
#define T_REDIS_DOWN	300		/* messages sent while Redis is down */
#define T_POLL_EVERY	8		/* messages between two reads */

struct tdev {
	struct fx_user	*u;
	int		 idx;		/* in u->dev */
	int		 me;		/* 0..3 */
	struct wsclient	*ws;
	char		(*seen)[37];	/* set of envelope ids */
	int		*got[T_DEVICES];	/* [sender][message]: count */
	long long	*seq[T_DEVICES];	/* [sender][message]: seq */
	json_t		*acks;
	size_t		 consumed;	/* payload bytes of frames read */
	long		 received;
	long		 dups;		/* ids seen twice (push + REST) */
	int		 reconnects;
};

static struct fx_user	 tu[2], tick_user;
static struct tdev	 td[T_DEVICES];
static char		 tchat[37];
static struct wsclient	*tick_ws;
static redisContext	*tick_redis;
static int		 tick_node = 1, redis_down;
static unsigned long	 ticks;

static int
t_seen_add(struct tdev *d, const char *id)
{
	unsigned long	 h = strtoul((char[9]){ id[0], id[1], id[2], id[3],
			    id[4], id[5], id[6], id[7], 0 }, NULL, 16);
	size_t		 i = h & (T_SET_SIZE - 1);

	while (d->seen[i][0] != '\0') {
		if (strcmp(d->seen[i], id) == 0)
			return 0;
		i = (i + 1) & (T_SET_SIZE - 1);
	}
	snprintf(d->seen[i], 37, "%s", id);
	return 1;
}

static void
t_ack_flush(struct tdev *d)
{
	struct http_resp	r;
	int			tries;

	if (json_array_size(d->acks) == 0)
		return;
	for (tries = 0; tries < 100; tries++) {
		if (mt_req(&d->u->dev[d->idx], "POST", "/api/messages/ack",
		    json_pack("{s:O}", "ids", d->acks), &r) == 200) {
			http_resp_cleanup(&r);
			break;
		}
		http_resp_cleanup(&r);
		usleep(100000);
	}
	cr_assert_lt(tries, 100, "ack kept failing");
	json_array_clear(d->acks);
}

/* One envelope processed by device d (from a push or a drain). */
static void
t_process(struct tdev *d, const json_t *env)
{
	const char	*id = json_string_value(json_object_get(env, "id"));
	char		*text;
	int		 s, n;

	cr_assert_not_null(id);
	if (!t_seen_add(d, id)) {
		d->dups++;
		return;
	}
	text = mt_env_text(env);
	cr_assert_eq(sscanf(text, "%d:%d", &s, &n), 2, "body %s", text);
	free(text);
	cr_assert(s >= 0 && s < T_DEVICES && n >= 0 && n < T_MESSAGES);
	d->got[s][n]++;
	d->seq[s][n] = json_integer_value(json_object_get(env, "seq"));
	d->received++;
	json_array_append(d->acks, json_object_get(env, "id"));
	if (json_array_size(d->acks) >= T_ACK_BATCH)
		t_ack_flush(d);
}

/* Drains the queue over REST until "more" is false. 0, or -1 on failure. */
static int
t_drain(struct tdev *d)
{
	struct http_resp	 r;
	json_t			*envs, *e;
	char			 path[128], cursor[32] = "0";
	size_t			 i;
	int			 more = 1;

	while (more) {
		snprintf(path, sizeof(path),
		    "/api/messages/inbox?after=%s&limit=200", cursor);
		if (mt_req(&d->u->dev[d->idx], "GET", path, NULL, &r) != 200) {
			http_resp_cleanup(&r);
			return -1;
		}
		envs = json_object_get(r.json, "envelopes");
		json_array_foreach(envs, i, e)
			t_process(d, e);
		more = json_is_true(json_object_get(r.json, "more"));
		snprintf(cursor, sizeof(cursor), "%s",
		    json_string_value(json_object_get(r.json, "cursor")));
		http_resp_cleanup(&r);
	}
	t_ack_flush(d);
	return 0;
}

/* Socket first, then the drain (the client contract). */
static void
t_connect(struct tdev *d)
{
	char	*t;

	wsclient_free(d->ws);
	d->consumed = 0;
	d->ws = mt_ws_nginx(&d->u->dev[d->idx]);
	if (!wsclient_is_open(d->ws))
		return;		/* a node restarting: try again later */
	d->reconnects++;
	if ((t = wsclient_recv(d->ws, MT_TIMEOUT_MS)) == NULL ||
	    strstr(t, "\"hello\"") == NULL) {
		free(t);
		wsclient_free(d->ws);
		d->ws = NULL;
		return;
	}
	d->consumed += strlen(t);
	free(t);
	if (t_drain(d) != 0) {
		wsclient_free(d->ws);
		d->ws = NULL;
	}
}

/* Everything the socket holds now; reconnects a dead one. */
static void
t_poll(struct tdev *d)
{
	json_t	*o;
	char	*t;

	if (d->ws == NULL || !wsclient_is_open(d->ws)) {
		t_connect(d);
		return;
	}
	/* Only what has arrived: a read past it would wait for activity. */
	while (wsclient_bytes(d->ws) > d->consumed &&
	    (t = wsclient_recv(d->ws, 0)) != NULL) {
		d->consumed += strlen(t);
		o = json_loads(t, 0, NULL);
		free(t);
		if (o == NULL)
			continue;
		if (strcmp(json_string_value(json_object_get(o, "type")),
		    "envelope") == 0)
			t_process(d, json_object_get(o, "envelope"));
		else if (strcmp(json_string_value(json_object_get(o,
		    "type")), "resync") == 0)
			t_drain(d);
		json_decref(o);
	}
}

/*
 * Publishes a tick to the ticker socket and waits for it: meanwhile the
 * client library reads every socket. Skipped while Redis is down.
 */
static void
t_tick(void)
{
	const char	*addr = getenv("PARLEY_REDIS");
	redisReply	*rep = NULL;
	char		 chan[128], msg[64], *t;
	int		 found = 0;

	if (redis_down)
		return;
	if (tick_ws == NULL || !wsclient_is_open(tick_ws)) {
		wsclient_free(tick_ws);
		tick_ws = mt_ws_pinned(tick_node, tick_user.id,
		    tick_user.dev[0].id);
		if (!wsclient_is_open(tick_ws) ||
		    (t = wsclient_recv(tick_ws, MT_TIMEOUT_MS)) == NULL)
			return;
		free(t);
	}
	if (tick_redis == NULL)
		tick_redis = redisConnectUnix(addr + 5);
	snprintf(chan, sizeof(chan), "parley:dev:%s:%d", tick_user.id,
	    tick_user.dev[0].id);
	snprintf(msg, sizeof(msg), "{\"type\":\"tick\",\"n\":%lu}", ++ticks);
	if (tick_redis == NULL || tick_redis->err != 0 ||
	    (rep = redisCommand(tick_redis, "PUBLISH %s %s", chan, msg)) ==
	    NULL) {
		if (tick_redis != NULL)
			redisFree(tick_redis);
		tick_redis = NULL;
		return;
	}
	freeReplyObject(rep);
	while (!found && (t = wsclient_recv(tick_ws, MT_TIMEOUT_MS)) != NULL) {
		found = strstr(t, msg) != NULL;
		free(t);
	}
}

/* Message n of device s to the three others; retried until it is in. */
static void
t_send(int s, int n)
{
	struct fx_user		*to[] = { &tu[0], &tu[1] };
	struct http_resp	 r;
	char			 id[37], text[32];
	long			 st = 0;
	int			 tries;

	mt_uuid(id);
	snprintf(text, sizeof(text), "%d:%d", s, n);
	for (tries = 0; tries < 200; tries++) {
		st = mt_send(&td[s].u->dev[td[s].idx], tchat, id,
		    mt_envs_for(td[s].u, td[s].idx, to, 2, text), &r);
		http_resp_cleanup(&r);
		if (st == 200)
			break;
		usleep(50000);
	}
	cr_assert_eq(st, 200, "message %d:%d never went in (last %ld)", s, n,
	    st);
}

static void
t_stack(const char *cmd, const char *name)
{
	cr_assert_eq(test_sh("%s/deploy/stack %s %s >>%s/log/test-stack.log "
	    "2>&1", getenv("PARLEY_ROOT"), cmd, name, getenv("PARLEY_VAR")), 0,
	    "deploy/stack %s %s", cmd, name);
}

static void
t_setup(void)
{
	int	i, k;

	fx_user_create(&tu[0], "TortureA", 2);
	fx_user_create(&tu[1], "TortureB", 2);
	fx_user_create(&tick_user, "Ticker", 1);
	if (test_sh("curl -sf --max-time 2 http://%s/api/ws/health >/dev/null",
	    getenv("PARLEY_TEST_WS_DIRECT")) == 0) {
		char	url[256];

		mt_node_url(2, url, sizeof(url));
		memmove(url, url + 5, strlen(url + 5) + 1);
		*strchr(url, '/') = '\0';
		if (test_sh("curl -sf --max-time 2 http://%s/api/ws/health "
		    ">/dev/null", url) == 0)
			tick_node = 2;
	}
	mt_chat(&tu[0], &tu[1], tchat);
	for (i = 0; i < T_DEVICES; i++) {
		td[i].u = &tu[i / 2];
		td[i].idx = i % 2;
		td[i].me = i;
		cr_assert_not_null(td[i].seen = calloc(T_SET_SIZE, 37));
		for (k = 0; k < T_DEVICES; k++) {
			td[i].got[k] = calloc(T_MESSAGES, sizeof(int));
			td[i].seq[k] = calloc(T_MESSAGES, sizeof(long long));
			cr_assert(td[i].got[k] != NULL && td[i].seq[k] != NULL);
		}
		td[i].acks = json_array();
	}
}

static void
t_verify(void)
{
	const char	*p[2] = { tu[0].id, tu[1].id };
	struct tdev	*d;
	long		 expect[T_DEVICES] = { 0 }, total = 0;
	long long	 last;
	PGconn		*c;
	PGresult	*res;
	int		 i, s, n, bad = 0, order = 0;

	for (n = 0; n < T_MESSAGES; n++)
		for (i = 0; i < T_DEVICES; i++)
			if (i != n % T_DEVICES)
				expect[i]++;
	for (i = 0; i < T_DEVICES; i++) {
		d = &td[i];
		for (s = 0; s < T_DEVICES; s++) {
			last = 0;
			for (n = s; n < T_MESSAGES; n += T_DEVICES) {
				if (s == i)
					continue;
				bad += d->got[s][n] != 1;
				if (d->got[s][n] == 1) {
					order += d->seq[s][n] <= last;
					last = d->seq[s][n];
				}
			}
		}
		cr_expect_eq(d->received, expect[i],
		    "device %d: %ld envelopes, expected %ld", i, d->received,
		    expect[i]);
		total += d->received;
		cr_log_info("device %d: %ld envelopes, %ld duplicates dropped, "
		    "%d connects", i, d->received, d->dups, d->reconnects);
	}
	cr_expect_eq(bad, 0, "%d messages missing or doubled", bad);
	cr_expect_eq(order, 0, "%d messages out of their sender's order",
	    order);
	cr_expect_geq(total, 10000);
	c = fx_db();
	res = PQexecParams(c, "SELECT count(*) FROM envelopes WHERE user_id "
	    "IN ($1, $2)", 2, NULL, p, NULL, NULL, 0);
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "0", "queues not empty");
	PQclear(res);
	PQfinish(c);
}

TestSuite(serial_delivery, .timeout = 900);

Test(serial_delivery, torture_10000_envelopes)
{
	int	n, i;

	t_setup();
	for (i = 0; i < T_DEVICES; i++)
		t_connect(&td[i]);
	for (n = 0; n < T_MESSAGES; n++) {
		if (n == T_WS_RESTART_AT)
			t_stack("restart", "ws");
		if (n == T_REDIS_STOP_AT) {
			t_stack("stop-one", "redis");
			redis_down = 1;
		}
		if (n == T_REDIS_STOP_AT + T_REDIS_DOWN) {
			t_stack("start-one", "redis");
			redis_down = 0;
		}
		if (randombytes_uniform(T_DROP_ONE_IN) == 0) {
			i = (int)randombytes_uniform(T_DEVICES);
			wsclient_free(td[i].ws);
			td[i].ws = NULL;
		}
		t_send(n % T_DEVICES, n);
		if (n % T_POLL_EVERY != 0)
			continue;
		t_tick();
		for (i = 0; i < T_DEVICES; i++)
			t_poll(&td[i]);
	}
	/* The end of the contract: drain until empty, ack, drain again. */
	for (i = 0; i < T_DEVICES; i++) {
		t_tick();
		t_poll(&td[i]);
		cr_assert_eq(t_drain(&td[i]), 0);
		cr_assert_eq(t_drain(&td[i]), 0);
	}
	t_verify();
	for (i = 0; i < T_DEVICES; i++)
		wsclient_free(td[i].ws);
	wsclient_free(tick_ws);
	if (tick_redis != NULL)
		redisFree(tick_redis);
	fx_user_destroy(&tu[0]);
	fx_user_destroy(&tu[1]);
	fx_user_destroy(&tick_user);
}
