/*
 * fixture.c - test users, devices and sessions in Postgres (see fixture.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "fixture.h"

PGconn *
fx_db(void)
{
	const char *var = getenv("PARLEY_VAR");
	char conninfo[512];
	PGconn *c;

	cr_assert_not_null(var, "PARLEY_VAR is not set: run through make test");
	snprintf(conninfo, sizeof(conninfo), "host=%s/pgsock dbname=parley user=postgres", var);
	c = PQconnectdb(conninfo);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	return c;
}

static PGresult *
fx_query(PGconn *c, const char *sql, int n, const char *const *params,
    const int *lengths, const int *formats)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, lengths, formats, 0);

	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
	return r;
}

void
fx_exec(const char *sql, int n, const char *const *params)
{
	PGconn *c = fx_db();

	PQclear(fx_query(c, sql, n, params, NULL, NULL));
	PQfinish(c);
}

void
fx_random_phone(char out[20])
{
	if (sodium_init() < 0)
		cr_assert_fail("sodium_init");
	snprintf(out, 20, "+1555%05u%05u", randombytes_uniform(100000),
	    randombytes_uniform(100000));
}

static void
fx_session(PGconn *c, struct fx_user *u, struct fx_device *d)
{
	unsigned char raw[32], hash[32];
	char devid[16];
	const char *params[3];
	int lengths[3] = { 0, 0, sizeof(hash) }, formats[3] = { 0, 0, 1 };

	randombytes_buf(raw, sizeof(raw));	/* sodium_init() ran in fx_random_phone() */
	sodium_bin2base64(d->token, sizeof(d->token), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_generichash(hash, sizeof(hash), (unsigned char *)d->token,
	    strlen(d->token), NULL, 0);
	snprintf(devid, sizeof(devid), "%d", d->id);
	snprintf(d->cookie, sizeof(d->cookie), "parley_session=%s", d->token);
	params[0] = u->id;
	params[1] = devid;
	params[2] = (const char *)hash;
	/* Random key material of the right sizes: a device counts as a
	 * message destination once it has identity keys. */
	PQclear(fx_query(c, "INSERT INTO devices (user_id, id, name, ik_sig, ik_dh, "
	    "ik_dh_sig) VALUES ($1, $2, 'test', decode(md5(random()::text) || "
	    "md5(random()::text), 'hex'), decode(md5(random()::text) || "
	    "md5(random()::text), 'hex'), decode(repeat(md5(random()::text), 4), 'hex'))",
	    2, params, NULL, NULL));
	PQclear(fx_query(c, "INSERT INTO sessions (user_id, device_id, token_hash) "
	    "VALUES ($1, $2, $3)", 3, params, lengths, formats));
	PQclear(fx_query(c, "UPDATE users SET next_device_id = $2::int + 1 WHERE id = $1",
	    2, params, NULL, NULL));
	d->http = http_client_create();
	http_client_header(d->http, "Cookie", d->cookie);
}

void
fx_user_create(struct fx_user *u, const char *name, int ndevices)
{
	const char *params[2];
	PGconn *c = fx_db();
	PGresult *r;
	int i;

	cr_assert(ndevices >= 1 && ndevices <= FX_MAX_DEVICES);
	memset(u, 0, sizeof(*u));
	fx_random_phone(u->phone);
	snprintf(u->name, sizeof(u->name), "%s", name != NULL ? name : "Tester");
	params[0] = u->phone;
	params[1] = u->name;
	r = fx_query(c, "INSERT INTO users (phone, name) VALUES ($1, $2) RETURNING id",
	    2, params, NULL, NULL);
	snprintf(u->id, sizeof(u->id), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	for (i = 0; i < ndevices; i++) {
		u->dev[i].id = i + 1;
		fx_session(c, u, &u->dev[i]);
	}
	u->ndevices = ndevices;
	PQfinish(c);
}

int
fx_device_add(struct fx_user *u)
{
	PGconn *c;
	int i = u->ndevices;

	cr_assert_lt(i, FX_MAX_DEVICES);
	c = fx_db();
	u->dev[i].id = i + 1;
	fx_session(c, u, &u->dev[i]);
	u->ndevices++;
	PQfinish(c);
	return i;
}

void
fx_user_destroy(struct fx_user *u)
{
	const char *params[1] = { u->id };
	int i;

	fx_exec("DELETE FROM users WHERE id = $1", 1, params);
	for (i = 0; i < u->ndevices; i++)
		http_client_destroy(u->dev[i].http);
	memset(u, 0, sizeof(*u));
}
