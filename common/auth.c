/*
 * auth.c - resolving the session cookie. The hot path is one Redis GET;
 * a miss costs one indexed Postgres lookup and refills the cache for
 * PARLEY_SESSION_CACHE_TTL seconds. Only good sessions are cached:
 * unknown tokens and banned accounts always reach Postgres, so an unban
 * or a new login needs no cache work. Redis being down slows sessions
 * down to Postgres speed but never locks anyone out.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "kv.h"
#include "log.h"

#define AUTH_TOUCH_SECONDS	"60"

static int	auth_cache_get(struct req *, const char *);
static void	auth_cache_put(struct req *, const char *);
static int	auth_db_lookup(struct req *, const uint8_t *, struct err *);
static void	auth_touch(struct req *);
static int	auth_parse_entry(struct req *, const char *);

int
auth_uuid_ok(const char *s)
{
	size_t	i;

	if (strlen(s) != ROUTE_UUID_LEN - 1)
		return 0;
	for (i = 0; i < ROUTE_UUID_LEN - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int
auth_cookie_hash(const struct req *r, uint8_t out[CRYP_HASH_LEN])
{
	const char	*tok;
	uint8_t		 raw[CRYP_TOKEN_BYTES];
	size_t		 n;

	if ((tok = route_cookie(r, AUTH_COOKIE)) == NULL ||
	    strlen(tok) != CRYP_TOKEN_LEN - 1 ||
	    cryp_b64url_decode(raw, sizeof(raw), tok, strlen(tok), &n) != 0 ||
	    n != CRYP_TOKEN_BYTES)
		return APP_EUNAUTH;
	cryp_hash_token(out, tok, strlen(tok));
	return 0;
}

void
auth_cache_key(char out[AUTH_CACHE_KEY_LEN], const uint8_t hash[CRYP_HASH_LEN])
{
	memcpy(out, "parley:sess:", 12);
	sodium_bin2hex(out + 12, AUTH_CACHE_KEY_LEN - 12, hash, CRYP_HASH_LEN);
}

void
auth_device_channel(char out[AUTH_CHANNEL_LEN], const char *user, int device)
{
	snprintf(out, AUTH_CHANNEL_LEN, "parley:dev:%s:%d", user, device);
}

/* "<uuid> <device> <0|1>" into r; 0, or -1 if the entry is malformed. */
static int
auth_parse_entry(struct req *r, const char *v)
{
	char	user[ROUTE_UUID_LEN];
	int	device, pin, n = 0;

	if (sscanf(v, "%36s %d %d%n", user, &device, &pin, &n) != 3 ||
	    v[n] != '\0' || !auth_uuid_ok(user) || device <= 0 ||
	    (pin != 0 && pin != 1))
		return -1;
	memcpy(r->user_id, user, sizeof(r->user_id));
	r->device_id = device;
	r->pin_pending = pin;
	return 0;
}

/* 0 on a hit (r filled); -1 on a miss or any Redis trouble. */
static int
auth_cache_get(struct req *r, const char *key)
{
	const char	*argv[] = { "GET", key };
	redisReply	*rep;
	struct err	 e;
	int		 rc = -1;

	if (r->kv == NULL || (rep = kv_cmd(r->kv, 2, argv, NULL, &e)) == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_STRING)
		rc = auth_parse_entry(r, rep->str);
	freeReplyObject(rep);
	return rc;
}

static void
auth_cache_put(struct req *r, const char *key)
{
	const char	*argv[5];
	char		 val[64], ttl[16];
	redisReply	*rep;
	struct err	 e;

	if (r->kv == NULL)
		return;
	snprintf(val, sizeof(val), "%s %d %d", r->user_id, r->device_id,
	    r->pin_pending);
	snprintf(ttl, sizeof(ttl), "%ld", cfg_int(CFG_SESSION_CACHE_TTL));
	argv[0] = "SET";
	argv[1] = key;
	argv[2] = val;
	argv[3] = "EX";
	argv[4] = ttl;
	if ((rep = kv_cmd(r->kv, 5, argv, NULL, &e)) != NULL)
		freeReplyObject(rep);
}

