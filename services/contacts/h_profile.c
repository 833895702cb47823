/*
 * h_profile.c - GET /api/contacts/users/:id: another user's profile as
 * the caller may see it. Every privacy decision is privacy_allows()'s
 * (sql/004_contacts.sql), so a block looks exactly like the owner having
 * chosen "nobody": a hidden field is null, whatever the reason.
 *
 *   200 {"id", "phone", "name", "about"|null, "photo"|null,
 *        "last_seen"|null, "online"|null, "contact_name"|null,
 *        "blocked" (the caller blocked this user)}
 *
 * Presence is the ws nodes' (services/ws/presence.h): online means a live
 * socket in parley:online:<user>; last seen is parley:lastseen:<user>
 * (ms), else users.last_seen_at, else the newest devices.last_active_at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "contacts.h"
#include "db.h"
#include "kv.h"

/* Fills "online" and "last_seen" from Redis where the SQL allowed them. */
static void
profile_presence(struct req *r, json_t *o)
{
	const char	*user = json_string_value(json_object_get(o, "id"));
	const char	*argv[4];
	redisReply	*rep;
	struct err	 e;
	struct timespec	 ts;
	struct tm	 tm;
	char		 iso[96];
	time_t		 t;
	long long	 ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (json_is_true(json_object_get(o, "online"))) {
		argv[0] = "ZCOUNT";
		argv[1] = arena_printf(r->arena, "parley:online:%s", user);
		argv[2] = arena_printf(r->arena, "%lld",
		    (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		argv[3] = "+inf";
		rep = kv_cmd(r->kv, 4, argv, NULL, &e);
		json_object_set_new(o, "online", json_boolean(rep != NULL &&
		    rep->type == REDIS_REPLY_INTEGER && rep->integer > 0));
		freeReplyObject(rep);
	}
	if (json_is_null(json_object_get(o, "last_seen")))
		return;
	argv[0] = "GET";
	argv[1] = arena_printf(r->arena, "parley:lastseen:%s", user);
	if ((rep = kv_cmd(r->kv, 2, argv, NULL, &e)) == NULL)
		return;
	if (rep->type == REDIS_REPLY_STRING &&
	    (ms = strtoll(rep->str, NULL, 10)) > 0) {
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
		json_object_set_new(o, "last_seen", json_string(iso));
	}
	freeReplyObject(rep);
}

int
h_profile(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2] = { NULL, r->user_id };
	json_t		*o;
	int		 rc;

	if ((rc = ct_param_uuid(r, "id", "the user id", &vals[0], e)) != 0)
		return rc;
	/* "online" is true here when it may be shown; Redis says if it is. */
	if ((rc = ct_query_json(r, "SELECT json_build_object("
	    "'id', u.id, 'phone', u.phone, 'name', u.name, "
	    "'about', CASE WHEN privacy_allows(u.id, $2, 'about') "
	    "THEN u.about END, "
	    "'photo', CASE WHEN privacy_allows(u.id, $2, 'photo') "
	    "THEN p.ref END, "
	    "'last_seen', CASE WHEN privacy_allows(u.id, $2, 'last_seen') "
	    "THEN iso_utc(COALESCE(u.last_seen_at, (SELECT "
	    "max(last_active_at) FROM devices WHERE user_id = u.id))) END, "
	    "'online', CASE WHEN privacy_allows(u.id, $2, 'online') "
	    "THEN true END, "
	    "'contact_name', (SELECT c.name FROM contacts c WHERE "
	    "c.owner_id = $2 AND c.contact_user_id = u.id "
	    "ORDER BY c.created_at LIMIT 1), "
	    "'blocked', EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = $2 "
	    "AND b.blocked_id = u.id)) "
	    "FROM users u LEFT JOIN profile_photos p ON p.user_id = u.id "
	    "WHERE u.id = $1", 2, vals, "user_not_found", "no such user", &o,
	    e)) != 0)
		return rc;
	profile_presence(r, o);
	return resp_json(resp, 200, o);
}
