/*
 * h_keys.c - the key directory (e2e.md, "Key directory API"):
 *
 *   PUT /api/auth/keys        this device's identity (ikSig, ikDh, ikDhSig),
 *                             signed prekey {id, pub, sig} (required on the
 *                             first upload) and up to 100 one-time prekeys
 *                             [{id, pub}]; every signature is checked (422),
 *                             an identity never changes (409)
 *   GET /api/auth/keys/count  one-time prekeys left and the signed prekey's age
 *
 * Fetching bundles (GET /api/auth/keys/:user/:device) is in h_keys_get.c.
 * Keys are base64url without padding in JSON, bytea in Postgres.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_svc.h"
#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "log.h"

#define KEYS_B64_MAX	128	/* decoded bytes accepted before the exact checks */

struct upload {
	unsigned char	*ik_sig, *ik_dh, *ik_dh_sig, *spk_pub, *spk_sig;
	size_t		 ik_sig_len, ik_dh_len, ik_dh_sig_len, spk_pub_len;
	size_t		 spk_sig_len;
	json_int_t	 spk_id;	/* -1: no signed prekey in this upload */
	size_t		 nopk;
	char		*opk_ids;	/* Postgres array text "{1,2}" */
	char		*opk_pubs;	/* "{<hex>,<hex>}" */
};

static int	keys_parse_spk(struct req *, json_t *, struct upload *,
		    struct err *);
static int	keys_parse_opks(struct req *, json_t *, struct upload *,
		    struct err *);
static int	keys_identity(struct req *, struct upload *, struct err *);
static int	keys_store(struct req *, struct upload *, long *,
		    struct err *);

static int
keys_parse_spk(struct req *r, json_t *body, struct upload *u, struct err *e)
{
	static const char *const fields[] = { "id", "pub", "sig", NULL };
	json_t	*spk;
	int	 rc;

	u->spk_id = -1;
	if ((spk = json_object_get(body, "signedPreKey")) == NULL)
		return 0;
	if (!json_is_object(spk))
		return err_set(e, APP_EINVAL, "invalid_field",
		    "signedPreKey must be an object");
	if ((rc = jv_only(spk, fields, e)) != 0 ||
	    (rc = jv_int(spk, "id", JV_REQUIRED, 0, INT32_MAX, &u->spk_id,
	    e)) != 0 ||
	    (rc = jv_b64url(spk, "pub", JV_REQUIRED, 1, KEYS_B64_MAX,
	    r->arena, &u->spk_pub, &u->spk_pub_len, e)) != 0 ||
	    (rc = jv_b64url(spk, "sig", JV_REQUIRED, 1, KEYS_B64_MAX,
	    r->arena, &u->spk_sig, &u->spk_sig_len, e)) != 0)
		return rc;
	if (u->spk_pub_len != KEYS_PUB_LEN)
		return err_set(e, APP_EUNPROCESSABLE, "invalid_key",
		    "signedPreKey.pub must be 32 bytes");
	if (keys_verify_spk(u->ik_sig, u->ik_sig_len, (uint32_t)u->spk_id,
	    u->spk_pub, u->spk_pub_len, u->spk_sig, u->spk_sig_len) != 0)
		return err_set(e, APP_EUNPROCESSABLE, "bad_signature",
		    "signedPreKey.sig is not ikSig's signature of the prekey");
	return 0;
}

