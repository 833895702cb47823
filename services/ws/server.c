/*
 * server.c - libwebsockets callbacks of the ws node.
 *
 * One lws protocol handles both the HTTP requests and the WebSocket
 * upgrade, because a subprotocol-less upgrade binds the vhost's default
 * (first) protocol. Its per-session memory is a struct conn (conn.h), used
 * only once a socket is ESTABLISHED. lws drives the heartbeat: the vhost's
 * retry policy sends a PING after SERVER_PING_S idle seconds and hangs up a
 * peer that has proved nothing for SERVER_HANGUP_S, so a dead peer is gone
 * within a minute. Every HTTP answer is JSON, errors in the one envelope
 * {"error": {"code", "message"}}.
 *
 * Only nginx may open a socket: it authenticates the session and says who
 * connects in X-Parley-User / X-Parley-Device, and proves that it is nginx
 * with X-Parley-Ws-Secret, a secret shared through PARLEY_WS_SECRET. Anyone
 * else who reaches the port (another local user, a process on the host)
 * could otherwise claim any identity; an upgrade without the right secret
 * gets 403 before the identity headers are even read.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libwebsockets.h>
#include <sodium.h>

#include "log.h"
#include "bus.h"
#include "conn.h"
#include "presence.h"
#include "server.h"

#define SERVER_PING_S		20
#define SERVER_HANGUP_S		50
#define SERVER_BODY_MAX		1024
#define SERVER_HEAD_MAX		512
#define SERVER_PATH_MAX		128
#define SERVER_HEALTH_PATH	"/api/ws/health"
#define SERVER_WS_PATH		"/ws"
/* Set by nginx from the auth service once the upgrade is authenticated. */
#define SERVER_HDR_USER		"x-parley-user:"
#define SERVER_HDR_DEVICE	"x-parley-device:"
#define SERVER_HDR_SECRET	"x-parley-ws-secret:"
#define SERVER_SECRET_MAX	256

static int	server_cb(struct lws *, enum lws_callback_reasons, void *,
		    void *, size_t);
static int	server_http(struct server *, struct lws *, const char *);
static int	server_confirm_upgrade(struct server *, struct lws *);
static void	server_open(struct server *, struct lws *, struct conn *);
static int	server_identity(struct lws *, char *, int *);
static int	server_from_nginx(const struct server *, struct lws *);
static int	server_reply(struct lws *, int, json_t *);
static int	server_reply_error(struct lws *, int, const char *,
		    const char *);
static json_t	*server_health(const struct server *, int *);
static void	server_lws_log(int, const char *);