static int
auth_db_lookup(struct req *r, const uint8_t *hash, struct err *e)
{
	static const char sql[] =
	    "SELECT s.user_id, s.device_id, s.pin_pending, "
	    "    EXISTS (SELECT 1 FROM banned_phones b WHERE b.phone = u.phone) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = $1";
	const char	*vals[] = { (const char *)hash };
	const int	 lens[] = { CRYP_HASH_LEN };
	const int	 fmts[] = { 1 };
	PGresult	*res;
	int		 rc = 0;

	if (r->db == NULL)
		return err_set(e, APP_EUNAVAIL, "db_unavailable",
		    "sessions cannot be checked now");
	if ((res = db_execb(r->db, sql, 1, vals, lens, fmts, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1) {
		rc = err_set(e, APP_EUNAUTH, "unauthorized",
		    "log in first: no valid session");
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 3), "t") == 0) {
		rc = err_set(e, APP_EFORBIDDEN, "banned",
		    "this account is banned");
		goto out;
	}
	snprintf(r->user_id, sizeof(r->user_id), "%s", PQgetvalue(res, 0, 0));
	r->device_id = atoi(PQgetvalue(res, 0, 1));
	r->pin_pending = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
out:
	PQclear(res);
	return rc;
}

/*
 * last_active_at, written at most once a minute per device: the Redis
 * SET NX decides which request writes. Without Redis nothing is written;
 * "last active" may then lag, which is harmless.
 */
static void
auth_touch(struct req *r)
{
	const char	*argv[6];
	const char	*vals[2];
	char		 key[96], dev[16];
	redisReply	*rep;
	PGresult	*res;
	struct err	 e;
	int		 first;

	if (r->kv == NULL || r->db == NULL)
		return;
	snprintf(key, sizeof(key), "parley:seen:%s:%d", r->user_id,
	    r->device_id);
	argv[0] = "SET";
	argv[1] = key;
	argv[2] = "1";
	argv[3] = "NX";
	argv[4] = "EX";
	argv[5] = AUTH_TOUCH_SECONDS;
	if ((rep = kv_cmd(r->kv, 6, argv, NULL, &e)) == NULL)
		return;
	first = rep->type == REDIS_REPLY_STATUS;
	freeReplyObject(rep);
	if (!first)
		return;
	snprintf(dev, sizeof(dev), "%d", r->device_id);
	vals[0] = r->user_id;
	vals[1] = dev;
	res = db_exec(r->db, "UPDATE devices SET last_active_at = now() "
	    "WHERE user_id = $1 AND id = $2", 2, vals, &e);
	PQclear(res);
}

int
auth_resolve(struct req *r, struct err *e)
{
	uint8_t	hash[CRYP_HASH_LEN];
	char	key[AUTH_CACHE_KEY_LEN];
	int	rc;

	r->user_id[0] = '\0';
	r->device_id = 0;
	r->pin_pending = 0;
	if (auth_cookie_hash(r, hash) != 0)
		return err_set(e, APP_EUNAUTH, "unauthorized",
		    "log in first: no valid session");
	auth_cache_key(key, hash);
	if (auth_cache_get(r, key) != 0) {
		if ((rc = auth_db_lookup(r, hash, e)) != 0)
			return rc;
		auth_cache_put(r, key);
	}
	auth_touch(r);
	return 0;
}

int
auth_uncache(struct kv *kv, const uint8_t *hashes, size_t n, struct err *e)
{
	char		(*keys)[AUTH_CACHE_KEY_LEN] = NULL;
	const char	**argv = NULL;
	redisReply	*rep;
	size_t		 i;
	int		 rc = 0;

	if (n == 0)
		return 0;
	if ((keys = calloc(n, sizeof(*keys))) == NULL ||
	    (argv = calloc(n + 1, sizeof(*argv))) == NULL)
		abort();
	argv[0] = "DEL";
	for (i = 0; i < n; i++) {
		auth_cache_key(keys[i], hashes + i * CRYP_HASH_LEN);
		argv[i + 1] = keys[i];
	}
	if ((rep = kv_cmd(kv, (int)n + 1, argv, NULL, e)) == NULL) {
		log_warn("event=uncache_failed sessions=%zu err=%s", n, e->slug);
		rc = e->code;
	} else
		freeReplyObject(rep);
	free(keys);
	free(argv);
	return rc;
}
