/*
 * fcgi_test.c - the FastCGI server end to end: a forked child runs
 * fcgi_serve() on a private socket, and a minimal FastCGI client here
 * sends it requests. Covers params and body (no CONTENT_LENGTH or an
 * empty one reads and allocates nothing; malformed, over-limit and short
 * bodies are refused; large bodies grow their buffer), request ids, the
 * socket's mode and group, stale socket files and a clean exit within 1 s
 * of SIGTERM.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cfg.h"
#include "fcgi.h"
#include "log.h"

#define MAX_BODY	2048

static char	dir[64];
static char	sock_path[96];
static pid_t	server = -1;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Echoes the request; big bodies only as a length and a byte sum. */
static void
echo(struct req *r, struct resp *resp, void *tctx)
{
	size_t		used = arena_used(r->arena), i;
	json_int_t	sum = 0;

	(void)tctx;
	for (i = 0; i < r->body_len; i++)
		sum += (unsigned char)r->body[i];
	resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:I,"
	    "s:I}", "method", r->method, "path", r->path, "query", r->query,
	    "body_len", (json_int_t)r->body_len,
	    "body", r->body_len < 4096 ? r->body : "",
	    "request_id", r->request_id, "cookie", r->cookie,
	    "arena_used", (json_int_t)used, "sum", sum));
}

static int
connect_sock(void)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Forks the server; waits (by connecting, never sleeping blind) for it.
 * With mode or group set, the child loads cfg with them first.
 */
static void
start_server_with(int nthreads, size_t max_body, const char *mode,
    const char *group)
{
	struct fcgi_conf	conf = {
		.svc = "test", .socket_path = sock_path, .nthreads = nthreads,
		.max_body = max_body, .handle = echo,
	};
	struct err		e;
	int			fd, i;

	if ((server = fork()) == 0) {
		log_init("test", "error");
		if (mode != NULL || group != NULL) {
			setenv("PARLEY_SOCKET_MODE", mode != NULL ? mode :
			    "0660", 1);
			setenv("PARLEY_SOCKET_GROUP", group != NULL ? group :
			    "", 1);
			if (cfg_load(&e) != 0)
				_exit(3);
		}
		_exit(fcgi_serve(&conf, &e) == 0 ? 0 : 1);
	}
	cr_assert_gt(server, 0);
	for (i = 0; i < 400; i++) {
		if ((fd = connect_sock()) >= 0) {
			close(fd);
			return;
		}
		usleep(5000);
	}
	cr_assert_fail("server did not come up");
}

static void
start_server(int nthreads)
{
	start_server_with(nthreads, MAX_BODY, NULL, NULL);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/fcgi_test.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/s.sock", dir);
	server = -1;
}

static void
teardown(void)
{
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	unlink(sock_path);
	rmdir(dir);
}

TestSuite(fcgi, .init = setup, .fini = teardown, .timeout = 20);

static void
put_record(int fd, int type, const void *data, size_t len)
{
	unsigned char	h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	cr_assert_eq(write(fd, h, 8), 8);
	if (len > 0)
		cr_assert_eq(write(fd, data, len), (ssize_t)len);
}

