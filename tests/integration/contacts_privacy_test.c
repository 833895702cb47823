/*
 * contacts_privacy_test.c - the privacy matrix: every value of every
 * audience setting x every relationship (contact, non-contact, excepted
 * contact, blocked by the owner, blocking the owner), for last seen,
 * online, profile photo, about, read receipts, status and groups, asked
 * both of privacy_allows() through SQL (what messages and presence use)
 * and of the profile endpoint through nginx. Plus reciprocity, and that a
 * block looks exactly like "nobody".
 */
#include "contacts_helpers.h"

enum { V_CONTACT, V_NON, V_EXCEPTED, V_BLOCKED, V_BLOCKER, V_N };

static const char *vnames[V_N] = { "contact", "non-contact",
    "excepted contact", "blocked", "blocker" };

struct world {
	struct fx_user	owner;
	struct fx_user	v[V_N];
};

static void
add_contact(struct fx_user *owner, const struct fx_user *who)
{
	struct http_resp r;

	T_EXPECT(owner->dev[0].http, &r, 201, "POST", "/api/contacts/contacts",
	    "{\"phone\":\"%s\",\"name\":\"%s\"}", who->phone, "Someone");
	http_resp_cleanup(&r);
}

static void
block(struct fx_user *by, const struct fx_user *who)
{
	struct http_resp r;
	char		 path[128];

	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", who->id);
	T_EXPECT(by->dev[0].http, &r, 204, "PUT", path, NULL);
	http_resp_cleanup(&r);
}

/* The owner, five viewers in their relationships, and a profile photo. */
static void
world_create(struct world *w)
{
	const char	*p[1];
	int		 i;

	fx_user_create(&w->owner, "Owner", 1);
	for (i = 0; i < V_N; i++)
		fx_user_create(&w->v[i], vnames[i], 1);
	add_contact(&w->owner, &w->v[V_CONTACT]);
	add_contact(&w->owner, &w->v[V_EXCEPTED]);
	add_contact(&w->owner, &w->v[V_BLOCKED]);
	add_contact(&w->owner, &w->v[V_BLOCKER]);
	block(&w->owner, &w->v[V_BLOCKED]);
	block(&w->v[V_BLOCKER], &w->owner);
	p[0] = w->owner.id;
	fx_exec("INSERT INTO profile_photos (user_id, ref) VALUES ($1, "
	    "'media:photo1')", 1, p);
}

static void
world_destroy(struct world *w)
{
	int	i;

	for (i = 0; i < V_N; i++)
		fx_user_destroy(&w->v[i]);
	fx_user_destroy(&w->owner);
}

static void
set_privacy(struct world *w, const char *settings, const char *exc_item)
{
	struct http_resp r;

	T_EXPECT(w->owner.dev[0].http, &r, 200, "PATCH",
	    "/api/contacts/privacy", "{%s, \"exceptions\": {\"%s\": [\"%s\"]}}",
	    settings, exc_item, w->v[V_EXCEPTED].id);
	http_resp_cleanup(&r);
}

/* Checks item for every viewer, in SQL and (field != NULL) in the profile. */
static void
check(struct world *w, const char *item, const char *field,
    const int expect[V_N], const char *label)
{
	struct http_resp r;
	char		 path[128];
	json_t		*f;
	int		 i;

	snprintf(path, sizeof(path), "/api/contacts/users/%s", w->owner.id);
	for (i = 0; i < V_N; i++) {
		cr_expect_eq(t_allows(w->owner.id, w->v[i].id, item),
		    expect[i], "%s: privacy_allows(%s) for the %s", label,
		    item, vnames[i]);
		if (field == NULL)
			continue;
		T_EXPECT(w->v[i].dev[0].http, &r, 200, "GET", path, NULL);
		f = json_object_get(r.json, field);
		cr_expect_not_null(f, "%s: no %s in %s", label, field, r.body);
		cr_expect_eq(!json_is_null(f), expect[i],
		    "%s: profile %s for the %s: %s", label, field, vnames[i],
		    r.body);
		/* Name and phone are never hidden, blocked or not. */
		cr_expect_str_eq(json_string_value(json_object_get(r.json,
		    "phone")), w->owner.phone);
		http_resp_cleanup(&r);
	}
}

