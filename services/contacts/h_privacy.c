/*
 * h_privacy.c - the caller's privacy settings, enforced by privacy_allows()
 * wherever data leaves the server:
 *
 *   GET   /api/contacts/privacy
 *   PATCH /api/contacts/privacy  any subset of
 *     last_seen, photo, about:  everyone | contacts | contacts_except | nobody
 *     online:                   everyone | same_as_last_seen
 *     status:                   contacts | contacts_except | only_share_with
 *     groups_add:               everyone | contacts | contacts_except
 *     read_receipts:            bool
 *     default_timer:            0 | 86400 | 604800 | 7776000 (seconds)
 *     exceptions: {item: [user uuid, ...]} for last_seen, photo, about,
 *                 status, status_only (status's "only share with"),
 *                 groups_add; a given list replaces the stored one.
 *
 * Both answer the full settings; a change goes to every device as
 * {"type": "privacy", "privacy": {...}}.
 */
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "contacts.h"
#include "db.h"
#include "jv.h"
#include "kv.h"

static const char *const aud[] = { "everyone", "contacts", "contacts_except",
    "nobody", NULL };
static const char *const online_v[] = { "everyone", "same_as_last_seen",
    NULL };
static const char *const status_v[] = { "contacts", "contacts_except",
    "only_share_with", NULL };
static const char *const groups_v[] = { "everyone", "contacts",
    "contacts_except", NULL };
static const char *const exc_items[] = { "last_seen", "photo", "about",
    "status", "status_only", "groups_add", NULL };

#define PRIVACY_SQL \
	"SELECT json_build_object('last_seen', p.last_seen, " \
	"'online', p.online, 'photo', p.photo, 'about', p.about, " \
	"'status', p.status, 'read_receipts', p.read_receipts, " \
	"'groups_add', p.groups_add, 'default_timer', p.default_timer, " \
	"'exceptions', (SELECT json_object_agg(i, COALESCE(x.l, '[]')) " \
	"FROM unnest(ARRAY['last_seen', 'photo', 'about', 'status', " \
	"'status_only', 'groups_add']) i LEFT JOIN LATERAL (SELECT " \
	"json_agg(other_id ORDER BY other_id) l FROM privacy_exceptions " \
	"WHERE user_id = $1 AND item = i) x ON true)) " \
	"FROM privacy_of($1) p"

int
h_privacy_get(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	json_t		*o;
	int		 rc;

	if ((rc = ct_query_json(r, PRIVACY_SQL, 1, vals, "not_found",
	    "no settings", &o, e)) != 0)
		return rc;
	return resp_json(resp, 200, o);
}

/* The scalar settings into vals[1..8] (NULL: unchanged). */
static int
privacy_scalars(struct req *r, const json_t *b, const char **v, struct err *e)
{
	json_int_t	 timer = -1;
	int		 rr = -1, rc;

	if ((rc = ct_enum(b, "last_seen", aud, &v[1], e)) != 0 ||
	    (rc = ct_enum(b, "online", online_v, &v[2], e)) != 0 ||
	    (rc = ct_enum(b, "photo", aud, &v[3], e)) != 0 ||
	    (rc = ct_enum(b, "about", aud, &v[4], e)) != 0 ||
	    (rc = ct_enum(b, "status", status_v, &v[5], e)) != 0 ||
	    (rc = ct_enum(b, "groups_add", groups_v, &v[6], e)) != 0 ||
	    (rc = jv_bool(b, "read_receipts", 0, &rr, e)) != 0 ||
	    (rc = jv_int(b, "default_timer", 0, 0, 7776000, &timer, e)) != 0)
		return rc;
	if (timer != -1 && timer != 0 && timer != 86400 && timer != 604800 &&
	    timer != 7776000)
		return err_set(e, APP_EINVAL, "invalid_field", "default_timer "
		    "must be one of: 0, 86400, 604800, 7776000");
	if (rr != -1)
		v[7] = rr ? "t" : "f";
	if (timer != -1)
		v[8] = arena_printf(r->arena, "%d", (int)timer);
	return 0;
}

/* Replaces one exception list with arr, checked to hold only uuids. */
static int
privacy_list(struct req *r, const char *item, const json_t *arr,
    struct err *e)
{
	const char	*vals[3] = { r->user_id, item, NULL }, *s;
	char		*w;
	size_t		 i, n;
	int		 rc;

