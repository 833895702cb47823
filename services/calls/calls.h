/*
 * calls.h - what the calls service's files share: its route table, its
 * handlers (h_<thing>.c), the call store and event fan-out (store.c), the
 * ring-timeout sweeper (sweep.c) and TURN credentials (turn.c).
 *
 * A call is a row of the calls table (sql/005_calls.sql) that moves
 * ringing -> accepted -> ended, or ringing -> ended. Every transition is one
 * conditional UPDATE (WHERE state = ...), so two devices or two instances
 * racing for the same call cannot both win; creating a call locks both
 * users (advisory locks, in a fixed order) so busy and glare checks see
 * each other's calls. Only after the commit are events published on the
 * devices' channels parley:dev:<user>:<device>:
 *
 *   call_ring      {call_id, from:{u,d}, media, created_at, expires_at}
 *   call_accepted  {call_id, by:{u,d}, glare}        to the caller's device
 *   call_stop      {call_id, reason}   a callee device stops ringing;
 *                  reason answered_elsewhere|declined|cancelled|missed|...
 *   call_ended     {call_id, reason, by}  to the devices in the call
 *   call_signal    {call_id, from:{u,d}, blob}  opaque e2e ciphertext
 *   call_log       {op:"upsert", entry} | {op:"delete", ids} | {op:"clear"}
 *   call_settings  {relay_only}
 *
 * Signalling blobs are relayed, never stored and never logged.
 */
#ifndef PARLEY_CALLS_H
#define PARLEY_CALLS_H

#include <stddef.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "resp.h"
#include "route.h"

#define CALLS_BLOB_MAX		65536	/* decoded bytes of a signal blob */
#define CALLS_BLOB_CHARS	87382	/* its base64url length, no padding */
#define CALLS_LOG_PAGE		50	/* default call-log page */
#define CALLS_LOG_PAGE_MAX	100
#define CALLS_SWEEP_MS		1000	/* the sweeper thread's period */
#define CALLS_PRUNE_BATCH	5000	/* calls per prune statement */
#define CALLS_PRUNE_ROUNDS	20	/* statements per prune at most */
#define CALLS_START_MAX		30	/* calls a user may start per minute */
#define CALLS_SIGNAL_MAX	1200	/* signals per device per minute */

struct kv;

extern const struct route	calls_routes[];
extern const size_t		calls_nroutes;

/* One row of calls, as the handlers need it. Strings are "" when NULL. */
struct call {
	char	id[ROUTE_UUID_LEN];
	char	caller[ROUTE_UUID_LEN];
	int	caller_device;
	char	callee[ROUTE_UUID_LEN];
	char	media[8];		/* voice | video */
	char	state[12];		/* ringing | accepted | ended */
	char	end_reason[12];
	int	silent;			/* the callee blocked the caller */
	int	answered_by;		/* 0 until accepted */
	char	created_at[32];		/* RFC 3339 UTC */
	char	expires_at[32];		/* when ringing turns missed */
};

/* --- store.c ---------------------------------------------------------- */

/* The columns calls_row() reads, in order, for SELECT/RETURNING. */
extern const char	calls_cols[];

/*
 * Parses the body as a JSON object with only the allowed keys. An empty
 * body counts as {} when empty_ok. *out is a new reference.
 */
int	calls_body(const struct req *r, const char *const *allowed,
	    int empty_ok, json_t **out, struct err *e);

/* The path parameter "id" as a uuid, or 404 call_not_found. */
int	calls_param_id(struct req *r, const char **out, struct err *e);

/* Fills c from row i of a result of calls_cols. */
void	calls_row(const PGresult *res, int i, struct call *c);

/*
 * Loads the call id as the requesting user may see it: 404 call_not_found
 * when it does not exist, when the user is neither caller nor callee, or
 * when it is a silent call and the user is its callee.
 */
int	calls_get(struct req *r, const char *id, struct call *c,
	    struct err *e);

/*
 * Takes the transaction-scoped advisory locks of users a and b (in a fixed
 * order, so two transactions locking the same pair cannot deadlock).
 * Inside db_begin() only.
 */
int	calls_lock_users(struct db *db, const char *a, const char *b,
	    struct err *e);

/*
 * Ends expired ringing calls as missed and publishes what that changes.
 * Cheap when nothing expired (a partial index of ringing calls). Returns
 * the number of calls ended, or a negative error with e set.
 */
int	calls_sweep(struct db *db, struct kv *kv, struct err *e);

