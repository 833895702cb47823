/*
 * presence.c - the presence scripts, the instance heartbeat and the
 * takeover announcement (see presence.h). Each is one command on the bus's
 * command context, so a socket opening or closing costs one Redis round
 * trip that nobody waits for.
 *
 * The scripts build some key names themselves (parley:lastseen:<user>, the
 * keys of the users a dead instance leaves behind): fine on one Redis; a
 * Redis Cluster would first need them declared and in one hash slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "bus.h"
#include "conn.h"
#include "presence.h"

/*
 * Shared by the scripts that may take a user offline: offline(user, now
 * ms) records last seen (key, and the stream the messages service drains)
 * and tells the watchers in parley:watch:<user>, whose values are
 * "<expiry ms> <online 0|1> <last_seen 0|1>".
 */
#define PRESENCE_OFFLINE_LUA \
    "local function offline(u, now) " \
    "  redis.call('SET', 'parley:lastseen:' .. u, now, 'EX', 2592000) " \
    "  redis.call('XADD', 'parley:lastseen', 'MAXLEN', '~', '100000', " \
    "    '*', 'u', u, 't', now) " \
    "  local wk = 'parley:watch:' .. u " \
    "  local w = redis.call('HGETALL', wk) " \
    "  for i = 1, #w, 2 do " \
    "    local exp, on, ls = string.match(w[i + 1], '^(%d+) (%d) (%d)') " \
    "    if exp == nil or tonumber(exp) < tonumber(now) then " \
    "      redis.call('HDEL', wk, w[i]) " \
    "    elseif on == '1' then " \
    "      local ev = '{\"type\":\"presence\",\"user\":\"' .. u .. " \
    "        '\",\"online\":false' " \
    "      if ls == '1' then ev = ev .. ',\"last_seen\":' .. now end " \
    "      redis.call('PUBLISH', 'parley:dev:' .. w[i], ev .. '}') " \
    "    end " \
    "  end " \
    "end "

/*
 * KEYS: online set, watch hash, this instance's user set. ARGV: member,
 * now ms, expiry ms, user.
 */
static const char presence_open_lua[] =
    "redis.call('SADD', KEYS[3], ARGV[4]) "
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
 * KEYS: online set, this instance's user set. ARGV: member, now ms, user,
 * ":<instance>:". The user leaves the instance's set with its last socket
 * here, and goes offline with its last socket anywhere.
 */
static const char presence_close_lua[] =
    PRESENCE_OFFLINE_LUA
    "redis.call('ZREM', KEYS[1], ARGV[1]) "
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2]) "
    "local here = false "
    "for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do "
    "  if string.find(m, ARGV[4], 1, true) then here = true break end "
    "end "
    "if not here then redis.call('SREM', KEYS[2], ARGV[3]) end "
    "if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end "
    "offline(ARGV[3], ARGV[2]) "
    "return 1";

/*
 * The heartbeat. ARGV: this instance, now ms, TTL ms, batch. Renews
 * parley:ws:alive:<instance> and registers the instance in
 * parley:ws:instances; then, for each registered instance whose alive key
 * has expired (killed, or cut off from Redis), takes up to batch users out
 * of its user set, removes that instance's sockets from their online sets
 * and takes offline those left with none. An instance leaves the registry
 * once its user set is empty. Every node runs this; a script runs alone,
 * so no user is reaped twice.
 */
static const char presence_heartbeat_lua[] =
    PRESENCE_OFFLINE_LUA
    "redis.call('SET', 'parley:ws:alive:' .. ARGV[1], '1', 'PX', ARGV[3]) "
    "redis.call('SADD', 'parley:ws:instances', ARGV[1]) "
    "local reaped = 0 "
    "for _, n in ipairs(redis.call('SMEMBERS', 'parley:ws:instances')) do "
    "  if redis.call('EXISTS', 'parley:ws:alive:' .. n) == 0 then "
    "    local us = 'parley:ws:users:' .. n "
    "    local pat = ':' .. n .. ':' "
    "    for _, u in ipairs(redis.call('SPOP', us, ARGV[4])) do "
    "      local on = 'parley:online:' .. u "
    "      local gone = 0 "
    "      for _, m in ipairs(redis.call('ZRANGE', on, 0, -1)) do "
    "        if string.find(m, pat, 1, true) then "
    "          redis.call('ZREM', on, m) "
    "          gone = gone + 1 "
    "        end "
    "      end "
    "      redis.call('ZREMRANGEBYSCORE', on, '-inf', ARGV[2]) "
    "      if gone > 0 and redis.call('ZCARD', on) == 0 then "
    "        offline(u, ARGV[2]) "
    "        reaped = reaped + 1 "
    "      end "
    "    end "
    "    if redis.call('SCARD', us) == 0 then "
    "      redis.call('SREM', 'parley:ws:instances', n) "
    "    end "
    "  end "
    "end "
    "return reaped";

/*
 * KEYS: the device's generation counter. ARGV: takeover channel, device
 * channel, "<node> <conn id>". The INCR and the announcement are one step,
 * so announcements go out in generation order. The counter outlives any
 * socket by far (30 days, renewed by every open).
 */
