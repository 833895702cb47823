/*
 * h_contacts.c - the caller's address book:
 *
 *   GET    /api/contacts/contacts         every contact, with "on the app"
 *   POST   /api/contacts/contacts         {phone, name}: add (409 if known)
 *   PATCH  /api/contacts/contacts/:phone  {name}: rename
 *   DELETE /api/contacts/contacts/:phone  remove
 *   POST   /api/contacts/discover         {phones: [...]}: which are on
 *                                         the app
 *
 * Adding a number and asking about it both reveal whether it is
 * registered, so both draw on the same daily quota (ct_quota_take()).
 */
#include <string.h>

#include "contacts.h"
#include "db.h"
#include "jv.h"
#include "phone.h"

#define CONTACT_JSON \
	"json_build_object('phone', c.phone, 'name', c.name, " \
	"'user_id', c.contact_user_id, " \
	"'on_app', c.contact_user_id IS NOT NULL)"

static int
contact_event(struct req *r, const char *action, json_t *contact,
    const char *phone)
{
	json_t	*ev;

	ev = json_pack("{s:s, s:s}", "type", "contacts", "action", action);
	if (ev == NULL)
		return 0;
	if (contact != NULL)
		json_object_set(ev, "contact", contact);
	if (phone != NULL)
		json_object_set_new(ev, "phone", json_string(phone));
	ct_publish(r, r->user_id, ev);
	json_decref(ev);
	return 0;
}

/* The :phone path parameter, which must be stored E.164. */
static int
param_phone(struct req *r, const char **out, struct err *e)
{
	const char	*p = route_param(r, "phone");

	if (p == NULL || !phone_e164_ok(p))
		return err_set(e, APP_EINVAL, "invalid_phone",
		    "phone must be E.164, e.g. +14155550123");
	*out = p;
	return 0;
}

int
h_contacts_list(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[1] = { r->user_id };
	json_t		*o;
	int		 rc;

	if ((rc = ct_query_json(r, "SELECT json_build_object('contacts', "
	    "COALESCE(json_agg(" CONTACT_JSON " ORDER BY lower(c.name), "
	    "c.phone), '[]')) FROM contacts c WHERE c.owner_id = $1", 1, vals,
	    "not_found", "no contacts", &o, e)) != 0)
		return rc;
	return resp_json(resp, 200, o);
}

int
h_contact_add(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "phone", "name", NULL };
	char		 phone[CT_PHONE_MAX + 1];
	const char	*vals[3] = { r->user_id, phone, NULL }, *raw = NULL;
	json_t		*body = NULL, *o = NULL;
	int		 rc, taken = 0;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "phone", JV_REQUIRED, 1, 32, &raw, e)) != 0 ||
	    (rc = jv_str(body, "name", JV_REQUIRED, 1, CT_NAME_MAX, &vals[2],
	    e)) != 0)
		goto out;
	if (!ct_phone_norm(raw, phone)) {
		rc = err_set(e, APP_EINVAL, "invalid_phone",
		    "phone must be international, e.g. +14155550123");
		goto out;
	}
	if ((rc = ct_quota_take(r, 1, e)) != 0)
		goto out;
	taken = 1;
	if ((rc = ct_query_json(r, "INSERT INTO contacts AS c "
	    "(owner_id, phone, name) VALUES ($1, $2, $3) RETURNING "
	    CONTACT_JSON, 3, vals, "not_found", "not added", &o, e)) != 0) {
		if (rc == APP_ECONFLICT)
			err_set(e, APP_ECONFLICT, "contact_exists",
			    "this number is already a contact");
		goto out;
	}
	taken = 0;
	contact_event(r, "upsert", o, NULL);
	rc = resp_json(resp, 201, o);
	o = NULL;
out:
	if (taken)
		ct_quota_refund(r, 1);
	json_decref(o);
	json_decref(body);
	return rc;
}

int
h_contact_rename(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "name", NULL };
	const char	*vals[3] = { r->user_id, NULL, NULL };
	json_t		*body = NULL, *o = NULL;
	int		 rc;

	if ((rc = param_phone(r, &vals[1], e)) != 0 ||
	    (rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0 ||
	    (rc = jv_str(body, "name", JV_REQUIRED, 1, CT_NAME_MAX, &vals[2],
	    e)) != 0)
		goto out;
	if ((rc = ct_query_json(r, "UPDATE contacts c SET name = $3, "
	    "updated_at = now() WHERE owner_id = $1 AND phone = $2 RETURNING "
	    CONTACT_JSON, 3, vals, "contact_not_found",
	    "no contact with this number", &o, e)) != 0)
		goto out;
	contact_event(r, "upsert", o, NULL);
	rc = resp_json(resp, 200, o);
	o = NULL;
out:
	json_decref(o);
	json_decref(body);
	return rc;
}

int
h_contact_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char	*vals[2] = { r->user_id, NULL };
	long		 n = 0;
	int		 rc;

	if ((rc = param_phone(r, &vals[1], e)) != 0 ||
	    (rc = ct_exec(r, "DELETE FROM contacts WHERE owner_id = $1 AND "
	    "phone = $2", 2, vals, &n, e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, APP_ENOTFOUND, "contact_not_found",
		    "no contact with this number");
	contact_event(r, "delete", NULL, vals[1]);
	return resp_json(resp, 204, NULL);
}

int
h_discover(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const fields[] = { "phones", NULL };
	char		 phone[CT_PHONE_MAX + 1], *arr, *w;
	const char	*vals[1];
	json_t		*body = NULL, *phones, *o = NULL;
	size_t		 i, n;
	int		 rc;

	if ((rc = jv_parse_only(r->body, r->body_len, fields, &body, e)) != 0)
		goto out;
	phones = json_object_get(body, "phones");
	if (!json_is_array(phones) || (n = json_array_size(phones)) == 0 ||
	    n > CT_DISCOVER_MAX) {
		rc = err_set(e, APP_EINVAL,
		    phones == NULL ? "missing_field" : "invalid_field",
		    "phones must be an array of 1-%d numbers", CT_DISCOVER_MAX);
		goto out;
	}
	w = arr = arena_alloc(r->arena, n * (CT_PHONE_MAX + 3) + 3);
	*w++ = '{';
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(phones, i));

		if (s == NULL || strlen(s) > 32 || !ct_phone_norm(s, phone)) {
			rc = err_set(e, APP_EINVAL, "invalid_phone",
			    "phones[%zu] is not an international number", i);
			goto out;
		}
		w += sprintf(w, "%s%s", i > 0 ? "," : "", phone);
	}
	strcpy(w, "}");
	vals[0] = arr;
	if ((rc = ct_quota_take(r, (long)n, e)) != 0 ||
	    (rc = ct_query_json(r, "SELECT json_build_object('registered', "
	    "COALESCE(json_agg(json_build_object('phone', phone, "
	    "'user_id', id) ORDER BY phone), '[]')) FROM users "
	    "WHERE phone = ANY ($1::text[])", 1, vals, "not_found", "none",
	    &o, e)) != 0)
		goto out;
	rc = resp_json(resp, 200, o);
	o = NULL;
out:
	json_decref(o);
	json_decref(body);
	return rc;
}