static size_t
put_len(unsigned char *p, size_t n)
{
	if (n < 128) {
		p[0] = (unsigned char)n;
		return 1;
	}
	p[0] = (unsigned char)(0x80 | n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	return 4;
}

/*
 * One request: params is a NULL-terminated list of name, value. Returns
 * the response's stdout, NUL-terminated, in a static buffer.
 */
static char *
request(const char *const *params, const char *body, size_t body_len)
{
	static char		out[65536];
	static unsigned char	rec[65536 + 256];
	static const unsigned char begin[8] = { 0, 1, 0 };
	unsigned char		buf[16384], h[8];
	size_t			n = 0, len = 0, off, chunk;
	int			fd, type, clen, pad, done = 0;

	cr_assert((fd = connect_sock()) >= 0);
	put_record(fd, 1, begin, sizeof(begin));
	for (; params[0] != NULL; params += 2) {
		n += put_len(buf + n, strlen(params[0]));
		n += put_len(buf + n, strlen(params[1]));
		memcpy(buf + n, params[0], strlen(params[0]));
		n += strlen(params[0]);
		memcpy(buf + n, params[1], strlen(params[1]));
		n += strlen(params[1]);
	}
	put_record(fd, 4, buf, n);
	put_record(fd, 4, NULL, 0);
	for (off = 0; off < body_len; off += chunk) {
		chunk = body_len - off > 8000 ? 8000 : body_len - off;
		put_record(fd, 5, body + off, chunk);
	}
	put_record(fd, 5, NULL, 0);
	while (!done && read(fd, h, 8) == 8) {
		type = h[1];
		clen = h[4] << 8 | h[5];
		pad = h[6];
		cr_assert_lt(len + (size_t)clen, sizeof(out));
		for (off = 0; off < (size_t)(clen + pad); off += (size_t)n) {
			n = (size_t)read(fd, rec + off,
			    (size_t)(clen + pad) - off);
			cr_assert_gt((ssize_t)n, 0);
		}
		if (type == 6) {
			memcpy(out + len, rec, (size_t)clen);
			len += (size_t)clen;
		}
		done = type == 3;
	}
	close(fd);
	out[len] = '\0';
	return out;
}

static int
status_of(const char *out)
{
	cr_assert_eq(strncmp(out, "Status: ", 8), 0, "%s", out);
	return atoi(out + 8);
}

static json_t *
body_of(const char *out)
{
	const char	*p = strstr(out, "\r\n\r\n");

	cr_assert_not_null(p);
	return json_loads(p + 4, 0, NULL);
}

Test(fcgi, params_and_body)
{
	const char *const params[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/api/x/y", "REQUEST_URI", "/api/x/y?a=1",
	    "QUERY_STRING", "a=1", "CONTENT_LENGTH", "11",
	    "HTTP_COOKIE", "s=1", NULL };
	char	*out;
	json_t	*b;

	start_server(2);
	out = request(params, "{\"k\":\"v\"}\n ", 11);
	cr_assert_eq(status_of(out), 200, "%s", out);
	cr_assert_not_null(strstr(out, "Content-Type: application/json\r\n"));
	b = body_of(out);
	cr_assert_str_eq(json_string_value(json_object_get(b, "method")),
	    "POST");
	cr_assert_str_eq(json_string_value(json_object_get(b, "path")),
	    "/api/x/y");
	cr_assert_str_eq(json_string_value(json_object_get(b, "query")),
	    "a=1");
	cr_assert_str_eq(json_string_value(json_object_get(b, "cookie")),
	    "s=1");
	cr_assert_eq(json_integer_value(json_object_get(b, "body_len")), 11);
	cr_assert_str_eq(json_string_value(json_object_get(b, "body")),
	    "{\"k\":\"v\"}\n ");
	json_decref(b);
}

Test(fcgi, path_from_request_uri_without_document_uri)
{
	const char *const params[] = { "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/api/x/z?q=2", NULL };
	json_t	*b;

	start_server(1);
	b = body_of(request(params, NULL, 0));
	cr_assert_str_eq(json_string_value(json_object_get(b, "path")),
	    "/api/x/z");
	json_decref(b);
}

Test(fcgi, declared_length_over_limit_is_413)
{
	const char *const params[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "999999999", NULL };
	char	*out;
	json_t	*b;

	start_server(1);
	out = request(params, NULL, 0);
	cr_assert_eq(status_of(out), 413, "%s", out);
	b = body_of(out);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(b,
	    "error"), "code")), "body_too_large");
	json_decref(b);
}

static const char *
error_code(json_t *b)
{
	return json_string_value(json_object_get(json_object_get(b, "error"),
	    "code"));
}

