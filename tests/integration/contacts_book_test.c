/*
 * contacts_book_test.c - the address book through nginx: add, rename,
 * remove, list with "on the app", vCard import (per-card errors, size
 * limit, nothing half-imported), number discovery and its daily quota,
 * profiles, blocks and reports - with bad input everywhere.
 */
#include "contacts_helpers.h"

#define UNKNOWN_UUID	"00000000-0000-4000-8000-000000000000"

static json_t *
find_contact(json_t *list, const char *phone)
{
	json_t	*c;
	size_t	 i;

	json_array_foreach(list, i, c)
		if (strcmp(json_string_value(json_object_get(c, "phone")),
		    phone) == 0)
			return c;
	return NULL;
}

Test(contacts, add_rename_list_remove)
{
	struct fx_user	 a, b;
	struct http_resp r;
	char		 path[128], stranger[20];
	json_t		*c;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	fx_random_phone(stranger);
	/* Formatted as people type it; stored as E.164. */
	T_EXPECT(a.dev[0].http, &r, 201, "POST", "/api/contacts/contacts",
	    "{\"phone\": \"%.5s (%.3s) %s\", \"name\": \"Bee\"}", b.phone,
	    b.phone + 5, b.phone + 8);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "phone")),
	    b.phone);
	cr_expect(json_is_true(json_object_get(r.json, "on_app")));
	cr_expect_str_eq(json_string_value(json_object_get(r.json,
	    "user_id")), b.id);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 201, "POST", "/api/contacts/contacts",
	    "{\"phone\": \"%s\", \"name\": \"Nobody yet\"}", stranger);
	cr_expect(json_is_false(json_object_get(r.json, "on_app")));
	cr_expect(json_is_null(json_object_get(r.json, "user_id")));
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 409, "contact_exists", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"%s\", \"name\": \"X\"}",
	    b.phone);

	/* The stranger registers: the contact resolves by itself. */
	{
		const char *p[1] = { stranger };

		fx_exec("INSERT INTO users (phone, name) VALUES ($1, 'late')",
		    1, p);
	}
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/contacts",
	    NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "contacts")), 2);
	c = find_contact(json_object_get(r.json, "contacts"), stranger);
	cr_assert_not_null(c, "%s", r.body);
	cr_expect(json_is_true(json_object_get(c, "on_app")), "%s", r.body);
	http_resp_cleanup(&r);

	snprintf(path, sizeof(path), "/api/contacts/contacts/%s", b.phone);
	T_EXPECT(a.dev[0].http, &r, 200, "PATCH", path, "{\"name\": \"Bea\"}");
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "name")),
	    "Bea");
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 204, "DELETE", path, NULL);
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 404, "contact_not_found", "DELETE", path, NULL);
	T_ERROR(a.dev[0].http, 404, "contact_not_found", "PATCH", path,
	    "{\"name\": \"Bea\"}");
	/* Another user's contacts are not reachable: b has none of a's. */
	snprintf(path, sizeof(path), "/api/contacts/contacts/%s", stranger);
	T_ERROR(b.dev[0].http, 404, "contact_not_found", "DELETE", path, NULL);
	T_ERROR(b.dev[0].http, 404, "contact_not_found", "PATCH", path,
	    "{\"name\": \"mine now\"}");
	T_EXPECT(b.dev[0].http, &r, 200, "GET", "/api/contacts/contacts",
	    NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "contacts")), 0);
	http_resp_cleanup(&r);
	{
		const char *p[1] = { stranger };

		fx_exec("DELETE FROM users WHERE phone = $1", 1, p);
	}
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(contacts, bad_input)
{
	struct fx_user	 a;
	struct http_client *anon = http_client_create();
	struct http_resp r;
	char		 longname[80];

	fx_user_create(&a, "A", 1);
	memset(longname, 'n', 65);
	longname[65] = '\0';
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"0123456789\", "
	    "\"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+12ab345678\", "
	    "\"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+1234\", \"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+1234567890123456\", "
	    "\"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+14155550123\"}");
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/contacts", "{\"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "unknown_field", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+14155550123\", "
	    "\"name\": \"x\", \"admin\": true}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/contacts", "{\"phone\": 14155550123, "
	    "\"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+14155550123\", "
	    "\"name\": \"\"}");
	T_ERROR(a.dev[0].http, 413, "field_too_long", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"+14155550123\", "
	    "\"name\": \"%s\"}", longname);
	T_ERROR(a.dev[0].http, 400, "expected_object", "POST",
	    "/api/contacts/contacts", "[]");
	T_ERROR(a.dev[0].http, 400, "malformed_json", "POST",
	    "/api/contacts/contacts", "{");
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "PATCH",
	    "/api/contacts/contacts/12345", "{\"name\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "DELETE",
	    "/api/contacts/contacts/+1abc", NULL);
	T_ERROR(a.dev[0].http, 400, "invalid_id", "GET",
	    "/api/contacts/users/not-a-uuid", NULL);
	T_ERROR(a.dev[0].http, 404, "user_not_found", "GET",
	    "/api/contacts/users/" UNKNOWN_UUID, NULL);
	/* No session: nothing. */
	T_EXPECT(anon, &r, 401, "GET", "/api/contacts/contacts", NULL);
	http_resp_cleanup(&r);
	T_EXPECT(anon, &r, 401, "GET", "/api/contacts/privacy", NULL);
	http_resp_cleanup(&r);
	http_client_destroy(anon);
	fx_user_destroy(&a);
}

