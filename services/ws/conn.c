/*
 * conn.c - per-socket outgoing queues and the hub that routes Redis
 * messages to them.
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

#include <libwebsockets.h>

#include "log.h"
#include "conn.h"

struct frame {
	unsigned int	 refs;
	size_t		 len;
	unsigned char	 buf[];		/* LWS_PRE headroom, then len bytes */
};

struct qent {
	TAILQ_ENTRY(qent)	 entry;
	struct frame		*frame;
};

static void	conn_drop_queue(struct conn *);
static void	conn_cut(struct conn *);
static void	conn_end(struct conn *, enum conn_state, int, const char *);

void
hub_init(struct hub *h, size_t max_queue)
{
	memset(h, 0, sizeof(*h));
	TAILQ_INIT(&h->conns);
	h->max_queue = max_queue;
}

void
hub_deliver(struct hub *h, const char *channel, const char *data, size_t len)
{
	struct frame	*f;
	struct conn	*c, *next;

	if (strcmp(channel, HUB_CHANNEL_BROADCAST) != 0) {
		log_debug("event=ignored channel=%s", channel);
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

void
hub_going_away(struct hub *h)
{
	struct conn	*c, *next;

	for (c = TAILQ_FIRST(&h->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state == CONN_OPEN)
			conn_end(c, CONN_GOING_AWAY, CONN_CLOSE_GOING_AWAY,
			    "shutdown");
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
conn_open(struct conn *c, struct hub *h, struct lws *wsi, const char *device)
{
	memset(c, 0, sizeof(*c));
	TAILQ_INIT(&c->queue);
	c->hub = h;
	c->wsi = wsi;
	c->id = ++h->next_id;
	c->state = CONN_OPEN;
	if (device != NULL)
		snprintf(c->device, sizeof(c->device), "%s", device);
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->nconns++;
}

void
conn_close(struct conn *c)
{
	if (c->hub == NULL)
		return;
	conn_drop_queue(c);
	TAILQ_REMOVE(&c->hub->conns, c, entry);
	c->hub->nconns--;
	c->hub = NULL;
}

int
conn_push(struct conn *c, struct frame *f)
{
	struct qent	*q;
	size_t		 cost;

	if (c->state != CONN_OPEN)
		return 0;
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
conn_writeable(struct conn *c)
{
	struct qent	*q;
	struct frame	*f;
	int		 n;

	/* A closing conn's close frame is lws's to write. */
	if (c->state != CONN_OPEN || (q = TAILQ_FIRST(&c->queue)) == NULL)
		return 0;
	TAILQ_REMOVE(&c->queue, q, entry);
	f = q->frame;
	c->queued -= sizeof(*q) + f->len;
	free(q);
	/* lws buffers a partial write itself; only a hard error is < len. */
	n = lws_write(c->wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
	frame_release(f);
	if (n < 0)
		return -1;
	if (!TAILQ_EMPTY(&c->queue))
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
	log_warn("event=slow_consumer conn=%llu device=%s queued=%zu cap=%zu",
	    (unsigned long long)c->id, c->device[0] ? c->device : "-",
	    c->queued, c->hub->max_queue);
	conn_end(c, CONN_CUT, CONN_CLOSE_SLOW, "slow consumer");
}

/* Not for use inside an lws callback of c->wsi: lws may free it at once. */
static void
conn_end(struct conn *c, enum conn_state state, int code, const char *why)
{
	unsigned char	reason[32];
	size_t		len;

	c->state = state;
	conn_drop_queue(c);
	len = strlen(why);
	if (len > sizeof(reason))
		len = sizeof(reason);
	memcpy(reason, why, len);
	lws_close_reason(c->wsi, (enum lws_close_status)code, reason, len);
	/* Wake lws so it arms the close timeout now, not at its next event. */
	lws_cancel_service(lws_get_context(c->wsi));
	lws_close_free_wsi(c->wsi, (enum lws_close_status)code, "parley");
}
