/*
 * messages_test.c - the messages service's REST rules against the live
 * stack: direct chats, send with its device-list checks (409/410), 403 for
 * non-members, idempotent retries, per-device sequences and paging, acks
 * (only one's own), blocks, and the bad-input answers (413, 400).
 */
#include "messages_util.h"

TestSuite(messages, .timeout = 60);

/* Sends text from a's device 0 to everyone it must reach; 200 expected. */
static long long
world_send(struct world *w, const char *text, char id[37])
{
	struct fx_user		*to[] = { &w->a, &w->b };
	struct http_resp	 r;
	long long		 ts;

	mt_uuid(id);
	cr_assert_eq(mt_send(&w->a.dev[0], w->chat, id,
	    mt_envs_for(&w->a, 0, to, 2, text), &r), 200, "send: %s", r.body);
	ts = json_integer_value(json_object_get(r.json, "server_ts"));
	http_resp_cleanup(&r);
	return ts;
}

Test(messages, direct_chat_has_one_stable_id)
{
	struct fx_user		 a, b;
	struct http_resp	 r;
	char			 id1[37], id2[37], bogus[37];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	cr_expect_eq(mt_req(&a.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", b.id), &r), 201, "%s", r.body);
	snprintf(id1, sizeof(id1), "%s",
	    json_string_value(json_object_get(r.json, "chat_id")));
	http_resp_cleanup(&r);
	cr_expect_eq(mt_req(&b.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", a.id), &r), 200, "%s", r.body);
	snprintf(id2, sizeof(id2), "%s",
	    json_string_value(json_object_get(r.json, "chat_id")));
	http_resp_cleanup(&r);
	cr_expect_str_eq(id1, id2);
	/* Both see it in their chat list, with both members. */
	cr_assert_eq(mt_req(&b.dev[0], "GET", "/api/messages/chats", NULL,
	    &r), 200);
	cr_expect_eq(json_array_size(json_object_get(r.json, "chats")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(r.json, "chats"), 0), "chat_id")), id1);
	cr_expect_eq(json_array_size(json_object_get(json_array_get(
	    json_object_get(r.json, "chats"), 0), "members")), 2);
	http_resp_cleanup(&r);
	mt_uuid(bogus);
	cr_expect_eq(mt_status(&a.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", bogus)), 404);
	cr_expect_eq(mt_status(&a.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", a.id)), 400);
	cr_expect_eq(mt_status(&a.dev[0], "POST", "/api/messages/chats",
	    json_pack("{s:s}", "peer", "nope")), 400);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(messages, send_reaches_every_device_queue_once)
{
	struct world	 w;
	struct http_resp r;
	json_t		*in, *envs, *e;
	struct fx_user	*to[2];
	char		 id[37], *text;
	long long	 ts;
	int		 k;

	world_init(&w, 2, 2);
	to[0] = &w.a;
	to[1] = &w.b;
	ts = world_send(&w, "hello bob", id);
	cr_expect_gt(ts, 0);
	/* A retry of the same id stores nothing and answers the same. */
	cr_assert_eq(mt_send(&w.a.dev[0], w.chat, id,
	    mt_envs_for(&w.a, 0, to, 2, "hello bob"), &r), 200);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "server_ts")),
	    ts);
	http_resp_cleanup(&r);
	for (k = 0; k < 2; k++) {
		in = mt_inbox(&w.b.dev[k], "0", 100);
		envs = json_object_get(in, "envelopes");
		cr_assert_eq(json_array_size(envs), 1, "bob %d has %zu", k,
		    json_array_size(envs));
		e = json_array_get(envs, 0);
		text = mt_env_text(e);
		cr_expect_str_eq(text, "hello bob");
		free(text);
		cr_expect_str_eq(json_string_value(json_object_get(e,
		    "message_id")), id);
		cr_expect_str_eq(json_string_value(json_object_get(e,
		    "chat_id")), w.chat);
		cr_expect_str_eq(json_string_value(json_object_get(
		    json_object_get(e, "from"), "user")), w.a.id);
		cr_expect_eq(json_integer_value(json_object_get(e,
		    "server_ts")), ts);
		cr_expect(json_is_false(json_object_get(in, "more")));
		cr_expect_eq(mt_ack_envs(&w.b.dev[k], envs), 1);
		json_decref(in);
		in = mt_inbox(&w.b.dev[k], "0", 100);
		cr_expect_eq(json_array_size(json_object_get(in,
		    "envelopes")), 0, "queue not empty after ack");
		json_decref(in);
	}
	/* The sender's other device has its copy; the sender's own none. */
	in = mt_inbox(&w.a.dev[1], "0", 100);
	cr_expect_eq(json_array_size(json_object_get(in, "envelopes")), 1);
	json_decref(in);
	in = mt_inbox(&w.a.dev[0], "0", 100);
	cr_expect_eq(json_array_size(json_object_get(in, "envelopes")), 0);
	json_decref(in);
	world_free(&w);
}

Test(messages, sequence_order_and_paging)
{
	struct world	 w;
	json_t		*in, *envs, *e;
	char		 id[37], text[32], cursor[32] = "0", *got;
	long long	 last = 0, seq;
	int		 i, n = 0, pages = 0;
	size_t		 j;

	world_init(&w, 1, 1);
	for (i = 0; i < 23; i++) {
		snprintf(text, sizeof(text), "m%d", i);
		world_send(&w, text, id);
	}
	do {
		in = mt_inbox(&w.b.dev[0], cursor, 5);
		envs = json_object_get(in, "envelopes");
		json_array_foreach(envs, j, e) {
			seq = json_integer_value(json_object_get(e, "seq"));
			cr_expect_gt(seq, last, "sequence not increasing");
			last = seq;
			snprintf(text, sizeof(text), "m%d", n++);
			got = mt_env_text(e);
			cr_expect_str_eq(got, text, "out of order");
			free(got);
		}
		snprintf(cursor, sizeof(cursor), "%s",
		    json_string_value(json_object_get(in, "cursor")));
		pages++;
		if (json_is_false(json_object_get(in, "more"))) {
			json_decref(in);
			break;
		}
		json_decref(in);
	} while (pages < 20);
	cr_expect_eq(n, 23);
	cr_expect_eq(pages, 5);
	cr_expect_eq(mt_status(&w.b.dev[0], "GET",
	    "/api/messages/inbox?limit=0", NULL), 400);
	cr_expect_eq(mt_status(&w.b.dev[0], "GET",
	    "/api/messages/inbox?after=x", NULL), 400);
	world_free(&w);
}

Test(messages, device_list_mismatch_is_409_with_lists)
{
	struct world	 w;
	struct fx_user	 c;
	struct http_resp r;
	json_t		*envs, *miss, *extra;
	char		 id[37];

	world_init(&w, 1, 2);
	fx_user_create(&c, "Carol", 1);
	/* Missing bob's second device. */
	envs = json_array();
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_uuid(id);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 409);
	cr_expect_str_eq(http_error_code(&r), "device_mismatch");
	miss = json_object_get(r.json, "missing_devices");
	cr_expect_eq(json_array_size(miss), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(miss,
	    0), "device")), w.b.dev[1].id);
	http_resp_cleanup(&r);
	/* An envelope to a device outside the chat (carol's). */
	envs = json_array();
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_env_add(envs, w.b.id, w.b.dev[1].id, "x");
	mt_env_add(envs, c.id, c.dev[0].id, "x");
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 409);
	extra = json_object_get(r.json, "extra_devices");
	cr_expect_eq(json_array_size(extra), 1);
	cr_expect_str_eq(json_string_value(json_object_get(
	    json_array_get(extra, 0), "user")), c.id);
	http_resp_cleanup(&r);
	/* Nothing was stored by the refused sends; the id is still free. */
	envs = json_array();
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_env_add(envs, w.b.id, w.b.dev[1].id, "x");
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 200, "%s",
	    r.body);
	http_resp_cleanup(&r);
	fx_user_destroy(&c);
	world_free(&w);
}

