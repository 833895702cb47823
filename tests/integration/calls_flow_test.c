/*
 * calls_flow_test.c - the call state machine against the live stack:
 * ringing on every callee device, first accept wins and stops the other
 * devices, decline (with a quick reply), cancel, hang up from either
 * side, busy, glare, a blocked caller that never rings, the ring timeout
 * (by the sweeper thread and lazily), and the bad inputs of each step.
 * Events are read from the devices' Redis channels (calls_test_util.h).
 */
#include <sys/wait.h>
#include <unistd.h>

#include "calls_test_util.h"

static void
body_start(char *buf, size_t n, const struct fx_user *peer, const char *media)
{
	snprintf(buf, n, "{\"peer_user\":\"%s\",\"media\":\"%s\"}", peer->id,
	    media);
}

Test(calls_flow, ring_accept_on_one_device_stops_the_other)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	struct ct_resp	 r;
	json_t		*ev;
	char		 id[37], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "video", id);

	/* Both of Bob's devices ring, with who calls and how. */
	ev = ct_must(&s, &b, b.dev[0].id, "call_ring", id);
	cr_expect_str_eq(ct_str(ev, "media"), "video");
	cr_expect_str_eq(ct_str(json_object_get(ev, "from"), "u"), a.id);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(ev,
	    "from"), "d")), a.dev[0].id);
	ct_must(&s, &b, b.dev[1].id, "call_ring", id);
	ct_none(&s, &a, a.dev[0].id, "call_ring", id);

	r = ct_do(&b.dev[1], "POST", ct_path(id, "accept"), NULL);
	cr_assert_eq(r.status, 200, "accept: %ld %s", r.status, r.code);
	cr_expect_str_eq(ct_str(r.json, "state"), "accepted");
	cr_expect_str_eq(ct_str(r.json, "role"), "callee");
	cr_expect(json_is_object(json_object_get(r.json, "turn")));
	ct_resp_free(&r);

	ev = ct_must(&s, &a, a.dev[0].id, "call_accepted", id);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(ev,
	    "by"), "d")), b.dev[1].id);
	ev = ct_must(&s, &b, b.dev[0].id, "call_stop", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "answered_elsewhere");
	ct_none(&s, &b, b.dev[1].id, "call_stop", id);

	/* Second accept (the other device, or the same) loses. */
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 409,
	    "already_answered");
	ct_expect(&b.dev[1], "POST", ct_path(id, "accept"), "{}", 409,
	    "already_answered");
	/* The device that did not answer cannot accept or decline it. */
	ct_expect(&b.dev[0], "POST", ct_path(id, "decline"), NULL, 409,
	    "already_answered");

	ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	ev = ct_must(&s, &b, b.dev[1].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "hangup");
	cr_expect_str_eq(ct_str(ev, "by"), "caller");
	ct_db_state(id, st);
	cr_expect_str_eq(st, "ended/hangup");
	ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 409,
	    "call_ended");
	ct_sub_close(&s);
}

/* A stale call (its tab crashed) can be ended from another device. */
Test(calls_flow, another_device_of_a_party_ends_the_call)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	json_t		*ev;
	char		 id[37];

	fx_user_create(&a, "alice", 2);
	fx_user_create(&b, "bob", 2);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "voice", id);
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	ct_expect(&b.dev[1], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	/* Both devices in the call are told, the answering one included. */
	ev = ct_must(&s, &b, b.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "by"), "callee");
	ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	ct_none(&s, &a, a.dev[1].id, "call_ended", id);

	ct_start(&a.dev[0], &b, "video", id);
	ct_expect(&a.dev[1], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	ev = ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "cancelled");
	ct_must(&s, &b, b.dev[0].id, "call_stop", id);
	ct_sub_close(&s);
}

Test(calls_flow, callee_hangs_up_an_accepted_call_media_failed)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	json_t		*ev;
	char		 id[37], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_start(&a.dev[0], &b, "voice", id);
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	ct_expect(&b.dev[0], "POST", ct_path(id, "hangup"),
	    "{\"reason\":\"lost\"}", 400, "invalid_field");
	ct_expect(&b.dev[0], "POST", ct_path(id, "hangup"),
	    "{\"reason\":\"failed\"}", 200, NULL);
	ev = ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "failed");
	cr_expect_str_eq(ct_str(ev, "by"), "callee");
	ct_db_state(id, st);
	cr_expect_str_eq(st, "ended/failed");
	ct_sub_close(&s);
}

