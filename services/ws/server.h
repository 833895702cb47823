/*
 * server.h - the ws node's listener: libwebsockets on the caller's libuv
 * loop, serving the /ws upgrade and the small HTTP surface next to it
 * (GET /api/ws/health; a 404 JSON envelope for anything else).
 */
#ifndef PARLEY_WS_SERVER_H
#define PARLEY_WS_SERVER_H

#include <uv.h>

#include "err.h"

struct lws_context;
struct hub;
struct bus;

struct server {
	struct lws_context	*lws;		/* NULL once freed */
	struct hub		*hub;
	struct bus		*bus;		/* health, takeover, presence */
	const char		*node;
	const char		*secret;	/* nginx's X-Parley-Ws-Secret */
	void			*loops[1];	/* lws keeps a pointer to it */
	int			 draining;	/* refuse new sockets */
};

/*
 * Listens on host:port (plain HTTP; nginx terminates TLS) on loop. hub, bus,
 * node and secret are borrowed and must outlive the server; an upgrade
 * whose X-Parley-Ws-Secret header is not secret is refused. Returns 0, or
 * APP_EINTERNAL with e set (port taken, lws event-lib plugin missing).
 */
int	server_start(struct server *s, uv_loop_t *loop, struct hub *hub,
	    struct bus *bus, const char *node, const char *secret,
	    const char *host, int port, struct err *e);

/* Refuses new upgrades (503) and asks every socket to close with 1001. */
void	server_drain(struct server *s);

/*
 * Destroys the lws context. On the foreign loop this takes two calls: one
 * that starts closing lws's handles, and one after uv_run() has returned
 * that frees the context. Further calls do nothing.
 */
void	server_stop(struct server *s);

#endif
