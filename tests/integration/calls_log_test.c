/*
 * calls_log_test.c - the per-user call log: entries as each side sees
 * them (direction, missed, media, peer, duration, end reason), newest
 * first with a stable cursor, deleting one entry or all of them, other
 * people's entries out of reach, and the call_log events that keep every
 * device of the user in sync.
 */
#include "calls_test_util.h"

static json_t *
t_log(struct fx_device *d, const char *query, long want)
{
	char		 path[256];
	struct ct_resp	 r;

	snprintf(path, sizeof(path), "/api/calls/log%s", query);
	r = ct_do(d, "GET", path, NULL);
	cr_assert_eq(r.status, want, "GET %s: %ld %s", path, r.status, r.code);
	return r.json;
}

/* Three calls Alice -> Bob: cancelled, declined, answered for 65 s. */
static void
t_three_calls(struct fx_user *a, struct fx_user *b, char ids[3][37])
{
	const char	*p[1];

	ct_start(&a->dev[0], b, "voice", ids[0]);
	ct_expect(&a->dev[0], "POST", ct_path(ids[0], "hangup"), NULL, 200,
	    NULL);
	ct_start(&a->dev[0], b, "video", ids[1]);
	ct_expect(&b->dev[0], "POST", ct_path(ids[1], "decline"), NULL, 200,
	    NULL);
	ct_start(&a->dev[0], b, "video", ids[2]);
	ct_expect(&b->dev[0], "POST", ct_path(ids[2], "accept"), NULL, 200,
	    NULL);
	p[0] = ids[2];
	fx_exec("UPDATE calls SET accepted_at = now() - interval '65 s' "
	    "WHERE id = $1", 1, p);
	ct_expect(&b->dev[0], "POST", ct_path(ids[2], "hangup"), NULL, 200,
	    NULL);
}

Test(calls_log, entries_as_each_side_sees_them)
{
	struct fx_user	 a, b;
	char		 ids[3][37];
	json_t		*body, *list, *e;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	t_three_calls(&a, &b, ids);

	body = t_log(&a.dev[0], "", 200);
	list = json_object_get(body, "entries");
	cr_assert_eq(json_array_size(list), 3);
	cr_expect(json_is_null(json_object_get(body, "next")));
	e = json_array_get(list, 0);		/* newest first */
	cr_expect_str_eq(ct_str(e, "call_id"), ids[2]);
	cr_expect_str_eq(ct_str(e, "direction"), "outgoing");
	cr_expect_str_eq(ct_str(e, "media"), "video");
	cr_expect_str_eq(ct_str(e, "peer"), b.id);
	cr_expect_str_eq(ct_str(e, "end_reason"), "hangup");
	cr_expect_geq(json_integer_value(json_object_get(e, "duration")), 65);
	cr_expect_leq(json_integer_value(json_object_get(e, "duration")), 70);
	cr_expect(json_is_string(json_object_get(e, "accepted_at")));
	e = json_array_get(list, 1);
	cr_expect_str_eq(ct_str(e, "end_reason"), "declined");
	cr_expect_eq(json_integer_value(json_object_get(e, "duration")), 0);
	cr_expect(json_is_null(json_object_get(e, "accepted_at")));
	e = json_array_get(list, 2);
	cr_expect_str_eq(ct_str(e, "end_reason"), "cancelled");
	cr_expect_str_eq(ct_str(e, "media"), "voice");
	cr_expect(json_is_false(json_object_get(e, "missed")));
	json_decref(body);

	body = t_log(&b.dev[0], "", 200);
	list = json_object_get(body, "entries");
	cr_assert_eq(json_array_size(list), 3);
	e = json_array_get(list, 0);
	cr_expect_str_eq(ct_str(e, "direction"), "incoming");
	cr_expect_str_eq(ct_str(e, "peer"), a.id);
	cr_expect(json_is_false(json_object_get(e, "missed")));
	cr_expect(json_is_false(json_object_get(json_array_get(list, 1),
	    "missed")));
	cr_expect(json_is_true(json_object_get(json_array_get(list, 2),
	    "missed")));
	json_decref(body);
}

