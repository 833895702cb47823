/*
 * sweep.c - the ring-timeout sweeper. An unanswered call must end as
 * missed on time even if nobody touches it again, so the caller's screen
 * and every ringing device stop together. Two mechanisms:
 *
 *   - lazily: handlers that act on calls first run calls_sweep(), and the
 *     accept UPDATE itself refuses an expired call, so no answer ever
 *     depends on the sweeper's timing;
 *   - a thread per process runs calls_sweep() every CALLS_SWEEP_MS with
 *     its own Postgres and Redis handles, so the missed-call events go out
 *     within a second of the deadline.
 *
 * calls_sweep() is one UPDATE over a partial index of ringing calls: with
 * nothing expired it touches no row, so running it in every instance
 * costs little, and with several instances each expired call is ended
 * (and announced) by exactly the one whose UPDATE got it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "calls.h"
#include "cfg.h"
#include "db.h"
#include "kv.h"
#include "log.h"

static void	*sweep_main(void *);

static void *
sweep_main(void *arg)
{
	struct timespec	 ts = { CALLS_SWEEP_MS / 1000,
			    (CALLS_SWEEP_MS % 1000) * 1000000L };
	struct db	*db;
	struct kv	*kv;
	struct err	 e;

	(void)arg;
	db = db_create(cfg_str(CFG_DB), (int)cfg_int(CFG_DB_CONNECT_TIMEOUT));
	/* The address was validated by svc_config(). */
	if ((kv = kv_create(cfg_str(CFG_REDIS),
	    (int)cfg_int(CFG_REDIS_TIMEOUT_MS), &e)) == NULL)
		abort();
	for (;;) {
		/* The first sleep also lets svc_main() finish log_init(). */
		nanosleep(&ts, NULL);
		err_clear(&e);
		/* Postgres down: db.c's backoff gate makes this cheap. */
		if (calls_sweep(db, kv, &e) < 0 && e.code != APP_EUNAVAIL)
			log_warn("event=sweep_failed code=%s", e.slug);
	}
	return NULL;
}

int
calls_configure(struct err *e)
{
	pthread_t	t;
	sigset_t	set, old;
	int		rc;

	/* SIGTERM and SIGINT stay with the threads that stop the service. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(&t, NULL, sweep_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return err_set(e, APP_EINTERNAL, "internal",
		    "cannot start the call sweeper");
	pthread_detach(t);
	return 0;
}