Test(contacts, discover_and_its_daily_quota)
{
	struct fx_user	 a, b;
	struct http_resp r;
	json_t		*reg;
	char		 other[20];
	redisContext	*rc;
	redisReply	*rep;
	const char	*addr = getenv("PARLEY_REDIS");

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	fx_random_phone(other);
	T_EXPECT(a.dev[0].http, &r, 200, "POST", "/api/contacts/discover",
	    "{\"phones\": [\"%s\", \"%s\"]}", b.phone, other);
	reg = json_object_get(r.json, "registered");
	cr_assert_eq(json_array_size(reg), 1, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(reg,
	    0), "user_id")), b.id);
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "POST",
	    "/api/contacts/discover", "{\"phones\": [\"%s\", \"12\"]}",
	    b.phone);
	T_ERROR(a.dev[0].http, 400, "invalid_phone", "POST",
	    "/api/contacts/discover", "{\"phones\": [7]}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/discover", "{\"phones\": []}");
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/discover", "{\"phones\": \"%s\"}", b.phone);
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/discover", "{}");

	/* Spend the quota but one: one more number passes, then 429. */
	cr_assert_not_null(addr);
	rc = redisConnectUnix(addr + 5);
	cr_assert(rc != NULL && rc->err == 0);
	rep = redisCommand(rc, "GET parley:quota:discover:%s", a.id);
	cr_assert(rep != NULL && rep->type == REDIS_REPLY_STRING,
	    "the quota counter exists");
	cr_expect_str_eq(rep->str, "2", "two numbers looked up so far");
	freeReplyObject(rep);
	rep = redisCommand(rc, "SET parley:quota:discover:%s 4999 KEEPTTL",
	    a.id);
	freeReplyObject(rep);
	T_EXPECT(a.dev[0].http, &r, 200, "POST", "/api/contacts/discover",
	    "{\"phones\": [\"%s\"]}", b.phone);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 429, "POST", "/api/contacts/discover",
	    "{\"phones\": [\"%s\"]}", b.phone);
	cr_expect_str_eq(http_error_code(&r), "discovery_quota");
	{
		char v[32];

		cr_expect_not_null(http_header(&r, "Retry-After", v,
		    sizeof(v)));
	}
	http_resp_cleanup(&r);
	/* Adding a contact reveals registration too: same quota. */
	T_ERROR(a.dev[0].http, 429, "discovery_quota", "POST",
	    "/api/contacts/contacts", "{\"phone\": \"%s\", \"name\": \"B\"}",
	    b.phone);
	/* Another user's quota is their own. */
	T_EXPECT(b.dev[0].http, &r, 200, "POST", "/api/contacts/discover",
	    "{\"phones\": [\"%s\"]}", a.phone);
	http_resp_cleanup(&r);
	redisFree(rc);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

