/*
 * sweep.c - the messages service's retention sweeper. Envelopes a device
 * never acknowledges expire after PARLEY_ENVELOPE_TTL_DAYS (as WhatsApp's
 * do after 30 days; the sender is told nothing more), and the idempotency
 * records of sends go after PARLEY_SENDS_KEEP_DAYS (a retry or a read
 * receipt that late finds nothing).
 *
 * This is background work, never done inside a request: a thread per
 * process wakes every PARLEY_SWEEP_INTERVAL seconds with its own Postgres
 * handle and calls msg_sweep() in SQL (sql/007) until a batch comes back
 * short, at most MSG_SWEEP_ROUNDS times. msg_sweep() takes a
 * transaction-level advisory lock or returns at once, so with several
 * instances one sweeps and the others skip; each statement deletes at most
 * MSG_SWEEP_BATCH rows of each kind, so no sweep holds locks for long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "svc.h"
#include "messages.h"

static void	*sweep_main(void *);
static int	 sweep_once(struct db *, long long, long long, long long *,
		    long long *, int *, struct err *);

/* One msg_sweep() call; *locked 0 when another instance holds the lock. */
static int
sweep_once(struct db *db, long long env_cut, long long sends_cut,
    long long *envelopes, long long *sends, int *locked, struct err *e)
{
	static const char sql[] = "SELECT envelopes, sends FROM "
	    "msg_sweep($1, $2, $3)";
	char		 ec[24], sc[24], batch[16];
	const char	*vals[3] = { ec, sc, batch };
	PGresult	*res;

	snprintf(ec, sizeof(ec), "%lld", env_cut);
	snprintf(sc, sizeof(sc), "%lld", sends_cut);
	snprintf(batch, sizeof(batch), "%d", MSG_SWEEP_BATCH);
	if ((res = db_exec(db, sql, 3, vals, e)) == NULL)
		return e->code;
	*locked = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
	if (*locked) {
		*envelopes = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*sends = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
	return 0;
}

int
msg_sweep(struct db *db, long long *envelopes, long long *sends,
    struct err *e)
{
	long long	now = msg_now_ms(), ne = 0, ns = 0;
	long long	env_cut, sends_cut;
	int		round, locked, rc;

	/* The cuts are fixed for the sweep, so it ends even under load. */
	env_cut = now - cfg_int(CFG_ENVELOPE_TTL_DAYS) * 86400000LL;
	sends_cut = now - cfg_int(CFG_SENDS_KEEP_DAYS) * 86400000LL;
	for (round = 0; round < MSG_SWEEP_ROUNDS; round++) {
		if ((rc = sweep_once(db, env_cut, sends_cut, &ne, &ns, &locked,
		    e)) != 0)
			return rc;
		if (!locked)
			break;
		*envelopes += ne;
		*sends += ns;
		if (ne < MSG_SWEEP_BATCH && ns < MSG_SWEEP_BATCH)
			break;
	}
	return 0;
}

static void *
sweep_main(void *arg)
{
	struct timespec	 ts = { cfg_int(CFG_SWEEP_INTERVAL), 0 };
	struct db	*db;
	struct err	 e;
	long long	 ne, ns;

	(void)arg;
	db = db_create(cfg_str(CFG_DB), (int)cfg_int(CFG_DB_CONNECT_TIMEOUT));
	for (;;) {
		/* The first sleep also lets svc_main() finish log_init(). */
		nanosleep(&ts, NULL);
		err_clear(&e);
		ne = ns = 0;
		/* Postgres down: db.c's backoff gate makes this cheap. */
		if (msg_sweep(db, &ne, &ns, &e) != 0) {
			if (e.code != APP_EUNAVAIL)
				log_warn("event=sweep_failed code=%s", e.slug);
			continue;
		}
		if (ne > 0 || ns > 0)
			log_info("event=sweep expired_envelopes=%lld "
			    "pruned_sends=%lld", ne, ns);
	}
	return NULL;
}

int
msg_configure(struct err *e)
{
	return svc_spawn(sweep_main, "retention sweeper", e);
}
