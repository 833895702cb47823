/*
 * fcgi.h - the FastCGI server loop; the only module that knows libfcgi.
 *
 * fcgi_serve() opens the unix socket, starts the worker threads and
 * blocks until SIGTERM or SIGINT, then joins every thread, closes and
 * removes the socket and returns 0. Each request is turned into a struct
 * req (params copied into the thread's arena, the body into a malloc'ed
 * buffer freed once the response is sent), passed to the handle callback,
 * and its struct resp serialised back; the arena is reset after every
 * request.
 *
 * Bodies: an absent or empty CONTENT_LENGTH means no body (nothing is read
 * or allocated); a malformed one is 400 bad_request, one over max_body 413
 * body_too_large before anything is read, a body shorter than declared 400;
 * out of memory for a body is 503 with Retry-After.
 *
 * The socket gets PARLEY_SOCKET_MODE (default 0660) and, if set,
 * PARLEY_SOCKET_GROUP from cfg (0660 and the creator's group when no cfg
 * is loaded): only nginx may talk FastCGI to a service, since whoever can
 * connect can set REMOTE_ADDR and every other param.
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
