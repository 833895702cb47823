/*
 * contacts_chatlist_test.c - chat-list state (archive, pin limit, mute,
 * unread, favourite), custom lists, and the events every change sends to
 * all the owner's devices (proved by subscribing to the device channels
 * in Redis, which the ws nodes forward to sockets) and to nobody else.
 * Also the online flag of a profile, from the ws nodes' presence set.
 */
#include <time.h>

#include "contacts_helpers.h"
#include "wsclient.h"

#define UNKNOWN_UUID	"00000000-0000-4000-8000-000000000000"

static void
chats_for(const struct fx_user *u, char chats[][37], int n)
{
	const struct fx_user *m[1] = { u };
	int		 i;

	for (i = 0; i < n; i++)
		t_chat_create(chats[i], m, 1);
}

static void
patch_chat(struct fx_user *u, const char *chat, long want, const char *body,
    struct http_resp *r)
{
	char	path[128];

	snprintf(path, sizeof(path), "/api/contacts/chatlist/%s", chat);
	T_EXPECT(u->dev[0].http, r, want, "PATCH", path, "%s", body);
}

Test(chatlist, state_flags_and_mute)
{
	struct fx_user	 a;
	struct http_resp r;
	char		 chats[1][37];
	const char	*mu;

	fx_user_create(&a, "A", 1);
	chats_for(&a, chats, 1);
	patch_chat(&a, chats[0], 200, "{\"archived\": true, \"favourite\": "
	    "true, \"marked_unread\": true, \"mute\": \"8h\"}", &r);
	cr_expect(json_is_true(json_object_get(r.json, "archived")));
	cr_expect(json_is_true(json_object_get(r.json, "favourite")));
	cr_expect(json_is_true(json_object_get(r.json, "marked_unread")));
	cr_expect(json_is_false(json_object_get(r.json, "pinned")));
	mu = json_string_value(json_object_get(r.json, "muted_until"));
	cr_assert_not_null(mu, "%s", r.body);
	cr_expect_eq(strlen(mu), 24, "an RFC 3339 time: %s", mu);
	http_resp_cleanup(&r);
	patch_chat(&a, chats[0], 200, "{\"mute\": \"always\"}", &r);
	cr_expect_str_eq(json_string_value(json_object_get(r.json,
	    "muted_until")), "always");
	cr_expect(json_is_true(json_object_get(r.json, "archived")),
	    "other flags stay");
	http_resp_cleanup(&r);
	patch_chat(&a, chats[0], 200, "{\"mute\": \"1w\"}", &r);
	http_resp_cleanup(&r);
	patch_chat(&a, chats[0], 200, "{\"mute\": \"off\", \"archived\": "
	    "false}", &r);
	cr_expect(json_is_null(json_object_get(r.json, "muted_until")));
	cr_expect(json_is_false(json_object_get(r.json, "archived")));
	http_resp_cleanup(&r);
	/* Pinning unarchives; archiving unpins. */
	patch_chat(&a, chats[0], 200, "{\"archived\": true}", &r);
	http_resp_cleanup(&r);
	patch_chat(&a, chats[0], 200, "{\"pinned\": true}", &r);
	cr_expect(json_is_true(json_object_get(r.json, "pinned")));
	cr_expect(json_is_false(json_object_get(r.json, "archived")));
	http_resp_cleanup(&r);
	patch_chat(&a, chats[0], 200, "{\"archived\": true}", &r);
	cr_expect(json_is_false(json_object_get(r.json, "pinned")));
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/chatlist",
	    NULL);
	cr_assert_eq(json_array_size(json_object_get(r.json, "chats")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(r.json, "chats"), 0), "chat_id")), chats[0]);
	http_resp_cleanup(&r);
	fx_user_destroy(&a);
}

