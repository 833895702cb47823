/*
 * cfg_test.c - defaults, overrides and every kind of rejection. Criterion
 * runs each test in its own process, so setenv() does not leak between
 * tests.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cfg.h"

static void
clear_env(void)
{
	int	k;

	for (k = 0; k < CFG__COUNT; k++)
		unsetenv(cfg_name((enum cfg_key)k));
}

TestSuite(cfg, .init = clear_env);

Test(cfg, defaults)
{
	struct err	e;

	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_str_eq(cfg_str(CFG_DB), "dbname=parley");
	cr_assert_eq(cfg_int(CFG_DB_CONNECT_TIMEOUT), 2);
	cr_assert_str_eq(cfg_str(CFG_REDIS), "unix:var/run/redis.sock");
	cr_assert_str_eq(cfg_str(CFG_SOCKET), "");
	cr_assert_eq(cfg_int(CFG_THREADS), 8);
	cr_assert_eq(cfg_int(CFG_MAX_BODY), 131072);
	cr_assert_str_eq(cfg_str(CFG_LOG_LEVEL), "info");
	cr_assert_str_eq(cfg_str(CFG_ORIGIN), "https://localhost:8443");
	cr_assert_str_eq(cfg_str(CFG_WS_HOST), "127.0.0.1");
	cr_assert_eq(cfg_int(CFG_WS_PORT), 8090);
	cr_assert_str_eq(cfg_str(CFG_WS_NODE), "ws1");
	cr_assert_eq(cfg_int(CFG_WS_MAX_QUEUE), 1048576);
	cr_assert_eq(cfg_int(CFG_REDIS_TIMEOUT_MS), 1000);
	cr_assert_eq(cfg_int(CFG_DB_QUERY_TIMEOUT_MS), 5000);
	cr_assert_eq(cfg_int(CFG_SOCKET_MODE), 0660);
	cr_assert_str_eq(cfg_str(CFG_SOCKET_MODE), "0660");
	cr_assert_str_eq(cfg_str(CFG_SOCKET_GROUP), "");
}

Test(cfg, db_query_timeout_range)
{
	static const char *bad[] = { "99", "600001", "5s", "" };
	struct err	e;
	size_t		i;

	setenv("PARLEY_DB_QUERY_TIMEOUT_MS", "100", 1);
	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(cfg_int(CFG_DB_QUERY_TIMEOUT_MS), 100);
	setenv("PARLEY_DB_QUERY_TIMEOUT_MS", "600000", 1);
	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(cfg_int(CFG_DB_QUERY_TIMEOUT_MS), 600000);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("PARLEY_DB_QUERY_TIMEOUT_MS", bad[i], 1);
		cr_assert_eq(cfg_load(&e), APP_EINVAL, "'%s'", bad[i]);
		cr_assert_not_null(strstr(e.msg, "PARLEY_DB_QUERY_TIMEOUT_MS"));
	}
}

Test(cfg, socket_mode)
{
	static const struct { const char *s; long v; } good[] = {
		{ "0600", 0600 }, { "0660", 0660 }, { "0666", 0666 },
		{ "640", 0640 }, { "0620", 0620 }, { "0606", 0606 },
	};
	static const char *bad[] = { "", "0777", "0700", "0400", "0200",
	    "0661", "0670", "1660", "0666x", "8", "660.0", "+660", "-660",
	    " 660", "0o660", "06600", "438" };
	struct err	e;
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		setenv("PARLEY_SOCKET_MODE", good[i].s, 1);
		cr_assert_eq(cfg_load(&e), 0, "'%s': %s", good[i].s, e.msg);
		cr_assert_eq(cfg_int(CFG_SOCKET_MODE), good[i].v, "'%s'",
		    good[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("PARLEY_SOCKET_MODE", bad[i], 1);
		cr_assert_eq(cfg_load(&e), APP_EINVAL, "'%s'", bad[i]);
		cr_assert_str_eq(e.msg, "PARLEY_SOCKET_MODE must be an octal "
		    "mode from 0600 to 0666 with only rw bits");
	}
	setenv("PARLEY_SOCKET_MODE", "0640", 1);
	setenv("PARLEY_SOCKET_GROUP", "nogroup", 1);
	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_str_eq(cfg_str(CFG_SOCKET_GROUP), "nogroup");
}

Test(cfg, environment_overrides)
{
	struct err	e;

	setenv("PARLEY_THREADS", "256", 1);
	setenv("PARLEY_DB", "host=/tmp dbname=x", 1);
	setenv("PARLEY_LOG_LEVEL", "debug", 1);
	setenv("PARLEY_MAX_BODY", "2147483648", 1);
	cr_assert_eq(cfg_load(&e), 0);
	cr_assert_eq(cfg_int(CFG_THREADS), 256);
	cr_assert_str_eq(cfg_str(CFG_DB), "host=/tmp dbname=x");
	cr_assert_str_eq(cfg_str(CFG_LOG_LEVEL), "debug");
	cr_assert_eq(cfg_int(CFG_MAX_BODY), 2147483648L);
}

Test(cfg, out_of_range)
{
	static const char *bad[][2] = {
		{ "PARLEY_THREADS", "0" }, { "PARLEY_THREADS", "257" },
		{ "PARLEY_DB_CONNECT_TIMEOUT", "31" },
		{ "PARLEY_MAX_BODY", "1023" },
		{ "PARLEY_MAX_BODY", "2147483649" },
		{ "PARLEY_WS_PORT", "65536" },
		{ "PARLEY_THREADS", "99999999999999999999999" },
	};
	struct err	e;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		clear_env();
		setenv(bad[i][0], bad[i][1], 1);
		cr_assert_eq(cfg_load(&e), APP_EINVAL, "%s=%s", bad[i][0],
		    bad[i][1]);
		cr_assert_str_eq(e.slug, "bad_config");
		cr_assert_not_null(strstr(e.msg, bad[i][0]), "%s", e.msg);
	}
}

Test(cfg, not_an_integer)
{
	static const char *bad[] = { "", "8x", " 8", "0x10", "8.0", "-" };
	struct err	e;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("PARLEY_THREADS", bad[i], 1);
		cr_assert_eq(cfg_load(&e), APP_EINVAL, "'%s'", bad[i]);
		cr_assert_str_eq(e.msg,
		    "PARLEY_THREADS must be an integer in 1..256");
	}
}

Test(cfg, bad_enum)
{
	struct err	e;

	setenv("PARLEY_LOG_LEVEL", "verbose", 1);
	cr_assert_eq(cfg_load(&e), APP_EINVAL);
	cr_assert_not_null(strstr(e.msg, "PARLEY_LOG_LEVEL"));
	setenv("PARLEY_LOG_LEVEL", "INFO", 1);
	cr_assert_eq(cfg_load(&e), APP_EINVAL, "enum is case-sensitive");
}

Test(cfg, missing_required)
{
	struct err	e;

	setenv("PARLEY_WS_NODE", "", 1);
	cr_assert_eq(cfg_load(&e), APP_EINVAL);
	cr_assert_str_eq(e.msg, "PARLEY_WS_NODE is required");
}

Test(cfg, failed_reload_keeps_previous_values)
{
	struct err	e;

	setenv("PARLEY_THREADS", "3", 1);
	cr_assert_eq(cfg_load(&e), 0);
	setenv("PARLEY_THREADS", "4", 1);
	setenv("PARLEY_WS_PORT", "0", 1);
	cr_assert_eq(cfg_load(&e), APP_EINVAL);
	cr_assert_eq(cfg_int(CFG_THREADS), 3);
}

Test(cfg, names_and_bad_keys)
{
	cr_assert_str_eq(cfg_name(CFG_SOCKET), "PARLEY_SOCKET");
	cr_assert_str_eq(cfg_name(CFG__COUNT), "?");
	cr_assert_str_eq(cfg_str(CFG__COUNT), "");
	cr_assert_eq(cfg_int(CFG__COUNT), 0);
}