Test(calls_flow, decline_with_a_quick_reply_and_cancel)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	struct ct_resp	 r;
	json_t		*ev;
	char		 id[37], id2[37], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "voice", id);
	ct_expect(&a.dev[0], "POST", ct_path(id, "decline"), NULL, 403,
	    "not_callee");
	ct_expect(&b.dev[0], "POST", ct_path(id, "decline"),
	    "{\"message\":\"see you\"}", 400, "invalid_field");
	ct_expect(&b.dev[0], "POST", ct_path(id, "decline"),
	    "{\"message\":3}", 400, "invalid_field");
	ct_expect(&b.dev[0], "POST", ct_path(id, "decline"),
	    "{\"text\":\"x\"}", 400, "unknown_field");
	r = ct_do(&b.dev[0], "POST", ct_path(id, "decline"),
	    "{\"message\":\"call_you_later\"}");
	cr_assert_eq(r.status, 200, "decline: %ld %s", r.status, r.code);
	cr_expect_str_eq(ct_str(r.json, "end_reason"), "declined");
	ct_resp_free(&r);
	ev = ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "declined");
	ev = ct_must(&s, &b, b.dev[1].id, "call_stop", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "declined");
	ct_expect(&b.dev[1], "POST", ct_path(id, "decline"), NULL, 409,
	    "call_ended");
	ct_expect(&b.dev[1], "POST", ct_path(id, "accept"), NULL, 409,
	    "call_ended");

	/* The caller cancels a ringing call: every callee device stops. */
	ct_start(&a.dev[0], &b, "video", id2);
	ct_must(&s, &b, b.dev[0].id, "call_ring", id2);
	ct_expect(&a.dev[0], "POST", ct_path(id2, "hangup"), NULL, 200, NULL);
	ev = ct_must(&s, &b, b.dev[0].id, "call_stop", id2);
	cr_expect_str_eq(ct_str(ev, "reason"), "cancelled");
	ct_must(&s, &b, b.dev[1].id, "call_stop", id2);
	ct_db_state(id2, st);
	cr_expect_str_eq(st, "ended/cancelled");
	ct_sub_close(&s);
}

Test(calls_flow, busy_callee)
{
	struct fx_user	 a, b, c;
	struct ct_sub	 s;
	struct ct_resp	 r;
	char		 id[37], body[128], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	fx_user_create(&c, "carol", 1);
	ct_sub_open(&s);
	ct_sub_user(&s, &b);
	ct_sub_user(&s, &c);
	ct_start(&a.dev[0], &b, "voice", id);
	ct_must(&s, &b, b.dev[0].id, "call_ring", id);
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);

	/* Carol calls Bob, who is in a call: 409 busy, logged, no ring. */
	body_start(body, sizeof(body), &b, "video");
	r = ct_do(&c.dev[0], "POST", "/api/calls/start", body);
	cr_expect_eq(r.status, 409);
	cr_expect_str_eq(r.code, "busy");
	cr_assert_eq(strlen(ct_str(r.json, "call_id")), 36);
	ct_db_state(ct_str(r.json, "call_id"), st);
	cr_expect_str_eq(st, "ended/busy");
	ct_none(&s, &b, b.dev[0].id, "call_ring", NULL);
	ct_must(&s, &c, c.dev[0].id, "call_log", NULL);
	ct_resp_free(&r);

	/* Bob calling while in a call, and Alice (the caller) too. */
	body_start(body, sizeof(body), &c, "voice");
	ct_expect(&b.dev[0], "POST", "/api/calls/start", body, 409,
	    "already_in_call");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 409,
	    "already_in_call");
	/* A callee with an outgoing ringing call is busy too. */
	ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	ct_start(&b.dev[0], &c, "voice", id);
	body_start(body, sizeof(body), &b, "voice");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 409, "busy");
	ct_sub_close(&s);
}