Test(chatlist, at_most_three_pins)
{
	struct fx_user	 a;
	struct http_resp r;
	char		 chats[4][37];
	int		 i;

	fx_user_create(&a, "A", 1);
	chats_for(&a, chats, 4);
	for (i = 0; i < 3; i++) {
		patch_chat(&a, chats[i], 200, "{\"pinned\": true}", &r);
		http_resp_cleanup(&r);
	}
	patch_chat(&a, chats[3], 409, "{\"pinned\": true}", &r);
	cr_expect_str_eq(http_error_code(&r), "pin_limit");
	cr_expect(strstr(r.body, "at most 3") != NULL, "%s", r.body);
	http_resp_cleanup(&r);
	/* Pinning a pinned chat again is no 4th pin. */
	patch_chat(&a, chats[2], 200, "{\"pinned\": true}", &r);
	http_resp_cleanup(&r);
	patch_chat(&a, chats[0], 200, "{\"pinned\": false}", &r);
	http_resp_cleanup(&r);
	patch_chat(&a, chats[3], 200, "{\"pinned\": true}", &r);
	http_resp_cleanup(&r);
	/* The database refuses a 4th pin whatever the service checked. */
	{
		char *v = t_sql1("SELECT count(*)::text FROM chat_state WHERE "
		    "user_id = $1 AND pinned_at IS NOT NULL", a.id);

		cr_expect_str_eq(v, "3");
		free(v);
	}
	fx_user_destroy(&a);
}

Test(chatlist, bad_input_and_other_users_chats)
{
	struct fx_user	 a, b;
	struct http_resp r;
	char		 mine[1][37], theirs[1][37];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	chats_for(&a, mine, 1);
	chats_for(&b, theirs, 1);
	patch_chat(&a, theirs[0], 404, "{\"archived\": true}", &r);
	cr_expect_str_eq(http_error_code(&r), "chat_not_found");
	http_resp_cleanup(&r);
	patch_chat(&a, UNKNOWN_UUID, 404, "{\"archived\": true}", &r);
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 400, "invalid_id", "PATCH",
	    "/api/contacts/chatlist/nope", "{\"archived\": true}");
	patch_chat(&a, mine[0], 400, "{\"mute\": \"forever\"}", &r);
	cr_expect_str_eq(http_error_code(&r), "invalid_field");
	cr_expect(strstr(r.body, "8h") != NULL, "names the values: %s", r.body);
	http_resp_cleanup(&r);
	patch_chat(&a, mine[0], 400, "{\"mute\": 8}", &r);
	http_resp_cleanup(&r);
	patch_chat(&a, mine[0], 400, "{\"archived\": \"yes\"}", &r);
	cr_expect_str_eq(http_error_code(&r), "invalid_field");
	http_resp_cleanup(&r);
	patch_chat(&a, mine[0], 400, "{\"pinned\": null}", &r);
	http_resp_cleanup(&r);
	patch_chat(&a, mine[0], 400, "{}", &r);
	cr_expect_str_eq(http_error_code(&r), "missing_field");
	http_resp_cleanup(&r);
	patch_chat(&a, mine[0], 400, "{\"archived\": true, \"pinned\": true}",
	    &r);
	http_resp_cleanup(&r);
	patch_chat(&a, mine[0], 400, "{\"hidden\": true}", &r);
	cr_expect_str_eq(http_error_code(&r), "unknown_field");
	http_resp_cleanup(&r);
	T_EXPECT(b.dev[0].http, &r, 200, "GET", "/api/contacts/chatlist",
	    NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "chats")), 0);
	http_resp_cleanup(&r);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* A member who left a chat can no longer arrange it. */
Test(chatlist, a_chat_one_left_is_not_ones_own)
{
	struct fx_user	 a;
	struct http_resp r;
	char		 mine[1][37];
	const char	*p[2];

	fx_user_create(&a, "A", 1);
	chats_for(&a, mine, 1);
	patch_chat(&a, mine[0], 200, "{\"archived\": true}", &r);
	http_resp_cleanup(&r);
	p[0] = mine[0];
	p[1] = a.id;
	fx_exec("UPDATE chat_members SET state = 'left' WHERE chat_id = $1 "
	    "AND user_id = $2", 2, p);
	patch_chat(&a, mine[0], 404, "{\"archived\": false}", &r);
	cr_expect_str_eq(http_error_code(&r), "chat_not_found");
	http_resp_cleanup(&r);
	fx_user_destroy(&a);
}