static const char vcf_good[] =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n"
    "TEL;TYPE=CELL:%s\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Hopper;Grace;;;\r\n"
    "item1.TEL;TYPE=HOME:%s\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Number\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Local Only\r\nTEL:020 7946 0958\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Folded\r\n  Name\r\n"
    "TEL;VALUE=uri:tel:%s\r\nEND:VCARD\r\n";

Test(contacts, vcard_import)
{
	struct fx_user	 a, b;
	struct http_resp r;
	char		 p1[20], p2[20], path[64];
	json_t		*errs, *c;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	fx_random_phone(p1);
	fx_random_phone(p2);
	T_EXPECT(a.dev[0].http, &r, 200, "POST", "/api/contacts/import",
	    vcf_good, p1, b.phone, p2);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "cards")), 5,
	    "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "imported")),
	    3, "%s", r.body);
	errs = json_object_get(r.json, "errors");
	cr_assert_eq(json_array_size(errs), 2, "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(errs,
	    0), "card")), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    errs, 0), "reason")), "no_phone");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    errs, 1), "reason")), "invalid_phone");
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/contacts",
	    NULL);
	c = find_contact(json_object_get(r.json, "contacts"), b.phone);
	cr_assert_not_null(c, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(c, "name")),
	    "Grace Hopper");
	cr_expect(json_is_true(json_object_get(c, "on_app")));
	c = find_contact(json_object_get(r.json, "contacts"), p2);
	cr_assert_not_null(c, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(c, "name")),
	    "Folded Name");
	http_resp_cleanup(&r);
	/* Again: nothing new, nothing renamed. */
	T_EXPECT(a.dev[0].http, &r, 200, "POST", "/api/contacts/import",
	    vcf_good, p1, b.phone, p2);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "imported")),
	    0, "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "unchanged")),
	    3, "%s", r.body);
	http_resp_cleanup(&r);
	/* The same file inside JSON, as the web client sends it. */
	fx_random_phone(p1);
	T_EXPECT(a.dev[0].http, &r, 200, "POST", "/api/contacts/import",
	    "{\"vcf\": \"BEGIN:VCARD\\r\\nFN:In JSON\\r\\nTEL:%s\\r\\n"
	    "END:VCARD\\r\\n\"}", p1);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "imported")),
	    1, "%s", r.body);
	http_resp_cleanup(&r);
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/import", "{\"vcf\": 1}");
	T_ERROR(a.dev[0].http, 400, "unknown_field", "POST",
	    "/api/contacts/import", "{\"vcf\": \"\", \"x\": 1}");
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/import", "{}");
	T_ERROR(a.dev[0].http, 400, "invalid_vcard", "POST",
	    "/api/contacts/import", "{\"vcf\": \"BEGIN:VCARD\"}");
	/* Fatal: a card left open. Nothing of the file is imported. */
	fx_random_phone(p1);
	T_ERROR(a.dev[0].http, 400, "invalid_vcard", "POST",
	    "/api/contacts/import", "BEGIN:VCARD\nFN:X\nTEL:%s\nEND:VCARD\n"
	    "BEGIN:VCARD\nFN:Y\nTEL:+14155550123\n", p1);
	snprintf(path, sizeof(path), "/api/contacts/contacts/%s", p1);
	T_ERROR(a.dev[0].http, 404, "contact_not_found", "DELETE", path, NULL);
	T_ERROR(a.dev[0].http, 400, "invalid_vcard", "POST",
	    "/api/contacts/import", "not a vcard at all");
	T_ERROR(a.dev[0].http, 400, "invalid_vcard", "POST",
	    "/api/contacts/import", "END:VCARD\n");
	T_ERROR(a.dev[0].http, 400, "invalid_vcard", "POST",
	    "/api/contacts/import", "BEGIN:VCARD\nFN:\xff\xfe\nEND:VCARD\n");
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(contacts, oversized_vcard)
{
	struct fx_user	 a;
	struct http_resp r;
	size_t		 n = 1024 * 1024 + 100, i;
	char		*big = malloc(n + 1);

	fx_user_create(&a, "A", 1);
	cr_assert_not_null(big);
	for (i = 0; i < n; i++)
		big[i] = "BEGIN:VCARD\nFN:x\nEND:VCARD\n"[i % 27];
	big[n] = '\0';
	cr_assert_eq(http_request(a.dev[0].http, "POST",
	    "/api/contacts/import", big, n, &r), 0);
	cr_expect_eq(r.status, 413, "%ld %s", r.status, r.body);
	cr_expect_str_eq(http_error_code(&r), "vcard_too_large");
	http_resp_cleanup(&r);
	free(big);
	fx_user_destroy(&a);
}

