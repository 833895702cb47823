/*
 * svc.c - the shared main() of the FastCGI services and their health
 * check. Postgres and Redis are never required at start: each worker
 * thread gets lazy handles, and the backoff gates in db.c and kv.c retry
 * on demand (every health check is a probe), so a service started before
 * its backends simply reports 503 until they appear.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "auth.h"
#include "cfg.h"
#include "crypto.h"
#include "db.h"
#include "fcgi.h"
#include "kv.h"
#include "log.h"
#include "svc.h"

struct svc_thread {
	struct db	*db;
	struct kv	*kv;
};

static void	*svc_thread_init(void *);
static void	 svc_thread_fini(void *);
static void	 svc_handle(struct req *, struct resp *, void *);

static const struct svc_def	*svc_def;

int
svc_config(struct err *e)
{
	struct kv	*kv;
	int		 rc;

	if ((rc = cfg_load(e)) != 0)
		return rc;
	if (cfg_str(CFG_SOCKET)[0] == '\0')
		return err_set(e, APP_EINVAL, "bad_config", "%s is required",
		    cfg_name(CFG_SOCKET));
	/* Catch a malformed Redis address now, not on the first request. */
	if ((kv = kv_create(cfg_str(CFG_REDIS), 1000, e)) == NULL)
		return err_set(e, APP_EINVAL, "bad_config",
		    "%s must be unix:/path or host:port", cfg_name(CFG_REDIS));
	kv_destroy(kv);
	return 0;
}

static void *
svc_thread_init(void *arg)
{
	struct svc_thread	*t;
	struct err		 e;

	(void)arg;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		abort();
	t->db = db_create(cfg_str(CFG_DB),
	    (int)cfg_int(CFG_DB_CONNECT_TIMEOUT));
	/* The address was validated by svc_config(). */
	if ((t->kv = kv_create(cfg_str(CFG_REDIS),
	    (int)cfg_int(CFG_REDIS_TIMEOUT_MS), &e)) == NULL)
		abort();
	return t;
}

static void
svc_thread_fini(void *arg)
{
	struct svc_thread	*t = arg;

	db_destroy(t->db);
	kv_destroy(t->kv);
	free(t);
}

static void
svc_handle(struct req *r, struct resp *resp, void *arg)
{
	struct svc_thread	*t = arg;

	r->db = t->db;
	r->kv = t->kv;
	route_dispatch(svc_def->routes, svc_def->nroutes, r, resp);
	/* A handler that forgot its transaction must not leak it. */
	db_rollback(t->db);
}

int
svc_h_health(struct req *r, struct resp *resp, struct err *e)
{
	struct err	 dbe, kve;
	int		 db_ok, kv_ok;
	json_t		*body;

	err_clear(&dbe);
	err_clear(&kve);
	db_ok = r->db != NULL && db_ping(r->db, &dbe) == 0;
	kv_ok = r->kv != NULL && kv_ping(r->kv, &kve) == 0;
	if (db_ok && kv_ok) {
		body = json_pack("{s:s,s:s,s:s,s:s}", "status", "ok",
		    "service", r->svc, "postgres", "ok", "redis", "ok");
		return resp_json(resp, 200, body);
	}
	err_set(e, APP_EUNAVAIL, "unavailable", "%s%s%s unavailable",
	    db_ok ? "" : "postgres", !db_ok && !kv_ok ? " and " : "",
	    kv_ok ? "" : "redis");
	e->retry_after = dbe.retry_after > kve.retry_after ?
	    dbe.retry_after : kve.retry_after;
	resp_error(resp, e);
	json_object_update_new(resp->body, json_pack("{s:s,s:s,s:s,s:s}",
	    "status", "unavailable", "service", r->svc,
	    "postgres", db_ok ? "ok" : "down", "redis", kv_ok ? "ok" : "down"));
	return 0;
}

int
svc_main(int argc, char **argv, const struct svc_def *def)
{
	struct fcgi_conf	conf;
	struct err		e;

	err_clear(&e);
	if (argc > 1) {
		fprintf(stderr, "usage: %s (configured by PARLEY_* "
		    "environment variables)\n", argv[0]);
		return 2;
	}
	if (svc_config(&e) != 0 ||
	    (def->configure != NULL && def->configure(&e) != 0)) {
		fprintf(stderr, "%s: configuration error: %s\n", def->name,
		    e.msg);
		return 2;
	}
	log_init(def->name, cfg_str(CFG_LOG_LEVEL));
	if (cryp_init() != 0) {
		log_error("event=start_failed err=\"sodium_init failed\"");
		return 1;
	}
	/* Dead peers show up as EPIPE, never as a fatal signal. */
	signal(SIGPIPE, SIG_IGN);
	svc_def = def;
	route_set_auth(def->authenticate != NULL ? def->authenticate :
	    auth_resolve);
	route_set_origin(cfg_str(CFG_ORIGIN));

	conf.svc = def->name;
	conf.socket_path = cfg_str(CFG_SOCKET);
	conf.nthreads = (int)cfg_int(CFG_THREADS);
	conf.max_body = (size_t)cfg_int(CFG_MAX_BODY);
	conf.thread_init = svc_thread_init;
	conf.thread_fini = svc_thread_fini;
	conf.handle = svc_handle;
	conf.arg = NULL;
	if (fcgi_serve(&conf, &e) != 0) {
		log_error("event=start_failed err=%s", log_qv(e.msg));
		return 1;
	}
	return 0;
}

int
svc_spawn(void *(*fn)(void *), const char *what, struct err *e)
{
	pthread_t	t;
	sigset_t	set, old;
	int		rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(&t, NULL, fn, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return err_set(e, APP_EINTERNAL, "internal", "cannot start the %s",
		    what);
	pthread_detach(t);
	return 0;
}
