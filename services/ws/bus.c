/*
 * bus.c - Redis pub/sub for the ws node: two async hiredis contexts on the
 * libuv loop, reconnected together.
 *
 * The two contexts live and die as a pair: when either is lost (connect
 * refused, EOF, error, or the PING watchdog firing) the other is freed too
 * and one timer redials both after a backoff of 100 ms doubling to 5 s. The
 * bus counts as up only once the SUBSCRIBE is confirmed and a PING has been
 * answered, so health never reports a half-open link. hiredis frees a
 * context itself after its connect-failure or disconnect callback; those
 * callbacks only forget the pointer, and a context is never freed from
 * inside one of its own callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libuv.h>

#include "log.h"
#include "bus.h"

#define BUS_BACKOFF_MIN_MS	100
#define BUS_BACKOFF_MAX_MS	5000

static int	bus_parse_addr(struct bus *, const char *, struct err *);
static void	bus_tick(uv_timer_t *);
static void	bus_dial_both(struct bus *);
static redisAsyncContext *bus_dial(struct bus *);
static void	bus_drop(struct bus *, const char *);
static void	bus_lost(const redisAsyncContext *, const char *);
static void	bus_check_up(struct bus *);
static void	bus_on_connect(const redisAsyncContext *, int);
static void	bus_on_disconnect(const redisAsyncContext *, int);
static void	bus_on_sub(redisAsyncContext *, void *, void *);
static void	bus_on_pong(redisAsyncContext *, void *, void *);

int
bus_start(struct bus *b, uv_loop_t *loop, const char *addr, long timeout_ms,
    const char *channel, bus_message_fn on_message, void *arg, struct err *e)
{
	struct bus_events	ev = b->ev;
	const char		*ch2 = b->channel2;
	int			rc;

	memset(b, 0, sizeof(*b));
	b->ev = ev;
	b->loop = loop;
	b->timeout_ms = timeout_ms;
	b->backoff_ms = BUS_BACKOFF_MIN_MS;
	b->channel = channel;
	b->on_message = on_message;
	b->arg = arg;
	b->channel2 = ch2 != NULL ? ch2 : channel;
	if ((rc = bus_parse_addr(b, addr, e)) != 0)
		goto out;
	if (uv_timer_init(loop, &b->timer) != 0) {
		rc = err_set(e, APP_EINTERNAL, "internal", "uv_timer_init");
		goto out;
	}
	b->timer.data = b;
	bus_dial_both(b);
out:
	return rc;
}

void
bus_set_events(struct bus *b, const char *channel2,
    const struct bus_events *ev)
{
	memset(b, 0, sizeof(*b));
	b->channel2 = channel2;
	b->ev = *ev;
}

int
bus_subscribe(struct bus *b, const char *channel)
{
	if (b->sub == NULL || !b->subscribed)
		return -1;
	return redisAsyncCommand(b->sub, bus_on_sub, b, "SUBSCRIBE %s",
	    channel) == REDIS_OK ? 0 : -1;
}

int
bus_unsubscribe(struct bus *b, const char *channel)
{
	if (b->sub == NULL || !b->subscribed)
		return -1;
	return redisAsyncCommand(b->sub, bus_on_sub, b, "UNSUBSCRIBE %s",
	    channel) == REDIS_OK ? 0 : -1;
}

int
bus_command(struct bus *b, int argc, const char **argv, const size_t *argvlen)
{
	if (b->cmd == NULL || !b->up)
		return -1;
	return redisAsyncCommandArgv(b->cmd, NULL, NULL, argc, argv,
	    argvlen) == REDIS_OK ? 0 : -1;
}

/* A pending bus_command_int(): whom to tell. */
struct bus_call {
	bus_int_fn	 fn;
	void		*arg;
};

/* hiredis calls this once per command, with NULL if the context went. */
static void
bus_on_int(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct bus_call	*call = privdata;
	redisReply	*r = reply;

	(void)ac;
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		call->fn(call->arg, 1, r->integer);
	else
		call->fn(call->arg, 0, 0);
	free(call);
}

