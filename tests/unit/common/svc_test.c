/*
 * svc_test.c - the service configuration check and the shared health
 * handler, against the real test Postgres and Redis and against dead ones.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cfg.h"
#include "db.h"
#include "kv.h"
#include "svc.h"

Test(svc, config_requires_socket)
{
	struct err	e;

	unsetenv("PARLEY_SOCKET");
	cr_assert_eq(svc_config(&e), APP_EINVAL);
	cr_assert_str_eq(e.msg, "PARLEY_SOCKET is required");
	setenv("PARLEY_SOCKET", "/tmp/x.sock", 1);
	cr_assert_eq(svc_config(&e), 0, "%s", e.msg);
}

Test(svc, config_rejects_bad_redis_address)
{
	struct err	e;

	setenv("PARLEY_SOCKET", "/tmp/x.sock", 1);
	setenv("PARLEY_REDIS", "nowhere", 1);
	cr_assert_eq(svc_config(&e), APP_EINVAL);
	cr_assert_not_null(strstr(e.msg, "PARLEY_REDIS"));
}

static int
health(const char *db_conninfo, const char *kv_addr, json_t **body)
{
	struct arena	*a = arena_create(0);
	struct req	 r;
	struct resp	 resp;
	struct err	 e;
	int		 status;

	route_req_init(&r, a);
	r.svc = "auth";
	r.db = db_create(db_conninfo, 2);
	r.kv = kv_create(kv_addr, 500, &e);
	resp_init(&resp, a);
	err_clear(&e);
	cr_assert_eq(svc_h_health(&r, &resp, &e), 0);
	status = resp.status;
	*body = json_incref(resp.body);
	resp_cleanup(&resp);
	db_destroy(r.db);
	kv_destroy(r.kv);
	arena_destroy(a);
	return status;
}

static const char *
field(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

Test(svc, health_ok)
{
	struct err	 e;
	json_t		*b;

	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(health(cfg_str(CFG_DB), cfg_str(CFG_REDIS), &b), 200);
	cr_assert_str_eq(field(b, "status"), "ok");
	cr_assert_str_eq(field(b, "service"), "auth");
	cr_assert_str_eq(field(b, "postgres"), "ok");
	cr_assert_str_eq(field(b, "redis"), "ok");
	cr_assert_null(json_object_get(b, "error"));
	json_decref(b);
}

Test(svc, health_reports_each_backend)
{
	struct err	 e;
	json_t		*b, *err;

	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(health("host=/nonexistent-parley-dir dbname=x",
	    cfg_str(CFG_REDIS), &b), 503);
	err = json_object_get(b, "error");
	cr_assert_str_eq(field(err, "code"), "unavailable");
	cr_assert_str_eq(field(err, "message"), "postgres unavailable");
	cr_assert_str_eq(field(b, "status"), "unavailable");
	cr_assert_str_eq(field(b, "postgres"), "down");
	cr_assert_str_eq(field(b, "redis"), "ok");
	json_decref(b);

	cr_assert_eq(health(cfg_str(CFG_DB),
	    "unix:/nonexistent-parley-dir/r.sock", &b), 503);
	cr_assert_str_eq(field(b, "postgres"), "ok");
	cr_assert_str_eq(field(b, "redis"), "down");
	json_decref(b);
}
