/*
 * bus.h - the ws node's link to Redis pub/sub, on the libuv loop.
 *
 * Two async hiredis contexts: one subscribed (a subscribed connection can
 * do nothing else) and one for commands (PING now; PUBLISH and per-device
 * SUBSCRIBE bookkeeping later). Redis may be down at start or go away at
 * any time: the bus never exits the process, it reconnects both contexts
 * with capped exponential backoff and subscribes again, and reports
 * unhealthy meanwhile. A PING on the command context every timeout_ms
 * catches a Redis that hangs without closing its sockets.
 */
#ifndef PARLEY_WS_BUS_H
#define PARLEY_WS_BUS_H

#include <stddef.h>

#include <uv.h>

#include "err.h"

struct redisAsyncContext;

/* One published message; channel and data live for the call only. */
typedef void	(*bus_message_fn)(void *arg, const char *channel,
		    const char *data, size_t len);

/*
 * What else the bus tells its owner: a SUBSCRIBE or UNSUBSCRIBE of a
 * channel other than the fixed ones was confirmed; the link came up (every
 * earlier subscription is gone: subscribe again) or went down.
 */
struct bus_events {
	void	(*subscribed)(void *arg, const char *channel);
	void	(*unsubscribed)(void *arg, const char *channel);
	void	(*up)(void *arg);
	void	(*down)(void *arg);
};

struct bus {
	uv_loop_t			*loop;
	uv_timer_t			 timer;	/* redial, or PING watchdog */
	struct redisAsyncContext	*sub;
	struct redisAsyncContext	*cmd;
	char				*path;	/* unix socket, or NULL */
	char				*host;	/* TCP host, or NULL */
	int				 port;
	long				 timeout_ms;
	const char			*channel;
	const char			*channel2;
	struct bus_events		 ev;
	unsigned int			 backoff_ms;
	int				 subscribed;
	int				 ping_pending;
	int				 up;	/* subscribed, PING answered */
	int				 warned; /* this outage is logged */
	int				 stopping;
	bus_message_fn			 on_message;
	void				*arg;
};

/*
 * Starts the bus on loop for addr ("unix:/path" or "host:port"), subscribed
 * to channel (not copied: a string constant): the first connection attempt
 * happens at once, later ones on the timer. on_message gets every message.
 * Per-device channels come with message delivery: they will be SUBSCRIBEd
 * on b->sub as sockets open and re-subscribed after every reconnect.
 * Returns 0, or APP_EINVAL (bad addr) / APP_EINTERNAL with e set; Redis
 * being down is not an error.
 */
int	bus_start(struct bus *b, uv_loop_t *loop, const char *addr,
	    long timeout_ms, const char *channel, bus_message_fn on_message,
	    void *arg, struct err *e);

/*
 * Before bus_start() returns its first connection: a second fixed channel
 * (a string constant) and the event callbacks (copied).
 */
void	bus_set_events(struct bus *b, const char *channel2,
	    const struct bus_events *ev);

/*
 * SUBSCRIBE / UNSUBSCRIBE one channel on the subscribed context; the
 * confirmation comes through the events. 0, or -1 while Redis is down
 * (the up event will ask again).
 */
int	bus_subscribe(struct bus *b, const char *channel);
int	bus_unsubscribe(struct bus *b, const char *channel);

/*
 * A command on the command context whose reply nobody waits for (PUBLISH,
 * the presence scripts). argvlen may be NULL. 0, or -1 while Redis is
 * down: presence and takeovers are best effort.
 */
int	bus_command(struct bus *b, int argc, const char **argv,
	    const size_t *argvlen);

/*
 * What bus_command_int() calls back with: ok 1 and the integer reply, or
 * ok 0 (an error reply, or the link went down first). Called exactly once.
 */
typedef void	(*bus_int_fn)(void *arg, int ok, long long value);

/*
 * bus_command() for a command that answers an integer the caller needs.
 * 0 with fn to come, or -1 while Redis is down (fn is then never called).
 */
int	bus_command_int(struct bus *b, int argc, const char **argv,
	    bus_int_fn fn, void *arg);

/* 1 when both contexts are connected and the subscription is live. */
int	bus_up(const struct bus *b);

/*
 * Stops reconnecting, closes the timer and frees both contexts without
 * waiting for replies (a hung Redis must not hold up shutdown). The loop
 * finishes closing the handles; then bus_cleanup() frees the rest.
 */
void	bus_stop(struct bus *b);
void	bus_cleanup(struct bus *b);

#endif
