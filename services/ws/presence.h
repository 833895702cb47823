/*
 * presence.h - who is online, kept in Redis by the ws nodes.
 *
 * parley:online:<user> is a sorted set of the user's live sockets on every
 * node ("<device>:<node>:<conn id>", scored by an expiry in ms that each
 * node refreshes every PRESENCE_REFRESH_MS), so a crashed node's sockets
 * age out. The first socket of a user to open, and the last to close, each
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

struct bus;
struct conn;
struct hub;

void	presence_open(struct bus *b, const struct conn *c);
void	presence_close(struct bus *b, const struct conn *c);

/* Pushes the expiry of every identified socket of h forward. */
void	presence_refresh(struct bus *b, const struct hub *h);

/* "<channel> <opened us> <node> <id>" on HUB_CHANNEL_TAKEOVER. */
void	presence_takeover(struct bus *b, const struct conn *c);

#endif