static const char presence_takeover_lua[] =
    "local g = redis.call('INCR', KEYS[1]) "
    "redis.call('EXPIRE', KEYS[1], 2592000) "
    "redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. g .. ' ' .. ARGV[3]) "
    "return g";

static long long
presence_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "<node>.<random>": this run of the node, told apart from earlier runs. */
static char	presence_instance[96];

void
presence_init(const char *node)
{
	snprintf(presence_instance, sizeof(presence_instance), "%s.%08x", node,
	    (unsigned int)randombytes_random());
}

static void
presence_users_key(char *buf, size_t size)
{
	snprintf(buf, size, "parley:ws:users:%s", presence_instance);
}

static void
presence_member(char *buf, size_t size, const struct conn *c)
{
	snprintf(buf, size, "%d:%s:%llu", c->device_id, presence_instance,
	    (unsigned long long)c->id);
}

void
presence_open(struct bus *b, const struct conn *c)
{
	const char	*argv[10];
	char		 online[96], watch[96], users[128], member[128];
	char		 now[24], exp[24];
	long long	 t = presence_now_ms();

	if (c->user[0] == '\0')
		return;
	snprintf(online, sizeof(online), "parley:online:%s", c->user);
	snprintf(watch, sizeof(watch), "parley:watch:%s", c->user);
	presence_users_key(users, sizeof(users));
	presence_member(member, sizeof(member), c);
	snprintf(now, sizeof(now), "%lld", t);
	snprintf(exp, sizeof(exp), "%lld", t + PRESENCE_EXPIRY_MS);
	argv[0] = "EVAL";
	argv[1] = presence_open_lua;
	argv[2] = "3";
	argv[3] = online;
	argv[4] = watch;
	argv[5] = users;
	argv[6] = member;
	argv[7] = now;
	argv[8] = exp;
	argv[9] = c->user;
	bus_command(b, 10, argv, NULL);
}

void
presence_close(struct bus *b, const struct conn *c)
{
	const char	*argv[9];
	char		 online[96], users[128], member[128], now[24], pat[100];

	if (c->user[0] == '\0')
		return;
	snprintf(online, sizeof(online), "parley:online:%s", c->user);
	presence_users_key(users, sizeof(users));
	presence_member(member, sizeof(member), c);
	snprintf(now, sizeof(now), "%lld", presence_now_ms());
	snprintf(pat, sizeof(pat), ":%s:", presence_instance);
	argv[0] = "EVAL";
	argv[1] = presence_close_lua;
	argv[2] = "2";
	argv[3] = online;
	argv[4] = users;
	argv[5] = member;
	argv[6] = now;
	argv[7] = c->user;
	argv[8] = pat;
	bus_command(b, 9, argv, NULL);
}

void
presence_heartbeat(struct bus *b, long ttl_ms)
{
	const char	*argv[7];
	char		 now[24], ttl[24], batch[16];

	snprintf(now, sizeof(now), "%lld", presence_now_ms());
	snprintf(ttl, sizeof(ttl), "%ld", ttl_ms);
	snprintf(batch, sizeof(batch), "%d", PRESENCE_REAP_BATCH);
	argv[0] = "EVAL";
	argv[1] = presence_heartbeat_lua;
	argv[2] = "0";
	argv[3] = presence_instance;
	argv[4] = now;
	argv[5] = ttl;
	argv[6] = batch;
	bus_command(b, 7, argv, NULL);
}

void
presence_refresh(struct bus *b, const struct hub *h)
{
	const char	*argv[4];
	const struct conn *c;
	char		 online[96], member[128], exp[24], users[128];

	presence_users_key(users, sizeof(users));
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
		/* After a Redis restart, this is how the reaper learns them. */
		argv[0] = "SADD";
		argv[1] = users;
		argv[2] = c->user;
		bus_command(b, 3, argv, NULL);
	}
}

/* What presence_takeover()'s reply needs to find its socket again. */
struct takeover {
	struct hub	*hub;
	uint64_t	 conn_id;
	char		 channel[CONN_CHANNEL_MAX];
};

static void
presence_on_generation(void *arg, int ok, long long gen)
{
	struct takeover	*t = arg;

	hub_generation(t->hub, t->channel, t->conn_id,
	    ok && gen > 0 ? (uint64_t)gen : 0);
	free(t);
}

void
presence_takeover(struct bus *b, struct conn *c)
{
	const char	*argv[7];
	char		 key[96], who[96];
	struct takeover	*t;

	if (conn_channel(c) == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return;
	t->hub = c->hub;
	t->conn_id = c->id;
	snprintf(t->channel, sizeof(t->channel), "%s", conn_channel(c));
	snprintf(key, sizeof(key), "parley:ws:gen:%s:%d", c->user,
	    c->device_id);
	snprintf(who, sizeof(who), "%s %llu", c->hub->node,
	    (unsigned long long)c->id);
	argv[0] = "EVAL";
	argv[1] = presence_takeover_lua;
	argv[2] = "1";
	argv[3] = key;
	argv[4] = HUB_CHANNEL_TAKEOVER;
	argv[5] = t->channel;
	argv[6] = who;
	/* Redis down: no generation, and the socket loses to any newer one. */
	if (bus_command_int(b, 7, argv, presence_on_generation, t) != 0) {
		free(t);
		return;
	}
	c->gen_pending = 1;
}