static int
keys_parse_opks(struct req *r, json_t *body, struct upload *u, struct err *e)
{
	static const char *const fields[] = { "id", "pub", NULL };
	json_t		*arr, *k;
	json_int_t	 id, ids[KEYS_MAX_UPLOAD];
	unsigned char	*pub;
	size_t		 i, j, len, ilen, plen;
	int		 rc;

	if ((arr = json_object_get(body, "oneTimePreKeys")) == NULL)
		return 0;
	if (!json_is_array(arr))
		return err_set(e, APP_EINVAL, "invalid_field",
		    "oneTimePreKeys must be an array");
	if ((u->nopk = json_array_size(arr)) > KEYS_MAX_UPLOAD)
		return err_set(e, APP_ETOOLARGE, "too_many_prekeys",
		    "at most %d one-time prekeys per upload", KEYS_MAX_UPLOAD);
	u->opk_ids = arena_alloc(r->arena, u->nopk * 12 + 3);
	u->opk_pubs = arena_alloc(r->arena, u->nopk * 65 + 3);
	strcpy(u->opk_ids, "{");
	strcpy(u->opk_pubs, "{");
	ilen = plen = 1;
	json_array_foreach(arr, i, k) {
		if (!json_is_object(k))
			return err_set(e, APP_EINVAL, "invalid_field",
			    "oneTimePreKeys[%zu] must be an object", i);
		if ((rc = jv_only(k, fields, e)) != 0 ||
		    (rc = jv_int(k, "id", JV_REQUIRED, 0, INT32_MAX, &id,
		    e)) != 0 ||
		    (rc = jv_b64url(k, "pub", JV_REQUIRED, 1, KEYS_B64_MAX,
		    r->arena, &pub, &len, e)) != 0)
			return rc;
		if (len != KEYS_PUB_LEN)
			return err_set(e, APP_EUNPROCESSABLE, "invalid_key",
			    "oneTimePreKeys[%zu].pub must be 32 bytes", i);
		for (j = 0; j < i; j++)
			if (ids[j] == id)
				return err_set(e, APP_EINVAL, "duplicate_key_id",
				    "one-time prekey id %" JSON_INTEGER_FORMAT
				    " appears twice", id);
		ids[i] = id;
		ilen += (size_t)sprintf(u->opk_ids + ilen, "%s%d",
		    i > 0 ? "," : "", (int)id);
		if (i > 0)
			u->opk_pubs[plen++] = ',';
		sodium_bin2hex(u->opk_pubs + plen, 65, pub, KEYS_PUB_LEN);
		plen += 64;
	}
	strcpy(u->opk_ids + ilen, "}");
	strcpy(u->opk_pubs + plen, "}");
	return 0;
}

/*
 * Inside a transaction: locks the device row and refuses a changed
 * identity, or a first upload without a signed prekey.
 */
