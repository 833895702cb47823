/*
 * kv.c - lazy, self-healing hiredis connections. A synchronous context
 * that is not subscribed never has unread input between commands, so an
 * idle socket that polls readable means EOF (Redis restarted or dropped
 * us): it is replaced before the command rather than failing it. After an
 * I/O error or timeout the reply stream is out of step, so the context is
 * always dropped.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "kv.h"
#include "log.h"

struct kv {
	redisContext	*c;
	char		*path;		/* unix socket, or NULL */
	char		*host;
	int		 port;
	struct timeval	 timeout;
	struct backoff	*gate;
};

static int	kv_parse_addr(struct kv *, const char *);
static int	kv_connect(struct kv *, struct err *);
static void	kv_drop(struct kv *);
static int	kv_unavail(struct err *, int);

static int
kv_parse_addr(struct kv *kv, const char *addr)
{
	const char	*colon;
	char		*end;
	long		 port;

	if (strncmp(addr, "unix:", 5) == 0) {
		if (addr[5] == '\0' || (kv->path = strdup(addr + 5)) == NULL)
			return -1;
		return 0;
	}
	if ((colon = strrchr(addr, ':')) == NULL || colon == addr)
		return -1;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535)
		return -1;
	if ((kv->host = strndup(addr, (size_t)(colon - addr))) == NULL)
		return -1;
	kv->port = (int)port;
	return 0;
}

struct kv *
kv_create(const char *addr, int timeout_ms, struct err *e)
{
	struct kv	*kv;

	if ((kv = calloc(1, sizeof(*kv))) == NULL)
		abort();
	if (kv_parse_addr(kv, addr) != 0) {
		err_set(e, APP_EINVAL, "bad_config",
		    "redis address must be unix:/path or host:port");
		kv_destroy(kv);
		return NULL;
	}
	kv->timeout.tv_sec = timeout_ms / 1000;
	kv->timeout.tv_usec = (timeout_ms % 1000) * 1000;
	kv->gate = backoff_get(addr);
	return kv;
}

void
kv_destroy(struct kv *kv)
{
	if (kv == NULL)
		return;
	kv_drop(kv);
	free(kv->path);
	free(kv->host);
	free(kv);
}

static void
kv_drop(struct kv *kv)
{
	if (kv->c != NULL)
		redisFree(kv->c);
	kv->c = NULL;
}

static int
kv_unavail(struct err *e, int retry)
{
	err_set(e, APP_EUNAVAIL, "redis_unavailable",
	    "the key-value store is unavailable");
	e->retry_after = retry;
	return APP_EUNAVAIL;
}

static int
kv_connect(struct kv *kv, struct err *e)
{
	struct pollfd	pfd;
	int		retry = 1, n;

	if (kv->c != NULL) {
		pfd.fd = kv->c->fd;
		pfd.events = POLLIN;
		if (kv->c->err != 0 || poll(&pfd, 1, 0) != 0)
			kv_drop(kv);
	}
	if (kv->c != NULL)
		return 0;
	if (!backoff_begin(kv->gate, &retry))
		return kv_unavail(e, retry);
	kv->c = kv->path != NULL ?
	    redisConnectUnixWithTimeout(kv->path, kv->timeout) :
	    redisConnectWithTimeout(kv->host, kv->port, kv->timeout);
	if (kv->c == NULL || kv->c->err != 0 ||
	    redisSetTimeout(kv->c, kv->timeout) != REDIS_OK) {
		if (backoff_fail(kv->gate) == 1)
			log_warn("event=redis_down err=%s", log_qv(kv->c != NULL ?
			    kv->c->errstr : "out of memory"));
		kv_drop(kv);
		return kv_unavail(e, retry);
	}
	if ((n = backoff_ok(kv->gate)) > 0)
		log_info("event=redis_up failures=%d", n);
	return 0;
}

redisReply *
kv_cmd(struct kv *kv, int argc, const char **argv, const size_t *argvlen,
    struct err *e)
{
	redisReply	*r;

	if (kv_connect(kv, e) != 0)
		return NULL;
	if ((r = redisCommandArgv(kv->c, argc, argv, argvlen)) == NULL) {
		log_warn("event=redis_io err=%s", log_qv(kv->c->errstr));
		kv_drop(kv);
		kv_unavail(e, 1);
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_error("event=redis_error cmd=%s err=%s",
		    log_qv(argv[0]), log_qv(r->str));
		freeReplyObject(r);
		err_set(e, APP_EINTERNAL, "redis_error", "storage error");
		return NULL;
	}
	return r;
}

int
kv_publish(struct kv *kv, const char *channel, const void *msg, size_t len,
    struct err *e)
{
	const char	*argv[] = { "PUBLISH", channel, msg };
	size_t		 lens[] = { 7, strlen(channel), len };
	redisReply	*r;
	int		 n;

	if ((r = kv_cmd(kv, 3, argv, lens, e)) == NULL)
		return e->code;
	n = r->type == REDIS_REPLY_INTEGER ? (int)r->integer : 0;
	freeReplyObject(r);
	return n;
}

int
kv_ping(struct kv *kv, struct err *e)
{
	const char	*argv[] = { "PING" };
	redisReply	*r;

	if ((r = kv_cmd(kv, 1, argv, NULL, e)) == NULL)
		return e->code;
	freeReplyObject(r);
	return 0;
}