Test(calls_flow, glare_keeps_the_first_call)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	struct ct_resp	 r;
	json_t		*ev;
	char		 id[37], body[128];
	PGconn		*db;
	PGresult	*res;
	const char	*p[2];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "video", id);

	/* Bob calls Alice while her call to him rings: her call survives. */
	body_start(body, sizeof(body), &a, "voice");
	r = ct_do(&b.dev[1], "POST", "/api/calls/start", body);
	cr_assert_eq(r.status, 200, "glare: %ld %s", r.status, r.code);
	cr_expect_str_eq(ct_str(r.json, "call_id"), id);
	cr_expect(json_is_true(json_object_get(r.json, "glare")));
	cr_expect_str_eq(ct_str(r.json, "state"), "accepted");
	cr_expect_str_eq(ct_str(r.json, "role"), "callee");
	cr_expect_str_eq(ct_str(r.json, "media"), "video");
	ct_resp_free(&r);
	ev = ct_must(&s, &a, a.dev[0].id, "call_accepted", id);
	cr_expect(json_is_true(json_object_get(ev, "glare")));
	ct_must(&s, &b, b.dev[0].id, "call_stop", id);
	ct_none(&s, &a, a.dev[0].id, "call_ring", NULL);

	/* Exactly one call between them exists. */
	db = fx_db();
	p[0] = a.id;
	p[1] = b.id;
	res = PQexecParams(db, "SELECT count(*) FROM calls WHERE caller_id "
	    "IN ($1, $2) AND callee_id IN ($1, $2)", 2, NULL, p, NULL, NULL, 0);
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "1");
	PQclear(res);
	PQfinish(db);
	ct_sub_close(&s);
}

Test(calls_flow, concurrent_calls_both_ways_leave_one_call)
{
	struct fx_user	 a, b;
	struct ct_resp	 ra, rb;
	char		 ba[128], bb[128];
	pid_t		 pid;
	int		 st;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	body_start(ba, sizeof(ba), &b, "voice");
	body_start(bb, sizeof(bb), &a, "voice");
	/* Bob's request from a child process, at the same moment. */
	if ((pid = fork()) == 0) {
		rb = ct_do(&b.dev[0], "POST", "/api/calls/start", bb);
		_exit(rb.status == 200 || rb.status == 201 ? 0 : 1);
	}
	ra = ct_do(&a.dev[0], "POST", "/api/calls/start", ba);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bob's request");
	cr_expect(ra.status == 200 || ra.status == 201, "alice: %ld %s",
	    ra.status, ra.code);
	ct_resp_free(&ra);
	{
		PGconn		*db = fx_db();
		const char	*p[2] = { a.id, b.id };
		PGresult	*res = PQexecParams(db, "SELECT count(*), "
		    "min(state) FROM calls WHERE caller_id IN ($1, $2) AND "
		    "callee_id IN ($1, $2)", 2, NULL, p, NULL, NULL, 0);

		cr_expect_str_eq(PQgetvalue(res, 0, 0), "1");
		cr_expect_str_eq(PQgetvalue(res, 0, 1), "accepted");
		PQclear(res);
		PQfinish(db);
	}
}

Test(calls_flow, blocked_caller_never_rings)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	struct ct_resp	 r;
	json_t		*ev;
	const char	*p[2];
	char		 id[37], body[128], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	p[0] = b.id;
	p[1] = a.id;
	fx_exec("INSERT INTO blocks (user_id, blocked_id) VALUES ($1, $2)", 2,
	    p);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	/* For Alice it looks like any call. */
	ct_start(&a.dev[0], &b, "voice", id);
	ct_none(&s, &b, b.dev[0].id, "call_ring", NULL);
	ct_none(&s, &b, b.dev[1].id, "call_log", NULL);
	snprintf(body, sizeof(body), "{\"to_device\":%d,\"blob\":\"AAAA\"}",
	    b.dev[1].id);
	ct_expect(&a.dev[0], "POST", ct_path(id, "signal"), body, 204, NULL);
	/* Bob cannot see, accept or decline it. */
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 404,
	    "call_not_found");
	ct_expect(&b.dev[0], "POST", ct_path(id, "decline"), NULL, 404,
	    "call_not_found");
	r = ct_do(&b.dev[0], "GET", "/api/calls/active", NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "calls")), 0);
	ct_resp_free(&r);
	r = ct_do(&b.dev[0], "GET", "/api/calls/log", NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "entries")), 0);
	ct_resp_free(&r);

	/* It ends unanswered for Alice only. */
	ct_expire(id);
	ev = ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "missed");
	ct_db_state(id, st);
	cr_expect_str_eq(st, "ended/missed");
	ct_none(&s, &b, b.dev[0].id, "call_stop", NULL);

	/* Bob cannot call the person he blocked. */
	body_start(body, sizeof(body), &a, "voice");
	ct_expect(&b.dev[0], "POST", "/api/calls/start", body, 403, "blocked");
	ct_sub_close(&s);
}