static const struct lws_protocols server_protocols[] = {
	{ "parley", server_cb, sizeof(struct conn), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const lws_retry_bo_t server_retry = {
	.secs_since_valid_ping = SERVER_PING_S,
	.secs_since_valid_hangup = SERVER_HANGUP_S,
};

int
server_start(struct server *s, uv_loop_t *loop, struct hub *hub,
    struct bus *bus, const char *node, const char *secret, const char *host,
    int port, struct err *e)
{
	struct lws_context_creation_info	 info;

	memset(s, 0, sizeof(*s));
	s->hub = hub;
	s->bus = bus;
	s->node = node;
	s->secret = secret;
	s->loops[0] = loop;
	lws_set_log_level(LLL_ERR | LLL_WARN, server_lws_log);

	/*
	 * The vhost is created explicitly: lws_create_context() succeeds even
	 * when the default vhost cannot bind, lws_create_vhost() does not.
	 */
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_LIBUV |
	    LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.foreign_loops = s->loops;
	info.iface = host;
	info.port = port;
	info.protocols = server_protocols;
	info.retry_and_idle_policy = &server_retry;
	info.server_string = "parley-ws";
	info.user = s;
	info.pcontext = &s->lws;	/* NULLed once lws has freed it */
	if ((s->lws = lws_create_context(&info)) == NULL)
		return err_set(e, APP_EINTERNAL, "internal",
		    "lws_create_context failed");
	if (lws_create_vhost(s->lws, &info) == NULL)
		return err_set(e, APP_EINTERNAL, "internal",
		    "cannot listen on %s:%d", host, port);
	return 0;
}

void
server_drain(struct server *s)
{
	s->draining = 1;
	hub_going_away(s->hub);
}

void
server_stop(struct server *s)
{
	if (s->lws != NULL)
		lws_context_destroy(s->lws);
}

static int
server_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct server	*s = lws_context_user(lws_get_context(wsi));
	struct conn	*c = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return server_http(s, wsi, in);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return server_confirm_upgrade(s, wsi);
	case LWS_CALLBACK_ESTABLISHED:
		server_open(s, wsi, c);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return conn_writeable(c);
	case LWS_CALLBACK_RECEIVE:
		/* Push-only (rule 1): commands go over REST. */
		log_debug("event=ignored_frame conn=%llu bytes=%zu",
		    (unsigned long long)c->id, len);
		return 0;
	case LWS_CALLBACK_CLOSED:
		if (c->hub != NULL)
			presence_close(s->bus, c);
		conn_close(c);
		log_info("event=close conn=%llu conns=%zu",
		    (unsigned long long)c->id, s->hub->nconns);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static int
server_http(struct server *s, struct lws *wsi, const char *path)
{
	json_t	*body;
	int	 rc, status;

	if (strcmp(path, SERVER_WS_PATH) == 0)
		rc = server_reply_error(wsi, 426, "upgrade_required",
		    "use a WebSocket upgrade");
	else if (strcmp(path, SERVER_HEALTH_PATH) != 0)
		rc = server_reply_error(wsi, 404, "not_found", "no such path");
	else if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0)
		rc = server_reply_error(wsi, 405, "method_not_allowed",
		    "use GET");
	else if ((body = server_health(s, &status)) == NULL)
		rc = -1;
	else
		rc = server_reply(wsi, status, body);
	if (rc != 0)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Returns 0 to let the upgrade go on, 1 after answering it ourselves. */
static int
server_confirm_upgrade(struct server *s, struct lws *wsi)
{
	char	path[SERVER_PATH_MAX], user[CONN_USER_MAX];
	int	device;

	if (s->draining)
		return server_reply_error(wsi, 503, "shutting_down",
		    "this node is shutting down") == 0 ? 1 : -1;
	if (lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) < 0 ||
	    strcmp(path, SERVER_WS_PATH) != 0)
		return server_reply_error(wsi, 404, "not_found",
		    "no such path") == 0 ? 1 : -1;
	if (!server_from_nginx(s, wsi)) {
		log_warn("event=upgrade_refused reason=secret");
		return server_reply_error(wsi, 403, "forbidden",
		    "upgrades come through the proxy only") == 0 ? 1 : -1;
	}
	if (server_identity(wsi, user, &device) < 0)
		return server_reply_error(wsi, 401, "unauthorized",
		    "no valid session") == 0 ? 1 : -1;
	return 0;
}

/*
 * 1 if the upgrade carries the shared secret, compared in constant time
 * (the length is not secret: it is fixed by deploy/stack).
 */
static int
server_from_nginx(const struct server *s, struct lws *wsi)
{
	char	got[SERVER_SECRET_MAX];
	size_t	want = strlen(s->secret);
	int	n;

	n = lws_hdr_custom_copy(wsi, got, sizeof(got), SERVER_HDR_SECRET,
	    (int)strlen(SERVER_HDR_SECRET));
	if (n <= 0 || (size_t)n != want || want == 0)
		return 0;
	return sodium_memcmp(got, s->secret, want) == 0;
}

/*
 * The user and device nginx vouches for (auth_request), or none: an
 * anonymous socket, reachable only from the node's own network, gets
 * broadcasts only. Returns 1 with both set, 0 without, -1 if malformed.
 */
static int
server_identity(struct lws *wsi, char *user, int *device)
{
	char	dev[16], *end;
	long	d;
	int	nu, nd, i;

	nu = lws_hdr_custom_copy(wsi, user, CONN_USER_MAX, SERVER_HDR_USER,
	    (int)strlen(SERVER_HDR_USER));
	nd = lws_hdr_custom_copy(wsi, dev, sizeof(dev), SERVER_HDR_DEVICE,
	    (int)strlen(SERVER_HDR_DEVICE));
	if (nu <= 0 && nd <= 0)
		return 0;
	if (nu != CONN_USER_MAX - 1 || nd <= 0)
		return -1;
	for (i = 0; i < CONN_USER_MAX - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (user[i] != '-')
				return -1;
		} else if (!isxdigit((unsigned char)user[i]))
			return -1;
		user[i] = (char)tolower((unsigned char)user[i]);
	}
	d = strtol(dev, &end, 10);
	if (*end != '\0' || d < 1 || d > 2147483647L)
		return -1;
	*device = (int)d;
	return 1;
}