Test(calls_log, pages_newest_first)
{
	struct fx_user	 a, b;
	char		 ids[3][37], q[160];
	json_t		*p1, *p2;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	t_three_calls(&a, &b, ids);

	p1 = t_log(&a.dev[0], "?limit=2", 200);
	cr_assert_eq(json_array_size(json_object_get(p1, "entries")), 2);
	cr_assert(json_is_string(json_object_get(p1, "next")));
	snprintf(q, sizeof(q), "?limit=2&before=%s",
	    ct_str(p1, "next"));
	p2 = t_log(&a.dev[0], q, 200);
	cr_assert_eq(json_array_size(json_object_get(p2, "entries")), 1);
	cr_expect_str_eq(ct_str(json_array_get(json_object_get(p2, "entries"),
	    0), "call_id"), ids[0]);
	cr_expect(json_is_null(json_object_get(p2, "next")));
	json_decref(p1);
	json_decref(p2);

	json_decref(t_log(&a.dev[0], "?limit=0", 400));
	json_decref(t_log(&a.dev[0], "?limit=101", 400));
	json_decref(t_log(&a.dev[0], "?limit=ten", 400));
	json_decref(t_log(&a.dev[0], "?before=yesterday", 400));
	json_decref(t_log(&a.dev[0], "?before=12_not-a-uuid", 400));
}

Test(calls_log, delete_one_and_clear_synced)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	char		 ids[3][37], path[128], entry[37];
	json_t		*body, *ev;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	t_three_calls(&a, &b, ids);
	ct_sub_open(&s);
	ct_sub_user(&s, &b);

	body = t_log(&b.dev[0], "", 200);
	snprintf(entry, sizeof(entry), "%s", ct_str(json_array_get(
	    json_object_get(body, "entries"), 0), "id"));
	json_decref(body);
	snprintf(path, sizeof(path), "/api/calls/log/%s", entry);

	/* Alice cannot delete Bob's entry. */
	ct_expect(&a.dev[0], "DELETE", path, NULL, 404, "log_entry_not_found");
	ct_expect(&b.dev[0], "DELETE", "/api/calls/log/xyz", NULL, 404,
	    "log_entry_not_found");
	ct_expect(&b.dev[0], "DELETE", path, NULL, 204, NULL);
	ev = ct_must(&s, &b, b.dev[1].id, "call_log", NULL);
	cr_expect_str_eq(ct_str(ev, "op"), "delete");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(ev,
	    "ids"), 0)), entry);
	ev = ct_must(&s, &b, b.dev[0].id, "call_log", NULL);
	cr_expect_str_eq(ct_str(ev, "op"), "delete");
	ct_expect(&b.dev[0], "DELETE", path, NULL, 404, "log_entry_not_found");
	body = t_log(&b.dev[1], "", 200);
	cr_expect_eq(json_array_size(json_object_get(body, "entries")), 2);
	json_decref(body);
	/* Alice's own entry for that call is untouched. */
	body = t_log(&a.dev[0], "", 200);
	cr_expect_eq(json_array_size(json_object_get(body, "entries")), 3);
	json_decref(body);

	ct_expect(&b.dev[1], "DELETE", "/api/calls/log", NULL, 204, NULL);
	ev = ct_must(&s, &b, b.dev[0].id, "call_log", NULL);
	cr_expect_str_eq(ct_str(ev, "op"), "clear");
	body = t_log(&b.dev[0], "", 200);
	cr_expect_eq(json_array_size(json_object_get(body, "entries")), 0);
	json_decref(body);
	body = t_log(&a.dev[0], "", 200);
	cr_expect_eq(json_array_size(json_object_get(body, "entries")), 3);
	json_decref(body);
	ct_sub_close(&s);
}

Test(calls_log, every_change_reaches_every_device)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	char		 id[37];
	json_t		*e;

	fx_user_create(&a, "alice", 2);
	fx_user_create(&b, "bob", 1);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_start(&a.dev[0], &b, "voice", id);
	/* Alice's other device learns of the call it did not place. */
	e = json_object_get(ct_must(&s, &a, a.dev[1].id, "call_log", id),
	    "entry");
	cr_expect_str_eq(ct_str(e, "state"), "ringing");
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	e = json_object_get(ct_must(&s, &a, a.dev[1].id, "call_log", id),
	    "entry");
	cr_expect_str_eq(ct_str(e, "state"), "accepted");
	ct_expect(&b.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	e = ct_must_log_ended(&s, &a, a.dev[1].id, id);
	cr_expect_str_eq(ct_str(e, "end_reason"), "hangup");
	ct_sub_close(&s);
}
