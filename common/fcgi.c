/*
 * fcgi.c - the FastCGI side of every service, and the only file that
 * includes fcgiapp.h. Worker threads each loop FCGX_Accept_r ->
 * handle -> FCGX_Finish_r on one shared listening socket.
 *
 * Shutdown: libfcgi's own handlers would swallow SIGTERM, so ours is
 * installed (without SA_RESTART) before FCGX_Init(). It marks libfcgi as
 * shutting down and shuts the listening socket down, which makes every
 * thread blocked in accept() return at once. Workers block SIGTERM and
 * SIGINT, so the handler runs on the main thread, which is waiting in
 * pthread_join().
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "arena.h"
#include "cfg.h"
#include "fcgi.h"
#include "log.h"

#define FCGI_BACKLOG	256
#define FCGI_REQID_MAX	64
#define FCGI_BODY_CHUNK	16384	/* first body buffer; doubles as it fills */
#define FCGI_SOCK_MODE	0660	/* without cfg */

struct fcgi_worker {
	const struct fcgi_conf	*conf;
	pthread_t		 tid;
};

static void	 fcgi_on_signal(int);
static void	*fcgi_worker_main(void *);
static void	 fcgi_handle_one(const struct fcgi_conf *, FCGX_Request *,
		    struct arena *, void *);
static const char *fcgi_param(struct arena *, FCGX_Request *, const char *);
static const char *fcgi_path(struct arena *, FCGX_Request *);
static const char *fcgi_request_id(struct arena *, FCGX_Request *);
static int	 fcgi_content_length(const char *, size_t *);
static int	 fcgi_read_body(const struct fcgi_conf *, FCGX_Request *,
		    struct req *, char **, struct err *);
static int	 fcgi_open(const char *, struct err *);
static int	 fcgi_sock_perms(const char *, struct err *);

static volatile sig_atomic_t	fcgi_stopping;
static int			fcgi_listen_fd = -1;

static void
fcgi_on_signal(int sig)
{
	int	saved = errno;

	(void)sig;
	fcgi_stopping = 1;
	FCGX_ShutdownPending();
	if (fcgi_listen_fd >= 0)
		shutdown(fcgi_listen_fd, SHUT_RDWR);
	errno = saved;
}

int
fcgi_request_id_ok(const char *id)
{
	size_t	n = strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	return n > 0 && n <= FCGI_REQID_MAX && id[n] == '\0';
}

/* libfcgi forbids keeping param pointers past FCGX_Finish_r: copy. */
static const char *
fcgi_param(struct arena *a, FCGX_Request *rq, const char *name)
{
	const char	*v = FCGX_GetParam(name, rq->envp);

	return v != NULL ? arena_strdup(a, v) : "";
}

/* DOCUMENT_URI (nginx), else REQUEST_URI without its query. */
static const char *
fcgi_path(struct arena *a, FCGX_Request *rq)
{
	const char	*v;

	if ((v = FCGX_GetParam("DOCUMENT_URI", rq->envp)) != NULL)
		return arena_strdup(a, v);
	if ((v = FCGX_GetParam("REQUEST_URI", rq->envp)) != NULL)
		return arena_strndup(a, v, strcspn(v, "?"));
	return "";
}

/* nginx's $request_id if sane, else 128 fresh random bits in hex. */
static const char *
fcgi_request_id(struct arena *a, FCGX_Request *rq)
{
	const char	*v = FCGX_GetParam("HTTP_X_REQUEST_ID", rq->envp);
	unsigned char	 raw[16];
	char		*hex;

	if (v != NULL && fcgi_request_id_ok(v))
		return arena_strdup(a, v);
	randombytes_buf(raw, sizeof(raw));
	hex = arena_alloc(a, sizeof(raw) * 2 + 1);
	sodium_bin2hex(hex, sizeof(raw) * 2 + 1, raw, sizeof(raw));
	return hex;
}

/*
 * CONTENT_LENGTH as a size: 0, or -1 if it is not all decimal digits or
 * does not fit.
 */
static int
fcgi_content_length(const char *cl, size_t *out)
{
	unsigned long long	n;
	char			*end;

	if (cl[0] == '\0' || strspn(cl, "0123456789") != strlen(cl))
		return -1;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || n > SIZE_MAX - 1)
		return -1;
	*out = (size_t)n;
	return 0;
}

/*
 * Reads the body into *bufp (malloc'ed, NUL-terminated; the caller frees
 * it, also on error). No CONTENT_LENGTH, or an empty one (nginx sends that
 * on every GET), means no body: nothing is read or allocated. A declared
 * length over the limit is refused before reading anything. The buffer
 * grows as bytes arrive, so a client that declares much and sends little
 * costs little, and running out of memory answers 503 instead of aborting
 * the process.
 */
