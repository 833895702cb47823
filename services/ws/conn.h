/*
 * conn.h - the WebSocket connections of one ws node, their bounded
 * outgoing queues, and the per-device subscriptions that route Redis
 * messages to them.
 *
 * A struct hub is the set of open sockets; a struct conn is one of them. A
 * socket opened through nginx carries its user and device (X-Parley-User,
 * X-Parley-Device); it belongs to the struct dsub of its device's channel
 * "parley:dev:<user>:<device>", which this node SUBSCRIBEs while it holds a
 * socket of that device. A payload is wrapped once in a reference-counted
 * struct frame and queued to every socket it is for. Each queue is bounded
 * in bytes: a consumer that falls more than max_queue bytes behind is cut
 * off with close code 1008 (architecture rule 7), never buffered without
 * limit. Everything here runs on the one libuv loop thread; nothing is
 * locked.
 *
 * A socket's first frame is {"type":"hello"}, sent once its device's
 * channel is subscribed: from then on no event for it is missed, so that is
 * when the client drains its queue over REST. After a Redis outage the
 * channels are subscribed again and every socket gets {"type":"resync"}:
 * events may have been lost meanwhile, drain again.
 */
#ifndef PARLEY_WS_CONN_H
#define PARLEY_WS_CONN_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

struct lws;
struct frame;
struct qent;

#define CONN_USER_MAX		37	/* a uuid with the NUL */
#define CONN_CHANNEL_MAX	64	/* "parley:dev:<uuid>:<device>" */

/* Close codes this service sends. */
#define CONN_CLOSE_GOING_AWAY	1001	/* node shutting down */
#define CONN_CLOSE_SLOW		1008	/* outgoing queue over its cap */
#define CONN_CLOSE_LOGGED_OUT	4401	/* the device was logged out */
#define CONN_CLOSE_REPLACED	4409	/* a newer socket of the device */

/* Channel whose messages go to every socket of every node. */
#define HUB_CHANNEL_BROADCAST	"parley:ws:broadcast"
/*
 * "<channel> <generation> <node> <conn id>": a device's newest socket. The
 * generation comes from one Redis INCR per device (parley:ws:gen:<user>:
 * <device>), so "newer" is the order in which Redis saw the opens, the
 * same on every node whatever their clocks say.
 */
#define HUB_CHANNEL_TAKEOVER	"parley:ws:takeover"

enum conn_state {
	CONN_OPEN,
	CONN_CUT,		/* over the cap: closing with 1008 */
	CONN_ENDING		/* closing with another code */
};

struct dsub;

struct conn {
	TAILQ_ENTRY(conn)	 entry;		/* hub->conns */
	TAILQ_ENTRY(conn)	 dentry;	/* dsub->conns */
	TAILQ_HEAD(, qent)	 queue;
	struct hub		*hub;
	struct dsub		*dsub;		/* NULL: anonymous */
	struct lws		*wsi;
	uint64_t		 id;
	uint64_t		 gen;		/* the device's generation; 0: none */
	int			 gen_pending;	/* asked Redis, no answer yet */
	size_t			 queued;	/* bytes charged to the cap */
	enum conn_state		 state;
	int			 hello;		/* hello sent */
	int			 resync;	/* owe a resync when live */
	int			 close_after;	/* close code once flushed */
	int			 device_id;
	char			 user[CONN_USER_MAX];
};

/* What the hub asks of the Redis bus. */
struct hub_ops {
	void	(*subscribe)(void *arg, const char *channel);
	void	(*unsubscribe)(void *arg, const char *channel);
	void	*arg;
};

struct hub {
	TAILQ_HEAD(, conn)	 conns;
	size_t			 nconns;
	size_t			 ndsubs;
	size_t			 max_queue;
	uint64_t		 next_id;
	const char		*node;
	struct hub_ops		 ops;
	size_t			 nbuckets;
	void			*buckets;	/* of struct dsub lists */
};

/* Prepares an empty hub; node (borrowed) is named in hellos. */
void		 hub_init(struct hub *h, size_t max_queue, const char *node,
		    const struct hub_ops *ops);
void		 hub_cleanup(struct hub *h);

/*
 * Routes one Redis message to the sockets it is for; data is copied.
 * Broadcast: every socket. A device channel: that device's sockets here;
 * a "logged_out" event is sent and its sockets are then closed with 4401.
 * Takeover: closes this node's older sockets of the named device with
 * 4409. Anything else is ignored.
 */
void		 hub_deliver(struct hub *h, const char *channel,
		    const char *data, size_t len);

/*
 * Redis answered the generation of the socket conn_id of channel (gen 0:
 * it could not). The socket closes with 4409 if a newer socket of the
 * device has been announced meanwhile.
 */
void		 hub_generation(struct hub *h, const char *channel,
		    uint64_t conn_id, uint64_t gen);

/* The bus confirmed SUBSCRIBE / UNSUBSCRIBE of a device channel. */
void		 hub_subscribed(struct hub *h, const char *channel);
void		 hub_unsubscribed(struct hub *h, const char *channel);

/* The bus lost Redis (every subscription is gone) / is back. */
void		 hub_bus_lost(struct hub *h);
void		 hub_bus_up(struct hub *h);

/*
 * UNSUBSCRIBEs device channels without a socket for idle_ms or more (late,
 * so a quick reconnect finds its channel still live).
 */
void		 hub_sweep(struct hub *h, uint64_t now_ms, uint64_t idle_ms);

/*
 * Starts closing every socket with 1001; each leaves through conn_close()
 * once lws is done with it. Not for use inside an lws callback.
 */
void		 hub_going_away(struct hub *h);

/* A frame holding a copy of len bytes of text; NULL when out of memory. */
struct frame	*frame_create(const char *data, size_t len);
void		 frame_release(struct frame *f);

/*
 * Starts a conn in caller-provided memory (lws's per-session data) and adds
 * it to h. user is NULL for an anonymous socket (broadcasts only).
 * Closes this node's other sockets of the device with 4409 (so call it
 * outside their callbacks, as in ESTABLISHED of the new one). Sends the
 * hello at once when the device's channel is live, or when bus_up is 0
 * (then a resync follows once it is).
 */
void		 conn_open(struct conn *c, struct hub *h, struct lws *wsi,
		    const char *user, int device, int bus_up);

/* Removes c from its hub and drops its queue; c's memory stays the caller's. */
void		 conn_close(struct conn *c);

/* The device channel of c, or NULL if anonymous. */
const char	*conn_channel(const struct conn *c);

/*
 * Queues f (the queue takes its own reference) and asks lws for a writeable
 * callback. A frame that would take the queue over the cap cuts the
 * consumer off instead. Returns 0, or -1 if the conn was cut.
 */
int		 conn_push(struct conn *c, struct frame *f);

/* conn_push() of a copy of text. */
int		 conn_push_text(struct conn *c, const char *text, size_t len);

/*
 * Called on LWS_CALLBACK_SERVER_WRITEABLE: writes the next frame. Returns
 * what the callback must return: 0, or -1 when the write failed or the
 * conn is to close now that its last frame is out.
 */
int		 conn_writeable(struct conn *c);

/* Closes c with code (not from inside c's own lws callback). */
void		 conn_kick(struct conn *c, int code, const char *why);

#endif
