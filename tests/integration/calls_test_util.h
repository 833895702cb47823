/*
 * calls_test_util.h - what the calls integration tests share: JSON
 * requests as a given device, starting a call, and watching the events a
 * device is sent. Events are observed by SUBSCRIBE-ing to the devices'
 * Redis channels (parley:dev:<user>:<device>), the exact bus the ws
 * service forwards from, so these tests do not depend on the sockets.
 *
 * A header of static functions (tests/integration/lib belongs to the
 * harness); each test binary includes it once. Environment, from
 * tests/run-all: PARLEY_TEST_URL, PARLEY_VAR, PARLEY_REDIS.
 */
#ifndef PARLEY_CALLS_TEST_UTIL_H
#define PARLEY_CALLS_TEST_UTIL_H

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "fixture.h"
#include "http.h"

#define CT_UNUSED	__attribute__((unused))
#define CT_WAIT_MS	5000		/* an event that must come */
#define CT_QUIET_MS	700		/* an event that must not */
#define CT_MAX_EVENTS	512

struct ct_event {
	char	 chan[128];
	json_t	*ev;
	int	 used;
};

struct ct_sub {
	redisContext	*c;
	struct ct_event	 evs[CT_MAX_EVENTS];
	int		 nevs;
};

/* An answer: status, parsed JSON (NULL when none), error code or "". */
struct ct_resp {
	long	 status;
	json_t	*json;
	char	 code[64];
};

static CT_UNUSED void
ct_resp_free(struct ct_resp *r)
{
	json_decref(r->json);
	r->json = NULL;
}

/* method path with body (NULL: none) as device d. */
static CT_UNUSED struct ct_resp
ct_do(struct fx_device *d, const char *method, const char *path,
    const char *body)
{
	struct http_resp	 h;
	struct ct_resp		 r;
	const char		*code;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(http_request(d->http, method, path, body,
	    body != NULL ? (size_t)-1 : 0, &h), 0, "%s %s: no answer",
	    method, path);
	r.status = h.status;
	if (h.json != NULL)
		r.json = json_incref(h.json);
	if ((code = http_error_code(&h)) != NULL)
		snprintf(r.code, sizeof(r.code), "%s", code);
	http_resp_cleanup(&h);
	return r;
}

/* Asserts status (and code when not NULL), then frees the answer. */
static CT_UNUSED void
ct_expect(struct fx_device *d, const char *method, const char *path,
    const char *body, long status, const char *code)
{
	struct ct_resp	r = ct_do(d, method, path, body);

	cr_expect_eq(r.status, status, "%s %s %s: status %ld, want %ld (%s)",
	    method, path, body != NULL ? body : "", r.status, status, r.code);
	if (code != NULL)
		cr_expect_str_eq(r.code, code, "%s %s: code", method, path);
	ct_resp_free(&r);
}

static CT_UNUSED const char *
ct_str(const json_t *j, const char *key)
{
	const char	*s = json_string_value(json_object_get(j, key));

	return s != NULL ? s : "";
}

/* POST /api/calls from d to peer; the new call's id into id. */
static CT_UNUSED void
ct_start(struct fx_device *d, const struct fx_user *peer, const char *media,
    char id[37])
{
	char		 body[128];
	struct ct_resp	 r;

	snprintf(body, sizeof(body), "{\"peer_user\":\"%s\",\"media\":\"%s\"}",
	    peer->id, media);
	r = ct_do(d, "POST", "/api/calls/start", body);
	cr_assert_eq(r.status, 201, "start call: %ld %s", r.status, r.code);
	snprintf(id, 37, "%s", ct_str(r.json, "call_id"));
	cr_assert_eq(strlen(id), 36);
	cr_expect_str_eq(ct_str(r.json, "state"), "ringing");
	ct_resp_free(&r);
}

/* "/api/calls/<id>/<what>" in a static buffer. */
static CT_UNUSED const char *
ct_path(const char *id, const char *what)
{
	static char	buf[4][256];
	static int	n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "/api/calls/%s/%s", id, what);
	return buf[n];
}

static CT_UNUSED void
ct_sub_open(struct ct_sub *s)
{
	const char	*addr = getenv("PARLEY_REDIS");

	memset(s, 0, sizeof(*s));
	cr_assert(addr != NULL && strncmp(addr, "unix:", 5) == 0,
	    "PARLEY_REDIS must be unix:/path: run through make test");
	s->c = redisConnectUnix(addr + 5);
	cr_assert(s->c != NULL && s->c->err == 0, "redis connect");
}

/* Subscribes to every device of u; returns after Redis confirmed. */
static CT_UNUSED void
ct_sub_user(struct ct_sub *s, const struct fx_user *u)
{
	redisReply	*rep;
	int		 i;

	for (i = 0; i < u->ndevices; i++) {
		rep = redisCommand(s->c, "SUBSCRIBE parley:dev:%s:%d", u->id,
		    u->dev[i].id);
		cr_assert_not_null(rep, "SUBSCRIBE");
		freeReplyObject(rep);
	}
}

