/*
 * contacts.h - what the contacts service's files share: its route table,
 * its handlers (h_<thing>.c), the helpers in util.c and the vCard parser in
 * vcard.c. The service owns profiles, contacts, blocks, reports, privacy
 * settings and chat-list state; every change it makes is pushed to all the
 * owner's devices on their channels parley:dev:<user>:<device>.
 */
#ifndef PARLEY_CONTACTS_H
#define PARLEY_CONTACTS_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "err.h"
#include "resp.h"
#include "route.h"

#define CT_PHONE_MAX		16	/* "+" and 15 digits */
#define CT_NAME_MAX		64	/* a contact's name, characters */
#define CT_DISCOVER_MAX		500	/* numbers per discover request */
#define CT_VCARD_MAX_BYTES	(1024 * 1024)
#define CT_VCARD_MAX_CARDS	5000
#define CT_VCARD_MAX_ERRORS	100	/* per-card errors reported */
#define CT_REPORT_MSGS		5	/* messages a report may attach */
#define CT_REPORT_TEXT_MAX	4096	/* characters per attached message */
#define CT_REPORT_REASON_MAX	500
#define CT_REPORTS_HOURLY	20
#define CT_PINS_MAX		3
#define CT_LIST_NAME_MAX	30
#define CT_LIST_CHATS_MAX	500
#define CT_LISTS_MAX		20	/* custom lists per user */
#define CT_EXCEPTIONS_MAX	1000	/* users per exception list */
#define CT_QUOTA_WINDOW		86400	/* the discovery quota's window, s */

extern const struct route	contacts_routes[];
extern const size_t		contacts_nroutes;

/* --- util.c ----------------------------------------------------------- */


/*
 * Normalises a phone number as people type it ("+44 (20) 7946-0958",
 * "tel:+1.555.123.4567") into E.164 in out: a leading "+", then only
 * digits; spaces, dots, dashes, slashes and parentheses are dropped.
 * Returns 1 when the result is valid E.164 (as the schema accepts), else 0.
 */
int	ct_phone_norm(const char *in, char out[CT_PHONE_MAX + 1]);

/* 1 if s is E.164 exactly as stored: "+", a non-zero digit, 7-14 more. */

/*
 * The path parameter name as a canonical uuid, or 400 invalid_<what> (a
 * malformed id can never name anything). *out points into the arena.
 */
int	ct_param_uuid(struct req *r, const char *name, const char *what,
	    const char **out, struct err *e);

/*
 * 1 if s is one of the NULL-terminated choices. ct_enum() reads an
 * optional string field that must be one of choices: 400 invalid_field
 * naming the field and the allowed values otherwise.
 */
int	ct_in(const char *s, const char *const *choices);
int	ct_enum(const json_t *obj, const char *key,
	    const char *const *choices, const char **out, struct err *e);

/*
 * A JSON array of at most max uuids as a Postgres array literal in the
 * arena ("{...}"), its length in *nout (may be NULL). 400 invalid_field
 * naming field otherwise.
 */
int	ct_uuid_array(struct req *r, const json_t *arr, const char *field,
	    size_t max, const char **out, size_t *nout, struct err *e);

/*
 * Runs sql whose single row has one column of JSON text and parses it into
 * *out (a new reference). No row: APP_ENOTFOUND with slug and message.
 */
int	ct_query_json(struct req *r, const char *sql, int n,
	    const char *const *vals, const char *slug, const char *msg,
	    json_t **out, struct err *e);

/*
 * Runs sql for its effect only. Returns 0 or the db error; *affected (may
 * be NULL) gets the number of rows touched.
 */
int	ct_exec(struct req *r, const char *sql, int n, const char *const *vals,
	    long *affected, struct err *e);

/*
 * Sends ev (borrowed) to every device of user on its channel, so every
 * open tab updates. Best effort: the change is already committed, so a
 * Redis failure is logged, never returned.
 */
void	ct_publish(struct req *r, const char *user, const json_t *ev);

/*
 * Ends watcher's live presence watches on owner (parley:watch:<owner>, set
 * by the messages service), so a block hides presence at once rather than
 * when the watch expires. Best effort, like ct_publish().
 */
void	ct_unwatch(struct req *r, const char *owner, const char *watcher);

/*
 * Takes n lookups from the user's daily discovery quota (Redis). 0, 429
 * discovery_quota with Retry-After when it would go over (nothing is
 * taken), or 503 when Redis is down (fail closed). ct_quota_refund() gives
 * n back after the guarded action failed.
 */
int	ct_quota_take(struct req *r, long n, struct err *e);
void	ct_quota_refund(struct req *r, long n);

/* --- vcard.c: the .vcf parser (pure, unit-tested) ---------------------- */

struct vc_entry {
	char	 phone[CT_PHONE_MAX + 1];	/* E.164 */
	char	*name;				/* UTF-8, arena */
	int	 card;				/* 1-based card number */
};

struct vc_error {
	int		 card;		/* 1-based; 0 for the whole file */
	int		 line;		/* where the card starts */
	const char	*reason;	/* a slug, e.g. "no_phone" */
};

struct vc_result {
	struct vc_entry	*entries;	/* arena */
	size_t		 nentries;
	size_t		 cap;		/* of entries */
	struct vc_error	*errors;	/* arena, at most CT_VCARD_MAX_ERRORS */
	size_t		 nerrors;
	size_t		 nerrors_total;
	size_t		 ncards;
};

/*
 * Parses a vCard 2.1/3.0/4.0 file of len bytes: one entry per (card, valid
 * international TEL) with the card's FN (else N, else the number) as
 * name. A bad card is reported in errors and skipped. Fatal problems fail
 * the whole file and fill nothing: 413 vcard_too_large, 400 invalid_vcard
 * (not UTF-8, no card at all, a card left open, more than
 * CT_VCARD_MAX_CARDS cards).
 */
int	vc_parse(const char *buf, size_t len, struct arena *a,
	    struct vc_result *out, struct err *e);

/* --- handlers ---------------------------------------------------------- */

int	h_contacts_list(struct req *, struct resp *, struct err *);
int	h_contact_add(struct req *, struct resp *, struct err *);
int	h_contact_rename(struct req *, struct resp *, struct err *);
int	h_contact_delete(struct req *, struct resp *, struct err *);
int	h_discover(struct req *, struct resp *, struct err *);
int	h_import(struct req *, struct resp *, struct err *);
int	h_profile(struct req *, struct resp *, struct err *);
int	h_blocks_list(struct req *, struct resp *, struct err *);
int	h_block(struct req *, struct resp *, struct err *);
int	h_unblock(struct req *, struct resp *, struct err *);
int	h_report(struct req *, struct resp *, struct err *);
int	h_privacy_get(struct req *, struct resp *, struct err *);
int	h_privacy_patch(struct req *, struct resp *, struct err *);
int	h_chatlist_get(struct req *, struct resp *, struct err *);
int	h_chat_patch(struct req *, struct resp *, struct err *);
int	h_list_create(struct req *, struct resp *, struct err *);
int	h_list_patch(struct req *, struct resp *, struct err *);
int	h_list_delete(struct req *, struct resp *, struct err *);

#endif
