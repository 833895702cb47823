/*
 * presence.c - the presence scripts and the takeover announcement (see
 * presence.h). Each is one fire-and-forget command on the bus's command
 * context, so a socket opening or closing costs one Redis round trip that
 * nobody waits for.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "conn.h"
#include "presence.h"

/*
 * KEYS: online set, watch hash. ARGV: member, now ms, expiry ms, user.
 * Watch values are "<expiry ms> <online 0|1> <last_seen 0|1>".
 */
static const char presence_open_lua[] =
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2]) "
    "local first = redis.call('ZCARD', KEYS[1]) == 0 "
    "redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) "
    "redis.call('PEXPIRE', KEYS[1], " "120000) "
    "if not first then return 0 end "
    "local w = redis.call('HGETALL', KEYS[2]) "
    "for i = 1, #w, 2 do "
    "  local exp, on = string.match(w[i + 1], '^(%d+) (%d)') "
    "  if exp == nil or tonumber(exp) < tonumber(ARGV[2]) then "
    "    redis.call('HDEL', KEYS[2], w[i]) "
    "  elseif on == '1' then "
    "    redis.call('PUBLISH', 'parley:dev:' .. w[i], "
    "      '{\"type\":\"presence\",\"user\":\"' .. ARGV[4] .. "
    "      '\",\"online\":true}') "
    "  end "
    "end "
    "return 1";

/*
 * KEYS: online set, watch hash, last-seen key, last-seen stream.
 * ARGV: member, now ms, user.
 */
static const char presence_close_lua[] =
    "redis.call('ZREM', KEYS[1], ARGV[1]) "
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2]) "
    "if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end "
    "redis.call('SET', KEYS[3], ARGV[2], 'EX', 2592000) "
    "redis.call('XADD', KEYS[4], 'MAXLEN', '~', '100000', '*', "
    "  'u', ARGV[3], 't', ARGV[2]) "
    "local w = redis.call('HGETALL', KEYS[2]) "
    "for i = 1, #w, 2 do "
    "  local exp, on, ls = string.match(w[i + 1], '^(%d+) (%d) (%d)') "
    "  if exp == nil or tonumber(exp) < tonumber(ARGV[2]) then "
    "    redis.call('HDEL', KEYS[2], w[i]) "
    "  elseif on == '1' then "
    "    local ev = '{\"type\":\"presence\",\"user\":\"' .. ARGV[3] .. "
    "      '\",\"online\":false' "
    "    if ls == '1' then ev = ev .. ',\"last_seen\":' .. ARGV[2] end "
    "    redis.call('PUBLISH', 'parley:dev:' .. w[i], ev .. '}') "
    "  end "
    "end "
    "return 1";

static long long
presence_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
presence_member(char *buf, size_t size, const struct conn *c)
{
	snprintf(buf, size, "%d:%s:%llu", c->device_id, c->hub->node,
	    (unsigned long long)c->id);
}

void
presence_open(struct bus *b, const struct conn *c)
{
	const char	*argv[9];
	char		 online[96], watch[96], member[128], now[24], exp[24];
	long long	 t = presence_now_ms();

	if (c->user[0] == '\0')
		return;
	snprintf(online, sizeof(online), "parley:online:%s", c->user);
	snprintf(watch, sizeof(watch), "parley:watch:%s", c->user);
	presence_member(member, sizeof(member), c);
	snprintf(now, sizeof(now), "%lld", t);
	snprintf(exp, sizeof(exp), "%lld", t + PRESENCE_EXPIRY_MS);
	argv[0] = "EVAL";
	argv[1] = presence_open_lua;
	argv[2] = "2";
	argv[3] = online;
	argv[4] = watch;
	argv[5] = member;
	argv[6] = now;
	argv[7] = exp;
	argv[8] = c->user;
	bus_command(b, 9, argv, NULL);
}

void
presence_close(struct bus *b, const struct conn *c)
{
	const char	*argv[10];
	char		 online[96], watch[96], ls[96], member[128], now[24];

	if (c->user[0] == '\0')
		return;
	snprintf(online, sizeof(online), "parley:online:%s", c->user);
	snprintf(watch, sizeof(watch), "parley:watch:%s", c->user);
	snprintf(ls, sizeof(ls), "parley:lastseen:%s", c->user);
	presence_member(member, sizeof(member), c);
	snprintf(now, sizeof(now), "%lld", presence_now_ms());
	argv[0] = "EVAL";
	argv[1] = presence_close_lua;
	argv[2] = "4";
	argv[3] = online;
	argv[4] = watch;
	argv[5] = ls;
	argv[6] = "parley:lastseen";
	argv[7] = member;
	argv[8] = now;
	argv[9] = c->user;
	bus_command(b, 10, argv, NULL);
}

void
presence_refresh(struct bus *b, const struct hub *h)
{
	const char	*argv[4];
	const struct conn *c;
	char		 online[96], member[128], exp[24];

	snprintf(exp, sizeof(exp), "%lld",
	    presence_now_ms() + PRESENCE_EXPIRY_MS);
	TAILQ_FOREACH(c, &h->conns, entry) {
		if (c->user[0] == '\0' || c->state != CONN_OPEN)
			continue;
		snprintf(online, sizeof(online), "parley:online:%s", c->user);
		presence_member(member, sizeof(member), c);
		argv[0] = "ZADD";
		argv[1] = online;
		argv[2] = exp;
		argv[3] = member;
		if (bus_command(b, 4, argv, NULL) != 0)
			return;
		argv[0] = "PEXPIRE";
		argv[2] = "120000";
		bus_command(b, 3, argv, NULL);
	}
}

void
presence_takeover(struct bus *b, const struct conn *c)
{
	const char	*argv[3];
	char		 msg[256];

	if (conn_channel(c) == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s %llu %s %llu", conn_channel(c),
	    (unsigned long long)c->opened_us, c->hub->node,
	    (unsigned long long)c->id);
	argv[0] = "PUBLISH";
	argv[1] = HUB_CHANNEL_TAKEOVER;
	argv[2] = msg;
	bus_command(b, 3, argv, NULL);
}
