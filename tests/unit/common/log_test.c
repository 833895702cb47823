/*
 * log_test.c - the line format, level filter, request id and escaping,
 * read back from stderr redirected into a pipe, and log_q(): untrusted
 * values that cannot add, end or alter a field, checked with a parser.
 */
#include <stdio.h>
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

/*
 * Splits a log line into its key=value fields the way a log parser
 * would: a value is bare up to a space, or "quoted" with backslash
 * escapes. Returns the number of fields; keys[i] and vals[i] point into
 * static storage, vals decoded (\n, \r, \t, \xNN, \", \\).
 */
#define MAX_FIELDS	32
static int
parse_fields(const char *line, char **keys, char **vals)
{
	static char	store[16384];
	char		*o = store;
	const char	*p = line;
	int		 n = 0;
	unsigned	 x;

	while (*p != '\0' && *p != '\n') {
		cr_assert_lt(n, MAX_FIELDS);
		keys[n] = o;
		while (*p != '=' && *p != ' ' && *p != '\0' && *p != '\n')
			*o++ = *p++;
		*o++ = '\0';
		cr_assert_eq(*p, '=', "field without '=': %s", line);
		p++;
		vals[n] = o;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				cr_assert(*p != '\0' && *p != '\n',
				    "unterminated quote: %s", line);
				if (*p != '\\') {
					*o++ = *p;
					continue;
				}
				p++;
				if (*p == 'n')
					*o++ = '\n';
				else if (*p == 'r')
					*o++ = '\r';
				else if (*p == 't')
					*o++ = '\t';
				else if (*p == 'x') {
					cr_assert_eq(sscanf(p + 1, "%2x", &x),
					    1);
					*o++ = (char)x;
					p += 2;
				} else
					*o++ = *p;
			}
			p++;
		} else
			while (*p != ' ' && *p != '\0' && *p != '\n')
				*o++ = *p++;
		*o++ = '\0';
		n++;
		cr_assert(*p == ' ' || *p == '\n' || *p == '\0',
		    "junk after a value: %s", p);
		if (*p == ' ')
			p++;
	}
	return n;
}

Test(log, q_escapes)
{
	char	buf[LOG_QV_MAX];

	cr_assert_str_eq(log_q(buf, sizeof(buf), "a b=c \"x"),
	    "\"a b=c \\\"x\"");
	cr_assert_str_eq(log_q(buf, sizeof(buf), "C:\\dir\\"),
	    "\"C:\\\\dir\\\\\"");
	cr_assert_str_eq(log_q(buf, sizeof(buf), "l1\nl2\r\t\x01\x7f"),
	    "\"l1\\nl2\\r\\t\\x01\\x7f\"");
	cr_assert_str_eq(log_q(buf, sizeof(buf), NULL), "\"\"");
	cr_assert_str_eq(log_q(buf, sizeof(buf), ""), "\"\"");
	/* Valid UTF-8 stays; broken sequences and C1 controls do not. */
	cr_assert_str_eq(log_q(buf, sizeof(buf), "caf\xc3\xa9 \xe2\x82\xac"),
	    "\"caf\xc3\xa9 \xe2\x82\xac\"");
	cr_assert_str_eq(log_q(buf, sizeof(buf), "\xff\xc3(\xc2\x85\xc0\xaf"),
	    "\"\\xff\\xc3(\\xc2\\x85\\xc0\\xaf\"");
	cr_assert_str_eq(log_q(buf, sizeof(buf), "\xed\xa0\x80"),
	    "\"\\xed\\xa0\\x80\"", "a UTF-16 surrogate is not UTF-8");
}

Test(log, q_truncates_on_a_boundary)
{
	static char	big[1000];
	char		small[8], buf[LOG_QV_MAX];
	const char	*q;

	cr_assert_str_eq(log_q(small, sizeof(small), "abcdefgh"),
	    "\"ab...\"");
	cr_assert_str_eq(log_q(small, sizeof(small), "ab"), "\"ab\"");
	/* An escape is never cut in half, so the closing quote stays one. */
	memset(big, '\\', sizeof(big) - 1);
	q = log_q(buf, sizeof(buf), big);
	cr_assert_leq(strlen(q), sizeof(buf) - 1);
	cr_assert_eq(strcmp(q + strlen(q) - 5, "\\...\""), 0, "%s", q);
	cr_assert_eq(strspn(q + 1, "\\") % 2, 0, "whole escapes only");
	memset(big, 'a', sizeof(big) - 1);
	q = log_qv(big);
	cr_assert_lt(strlen(q), LOG_QV_MAX);
	/* Nor a multi-byte character. */
	for (size_t i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	q = log_qv(big);
	cr_assert_eq(strcmp(q + strlen(q) - 6, "\xc3\xa9...\""), 0, "%s", q);
}

Test(log, untrusted_value_cannot_forge_fields)
{
	static const char *const evil[] = {
		"/a\" level=error forged=\"1",
		"/a\\\" level=error forged=1 x=\"",
		"x=1 level=error",
		"/p\\",
		"line1\nts=2026 level=error fn=forged forged=1",
		"\" \" \" = =\"",
	};
	char		*keys[MAX_FIELDS], *vals[MAX_FIELDS], *out;
	size_t		 i;
	int		 n;

	log_init("svc", "info");
	log_set_req("r1");
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		capture();
		log_info("event=x path=%s ua=%s n=%d", log_qv(evil[i]),
		    log_qv(evil[i]), 7);
		out = captured();
		cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "%s",
		    out);
		n = parse_fields(out, keys, vals);
		cr_assert_eq(n, 9, "exactly the 9 real fields: %s", out);
		cr_assert_str_eq(keys[1], "level");
		cr_assert_str_eq(vals[1], "info", "%s", out);
		cr_assert_str_eq(keys[5], "event");
		cr_assert_str_eq(keys[6], "path");
		cr_assert_str_eq(vals[6], evil[i], "round-trips: %s", out);
		cr_assert_str_eq(keys[7], "ua");
		cr_assert_str_eq(vals[7], evil[i]);
		cr_assert_str_eq(keys[8], "n");
		cr_assert_str_eq(vals[8], "7");
	}
}

Test(log, qv_slots_survive_one_call)
{
	char	*out;

	log_init("svc", "info");
	capture();
	log_info("a=%s b=%s c=%s d=%s e=%s f=%s g=%s h=%s", log_qv("1"),
	    log_qv("2"), log_qv("3"), log_qv("4"), log_qv("5"), log_qv("6"),
	    log_qv("7"), log_qv("8"));
	out = captured();
	cr_assert_not_null(strstr(out, " a=\"1\" b=\"2\" c=\"3\" d=\"4\" "
	    "e=\"5\" f=\"6\" g=\"7\" h=\"8\"\n"), "%s", out);
}
