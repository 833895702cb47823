/*
 * ratelimit.h - fixed-window counters in Redis, shared by every service.
 *
 * One key per (what, who), e.g. "parley:rl:otp:phone:+4477...": the first
 * hit of a window creates the counter with the window as its TTL, every
 * hit increments it, and a hit past the limit is refused with 429 and a
 * Retry-After of the window's remaining seconds. Increment and expiry run
 * as one Lua script, so a counter can never be left without a TTL.
 */
#ifndef PARLEY_RATELIMIT_H
#define PARLEY_RATELIMIT_H

#include "err.h"

struct kv;

/*
 * Counts one hit on key. Returns 0 when the hit is within limit per
 * window_s seconds; APP_ERATELIMIT with slug "rate_limited" (or slug, if
 * not NULL) and e->retry_after >= 1 when it is over; or the kv error (503
 * redis_unavailable) when Redis cannot answer - callers that must fail
 * closed simply return it.
 */
int	rl_hit(struct kv *kv, const char *key, long limit, long window_s,
	    const char *slug, struct err *e);

/* Forgets key (a refund, e.g. when the guarded action failed). 0 or kv error. */
int	rl_reset(struct kv *kv, const char *key, struct err *e);

#endif
