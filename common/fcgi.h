/*
 * fcgi.h - the FastCGI server loop; the only module that knows libfcgi.
 *
 * fcgi_serve() opens the unix socket, starts the worker threads and
 * blocks until SIGTERM or SIGINT, then joins every thread, closes and
 * removes the socket and returns 0. Each request is turned into a struct
 * req (params and body copied into the thread's arena), passed to the
 * handle callback, and its struct resp serialised back; the arena is reset
 * after every request.
 */
#ifndef PARLEY_FCGI_H
#define PARLEY_FCGI_H

#include <stddef.h>

#include "err.h"
#include "resp.h"
#include "route.h"

struct fcgi_conf {
	const char	*svc;		/* service name, copied into each req */
	const char	*socket_path;
	int		 nthreads;
	size_t		 max_body;	/* bytes; larger bodies get 413 */
	/* Per-thread state: created in the thread, passed to handle. */
	void		*(*thread_init)(void *arg);
	void		 (*thread_fini)(void *tctx);
	/* Answers one request into resp (already resp_init()ed). */
	void		 (*handle)(struct req *req, struct resp *resp,
			    void *tctx);
	void		*arg;
};

/*
 * Serves until SIGTERM/SIGINT. Returns 0 after a clean shutdown, or a
 * negative code with e set if the socket or threads cannot be set up.
 * Call once per process.
 */
int	fcgi_serve(const struct fcgi_conf *conf, struct err *e);

/*
 * Checks a client-supplied request id (nginx's $request_id): 1 to 64
 * characters of [A-Za-z0-9_-]. Returns 1 if acceptable.
 */
int	fcgi_request_id_ok(const char *id);

#endif