Test(messages, removed_device_is_410_stale)
{
	struct world	 w;
	struct http_resp r;
	json_t		*envs, *stale;
	const char	*p[2];
	char		 id[37], dev[16];

	world_init(&w, 1, 2);
	snprintf(dev, sizeof(dev), "%d", w.b.dev[1].id);
	p[0] = w.b.id;
	p[1] = dev;
	fx_exec("DELETE FROM devices WHERE user_id = $1 AND id = $2", 2, p);
	envs = json_array();
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_env_add(envs, w.b.id, w.b.dev[1].id, "x");
	mt_uuid(id);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 410, "%s",
	    r.body);
	cr_expect_str_eq(http_error_code(&r), "stale_devices");
	stale = json_object_get(r.json, "stale_devices");
	cr_expect_eq(json_array_size(stale), 1);
	http_resp_cleanup(&r);
	world_free(&w);
}

/*
 * A device that logged in but has no identity keys cannot be encrypted to:
 * a send need not (and may not) cover it.
 */
Test(messages, keyless_device_is_not_a_destination)
{
	struct world	 w;
	struct http_resp r;
	json_t		*envs;
	const char	*p[1];
	char		 id[37];

	world_init(&w, 1, 1);
	p[0] = w.b.id;
	fx_exec("INSERT INTO devices (user_id, id, name) VALUES ($1, 9, 'new')", 1, p);
	fx_exec("UPDATE users SET next_device_id = 10 WHERE id = $1", 1, p);
	envs = json_array();
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_uuid(id);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 200, "%s",
	    r.body);
	http_resp_cleanup(&r);
	envs = json_array();
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_env_add(envs, w.b.id, 9, "x");
	mt_uuid(id);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 410, "%s",
	    r.body);
	cr_expect_str_eq(http_error_code(&r), "stale_devices");
	http_resp_cleanup(&r);
	world_free(&w);
}