/* Busy is busy for everyone: a blocked caller cannot tell the block apart. */
Test(calls_flow, blocked_caller_sees_busy_like_anyone)
{
	struct fx_user	 a, b, c;
	struct ct_resp	 r;
	const char	*p[2];
	char		 id[37], body[128];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	fx_user_create(&c, "carol", 1);
	p[0] = b.id;
	p[1] = a.id;
	fx_exec("INSERT INTO blocks (user_id, blocked_id) VALUES ($1, $2)", 2,
	    p);
	ct_start(&c.dev[0], &b, "voice", id);
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 200, NULL);
	body_start(body, sizeof(body), &b, "voice");
	r = ct_do(&a.dev[0], "POST", "/api/calls/start", body);
	cr_expect_eq(r.status, 409);
	cr_expect_str_eq(r.code, "busy");
	ct_resp_free(&r);
	/* Bob's log holds Carol's call only. */
	r = ct_do(&b.dev[0], "GET", "/api/calls/log", NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "entries")), 1);
	ct_resp_free(&r);
	ct_expect(&b.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
}

Test(calls_flow, ring_timeout_by_the_sweeper)
{
	struct fx_user	 a, b;
	struct ct_sub	 s;
	json_t		*ev;
	char		 id[37], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	ct_sub_open(&s);
	ct_sub_user(&s, &a);
	ct_sub_user(&s, &b);
	ct_start(&a.dev[0], &b, "video", id);
	ct_must(&s, &b, b.dev[1].id, "call_ring", id);
	/* Nobody touches the call: the sweeper thread must end it. */
	ct_expire(id);
	ev = ct_must(&s, &a, a.dev[0].id, "call_ended", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "missed");
	cr_expect_str_eq(ct_str(ev, "by"), "server");
	ev = ct_must(&s, &b, b.dev[0].id, "call_stop", id);
	cr_expect_str_eq(ct_str(ev, "reason"), "missed");
	ct_must(&s, &b, b.dev[1].id, "call_stop", id);
	ev = ct_must_log_ended(&s, &b, b.dev[0].id, id);
	cr_expect(json_is_true(json_object_get(ev, "missed")));
	cr_expect_str_eq(ct_str(ev, "direction"), "incoming");
	ev = ct_must_log_ended(&s, &a, a.dev[0].id, id);
	cr_expect(json_is_false(json_object_get(ev, "missed")));
	cr_expect_str_eq(ct_str(ev, "end_reason"), "missed");
	cr_expect_str_eq(ct_str(ev, "direction"), "outgoing");
	ct_db_state(id, st);
	cr_expect_str_eq(st, "ended/missed");
	ct_sub_close(&s);
}

Test(calls_flow, accept_after_timeout_is_refused)
{
	struct fx_user	 a, b;
	char		 id[37], st[64];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	ct_start(&a.dev[0], &b, "voice", id);
	ct_expire(id);
	/* Straight away: the request's own sweep, or accept's expiry test. */
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), NULL, 409,
	    "call_ended");
	ct_db_state(id, st);
	cr_expect_str_eq(st, "ended/missed");
}

