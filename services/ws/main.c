/*
 * main.c - the ws node: the WebSocket push service of Parley.
 *
 * One thread, one libuv loop carrying libwebsockets (the listener and every
 * socket), the two hiredis contexts of the Redis bus, and the signal
 * watchers. The node holds sockets and nothing else: Redis messages become
 * frames (rule 1), and it never touches Postgres. SIGTERM or SIGINT drains:
 * new upgrades get 503, open sockets get close 1001, and once they are gone
 * (or after SHUTDOWN_GRACE_MS) every handle is closed, so uv_run() returns
 * and the process exits 0 well within a second.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <uv.h>

#include "cfg.h"
#include "err.h"
#include "log.h"
#include "bus.h"
#include "conn.h"
#include "presence.h"
#include "server.h"

#define WS_SECRET_MIN		32	/* characters of PARLEY_WS_SECRET */
#define SHUTDOWN_GRACE_MS	500
#define SHUTDOWN_POLL_MS	10
#define TICK_MS			1000	/* the housekeeping timer */
#define SWEEP_MS		10000	/* device channels without a socket */
#define SWEEP_IDLE_MS		30000	/* ... are unsubscribed after this */

struct app {
	uv_loop_t	 loop;
	uv_signal_t	 sigterm;
	uv_signal_t	 sigint;
	uv_timer_t	 drain;
	uv_timer_t	 tick;		/* sweep, heartbeat, presence refresh */
	uint64_t	 last_sweep;
	uint64_t	 last_beat;
	uint64_t	 last_refresh;
	uint64_t	 drain_deadline;
	struct hub	 hub;
	struct bus	 bus;
	struct server	 srv;
	int		 signals;	/* signal watchers initialised */
	int		 bus_started;
	int		 draining;
};

static int	app_start(struct app *, struct err *);
static void	app_on_signal(uv_signal_t *, int);
static void	app_on_drain(uv_timer_t *);
static void	app_close(struct app *);
static void	app_on_message(void *, const char *, const char *, size_t);
static void	app_on_tick(uv_timer_t *);
static void	app_subscribe(void *, const char *);
static void	app_unsubscribe(void *, const char *);
static void	app_subscribed(void *, const char *);
static void	app_unsubscribed(void *, const char *);
static void	app_bus_up(void *);
static void	app_bus_down(void *);

int
main(void)
{
	struct app	app;
	struct err	e;
	int		rc = 1;

	err_clear(&e);
	memset(&app, 0, sizeof(app));
	/* A Redis or peer socket closing under a write must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (cfg_load(&e) != 0) {
		fprintf(stderr, "ws: %s\n", e.msg);
		return 1;
	}
	log_init("ws", cfg_str(CFG_LOG_LEVEL));
	/* Without the secret no upgrade could be told from a forged one. */
	if (strlen(cfg_str(CFG_WS_SECRET)) < WS_SECRET_MIN) {
		log_error("event=start_failed reason=\"%s must be set, at "
		    "least %d characters\"", cfg_name(CFG_WS_SECRET),
		    WS_SECRET_MIN);
		return 1;
	}
	if (sodium_init() < 0) {
		log_error("event=start_failed reason=sodium_init");
		return 1;
	}
	if (uv_loop_init(&app.loop) != 0) {
		log_error("event=start_failed reason=uv_loop_init");
		return 1;
	}
	if (app_start(&app, &e) != 0) {
		log_error("event=start_failed reason=\"%s\"", e.msg);
		app_close(&app);
		goto out;
	}
	log_info("event=start node=%s listen=%s:%ld max_queue=%ld",
	    cfg_str(CFG_WS_NODE), cfg_str(CFG_WS_HOST), cfg_int(CFG_WS_PORT),
	    cfg_int(CFG_WS_MAX_QUEUE));
	rc = 0;
out:
	/* Runs the node; returns once app_close() has closed every handle. */
	uv_run(&app.loop, UV_RUN_DEFAULT);
	/*
	 * On a foreign loop lws 4.1 frees its context only when destroyed a
	 * second time, after the loop has closed its handles (as in lws's own
	 * foreign-loop example).
	 */
	server_stop(&app.srv);
	uv_run(&app.loop, UV_RUN_DEFAULT);
	bus_cleanup(&app.bus);
	hub_cleanup(&app.hub);
	if (uv_loop_close(&app.loop) != 0) {
		log_error("event=exit reason=\"handles still open\"");
		rc = 1;
	}
	if (rc == 0)
		log_info("event=exit");
	return rc;
}

