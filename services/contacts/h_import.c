/*
 * h_import.c - POST /api/contacts/import: a .vcf file as the raw body
 * (text/vcard), or inside a JSON object {"vcf": "<file>"}. Every usable
 * (card, number) becomes or renames a contact in one statement, so a
 * fatal error (a file that is not vCard, over 1 MiB or 5000 cards, the
 * quota, the database) leaves the address book exactly as it was;
 * unusable cards are listed in "errors". New numbers draw on the daily
 * discovery quota.
 *
 *   200 {"cards": n, "imported": new, "updated": renamed, "unchanged": n,
 *        "errors": [{"card": i, "line": l, "reason": slug}], "errors_total": n}
 */
#include <stdlib.h>
#include <string.h>

#include "contacts.h"
#include "db.h"
#include "jv.h"
#include "log.h"

/* The distinct numbers (first card wins) as a jsonb array for SQL. */
static char *
import_rows(const struct vc_result *v)
{
	json_t	*arr;
	char	*s;
	size_t	 i;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; i < v->nentries; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i}",
		    "phone", v->entries[i].phone, "name", v->entries[i].name,
		    "ord", (int)i));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

static json_t *
import_errors(const struct vc_result *v)
{
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; arr != NULL && i < v->nerrors; i++)
		json_array_append_new(arr, json_pack("{s:i, s:i, s:s}",
		    "card", v->errors[i].card, "line", v->errors[i].line,
		    "reason", v->errors[i].reason));
	return arr;
}

#define IMPORT_SRC \
	"WITH src AS (SELECT DISTINCT ON (phone) phone, name FROM " \
	"jsonb_to_recordset($2::jsonb) AS x(phone text, name text, ord int) " \
	"ORDER BY phone, ord) "

/*
 * Stores the rows in one transaction, drawing the new numbers from the
 * quota (given back if anything fails). n gets {distinct, new, renamed}.
 */
static int
import_store(struct req *r, const char *rows, long n[3], struct err *e)
{
	const char	*vals[2] = { r->user_id, rows };
	PGresult	*res = NULL;
	long		 fresh = 0;
	int		 rc;

	if ((rc = db_begin(r->db, e)) != 0)
		return rc;
	if ((res = db_exec(r->db, IMPORT_SRC "SELECT count(*), count(*) "
	    "FILTER (WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE "
	    "c.owner_id = $1 AND c.phone = src.phone)) FROM src", 2, vals,
	    e)) == NULL) {
		rc = e->code;
		goto out;
	}
	n[0] = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	fresh = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	res = NULL;
	if ((rc = ct_quota_take(r, fresh, e)) != 0) {
		fresh = 0;
		goto out;
	}
	if ((res = db_exec(r->db, IMPORT_SRC ", up AS (INSERT INTO contacts "
	    "(owner_id, phone, name) SELECT $1, phone, name FROM src "
	    "ON CONFLICT (owner_id, phone) DO UPDATE SET name = EXCLUDED.name, "
	    "updated_at = now() WHERE contacts.name <> EXCLUDED.name "
	    "RETURNING (xmax = 0) AS fresh) SELECT count(*) FILTER (WHERE "
	    "fresh), count(*) FILTER (WHERE NOT fresh) FROM up", 2, vals,
	    e)) == NULL || (rc = db_commit(r->db, e)) != 0) {
		rc = e->code;
		goto out;
	}
	n[1] = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	n[2] = strtol(PQgetvalue(res, 0, 1), NULL, 10);
out:
	if (rc != 0) {
		db_rollback(r->db);
		ct_quota_refund(r, fresh);
	}
	PQclear(res);
	return rc;
}

/*
 * The file: the raw body, or {"vcf": "<file>"} when the body is a JSON
 * object. The JSON string is kept as is (CR and all), so jv_str() does not
 * apply.
 */
static int
import_file(struct req *r, const char **buf, size_t *len, struct err *e)
{
	static const char *const fields[] = { "vcf", NULL };
	json_t	*body = NULL, *f;
	int	 rc;

	size_t	 i;

	*buf = r->body;
	*len = r->body_len;
	/* A vCard file never starts with "{": sniff, whatever the type says. */
	for (i = 0; i < r->body_len && strchr(" \t\r\n", r->body[i]) != NULL;
	    i++)
		;
	if (i == r->body_len || r->body[i] != '{')
		return 0;
	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0)
		return rc;
	if ((f = json_object_get(body, "vcf")) == NULL)
		rc = err_set(e, APP_EINVAL, "missing_field", "vcf is required");
	else if (!json_is_string(f))
		rc = err_set(e, APP_EINVAL, "invalid_field",
		    "vcf must be a string");
	else {
		*len = json_string_length(f);
		*buf = arena_strndup(r->arena, json_string_value(f), *len);
	}
	json_decref(body);
	return rc;
}

int
h_import(struct req *r, struct resp *resp, struct err *e)
{
	struct vc_result v;
	const char	*buf;
	char		*rows;
	json_t		*o, *ev;
	size_t		 len;
	long		 n[3] = { 0, 0, 0 };
	int		 rc;

	if ((rc = import_file(r, &buf, &len, e)) != 0 ||
	    (rc = vc_parse(buf, len, r->arena, &v, e)) != 0)
		return rc;
	if ((rows = import_rows(&v)) == NULL)
		return err_set(e, APP_EINTERNAL, "internal", "out of memory");
	rc = import_store(r, rows, n, e);
	free(rows);
	if (rc != 0)
		return rc;
	o = json_pack("{s:i, s:I, s:I, s:I, s:o, s:i}", "cards", (int)v.ncards,
	    "imported", (json_int_t)n[1], "updated", (json_int_t)n[2],
	    "unchanged", (json_int_t)(n[0] - n[1] - n[2]), "errors",
	    import_errors(&v), "errors_total", (int)v.nerrors_total);
	log_info("event=contacts_imported cards=%zu new=%ld renamed=%ld "
	    "bad=%zu", v.ncards, n[1], n[2], v.nerrors_total);
	if (n[1] + n[2] > 0 && (ev = json_pack("{s:s, s:s, s:I}", "type",
	    "contacts", "action", "import", "changed",
	    (json_int_t)(n[1] + n[2]))) != NULL) {
		ct_publish(r, r->user_id, ev);
		json_decref(ev);
	}
	return resp_json(resp, 200, o);
}
