/*
 * messages_limits_test.c - what keeps one user from swamping another, and
 * what the server forgets on its own: the per-device send rate limit, the
 * per-device queue caps (all-or-nothing), envelope expiry and the pruning
 * of send records and old calls by the retention sweepers, and chats
 * created by someone the peer has blocked.
 *
 * Limits are reached by setting the counters they read (the Redis rate
 * counter, the queue's row), so the tests do not depend on the configured
 * values; the sweepers run every PARLEY_SWEEP_INTERVAL seconds (1 in the
 * test stack) and are waited for by polling Postgres, never by a request.
 */
#include <hiredis/hiredis.h>
#include <unistd.h>

#include "messages_util.h"

static long
env_long(const char *name, long def)
{
	const char	*v = getenv(name);

	return v != NULL && v[0] != '\0' ? strtol(v, NULL, 10) : def;
}

static redisContext *
redis(void)
{
	redisContext	*rc = redisConnectUnix(getenv("PARLEY_REDIS") + 5);

	cr_assert(rc != NULL && rc->err == 0, "redis");
	return rc;
}

/* SET key to value with a minute's TTL, as the rate limiter would. */
static void
redis_set(const char *key, long value)
{
	redisContext	*rc = redis();
	redisReply	*rep;

	rep = redisCommand(rc, "SET %s %ld EX 60", key, value);
	cr_assert_not_null(rep);
	freeReplyObject(rep);
	redisFree(rc);
}

/* One value of a one-row superuser query, as text (caller frees). */
static char *
db_value(const char *sql, int n, const char *const *params)
{
	PGconn		*db = fx_db();
	PGresult	*res;
	char		*v;

	res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s",
	    PQerrorMessage(db));
	v = PQntuples(res) == 0 ? NULL : strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(db);
	return v;
}

static long
db_long(const char *sql, int n, const char *const *params)
{
	char	*v = db_value(sql, n, params);
	long	 x = v != NULL ? strtol(v, NULL, 10) : -1;

	free(v);
	return x;
}

