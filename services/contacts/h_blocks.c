/*
 * h_blocks.c - the caller's blocked list:
 *
 *   GET    /api/contacts/blocks      [{user_id, phone, name, blocked_at}]
 *   PUT    /api/contacts/blocks/:id  block (idempotent) -> 204
 *   DELETE /api/contacts/blocks/:id  unblock (idempotent) -> 204
 *
 * The blocked user is never told: nothing here reaches them, and what they
 * stop seeing (presence, photo, about) looks like a privacy choice.
 * Messages and calls consult blocks where they deliver (is_blocked()).
 */
#include <string.h>
#include <strings.h>

#include "contacts.h"
#include "db.h"
#include "log.h"

static void
block_event(struct req *r, const char *action, const char *other)
{
	json_t	*ev;

	ev = json_pack("{s:s, s:s, s:s}", "type", "contacts", "action", action,
	    "user_id", other);
	if (ev != NULL)
		ct_publish(r, r->user_id, ev);
	json_decref(ev);
}

int
h_blocks_list(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	json_t		*o;
	int		 rc;

	if ((rc = ct_query_json(r, "SELECT json_build_object('blocked', "
	    "COALESCE(json_agg(json_build_object('user_id', u.id, "
	    "'phone', u.phone, 'name', u.name, "
	    "'blocked_at', iso_utc(b.created_at)) ORDER BY b.created_at DESC), "
	    "'[]')) FROM blocks b JOIN users u ON u.id = b.blocked_id "
	    "WHERE b.user_id = $1", 1, vals, "not_found", "none", &o, e)) != 0)
		return rc;
	return resp_json(resp, 200, o);
}

int
h_block(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2] = { r->user_id, NULL };
	PGresult	*res;
	int		 rc, known;

	if ((rc = ct_param_uuid(r, "id", "the user id", &vals[1], e)) != 0)
		return rc;
	if (strcasecmp(vals[1], r->user_id) == 0)
		return err_set(e, APP_EINVAL, "cannot_block_self",
		    "you cannot block yourself");
	if ((res = db_exec(r->db, "WITH ins AS (INSERT INTO blocks "
	    "(user_id, blocked_id) SELECT $1, id FROM users WHERE id = $2 "
	    "ON CONFLICT DO NOTHING RETURNING 1) "
	    "SELECT EXISTS (SELECT 1 FROM users WHERE id = $2), "
	    "(SELECT count(*) FROM ins)", 2, vals, e)) == NULL)
		return e->code;
	known = PQgetvalue(res, 0, 0)[0] == 't';
	rc = strcmp(PQgetvalue(res, 0, 1), "0") != 0;
	PQclear(res);
	if (!known)
		return err_set(e, APP_ENOTFOUND, "user_not_found",
		    "no such user");
	if (rc) {
		/* A block hides presence both ways, from now on. */
		ct_unwatch(r, r->user_id, vals[1]);
		ct_unwatch(r, vals[1], r->user_id);
		block_event(r, "block", vals[1]);
	}
	return resp_json(resp, 204, NULL);
}

int
h_unblock(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2] = { r->user_id, NULL };
	long		 n = 0;
	int		 rc;

	if ((rc = ct_param_uuid(r, "id", "the user id", &vals[1], e)) != 0 ||
	    (rc = ct_exec(r, "DELETE FROM blocks WHERE user_id = $1 AND "
	    "blocked_id = $2", 2, vals, &n, e)) != 0)
		return rc;
	if (n > 0) {
		block_event(r, "unblock", vals[1]);
		return resp_json(resp, 204, NULL);
	}
	if ((rc = ct_exec(r, "SELECT 1 FROM users WHERE id = $2 AND "
	    "$1::uuid IS NOT NULL", 2, vals, &n, e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, APP_ENOTFOUND, "user_not_found",
		    "no such user");
	return resp_json(resp, 204, NULL);
}