int
bus_command_int(struct bus *b, int argc, const char **argv, bus_int_fn fn,
    void *arg)
{
	struct bus_call	*call;

	if (b->cmd == NULL || !b->up || (call = malloc(sizeof(*call))) == NULL)
		return -1;
	call->fn = fn;
	call->arg = arg;
	if (redisAsyncCommandArgv(b->cmd, bus_on_int, call, argc, argv,
	    NULL) != REDIS_OK) {
		free(call);
		return -1;
	}
	return 0;
}

int
bus_up(const struct bus *b)
{
	return b->up;
}

void
bus_stop(struct bus *b)
{
	redisAsyncContext	*sub = b->sub, *cmd = b->cmd;

	b->stopping = 1;
	b->sub = b->cmd = NULL;
	b->up = 0;
	uv_close((uv_handle_t *)&b->timer, NULL);
	if (sub != NULL)
		redisAsyncFree(sub);
	if (cmd != NULL)
		redisAsyncFree(cmd);
}

void
bus_cleanup(struct bus *b)
{
	free(b->path);
	free(b->host);
	b->path = b->host = NULL;
}

static int
bus_parse_addr(struct bus *b, const char *addr, struct err *e)
{
	const char	*colon;
	char		*end;
	long		 port;

	if (strncmp(addr, "unix:", 5) == 0 && addr[5] != '\0') {
		if ((b->path = strdup(addr + 5)) == NULL)
			return err_set(e, APP_EINTERNAL, "internal", "oom");
		return 0;
	}
	if ((colon = strrchr(addr, ':')) == NULL || colon == addr)
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
		goto bad;
	if ((b->host = strndup(addr, (size_t)(colon - addr))) == NULL)
		return err_set(e, APP_EINTERNAL, "internal", "oom");
	b->port = (int)port;
	return 0;
bad:
	return err_set(e, APP_EINVAL, "invalid_config",
	    "PARLEY_REDIS must be unix:/path or host:port");
}

/*
 * One timer, two jobs: with no contexts it redials (the backoff has
 * elapsed); with contexts it is the watchdog: the subscription or the last
 * PING still unanswered after timeout_ms means the link is dead.
 */
static void
bus_tick(uv_timer_t *t)
{
	struct bus	*b = t->data;

	if (b->sub == NULL && b->cmd == NULL) {
		bus_dial_both(b);
		return;
	}
	if (!b->subscribed || b->ping_pending) {
		bus_drop(b, "timeout");
		return;
	}
	if (redisAsyncCommand(b->cmd, bus_on_pong, b, "PING") != REDIS_OK) {
		bus_drop(b, "ping failed");
		return;
	}
	b->ping_pending = 1;
	uv_timer_start(&b->timer, bus_tick, (uint64_t)b->timeout_ms, 0);
}

static void
bus_dial_both(struct bus *b)
{
	if ((b->sub = bus_dial(b)) == NULL || (b->cmd = bus_dial(b)) == NULL) {
		bus_drop(b, "connect failed");
		return;
	}
	b->subscribed = 0;
	b->ping_pending = 1;
	if (redisAsyncCommand(b->sub, bus_on_sub, b, "SUBSCRIBE %s %s",
	    b->channel, b->channel2) != REDIS_OK ||
	    redisAsyncCommand(b->cmd, bus_on_pong, b, "PING") != REDIS_OK) {
		bus_drop(b, "command failed");
		return;
	}
	uv_timer_start(&b->timer, bus_tick, (uint64_t)b->timeout_ms, 0);
}

static redisAsyncContext *
bus_dial(struct bus *b)
{
	redisAsyncContext	*ac;

	if (b->path != NULL)
		ac = redisAsyncConnectUnix(b->path);
	else
		ac = redisAsyncConnect(b->host, b->port);
	if (ac == NULL)
		return NULL;
	if (ac->err != 0) {
		log_debug("event=redis_dial err=\"%s\"", ac->errstr);
		redisAsyncFree(ac);
		return NULL;
	}
	ac->data = b;
	if (redisLibuvAttach(ac, b->loop) != REDIS_OK) {
		redisAsyncFree(ac);
		return NULL;
	}
	redisAsyncSetConnectCallback(ac, bus_on_connect);
	redisAsyncSetDisconnectCallback(ac, bus_on_disconnect);
	return ac;
}

