/*
 * auth_devices_test.c - GET /api/auth/devices and DELETE
 * /api/auth/devices/{id} through nginx: the list, removing a device
 * (its cookie dies at once everywhere, its keys go, its channel hears
 * logged_out), and ids that are not the caller's.
 */
#include "auth_test_util.h"

TestSuite(auth_devices, .timeout = 60);

static struct http_client *
with_cookie(const char *cookie)
{
	struct http_client	*c = http_client_create();

	http_client_header(c, "Cookie", cookie);
	return c;
}

Test(auth_devices, list_marks_the_current_one)
{
	struct at_user		 a = { 0 }, b = { 0 };
	struct http_resp	 r;
	json_t			*list, *d;

	json_decref(at_login(&a, "Phone"));
	snprintf(b.phone, sizeof(b.phone), "%s", a.phone);
	json_decref(at_login(&b, "Laptop"));
	cr_assert_eq(at_req(b.c, "GET", "/api/auth/devices", &r, NULL), 200);
	list = json_object_get(r.json, "devices");
	cr_assert_eq(json_array_size(list), 2, "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "max")), 5);
	d = json_array_get(list, 0);
	cr_expect_eq(json_integer_value(json_object_get(d, "id")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(d, "name")), "Phone");
	cr_expect(json_is_false(json_object_get(d, "current")));
	cr_expect(json_is_string(json_object_get(d, "created_at")));
	cr_expect(json_is_string(json_object_get(d, "last_active_at")));
	d = json_array_get(list, 1);
	cr_expect_str_eq(json_string_value(json_object_get(d, "name")),
	    "Laptop");
	cr_expect(json_is_true(json_object_get(d, "current")));
	http_resp_cleanup(&r);
	at_user_free(&a);
	at_user_free(&b);
}

Test(auth_devices, removing_a_device_logs_it_out_everywhere)
{
	struct at_user		 a = { 0 }, b = { 0 };
	struct http_client	*stolen;
	struct at_keys		 k;
	redisContext		*sub;
	redisReply		*rep;
	struct timeval		 tv = { 5, 0 };
	char			 path[64], chan[128], *keys;
	const char		*vals[1];

	json_decref(at_login(&a, "Phone"));
	snprintf(b.phone, sizeof(b.phone), "%s", a.phone);
	json_decref(at_login(&b, "Laptop"));
	at_keys_new(&k, 1);
	keys = at_keys_body(&k, 1, 10);
	cr_assert_eq(at_status(b.c, "PUT", "/api/auth/keys", keys, NULL, 0),
	    200);
	free(keys);
	stolen = with_cookie(b.cookie);
	cr_assert_eq(at_status(stolen, "GET", "/api/auth/me", NULL, NULL, 0),
	    200);
	/* Listen where the ws service listens for this device. */
	sub = at_redis();
	snprintf(chan, sizeof(chan), "parley:dev:%s:%d", b.id, b.device);
	freeReplyObject(redisCommand(sub, "SUBSCRIBE %s", chan));
	snprintf(path, sizeof(path), "/api/auth/devices/%d", b.device);
	cr_assert_eq(at_status(a.c, "DELETE", path, NULL, NULL, 0), 204);
	redisSetTimeout(sub, tv);
	cr_assert_eq(redisGetReply(sub, (void **)&rep), REDIS_OK,
	    "logged_out published");
	cr_assert_eq(rep->type, REDIS_REPLY_ARRAY);
	cr_expect_str_eq(rep->element[2]->str, "{\"type\":\"logged_out\"}");
	freeReplyObject(rep);
	redisFree(sub);
	/* Dead at once, through every path, with no cache delay. */
	cr_expect_eq(at_status(stolen, "GET", "/api/auth/me", NULL, NULL, 0),
	    401);
	cr_expect_eq(at_status(b.c, "GET", "/api/auth/session", NULL, NULL, 0),
	    401);
	cr_expect_eq(at_status(b.c, "GET", "/api/auth/keys/count", NULL, NULL,
	    0), 401);
	vals[0] = b.id;
	cr_expect_eq(at_sql_long("SELECT count(*) FROM one_time_prekeys WHERE "
	    "user_id = $1", 1, vals), 0, "its keys are gone");
	cr_expect_eq(at_status(a.c, "GET", "/api/auth/me", NULL, NULL, 0), 200);
	cr_expect_eq(at_status(a.c, "DELETE", path, NULL, NULL, 0), 404,
	    "already gone");
	http_client_destroy(stolen);
	at_user_free(&a);
	at_user_free(&b);
}

Test(auth_devices, another_users_device_id_is_not_found)
{
	struct at_user	a = { 0 }, b1 = { 0 }, b2 = { 0 };
	char		slug[64];

	json_decref(at_login(&a, "A"));
	json_decref(at_login(&b1, "B1"));
	snprintf(b2.phone, sizeof(b2.phone), "%s", b1.phone);
	json_decref(at_login(&b2, "B2"));
	/* A has device 1 only; B has 1 and 2. */
	cr_expect_eq(at_status(a.c, "DELETE", "/api/auth/devices/2", NULL,
	    slug, sizeof(slug)), 404);
	cr_expect_str_eq(slug, "not_found");
	cr_expect_eq(at_status(b2.c, "GET", "/api/auth/me", NULL, NULL, 0), 200,
	    "B's device 2 is untouched");
	at_user_free(&a);
	at_user_free(&b1);
	at_user_free(&b2);
}

Test(auth_devices, bad_ids)
{
	static const char *ids[] = { "abc", "0", "-1", "01", "1.5",
	    "99999999999", "%20" };
	struct at_user	a = { 0 };
	char		path[64], slug[64];
	size_t		i;

	json_decref(at_login(&a, "A"));
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(path, sizeof(path), "/api/auth/devices/%s", ids[i]);
		cr_expect_eq(at_status(a.c, "DELETE", path, NULL, slug,
		    sizeof(slug)), 400, "%s", path);
		cr_expect_str_eq(slug, "invalid_device", "%s", path);
	}
	cr_expect_eq(at_status(a.c, "DELETE", "/api/auth/devices/77", NULL,
	    slug, sizeof(slug)), 404);
	cr_expect_eq(at_status(a.c, "GET", "/api/auth/devices/1", NULL, slug,
	    sizeof(slug)), 405);
	at_user_free(&a);
}

Test(auth_devices, removing_this_device_clears_the_cookie)
{
	struct at_user		 a = { 0 };
	struct http_resp	 r;
	char			 path[64], v[256];

	json_decref(at_login(&a, "A"));
	snprintf(path, sizeof(path), "/api/auth/devices/%d", a.device);
	cr_assert_eq(at_req(a.c, "DELETE", path, &r, NULL), 204);
	cr_assert_not_null(http_header(&r, "Set-Cookie", v, sizeof(v)));
	cr_expect_not_null(strstr(v, "Max-Age=0"));
	http_resp_cleanup(&r);
	cr_expect_eq(at_status(a.c, "GET", "/api/auth/me", NULL, NULL, 0), 401);
	at_user_free(&a);
}
