/*
 * http.h - a small HTTPS client for integration tests, over libcurl.
 *
 * Each struct http_client is one browser-like user agent: its own cookie jar
 * and an Origin header equal to the stack's URL, talking to the real nginx
 * (self-signed certificate accepted). Responses are parsed as JSON when they
 * are JSON.
 */
#ifndef PARLEY_TEST_HTTP_H
#define PARLEY_TEST_HTTP_H

#include <stddef.h>
#include <jansson.h>

struct http_client;

struct http_resp {
	long	 status;
	char	*body;		/* NUL-terminated, owned */
	size_t	 len;
	char	*headers;	/* raw response headers, owned */
	json_t	*json;		/* parsed body, or NULL when not JSON */
	double	 seconds;	/* total time of the request */
};

/* The stack under test: $PARLEY_TEST_URL (aborts the test when unset). */
const char	*test_url(void);

/* A client with an empty cookie jar. Never NULL (aborts on allocation failure). */
struct http_client *http_client_create(void);
void		 http_client_destroy(struct http_client *);

/* Sets (value non-NULL) or removes an extra request header, e.g. "Origin". */
void		 http_client_header(struct http_client *, const char *name,
		    const char *value);

/*
 * One request to test_url() + path (or an absolute URL). body may be NULL;
 * len (size_t)-1 means strlen(body). Returns 0, or -1 on a transport error
 * (no HTTP answer). Free the response with http_resp_cleanup().
 */
int		 http_request(struct http_client *, const char *method,
		    const char *path, const char *body, size_t len,
		    struct http_resp *out);

void		 http_resp_cleanup(struct http_resp *);

/* The value of a response header (case-insensitive name), copied into buf; NULL if absent. */
const char	*http_header(const struct http_resp *, const char *name, char *buf,
		    size_t bufsz);

/* The "code" of the error envelope {"error":{"code":...}}, or NULL. */
const char	*http_error_code(const struct http_resp *);

/* Runs a shell command line through /bin/sh; returns its exit status. */
int		 test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
