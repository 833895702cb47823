/*
 * svc.h - the one start-up sequence every FastCGI service shares:
 *
 *   int main(int argc, char **argv) { return svc_main(argc, argv, &def); }
 *
 * cfg_load (exit 2 on bad configuration) -> the service's own configure
 * hook -> log_init -> cryp_init -> the route hooks (authentication by
 * auth_resolve() unless the service names another, and the Origin check
 * against PARLEY_ORIGIN) ->
 * per-thread db and kv handles (lazy: a service starts and answers 503
 * while Postgres or Redis is down, and recovers by itself) -> fcgi_serve
 * until SIGTERM -> exit 0.
 */
#ifndef PARLEY_SVC_H
#define PARLEY_SVC_H

#include <stddef.h>

#include "err.h"
#include "resp.h"
#include "route.h"

struct svc_def {
	const char		*name;		/* "auth", ... */
	const struct route	*routes;
	size_t			 nroutes;
	route_auth_fn		 authenticate;	/* NULL: auth_resolve() */
	/*
	 * Optional: checks the service's own settings and sets up process-wide
	 * state, after cfg_load() and before threads start. 0, or a negative
	 * code with e set (the process exits 2).
	 */
	int			(*configure)(struct err *e);
};

/*
 * Runs the service; returns the process exit status: 0 after SIGTERM, 1
 * if it cannot listen, 2 for bad configuration or usage.
 */
int	svc_main(int argc, char **argv, const struct svc_def *def);

/*
 * Loads and checks the configuration a FastCGI service needs (cfg_load()
 * plus a non-empty PARLEY_SOCKET). 0, or APP_EINVAL with e set.
 */
int	svc_config(struct err *e);

/*
 * GET /api/<svc>/health: pings Postgres and Redis through the request's
 * handles. 200 {"status":"ok","service":..,"postgres":"ok","redis":"ok"},
 * or 503 with the error envelope plus the same fields ("down" for a
 * failed backend).
 */
int	svc_h_health(struct req *r, struct resp *resp, struct err *e);

/*
 * Starts fn on a detached background thread (a service's sweeper) from
 * its configure hook, with SIGTERM and SIGINT blocked in it so they stay
 * with the threads that stop the service. 0, or APP_EINTERNAL with e set
 * ("cannot start the <what>").
 */
int	svc_spawn(void *(*fn)(void *), const char *what, struct err *e);

#endif