static CT_UNUSED void
ct_sub_close(struct ct_sub *s)
{
	int	i;

	for (i = 0; i < s->nevs; i++)
		json_decref(s->evs[i].ev);
	if (s->c != NULL)
		redisFree(s->c);
	s->c = NULL;
}

static CT_UNUSED void
ct_sub_store(struct ct_sub *s, redisReply *rep)
{
	struct ct_event	*e;

	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    strcmp(rep->element[0]->str, "message") != 0 ||
	    s->nevs >= CT_MAX_EVENTS)
		return;
	e = &s->evs[s->nevs];
	snprintf(e->chan, sizeof(e->chan), "%s", rep->element[1]->str);
	if ((e->ev = json_loadb(rep->element[2]->str, rep->element[2]->len, 0,
	    NULL)) != NULL)
		s->nevs++;
}

static CT_UNUSED long
ct_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The call an event is about; call_log events carry it in their entry. */
static CT_UNUSED const char *
ct_event_call(const json_t *ev)
{
	if (json_object_get(ev, "entry") != NULL)
		return ct_str(json_object_get(ev, "entry"), "call_id");
	return ct_str(ev, "call_id");
}

/*
 * The first unconsumed event of type (and call_id, if not NULL) sent to
 * device dev of u, waiting up to ms; marked consumed. Borrowed; NULL on
 * timeout.
 */
static CT_UNUSED json_t *
ct_wait(struct ct_sub *s, const struct fx_user *u, int dev, const char *type,
    const char *call_id, int ms)
{
	char		 chan[128];
	long		 end = ct_now_ms() + ms, left;
	redisReply	*rep;
	struct pollfd	 pfd;
	int		 i;

	snprintf(chan, sizeof(chan), "parley:dev:%s:%d", u->id, dev);
	for (;;) {
		for (i = 0; i < s->nevs; i++) {
			struct ct_event *e = &s->evs[i];

			if (e->used || strcmp(e->chan, chan) != 0 ||
			    strcmp(ct_str(e->ev, "type"), type) != 0 ||
			    (call_id != NULL && strcmp(ct_event_call(e->ev),
			    call_id) != 0))
				continue;
			e->used = 1;
			return e->ev;
		}
		if ((left = end - ct_now_ms()) <= 0)
			return NULL;
		pfd.fd = s->c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		cr_assert_eq(redisBufferRead(s->c), REDIS_OK, "redis read");
		while (redisGetReplyFromReader(s->c, (void **)&rep) ==
		    REDIS_OK && rep != NULL) {
			ct_sub_store(s, rep);
			freeReplyObject(rep);
		}
	}
}

/* Like ct_wait() but asserts the event comes. */
static CT_UNUSED json_t *
ct_must(struct ct_sub *s, const struct fx_user *u, int dev, const char *type,
    const char *call_id)
{
	json_t	*ev = ct_wait(s, u, dev, type, call_id, CT_WAIT_MS);

	cr_assert_not_null(ev, "no %s event for %s device %d", type, u->name,
	    dev);
	return ev;
}

/* The call_log upsert of call id for u's device dev once it has ended. */
static CT_UNUSED json_t *
ct_must_log_ended(struct ct_sub *s, const struct fx_user *u, int dev,
    const char *id)
{
	json_t	*ev, *entry;

	for (;;) {
		ev = ct_must(s, u, dev, "call_log", id);
		entry = json_object_get(ev, "entry");
		if (strcmp(ct_str(entry, "state"), "ended") == 0)
			return entry;
	}
}

/* Asserts no such event arrives within CT_QUIET_MS. */
static CT_UNUSED void
ct_none(struct ct_sub *s, const struct fx_user *u, int dev, const char *type,
    const char *call_id)
{
	json_t	*ev = ct_wait(s, u, dev, type, call_id, CT_QUIET_MS);

	cr_expect_null(ev, "unexpected %s event for %s device %d", type,
	    u->name, dev);
}

/* Moves a call's start into the past, as if its ring timeout had passed. */
static CT_UNUSED void
ct_expire(const char *id)
{
	const char	*p[1] = { id };

	fx_exec("UPDATE calls SET created_at = now() - interval '1 hour' "
	    "WHERE id = $1", 1, p);
}

/* The call's state and end reason from Postgres: "ended/missed". */
static CT_UNUSED void
ct_db_state(const char *id, char out[64])
{
	PGconn		*c = fx_db();
	const char	*p[1] = { id };
	PGresult	*r;

	r = PQexecParams(c, "SELECT state || '/' || coalesce(end_reason, '') "
	    "FROM calls WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
	cr_assert_eq(PQntuples(r), 1, "call %s not in the table", id);
	snprintf(out, 64, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
}

#endif