Test(fcgi, no_content_length_means_no_body)
{
	const char *const absent[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", NULL };
	const char *const empty[] = { "REQUEST_METHOD", "GET",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "", NULL };
	const char *const zero[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "0", NULL };
	static char	big[MAX_BODY + 1];
	char		*out;
	json_t		*b;

	memset(big, 'a', sizeof(big));
	start_server(1);
	/* Whatever arrives on stdin without a declared length is ignored. */
	out = request(absent, big, sizeof(big));
	cr_assert_eq(status_of(out), 200, "%s", out);
	b = body_of(out);
	cr_assert_eq(json_integer_value(json_object_get(b, "body_len")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(b, "body")), "");
	json_decref(b);

	/* nginx's GET: nothing read, nothing allocated for a body. */
	out = request(empty, NULL, 0);
	cr_assert_eq(status_of(out), 200, "%s", out);
	b = body_of(out);
	cr_assert_eq(json_integer_value(json_object_get(b, "body_len")), 0);
	cr_assert_lt(json_integer_value(json_object_get(b, "arena_used")),
	    1024, "no max_body-sized buffer: %lld", (long long)
	    json_integer_value(json_object_get(b, "arena_used")));
	json_decref(b);

	out = request(zero, NULL, 0);
	cr_assert_eq(status_of(out), 200, "%s", out);
}

Test(fcgi, body_limit_is_exact)
{
	const char *const at[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "2048", NULL };
	const char *const over[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "2049", NULL };
	static char	big[MAX_BODY + 1];
	char		*out;
	json_t		*b;

	memset(big, 'b', sizeof(big));
	start_server(1);
	out = request(at, big, MAX_BODY);
	cr_assert_eq(status_of(out), 200, "exactly the limit is fine: %s",
	    out);
	b = body_of(out);
	cr_assert_eq(json_integer_value(json_object_get(b, "body_len")),
	    MAX_BODY);
	cr_assert_eq(json_integer_value(json_object_get(b, "sum")),
	    MAX_BODY * 'b');
	json_decref(b);
	/* Refused on the declared length, before reading the body. */
	out = request(over, NULL, 0);
	cr_assert_eq(status_of(out), 413, "%s", out);
	b = body_of(out);
	cr_assert_str_eq(error_code(b), "body_too_large");
	json_decref(b);
}

Test(fcgi, large_body_grows_its_buffer)
{
	const char *const params[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "300001", NULL };
	static char	big[300001];
	json_int_t	sum = 0;
	char		*out;
	json_t		*b;
	size_t		 i;

	for (i = 0; i < sizeof(big); i++) {
		big[i] = (char)('a' + i % 26);
		sum += (unsigned char)big[i];
	}
	start_server_with(1, 1 << 20, NULL, NULL);
	out = request(params, big, sizeof(big));
	cr_assert_eq(status_of(out), 200, "%s", out);
	b = body_of(out);
	cr_assert_eq(json_integer_value(json_object_get(b, "body_len")),
	    (json_int_t)sizeof(big));
	cr_assert_eq(json_integer_value(json_object_get(b, "sum")), sum,
	    "every byte arrived in order");
	cr_assert_lt(json_integer_value(json_object_get(b, "arena_used")),
	    4096, "the body is not in the arena");
	json_decref(b);
}

Test(fcgi, bad_content_length_is_400)
{
	static const char *const bad[] = { "-5", "abc", "1x", " 5", "+5",
	    "5 ", "0x10", "99999999999999999999999", "18446744073709551615" };
	const char *const shortp[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "10", NULL };
	const char	*params[] = { "REQUEST_METHOD", "POST",
	    "DOCUMENT_URI", "/x", "CONTENT_LENGTH", NULL, NULL };
	char		*out;
	json_t		*b;
	size_t		 i;

	start_server(1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		params[5] = bad[i];
		out = request(params, NULL, 0);
		cr_assert_eq(status_of(out), 400, "'%s': %s", bad[i], out);
		b = body_of(out);
		cr_assert_str_eq(error_code(b), "bad_request", "'%s'", bad[i]);
		json_decref(b);
	}
	out = request(shortp, "abc", 3);
	cr_assert_eq(status_of(out), 400, "body shorter than declared: %s",
	    out);
	/* The worker is fine afterwards. */
	params[5] = "3";
	cr_assert_eq(status_of(request(params, "abc", 3)), 200);
}

Test(fcgi, request_ids)
{
	const char *const good[] = { "REQUEST_METHOD", "GET",
	    "DOCUMENT_URI", "/x", "HTTP_X_REQUEST_ID", "abc-123_X", NULL };
	const char *const bad[] = { "REQUEST_METHOD", "GET",
	    "DOCUMENT_URI", "/x", "HTTP_X_REQUEST_ID", "a b\"c", NULL };
	json_t		*b;
	const char	*id;

	start_server(1);
	b = body_of(request(good, NULL, 0));
	cr_assert_str_eq(json_string_value(json_object_get(b, "request_id")),
	    "abc-123_X");
	json_decref(b);
	b = body_of(request(bad, NULL, 0));
	id = json_string_value(json_object_get(b, "request_id"));
	cr_assert_eq(strlen(id), 32, "generated: %s", id);
	cr_assert_eq(strspn(id, "0123456789abcdef"), 32);
	json_decref(b);
}

Test(fcgi, request_id_check)
{
	char	long_id[66];

	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	cr_assert(fcgi_request_id_ok("9f2c"));
	cr_assert(!fcgi_request_id_ok(""));
	cr_assert(!fcgi_request_id_ok("a\nb"));
	cr_assert(!fcgi_request_id_ok(long_id));
	long_id[64] = '\0';
	cr_assert(fcgi_request_id_ok(long_id));
}

static void
expect_clean_exit_within_1s(void)
{
	double	t0;
	int	status;

	t0 = now_ms();
	cr_assert_eq(kill(server, SIGTERM), 0);
	cr_assert_eq(waitpid(server, &status, 0), server);
	server = -1;
	cr_assert_lt(now_ms() - t0, 1000, "took %.0f ms", now_ms() - t0);
	cr_assert(WIFEXITED(status), "exited, not killed");
	cr_assert_eq(WEXITSTATUS(status), 0);
	cr_assert_eq(access(sock_path, F_OK), -1, "socket removed");
}

Test(fcgi, sigterm_with_idle_threads)
{
	start_server(16);
	expect_clean_exit_within_1s();
}

Test(fcgi, sigterm_after_traffic)
{
	const char *const params[] = { "REQUEST_METHOD", "GET",
	    "DOCUMENT_URI", "/x", NULL };
	int	i;

	start_server(4);
	for (i = 0; i < 20; i++)
		cr_assert_eq(status_of(request(params, NULL, 0)), 200);
	expect_clean_exit_within_1s();
}

Test(fcgi, replaces_stale_socket)
{
	struct sockaddr_un	sun;
	int			fd;

	/* A socket file left by a crashed process. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	start_server(1);
	expect_clean_exit_within_1s();
}

Test(fcgi, refuses_to_clobber_a_file)
{
	struct fcgi_conf	conf = {
		.svc = "test", .socket_path = sock_path, .nthreads = 1,
		.max_body = MAX_BODY, .handle = echo,
	};
	struct err		e;
	FILE			*f;

	f = fopen(sock_path, "w");
	cr_assert_not_null(f);
	fclose(f);
	cr_assert_eq(fcgi_serve(&conf, &e), APP_EINVAL);
	cr_assert_not_null(strstr(e.msg, "not a socket"), "%s", e.msg);
	conf.socket_path = "/tmp/has:colon";
	cr_assert_eq(fcgi_serve(&conf, &e), APP_EINVAL);
}

static mode_t
sock_mode(gid_t *gid)
{
	struct stat	st;

	cr_assert_eq(lstat(sock_path, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	*gid = st.st_gid;
	return st.st_mode & 07777;
}

/* Whether user nobody may connect to the socket (the test runs as root). */
static int
nobody_can_connect(void)
{
	struct passwd	*pw = getpwnam("nobody");
	pid_t		 pid;
	int		 status, fd;

	cr_assert_not_null(pw);
	cr_assert_eq(chmod(dir, 0711), 0, "nobody may traverse the dir");
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
		    setuid(pw->pw_uid) != 0)
			_exit(2);
		fd = connect_sock();
		_exit(fd >= 0 ? 0 : errno == EACCES ? 1 : 3);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_lt(WEXITSTATUS(status), 2, "child failed: %d",
	    WEXITSTATUS(status));
	return WEXITSTATUS(status) == 0;
}

static void
stop_server(void)
{
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	server = -1;
	unlink(sock_path);
}

Test(fcgi, socket_is_not_world_accessible_by_default)
{
	gid_t	gid;

	start_server(1);
	cr_assert_eq(sock_mode(&gid), 0660, "mode %04o", sock_mode(&gid));
	cr_assert_eq(gid, getegid(), "group left alone");
	if (geteuid() == 0)
		cr_assert(!nobody_can_connect(), "others cannot connect");
}

Test(fcgi, socket_mode_and_group_from_cfg)
{
	struct group	*gr;
	gid_t		 gid, want;

	if (geteuid() != 0 || (gr = getgrnam("nogroup")) == NULL)
		cr_skip_test("needs root and a nogroup group");
	want = gr->gr_gid;
	start_server_with(1, MAX_BODY, "0660", "nogroup");
	cr_assert_eq(sock_mode(&gid), 0660, "mode %04o", sock_mode(&gid));
	cr_assert_eq(gid, want, "group %d, want %d", (int)gid, (int)want);
	cr_assert(nobody_can_connect(), "nginx's group may connect");
	stop_server();

	start_server_with(1, MAX_BODY, "600", "nogroup");
	cr_assert_eq(sock_mode(&gid), 0600, "mode %04o", sock_mode(&gid));
	cr_assert_eq(gid, want);
	cr_assert(!nobody_can_connect(), "owner only");
	stop_server();

	start_server_with(1, MAX_BODY, "0666", NULL);
	cr_assert_eq(sock_mode(&gid), 0666, "explicitly world-writable");
	cr_assert_eq(gid, getegid());
}

Test(fcgi, unknown_socket_group_refuses_to_start)
{
	struct fcgi_conf	conf = {
		.svc = "test", .socket_path = sock_path, .nthreads = 1,
		.max_body = MAX_BODY, .handle = echo,
	};
	struct err		e;

	setenv("PARLEY_SOCKET_GROUP", "no-such-group-parley", 1);
	cr_assert_eq(cfg_load(&e), 0, "%s", e.msg);
	log_init("test", "error");
	cr_assert_eq(fcgi_serve(&conf, &e), APP_EINVAL);
	cr_assert_not_null(strstr(e.msg, "no-such-group-parley"), "%s", e.msg);
	cr_assert_eq(access(sock_path, F_OK), -1, "no socket left behind");
}