Test(blocks, block_unblock_list_and_bad_ids)
{
	struct fx_user	 a, b;
	struct http_resp r;
	char		 path[128];
	json_t		*l;

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", b.id);
	T_EXPECT(a.dev[0].http, &r, 204, "PUT", path, NULL);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 204, "PUT", path, NULL);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/blocks", NULL);
	l = json_object_get(r.json, "blocked");
	cr_assert_eq(json_array_size(l), 1, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(l,
	    0), "user_id")), b.id);
	http_resp_cleanup(&r);
	snprintf(path, sizeof(path), "/api/contacts/users/%s", b.id);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", path, NULL);
	cr_expect(json_is_true(json_object_get(r.json, "blocked")));
	http_resp_cleanup(&r);
	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", b.id);
	T_EXPECT(a.dev[0].http, &r, 204, "DELETE", path, NULL);
	http_resp_cleanup(&r);
	T_EXPECT(a.dev[0].http, &r, 200, "GET", "/api/contacts/blocks", NULL);
	cr_expect_eq(json_array_size(json_object_get(r.json, "blocked")), 0);
	http_resp_cleanup(&r);

	snprintf(path, sizeof(path), "/api/contacts/blocks/%s", a.id);
	T_ERROR(a.dev[0].http, 400, "cannot_block_self", "PUT", path, NULL);
	T_ERROR(a.dev[0].http, 404, "user_not_found", "PUT",
	    "/api/contacts/blocks/" UNKNOWN_UUID, NULL);
	T_ERROR(a.dev[0].http, 404, "user_not_found", "DELETE",
	    "/api/contacts/blocks/" UNKNOWN_UUID, NULL);
	T_ERROR(a.dev[0].http, 400, "invalid_id", "PUT",
	    "/api/contacts/blocks/1234", NULL);
	T_ERROR(a.dev[0].http, 400, "invalid_id", "PUT",
	    "/api/contacts/blocks/%27%20OR%201=1", NULL);
	fx_user_destroy(&a);
	fx_user_destroy(&b);
}