/* A retry answers as the first send did, even after the device lists changed. */
Test(messages, retry_after_a_device_was_added_returns_the_first_answer)
{
	struct world	 w;
	struct http_resp r;
	json_t		*first, *ts;
	char		 id[37];

	world_init(&w, 1, 1);
	mt_uuid(id);
	first = json_array();
	mt_env_add(first, w.b.id, w.b.dev[0].id, "x");
	json_incref(first);
	cr_assert_eq(mt_send(&w.a.dev[0], w.chat, id, first, &r), 200, "%s", r.body);
	ts = json_incref(json_object_get(r.json, "server_ts"));
	http_resp_cleanup(&r);
	fx_device_add(&w.b);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, first, &r), 200, "%s", r.body);
	cr_expect(json_equal(json_object_get(r.json, "server_ts"), ts), "%s", r.body);
	http_resp_cleanup(&r);
	json_decref(ts);
	world_free(&w);
}

/* A body that spells a word SQL knows (NULL) is ciphertext like any other. */
Test(messages, body_spelled_null_is_stored_as_is)
{
	struct world	 w;
	struct http_resp r;
	json_t		*envs, *in;
	char		 id[37];

	world_init(&w, 1, 1);
	envs = json_array();
	json_array_append_new(envs, json_pack("{s:s, s:i, s:s, s:s}", "to_user",
	    w.b.id, "to_device", w.b.dev[0].id, "type", "msg", "body", "NULL"));
	mt_uuid(id);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 200, "%s", r.body);
	http_resp_cleanup(&r);
	in = mt_inbox(&w.b.dev[0], NULL, 10);
	cr_assert_eq(json_array_size(json_object_get(in, "envelopes")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(in, "envelopes"), 0), "body")), "NULL");
	json_decref(in);
	world_free(&w);
}

Test(messages, non_member_gets_403)
{
	struct world	 w;
	struct fx_user	 c;
	struct http_resp r;
	json_t		*envs;
	char		 id[37];

	world_init(&w, 1, 1);
	fx_user_create(&c, "Carol", 1);
	envs = json_array();
	mt_env_add(envs, w.a.id, w.a.dev[0].id, "x");
	mt_env_add(envs, w.b.id, w.b.dev[0].id, "x");
	mt_uuid(id);
	cr_expect_eq(mt_send(&c.dev[0], w.chat, id, envs, &r), 403);
	cr_expect_str_eq(http_error_code(&r), "not_member");
	http_resp_cleanup(&r);
	mt_uuid(id);
	cr_expect_eq(mt_status(&c.dev[0], "POST", "/api/messages/read",
	    json_pack("{s:s, s:[s]}", "chat_id", w.chat, "ids", id)), 403);
	cr_expect_eq(mt_status(&c.dev[0], "POST", "/api/messages/typing",
	    json_pack("{s:s, s:s}", "chat_id", w.chat, "state", "composing")),
	    403);
	cr_expect_eq(mt_status(&c.dev[0], "POST", "/api/messages/presence",
	    json_pack("{s:s}", "chat_id", w.chat)), 403);
	/* A chat that does not exist looks the same. */
	cr_expect_eq(mt_send(&c.dev[0], id, id, json_array(), &r), 400);
	http_resp_cleanup(&r);
	fx_user_destroy(&c);
	world_free(&w);
}

