/*
 * h_presence.c - POST /api/messages/presence {chat_id}: the caller's
 * device has this chat open and watches its other members' presence for
 * MSG_WATCH_TTL_S seconds (clients refresh while the chat stays open).
 *
 * The answer carries each member's current state: online (a live socket on
 * any ws node: parley:online:<user>, kept by the ws nodes) and last seen
 * (Redis, else users.last_seen_at, else the newest devices.last_active_at).
 * The watch is registered in parley:watch:<user> as "<user>:<device>" ->
 * "<expiry ms> <online 0|1> <last_seen 0|1>": the ws node that sees the
 * member's first socket open or last socket close publishes "presence"
 * events to the watchers, and only what these flags allow. The flags come
 * from privacy_allows() here, because ws nodes never query Postgres; a
 * privacy change therefore reaches live watches within one watch period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "jv.h"
#include "kv.h"
#include "log.h"
#include "messages.h"

static json_t	*presence_one(struct req *, PGresult *, int, long long);

static const char presence_script[] =
    "if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else "
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
    "redis.call('PEXPIRE', KEYS[1], ARGV[4]) end "
    "local on = redis.call('ZCOUNT', KEYS[2], ARGV[3], '+inf') "
    "local ls = redis.call('GET', KEYS[3]) "
    "return {on, ls or ''}";

/* Registers the watch on row i's user and answers its state. */
static json_t *
presence_one(struct req *r, PGresult *res, int i, long long now)
{
	const char	*argv[10], *user = PQgetvalue(res, i, 0);
	int		 can_on = PQgetvalue(res, i, 1)[0] == 't';
	int		 can_ls = PQgetvalue(res, i, 2)[0] == 't';
	long long	 ls = 0, pg;
	redisReply	*rep;
	struct err	 e;
	json_t		*o;
	int		 online = 0;

	argv[0] = "EVAL";
	argv[1] = presence_script;
	argv[2] = "3";
	argv[3] = arena_printf(r->arena, "parley:watch:%s", user);
	argv[4] = arena_printf(r->arena, "parley:online:%s", user);
	argv[5] = arena_printf(r->arena, "parley:lastseen:%s", user);
	argv[6] = arena_printf(r->arena, "%s:%d", r->user_id, r->device_id);
	argv[7] = can_on ? arena_printf(r->arena, "%lld %d %d",
	    now + MSG_WATCH_TTL_S * 1000LL, can_on, can_ls) : "";
	argv[8] = arena_printf(r->arena, "%lld", now);
	argv[9] = arena_printf(r->arena, "%d", 2 * MSG_WATCH_TTL_S * 1000);
	if ((rep = kv_cmd(r->kv, 10, argv, NULL, &e)) != NULL) {
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2) {
			online = rep->element[0]->integer > 0;
			if (rep->element[1]->type == REDIS_REPLY_STRING)
				ls = strtoll(rep->element[1]->str, NULL, 10);
		}
		freeReplyObject(rep);
	}
	pg = PQgetisnull(res, i, 3) ? 0 :
	    strtoll(PQgetvalue(res, i, 3), NULL, 10);
	if (pg > ls)
		ls = pg;
	o = json_pack("{s:s}", "user", user);
	if (can_on)
		json_object_set_new(o, "online", json_boolean(online));
	if (can_ls && !online && ls > 0)
		json_object_set_new(o, "last_seen", json_integer(ls));
	return o;
}

int
h_presence(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const keys[] = { "chat_id", NULL };
	static const char sql[] =
	    "SELECT m.user_id, privacy_allows(m.user_id, $2, 'online'), "
	    "    privacy_allows(m.user_id, $2, 'last_seen'), "
	    "    (extract(epoch FROM coalesce(u.last_seen_at, "
	    "    (SELECT max(d.last_active_at) FROM devices d "
	    "    WHERE d.user_id = m.user_id))) * 1000)::bigint "
	    "FROM chat_members m JOIN users u ON u.id = m.user_id "
	    "WHERE m.chat_id = $1 AND m.state = 'active' AND m.user_id <> $2";
	const char	*vals[2], *chat;
	PGresult	*res = NULL;
	json_t		*body = NULL, *users;
	long long	 now = msg_now_ms();
	int		 i, rc;

	if ((rc = jv_parse_only(r->body, r->body_len, keys, &body, e)) != 0 ||
	    (rc = msg_uuid_field(body, "chat_id", &chat, e)) != 0 ||
	    (rc = msg_member(r, chat, NULL, e)) != 0)
		goto out;
	msg_lastseen_drain(r);
	vals[0] = chat;
	vals[1] = r->user_id;
	if ((res = db_exec(r->db, sql, 2, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	users = json_array();
	for (i = 0; i < PQntuples(res); i++)
		json_array_append_new(users, presence_one(r, res, i, now));
	rc = resp_json(resp, 200, json_pack("{s:o, s:i}", "users", users,
	    "watch_ttl", MSG_WATCH_TTL_S));
out:
	PQclear(res);
	json_decref(body);
	return rc;
}
