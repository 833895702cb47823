/*
 * wsclient.c - blocking WebSocket test client over libwebsockets.
 *
 * One lws context per process, created with the first client and destroyed
 * with the last. A blocking call schedules an lws timer at its deadline and
 * runs lws_service() until its condition holds or the timer fires, which
 * also services every other client of the process. The lws callback finds
 * its client through the wsi's opaque user data; wsclient_free() clears it
 * before freeing, so a late callback never touches freed memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "wsclient.h"

#define WSC_HOST_MAX	256
#define WSC_PATH_MAX	1024
#define WSC_ERR_MAX	160
#define WSC_CLOSE_ABNORMAL	1006

enum wsc_state { WSC_CONNECTING, WSC_OPEN, WSC_CLOSED };

struct wsc_frame {
	struct wsc_frame	*next;
	size_t			 len;
	char			 text[];
};

struct wsclient {
	struct lws		*wsi;
	enum wsc_state		 state;
	int			 http_status;
	int			 close_code;
	int			 close_send;	/* code to send, 0 = none */
	struct wsc_frame	*head, **tail;
	char			*part;		/* fragments so far */
	size_t			 partlen;
	size_t			 bytes;
	unsigned char		*out;		/* LWS_PRE + outlen, or NULL */
	size_t			 outlen;
	char			*cookie;
	char			*hdr[WSCLIENT_MAX_HEADERS * 2];	/* "Name:", value pairs */
	char			 error[WSC_ERR_MAX];
};

struct wsc_url {
	int	tls;
	int	port;
	char	host[WSC_HOST_MAX];	/* without port */
	char	hostport[WSC_HOST_MAX];	/* as in the url */
	char	path[WSC_PATH_MAX];
};

struct wsc_deadline {
	lws_sorted_usec_list_t	sul;
	int			fired;
};

typedef int	(*wsc_cond)(const struct wsclient *);

static int	wsc_cb(struct lws *, enum lws_callback_reasons, void *, void *,
		    size_t);
static int	wsc_parse_url(const char *, struct wsc_url *);
static int	wsc_context_ref(void);
static void	wsc_context_unref(void);
static int	wsc_wait(struct wsclient *, wsc_cond, int);
static void	wsc_on_deadline(lws_sorted_usec_list_t *);
static int	wsc_receive(struct wsclient *, struct lws *, const void *,
		    size_t);
static int	wsc_writeable(struct wsclient *, struct lws *);
static void	wsc_ended(struct wsclient *, const char *, size_t);
static int	wsc_not_connecting(const struct wsclient *);
static int	wsc_has_frame(const struct wsclient *);
static int	wsc_sent(const struct wsclient *);
static int	wsc_closed(const struct wsclient *);

