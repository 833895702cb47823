/*
 * presence.h - who is online, kept in Redis by the ws nodes.
 *
 * parley:online:<user> is a sorted set of the user's live sockets on every
 * node ("<device>:<instance>:<conn id>", scored by an expiry in ms that each
 * node refreshes every PRESENCE_REFRESH_MS: the last resort). An instance
 * is one run of a node ("<node>.<random>"). It lists the users it holds
 * sockets of in parley:ws:users:<instance> and renews its heartbeat key
 * parley:ws:alive:<instance> (PARLEY_WS_NODE_TTL_MS) three times per TTL.
 * Every heartbeat also reaps: an instance whose key expired was killed or
 * cut off, so its sockets leave their users' online sets, and users left
 * with none go offline as if they had closed. A killed node's users are
 * thus offline, with events to their watchers, about one TTL later. The first socket of a user to open, and the last to close, each
 * run one Lua script that also tells the watchers in parley:watch:<user>
 * (registered by the messages service, which checked privacy) with a
 * "presence" event on their device channels. The last close records the
 * time in parley:lastseen:<user> and appends it to the stream
 * parley:lastseen, which the messages service drains into Postgres: this
 * service never writes Postgres. All of it is best effort: Redis down
 * means no presence, never a refused socket.
 */
#ifndef PARLEY_WS_PRESENCE_H
#define PARLEY_WS_PRESENCE_H

#define PRESENCE_REFRESH_MS	30000
#define PRESENCE_EXPIRY_MS	90000
#define PRESENCE_REAP_BATCH	1000	/* a dead instance's users per beat */

struct bus;
struct conn;
struct hub;

/* Names this run's instance after node; call before anything else here. */
void	presence_init(const char *node);

void	presence_open(struct bus *b, const struct conn *c);
void	presence_close(struct bus *b, const struct conn *c);

/*
 * Renews this instance's heartbeat for ttl_ms and reaps instances whose
 * heartbeat expired: one script, best effort.
 */
void	presence_heartbeat(struct bus *b, long ttl_ms);

/* Pushes the expiry of every identified socket of h forward. */
void	presence_refresh(struct bus *b, const struct hub *h);

/*
 * Gives c its device's next generation (one Redis INCR) and announces
 * "<channel> <generation> <node> <id>" on HUB_CHANNEL_TAKEOVER in the same
 * script; the answer reaches hub_generation(). Marks c gen_pending.
 */
void	presence_takeover(struct bus *b, struct conn *c);

#endif