	if (!json_is_array(arr) || (n = json_array_size(arr)) >
	    CT_EXCEPTIONS_MAX)
		return err_set(e, APP_EINVAL, "invalid_field", "exceptions.%s "
		    "must be an array of at most %d user ids", item,
		    CT_EXCEPTIONS_MAX);
	w = arena_alloc(r->arena, n * 38 + 3);
	vals[2] = w;
	*w++ = '{';
	for (i = 0; i < n; i++) {
		s = json_string_value(json_array_get(arr, i));
		if (s == NULL || !auth_uuid_ok(s) ||
		    strcasecmp(s, r->user_id) == 0)
			return err_set(e, APP_EINVAL, "invalid_field",
			    "exceptions.%s[%zu] must be another user's id",
			    item, i);
		w += sprintf(w, "%s%s", i > 0 ? "," : "", s);
	}
	strcpy(w, "}");
	if ((rc = ct_exec(r, "DELETE FROM privacy_exceptions WHERE "
	    "user_id = $1 AND item = $2", 2, vals, NULL, e)) != 0)
		return rc;
	return ct_exec(r, "INSERT INTO privacy_exceptions (user_id, item, "
	    "other_id) SELECT DISTINCT $1::uuid, $2, unnest($3::uuid[])", 3,
	    vals, NULL, e);
}

static int
privacy_exceptions(struct req *r, const json_t *exc, struct err *e)
{
	const char	*item;
	json_t		*arr;
	int		 rc;

	if (exc == NULL)
		return 0;
	if (!json_is_object(exc) || json_object_size(exc) == 0)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "exceptions must be an object of lists");
	if ((rc = jv_only(exc, exc_items, e)) != 0)
		return rc;
	json_object_foreach((json_t *)exc, item, arr)
		if ((rc = privacy_list(r, item, arr, e)) != 0)
			return rc;
	return 0;
}

/*
 * Presence watches on the caller were granted under the old settings
 * (services/messages/h_presence.c): drop them all, so a narrower audience
 * holds at once. Watchers that may still see presence re-register on
 * their next refresh. Best effort.
 */
static void
privacy_unwatch(struct req *r)
{
	const char	*argv[2];
	redisReply	*rep;
	struct err	 e;

	argv[0] = "DEL";
	argv[1] = arena_printf(r->arena, "parley:watch:%s", r->user_id);
	if ((rep = kv_cmd(r->kv, 2, argv, NULL, &e)) != NULL)
		freeReplyObject(rep);
}

int
h_privacy_patch(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "last_seen", "online", "photo",
	    "about", "status", "groups_add", "read_receipts", "default_timer",
	    "exceptions", NULL };
	const char	*v[9] = { r->user_id };
	json_t		*body = NULL, *o = NULL, *ev;
	int		 rc;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = privacy_scalars(r, body, v, e)) != 0)
		goto out;
	if (json_object_size(body) == 0) {
		rc = err_set(e, APP_EINVAL, "missing_field",
		    "give at least one setting");
		goto out;
	}
	if ((rc = db_begin(r->db, e)) != 0 ||
	    (rc = ct_exec(r, "INSERT INTO privacy_settings (user_id) "
	    "VALUES ($1) ON CONFLICT DO NOTHING", 1, v, NULL, e)) != 0 ||
	    (rc = ct_exec(r, "UPDATE privacy_settings p SET "
	    "last_seen = COALESCE($2, p.last_seen), "
	    "online = COALESCE($3, p.online), photo = COALESCE($4, p.photo), "
	    "about = COALESCE($5, p.about), status = COALESCE($6, p.status), "
	    "groups_add = COALESCE($7, p.groups_add), "
	    "read_receipts = COALESCE($8::boolean, p.read_receipts), "
	    "default_timer = COALESCE($9::int, p.default_timer), "
	    "updated_at = now() WHERE user_id = $1", 9, v, NULL, e)) != 0 ||
	    (rc = privacy_exceptions(r, json_object_get(body, "exceptions"),
	    e)) != 0 ||
	    (rc = db_commit(r->db, e)) != 0 ||
	    (rc = ct_query_json(r, PRIVACY_SQL, 1, v, "not_found",
	    "no settings", &o, e)) != 0)
		goto out;
	if (v[1] != NULL || v[2] != NULL || json_object_get(json_object_get(
	    body, "exceptions"), "last_seen") != NULL)
		privacy_unwatch(r);
	if ((ev = json_pack("{s:s, s:O}", "type", "privacy", "privacy",
	    o)) != NULL)
		ct_publish(r, r->user_id, ev);
	json_decref(ev);
	rc = resp_json(resp, 200, o);
	o = NULL;
out:
	if (rc != 0)
		db_rollback(r->db);
	json_decref(o);
	json_decref(body);
	return rc;
}