static int
fcgi_read_body(const struct fcgi_conf *conf, FCGX_Request *rq,
    struct req *req, char **bufp, struct err *e)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", rq->envp);
	char		*buf = NULL, *nbuf;
	size_t		 want, cap = 0, got = 0;
	int		 r;

	*bufp = NULL;
	if (cl == NULL || cl[0] == '\0')
		return 0;
	if (fcgi_content_length(cl, &want) != 0)
		return err_set(e, APP_EINVAL, "bad_request",
		    "invalid Content-Length");
	if (want > conf->max_body)
		return err_set(e, APP_ETOOLARGE, "body_too_large",
		    "request body is larger than %zu bytes", conf->max_body);
	if (want == 0)
		return 0;
	while (got < want) {
		if (got == cap) {
			cap = cap == 0 ? FCGI_BODY_CHUNK : cap * 2;
			if (cap > want)
				cap = want;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				*bufp = buf;
				err_set(e, APP_EUNAVAIL, "unavailable",
				    "not enough memory for the request body");
				e->retry_after = 1;
				return APP_EUNAVAIL;
			}
			buf = nbuf;
		}
		r = FCGX_GetStr(buf + got, (int)(cap - got > 65536 ? 65536 :
		    cap - got), rq->in);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	*bufp = buf;
	if (got != want)
		return err_set(e, APP_EINVAL, "bad_request",
		    "request body shorter than Content-Length");
	buf[got] = '\0';
	req->body = buf;
	req->body_len = got;
	return 0;
}

static void
fcgi_handle_one(const struct fcgi_conf *conf, FCGX_Request *rq,
    struct arena *a, void *tctx)
{
	struct req	 req;
	struct resp	 resp;
	struct err	 e;
	struct timespec	 t0, t1;
	const char	*out;
	char		*body = NULL;
	size_t		 len;
	long		 us;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	route_req_init(&req, a);
	resp_init(&resp, a);
	err_clear(&e);
	req.svc = conf->svc;
	req.request_id = fcgi_request_id(a, rq);
	log_set_req(req.request_id);
	req.method = fcgi_param(a, rq, "REQUEST_METHOD");
	req.path = fcgi_path(a, rq);
	req.query = fcgi_param(a, rq, "QUERY_STRING");
	req.cookie = fcgi_param(a, rq, "HTTP_COOKIE");
	req.origin = fcgi_param(a, rq, "HTTP_ORIGIN");
	req.remote_addr = fcgi_param(a, rq, "REMOTE_ADDR");
	req.content_type = fcgi_param(a, rq, "CONTENT_TYPE");

	if (fcgi_read_body(conf, rq, &req, &body, &e) == 0)
		conf->handle(&req, &resp, tctx);
	else
		resp_error(&resp, &e);
	out = resp_serialize(&resp, &len);
	FCGX_PutStr(out, (int)len, rq->out);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - t0.tv_sec) * 1000000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (resp.status >= 500 || resp.status == 0)
		log_warn("method=%s path=%s status=%d us=%ld",
		    log_qv(req.method), log_qv(req.path), resp.status, us);
	else
		log_debug("method=%s path=%s status=%d us=%ld",
		    log_qv(req.method), log_qv(req.path), resp.status, us);
	resp_cleanup(&resp);
	free(body);
}

