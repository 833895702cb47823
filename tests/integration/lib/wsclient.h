/*
 * wsclient.h - a small blocking WebSocket client for integration tests.
 *
 * Built on libwebsockets' client API (no hand-written framing). Every
 * client of a process shares one lws context, and every blocking call
 * services all of them, so a test holding several sockets never lets one
 * fall behind while it waits on another. Text frames are queued per client
 * as they arrive and handed out in order by wsclient_recv(). wss:// does
 * not verify the server certificate: the test stack's is self-signed. Not
 * thread-safe; Criterion runs each test in its own process.
 */
#ifndef PARLEY_TEST_WSCLIENT_H
#define PARLEY_TEST_WSCLIENT_H

#include <stddef.h>

struct wsclient;

/*
 * Connects to url ("ws://host:port/path" or "wss://host:port/path") and
 * waits up to timeout_ms for the upgrade. cookie, if not NULL, is sent as
 * the Cookie header value. Returns a client even when the upgrade fails,
 * so the caller can read wsclient_http_status(); NULL only for a
 * malformed url or no memory. Release with wsclient_free().
 */
struct wsclient	*wsclient_connect(const char *url, const char *cookie,
		    int timeout_ms);

#define WSCLIENT_MAX_HEADERS 4

/*
 * wsclient_connect() with extra request headers: a NULL-terminated list of
 * name, value pairs (at most WSCLIENT_MAX_HEADERS), e.g. to pin a device
 * to one ws node with the X-Parley-User/X-Parley-Device headers nginx
 * would set.
 */
struct wsclient	*wsclient_connect_headers(const char *url, const char *cookie,
		    const char *const *headers, int timeout_ms);

/* 1 while the socket is open. */
int		 wsclient_is_open(const struct wsclient *c);

/*
 * The HTTP status of the upgrade answer: 101 when upgraded, the refusal
 * status (404, 401, 503, ...) otherwise, 0 if no HTTP answer came.
 */
int		 wsclient_http_status(const struct wsclient *c);

/* Why the connection failed or ended ("" if it did not); for messages. */
const char	*wsclient_error(const struct wsclient *c);

/*
 * The next text frame, waiting up to timeout_ms: a NUL-terminated copy the
 * caller frees, or NULL on timeout or once the socket is closed and every
 * received frame has been handed out.
 */
char		*wsclient_recv(struct wsclient *c, int timeout_ms);

/* Sends text as one text frame. Returns 0, or -1 (closed, timeout). */
int		 wsclient_send(struct wsclient *c, const char *text,
		    int timeout_ms);

/*
 * Stops (paused = 1) or resumes reading from the socket, to play a slow
 * consumer: the kernel buffers fill and the server sees back-pressure.
 */
void		 wsclient_pause(struct wsclient *c, int paused);

/* Waits up to timeout_ms for the socket to close. Returns 0 or -1. */
int		 wsclient_wait_closed(struct wsclient *c, int timeout_ms);

/*
 * Sends a close frame with code and waits up to timeout_ms for the
 * peer's. Returns 0 once closed, -1 otherwise.
 */
int		 wsclient_close(struct wsclient *c, int code, int timeout_ms);

/*
 * 0 while open; the code of the peer's close frame; 1006 if the socket
 * ended without one (RFC 6455 7.1.5).
 */
int		 wsclient_close_code(const struct wsclient *c);

/* Payload bytes received so far, frames handed out or not. */
size_t		 wsclient_bytes(const struct wsclient *c);

/* Closes the socket if open (without waiting) and frees c. NULL is fine. */
void		 wsclient_free(struct wsclient *c);

#endif