Test(lists, create_patch_delete)
{
	struct fx_user	 a, b;
	struct http_resp r;
	char		 mine[2][37], theirs[1][37], path[128];
	char		 id[37];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	chats_for(&a, mine, 2);
	chats_for(&b, theirs, 1);
	T_EXPECT(a.dev[0].http, &r, 201, "POST", "/api/contacts/lists",
	    "{\"name\": \"Work\", \"chats\": [\"%s\", \"%s\", \"%s\"]}",
	    mine[0], mine[1], mine[0]);
	snprintf(id, sizeof(id), "%s",
	    json_string_value(json_object_get(r.json, "id")));
	cr_expect_eq(json_array_size(json_object_get(r.json, "chats")), 2,
	    "%s", r.body);
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 409, "list_exists", "POST",
	    "/api/contacts/lists", "{\"name\": \"Work\"}");
	T_ERROR(a.dev[0].http, 404, "chat_not_found", "POST",
	    "/api/contacts/lists", "{\"name\": \"Theirs\", \"chats\": "
	    "[\"%s\"]}", theirs[0]);
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/lists", "{\"name\": \"Bad\", \"chats\": [1]}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/lists", "{\"name\": \"Bad\", \"chats\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/lists", "{\"chats\": []}");
	T_ERROR(a.dev[0].http, 413, "field_too_long", "POST",
	    "/api/contacts/lists", "{\"name\": \"%s\"}",
	    "0123456789012345678901234567890");
	snprintf(path, sizeof(path), "/api/contacts/lists/%s", id);
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", path, "{\"name\": \"Job\", "
	    "\"chats\": [\"%s\"]}", mine[1]);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "name")),
	    "Job");
	cr_expect_eq(json_array_size(json_object_get(r.json, "chats")), 1);
	http_resp_cleanup(&r);
	/* Another user's list does not exist for them. */
	T_ERROR(b.dev[0].http, 404, "list_not_found", "PATCH", path,
	    "{\"name\": \"Mine\"}");
	T_ERROR(b.dev[0].http, 404, "list_not_found", "DELETE", path, NULL);
	T_ERROR(a.dev[0].http, 404, "chat_not_found", "PATCH", path,
	    "{\"chats\": [\"%s\"]}", theirs[0]);
	T_ERROR(a.dev[0].http, 400, "missing_field", "PATCH", path, "{}");
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/chatlist",
	    NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "lists")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(r.json, "lists"), 0), "name")), "Job",
	    "a failed PATCH changed nothing");
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 204, "DELETE", path, NULL);
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 404, "list_not_found", "DELETE", path, NULL);
	T_ERROR(a.dev[0].http, 400, "invalid_id", "DELETE",
	    "/api/contacts/lists/123", NULL);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* No event for this subscription within a short wait. */
static void
expect_quiet(redisContext *rc)
{
	struct timeval	 tv = { 0, 400000 };
	redisReply	*rep = NULL;

	redisSetTimeout(rc, tv);
	cr_expect_neq(redisGetReply(rc, (void **)&rep), REDIS_OK,
	    "the other user got an event");
	freeReplyObject(rep);
}

