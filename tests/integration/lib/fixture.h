/*
 * fixture.h - users, devices and sessions for integration tests, created
 * directly in the test stack's Postgres (as the superuser, over its socket),
 * so that tests of other services do not depend on the registration flow.
 * The sessions are real: the services resolve the cookies through
 * common/auth exactly as for a browser. Every user gets a random phone
 * number, so tests running in parallel never collide.
 */
#ifndef PARLEY_TEST_FIXTURE_H
#define PARLEY_TEST_FIXTURE_H

#include <libpq-fe.h>

#include "http.h"

#define FX_MAX_DEVICES 5

struct fx_device {
	int			 id;
	char			 token[48];	/* the session token (cookie value) */
	char			 cookie[80];	/* "parley_session=<token>" */
	struct http_client	*http;		/* a client sending that cookie */
};

struct fx_user {
	char			 id[37];	/* uuid */
	char			 phone[20];
	char			 name[32];
	int			 ndevices;
	struct fx_device	 dev[FX_MAX_DEVICES];
};

/* A superuser connection to the application database (caller PQfinish()es). */
PGconn	*fx_db(void);

/* Runs one parameterised statement as the superuser; asserts success. */
void	 fx_exec(const char *sql, int n, const char *const *params);

/* A user named name (may be NULL) with ndevices devices, each logged in. */
void	 fx_user_create(struct fx_user *u, const char *name, int ndevices);

/* One more logged-in device; returns its index in u->dev. */
int	 fx_device_add(struct fx_user *u);

/* Deletes the user (devices, sessions and everything cascading) and the clients. */
void	 fx_user_destroy(struct fx_user *u);

/* A random E.164 number, "+1555" and 10 digits. */
void	 fx_random_phone(char out[20]);

#endif
