/*
 * log_test.c - the line format, level filter, request id and escaping,
 * read back from stderr redirected into a pipe.
 */
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"

static int	saved_stderr = -1;
static int	pipe_rd = -1;

static void
capture(void)
{
	int	p[2];

	cr_assert_eq(pipe(p), 0);
	saved_stderr = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	pipe_rd = p[0];
}

/* Restores stderr and returns everything written meanwhile. */
static char *
captured(void)
{
	static char	buf[16384];
	ssize_t		n;
	size_t		len = 0;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	while ((n = read(pipe_rd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(pipe_rd);
	buf[len] = '\0';
	return buf;
}

Test(log, line_format)
{
	char	*out;

	log_init("auth", "info");
	log_set_req("9f2c");
	capture();
	log_info("event=login user=%d", 42);
	out = captured();
	cr_assert_eq(strncmp(out, "ts=", 3), 0, "%s", out);
	/* ts=YYYY-MM-DDTHH:MM:SS.mmmZ */
	cr_assert_eq(out[13], 'T');
	cr_assert_eq(out[26], 'Z', "%s", out);
	cr_assert_str_eq(out + 27, " level=info svc=auth req=9f2c "
	    "fn=log_line_format_impl event=login user=42\n");
}

Test(log, level_filter)
{
	char	*out;

	log_init("auth", "warn");
	capture();
	log_debug("a=1");
	log_info("b=2");
	log_warn("c=3");
	log_error("d=4");
	out = captured();
	cr_assert_null(strstr(out, "a=1"));
	cr_assert_null(strstr(out, "b=2"));
	cr_assert_not_null(strstr(out, "level=warn"));
	cr_assert_not_null(strstr(out, "level=error"));
}

Test(log, unknown_level_means_info)
{
	char	*out;

	log_init("x", "loud");
	capture();
	log_debug("hidden=1");
	log_info("shown=1");
	out = captured();
	cr_assert_null(strstr(out, "hidden=1"));
	cr_assert_not_null(strstr(out, "shown=1"));
}

Test(log, request_id_cleared)
{
	char	*out;

	log_init("auth", "info");
	log_set_req("abc");
	log_set_req(NULL);
	capture();
	log_info("x=1");
	out = captured();
	cr_assert_not_null(strstr(out, " req=- "), "%s", out);
}

Test(log, values_with_spaces_quoted)
{
	char	*out;

	log_init("my svc", "info");
	log_set_req("a \"b\"");
	capture();
	log_info("x=1");
	out = captured();
	cr_assert_not_null(strstr(out, " svc=\"my svc\" "), "%s", out);
	cr_assert_not_null(strstr(out, " req=\"a \\\"b\\\"\" "), "%s", out);
}

Test(log, one_event_one_line)
{
	char	*out;

	log_init("auth", "info");
	capture();
	log_info("msg=\"%s\"", "line1\nlevel=error forged\r\x01");
	out = captured();
	cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "%s", out);
	cr_assert_not_null(strstr(out, "line1\\nlevel=error forged\\r\\x01"),
	    "%s", out);
}

Test(log, long_line_truncated_to_one_write)
{
	static char	big[10000];
	char		*out;

	memset(big, 'a', sizeof(big) - 1);
	log_init("auth", "info");
	capture();
	log_info("v=%s", big);
	out = captured();
	cr_assert_lt(strlen(out), 4097);
	cr_assert_eq(out[strlen(out) - 1], '\n');
}