Test(events, every_change_reaches_every_device_of_the_owner_only)
{
	struct fx_user	 a, b;
	struct http_resp r;
	redisContext	*s[2], *other;
	json_t		*ev;
	char		 chats[1][37], path[128];
	int		 i;

	fx_user_create(&a, "A", 2);
	fx_user_create(&b, "B", 1);
	chats_for(&a, chats, 1);
	for (i = 0; i < 2; i++)
		s[i] = t_subscribe(a.id, a.dev[i].id);
	other = t_subscribe(b.id, b.dev[0].id);

	patch_chat(&a, chats[0], 200, "{\"pinned\": true}", &r);
	http_resp_cleanup(&r);
	for (i = 0; i < 2; i++) {
		ev = t_next_event(s[i], "chatlist");
		cr_assert_not_null(ev, "device %d got no chatlist event", i);
		cr_expect_str_eq(json_string_value(json_object_get(
		    json_object_get(ev, "chat"), "chat_id")), chats[0]);
		cr_expect(json_is_true(json_object_get(json_object_get(ev,
		    "chat"), "pinned")));
		json_decref(ev);
	}
	T_EXPECT(a.dev[1].http, &r, 201, "POST", "/api/contacts/lists",
	    "{\"name\": \"L\", \"chats\": [\"%s\"]}", chats[0]);
	http_resp_cleanup(&r);
	for (i = 0; i < 2; i++) {
		ev = t_next_event(s[i], "chatlist");
		cr_assert_not_null(ev);
		cr_expect_str_eq(json_string_value(json_object_get(
		    json_object_get(ev, "list"), "name")), "L");
		json_decref(ev);
	}
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"about\": \"nobody\"}");
	http_resp_cleanup(&r);
	for (i = 0; i < 2; i++) {
		ev = t_next_event(s[i], "privacy");
		cr_assert_not_null(ev);
		cr_expect_str_eq(json_string_value(json_object_get(
		    json_object_get(ev, "privacy"), "about")), "nobody");
		json_decref(ev);
	}
	T_EXPECT(a.dev[0].http, &r, 201, "POST", "/api/contacts/contacts",
	    "{\"phone\": \"%s\", \"name\": \"Bee\"}", b.phone);
	http_resp_cleanup(&r);
	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", b.id);
	T_EXPECT(a.dev[0].http, &r, 204, "PUT", path, NULL);
	http_resp_cleanup(&r);
	for (i = 0; i < 2; i++) {
		ev = t_next_event(s[i], "contacts");
		cr_assert_not_null(ev);
		cr_expect_str_eq(json_string_value(json_object_get(ev,
		    "action")), "upsert");
		json_decref(ev);
		ev = t_next_event(s[i], "contacts");
		cr_assert_not_null(ev);
		cr_expect_str_eq(json_string_value(json_object_get(ev,
		    "action")), "block");
		json_decref(ev);
	}
	/* The blocked user is told nothing, nor of anything else of a's. */
	expect_quiet(other);
	for (i = 0; i < 2; i++)
		redisFree(s[i]);
	redisFree(other);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* online comes from the ws nodes' presence set, last seen from theirs. */
Test(presence, profile_online_and_last_seen_from_the_ws_nodes)
{
	struct fx_user	 a, b;
	struct http_resp r;
	redisContext	*rc;
	redisReply	*rep;
	char		 path[128];
	long long	 now = (long long)time(NULL) * 1000;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	rc = redisConnectUnix(getenv("PARLEY_REDIS") + 5);
	cr_assert(rc != NULL && rc->err == 0);
	snprintf(path, sizeof(path), "/api/contacts/users/%s", a.id);
	T_EXPECT(b.dev[0].http, &r, 200, "GET", path, NULL);
	cr_expect(json_is_false(json_object_get(r.json, "online")), "%s",
	    r.body);
	http_resp_cleanup(&r);
	rep = redisCommand(rc, "ZADD parley:online:%s %lld 1:test:1", a.id,
	    now + 60000);
	freeReplyObject(rep);
	rep = redisCommand(rc, "SET parley:lastseen:%s 1767225600123", a.id);
	freeReplyObject(rep);
	T_EXPECT(b.dev[0].http, &r, 200, "GET", path, NULL);
	cr_expect(json_is_true(json_object_get(r.json, "online")), "%s",
	    r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json,
	    "last_seen")), "2026-01-01T00:00:00.123Z");
	http_resp_cleanup(&r);
	/* Hidden: null, never "false". */
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"last_seen\": \"nobody\", \"online\": \"same_as_last_seen\"}");
	http_resp_cleanup(&r);
	T_EXPECT(b.dev[0].http, &r, 200, "GET", path, NULL);
	cr_expect(json_is_null(json_object_get(r.json, "online")), "%s",
	    r.body);
	cr_expect(json_is_null(json_object_get(r.json, "last_seen")));
	http_resp_cleanup(&r);
	rep = redisCommand(rc, "DEL parley:online:%s parley:lastseen:%s",
	    a.id, a.id);
	freeReplyObject(rep);
	redisFree(rc);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* A chatlist event from ws frames within 5 s; other frames are skipped. */
static json_t *
ws_event(struct wsclient *c, const char *type)
{
	json_t	*o;
	char	*t;
	int	 i;

	for (i = 0; i < 50 && (t = wsclient_recv(c, 5000)) != NULL; i++) {
		o = json_loads(t, 0, NULL);
		free(t);
		if (o != NULL && json_string_value(json_object_get(o,
		    "type")) != NULL && strcmp(json_string_value(
		    json_object_get(o, "type")), type) == 0)
			return o;
		json_decref(o);
	}
	return NULL;
}

