/*
 * conn.h - the WebSocket connections of one ws node and their bounded
 * outgoing queues.
 *
 * A struct hub is the set of open sockets; a struct conn is one of them. A
 * payload is wrapped once in a reference-counted struct frame and queued to
 * every socket it is for, so a broadcast to N sockets copies it once. Each
 * queue is bounded in bytes: a consumer that falls more than max_queue bytes
 * behind is cut off with close code 1008 (architecture rule 7), never
 * buffered without limit. Everything here runs on the one libuv loop
 * thread; nothing is locked.
 */
#ifndef PARLEY_WS_CONN_H
#define PARLEY_WS_CONN_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

struct lws;
struct frame;
struct qent;

#define CONN_DEVICE_MAX	64	/* device id from the upgrade, NUL included */

/* Close codes this service sends. */
#define CONN_CLOSE_GOING_AWAY	1001	/* node shutting down */
#define CONN_CLOSE_SLOW		1008	/* outgoing queue over its cap */

enum conn_state {
	CONN_OPEN,
	CONN_CUT,		/* over the cap: closing with 1008 */
	CONN_GOING_AWAY		/* shutdown: closing with 1001 */
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	TAILQ_HEAD(, qent)	 queue;
	struct hub		*hub;
	struct lws		*wsi;
	uint64_t		 id;		/* for logs only */
	size_t			 queued;	/* bytes charged to the cap */
	enum conn_state		 state;
	char			 device[CONN_DEVICE_MAX]; /* "" = anonymous */
};

struct hub {
	TAILQ_HEAD(, conn)	 conns;
	size_t			 nconns;
	size_t			 max_queue;
	uint64_t		 next_id;
};

/* Channel whose messages go to every socket of every node. */
#define HUB_CHANNEL_BROADCAST	"parley:ws:broadcast"

/* Prepares an empty hub whose sockets may each queue max_queue bytes. */
void		 hub_init(struct hub *h, size_t max_queue);

/*
 * Routes one Redis message to the sockets it is for; data is copied. For now
 * only HUB_CHANNEL_BROADCAST exists (every socket); per-device channels come
 * with message delivery. Unknown channels are ignored.
 */
void		 hub_deliver(struct hub *h, const char *channel,
		    const char *data, size_t len);

/*
 * Starts closing every socket with 1001; each leaves through conn_close()
 * once lws is done with it. Not for use inside an lws callback.
 */
void		 hub_going_away(struct hub *h);

/*
 * A frame holding a copy of len bytes of text, with the LWS_PRE headroom
 * lws_write() needs; one reference. NULL when out of memory.
 */
struct frame	*frame_create(const char *data, size_t len);
void		 frame_release(struct frame *f);

/*
 * Starts a conn in caller-provided memory (lws's per-session data) and adds
 * it to h. device may be NULL (anonymous) and is copied.
 */
void		 conn_open(struct conn *c, struct hub *h, struct lws *wsi,
		    const char *device);

/* Removes c from its hub and drops its queue; c's memory stays the caller's. */
void		 conn_close(struct conn *c);

/*
 * Queues f (the queue takes its own reference) and asks lws for a writeable
 * callback. Frames for a conn that is closing are dropped. A frame that
 * would take the queue over the cap drops the whole queue and cuts the
 * consumer off instead. Returns 0, or -1 if the conn was cut.
 */
int		 conn_push(struct conn *c, struct frame *f);

/*
 * Called on LWS_CALLBACK_SERVER_WRITEABLE: writes the next frame. Returns
 * what the callback must return: 0, or -1 when the write failed.
 */
int		 conn_writeable(struct conn *c);

#endif