static void
server_open(struct server *s, struct lws *wsi, struct conn *c)
{
	char	user[CONN_USER_MAX] = "";
	int	device = 0, who;

	/* The headers were checked in server_confirm_upgrade(). */
	who = server_identity(wsi, user, &device);
	conn_open(c, s->hub, wsi, who == 1 ? user : NULL, device,
	    bus_up(s->bus));
	log_info("event=open conn=%llu user=%s device=%d conns=%zu",
	    (unsigned long long)c->id, who == 1 ? user : "-", device,
	    s->hub->nconns);
	if (who == 1) {
		presence_takeover(s->bus, c);
		presence_open(s->bus, c);
	}
}

/*
 * Writes a complete JSON response and steals body; the caller completes the
 * transaction. Returns 0, or -1 to have lws drop the connection.
 */
static int
server_reply(struct lws *wsi, int status, json_t *body)
{
	unsigned char	 head[LWS_PRE + SERVER_HEAD_MAX], *p, *end;
	unsigned char	 buf[LWS_PRE + SERVER_BODY_MAX], *b = buf + LWS_PRE;
	size_t		 len;
	int		 rc = -1;

	p = head + LWS_PRE;
	end = head + sizeof(head);
	len = json_dumpb(body, (char *)b, SERVER_BODY_MAX, JSON_COMPACT);
	if (len == 0 || len > SERVER_BODY_MAX)
		goto out;
	if (lws_add_http_common_headers(wsi, (unsigned int)status,
	    "application/json", len, &p, end) != 0 ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
	    (const unsigned char *)"no-store", 8, &p, end) != 0 ||
	    lws_finalize_write_http_header(wsi, head + LWS_PRE, &p, end) != 0)
		goto out;
	/* A short write is buffered by lws and still counts as written. */
	if (lws_write(wsi, b, len, LWS_WRITE_HTTP_FINAL) < 0)
		goto out;
	rc = 0;
out:
	json_decref(body);
	return rc;
}

static int
server_reply_error(struct lws *wsi, int status, const char *code,
    const char *msg)
{
	json_t	*o;

	if ((o = json_pack("{s:{s:s, s:s}}", "error", "code", code,
	    "message", msg)) == NULL)
		return -1;
	return server_reply(wsi, status, o);
}

static json_t *
server_health(const struct server *s, int *status)
{
	json_t	*o, *err;
	int	 up = bus_up(s->bus);

	*status = up ? 200 : 503;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}",
	    "status", up ? "ok" : "unavailable", "service", "ws",
	    "node", s->node, "redis", up ? "ok" : "down",
	    "postgres", "not_used", "connections", (json_int_t)s->hub->nconns);
	if (o == NULL || up)
		return o;
	err = json_pack("{s:s, s:s}", "code", "redis_unavailable",
	    "message", "Redis is unreachable; reconnecting");
	if (err == NULL || json_object_set_new(o, "error", err) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
server_lws_log(int level, const char *line)
{
	int	n = (int)strcspn(line, "\r\n");

	log_msg(level == LLL_ERR ? LOG_ERROR : LOG_WARN, "lws",
	    "event=lws msg=\"%.*s\"", n, line);
}
