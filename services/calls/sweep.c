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
 *
 * The same thread prunes, every PARLEY_SWEEP_INTERVAL seconds, ended calls
 * older than PARLEY_CALLS_KEEP_DAYS that no call-log entry shows any more
 * (calls_prune() in sql/007: one instance at a time, bounded batches).
 * Calls a log entry still shows stay: deleting them would delete the
 * entry, which only its owner may do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "calls.h"
#include "cfg.h"
#include "db.h"
#include "kv.h"
#include "log.h"
#include "svc.h"

static void	*sweep_main(void *);
static void	 sweep_prune(struct db *);

/* Old ended calls nobody's log shows; best effort, logged. */
static void
sweep_prune(struct db *db)
{
	static const char sql[] = "SELECT calls_prune($1, $2)";
	char		 days[16], batch[16];
	const char	*vals[2] = { days, batch };
	PGresult	*res;
	struct err	 e;
	int		 round;
	long		 n;

	snprintf(days, sizeof(days), "%ld", cfg_int(CFG_CALLS_KEEP_DAYS));
	snprintf(batch, sizeof(batch), "%d", CALLS_PRUNE_BATCH);
	for (round = 0; round < CALLS_PRUNE_ROUNDS; round++) {
		err_clear(&e);
		if ((res = db_exec(db, sql, 2, vals, &e)) == NULL) {
			if (e.code != APP_EUNAVAIL)
				log_warn("event=prune_failed code=%s", e.slug);
			return;
		}
		/* NULL: another instance is pruning. */
		n = PQgetisnull(res, 0, 0) ? 0 :
		    strtol(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		if (n > 0)
			log_info("event=calls_pruned calls=%ld", n);
		if (n < CALLS_PRUNE_BATCH)
			return;
	}
}

static void *
sweep_main(void *arg)
{
	struct timespec	 ts = { CALLS_SWEEP_MS / 1000,
			    (CALLS_SWEEP_MS % 1000) * 1000000L };
	struct db	*db;
	struct kv	*kv;
	struct err	 e;
	long		 ticks = 0, every;

	(void)arg;
	every = cfg_int(CFG_SWEEP_INTERVAL) * 1000 / CALLS_SWEEP_MS;
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
		if (++ticks >= every) {
			ticks = 0;
			sweep_prune(db);
		}
	}
	return NULL;
}

int
calls_configure(struct err *e)
{
	return svc_spawn(sweep_main, "call sweeper", e);
}
