/*
 * ratelimit.c - the fixed-window counter. A fixed window lets through at
 * most twice the limit across a window boundary; for codes and key
 * fetches that is good enough, and it costs one round trip and one key.
 */
#include <stdio.h>

#include "kv.h"
#include "ratelimit.h"

/* INCR, set the TTL on the first hit (or if a TTL was ever lost), report both. */
static const char rl_script[] =
    "local n = redis.call('INCR', KEYS[1]) "
    "local t = redis.call('TTL', KEYS[1]) "
    "if n == 1 or t < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) "
    "t = tonumber(ARGV[1]) end "
    "return {n, t}";

int
rl_hit(struct kv *kv, const char *key, long limit, long window_s,
    const char *slug, struct err *e)
{
	const char	*argv[5];
	char		 win[24];
	redisReply	*r;
	long long	 n, ttl;

	snprintf(win, sizeof(win), "%ld", window_s);
	argv[0] = "EVAL";
	argv[1] = rl_script;
	argv[2] = "1";
	argv[3] = key;
	argv[4] = win;
	if ((r = kv_cmd(kv, 5, argv, NULL, e)) == NULL)
		return e->code;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER ||
	    r->element[1]->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(r);
		return err_set(e, APP_EINTERNAL, "redis_error",
		    "unexpected rate limit reply");
	}
	n = r->element[0]->integer;
	ttl = r->element[1]->integer;
	freeReplyObject(r);
	if (n <= limit)
		return 0;
	err_set(e, APP_ERATELIMIT, slug != NULL ? slug : "rate_limited",
	    "too many requests, try again in %lld s", ttl > 0 ? ttl : 1);
	e->retry_after = ttl > 0 ? (int)ttl : 1;
	return APP_ERATELIMIT;
}

int
rl_reset(struct kv *kv, const char *key, struct err *e)
{
	const char	*argv[] = { "DEL", key };
	redisReply	*r;

	if ((r = kv_cmd(kv, 2, argv, NULL, e)) == NULL)
		return e->code;
	freeReplyObject(r);
	return 0;
}
