/*
 * resp.h - a response as handlers build it: status, JSON body and a few
 * extra headers (Set-Cookie, Retry-After, X-Accel-Redirect, ...).
 *
 * A struct resp is caller-allocated per request with resp_init() and
 * released with resp_cleanup(); header strings live in the request arena.
 * Every error leaves a service through resp_error(), so there is exactly
 * one error shape:
 *   {"error": {"code": "<slug>", "message": "<text>"}}
 */
#ifndef PARLEY_RESP_H
#define PARLEY_RESP_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "err.h"

#define RESP_MAX_HEADERS	8

struct resp_header {
	const char	*name;
	const char	*value;
};

struct resp {
	struct arena		*arena;
	int			 status;	/* 0 until set */
	json_t			*body;		/* owned; NULL: empty body */
	size_t			 nheaders;
	struct resp_header	 headers[RESP_MAX_HEADERS];
};

/* Prepares an empty response whose headers are copied into a. */
void	resp_init(struct resp *r, struct arena *a);

/* Drops the body reference; the struct can be resp_init()ed again. */
void	resp_cleanup(struct resp *r);

/*
 * Sets status and body, stealing the reference to body (which may be NULL
 * for an empty body, e.g. 204). Any previous body is released. Returns 0.
 */
int	resp_json(struct resp *r, int status, json_t *body);

/*
 * Adds a header, copying name and the formatted value into the arena.
 * Returns 0, or APP_EINTERNAL if the table is full or the name or value
 * contains CR, LF or NUL (header injection) - the header is then dropped.
 */
int	resp_header(struct resp *r, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The value of a header already added, or NULL. */
const char *resp_get_header(const struct resp *r, const char *name);

/*
 * Replaces the body with the error envelope for e and the status from
 * err_http_status(); adds Retry-After when e->retry_after > 0. An empty
 * slug or message is filled from the code's defaults.
 */
void	resp_error(struct resp *r, const struct err *e);

/* The reason phrase of an HTTP status ("Not Found"); "Unknown" if none. */
const char *resp_reason(int status);

/*
 * The complete FastCGI (CGI) response - Status line, Content-Type,
 * Content-Length, extra headers, blank line, compact JSON - as one buffer
 * in the arena; its length in *len. A response with no status is sent as
 * 500.
 */
char	*resp_serialize(struct resp *r, size_t *len);

#endif