struct audience_case {
	const char	*value;
	int		 expect[V_N];
};

static const struct audience_case audience[] = {
	{ "everyone",		{ 1, 1, 1, 0, 0 } },
	{ "contacts",		{ 1, 0, 1, 0, 0 } },
	{ "contacts_except",	{ 1, 0, 0, 0, 0 } },
	{ "nobody",		{ 0, 0, 0, 0, 0 } },
};

static void
audience_matrix(const char *item)
{
	struct world	 w;
	char		 settings[128], label[128];
	size_t		 i;

	world_create(&w);
	for (i = 0; i < sizeof(audience) / sizeof(audience[0]); i++) {
		snprintf(settings, sizeof(settings), "\"%s\": \"%s\"", item,
		    audience[i].value);
		snprintf(label, sizeof(label), "%s=%s", item,
		    audience[i].value);
		set_privacy(&w, settings, item);
		check(&w, item, item, audience[i].expect, label);
	}
	world_destroy(&w);
}

Test(privacy_matrix, last_seen) { audience_matrix("last_seen"); }
Test(privacy_matrix, photo) { audience_matrix("photo"); }
Test(privacy_matrix, about) { audience_matrix("about"); }

Test(privacy_matrix, online)
{
	struct world	 w;
	char		 settings[128], label[128];
	static const int everyone[V_N] = { 1, 1, 1, 0, 0 };
	size_t		 i;

	world_create(&w);
	/* online=everyone shows it even when last seen is hidden... */
	set_privacy(&w, "\"online\": \"everyone\", \"last_seen\": \"nobody\"",
	    "last_seen");
	check(&w, "online", "online", everyone, "online=everyone");
	check(&w, "last_seen", "last_seen", audience[3].expect,
	    "online=everyone, last_seen=nobody");
	/* ...and same_as_last_seen follows every last seen value. */
	for (i = 0; i < sizeof(audience) / sizeof(audience[0]); i++) {
		snprintf(settings, sizeof(settings), "\"online\": "
		    "\"same_as_last_seen\", \"last_seen\": \"%s\"",
		    audience[i].value);
		snprintf(label, sizeof(label), "online=same_as_last_seen, "
		    "last_seen=%s", audience[i].value);
		set_privacy(&w, settings, "last_seen");
		check(&w, "online", "online", audience[i].expect, label);
	}
	world_destroy(&w);
}

Test(privacy_matrix, read_receipts)
{
	struct world	 w;
	static const int on[V_N] = { 1, 1, 1, 0, 0 };
	static const int off[V_N] = { 0, 0, 0, 0, 0 };
	struct http_resp r;
	int		 i;

	world_create(&w);
	set_privacy(&w, "\"read_receipts\": true", "last_seen");
	check(&w, "read_receipts", NULL, on, "read_receipts on");
	set_privacy(&w, "\"read_receipts\": false", "last_seen");
	check(&w, "read_receipts", NULL, off, "read_receipts off");
	/* Turning yours off hides others' from you too. */
	set_privacy(&w, "\"read_receipts\": true", "last_seen");
	for (i = 0; i < V_N; i++) {
		T_EXPECT(w.v[i].dev[0].http, &r, 200, "PATCH",
		    "/api/contacts/privacy", "{\"read_receipts\": false}");
		http_resp_cleanup(&r);
	}
	check(&w, "read_receipts", NULL, off, "viewers' read_receipts off");
	world_destroy(&w);
}

