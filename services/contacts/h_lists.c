/*
 * h_lists.c - the caller's custom chat lists ("Work", "Family"):
 *
 *   POST   /api/contacts/lists      {name, chats?: [chat id]} -> 201 list
 *   PATCH  /api/contacts/lists/:id  {name?, chats?} (chats replaces) -> list
 *   DELETE /api/contacts/lists/:id  -> 204
 *
 * A list is {"id", "name", "chats": [chat id]}; names are 1-30 characters
 * and unique per user (409 list_exists), at most 20 lists, and only chats
 * the caller is a member of (404 chat_not_found). Another user's list is
 * 404 list_not_found. Every change reaches every device as
 * {"type": "chatlist", "list": list} or {"type": "chatlist",
 * "list_deleted": id}.
 */
#include <string.h>

#include "contacts.h"
#include "db.h"
#include "jv.h"

#define LIST_SQL \
	"SELECT json_build_object('id', l.id, 'name', l.name, 'chats', " \
	"COALESCE((SELECT json_agg(m.chat_id ORDER BY m.chat_id) FROM " \
	"chat_list_members m WHERE m.list_id = l.id), '[]')) " \
	"FROM chat_lists l WHERE l.id = $1 AND l.user_id = $2"

static void
list_event(struct req *r, const char *key, json_t *v)
{
	json_t	*ev;

	if ((ev = json_pack("{s:s, s:O}", "type", "chatlist", key, v)) != NULL)
		ct_publish(r, r->user_id, ev);
	json_decref(ev);
}

/* Replaces list $1's chats with the array chats (absent: unchanged). */
static int
list_set_chats(struct req *r, const char *list, const json_t *chats,
    struct err *e)
{
	const char	*vals[3] = { list, r->user_id, NULL };
	long		 ok = 0, want = 0;
	int		 rc;

	if (chats == NULL)
		return 0;
	if ((rc = ct_uuid_array(r, chats, "chats", CT_LIST_CHATS_MAX,
	    &vals[2], NULL, e)) != 0)
		return rc;
	if ((rc = ct_exec(r, "DELETE FROM chat_list_members WHERE "
	    "list_id = $1 AND $2::uuid IS NOT NULL AND $3::uuid[] IS NOT NULL",
	    3, vals, NULL, e)) != 0 ||
	    (rc = ct_exec(r, "INSERT INTO chat_list_members (list_id, "
	    "chat_id) SELECT DISTINCT $1::uuid, c FROM unnest($3::uuid[]) c "
	    "WHERE EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = c "
	    "AND m.user_id = $2 AND m.state = 'active')", 3, vals, &ok, e)) != 0 ||
	    (rc = ct_exec(r, "SELECT DISTINCT c FROM unnest($3::uuid[]) c "
	    "WHERE $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL", 3, vals,
	    &want, e)) != 0)
		return rc;
	if (ok != want)
		return err_set(e, APP_ENOTFOUND, "chat_not_found",
		    "chats may only name your own chats");
	return 0;
}

/* name (required or not) and chats, then the list's JSON. */
static int
list_write(struct req *r, const char *sql, const char **vals, int nv,
    const json_t *body, json_t **out, struct err *e)
{
	PGresult	*res = NULL;
	const char	*ids[2] = { NULL, r->user_id };
	int		 rc;

	if ((rc = db_begin(r->db, e)) != 0)
		return rc;
	if ((res = db_exec(r->db, sql, nv, vals, e)) == NULL) {
		rc = e->code == APP_ECONFLICT ? err_set(e, APP_ECONFLICT,
		    "list_exists", "you already have a list with this name") :
		    e->code;
		goto out;
	}
	if (PQntuples(res) != 1) {
		rc = err_set(e, APP_ENOTFOUND, "list_not_found",
		    "no such list");
		goto out;
	}
	ids[0] = arena_strdup(r->arena, PQgetvalue(res, 0, 0));
	if ((rc = list_set_chats(r, ids[0], json_object_get(body, "chats"),
	    e)) != 0 || (rc = db_commit(r->db, e)) != 0)
		goto out;
	rc = ct_query_json(r, LIST_SQL, 2, ids, "list_not_found",
	    "no such list", out, e);
out:
	if (rc != 0)
		db_rollback(r->db);
	PQclear(res);
	return rc;
}

int
h_list_create(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "name", "chats", NULL };
	const char	*vals[3] = { r->user_id, NULL, NULL };
	json_t		*body = NULL, *o = NULL;
	int		 rc;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "name", JV_REQUIRED, 1, CT_LIST_NAME_MAX,
	    &vals[1], e)) != 0)
		goto out;
	vals[2] = arena_printf(r->arena, "%d", CT_LISTS_MAX);
	if ((rc = list_write(r, "INSERT INTO chat_lists (user_id, name) "
	    "SELECT $1, $2 WHERE (SELECT count(*) FROM chat_lists WHERE "
	    "user_id = $1) < $3::int RETURNING id", vals, 3, body, &o,
	    e)) != 0) {
		if (rc == APP_ENOTFOUND && strcmp(e->slug, "list_not_found") == 0)
			rc = err_set(e, APP_ECONFLICT, "too_many_lists",
			    "at most %d lists", CT_LISTS_MAX);
		goto out;
	}
	list_event(r, "list", o);
	rc = resp_json(resp, 201, o);
	o = NULL;
out:
	json_decref(o);
	json_decref(body);
	return rc;
}

int
h_list_patch(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "name", "chats", NULL };
	const char	*vals[3] = { NULL, r->user_id, NULL };
	json_t		*body = NULL, *o = NULL;
	int		 rc;

	if ((rc = ct_param_uuid(r, "id", "the list id", &vals[0], e)) != 0 ||
	    (rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "name", 0, 1, CT_LIST_NAME_MAX, &vals[2],
	    e)) != 0)
		goto out;
	if (json_object_size(body) == 0) {
		rc = err_set(e, APP_EINVAL, "missing_field",
		    "give name, chats or both");
		goto out;
	}
	if ((rc = list_write(r, "UPDATE chat_lists SET name = COALESCE($3, "
	    "name) WHERE id = $1 AND user_id = $2 RETURNING id", vals, 3, body,
	    &o, e)) != 0)
		goto out;
	list_event(r, "list", o);
	rc = resp_json(resp, 200, o);
	o = NULL;
out:
	json_decref(o);
	json_decref(body);
	return rc;
}

int
h_list_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2] = { NULL, r->user_id };
	json_t		*id;
	long		 n = 0;
	int		 rc;

	if ((rc = ct_param_uuid(r, "id", "the list id", &vals[0], e)) != 0 ||
	    (rc = ct_exec(r, "DELETE FROM chat_lists WHERE id = $1 AND "
	    "user_id = $2", 2, vals, &n, e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, APP_ENOTFOUND, "list_not_found",
		    "no such list");
	id = json_string(vals[0]);
	list_event(r, "list_deleted", id);
	json_decref(id);
	return resp_json(resp, 204, NULL);
}
