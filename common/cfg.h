/*
 * cfg.h - every setting of every process, from the environment, parsed once.
 *
 * cfg.c holds one declarative table {env name, type, default, min, max,
 * required}; nothing outside cfg.c calls getenv(). cfg_load() validates the
 * whole table and fails fast on a bad value, so a process never starts half
 * configured. Values are read with cfg_str()/cfg_int() by key.
 */
#ifndef PARLEY_CFG_H
#define PARLEY_CFG_H

#include "err.h"

enum cfg_key {
	CFG_DB,			/* PARLEY_DB: libpq conninfo */
	CFG_DB_CONNECT_TIMEOUT,	/* PARLEY_DB_CONNECT_TIMEOUT: seconds */
	CFG_REDIS,		/* PARLEY_REDIS: "unix:/path/redis.sock" or "host:port" */
	CFG_SOCKET,		/* PARLEY_SOCKET: FastCGI unix socket path */
	CFG_THREADS,		/* PARLEY_THREADS: FastCGI worker threads */
	CFG_MAX_BODY,		/* PARLEY_MAX_BODY: request body limit, bytes */
	CFG_LOG_LEVEL,		/* PARLEY_LOG_LEVEL: debug|info|warn|error */
	CFG_ORIGIN,		/* PARLEY_ORIGIN: the app's origin, for Origin checks */
	CFG_WS_HOST,		/* PARLEY_WS_HOST: ws service bind address */
	CFG_WS_PORT,		/* PARLEY_WS_PORT: ws service port */
	CFG_WS_NODE,		/* PARLEY_WS_NODE: ws node name (several nodes may run) */
	CFG_WS_MAX_QUEUE,	/* PARLEY_WS_MAX_QUEUE: per-connection outgoing byte cap */
	CFG_REDIS_TIMEOUT_MS,	/* PARLEY_REDIS_TIMEOUT_MS: connect and command timeout */
	CFG__COUNT
};

/*
 * Reads and validates every setting from the environment. Returns 0, or
 * APP_EINVAL with e naming the offending variable. Safe to call again (tests
 * call it after setenv()); not thread-safe: call before starting threads.
 */
int		 cfg_load(struct err *e);

/* The value of a string setting; never NULL after a successful cfg_load(). */
const char	*cfg_str(enum cfg_key k);

/* The value of an integer setting. */
long		 cfg_int(enum cfg_key k);

/* The environment variable name of a key, for messages. */
const char	*cfg_name(enum cfg_key k);

#endif