/* End to end: a change made in one tab shows in every open tab's socket. */
Test(events, reach_every_open_tab_through_the_websocket)
{
	struct fx_user	 a;
	struct http_resp r;
	struct wsclient	*ws[2];
	json_t		*ev;
	char		 chats[1][37], url[256], *t;
	const char	*base = test_url();
	int		 i;

	fx_user_create(&a, "A", 2);
	chats_for(&a, chats, 1);
	cr_assert(strncmp(base, "https://", 8) == 0);
	snprintf(url, sizeof(url), "wss://%s/ws", base + 8);
	for (i = 0; i < 2; i++) {
		ws[i] = wsclient_connect(url, a.dev[i].cookie, 5000);
		cr_assert(ws[i] != NULL && wsclient_is_open(ws[i]),
		    "socket %d: %d", i, ws[i] ? wsclient_http_status(ws[i]) : 0);
		cr_assert_not_null(t = wsclient_recv(ws[i], 5000), "no hello");
		free(t);
	}
	patch_chat(&a, chats[0], 200, "{\"archived\": true}", &r);
	http_resp_cleanup(&r);
	for (i = 0; i < 2; i++) {
		cr_assert_not_null(ev = ws_event(ws[i], "chatlist"),
		    "tab %d got no chatlist event", i);
		cr_expect(json_is_true(json_object_get(json_object_get(ev,
		    "chat"), "archived")));
		json_decref(ev);
	}
	for (i = 0; i < 2; i++)
		wsclient_free(ws[i]);
	fx_user_destroy(&a);
}

/* A block ends live presence watches both ways at once. */
Test(presence, block_ends_presence_watches)
{
	struct fx_user	 a, b;
	struct http_resp r;
	redisContext	*rc;
	redisReply	*rep;
	char		 path[128];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	rc = redisConnectUnix(getenv("PARLEY_REDIS") + 5);
	cr_assert(rc != NULL && rc->err == 0);
	freeReplyObject(redisCommand(rc, "HSET parley:watch:%s %s:%d x",
	    a.id, b.id, b.dev[0].id));
	freeReplyObject(redisCommand(rc, "HSET parley:watch:%s %s:%d x",
	    b.id, a.id, a.dev[0].id));
	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", b.id);
	T_EXPECT(a.dev[0].http, &r, 204, "PUT", path, NULL);
	http_resp_cleanup(&r);
	rep = redisCommand(rc, "HEXISTS parley:watch:%s %s:%d", a.id, b.id,
	    b.dev[0].id);
	cr_expect(rep != NULL && rep->integer == 0, "b still watches a");
	freeReplyObject(rep);
	rep = redisCommand(rc, "HEXISTS parley:watch:%s %s:%d", b.id, a.id,
	    a.dev[0].id);
	cr_expect(rep != NULL && rep->integer == 0, "a still watches b");
	freeReplyObject(rep);
	freeReplyObject(redisCommand(rc, "DEL parley:watch:%s parley:watch:%s",
	    a.id, b.id));
	redisFree(rc);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* Narrowing who sees last seen or online drops the watches granted before. */
Test(presence, privacy_change_ends_presence_watches)
{
	struct fx_user	 a, b;
	struct http_resp r;
	redisContext	*rc;
	redisReply	*rep;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	rc = redisConnectUnix(getenv("PARLEY_REDIS") + 5);
	cr_assert(rc != NULL && rc->err == 0);
	freeReplyObject(redisCommand(rc, "HSET parley:watch:%s %s:%d x",
	    a.id, b.id, b.dev[0].id));
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"about\": \"nobody\"}");
	http_resp_cleanup(&r);
	rep = redisCommand(rc, "EXISTS parley:watch:%s", a.id);
	cr_expect(rep != NULL && rep->integer == 1, "about is no presence");
	freeReplyObject(rep);
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"last_seen\": \"nobody\"}");
	http_resp_cleanup(&r);
	rep = redisCommand(rc, "EXISTS parley:watch:%s", a.id);
	cr_expect(rep != NULL && rep->integer == 0, "watches survived");
	freeReplyObject(rep);
	redisFree(rc);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}