Test(reports, report_a_user_with_messages_and_block)
{
	struct fx_user	 a, b;
	struct http_resp r;
	char		*v, rid[37], want[64];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	T_EXPECT(a.dev[0].http, &r, 201, "POST", "/api/contacts/reports",
	    "{\"user_id\": \"%s\", \"reason\": \"spam\", \"block\": true, "
	    "\"messages\": [{\"sender\": \"%s\", \"sent_at\": "
	    "\"2026-01-01T00:00:00Z\", \"text\": \"buy now\\nplease\"}, "
	    "{\"text\": \"2\"}, {\"text\": \"3\"}, {\"text\": \"4\"}, "
	    "{\"text\": \"5\"}]}", b.id, b.id);
	cr_assert_not_null(json_object_get(r.json, "id"), "%s", r.body);
	snprintf(rid, sizeof(rid), "%s",
	    json_string_value(json_object_get(r.json, "id")));
	v = t_sql1("SELECT messages->0->>'text' FROM reports WHERE id = $1",
	    rid);
	cr_expect_str_eq(v, "buy now\nplease");
	free(v);
	http_resp_cleanup(&r);
	v = t_sql1("SELECT count(*)::text FROM blocks WHERE blocked_id = $1",
	    b.id);
	cr_expect_str_eq(v, "1", "block: true also blocked");
	free(v);

	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/reports", "{\"user_id\": \"%s\", \"messages\": "
	    "[{\"text\": \"1\"}, {\"text\": \"2\"}, {\"text\": \"3\"}, "
	    "{\"text\": \"4\"}, {\"text\": \"5\"}, {\"text\": \"6\"}]}", b.id);
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/reports", "{\"reason\": \"x\"}");
	T_ERROR(a.dev[0].http, 400, "cannot_report_self", "POST",
	    "/api/contacts/reports", "{\"user_id\": \"%s\"}", a.id);
	T_ERROR(a.dev[0].http, 400, "invalid_id", "POST",
	    "/api/contacts/reports", "{\"user_id\": \"%36s\"}", "x");
	T_ERROR(a.dev[0].http, 404, "user_not_found", "POST",
	    "/api/contacts/reports", "{\"user_id\": \"" UNKNOWN_UUID "\"}");
	T_ERROR(a.dev[0].http, 400, "missing_field", "POST",
	    "/api/contacts/reports", "{\"user_id\": \"%s\", \"messages\": "
	    "[{\"sender\": \"%s\"}]}", b.id, b.id);
	T_ERROR(a.dev[0].http, 400, "unknown_field", "POST",
	    "/api/contacts/reports", "{\"user_id\": \"%s\", \"messages\": "
	    "[{\"text\": \"x\", \"html\": \"<b>\"}]}", b.id);
	T_ERROR(a.dev[0].http, 400, "invalid_field", "POST",
	    "/api/contacts/reports", "{\"chat_id\": \"" UNKNOWN_UUID "\", "
	    "\"block\": true}");
	/* The report outlives both accounts, for moderation. */
	snprintf(want, sizeof(want), "%s true", b.phone);
	fx_user_destroy(&b);
	fx_user_destroy(&a);
	v = t_sql1("SELECT target_phone || ' ' || (reporter_id IS NULL AND "
	    "target_user_id IS NULL)::text FROM reports WHERE id = $1", rid);
	cr_expect_str_eq(v, want);
	free(v);
	{
		const char *p[1] = { rid };

		fx_exec("DELETE FROM reports WHERE id = $1", 1, p);
	}
}

Test(reports, report_a_chat_and_admin_lists_it)
{
	struct fx_user	 a, b, c;
	const struct fx_user *ab[2];
	struct http_resp r;
	char		 chat[37];

	fx_user_create(&a, "A", 1);
	fx_user_create(&b, "B", 1);
	fx_user_create(&c, "C", 1);
	ab[0] = &a;
	ab[1] = &b;
	t_chat_create(chat, ab, 2);
	T_EXPECT(a.dev[0].http, &r, 201, "POST", "/api/contacts/reports",
	    "{\"chat_id\": \"%s\", \"messages\": [{\"text\": \"abuse\"}]}",
	    chat);
	http_resp_cleanup(&r);
	/* Only a member may report a chat; a stranger's report is a 404. */
	T_ERROR(c.dev[0].http, 404, "chat_not_found", "POST",
	    "/api/contacts/reports", "{\"chat_id\": \"%s\"}", chat);
	T_ERROR(a.dev[0].http, 404, "chat_not_found", "POST",
	    "/api/contacts/reports", "{\"chat_id\": \"" UNKNOWN_UUID "\"}");
	cr_expect_eq(test_sh("%s/deploy/admin reports 2>/dev/null | grep -q %s",
	    getenv("PARLEY_ROOT") != NULL ? getenv("PARLEY_ROOT") : ".", chat),
	    0, "deploy/admin reports lists the report");
	fx_user_destroy(&a);
	fx_user_destroy(&b);
	fx_user_destroy(&c);
}