static const struct lws_protocols wsc_protocols[] = {
	{ "wsclient", wsc_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static struct lws_context	*wsc_ctx;

static int
wsc_append_headers(struct wsclient *c, struct lws *wsi, unsigned char **p,
    unsigned char *end)
{
	int	 k;

	if (c->cookie != NULL && lws_add_http_header_by_token(wsi,
	    WSI_TOKEN_HTTP_COOKIE, (unsigned char *)c->cookie,
	    (int)strlen(c->cookie), p, end) != 0)
		return -1;
	for (k = 0; k < WSCLIENT_MAX_HEADERS * 2 && c->hdr[k] != NULL; k += 2)
		if (lws_add_http_header_by_name(wsi, (unsigned char *)c->hdr[k],
		    (unsigned char *)c->hdr[k + 1], (int)strlen(c->hdr[k + 1]),
		    p, end) != 0)
			return -1;
	return 0;
}
static int			 wsc_users;

struct wsclient *
wsclient_connect(const char *url, const char *cookie, int timeout_ms)
{
	return wsclient_connect_headers(url, cookie, NULL, timeout_ms);
}

static void
wsc_free_headers(struct wsclient *c)
{
	int	 k;

	for (k = 0; k < WSCLIENT_MAX_HEADERS * 2; k++)
		free(c->hdr[k]);
}

/* Copies name/value pairs, the names with the colon lws wants. */
static int
wsc_copy_headers(struct wsclient *c, const char *const *headers)
{
	int	 k;

	for (k = 0; headers != NULL && headers[k] != NULL; k += 2) {
		if (k >= WSCLIENT_MAX_HEADERS * 2 || headers[k + 1] == NULL ||
		    asprintf(&c->hdr[k], "%s:", headers[k]) < 0 ||
		    (c->hdr[k + 1] = strdup(headers[k + 1])) == NULL)
			return -1;
	}
	return 0;
}

struct wsclient *
wsclient_connect_headers(const char *url, const char *cookie,
    const char *const *headers, int timeout_ms)
{
	struct lws_client_connect_info	 i;
	struct wsc_url			 u;
	struct wsclient			*c;
	char				 origin[WSC_HOST_MAX + 16];

	if (wsc_parse_url(url, &u) != 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->tail = &c->head;
	if ((cookie != NULL && (c->cookie = strdup(cookie)) == NULL) ||
	    wsc_copy_headers(c, headers) != 0 || wsc_context_ref() != 0) {
		wsc_free_headers(c);
		free(c->cookie);
		free(c);
		return NULL;
	}
	snprintf(origin, sizeof(origin), "%s://%s", u.tls ? "https" : "http",
	    u.hostport);
	memset(&i, 0, sizeof(i));
	i.context = wsc_ctx;
	i.address = u.host;
	i.port = u.port;
	i.path = u.path;
	i.host = u.hostport;
	i.origin = origin;
	i.ietf_version_or_minus_one = -1;
	i.local_protocol_name = wsc_protocols[0].name;
	i.opaque_user_data = c;
	i.pwsi = &c->wsi;
	if (u.tls)
		i.ssl_connection = LCCSCF_USE_SSL | LCCSCF_ALLOW_SELFSIGNED |
		    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
		    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	if (lws_client_connect_via_info(&i) == NULL) {
		c->state = WSC_CLOSED;
		snprintf(c->error, sizeof(c->error), "connect failed");
		return c;
	}
	if (wsc_wait(c, wsc_not_connecting, timeout_ms) != 0)
		snprintf(c->error, sizeof(c->error), "upgrade timed out");
	return c;
}

int
wsclient_is_open(const struct wsclient *c)
{
	return c->state == WSC_OPEN;
}

int
wsclient_http_status(const struct wsclient *c)
{
	return c->http_status;
}

const char *
wsclient_error(const struct wsclient *c)
{
	return c->error;
}

char *
wsclient_recv(struct wsclient *c, int timeout_ms)
{
	struct wsc_frame	*f;
	char			*text;

	if (wsc_wait(c, wsc_has_frame, timeout_ms) != 0 ||
	    (f = c->head) == NULL)
		return NULL;
	if ((c->head = f->next) == NULL)
		c->tail = &c->head;
	text = strdup(f->text);
	free(f);
	return text;
}

int
wsclient_send(struct wsclient *c, const char *text, int timeout_ms)
{
	size_t	len = strlen(text);

	if (c->state != WSC_OPEN || c->out != NULL ||
	    (c->out = malloc(LWS_PRE + len)) == NULL)
		return -1;
	memcpy(c->out + LWS_PRE, text, len);
	c->outlen = len;
	lws_callback_on_writable(c->wsi);
	return wsc_wait(c, wsc_sent, timeout_ms);
}

void
wsclient_pause(struct wsclient *c, int paused)
{
	if (c->state == WSC_OPEN)
		lws_rx_flow_control(c->wsi, !paused);
}

int
wsclient_wait_closed(struct wsclient *c, int timeout_ms)
{
	return wsc_wait(c, wsc_closed, timeout_ms);
}

int
wsclient_close(struct wsclient *c, int code, int timeout_ms)
{
	if (c->state == WSC_OPEN) {
		c->close_send = code;
		lws_callback_on_writable(c->wsi);
	}
	return wsc_wait(c, wsc_closed, timeout_ms);
}

int
wsclient_close_code(const struct wsclient *c)
{
	return c->close_code;
}

size_t
wsclient_bytes(const struct wsclient *c)
{
	return c->bytes;
}

void
wsclient_free(struct wsclient *c)
{
	struct wsc_frame	*f;

	if (c == NULL)
		return;
	if (c->wsi != NULL) {
		lws_set_opaque_user_data(c->wsi, NULL);
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_SYNC);
	}
	while ((f = c->head) != NULL) {
		c->head = f->next;
		free(f);
	}
	free(c->part);
	free(c->out);
	free(c->cookie);
	wsc_free_headers(c);
	free(c);
	wsc_context_unref();
}

static int
wsc_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct wsclient	*c = lws_get_opaque_user_data(wsi);
	unsigned char	**p = in, *code = in;

	if (c == NULL)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return wsc_append_headers(c, wsi, p, *p + len);
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->state = WSC_OPEN;
		c->http_status = 101;
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		c->http_status = (int)lws_http_client_http_response(wsi);
		wsc_ended(c, in, in != NULL ? len : 0);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return wsc_receive(c, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return wsc_writeable(c, wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2)
			c->close_code = code[0] << 8 | code[1];
		return 0;	/* lws echoes the close */
	case LWS_CALLBACK_CLIENT_CLOSED:
		wsc_ended(c, NULL, 0);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static int
wsc_parse_url(const char *url, struct wsc_url *u)
{
	const char	*hp, *slash, *colon;
	size_t		 n;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "wss://", 6) == 0) {
		u->tls = 1;
		u->port = 443;
		hp = url + 6;
	} else if (strncmp(url, "ws://", 5) == 0) {
		u->port = 80;
		hp = url + 5;
	} else
		return -1;
	slash = strchr(hp, '/');
	n = slash != NULL ? (size_t)(slash - hp) : strlen(hp);
	if (n == 0 || n >= sizeof(u->hostport))
		return -1;
	memcpy(u->hostport, hp, n);
	memcpy(u->host, hp, n);
	if ((colon = strchr(u->host, ':')) != NULL) {
		u->port = atoi(colon + 1);
		u->host[colon - u->host] = '\0';
	}
	if (u->port <= 0 || u->port > 65535 || u->host[0] == '\0')
		return -1;
	n = (size_t)snprintf(u->path, sizeof(u->path), "%s",
	    slash != NULL ? slash : "/");
	return n < sizeof(u->path) ? 0 : -1;
}

static int
wsc_context_ref(void)
{
	struct lws_context_creation_info	 info;

	if (wsc_users++ > 0)
		return 0;
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = wsc_protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if ((wsc_ctx = lws_create_context(&info)) == NULL) {
		wsc_users = 0;
		return -1;
	}
	return 0;
}

static void
wsc_context_unref(void)
{
	if (--wsc_users > 0)
		return;
	lws_context_destroy(wsc_ctx);
	wsc_ctx = NULL;
}

/* Services every client until cond(c) holds or timeout_ms pass. */
static int
wsc_wait(struct wsclient *c, wsc_cond cond, int timeout_ms)
{
	struct wsc_deadline	d;

	memset(&d, 0, sizeof(d));
	lws_sul_schedule(wsc_ctx, 0, &d.sul, wsc_on_deadline,
	    (lws_usec_t)timeout_ms * LWS_US_PER_MS);
	while (!cond(c) && !d.fired)
		if (lws_service(wsc_ctx, 0) < 0)
			break;
	lws_sul_cancel(&d.sul);
	return cond(c) ? 0 : -1;
}

static void
wsc_on_deadline(lws_sorted_usec_list_t *sul)
{
	struct wsc_deadline	*d;

	d = lws_container_of(sul, struct wsc_deadline, sul);
	d->fired = 1;
}

static int
wsc_receive(struct wsclient *c, struct lws *wsi, const void *in, size_t len)
{
	struct wsc_frame	*f;
	char			*part;

	if ((part = realloc(c->part, c->partlen + len + 1)) == NULL)
		return -1;
	memcpy(part + c->partlen, in, len);
	c->part = part;
	c->partlen += len;
	c->bytes += len;
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if ((f = malloc(sizeof(*f) + c->partlen + 1)) == NULL)
		return -1;
	f->next = NULL;
	f->len = c->partlen;
	memcpy(f->text, c->part, c->partlen);
	f->text[f->len] = '\0';
	*c->tail = f;
	c->tail = &f->next;
	c->partlen = 0;
	return 0;
}

static int
wsc_writeable(struct wsclient *c, struct lws *wsi)
{
	int	n;

	if (c->close_send != 0) {
		lws_close_reason(wsi, (enum lws_close_status)c->close_send,
		    NULL, 0);
		return -1;
	}
	if (c->out == NULL)
		return 0;
	n = lws_write(wsi, c->out + LWS_PRE, c->outlen, LWS_WRITE_TEXT);
	free(c->out);
	c->out = NULL;
	return n < 0 ? -1 : 0;
}

static void
wsc_ended(struct wsclient *c, const char *why, size_t len)
{
	c->state = WSC_CLOSED;
	c->wsi = NULL;
	if (c->close_code == 0)
		c->close_code = c->close_send != 0 ? c->close_send :
		    WSC_CLOSE_ABNORMAL;
	if (why != NULL && c->error[0] == '\0')
		snprintf(c->error, sizeof(c->error), "%.*s", (int)len, why);
}

static int
wsc_not_connecting(const struct wsclient *c)
{
	return c->state != WSC_CONNECTING;
}

static int
wsc_has_frame(const struct wsclient *c)
{
	return c->head != NULL || c->state == WSC_CLOSED;
}

static int
wsc_sent(const struct wsclient *c)
{
	return c->out == NULL || c->state == WSC_CLOSED;
}

static int
wsc_closed(const struct wsclient *c)
{
	return c->state == WSC_CLOSED;
}
