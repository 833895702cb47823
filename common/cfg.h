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
	CFG_DB_QUERY_TIMEOUT_MS, /* PARLEY_DB_QUERY_TIMEOUT_MS: client deadline per statement */
	CFG_REDIS,		/* PARLEY_REDIS: "unix:/path/redis.sock" or "host:port" */
	CFG_SOCKET,		/* PARLEY_SOCKET: FastCGI unix socket path */
	CFG_SOCKET_MODE,	/* PARLEY_SOCKET_MODE: its octal mode, 0600..0666 */
	CFG_SOCKET_GROUP,	/* PARLEY_SOCKET_GROUP: its group name; "": leave it */
	CFG_THREADS,		/* PARLEY_THREADS: FastCGI worker threads */
	CFG_MAX_BODY,		/* PARLEY_MAX_BODY: request body limit, bytes */
	CFG_LOG_LEVEL,		/* PARLEY_LOG_LEVEL: debug|info|warn|error */
	CFG_ORIGIN,		/* PARLEY_ORIGIN: the app's origin, for Origin checks */
	CFG_WS_HOST,		/* PARLEY_WS_HOST: ws service bind address */
	CFG_WS_PORT,		/* PARLEY_WS_PORT: ws service port */
	CFG_WS_NODE,		/* PARLEY_WS_NODE: ws node name (several nodes may run) */
	CFG_WS_MAX_QUEUE,	/* PARLEY_WS_MAX_QUEUE: per-connection outgoing byte cap */
	CFG_REDIS_TIMEOUT_MS,	/* PARLEY_REDIS_TIMEOUT_MS: connect and command timeout */
	CFG_VAR,		/* PARLEY_VAR: the runtime directory */
	/* Accounts (services/auth, common/auth). */
	CFG_SMS_SENDER,		/* PARLEY_SMS_SENDER: log|http */
	CFG_SMS_URL,		/* PARLEY_SMS_URL: the http sender's gateway URL */
	CFG_SMS_TOKEN,		/* PARLEY_SMS_TOKEN: its bearer token */
	CFG_SMS_TIMEOUT,	/* PARLEY_SMS_TIMEOUT: gateway timeout, seconds */
	CFG_SMS_OUTBOX,		/* PARLEY_SMS_OUTBOX: the log sender's file; "": $PARLEY_VAR/sms/outbox */
	CFG_OTP_TTL,		/* PARLEY_OTP_TTL: code lifetime, seconds */
	CFG_OTP_ATTEMPTS,	/* PARLEY_OTP_ATTEMPTS: wrong codes before a code dies */
	CFG_OTP_RESEND,		/* PARLEY_OTP_RESEND: seconds between codes to one phone */
	CFG_OTP_HOURLY,		/* PARLEY_OTP_HOURLY: codes per phone per hour */
	CFG_RATE_OTP_IP_MAX,	/* PARLEY_RATE_OTP_IP_MAX: codes per client address per window */
	CFG_RATE_OTP_IP_WINDOW,	/* PARLEY_RATE_OTP_IP_WINDOW: that window, seconds */
	CFG_RATE_KEYS_MAX,	/* PARLEY_RATE_KEYS_MAX: key bundle fetches per requester per window */
	CFG_RATE_KEYS_WINDOW,	/* PARLEY_RATE_KEYS_WINDOW: that window, seconds */
	CFG_PIN_OPSLIMIT,	/* PARLEY_PIN_OPSLIMIT: Argon2id passes */
	CFG_PIN_MEMLIMIT,	/* PARLEY_PIN_MEMLIMIT: Argon2id memory, bytes */
	CFG_PIN_FREE_ATTEMPTS,	/* PARLEY_PIN_FREE_ATTEMPTS: wrong PINs before delays start */
	CFG_PIN_DELAY,		/* PARLEY_PIN_DELAY: first delay, seconds; doubles per failure */
	CFG_SESSION_CACHE_TTL,	/* PARLEY_SESSION_CACHE_TTL: Redis session cache, seconds */
	CFG_DEVICE_MAX,		/* PARLEY_DEVICE_MAX: devices per account */
	CFG_KEYS_MAX_STORED,	/* PARLEY_KEYS_MAX_STORED: one-time prekeys kept per device */
	/* Contacts (services/contacts). */
	CFG_RATE_DISCOVER_DAILY, /* PARLEY_RATE_DISCOVER_DAILY: numbers looked up per user per day */
	/* Calls (services/calls). */
	CFG_TURN_SECRET,	/* PARLEY_TURN_SECRET: coturn's use-auth-secret; "": no TURN */
	CFG_TURN_URLS,		/* PARLEY_TURN_URLS: comma-separated stun:/turn: URLs */
	CFG_TURN_TTL,		/* PARLEY_TURN_TTL: TURN credential lifetime, seconds (<= 24 h) */
	CFG_CALL_RING_TIMEOUT,	/* PARLEY_CALL_RING_TIMEOUT: unanswered calls end as missed, seconds */
	CFG_CALLS_KEEP_DAYS,	/* PARLEY_CALLS_KEEP_DAYS: ended calls no log entry shows are pruned after */
	/* Messages (services/messages). */
	CFG_RATE_SEND_MAX,	/* PARLEY_RATE_SEND_MAX: sends per sending device per window */
	CFG_RATE_SEND_WINDOW,	/* PARLEY_RATE_SEND_WINDOW: that window, seconds */
	CFG_RATE_CHATS_MAX,	/* PARLEY_RATE_CHATS_MAX: POST /chats per user per window */
	CFG_RATE_CHATS_WINDOW,	/* PARLEY_RATE_CHATS_WINDOW: that window, seconds */
	CFG_QUEUE_MAX_BYTES,	/* PARLEY_QUEUE_MAX_BYTES: ciphertext bytes queued per device */
	CFG_QUEUE_MAX_ENVELOPES, /* PARLEY_QUEUE_MAX_ENVELOPES: envelopes queued per device */
	CFG_ENVELOPE_TTL_DAYS,	/* PARLEY_ENVELOPE_TTL_DAYS: unacknowledged envelopes expire after */
	CFG_SENDS_KEEP_DAYS,	/* PARLEY_SENDS_KEEP_DAYS: idempotency records kept */
	CFG_SWEEP_INTERVAL,	/* PARLEY_SWEEP_INTERVAL: seconds between retention sweeps */
	/* WebSocket nodes (services/ws). */
	CFG_WS_SECRET,		/* PARLEY_WS_SECRET: nginx's proof on upgrades; the ws node requires it */
	CFG_WS_NODE_TTL_MS,	/* PARLEY_WS_NODE_TTL_MS: a silent node's sockets count as offline after */
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