/* Frees whatever contexts remain and schedules the next dial. */
static void
bus_drop(struct bus *b, const char *why)
{
	redisAsyncContext	*sub = b->sub, *cmd = b->cmd;

	b->sub = b->cmd = NULL;
	if (sub != NULL)
		redisAsyncFree(sub);
	if (cmd != NULL)
		redisAsyncFree(cmd);
	if ((b->up || b->subscribed) && b->ev.down != NULL)
		b->ev.down(b->arg);
	/* Warn once per outage (including one that starts with us). */
	if (b->up || !b->warned)
		log_warn("event=redis_down reason=\"%s\"", why);
	else
		log_debug("event=redis_retry reason=\"%s\" in_ms=%u", why,
		    b->backoff_ms);
	b->warned = 1;
	b->up = b->subscribed = b->ping_pending = 0;
	uv_timer_start(&b->timer, bus_tick, b->backoff_ms, 0);
	b->backoff_ms *= 2;
	if (b->backoff_ms > BUS_BACKOFF_MAX_MS)
		b->backoff_ms = BUS_BACKOFF_MAX_MS;
}

/* hiredis is about to free ac: forget it, and drop its partner. */
static void
bus_lost(const redisAsyncContext *ac, const char *why)
{
	struct bus	*b = ac->data;

	if (ac == b->sub)
		b->sub = NULL;
	else if (ac == b->cmd)
		b->cmd = NULL;
	else
		return;		/* freed by us: already forgotten */
	if (!b->stopping)
		bus_drop(b, why);
}

static void
bus_check_up(struct bus *b)
{
	if (b->up || !b->subscribed || b->ping_pending)
		return;
	b->up = 1;
	b->warned = 0;
	b->backoff_ms = BUS_BACKOFF_MIN_MS;
	log_info("event=redis_up channel=%s", b->channel);
	if (b->ev.up != NULL)
		b->ev.up(b->arg);
}

static void
bus_on_connect(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK)
		bus_lost(ac, ac->errstr);
}

static void
bus_on_disconnect(const redisAsyncContext *ac, int status)
{
	bus_lost(ac, status == REDIS_OK ? "closed" : ac->errstr);
}

static void
bus_on_sub(redisAsyncContext *ac, void *r, void *privdata)
{
	struct bus	*b = privdata;
	redisReply	*reply = r, **el;

	(void)ac;
	/* NULL: the context is being freed. */
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 3)
		return;
	el = reply->element;
	if (el[0]->type != REDIS_REPLY_STRING ||
	    el[1]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(el[0]->str, "subscribe") == 0) {
		if (strcmp(el[1]->str, b->channel) == 0 ||
		    strcmp(el[1]->str, b->channel2) == 0) {
			b->subscribed = 1;
			bus_check_up(b);
		} else if (b->ev.subscribed != NULL)
			b->ev.subscribed(b->arg, el[1]->str);
	} else if (strcmp(el[0]->str, "unsubscribe") == 0) {
		if (b->ev.unsubscribed != NULL)
			b->ev.unsubscribed(b->arg, el[1]->str);
	} else if (strcmp(el[0]->str, "message") == 0 &&
	    el[2]->type == REDIS_REPLY_STRING)
		b->on_message(b->arg, el[1]->str, el[2]->str, el[2]->len);
}

static void
bus_on_pong(redisAsyncContext *ac, void *r, void *privdata)
{
	struct bus	*b = privdata;
	redisReply	*reply = r;

	(void)ac;
	if (reply == NULL || reply->type != REDIS_REPLY_STATUS)
		return;
	b->ping_pending = 0;
	bus_check_up(b);
}
