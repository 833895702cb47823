/*
 * serial_auth_admin_test.c - auth behaviour that needs the auth service
 * restarted with other settings, or Redis stopped, so it runs alone
 * (serial_*): the `log` SMS sender with `deploy/admin otp`, the per-address
 * code limit, and failing closed without Redis. Each test puts the stack
 * back as the harness started it (http sender, its limits, Redis up).
 */
#include <sys/stat.h>

#include "auth_test_util.h"

TestSuite(serial_auth_admin, .timeout = 120);

static void
wait_auth_healthy(void)
{
	struct http_client	*c = http_client_create();
	int			 i;

	for (i = 0; i < 200; i++) {
		if (at_status(c, "GET", "/api/auth/health", NULL, NULL, 0) == 200)
			break;
		usleep(100 * 1000);
	}
	http_client_destroy(c);
	cr_assert_lt(i, 200, "auth did not come back");
}

/*
 * Restarts every auth instance (the test stack runs several behind one
 * nginx upstream) with extra environment settings (a shell prefix, or "").
 */
static void
restart_auth(const char *env)
{
	cr_assert_eq(test_sh("for n in auth $(seq -f auth%%g 2 ${PARLEY_FCGI_INSTANCES:-1}); "
	    "do %s deploy/stack restart $n >/dev/null 2>&1 || exit 1; done", env), 0);
	wait_auth_healthy();
}

static void
restore_auth(void)
{
	restart_auth("");
	at_redis_del("parley:rl:otp:ip:127.0.0.1");
}

Test(serial_auth_admin, log_sender_and_admin_otp, .fini = restore_auth)
{
	struct http_client	*c;
	struct http_resp	 r;
	struct stat		 st;
	char			 phone[AT_PHONE_MAX], code[16] = "", outbox[512];
	char			 log[512], cmd[1024];
	FILE			*p;

	restart_auth("PARLEY_SMS_SENDER=log");
	c = http_client_create();
	at_phone(phone);
	cr_assert_eq(at_request_code(c, phone), 200);
	cr_expect_str_eq(at_code(phone), "", "nothing reached the gateway");
	snprintf(cmd, sizeof(cmd), "deploy/admin otp '%s'", phone);
	cr_assert_not_null(p = popen(cmd, "r"));
	cr_assert_not_null(fgets(code, sizeof(code), p));
	cr_assert_eq(pclose(p), 0);
	code[strcspn(code, "\n")] = '\0';
	cr_assert_eq(strlen(code), 6, "'%s'", code);
	snprintf(outbox, sizeof(outbox), "%s/sms/outbox", at_env("PARLEY_VAR"));
	cr_assert_eq(stat(outbox, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "outbox mode %o", st.st_mode & 0777);
	/*
	 * The service log says a code went out, never which. Any auth
	 * instance may have served the request: search all their logs.
	 */
	snprintf(log, sizeof(log), "'%s'/log/auth*.log", at_env("PARLEY_VAR"));
	cr_expect_eq(test_sh("cat %s | grep -q 'event=otp_sent phone=%.*s\\*\\*\\*\\*'",
	    log, (int)strlen(phone) - 4, phone), 0);
	cr_expect_neq(test_sh("cat %s | grep -Eq '(^|[^0-9])%s([^0-9]|$)'", log, code),
	    0, "the code is not in the service logs");
	cr_expect_neq(test_sh("cat %s | grep -q '%s'", log, phone), 0,
	    "nor the full number");
	cr_assert_eq(at_req(c, "POST", "/api/auth/verify", &r, "{\"phone\":\"%s\","
	    "\"code\":\"%s\",\"device_name\":\"admin\"}", phone, code), 201,
	    "%s", r.body);
	http_resp_cleanup(&r);
	cr_expect_neq(test_sh("deploy/admin otp '%s' 2>/dev/null", phone), 0,
	    "a used code is not live");
	http_client_destroy(c);
}

Test(serial_auth_admin, per_address_code_limit, .fini = restore_auth)
{
	struct http_client	*c;
	struct http_resp	 r;
	char			 phone[AT_PHONE_MAX], v[32];
	int			 i;

	restart_auth("PARLEY_RATE_OTP_IP_MAX=3 PARLEY_RATE_OTP_IP_WINDOW=600");
	at_redis_del("parley:rl:otp:ip:127.0.0.1");
	c = http_client_create();
	for (i = 0; i < 3; i++) {
		at_phone(phone);
		cr_assert_eq(at_request_code(c, phone), 200, "code %d", i + 1);
	}
	at_phone(phone);
	cr_assert_eq(at_req(c, "POST", "/api/auth/otp", &r, "{\"phone\":\"%s\"}",
	    phone), 429);
	cr_expect_str_eq(http_error_code(&r), "rate_limited");
	cr_assert_not_null(http_header(&r, "Retry-After", v, sizeof(v)));
	cr_expect(atoi(v) > 500 && atoi(v) <= 600, "Retry-After %s", v);
	http_resp_cleanup(&r);
	http_client_destroy(c);
}

static void
redis_back(void)
{
	test_sh("deploy/stack start-one redis >/dev/null 2>&1");
}

Test(serial_auth_admin, codes_fail_closed_without_redis, .fini = redis_back)
{
	struct at_user		 u = { 0 };
	struct http_client	*c = http_client_create();
	char			 phone[AT_PHONE_MAX];
	int			 i;
	long			 s = 0;

	json_decref(at_login(&u, "A"));
	cr_assert_eq(test_sh("deploy/stack stop-one redis >/dev/null 2>&1"), 0);
	at_phone(phone);
	cr_expect_eq(at_request_code(c, phone), 503, "no unlimited codes");
	cr_expect_str_eq(at_code(phone), "");
	cr_expect_eq(at_status(u.c, "GET", "/api/auth/me", NULL, NULL, 0), 200,
	    "sessions still resolve from Postgres");
	cr_assert_eq(test_sh("deploy/stack start-one redis >/dev/null 2>&1"), 0);
	for (i = 0; i < 50 && s != 200; i++) {
		usleep(100 * 1000);
		s = at_request_code(c, phone);
	}
	cr_expect_eq(s, 200, "codes again once Redis is back");
	http_client_destroy(c);
	at_user_free(&u);
}
