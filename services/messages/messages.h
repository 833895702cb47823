/*
 * messages.h - what the messages service's files share: its route table,
 * its handlers and the small helpers they have in common (membership,
 * publishing events to devices, id lists). The service owns chats,
 * per-device envelope queues, receipts, typing and presence watches.
 *
 * Every change is committed to Postgres before anything is published to
 * Redis (architecture rule 1); a lost Redis message loses nothing, because
 * clients drain their queue over REST after every (re)connect.
 */
#ifndef PARLEY_MESSAGES_H
#define PARLEY_MESSAGES_H

#include <stddef.h>

#include <jansson.h>

#include "route.h"

struct db;

/* Limits. */
#define MSG_BODY_MAX		65536	/* ciphertext bytes per envelope */
#define MSG_ENVELOPES_MAX	1024	/* envelopes in one send */
#define MSG_IDS_MAX		1000	/* ids in one ack or read */
#define MSG_INBOX_DEFAULT	100
#define MSG_INBOX_MAX		500
#define MSG_INBOX_BYTES		(4 * 1024 * 1024) /* a page stops here */
#define MSG_TYPING_TTL_S	6	/* a typing state expires unrefreshed */
#define MSG_TYPING_MAX		10	/* per device per window */
#define MSG_TYPING_WINDOW_S	5
#define MSG_WATCH_TTL_S		60	/* a presence watch lasts this long */
#define MSG_QUEUE_FULL_RETRY_S	60	/* Retry-After of recipient_queue_full */
#define MSG_SWEEP_BATCH		5000	/* rows per retention sweep statement */
#define MSG_SWEEP_ROUNDS	20	/* statements per sweep at most */

extern const struct route	messages_routes[];
extern const size_t		messages_nroutes;

/* Handlers (h_<thing>.c). */
int	h_chat_create(struct req *, struct resp *, struct err *);
int	h_chat_list(struct req *, struct resp *, struct err *);
int	h_send(struct req *, struct resp *, struct err *);
int	h_inbox(struct req *, struct resp *, struct err *);
int	h_ack(struct req *, struct resp *, struct err *);
int	h_read(struct req *, struct resp *, struct err *);
int	h_typing(struct req *, struct resp *, struct err *);
int	h_presence(struct req *, struct resp *, struct err *);

/* util.c */

/* Milliseconds since the epoch, from the realtime clock. */
long long	msg_now_ms(void);

/*
 * 0 if the caller is an active member of chat_id (a uuid, already
 * checked), else 403 not_member (also for a chat that does not exist, so
 * ids cannot be probed) or a database error. *kind, if not NULL, gets
 * "direct" or "group" (a static string).
 */
int		msg_member(struct req *r, const char *chat_id,
		    const char **kind, struct err *e);

/* A required uuid field of obj into *out (points into obj). */
int		msg_uuid_field(const json_t *obj, const char *key,
		    const char **out, struct err *e);

/*
 * The array field key of obj as a Postgres array literal of uuids
 * ("{a,b}") in the arena: 1..max distinct-or-not uuids, each checked.
 * *n gets the count.
 */
int		msg_uuid_array(struct req *r, const json_t *obj,
		    const char *key, size_t max, const char **out, size_t *n,
		    struct err *e);

/*
 * Publishes len bytes of msg to the channel of (user, device). Best
 * effort after a commit: a Redis failure is logged and counted, never
 * returned, because the data is already durable and the client's drain
 * recovers it. Returns 0 or -1.
 */
int		msg_publish(struct req *r, const char *user, int device,
		    const char *msg, size_t len);

/* json_dumps(ev) published to (user, device); steals nothing. */
int		msg_publish_json(struct req *r, const char *user, int device,
		    const json_t *ev);

/*
 * Moves last-seen times the ws nodes left in the Redis stream into
 * users.last_seen_at, at most once every couple of seconds across every
 * instance. Best effort.
 */
void		msg_lastseen_drain(struct req *r);

/* sweep.c */

/*
 * One retention sweep: expired envelopes (PARLEY_ENVELOPE_TTL_DAYS) and
 * old send records (PARLEY_SENDS_KEEP_DAYS), in bounded batches, through
 * msg_sweep() in SQL, which lets one caller at a time do the work. Adds
 * what it deleted to *envelopes and *sends. 0, or a database error; an
 * instance that found another one sweeping returns 0 having done nothing.
 */
int		msg_sweep(struct db *db, long long *envelopes,
		    long long *sends, struct err *e);

/* The configure hook: starts the sweeper thread (every PARLEY_SWEEP_INTERVAL). */
int		msg_configure(struct err *e);

#endif
