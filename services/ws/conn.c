/*
 * conn.c - per-socket outgoing queues, the per-device subscriptions and
 * the hub that routes Redis messages to them.
 *
 * Device channels live in a hash table of struct dsub. A channel is
 * SUBSCRIBEd when its first socket opens and UNSUBSCRIBEd only after it has
 * had no socket for a while (hub_sweep), and never with a SUBSCRIBE and an
 * UNSUBSCRIBE of one channel in flight together: hiredis 0.14 forgets a
 * channel's callback on the UNSUBSCRIBE reply even when a SUBSCRIBE
 * followed, and would then drop its messages silently.
 *
 * lws allows one lws_write() per writeable callback, so frames wait in a
 * per-conn FIFO and go out one per LWS_CALLBACK_SERVER_WRITEABLE. When the
 * peer stops reading, lws keeps the unsent tail of the last frame itself
 * and stops asking for writes; our FIFO then grows until it passes the cap,
 * and the conn is cut: queue dropped and a 1008 close started.
 *
 * Closing with a code (1001 at shutdown, 1008 for a cut) goes through
 * lws_close_free_wsi() with the reason set: lws sends the close frame,
 * waits for the peer's answer, and hangs up after 5 s if the socket never
 * drains. It is the only lws 4.1 call that does this from outside a
 * callback; a -1 from the writeable callback and every lws timeout hang up
 * without a close frame. One limit remains: when lws still holds the tail
 * of a frame (always the case for a cut consumer), it flushes the tail and
 * hangs up without a close frame, so a cut peer sees 1006, not 1008.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "log.h"
#include "conn.h"

#define HUB_BUCKETS	16384	/* power of two */

struct frame {
	unsigned int	 refs;
	size_t		 len;
	unsigned char	 buf[];		/* LWS_PRE headroom, then len bytes */
};

struct qent {
	TAILQ_ENTRY(qent)	 entry;
	struct frame		*frame;
};

enum dsub_state {
	DS_NONE,		/* not subscribed (Redis down) */
	DS_PENDING,		/* SUBSCRIBE sent */
	DS_LIVE,		/* SUBSCRIBE confirmed */
	DS_UNSUB		/* UNSUBSCRIBE sent */
};

struct dsub {
	LIST_ENTRY(dsub)	 bucket;
	TAILQ_HEAD(, conn)	 conns;
	size_t			 nconns;
	enum dsub_state		 state;
	uint64_t		 idle_since;	/* ms; 0 while it has sockets */
	uint64_t		 max_gen;	/* newest generation announced */
	char			 channel[CONN_CHANNEL_MAX];
};

LIST_HEAD(dsub_list, dsub);

static uint64_t		 hub_hash(const char *);
static struct dsub	*hub_dsub(struct hub *, const char *, int);
static void		 hub_dsub_free(struct hub *, struct dsub *);
static void		 hub_to_device(struct hub *, struct dsub *,
			    const char *, size_t);
static void		 hub_takeover(struct hub *, const char *, size_t);
static void		 hub_ready(struct hub *, struct dsub *);
static int		 conn_hello(struct conn *, int);
static void		 conn_drop_queue(struct conn *);
static void		 conn_cut(struct conn *);
static uint64_t		 now_us(void);

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
hub_init(struct hub *h, size_t max_queue, const char *node,
    const struct hub_ops *ops)
{
	struct dsub_list	*b;
	size_t			 i;

	memset(h, 0, sizeof(*h));
	TAILQ_INIT(&h->conns);
	h->max_queue = max_queue;
	h->node = node;
	if (ops != NULL)
		h->ops = *ops;
	h->nbuckets = HUB_BUCKETS;
	if ((b = calloc(h->nbuckets, sizeof(*b))) == NULL)
		abort();
	for (i = 0; i < h->nbuckets; i++)
		LIST_INIT(&b[i]);
	h->buckets = b;
}

void
hub_cleanup(struct hub *h)
{
	struct dsub_list	*b = h->buckets;
	struct dsub		*d;
	size_t			 i;

	for (i = 0; b != NULL && i < h->nbuckets; i++)
		while ((d = LIST_FIRST(&b[i])) != NULL)
			hub_dsub_free(h, d);
	free(b);
	h->buckets = NULL;
}

/* FNV-1a. */
static uint64_t
hub_hash(const char *s)
{
	uint64_t	x = 14695981039346656037ULL;

	while (*s != '\0')
		x = (x ^ (unsigned char)*s++) * 1099511628211ULL;
	return x;
}

