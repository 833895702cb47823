/*
 * session.c - creating a session and revoking sessions and devices.
 *
 * A revocation is two steps: sess_revoke() deletes rows inside the
 * caller's transaction and remembers what went; after the commit,
 * sess_revoked_finish() drops the Redis cache entries (so every service
 * refuses the cookie at once) and tells each removed device's WebSocket
 * to close. Doing the Redis work only after the commit means a rolled
 * back revocation never logs anyone out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "auth_svc.h"
#include "db.h"
#include "kv.h"
#include "log.h"

#define SESS_COOKIE_ATTRS	"Path=/; HttpOnly; Secure; SameSite=Strict"
#define SESS_MAX_AGE		31536000	/* a year; revocable any time */

static const char sess_logged_out[] = "{\"type\":\"logged_out\"}";

int
sess_create(struct req *r, struct resp *resp, const char *user, int device,
    int pin_pending, struct err *e)
{
	char		 tok[CRYP_TOKEN_LEN], dev[16];
	uint8_t		 hash[CRYP_HASH_LEN];
	const char	*vals[4];
	const int	 lens[4] = { CRYP_HASH_LEN, 0, 0, 0 };
	const int	 fmts[4] = { 1, 0, 0, 0 };
	PGresult	*res;
	int		 rc = 0;

	cryp_token(tok);
	cryp_hash_token(hash, tok, strlen(tok));
	snprintf(dev, sizeof(dev), "%d", device);
	vals[0] = (const char *)hash;
	vals[1] = user;
	vals[2] = dev;
	vals[3] = pin_pending ? "t" : "f";
	if ((res = db_execb(r->db, "INSERT INTO sessions "
	    "(token_hash, user_id, device_id, pin_pending) "
	    "VALUES ($1, $2, $3, $4)", 4, vals, lens, fmts, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	PQclear(res);
	resp_header(resp, "Set-Cookie", "%s=%s; Max-Age=%d; " SESS_COOKIE_ATTRS,
	    AUTH_COOKIE, tok, SESS_MAX_AGE);
out:
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

void
sess_clear_cookie(struct resp *resp)
{
	resp_header(resp, "Set-Cookie", "%s=; Max-Age=0; " SESS_COOKIE_ATTRS,
	    AUTH_COOKIE);
}

int
sess_collect_hashes(struct req *r, PGresult *res, int col,
    struct sess_revoked *rv, struct err *e)
{
	uint8_t		*all;
	const char	*v;
	size_t		 n, i, len;
	int		 k;

	n = (size_t)PQntuples(res);
	all = arena_alloc(r->arena, (rv->nhashes + n) * CRYP_HASH_LEN + 1);
	if (rv->nhashes > 0)
		memcpy(all, rv->hashes, rv->nhashes * CRYP_HASH_LEN);
	for (k = 0; k < (int)n; k++) {
		v = PQgetvalue(res, k, col);
		if (strncmp(v, "\\x", 2) != 0 ||
		    sodium_hex2bin(all + (rv->nhashes + (size_t)k) *
		    CRYP_HASH_LEN, CRYP_HASH_LEN, v + 2, strlen(v + 2), NULL,
		    &len, NULL) != 0 || len != CRYP_HASH_LEN)
			return err_set(e, APP_EINTERNAL, "internal",
			    "bad session hash");
	}
	i = rv->nhashes + n;
	rv->hashes = all;
	rv->nhashes = i;
	return 0;
}

int
sess_revoke(struct req *r, const char *user, int device, int drop_user,
    struct sess_revoked *rv, struct err *e)
{
	const char	*vals[2];
	char		 dev[16];
	PGresult	*res = NULL;
	int		 rc, k;

	snprintf(rv->user, sizeof(rv->user), "%s", user);
	snprintf(dev, sizeof(dev), "%d", device);
	vals[0] = user;
	vals[1] = dev;
	if ((res = db_exec(r->db, "DELETE FROM sessions WHERE user_id = $1 "
	    "AND ($2 = 0 OR device_id = $2) RETURNING token_hash", 2, vals,
	    e)) == NULL)
		return e->code;
	rc = sess_collect_hashes(r, res, 0, rv, e);
	PQclear(res);
	if (rc != 0)
		return rc;
	/* The keys go with the device (ON DELETE CASCADE). */
	if ((res = db_exec(r->db, "DELETE FROM devices WHERE user_id = $1 "
	    "AND ($2 = 0 OR id = $2) RETURNING id", 2, vals, e)) == NULL)
		return e->code;
	rv->ndevices = (size_t)PQntuples(res);
	rv->devices = arena_calloc(r->arena, rv->ndevices + 1, sizeof(int));
	for (k = 0; k < PQntuples(res); k++)
		rv->devices[k] = atoi(PQgetvalue(res, k, 0));
	PQclear(res);
	if (drop_user) {
		if ((res = db_exec(r->db, "DELETE FROM users WHERE id = $1", 1,
		    vals, e)) == NULL)
			return e->code;
		PQclear(res);
	}
	return 0;
}

void
sess_revoked_finish(struct req *r, const struct sess_revoked *rv)
{
	char		chan[AUTH_CHANNEL_LEN];
	struct err	e;
	size_t		i;

	auth_uncache(r->kv, rv->hashes, rv->nhashes, &e);
	for (i = 0; i < rv->ndevices; i++) {
		auth_device_channel(chan, rv->user, rv->devices[i]);
		if (kv_publish(r->kv, chan, sess_logged_out,
		    sizeof(sess_logged_out) - 1, &e) < 0)
			log_warn("event=logout_publish_failed user=%s "
			    "device=%d err=%s", rv->user, rv->devices[i],
			    e.slug);
	}
}