Test(messages, bad_bodies_413_and_400)
{
	struct world	 w;
	struct http_resp r;
	json_t		*envs;
	char		*big, *b64, id[37];

	world_init(&w, 1, 1);
	mt_uuid(id);
	/* 64 KiB + 1 byte of ciphertext. */
	cr_assert_not_null(big = calloc(1, 65537));
	b64 = mt_b64(big, 65537);
	envs = json_pack("[{s:s, s:i, s:s, s:s}]", "to_user", w.b.id,
	    "to_device", w.b.dev[0].id, "type", "msg", "body", b64);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 413, "%s",
	    r.body);
	http_resp_cleanup(&r);
	free(b64);
	/* Exactly 64 KiB is fine. */
	b64 = mt_b64(big, 65536);
	envs = json_pack("[{s:s, s:i, s:s, s:s}]", "to_user", w.b.id,
	    "to_device", w.b.dev[0].id, "type", "msg", "body", b64);
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 200, "%s",
	    r.body);
	http_resp_cleanup(&r);
	free(b64);
	free(big);
	mt_uuid(id);
	envs = json_pack("[{s:s, s:i, s:s, s:s}]", "to_user", w.b.id,
	    "to_device", w.b.dev[0].id, "type", "msg", "body", "not*base64!");
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 400);
	cr_expect_str_eq(http_error_code(&r), "invalid_field");
	http_resp_cleanup(&r);
	envs = json_pack("[{s:s, s:i, s:s, s:s}]", "to_user", w.b.id,
	    "to_device", w.b.dev[0].id, "type", "weird", "body", "AAAA");
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 400);
	http_resp_cleanup(&r);
	envs = json_pack("[{s:s, s:i, s:s, s:s}, {s:s, s:i, s:s, s:s}]",
	    "to_user", w.b.id, "to_device", w.b.dev[0].id, "type", "msg",
	    "body", "AAAA", "to_user", w.b.id, "to_device", w.b.dev[0].id,
	    "type", "msg", "body", "AAAA");
	cr_expect_eq(mt_send(&w.a.dev[0], w.chat, id, envs, &r), 400);
	cr_expect_str_eq(http_error_code(&r), "duplicate_device");
	http_resp_cleanup(&r);
	cr_expect_eq(mt_status(&w.a.dev[0], "POST", "/api/messages/send",
	    json_pack("{s:s}", "chat_id", w.chat)), 400);
	world_free(&w);
}

Test(messages, ack_of_another_devices_envelope_changes_nothing)
{
	struct world	 w;
	json_t		*in, *envs;
	char		 id[37];

	world_init(&w, 1, 2);
	world_send(&w, "for bob 1", id);
	in = mt_inbox(&w.b.dev[0], "0", 100);
	envs = json_object_get(in, "envelopes");
	cr_assert_eq(json_array_size(envs), 1);
	/* Bob's other device and Alice try to ack bob-1's envelope. */
	cr_expect_eq(mt_ack_envs(&w.b.dev[1], envs), 0);
	cr_expect_eq(mt_ack_envs(&w.a.dev[0], envs), 0);
	json_decref(in);
	in = mt_inbox(&w.b.dev[0], "0", 100);
	cr_expect_eq(json_array_size(json_object_get(in, "envelopes")), 1);
	json_decref(in);
	cr_expect_eq(mt_status(&w.b.dev[0], "POST", "/api/messages/ack",
	    json_pack("{s:[s]}", "ids", "nope")), 400);
	world_free(&w);
}

Test(messages, blocked_sender_is_accepted_never_delivered)
{
	struct world	 w;
	json_t		*in;
	const char	*p[2];
	char		 id[37];

	world_init(&w, 2, 1);
	p[0] = w.b.id;
	p[1] = w.a.id;
	fx_exec("INSERT INTO blocks (user_id, blocked_id) VALUES ($1, $2)", 2,
	    p);
	world_send(&w, "you will not see this", id);
	in = mt_inbox(&w.b.dev[0], "0", 100);
	cr_expect_eq(json_array_size(json_object_get(in, "envelopes")), 0);
	json_decref(in);
	/* The sender's own other device still gets its copy. */
	in = mt_inbox(&w.a.dev[1], "0", 100);
	cr_expect_eq(json_array_size(json_object_get(in, "envelopes")), 1);
	json_decref(in);
	world_free(&w);
}

Test(messages, typing_is_rate_limited)
{
	struct world	 w;
	long		 st;
	int		 i, ok = 0, limited = 0;

	world_init(&w, 1, 1);
	for (i = 0; i < 1000; i++) {
		st = mt_status(&w.a.dev[0], "POST", "/api/messages/typing",
		    json_pack("{s:s, s:s}", "chat_id", w.chat, "state",
		    "composing"));
		if (st == 204)
			ok++;
		else if (st == 429)
			limited++;
	}
	cr_expect_gt(ok, 0);
	cr_expect_geq(limited, 900, "only %d of 1000 limited", limited);
	cr_expect_eq(mt_status(&w.b.dev[0], "POST", "/api/messages/typing",
	    json_pack("{s:s, s:s}", "chat_id", w.chat, "state", "shouting")),
	    400);
	world_free(&w);
}

Test(messages, requires_a_session)
{
	struct http_client	*c = http_client_create();
	struct http_resp	 r;

	cr_assert_eq(http_request(c, "GET", "/api/messages/inbox", NULL, 0,
	    &r), 0);
	cr_expect_eq(r.status, 401);
	http_resp_cleanup(&r);
	http_client_destroy(c);
}