static void *
fcgi_worker_main(void *arg)
{
	struct fcgi_worker	*w = arg;
	const struct fcgi_conf	*conf = w->conf;
	FCGX_Request		 rq;
	struct arena		*a;
	void			*tctx = NULL;

	a = arena_create(0);
	if (conf->thread_init != NULL)
		tctx = conf->thread_init(conf->arg);
	FCGX_InitRequest(&rq, fcgi_listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
	for (;;) {
		if (FCGX_Accept_r(&rq) < 0) {
			if (!fcgi_stopping)
				log_error("event=accept_failed errno=%d",
				    errno);
			break;
		}
		fcgi_handle_one(conf, &rq, a, tctx);
		FCGX_Finish_r(&rq);
		arena_reset(a);
		log_set_req(NULL);
	}
	FCGX_Free(&rq, 1);
	if (conf->thread_fini != NULL)
		conf->thread_fini(tctx);
	arena_destroy(a);
	return NULL;
}

/* Replaces a stale socket file; refuses to clobber anything else. */
static int
fcgi_open(const char *path, struct err *e)
{
	struct stat	st;
	mode_t		old;
	int		fd, rc;

	if (path[0] == '\0' || strchr(path, ':') != NULL)
		return err_set(e, APP_EINVAL, "bad_config",
		    "socket path must be non-empty and contain no ':'");
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return err_set(e, APP_EINVAL, "bad_config",
			    "%s exists and is not a socket", path);
		if (unlink(path) != 0)
			return err_set(e, APP_EINTERNAL, "socket",
			    "cannot remove stale %s: %s", path,
			    strerror(errno));
	}
	/*
	 * Born owner-only, so no one else can connect before the configured
	 * group and mode are in place. umask is process-wide, but our workers
	 * have not started, and a file another thread created in this instant
	 * would merely be owner-only.
	 */
	old = umask(0177);
	fd = FCGX_OpenSocket(path, FCGI_BACKLOG);
	umask(old);
	if (fd < 0)
		return err_set(e, APP_EINTERNAL, "socket",
		    "cannot listen on %s", path);
	if ((rc = fcgi_sock_perms(path, e)) != 0) {
		close(fd);
		unlink(path);
		return rc;
	}
	return fd;
}

/*
 * Whoever can connect to the socket can send any FastCGI params (a forged
 * REMOTE_ADDR, say): only the owner and PARLEY_SOCKET_GROUP (nginx's
 * workers' group) may, with PARLEY_SOCKET_MODE. Without a loaded cfg
 * (tests), 0660 and the creator's group.
 */
static int
fcgi_sock_perms(const char *path, struct err *e)
{
	const char	*group = cfg_str(CFG_SOCKET_GROUP);
	long		 mode = cfg_int(CFG_SOCKET_MODE);
	struct group	 gr, *grp = NULL;
	char		 buf[4096];
	int		 rc;

	if (mode == 0)
		mode = FCGI_SOCK_MODE;
	if ((mode & ~0666L) != 0 || (mode & 0600) != 0600)
		return err_set(e, APP_EINVAL, "bad_config",
		    "bad socket mode %04lo", mode);
	if (group[0] != '\0') {
		if ((rc = getgrnam_r(group, &gr, buf, sizeof(buf), &grp)) != 0 ||
		    grp == NULL)
			return err_set(e, APP_EINVAL, "bad_config",
			    "%s: no group %s", cfg_name(CFG_SOCKET_GROUP),
			    group);
		/* lchown: never follow a link planted in the directory. */
		if (lchown(path, (uid_t)-1, grp->gr_gid) != 0)
			return err_set(e, APP_EINTERNAL, "socket",
			    "chgrp %s %s: %s", group, path, strerror(errno));
	}
	if (chmod(path, (mode_t)mode) != 0)
		return err_set(e, APP_EINTERNAL, "socket", "chmod %s: %s",
		    path, strerror(errno));
	return 0;
}

int
fcgi_serve(const struct fcgi_conf *conf, struct err *e)
{
	struct fcgi_worker	*workers = NULL;
	struct sigaction	 sa;
	sigset_t		 set, old;
	int			 fd = -1, i, started = 0, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fcgi_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: blocked calls must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (FCGX_Init() != 0) {
		rc = err_set(e, APP_EINTERNAL, "fcgi", "FCGX_Init failed");
		goto out;
	}
	if ((rc = fd = fcgi_open(conf->socket_path, e)) < 0)
		goto out;
	fcgi_listen_fd = fd;
	if (fcgi_stopping)	/* signalled before the fd was known */
		shutdown(fd, SHUT_RDWR);

	if ((workers = calloc((size_t)conf->nthreads, sizeof(*workers))) ==
	    NULL)
		abort();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	for (i = 0; i < conf->nthreads; i++) {
		workers[i].conf = conf;
		if (pthread_create(&workers[i].tid, NULL, fcgi_worker_main,
		    &workers[i]) != 0)
			break;
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started < conf->nthreads) {
		rc = err_set(e, APP_EINTERNAL, "threads",
		    "started %d of %d threads", started, conf->nthreads);
		shutdown(fd, SHUT_RDWR);
	} else {
		log_info("event=listening socket=%s threads=%d",
		    log_qv(conf->socket_path), conf->nthreads);
		rc = 0;
	}
	for (i = 0; i < started; i++)
		pthread_join(workers[i].tid, NULL);
	if (rc == 0)
		log_info("event=stopped");
out:
	fcgi_listen_fd = -1;
	if (fd >= 0) {
		close(fd);
		unlink(conf->socket_path);
	}
	free(workers);
	return rc;
}
