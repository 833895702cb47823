/*
 * route.h - the request as handlers see it, the route table and dispatch.
 *
 * A service's routes are data:
 *   { "GET", "/api/contacts/:id", h_contact_get, ROUTE_AUTH }
 * route_dispatch() finds the route (":name" segments become path
 * parameters), answers 404/405 itself, refuses a state-changing request
 * (POST, PUT, PATCH, DELETE) whose Origin is not the app's (403
 * bad_origin), runs the authentication hook once for ROUTE_AUTH routes,
 * refuses a session still waiting for its two-step PIN on routes without
 * ROUTE_PIN_OK (403 pin_required), calls the handler and turns a handler
 * error into the error envelope. Handlers never see libfcgi, so unit tests build a
 * struct req by hand and call them directly.
 */
#ifndef PARLEY_ROUTE_H
#define PARLEY_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "resp.h"

#define ROUTE_MAX_PARAMS	4
#define ROUTE_UUID_LEN		37	/* a uuid's text with the NUL */

struct db;
struct kv;

struct route_param {
	const char	*name;
	const char	*value;
};

/*
 * Every string lives in arena (copied from FastCGI params) and is never
 * NULL: absent values are "". body is NUL-terminated, body_len excludes
 * the NUL.
 */
struct req {
	struct arena		*arena;
	const char		*svc;		/* service name, e.g. "auth" */
	const char		*method;
	const char		*path;		/* DOCUMENT_URI, no query */
	const char		*query;		/* QUERY_STRING, no '?' */
	const char		*body;
	size_t			 body_len;
	const char		*cookie;	/* raw Cookie header */
	const char		*origin;
	const char		*remote_addr;
	const char		*content_type;
	const char		*request_id;
	size_t			 nparams;
	struct route_param	 params[ROUTE_MAX_PARAMS];
	struct db		*db;		/* this thread's, lazy */
	struct kv		*kv;		/* this thread's, lazy */
	/* Set by the authentication hook on ROUTE_AUTH routes. */
	char			 user_id[ROUTE_UUID_LEN];	/* "" if none */
	int			 device_id;
	int			 pin_pending;	/* the session awaits its PIN */
};

typedef int (*route_handler)(struct req *, struct resp *, struct err *);

/* Route flags. */
#define ROUTE_PUBLIC	0x00
#define ROUTE_AUTH	0x01	/* the authentication hook must pass */
#define ROUTE_PIN_OK	0x02	/* also open to a session awaiting its PIN */

struct route {
	const char	*method;
	const char	*pattern;	/* "/api/x/:id" */
	route_handler	 handler;
	int		 flags;
};

/*
 * The authentication hook: returns 0 after setting req->user_id,
 * req->device_id and req->pin_pending, or a negative code (normally
 * APP_EUNAUTH) with e set.
 */
typedef int (*route_auth_fn)(struct req *, struct err *);

/*
 * Installs the hook used for ROUTE_AUTH routes; NULL (the default) answers
 * every ROUTE_AUTH route with 401. Call before threads start.
 */
void	route_set_auth(route_auth_fn fn);

/*
 * The origin every state-changing request must carry in its Origin header
 * (copied); NULL (the default) turns the check off. Call before threads
 * start.
 */
void	route_set_origin(const char *origin);

/* 1 for POST, PUT, PATCH and DELETE: the methods the Origin check guards. */
int	route_state_changing(const char *method);

/* Sets an empty request using arena a (all strings ""). */
void	route_req_init(struct req *r, struct arena *a);

/*
 * Answers r into resp (which the caller has resp_init()ed): 404 not_found,
 * 405 method_not_allowed with an Allow header, 403 bad_origin, 401 (or
 * 403) from the hook, 403 pin_required, the handler's response, or the
 * error envelope of the handler's error.
 */
void	route_dispatch(const struct route *routes, size_t nroutes,
	    struct req *r, struct resp *resp);

/* A ":name" path parameter of the matched route, or NULL. */
const char *route_param(const struct req *r, const char *name);

/*
 * The first value of name in the query string, percent-decoded ('+' is a
 * space) into the arena; NULL if absent or badly encoded.
 */
const char *route_query(const struct req *r, const char *name);

/* The value of cookie name, copied into the arena; NULL if absent. */
const char *route_cookie(const struct req *r, const char *name);

#endif