/*
 * Ends call id if it is still in state from: reason, ended_by (NULL: the
 * server). Returns 1 and refreshes *c when this call made the change, 0
 * when someone else changed the call first, or a negative error.
 */
int	calls_end(struct db *db, const char *id, const char *from,
	    const char *reason, const char *ended_by, int with_message,
	    struct call *c, struct err *e);

/*
 * Accepts call id for callee user on device dev if it is still ringing,
 * not silent and not expired. Returns 1 and fills *c when this call won,
 * 0 when it did not (answered, ended or expired), or a negative error.
 */
int	calls_accept(struct db *db, const char *id, const char *user, int dev,
	    struct call *c, struct err *e);

/*
 * 1 if user is in a call: an accepted call on either side or a live
 * outgoing call (ringing counts); 0 if not; negative on error.
 */
int	calls_user_busy(struct db *db, const char *user, struct err *e);

/* Publishes ev (borrowed) to one device's channel. Best effort. */
void	calls_publish_dev(struct kv *kv, const char *user, int dev,
	    const json_t *ev);

/* Publishes ev to every device of user except skip_dev (0: none). */
void	calls_publish_user(struct db *db, struct kv *kv, const char *user,
	    int skip_dev, const json_t *ev);

/*
 * After c ended (it was in state prev): call_ended to the devices in the
 * call, call_stop to callee devices that were ringing, call_log upserts to
 * both users. actor_user/actor_dev (NULL/0: the server) is not told.
 */
void	calls_notify_end(struct db *db, struct kv *kv, const struct call *c,
	    const char *prev, const char *actor_user, int actor_dev);

/* After c was accepted: call_accepted, call_stop, call_log. */
void	calls_notify_accept(struct db *db, struct kv *kv,
	    const struct call *c, int glare);

/* Pushes {"type":"call_log","op":"upsert"} for every log row of call_id. */
void	calls_log_push(struct db *db, struct kv *kv, const char *call_id);

/* {call_id, role, state, media, peer, created_at, ...} for an answer. */
json_t	*calls_json(const struct call *c, const char *me);

/*
 * Answers status with calls_json(c) plus "glare" and the requester's TURN
 * credentials ("turn", null when no relay is configured).
 */
int	calls_answer(struct req *r, struct resp *resp, const struct call *c,
	    int status, int glare, struct err *e);

/* Lower-cases ASCII s in place; returns s. */
char	*calls_lower(char *s);

/* 1 if s is one of the NULL-terminated choices. */
int	calls_in(const char *s, const char *const *choices);

/* The 409 (already_answered or call_ended) for a call not ringing. */
int	calls_not_ringing(const struct call *c, struct err *e);

/* --- turn.c ----------------------------------------------------------- */

/*
 * TURN REST credentials for user (coturn use-auth-secret): username
 * "<expiry>:<user>", credential base64(HMAC-SHA1(secret, username)),
 * with the configured URLs, ttl and the user's ice_transport_policy
 * ("relay" with relay_only). A new reference, or NULL with e set (503
 * turn_unavailable when no secret is configured).
 */
json_t	*turn_credentials(struct req *r, struct err *e);

/*
 * The credential for username with secret into out (standard base64 with
 * padding, 29 bytes with the NUL). 0, or APP_EINTERNAL.
 */
#define TURN_CRED_LEN	29
int	turn_hmac(const char *secret, const char *username,
	    char out[TURN_CRED_LEN]);

/* --- sweep.c ---------------------------------------------------------- */

/* svc_def.configure: starts the sweeper thread. */
int	calls_configure(struct err *e);

/* --- handlers ---------------------------------------------------------- */

int	h_call_create(struct req *, struct resp *, struct err *);
int	h_call_accept(struct req *, struct resp *, struct err *);
int	h_call_decline(struct req *, struct resp *, struct err *);
int	h_call_hangup(struct req *, struct resp *, struct err *);
int	h_call_signal(struct req *, struct resp *, struct err *);
int	h_calls_active(struct req *, struct resp *, struct err *);
int	h_call_log(struct req *, struct resp *, struct err *);
int	h_call_log_delete(struct req *, struct resp *, struct err *);
int	h_call_log_clear(struct req *, struct resp *, struct err *);
int	h_turn(struct req *, struct resp *, struct err *);
int	h_call_settings_get(struct req *, struct resp *, struct err *);
int	h_call_settings_patch(struct req *, struct resp *, struct err *);

#endif
