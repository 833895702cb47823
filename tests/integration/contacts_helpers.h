/*
 * contacts_helpers.h - what the contacts_*_test.c binaries share: JSON
 * requests with a printf-formatted body, chats made directly in Postgres,
 * privacy_allows() asked through SQL, and a Redis subscriber on a
 * device's channel to prove events reach every device. Static functions:
 * each test binary includes this once.
 */
#ifndef PARLEY_CONTACTS_HELPERS_H
#define PARLEY_CONTACTS_HELPERS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <criterion/criterion.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "fixture.h"
#include "http.h"

/* A request with a formatted body (NULL fmt: none); asserts an answer. */
static void __attribute__((format(printf, 5, 6), unused))
t_req(struct http_client *c, struct http_resp *out, const char *method,
    const char *path, const char *fmt, ...)
{
	char	*body = NULL;
	va_list	 ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		cr_assert(vasprintf(&body, fmt, ap) >= 0);
		va_end(ap);
	}
	cr_assert_eq(http_request(c, method, path, body,
	    body != NULL ? strlen(body) : 0, out), 0, "%s %s: no answer",
	    method, path);
	free(body);
}

/* A request whose answer must have status want; returns the response. */
#define T_EXPECT(c, r, want, method, path, ...) do {			\
	t_req((c), (r), (method), (path), __VA_ARGS__);			\
	cr_assert_eq((r)->status, (want), "%s %s: %ld %s", (method),	\
	    (path), (r)->status, (r)->body);				\
} while (0)

/* The error code of a failed request must be slug. */
#define T_ERROR(c, want, slug, method, path, ...) do {			\
	struct http_resp t_r_;						\
	T_EXPECT((c), &t_r_, (want), (method), (path), __VA_ARGS__);	\
	cr_expect_str_eq(http_error_code(&t_r_), (slug), "%s %s: %s",	\
	    (method), (path), t_r_.body);				\
	http_resp_cleanup(&t_r_);					\
} while (0)

/* A group chat with the given members, made directly in Postgres. */
static void __attribute__((unused))
t_chat_create(char out[37], const struct fx_user **members, size_t n)
{
	PGconn		*c = fx_db();
	PGresult	*r;
	const char	*p[2];
	size_t		 i;

	r = PQexec(c, "INSERT INTO chats (kind, subject) VALUES "
	    "('group', 'test') RETURNING id");
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s",
	    PQerrorMessage(c));
	snprintf(out, 37, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	for (i = 0; i < n; i++) {
		p[0] = out;
		p[1] = members[i]->id;
		r = PQexecParams(c, "INSERT INTO chat_members (chat_id, user_id) "
		    "VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0);
		cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s",
		    PQerrorMessage(c));
		PQclear(r);
	}
	PQfinish(c);
}

/* privacy_allows(owner, viewer, item) through SQL: 1, 0, or -1 on error. */
static int __attribute__((unused))
t_allows(const char *owner, const char *viewer, const char *item)
{
	PGconn		*c = fx_db();
	PGresult	*r;
	const char	*p[3] = { owner, viewer, item };
	int		 v = -1;

	r = PQexecParams(c, "SELECT privacy_allows($1, $2, $3)", 3, NULL, p,
	    NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		v = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	PQfinish(c);
	return v;
}

/* One value of a one-row one-column query with one parameter ("" if none). */
static __attribute__((unused)) char *
t_sql1(const char *sql, const char *param)
{
	PGconn		*c = fx_db();
	PGresult	*r;
	const char	*p[1] = { param };
	char		*v;

	r = PQexecParams(c, sql, param != NULL ? 1 : 0, NULL, p, NULL, NULL,
	    0);
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s",
	    PQerrorMessage(c));
	v = strdup(PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

/* A Redis connection subscribed to the channel of (user, device). */
static __attribute__((unused)) redisContext *
t_subscribe(const char *user, int device)
{
	const char	*addr = getenv("PARLEY_REDIS");
	redisContext	*rc;
	redisReply	*rep;
	struct timeval	 tv = { 5, 0 };

	cr_assert_not_null(addr, "PARLEY_REDIS is not set");
	if (strncmp(addr, "unix:", 5) == 0)
		rc = redisConnectUnixWithTimeout(addr + 5, tv);
	else {
		char	host[256];
		int	port;

		cr_assert_eq(sscanf(addr, "%255[^:]:%d", host, &port), 2);
		rc = redisConnectWithTimeout(host, port, tv);
	}
	cr_assert(rc != NULL && rc->err == 0, "redis connect");
	redisSetTimeout(rc, tv);
	rep = redisCommand(rc, "SUBSCRIBE parley:dev:%s:%d", user, device);
	cr_assert_not_null(rep);
	freeReplyObject(rep);
	return rc;
}

/*
 * The next event of the given type on a subscription (others, e.g. from
 * earlier steps, are skipped); NULL after the 5 s timeout.
 */
static __attribute__((unused)) json_t *
t_next_event(redisContext *rc, const char *type)
{
	redisReply	*rep;
	json_t		*ev;

	for (;;) {
		if (redisGetReply(rc, (void **)&rep) != REDIS_OK || rep == NULL)
			return NULL;
		ev = NULL;
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 &&
		    rep->element[2]->type == REDIS_REPLY_STRING)
			ev = json_loads(rep->element[2]->str, 0, NULL);
		freeReplyObject(rep);
		if (ev != NULL && strcmp(json_string_value(json_object_get(ev,
		    "type")) != NULL ? json_string_value(json_object_get(ev,
		    "type")) : "", type) == 0)
			return ev;
		json_decref(ev);
	}
}

#endif
