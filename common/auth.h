/*
 * auth.h - who is calling: the session cookie resolved to (user, device)
 * for every service.
 *
 * A session is an opaque 256-bit token (cryp_token(), 43 base64url
 * characters) in the cookie "parley_session"; Postgres keeps only its
 * BLAKE2b-256 hash (sessions.token_hash). auth_resolve() is the route
 * authentication hook every FastCGI service installs (svc_main() does it
 * by default): it looks the hash up in a short-lived Redis cache, falls
 * back to Postgres, and refuses banned accounts. Whoever revokes a session
 * deletes its row and then calls auth_uncache(), so the revocation holds
 * at once in every service, not after the cache TTL.
 *
 * Redis keys:   parley:sess:<hex hash>       "<user uuid> <device> <pin 0|1>"
 *               parley:seen:<user>:<device>  last_active_at written recently
 * Redis channel parley:dev:<user>:<device>   events for one device's sockets
 */
#ifndef PARLEY_AUTH_H_COMMON
#define PARLEY_AUTH_H_COMMON

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "err.h"
#include "route.h"

struct kv;

#define AUTH_COOKIE		"parley_session"
/* "parley:sess:" + 64 hex digits + NUL */
#define AUTH_CACHE_KEY_LEN	(12 + 2 * CRYP_HASH_LEN + 1)
/* "parley:dev:" + uuid + ":" + device */
#define AUTH_CHANNEL_LEN	(11 + ROUTE_UUID_LEN + 1 + 12)

/*
 * The route hook. On success sets r->user_id, r->device_id and
 * r->pin_pending and returns 0. Errors: 401 unauthorized (no, malformed,
 * unknown or revoked cookie), 403 banned, 503 db_unavailable.
 * Refreshes devices.last_active_at at most once a minute per device.
 */
int	auth_resolve(struct req *r, struct err *e);

/*
 * The BLAKE2b hash of the request's session cookie into out. Returns 0,
 * or APP_EUNAUTH (no cookie, or not a well-formed token).
 */
int	auth_cookie_hash(const struct req *r, uint8_t out[CRYP_HASH_LEN]);

/* The Redis cache key of a session hash. */
void	auth_cache_key(char out[AUTH_CACHE_KEY_LEN],
	    const uint8_t hash[CRYP_HASH_LEN]);

/*
 * Drops the cache entries of n session hashes (n * CRYP_HASH_LEN bytes at
 * hashes). Best effort: a Redis failure is logged and returned, the caller
 * has already deleted the rows.
 */
int	auth_uncache(struct kv *kv, const uint8_t *hashes, size_t n,
	    struct err *e);

/* The channel of one device: "parley:dev:<user>:<device>". */
void	auth_device_channel(char out[AUTH_CHANNEL_LEN], const char *user,
	    int device);

/* 1 if s is a uuid in canonical text form (36 characters, lower or upper hex). */
int	auth_uuid_ok(const char *s);

#endif