Test(calls_flow, bad_input)
{
	struct fx_user	 a, b, c;
	char		 id[37], body[160];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	fx_user_create(&c, "carol", 1);
	ct_expect(&a.dev[0], "POST", "/api/calls/start", NULL, 400,
	    "malformed_json");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", "[]", 400,
	    "expected_object");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", "{\"media\":\"voice\"}",
	    400, "missing_field");
	body_start(body, sizeof(body), &b, "hologram");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 400,
	    "invalid_field");
	snprintf(body, sizeof(body), "{\"peer_user\":\"%s\",\"media\":1}",
	    b.id);
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 400,
	    "invalid_field");
	snprintf(body, sizeof(body), "{\"peer_user\":42,\"media\":\"voice\"}");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 400,
	    "invalid_field");
	ct_expect(&a.dev[0], "POST", "/api/calls/start",
	    "{\"peer_user\":\"not-a-uuid-not-a-uuid-not-a-uuid-xx\","
	    "\"media\":\"voice\"}", 400, "invalid_field");
	snprintf(body, sizeof(body), "{\"peer_user\":\"%s\",\"media\":"
	    "\"voice\",\"x\":1}", b.id);
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 400,
	    "unknown_field");
	body_start(body, sizeof(body), &a, "voice");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 400, "invalid_peer");
	ct_expect(&a.dev[0], "POST", "/api/calls/start",
	    "{\"peer_user\":\"00000000-0000-4000-8000-000000000000\","
	    "\"media\":\"voice\"}", 404, "unknown_user");

	/* Unknown, malformed and other people's calls look the same. */
	ct_start(&a.dev[0], &b, "voice", id);
	ct_expect(&c.dev[0], "POST", ct_path(id, "accept"), NULL, 404,
	    "call_not_found");
	ct_expect(&c.dev[0], "POST", ct_path(id, "hangup"), NULL, 404,
	    "call_not_found");
	ct_expect(&b.dev[0], "POST",
	    ct_path("00000000-0000-4000-8000-000000000000", "accept"), NULL,
	    404, "call_not_found");
	ct_expect(&b.dev[0], "POST", ct_path("nope", "accept"), NULL, 404,
	    "call_not_found");
	ct_expect(&a.dev[0], "POST", ct_path(id, "accept"), NULL, 403,
	    "not_callee");
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), "{\"x\":1}", 400,
	    "unknown_field");
	ct_expect(&b.dev[0], "POST", ct_path(id, "accept"), "nope", 400,
	    "malformed_json");
	ct_expect(&b.dev[0], "GET", ct_path(id, "accept"), NULL, 405,
	    "method_not_allowed");
	/* No session. */
	{
		struct fx_device anon;

		memset(&anon, 0, sizeof(anon));
		anon.http = http_client_create();
		ct_expect(&anon, "POST", "/api/calls/start", body, 401, NULL);
		ct_expect(&anon, "GET", "/api/calls/turn", NULL, 401, NULL);
		http_client_destroy(anon.http);
	}
}

Test(calls_flow, active_calls_for_a_reconnecting_device)
{
	struct fx_user	 a, b;
	struct ct_resp	 r;
	json_t		*c;
	char		 id[37];

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	ct_start(&a.dev[0], &b, "video", id);
	r = ct_do(&b.dev[1], "GET", "/api/calls/active", NULL);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "calls")), 1);
	c = json_array_get(json_object_get(r.json, "calls"), 0);
	cr_expect_str_eq(ct_str(c, "call_id"), id);
	cr_expect_str_eq(ct_str(c, "role"), "callee");
	cr_expect_str_eq(ct_str(c, "state"), "ringing");
	cr_expect_str_eq(ct_str(json_object_get(c, "peer"), "u"), a.id);
	cr_expect_neq(ct_str(c, "expires_at")[0], '\0');
	ct_resp_free(&r);
	ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 200, NULL);
	r = ct_do(&b.dev[1], "GET", "/api/calls/active", NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "calls")), 0);
	ct_resp_free(&r);
}

/* Two devices accepting at the same moment: exactly one wins, every time. */
Test(calls_flow, racing_accepts_have_one_winner)
{
	struct fx_user	 a, b;
	struct ct_resp	 r;
	char		 id[37], st[64];
	pid_t		 pid;
	int		 i, status, child_won, parent_won;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 2);
	for (i = 0; i < 5; i++) {
		ct_start(&a.dev[0], &b, "voice", id);
		if ((pid = fork()) == 0) {
			r = ct_do(&b.dev[1], "POST", ct_path(id, "accept"),
			    NULL);
			_exit(r.status == 200 ? 0 : r.status == 409 ? 1 : 2);
		}
		r = ct_do(&b.dev[0], "POST", ct_path(id, "accept"), NULL);
		parent_won = r.status == 200;
		cr_expect(r.status == 200 || r.status == 409, "%ld %s",
		    r.status, r.code);
		ct_resp_free(&r);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2);
		child_won = WEXITSTATUS(status) == 0;
		cr_expect_eq(parent_won + child_won, 1, "round %d", i);
		ct_db_state(id, st);
		cr_expect_str_eq(st, "accepted/");
		ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 200,
		    NULL);
	}
}

Test(calls_flow, starting_calls_is_rate_limited)
{
	struct fx_user	 a, b;
	char		 id[37], body[128];
	int		 i;

	fx_user_create(&a, "alice", 1);
	fx_user_create(&b, "bob", 1);
	for (i = 0; i < 30; i++) {
		ct_start(&a.dev[0], &b, "voice", id);
		ct_expect(&a.dev[0], "POST", ct_path(id, "hangup"), NULL, 200,
		    NULL);
	}
	body_start(body, sizeof(body), &b, "voice");
	ct_expect(&a.dev[0], "POST", "/api/calls/start", body, 429,
	    "call_rate_limited");
}
