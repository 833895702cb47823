/*
 * h_keys_get.c - GET /api/auth/keys/:user/:device (":device" a device id
 * or "*"): what a sender needs to start sessions with a user's devices.
 *
 *   {"userId": "...", "devices": [1, 2],
 *    "bundles": [{"deviceId": 1, "ikSig", "ikDh", "ikDhSig",
 *                 "signedPreKey": {"id", "pub", "sig"},
 *                 "oneTimePreKey": {"id", "pub"} or null}]}
 *
 * "devices" is the user's current device list (sends are checked against
 * it); "bundles" has one entry per requested device that has uploaded
 * keys. Each one-time prekey is claimed atomically - deleted as it is
 * handed out, skipping rows another request holds - so no key is ever
 * given twice. Fetches are rate limited per requesting account.
 *
 * GET /api/auth/keys/:user is the same without prekeys: the device list
 * and each keyed device's identity, for a client that only needs to know
 * whether a contact's devices changed (and their security code) without
 * using up one-time prekeys:
 *
 *   {"userId", "devices": [1, 2],
 *    "identities": [{"deviceId": 1, "ikSig", "ikDh", "ikDhSig"}]}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "auth_svc.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "ratelimit.h"

/* The bundle of one device with its claimed one-time prekey, as JSON text. */
static const char keys_bundle_sql[] =
    "WITH c AS (DELETE FROM one_time_prekeys WHERE (user_id, device_id, key_id) = "
    "  (SELECT user_id, device_id, key_id FROM one_time_prekeys "
    "   WHERE user_id = $1 AND device_id = $2::int ORDER BY key_id LIMIT 1 "
    "   FOR UPDATE SKIP LOCKED) RETURNING key_id, pub) "
    "SELECT json_build_object('deviceId', d.id, 'ikSig', b64url(d.ik_sig), "
    "  'ikDh', b64url(d.ik_dh), 'ikDhSig', b64url(d.ik_dh_sig), "
    "  'signedPreKey', json_build_object('id', d.spk_id, "
    "    'pub', b64url(d.spk_pub), 'sig', b64url(d.spk_sig)), "
    "  'oneTimePreKey', (SELECT json_build_object('id', c.key_id, "
    "    'pub', b64url(c.pub)) FROM c)) "
    "FROM devices d WHERE d.user_id = $1 AND d.id = $2::int "
    "  AND d.ik_sig IS NOT NULL AND d.spk_id IS NOT NULL";

/* The identities of every keyed device of a user, as one JSON array. */
static const char keys_identities_sql[] =
    "SELECT coalesce(json_agg(json_build_object('deviceId', d.id, "
    "  'ikSig', b64url(d.ik_sig), 'ikDh', b64url(d.ik_dh), "
    "  'ikDhSig', b64url(d.ik_dh_sig)) ORDER BY d.id), '[]'::json) "
    "FROM devices d WHERE d.user_id = $1 AND d.ik_sig IS NOT NULL";

/* Appends device's bundle to bundles; 0 if it has none. */
static int
keys_bundle(struct req *r, const char *user, int device, json_t *bundles,
    struct err *e)
{
	const char	*vals[2];
	PGresult	*res;
	json_t		*b;

	vals[0] = user;
	vals[1] = arena_printf(r->arena, "%d", device);
	if ((res = db_exec(r->db, keys_bundle_sql, 2, vals, e)) == NULL)
		return e->code;
	b = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) :
	    NULL;
	PQclear(res);
	if (b != NULL)
		json_array_append_new(bundles, b);
	return 0;
}

/* The device ids of user into devices; 404 if there is no such user. */
static int
keys_devices(struct req *r, const char *user, json_t *devices, struct err *e)
{
	const char	*vals[] = { user };
	PGresult	*res;
	int		 k;

	if ((res = db_exec(r->db, "SELECT d.id FROM users u LEFT JOIN devices d "
	    "ON d.user_id = u.id WHERE u.id = $1 ORDER BY d.id", 1, vals,
	    e)) == NULL)
		return e->code;
	for (k = 0; k < PQntuples(res); k++)
		if (!PQgetisnull(res, k, 0))
			json_array_append_new(devices,
			    json_integer(atoi(PQgetvalue(res, k, 0))));
	k = PQntuples(res);
	PQclear(res);
	return k > 0 ? 0 : err_set(e, APP_ENOTFOUND, "not_found",
	    "no such user");
}

/* Counts one key-directory fetch against the requester's limit. */
static int
keys_rate(struct req *r, struct err *e)
{
	char	key[96];

	snprintf(key, sizeof(key), "parley:rl:keys:%s", r->user_id);
	return rl_hit(r->kv, key, cfg_int(CFG_RATE_KEYS_MAX),
	    cfg_int(CFG_RATE_KEYS_WINDOW), NULL, e);
}

int
h_keys_identities(struct req *r, struct resp *resp, struct err *e)
{
	const char	*user = route_param(r, "user");
	const char	*vals[1];
	json_t		*devices = json_array(), *ids = NULL;
	PGresult	*res;
	int		 rc;

	if (!auth_uuid_ok(user)) {
		rc = err_set(e, APP_EINVAL, "invalid_user", "not a user id");
		goto out;
	}
	if ((rc = keys_rate(r, e)) != 0 ||
	    (rc = keys_devices(r, user, devices, e)) != 0)
		goto out;
	vals[0] = user;
	if ((res = db_exec(r->db, keys_identities_sql, 1, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	ids = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (ids == NULL) {
		rc = err_set(e, APP_EINTERNAL, "internal", "bad identities");
		goto out;
	}
	rc = resp_json(resp, 200, json_pack("{s:s,s:O,s:O}", "userId", user,
	    "devices", devices, "identities", ids));
out:
	json_decref(devices);
	json_decref(ids);
	return rc;
}

int
h_keys_get(struct req *r, struct resp *resp, struct err *e)
{
	const char	*user = route_param(r, "user");
	const char	*dev = route_param(r, "device");
	json_t		*devices = json_array(), *bundles = json_array(), *d;
	size_t		 i;
	int		 rc, want = 0;

	if (!auth_uuid_ok(user)) {
		rc = err_set(e, APP_EINVAL, "invalid_user", "not a user id");
		goto out;
	}
	if (strcmp(dev, "*") != 0 && (want = acct_parse_id(dev)) <= 0) {
		rc = err_set(e, APP_EINVAL, "invalid_device",
		    "a device id is a positive integer or *");
		goto out;
	}
	if ((rc = keys_rate(r, e)) != 0 ||
	    (rc = keys_devices(r, user, devices, e)) != 0)
		goto out;
	json_array_foreach(devices, i, d) {
		if (want != 0 && json_integer_value(d) != want)
			continue;
		if ((rc = keys_bundle(r, user, (int)json_integer_value(d),
		    bundles, e)) != 0)
			goto out;
	}
	if (want != 0 && json_array_size(bundles) == 0) {
		rc = err_set(e, APP_ENOTFOUND, "no_keys", "device %d of this "
		    "user does not exist or has no keys", want);
		goto out;
	}
	rc = resp_json(resp, 200, json_pack("{s:s,s:O,s:O}", "userId", user,
	    "devices", devices, "bundles", bundles));
out:
	json_decref(devices);
	json_decref(bundles);
	return rc;
}
