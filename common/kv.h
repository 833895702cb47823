/*
 * kv.h - Redis through synchronous hiredis: one opaque handle per worker
 * thread, shaped like db.h. Lazy connect with a connect timeout, a command
 * timeout, a non-blocking staleness check before each command so a Redis
 * restart costs no request, and the shared backoff gate so a Redis outage
 * fails fast with 503 "redis_unavailable".
 *
 * Commands are argv-style and binary-safe: arguments are never
 * interpreted as a format string.
 */
#ifndef PARLEY_KV_H
#define PARLEY_KV_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "err.h"

struct kv;

/*
 * A handle for addr, "unix:/path/to/redis.sock" or "host:port"; nothing is
 * connected yet. timeout_ms bounds both connecting and each command.
 * Returns NULL with 400 bad_config in e if addr is malformed.
 */
struct kv	*kv_create(const char *addr, int timeout_ms, struct err *e);

/* Closes the connection, if any, and frees kv. NULL is a no-op. */
void		 kv_destroy(struct kv *kv);

/*
 * Runs one command of argc arguments; argvlen gives their byte lengths, or
 * is NULL for NUL-terminated strings. Returns the reply (freeReplyObject()
 * it), or NULL with e set: 503 redis_unavailable (connection or timeout;
 * the connection is dropped so the next call starts clean) or 500
 * redis_error for an error reply.
 */
redisReply	*kv_cmd(struct kv *kv, int argc, const char **argv,
		    const size_t *argvlen, struct err *e);

/*
 * PUBLISH len bytes of msg on channel. Returns the number of subscribers
 * that received it (>= 0), or a negative error with e set.
 */
int		 kv_publish(struct kv *kv, const char *channel, const void *msg,
		    size_t len, struct err *e);

/* PING: 0 if Redis answers, else 503 redis_unavailable. */
int		 kv_ping(struct kv *kv, struct err *e);

#endif