static struct dsub *
hub_dsub(struct hub *h, const char *channel, int create)
{
	struct dsub_list	*b;
	struct dsub		*d;

	b = (struct dsub_list *)h->buckets +
	    (hub_hash(channel) & (h->nbuckets - 1));
	LIST_FOREACH(d, b, bucket)
		if (strcmp(d->channel, channel) == 0)
			return d;
	if (!create || strlen(channel) >= CONN_CHANNEL_MAX)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		abort();
	TAILQ_INIT(&d->conns);
	snprintf(d->channel, sizeof(d->channel), "%s", channel);
	LIST_INSERT_HEAD(b, d, bucket);
	h->ndsubs++;
	return d;
}

static void
hub_dsub_free(struct hub *h, struct dsub *d)
{
	LIST_REMOVE(d, bucket);
	h->ndsubs--;
	free(d);
}

void
hub_deliver(struct hub *h, const char *channel, const char *data, size_t len)
{
	struct frame	*f;
	struct conn	*c, *next;
	struct dsub	*d;

	if (strcmp(channel, HUB_CHANNEL_TAKEOVER) == 0) {
		hub_takeover(h, data, len);
		return;
	}
	if (strcmp(channel, HUB_CHANNEL_BROADCAST) != 0) {
		if ((d = hub_dsub(h, channel, 0)) != NULL)
			hub_to_device(h, d, data, len);
		return;
	}
	if ((f = frame_create(data, len)) == NULL) {
		log_error("event=oom bytes=%zu", len);
		return;
	}
	/* A cut may close and unlink c at once: step past it first. */
	for (c = TAILQ_FIRST(&h->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		conn_push(c, f);
	}
	frame_release(f);
}

/*
 * Every event for the device goes out as it came. A logged_out event is
 * the device's last: its sockets close (4401) once it is written.
 */
static void
hub_to_device(struct hub *h, struct dsub *d, const char *data, size_t len)
{
	struct frame	*f;
	struct conn	*c, *next;
	json_t		*o;
	const char	*type;
	int		 logout = 0;

	(void)h;
	if (len < 256 && memmem(data, len, "logged_out", 10) != NULL &&
	    (o = json_loadb(data, len, 0, NULL)) != NULL) {
		type = json_string_value(json_object_get(o, "type"));
		logout = type != NULL && strcmp(type, "logged_out") == 0;
		json_decref(o);
	}
	if ((f = frame_create(data, len)) == NULL) {
		log_error("event=oom bytes=%zu", len);
		return;
	}
	for (c = TAILQ_FIRST(&d->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, dentry);
		if (conn_push(c, f) == 0 && logout)
			c->close_after = CONN_CLOSE_LOGGED_OUT;
	}
	frame_release(f);
}

/*
 * "<channel> <generation> <node> <id>": this node's sockets of the device
 * with an older generation close with 4409. A socket whose own generation
 * is still on its way is judged when it arrives (hub_generation), against
 * the newest generation seen: the announcement of a newer socket and the
 * answer to our own INCR travel on two Redis connections, in either order.
 * A socket that never got a generation (Redis was down) loses to any.
 */
static void
hub_takeover(struct hub *h, const char *data, size_t len)
{
	char			 channel[CONN_CHANNEL_MAX], node[64], buf[256];
	unsigned long long	 gen, id;
	struct dsub		*d;
	struct conn		*c, *next;
	int			 self;

	if (len >= sizeof(buf))
		return;
	memcpy(buf, data, len);
	buf[len] = '\0';
	if (sscanf(buf, "%63s %llu %63s %llu", channel, &gen, node, &id) != 4 ||
	    (d = hub_dsub(h, channel, 0)) == NULL)
		return;
	if (gen > d->max_gen)
		d->max_gen = gen;
	for (c = TAILQ_FIRST(&d->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, dentry);
		self = strcmp(h->node, node) == 0 && c->id == id;
		if (c->state != CONN_OPEN || self || c->gen_pending)
			continue;
		if (c->gen < gen)
			conn_kick(c, CONN_CLOSE_REPLACED, "replaced");
	}
}

void
hub_generation(struct hub *h, const char *channel, uint64_t conn_id,
    uint64_t gen)
{
	struct dsub	*d;
	struct conn	*c;

	if ((d = hub_dsub(h, channel, 0)) == NULL)
		return;
	TAILQ_FOREACH(c, &d->conns, dentry)
		if (c->id == conn_id)
			break;
	/* Closed meanwhile: nothing to decide. */
	if (c == NULL)
		return;
	c->gen = gen;
	c->gen_pending = 0;
	if (c->state == CONN_OPEN && gen < d->max_gen)
		conn_kick(c, CONN_CLOSE_REPLACED, "replaced");
}

void
hub_subscribed(struct hub *h, const char *channel)
{
	struct dsub	*d;

	if ((d = hub_dsub(h, channel, 0)) == NULL || d->state != DS_PENDING)
		return;
	d->state = DS_LIVE;
	hub_ready(h, d);
}

/* The channel is live: hellos and resyncs owed to its sockets go out. */
static void
hub_ready(struct hub *h, struct dsub *d)
{
	struct conn	*c, *next;

	(void)h;
	for (c = TAILQ_FIRST(&d->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, dentry);
		if (!c->hello)
			conn_hello(c, 1);
		else if (c->resync) {
			c->resync = 0;
			conn_push_text(c, "{\"type\":\"resync\"}", 17);
		}
	}
}

void
hub_unsubscribed(struct hub *h, const char *channel)
{
	struct dsub	*d;

	if ((d = hub_dsub(h, channel, 0)) == NULL || d->state != DS_UNSUB)
		return;
	if (d->nconns == 0) {
		hub_dsub_free(h, d);
		return;
	}
	/* A socket came back while the UNSUBSCRIBE was in flight. */
	d->state = DS_PENDING;
	h->ops.subscribe(h->ops.arg, d->channel);
}

void
hub_bus_lost(struct hub *h)
{
	struct dsub_list	*b = h->buckets;
	struct dsub		*d, *next;
	struct conn		*c;
	size_t			 i;

	for (i = 0; i < h->nbuckets; i++) {
		for (d = LIST_FIRST(&b[i]); d != NULL; d = next) {
			next = LIST_NEXT(d, bucket);
			if (d->nconns == 0) {
				hub_dsub_free(h, d);
				continue;
			}
			d->state = DS_NONE;
			TAILQ_FOREACH(c, &d->conns, dentry)
				c->resync = 1;
		}
	}
}

void
hub_bus_up(struct hub *h)
{
	struct dsub_list	*b = h->buckets;
	struct dsub		*d;
	size_t			 i;

	for (i = 0; i < h->nbuckets; i++)
		LIST_FOREACH(d, &b[i], bucket)
			if (d->state == DS_NONE) {
				d->state = DS_PENDING;
				h->ops.subscribe(h->ops.arg, d->channel);
			}
}

void
hub_sweep(struct hub *h, uint64_t now_ms, uint64_t idle_ms)
{
	struct dsub_list	*b = h->buckets;
	struct dsub		*d, *next;
	size_t			 i;

	for (i = 0; i < h->nbuckets; i++) {
		for (d = LIST_FIRST(&b[i]); d != NULL; d = next) {
			next = LIST_NEXT(d, bucket);
			if (d->nconns > 0 || d->idle_since > now_ms ||
			    now_ms - d->idle_since < idle_ms)
				continue;
			if (d->state == DS_LIVE) {
				d->state = DS_UNSUB;
				h->ops.unsubscribe(h->ops.arg, d->channel);
			} else if (d->state == DS_NONE)
				hub_dsub_free(h, d);
		}
	}
}

void
hub_going_away(struct hub *h)
{
	struct conn	*c, *next;

	for (c = TAILQ_FIRST(&h->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state == CONN_OPEN)
			conn_kick(c, CONN_CLOSE_GOING_AWAY, "shutdown");
	}
}

struct frame *
frame_create(const char *data, size_t len)
{
	struct frame	*f;

	if ((f = malloc(sizeof(*f) + LWS_PRE + len)) == NULL)
		return NULL;
	f->refs = 1;
	f->len = len;
	memcpy(f->buf + LWS_PRE, data, len);
	return f;
}

void
frame_release(struct frame *f)
{
	if (f != NULL && --f->refs == 0)
		free(f);
}

void
conn_open(struct conn *c, struct hub *h, struct lws *wsi, const char *user,
    int device, int bus_up)
{
	char		 channel[CONN_CHANNEL_MAX];
	struct conn	*o, *next;
	struct dsub	*d;

	memset(c, 0, sizeof(*c));
	TAILQ_INIT(&c->queue);
	c->hub = h;
	c->wsi = wsi;
	c->id = ++h->next_id;
	c->state = CONN_OPEN;
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->nconns++;
	if (user == NULL) {
		conn_hello(c, 1);
		return;
	}
	snprintf(c->user, sizeof(c->user), "%s", user);
	c->device_id = device;
	snprintf(channel, sizeof(channel), "parley:dev:%s:%d", user, device);
	c->dsub = d = hub_dsub(h, channel, 1);
	/* One live socket per device: the older ones here go now. */
	for (o = TAILQ_FIRST(&d->conns); o != NULL; o = next) {
		next = TAILQ_NEXT(o, dentry);
		if (o->state == CONN_OPEN)
			conn_kick(o, CONN_CLOSE_REPLACED, "replaced");
	}
	TAILQ_INSERT_TAIL(&d->conns, c, dentry);
	d->nconns++;
	d->idle_since = 0;
	if (d->state == DS_LIVE)
		conn_hello(c, 1);
	else if (!bus_up) {
		/* No push until Redis is back: say so, resync later. */
		conn_hello(c, 0);
		c->resync = 1;
	} else if (d->state == DS_NONE) {
		d->state = DS_PENDING;
		h->ops.subscribe(h->ops.arg, d->channel);
	}
}

void
conn_close(struct conn *c)
{
	struct dsub	*d = c->dsub;

	if (c->hub == NULL)
		return;
	conn_drop_queue(c);
	if (d != NULL) {
		TAILQ_REMOVE(&d->conns, c, dentry);
		if (--d->nconns == 0) {
			struct timespec	ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			d->idle_since = (uint64_t)ts.tv_sec * 1000 +
			    (uint64_t)ts.tv_nsec / 1000000;
		}
		c->dsub = NULL;
	}
	TAILQ_REMOVE(&c->hub->conns, c, entry);
	c->hub->nconns--;
	c->hub = NULL;
}

const char *
conn_channel(const struct conn *c)
{
	return c->dsub != NULL ? c->dsub->channel : NULL;
}

static int
conn_hello(struct conn *c, int push)
{
	char	buf[256];
	int	n;

	c->hello = 1;
	n = snprintf(buf, sizeof(buf), "{\"type\":\"hello\",\"node\":\"%s\","
	    "\"ts\":%llu,\"push\":%s}", c->hub->node,
	    (unsigned long long)(now_us() / 1000), push ? "true" : "false");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return conn_push_text(c, buf, (size_t)n);
}

int
conn_push(struct conn *c, struct frame *f)
{
	struct qent	*q;
	size_t		 cost;

	if (c->state != CONN_OPEN || c->close_after != 0)
		return c->state == CONN_OPEN ? 0 : -1;
	cost = sizeof(*q) + f->len;
	if (c->queued + cost > c->hub->max_queue ||
	    (q = malloc(sizeof(*q))) == NULL) {
		conn_cut(c);
		return -1;
	}
	f->refs++;
	q->frame = f;
	TAILQ_INSERT_TAIL(&c->queue, q, entry);
	c->queued += cost;
	lws_callback_on_writable(c->wsi);
	return 0;
}

int
conn_push_text(struct conn *c, const char *text, size_t len)
{
	struct frame	*f;
	int		 rc;

	if ((f = frame_create(text, len)) == NULL)
		return -1;
	rc = conn_push(c, f);
	frame_release(f);
	return rc;
}

int
conn_writeable(struct conn *c)
{
	struct qent	*q;
	struct frame	*f;
	int		 n;

	/* A closing conn's close frame is lws's to write. */
	if (c->state != CONN_OPEN)
		return 0;
	if ((q = TAILQ_FIRST(&c->queue)) == NULL) {
		if (c->close_after == 0)
			return 0;
		/* Its last frame is out: close, with the code if lws can. */
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_after,
		    (unsigned char *)"logged out", 10);
		return -1;
	}
	TAILQ_REMOVE(&c->queue, q, entry);
	f = q->frame;
	c->queued -= sizeof(*q) + f->len;
	free(q);
	/* lws buffers a partial write itself; only a hard error is < len. */
	n = lws_write(c->wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
	frame_release(f);
	if (n < 0)
		return -1;
	if (!TAILQ_EMPTY(&c->queue) || c->close_after != 0)
		lws_callback_on_writable(c->wsi);
	return 0;
}

static void
conn_drop_queue(struct conn *c)
{
	struct qent	*q;

	while ((q = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, q, entry);
		frame_release(q->frame);
		free(q);
	}
	c->queued = 0;
}

static void
conn_cut(struct conn *c)
{
	log_warn("event=slow_consumer conn=%llu user=%s device=%d queued=%zu "
	    "cap=%zu", (unsigned long long)c->id, c->user[0] ? c->user : "-",
	    c->device_id, c->queued, c->hub->max_queue);
	c->state = CONN_CUT;
	conn_kick(c, CONN_CLOSE_SLOW, "slow consumer");
}

void
conn_kick(struct conn *c, int code, const char *why)
{
	unsigned char	reason[32];
	size_t		len;

	if (c->state == CONN_OPEN)
		c->state = CONN_ENDING;
	conn_drop_queue(c);
	len = strlen(why);
	if (len > sizeof(reason))
		len = sizeof(reason);
	memcpy(reason, why, len);
	log_info("event=kick conn=%llu code=%d", (unsigned long long)c->id,
	    code);
	lws_close_reason(c->wsi, (enum lws_close_status)code, reason, len);
	/* Wake lws so it arms the close timeout now, not at its next event. */
	lws_cancel_service(lws_get_context(c->wsi));
	lws_close_free_wsi(c->wsi, (enum lws_close_status)code, "parley");
}