Test(privacy_matrix, status_and_groups)
{
	struct world	 w;
	static const int contacts[V_N] = { 1, 0, 1, 0, 0 };
	static const int except[V_N] = { 1, 0, 0, 0, 0 };
	static const int only[V_N] = { 0, 0, 1, 0, 0 };
	static const int everyone[V_N] = { 1, 1, 1, 0, 0 };

	world_create(&w);
	check(&w, "status", NULL, contacts, "status default (contacts)");
	set_privacy(&w, "\"status\": \"contacts_except\"", "status");
	check(&w, "status", NULL, except, "status=contacts_except");
	set_privacy(&w, "\"status\": \"only_share_with\"", "status_only");
	check(&w, "status", NULL, only, "status=only_share_with");
	check(&w, "groups_add", NULL, everyone, "groups_add default");
	set_privacy(&w, "\"groups_add\": \"contacts\"", "groups_add");
	check(&w, "groups_add", NULL, contacts, "groups_add=contacts");
	set_privacy(&w, "\"groups_add\": \"contacts_except\"", "groups_add");
	check(&w, "groups_add", NULL, except, "groups_add=contacts_except");
	world_destroy(&w);
}

/* Hiding your last seen from someone hides theirs from you. */
Test(privacy, last_seen_and_online_are_reciprocal)
{
	struct fx_user	 a, b;
	struct http_resp r;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	cr_expect_eq(t_allows(a.id, b.id, "last_seen"), 1);
	T_EXPECT(b.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"last_seen\": \"nobody\", \"online\": \"same_as_last_seen\"}");
	http_resp_cleanup(&r);
	cr_expect_eq(t_allows(a.id, b.id, "last_seen"), 0,
	    "b hides last seen, so b cannot see a's");
	cr_expect_eq(t_allows(a.id, b.id, "online"), 0,
	    "b hides online, so b cannot see a's");
	cr_expect_eq(t_allows(b.id, a.id, "last_seen"), 0);
	/* b shares online with everyone again: sees a's online, not last seen. */
	T_EXPECT(b.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"online\": \"everyone\"}");
	http_resp_cleanup(&r);
	cr_expect_eq(t_allows(a.id, b.id, "online"), 1);
	cr_expect_eq(t_allows(a.id, b.id, "last_seen"), 0);
	/* Contacts-only: reciprocity is per person. */
	T_EXPECT(b.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"last_seen\": \"contacts\"}");
	http_resp_cleanup(&r);
	cr_expect_eq(t_allows(a.id, b.id, "last_seen"), 0,
	    "a is not b's contact");
	T_EXPECT(b.dev[0].http, &r, 201, "POST", "/api/contacts/contacts",
	    "{\"phone\": \"%s\", \"name\": \"A\"}", a.phone);
	http_resp_cleanup(&r);
	cr_expect_eq(t_allows(a.id, b.id, "last_seen"), 1);
	cr_expect_eq(t_allows(a.id, a.id, "last_seen"), 1, "always yourself");
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

/* A blocked user's view of the blocker equals the view under "nobody". */
Test(privacy, block_is_indistinguishable_from_nobody)
{
	struct fx_user	 a, b, c;
	struct http_resp r1, r2;
	char		 path[128];
	const char	*keys[] = { "about", "photo", "last_seen", "online",
			    "name", "phone", "blocked", "contact_name", NULL };
	size_t		 i;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	fx_user_create(&c, "C", 1);
	block(&a, &b);
	T_EXPECT(c.dev[0].http, &r1, 200, "PATCH", "/api/contacts/privacy",
	    "{\"last_seen\": \"nobody\", \"online\": \"same_as_last_seen\", "
	    "\"photo\": \"nobody\", \"about\": \"nobody\"}");
	http_resp_cleanup(&r1);
	snprintf(path, sizeof(path), "/api/contacts/users/%s", a.id);
	T_EXPECT(b.dev[0].http, &r1, 200, "GET", path, NULL);
	snprintf(path, sizeof(path), "/api/contacts/users/%s", c.id);
	T_EXPECT(b.dev[0].http, &r2, 200, "GET", path, NULL);
	cr_expect_eq(json_object_size(r1.json), json_object_size(r2.json));
	for (i = 0; keys[i] != NULL; i++) {
		json_t *x = json_object_get(r1.json, keys[i]);
		json_t *y = json_object_get(r2.json, keys[i]);

		cr_assert(x != NULL && y != NULL, "%s", keys[i]);
		if (strcmp(keys[i], "name") != 0 && strcmp(keys[i],
		    "phone") != 0)
			cr_expect(json_equal(x, y), "%s differs: %s vs %s",
			    keys[i], r1.body, r2.body);
	}
	cr_expect(json_is_false(json_object_get(r1.json, "blocked")));
	http_resp_cleanup(&r1);
	http_resp_cleanup(&r2);
	/* The block is not in the blocked user's own list either. */
	T_EXPECT(b.dev[0].http, &r1, 200, "GET", "/api/contacts/blocks", NULL);
	cr_expect_eq(json_array_size(json_object_get(r1.json, "blocked")), 0);
	http_resp_cleanup(&r1);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
	fx_user_destroy(&c);
}

Test(privacy, settings_get_patch_and_bad_values)
{
	struct fx_user	 a, b;
	struct http_resp r;
	json_t		*exc;
	char		 body[256];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/privacy", NULL);
	cr_expect_str_eq(json_string_value(json_object_get(r.json,
	    "last_seen")), "everyone");
	cr_expect_str_eq(json_string_value(json_object_get(r.json,
	    "status")), "contacts");
	cr_expect(json_is_true(json_object_get(r.json, "read_receipts")));
	cr_expect_eq(json_integer_value(json_object_get(r.json,
	    "default_timer")), 0);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", "/api/contacts/privacy",
	    "{\"about\": \"contacts_except\", \"default_timer\": 604800, "
	    "\"exceptions\": {\"about\": [\"%s\"]}}", b.id);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "about")),
	    "contacts_except");
	cr_expect_eq(json_integer_value(json_object_get(r.json,
	    "default_timer")), 604800);
	exc = json_object_get(json_object_get(r.json, "exceptions"), "about");
	cr_expect_eq(json_array_size(exc), 1);
	cr_expect_str_eq(json_string_value(json_array_get(exc, 0)), b.id);
	http_resp_cleanup(&r);

	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"last_seen\": \"friends\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"online\": \"nobody\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"status\": \"everyone\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"groups_add\": \"nobody\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"photo\": 3}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"read_receipts\": \"yes\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"default_timer\": 3600}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"default_timer\": -1}");
	T_ERROR(a.dev[0].http, 400, "unknown_field", "PATCH",
	    "/api/contacts/privacy", "{\"last_seen\": \"nobody\", \"x\": 1}");
	T_ERROR(a.dev[0].http, 400, "missing_field", "PATCH",
	    "/api/contacts/privacy", "{}");
	T_ERROR(a.dev[0].http, 400, "malformed_json", "PATCH",
	    "/api/contacts/privacy", "{\"last_seen\": ");
	T_ERROR(a.dev[0].http, 400, "unknown_field", "PATCH",
	    "/api/contacts/privacy", "{\"exceptions\": {\"online\": []}}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"exceptions\": {\"about\": [\"x\"]}}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"exceptions\": {\"about\": \"%s\"}}",
	    b.id);
	T_ERROR(a.dev[0].http, 400, "invalid_field", "PATCH",
	    "/api/contacts/privacy", "{\"exceptions\": {\"about\": [\"%s\"]}}",
	    a.id);
	/* An unknown user in an exception list; nothing of the PATCH stays. */
	snprintf(body, sizeof(body), "{\"about\": \"nobody\", \"exceptions\": "
	    "{\"about\": [\"00000000-0000-4000-8000-000000000000\"]}}");
	T_EXPECT(a.dev[0].http, &r, 422, "PATCH", "/api/contacts/privacy",
	    "%s", body);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/privacy", NULL);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "about")),
	    "contacts_except", "a failed PATCH changed nothing");
	http_resp_cleanup(&r);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(privacy, unknown_item_is_an_error_in_sql)
{
	struct fx_user	a, b;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	cr_expect_eq(t_allows(a.id, b.id, "shoe_size"), -1);
	cr_expect_eq(t_allows(a.id, b.id, NULL), -1);
	cr_expect_eq(t_allows(a.id, NULL, "about"), 0, "no viewer sees nothing");
	cr_expect_eq(t_allows(a.id, b.id, "about"), 1);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}