/* Polls a count query until it equals want, or 15 s pass. */
static int
db_wait_long(const char *sql, int n, const char *const *params, long want)
{
	int	i;

	for (i = 0; i < 150; i++) {
		if (db_long(sql, n, params) == want)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* Alice's device 0 sends text to both of Bob's devices; returns the status. */
static long
send_text(struct world *w, const char *id, const char *text,
    struct http_resp *out)
{
	json_t	*envs = json_array();
	int	 k;

	for (k = 0; k < w->b.ndevices; k++)
		mt_env_add(envs, w->b.id, w->b.dev[k].id, text);
	return mt_send(&w->a.dev[0], w->chat, id, envs, out);
}

static long
queue_pending(struct fx_user *u, int k)
{
	char		 dev[16];
	const char	*p[2] = { u->id, dev };

	snprintf(dev, sizeof(dev), "%d", u->dev[k].id);
	return db_long("SELECT pending FROM device_queues WHERE user_id = $1 "
	    "AND device_id = $2", 2, p);
}

Test(limits, send_rate_limit_per_device)
{
	struct world		 w;
	struct http_resp	 r;
	char			 key[128], id[37], ra[16];

	world_init(&w, 2, 1);
	/* Alice's first device has used up its window. */
	snprintf(key, sizeof(key), "parley:rl:send:%s:%d", w.a.id,
	    w.a.dev[0].id);
	redis_set(key, env_long("PARLEY_RATE_SEND_MAX", 600));
	mt_uuid(id);
	cr_assert_eq(mt_send(&w.a.dev[0], w.chat, id, mt_envs_for(&w.a, 0,
	    (struct fx_user *[]){ &w.a, &w.b }, 2, "hi"), &r), 429, "%s",
	    r.body);
	cr_assert_str_eq(http_error_code(&r), "send_rate_limited");
	cr_assert_not_null(http_header(&r, "Retry-After", ra, sizeof(ra)));
	cr_assert_gt(atoi(ra), 0);
	http_resp_cleanup(&r);
	/* Nothing was stored; the limit is per device, not per user. */
	cr_assert_eq(queue_pending(&w.b, 0), -1);
	mt_uuid(id);
	cr_assert_eq(mt_send(&w.a.dev[1], w.chat, id, mt_envs_for(&w.a, 1,
	    (struct fx_user *[]){ &w.a, &w.b }, 2, "hi"), &r), 200, "%s",
	    r.body);
	http_resp_cleanup(&r);
	world_free(&w);
}

Test(limits, queue_counters_follow_sends_and_acks)
{
	struct world		 w;
	struct http_resp	 r;
	char			 id[37], dev[16];
	const char		*p[2] = { NULL, dev };
	json_t			*in;

	world_init(&w, 1, 1);
	mt_uuid(id);
	cr_assert_eq(send_text(&w, id, "one", &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	mt_uuid(id);
	cr_assert_eq(send_text(&w, id, "two!", &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	p[0] = w.b.id;
	snprintf(dev, sizeof(dev), "%d", w.b.dev[0].id);
	cr_assert_eq(queue_pending(&w.b, 0), 2);
	cr_assert_eq(db_long("SELECT bytes - (SELECT sum(octet_length(body)) "
	    "FROM envelopes WHERE user_id = $1 AND device_id = $2) "
	    "FROM device_queues WHERE user_id = $1 AND device_id = $2", 2, p),
	    0);
	in = mt_inbox(&w.b.dev[0], "0", 1);
	cr_assert_eq(mt_ack_envs(&w.b.dev[0],
	    json_object_get(in, "envelopes")), 1);
	json_decref(in);
	cr_assert_eq(queue_pending(&w.b, 0), 1);
	world_free(&w);
}

/* A full queue refuses the whole send, which stores nothing, not even its id. */
static void
full_queue_refuses(const char *column, long cap)
{
	struct world		 w;
	struct http_resp	 r;
	char			 id[37], dev[16], capv[24], ra[16];
	const char		*p[3] = { NULL, dev, capv };
	char			 sql[160];

	world_init(&w, 1, 2);
	mt_uuid(id);
	cr_assert_eq(send_text(&w, id, "first", &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	/* Bob's second device's queue is at its cap. */
	p[0] = w.b.id;
	snprintf(dev, sizeof(dev), "%d", w.b.dev[1].id);
	snprintf(capv, sizeof(capv), "%ld", cap);
	snprintf(sql, sizeof(sql), "UPDATE device_queues SET %s = $3 "
	    "WHERE user_id = $1 AND device_id = $2", column);
	fx_exec(sql, 3, p);
	mt_uuid(id);
	cr_assert_eq(send_text(&w, id, "second", &r), 429, "%s", r.body);
	cr_assert_str_eq(http_error_code(&r), "recipient_queue_full");
	cr_assert_not_null(http_header(&r, "Retry-After", ra, sizeof(ra)));
	http_resp_cleanup(&r);
	/* All or nothing: Bob's first device got nothing either. */
	cr_assert_eq(queue_pending(&w.b, 0), 1);
	/* Once the queue drains, a retry of the same id is a new send. */
	snprintf(sql, sizeof(sql), "UPDATE device_queues SET %s = 0 "
	    "WHERE user_id = $1 AND device_id = $2", column);
	fx_exec(sql, 2, p);
	cr_assert_eq(send_text(&w, id, "second", &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	cr_assert_eq(queue_pending(&w.b, 0), 2);
	world_free(&w);
}

Test(limits, queue_cap_by_count)
{
	full_queue_refuses("pending",
	    env_long("PARLEY_QUEUE_MAX_ENVELOPES", 100000));
}

Test(limits, queue_cap_by_bytes)
{
	/* One byte of room is less than any envelope. */
	full_queue_refuses("bytes",
	    env_long("PARLEY_QUEUE_MAX_BYTES", 67108864) - 1);
}

Test(limits, envelopes_expire_and_sends_are_pruned)
{
	struct world		 w;
	struct http_resp	 r;
	char			 old[37], fresh[37], dev[16];
	const char		*p[3] = { NULL, dev, old };
	long			 days = env_long("PARLEY_ENVELOPE_TTL_DAYS", 30);
	long			 keep = env_long("PARLEY_SENDS_KEEP_DAYS", 30);
	char			 sql[256];

	world_init(&w, 1, 1);
	mt_uuid(old);
	cr_assert_eq(send_text(&w, old, "old", &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	mt_uuid(fresh);
	cr_assert_eq(send_text(&w, fresh, "fresh", &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	p[0] = w.b.id;
	snprintf(dev, sizeof(dev), "%d", w.b.dev[0].id);
	/* Make the first one a day older than either retention. */
	snprintf(sql, sizeof(sql), "UPDATE envelopes SET server_ts = "
	    "server_ts - %ld * 86400000::bigint WHERE user_id = $1 AND device_id = $2 "
	    "AND message_id = $3", days + 1);
	fx_exec(sql, 3, p);
	snprintf(sql, sizeof(sql), "UPDATE sends SET server_ts = server_ts - "
	    "%ld * 86400000::bigint WHERE client_id = $1", keep + 1);
	fx_exec(sql, 1, (const char *const[]){ old });
	cr_assert(db_wait_long("SELECT count(*) FROM envelopes WHERE "
	    "user_id = $1 AND device_id = $2 AND message_id = $3", 3, p, 0),
	    "the expired envelope is still there");
	cr_assert(db_wait_long("SELECT count(*) FROM sends WHERE "
	    "client_id = $1", 1, (const char *const[]){ old }, 0),
	    "the old send record is still there");
	p[2] = fresh;
	cr_assert_eq(db_long("SELECT count(*) FROM envelopes WHERE user_id = $1 "
	    "AND device_id = $2 AND message_id = $3", 3, p), 1);
	cr_assert_eq(db_long("SELECT count(*) FROM sends WHERE client_id = $1",
	    1, (const char *const[]){ fresh }), 1);
	cr_assert_eq(queue_pending(&w.b, 0), 1);
	world_free(&w);
}

/*
 * An ended call of a and b, ended days ago, with a's log entry when logged;
 * its id into out. One statement: the sweeper (every second in the test
 * stack) must never see the call without the entry it is meant to have.
 */
static void
old_call(struct fx_user *a, struct fx_user *b, long days, int logged,
    char out[37])
{
	char		 d[16];
	const char	*p[4] = { a->id, b->id, d, logged ? "true" : "false" };
	char		*id;

	snprintf(d, sizeof(d), "%ld", days);
	id = db_value("WITH c AS (INSERT INTO calls (caller_id, caller_device, "
	    "callee_id, media, state, end_reason, created_at, ended_at) VALUES "
	    "($1, 1, $2, 'voice', 'ended', 'missed', "
	    "now() - make_interval(days => $3::int), "
	    "now() - make_interval(days => $3::int)) RETURNING id), "
	    "l AS (INSERT INTO call_log (user_id, call_id, outgoing) "
	    "SELECT $1, id, true FROM c WHERE $4::bool) SELECT id FROM c", 4, p);
	cr_assert_not_null(id);
	snprintf(out, 37, "%s", id);
	free(id);
}

Test(limits, old_calls_without_log_entries_are_pruned)
{
	struct fx_user	 a, b;
	char		 gone[37], logged[37], recent[37];
	long		 keep = env_long("PARLEY_CALLS_KEEP_DAYS", 90);
	const char	*sql = "SELECT count(*) FROM calls WHERE id = $1";

	fx_user_create(&a, "Caller", 1);
	fx_user_create(&b, "Callee", 1);
	old_call(&a, &b, keep + 1, 0, gone);
	old_call(&a, &b, keep + 1, 1, logged);
	old_call(&a, &b, keep - 1, 0, recent);
	cr_assert(db_wait_long(sql, 1, (const char *const[]){ gone }, 0),
	    "the old call nobody's log shows is still there");
	/* A log entry still shows it: deleting it would delete the entry. */
	cr_assert_eq(db_long(sql, 1, (const char *const[]){ logged }), 1);
	cr_assert_eq(db_long(sql, 1, (const char *const[]){ recent }), 1);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* 1 if GET /chats of u lists chat. */
static int
lists_chat(struct fx_user *u, const char *chat)
{
	struct http_resp	 r;
	json_t			*c;
	size_t			 i;
	int			 found = 0;

	cr_assert_eq(mt_req(&u->dev[0], "GET", "/api/messages/chats", NULL,
	    &r), 200);
	json_array_foreach(json_object_get(r.json, "chats"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "chat_id")),
		    chat) == 0)
			found = 1;
	http_resp_cleanup(&r);
	return found;
}

Test(limits, chat_from_a_blocked_user_stays_out_of_the_blockers_list)
{
	struct fx_user		 a, b;
	struct http_resp	 r;
	char			 path[96], chat[37], again[37], id[37];
	json_t			*envs;

	fx_user_create(&a, "Alice", 1);
	fx_user_create(&b, "Bob", 1);
	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", a.id);
	cr_assert_eq(mt_status(&b.dev[0], "PUT", path, NULL), 204);
	/* Alice sees what she would see anyway: a new chat with Bob. */
	cr_assert_eq(mt_req(&a.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", b.id), &r), 201, "%s", r.body);
	snprintf(chat, sizeof(chat), "%s", json_string_value(
	    json_object_get(r.json, "chat_id")));
	http_resp_cleanup(&r);
	cr_assert(lists_chat(&a, chat));
	cr_assert_not(lists_chat(&b, chat), "the blocker sees the chat");
	/* Her message to it is accepted and never reaches Bob. */
	mt_uuid(id);
	envs = json_array();
	mt_env_add(envs, b.id, b.dev[0].id, "hello?");
	cr_assert_eq(mt_send(&a.dev[0], chat, id, envs, &r), 200, "%s",
	    r.body);
	http_resp_cleanup(&r);
	cr_assert_not(lists_chat(&b, chat));
	/* After an unblock, her next message brings the chat back. */
	cr_assert_eq(mt_status(&b.dev[0], "DELETE", path, NULL), 204);
	mt_uuid(id);
	envs = json_array();
	mt_env_add(envs, b.id, b.dev[0].id, "hello again");
	cr_assert_eq(mt_send(&a.dev[0], chat, id, envs, &r), 200, "%s",
	    r.body);
	http_resp_cleanup(&r);
	cr_assert(lists_chat(&b, chat));
	/* And Bob opening it himself shows it too (the same chat). */
	mt_chat(&b, &a, again);
	cr_assert_str_eq(again, chat);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(limits, blocker_opening_the_chat_shows_it)
{
	struct fx_user	 a, b;
	char		 path[96], chat[37], again[37];

	fx_user_create(&a, "Alice", 1);
	fx_user_create(&b, "Bob", 1);
	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", a.id);
	cr_assert_eq(mt_status(&b.dev[0], "PUT", path, NULL), 204);
	mt_chat(&a, &b, chat);
	cr_assert_not(lists_chat(&b, chat));
	mt_chat(&b, &a, again);
	cr_assert_str_eq(again, chat);
	cr_assert(lists_chat(&b, chat));
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(limits, chat_creation_rate_limit)
{
	struct fx_user		 a, b;
	struct http_resp	 r;
	char			 key[96], ra[16];

	fx_user_create(&a, "Alice", 1);
	fx_user_create(&b, "Bob", 1);
	snprintf(key, sizeof(key), "parley:rl:chats:%s", a.id);
	redis_set(key, env_long("PARLEY_RATE_CHATS_MAX", 200));
	cr_assert_eq(mt_req(&a.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", b.id), &r), 429, "%s", r.body);
	cr_assert_str_eq(http_error_code(&r), "chat_rate_limited");
	cr_assert_not_null(http_header(&r, "Retry-After", ra, sizeof(ra)));
	http_resp_cleanup(&r);
	/* Bob's own counter is his. */
	cr_assert_eq(mt_status(&b.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", a.id)), 201);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}