static int
app_start(struct app *a, struct err *e)
{
	const struct hub_ops	 ops = { app_subscribe, app_unsubscribe, a };
	const struct bus_events	 ev = { app_subscribed, app_unsubscribed,
				    app_bus_up, app_bus_down };
	int			 rc;

	hub_init(&a->hub, (size_t)cfg_int(CFG_WS_MAX_QUEUE),
	    cfg_str(CFG_WS_NODE), &ops);
	if (uv_signal_init(&a->loop, &a->sigterm) != 0 ||
	    uv_signal_init(&a->loop, &a->sigint) != 0 ||
	    uv_timer_init(&a->loop, &a->drain) != 0 ||
	    uv_timer_init(&a->loop, &a->tick) != 0)
		return err_set(e, APP_EINTERNAL, "internal", "uv init");
	a->signals = 1;
	a->sigterm.data = a->sigint.data = a->drain.data = a->tick.data = a;
	presence_init(cfg_str(CFG_WS_NODE));
	uv_timer_start(&a->tick, app_on_tick, TICK_MS, TICK_MS);
	bus_set_events(&a->bus, HUB_CHANNEL_TAKEOVER, &ev);
	if (uv_signal_start(&a->sigterm, app_on_signal, SIGTERM) != 0 ||
	    uv_signal_start(&a->sigint, app_on_signal, SIGINT) != 0)
		return err_set(e, APP_EINTERNAL, "internal", "uv_signal_start");
	rc = bus_start(&a->bus, &a->loop, cfg_str(CFG_REDIS),
	    cfg_int(CFG_REDIS_TIMEOUT_MS), HUB_CHANNEL_BROADCAST,
	    app_on_message, a, e);
	if (rc != 0)
		return rc;
	a->bus_started = 1;
	return server_start(&a->srv, &a->loop, &a->hub, &a->bus,
	    cfg_str(CFG_WS_NODE), cfg_str(CFG_WS_SECRET), cfg_str(CFG_WS_HOST),
	    (int)cfg_int(CFG_WS_PORT), e);
}

static void
app_on_signal(uv_signal_t *h, int signum)
{
	struct app	*a = h->data;

	if (a->draining)
		return;
	a->draining = 1;
	log_info("event=shutdown signal=%d conns=%zu", signum, a->hub.nconns);
	server_drain(&a->srv);
	a->drain_deadline = uv_now(&a->loop) + SHUTDOWN_GRACE_MS;
	uv_timer_start(&a->drain, app_on_drain, SHUTDOWN_POLL_MS,
	    SHUTDOWN_POLL_MS);
}

/* Waits for the 1001 closes to complete, then lets go of everything. */
static void
app_on_drain(uv_timer_t *t)
{
	struct app	*a = t->data;

	if (a->hub.nconns > 0 && uv_now(&a->loop) < a->drain_deadline)
		return;
	if (a->hub.nconns > 0)
		log_warn("event=shutdown_forced conns=%zu", a->hub.nconns);
	app_close(a);
}

/*
 * Closes every handle the app owns and starts destroying the lws context,
 * so that uv_run() returns. Safe after a partial app_start().
 */
static void
app_close(struct app *a)
{
	if (a->signals) {
		uv_close((uv_handle_t *)&a->sigterm, NULL);
		uv_close((uv_handle_t *)&a->sigint, NULL);
		uv_close((uv_handle_t *)&a->drain, NULL);
		uv_close((uv_handle_t *)&a->tick, NULL);
		a->signals = 0;
	}
	if (a->bus_started) {
		bus_stop(&a->bus);
		a->bus_started = 0;
	}
	server_stop(&a->srv);
}

static void
app_on_message(void *arg, const char *channel, const char *data, size_t len)
{
	struct app	*a = arg;

	hub_deliver(&a->hub, channel, data, len);
}

static void
app_on_tick(uv_timer_t *t)
{
	struct app	*a = t->data;
	uint64_t	 now = uv_now(&a->loop);

	long		 ttl = cfg_int(CFG_WS_NODE_TTL_MS);

	if (now - a->last_sweep >= SWEEP_MS) {
		a->last_sweep = now;
		hub_sweep(&a->hub, now, SWEEP_IDLE_MS);
	}
	/* Three beats per TTL: one lost beat does not make us look dead. */
	if (now - a->last_beat >= (uint64_t)ttl / 3) {
		a->last_beat = now;
		presence_heartbeat(&a->bus, ttl);
	}
	if (now - a->last_refresh >= PRESENCE_REFRESH_MS) {
		a->last_refresh = now;
		presence_refresh(&a->bus, &a->hub);
	}
}

static void
app_subscribe(void *arg, const char *channel)
{
	struct app	*a = arg;

	bus_subscribe(&a->bus, channel);
}

static void
app_unsubscribe(void *arg, const char *channel)
{
	struct app	*a = arg;

	bus_unsubscribe(&a->bus, channel);
}

static void
app_subscribed(void *arg, const char *channel)
{
	struct app	*a = arg;

	hub_subscribed(&a->hub, channel);
}

static void
app_unsubscribed(void *arg, const char *channel)
{
	struct app	*a = arg;

	hub_unsubscribed(&a->hub, channel);
}

static void
app_bus_up(void *arg)
{
	struct app	*a = arg;

	hub_bus_up(&a->hub);
	presence_heartbeat(&a->bus, cfg_int(CFG_WS_NODE_TTL_MS));
	presence_refresh(&a->bus, &a->hub);
}

static void
app_bus_down(void *arg)
{
	struct app	*a = arg;

	hub_bus_lost(&a->hub);
}