static int
keys_identity(struct req *r, struct upload *u, struct err *e)
{
	const char	*v[4];
	const int	 l[4] = { 0, 0, KEYS_PUB_LEN, KEYS_PUB_LEN };
	const int	 f[4] = { 0, 0, 1, 1 };
	PGresult	*res;
	int		 same, fresh, no_spk;

	v[0] = r->user_id;
	v[1] = arena_printf(r->arena, "%d", r->device_id);
	v[2] = (const char *)u->ik_sig;
	v[3] = (const char *)u->ik_dh;
	if ((res = db_execb(r->db, "SELECT ik_sig IS NULL, COALESCE(ik_sig = $3 "
	    "AND ik_dh = $4, false), spk_id IS NULL FROM devices "
	    "WHERE user_id = $1 AND id = $2 FOR UPDATE", 4, v, l, f, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, APP_EUNAUTH, "unauthorized", "no such device");
	}
	fresh = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	same = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	no_spk = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	PQclear(res);
	if (!fresh && !same)
		return err_set(e, APP_ECONFLICT, "identity_key_changed",
		    "this device's identity keys cannot change: log in as a "
		    "new device instead");
	if (no_spk && u->spk_id < 0)
		return err_set(e, APP_EINVAL, "missing_field",
		    "signedPreKey is required on a device's first upload");
	return 0;
}

/* Inside a transaction, after keys_identity(): the update, the prekeys. */
static int
keys_store(struct req *r, struct upload *u, long *count, struct err *e)
{
	const char	*v[8];
	const int	 l[8] = { 0, 0, KEYS_PUB_LEN, KEYS_PUB_LEN, KEYS_SIG_LEN,
			    0, KEYS_PUB_LEN, KEYS_SIG_LEN };
	const int	 f[8] = { 0, 0, 1, 1, 1, 0, 1, 1 };
	PGresult	*res;

	v[0] = r->user_id;
	v[1] = arena_printf(r->arena, "%d", r->device_id);
	v[2] = (const char *)u->ik_sig;
	v[3] = (const char *)u->ik_dh;
	v[4] = (const char *)u->ik_dh_sig;
	v[5] = u->spk_id >= 0 ? arena_printf(r->arena, "%d", (int)u->spk_id) :
	    NULL;
	v[6] = (const char *)u->spk_pub;
	v[7] = (const char *)u->spk_sig;
	if ((res = db_execb(r->db, "UPDATE devices SET ik_sig = $3, ik_dh = $4, "
	    "ik_dh_sig = $5, spk_created_at = CASE WHEN $6::int IS NULL THEN "
	    "spk_created_at WHEN spk_id IS DISTINCT FROM $6::int OR spk_pub IS "
	    "DISTINCT FROM $7 THEN now() ELSE spk_created_at END, "
	    "spk_id = COALESCE($6::int, spk_id), spk_pub = COALESCE($7, spk_pub), "
	    "spk_sig = COALESCE($8, spk_sig) WHERE user_id = $1 AND id = $2",
	    8, v, l, f, e)) == NULL)
		return e->code;
	PQclear(res);
	v[2] = u->nopk > 0 ? u->opk_ids : "{}";
	v[3] = u->nopk > 0 ? u->opk_pubs : "{}";
	/* A retried upload of the same ids is a no-op, not an error. */
	if ((res = db_exec(r->db, "WITH ins AS (INSERT INTO one_time_prekeys "
	    "(user_id, device_id, key_id, pub) SELECT $1, $2, t.k, "
	    "decode(t.p, 'hex') FROM unnest($3::int[], $4::text[]) AS t(k, p) "
	    "ON CONFLICT DO NOTHING RETURNING 1) SELECT (SELECT count(*) FROM "
	    "ins) + (SELECT count(*) FROM one_time_prekeys WHERE user_id = $1 "
	    "AND device_id = $2)", 4, v, e)) == NULL)
		return e->code;
	*count = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (*count > cfg_int(CFG_KEYS_MAX_STORED))
		return err_set(e, APP_ECONFLICT, "too_many_prekeys",
		    "a device keeps at most %ld one-time prekeys",
		    cfg_int(CFG_KEYS_MAX_STORED));
	return 0;
}

int
h_keys_put(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "ikSig", "ikDh", "ikDhSig",
	    "signedPreKey", "oneTimePreKeys", NULL };
	struct upload	 u;
	json_t		*body = NULL;
	long		 count = 0;
	int		 rc;

	memset(&u, 0, sizeof(u));
	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_b64url(body, "ikSig", JV_REQUIRED, 1, KEYS_B64_MAX,
	    r->arena, &u.ik_sig, &u.ik_sig_len, e)) != 0 ||
	    (rc = jv_b64url(body, "ikDh", JV_REQUIRED, 1, KEYS_B64_MAX,
	    r->arena, &u.ik_dh, &u.ik_dh_len, e)) != 0 ||
	    (rc = jv_b64url(body, "ikDhSig", JV_REQUIRED, 1, KEYS_B64_MAX,
	    r->arena, &u.ik_dh_sig, &u.ik_dh_sig_len, e)) != 0)
		goto out;
	if (u.ik_sig_len != KEYS_PUB_LEN || u.ik_dh_len != KEYS_PUB_LEN) {
		rc = err_set(e, APP_EUNPROCESSABLE, "invalid_key",
		    "ikSig and ikDh must be 32 bytes");
		goto out;
	}
	if (keys_verify_ikdh(u.ik_sig, u.ik_sig_len, u.ik_dh, u.ik_dh_len,
	    u.ik_dh_sig, u.ik_dh_sig_len) != 0) {
		rc = err_set(e, APP_EUNPROCESSABLE, "bad_signature",
		    "ikDhSig is not ikSig's signature of ikDh");
		goto out;
	}
	if ((rc = keys_parse_spk(r, body, &u, e)) != 0 ||
	    (rc = keys_parse_opks(r, body, &u, e)) != 0 ||
	    (rc = db_begin(r->db, e)) != 0 ||
	    (rc = keys_identity(r, &u, e)) != 0 ||
	    (rc = keys_store(r, &u, &count, e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0)
		goto out;
	log_info("event=keys_uploaded user=%s device=%d opks=%zu spk=%d",
	    r->user_id, r->device_id, u.nopk, u.spk_id >= 0);
	rc = resp_json(resp, 200, json_pack("{s:I}", "oneTimePreKeys",
	    (json_int_t)count));
out:
	db_rollback(r->db);
	json_decref(body);
	return rc;
}

int
h_keys_count(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2];
	PGresult	*res;
	json_t		*o;

	vals[0] = r->user_id;
	vals[1] = arena_printf(r->arena, "%d", r->device_id);
	if ((res = db_exec(r->db, "SELECT json_build_object('oneTimePreKeys', "
	    "(SELECT count(*) FROM one_time_prekeys o WHERE o.user_id = $1 "
	    "AND o.device_id = $2::int), 'signedPreKey', CASE WHEN spk_id IS "
	    "NULL THEN NULL ELSE json_build_object('id', spk_id, 'ageSeconds', "
	    "floor(extract(epoch FROM now() - spk_created_at))::bigint) END, "
	    "'hasIdentity', ik_sig IS NOT NULL) FROM devices "
	    "WHERE user_id = $1 AND id = $2::int", 2, vals, e)) == NULL)
		return e->code;
	o = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) :
	    NULL;
	PQclear(res);
	if (o == NULL)
		return err_set(e, APP_EUNAUTH, "unauthorized", "no such device");
	return resp_json(resp, 200, o);
}
