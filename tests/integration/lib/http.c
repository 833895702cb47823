/*
 * http.c - the integration tests' HTTPS client (see http.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include <curl/curl.h>
#include <criterion/criterion.h>

#include "http.h"

#define MAX_HEADERS 16

struct http_client {
	CURL	*curl;
	char	*names[MAX_HEADERS];
	char	*values[MAX_HEADERS];
};

struct buf {
	char	*p;
	size_t	 len;
};

static size_t	 buf_write(char *, size_t, size_t, void *);
static void	*xstrdup(const char *);

const char *
test_url(void)
{
	const char *u = getenv("PARLEY_TEST_URL");

	if (u == NULL || *u == '\0')
		cr_assert_fail("PARLEY_TEST_URL is not set: run through make test");
	return u;
}

static void *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

struct http_client *
http_client_create(void)
{
	struct http_client *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->curl = curl_easy_init()) == NULL)
		abort();
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");	/* in-memory jar */
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	http_client_header(c, "Origin", test_url());
	return c;
}

void
http_client_destroy(struct http_client *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < MAX_HEADERS; i++) {
		free(c->names[i]);
		free(c->values[i]);
	}
	curl_easy_cleanup(c->curl);
	free(c);
}

void
http_client_header(struct http_client *c, const char *name, const char *value)
{
	int i, free_slot = -1;

	for (i = 0; i < MAX_HEADERS; i++) {
		if (c->names[i] != NULL && strcasecmp(c->names[i], name) == 0) {
			free(c->names[i]);
			free(c->values[i]);
			c->names[i] = c->values[i] = NULL;
		}
		if (c->names[i] == NULL && free_slot < 0)
			free_slot = i;
	}
	if (value == NULL)
		return;
	if (free_slot < 0)
		abort();
	c->names[free_slot] = xstrdup(name);
	c->values[free_slot] = xstrdup(value);
}

static size_t
buf_write(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	char *p;

	if ((p = realloc(b->p, b->len + size * n + 1)) == NULL)
		return 0;
	memcpy(p + b->len, data, size * n);
	b->len += size * n;
	p[b->len] = '\0';
	b->p = p;
	return size * n;
}

int
http_request(struct http_client *c, const char *method, const char *path,
    const char *body, size_t len, struct http_resp *out)
{
	struct curl_slist *hdrs = NULL;
	struct buf b = { NULL, 0 }, h = { NULL, 0 };
	char url[2048], line[1024];
	CURLcode rc;
	int i;

	memset(out, 0, sizeof(*out));
	if (strncmp(path, "http", 4) == 0)
		snprintf(url, sizeof(url), "%s", path);
	else
		snprintf(url, sizeof(url), "%s%s", test_url(), path);
	for (i = 0; i < MAX_HEADERS; i++) {
		if (c->names[i] == NULL)
			continue;
		snprintf(line, sizeof(line), "%s: %s", c->names[i], c->values[i]);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (body != NULL)
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(len == (size_t)-1 ? strlen(body) : len));
	} else
		curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);	/* resets body options */
	curl_easy_setopt(c->curl, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, buf_write);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &h);
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(hdrs);
	out->body = b.p != NULL ? b.p : xstrdup("");
	out->len = b.len;
	out->headers = h.p != NULL ? h.p : xstrdup("");
	if (rc != CURLE_OK)
		return -1;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME, &out->seconds);
	out->json = json_loadb(out->body, out->len, 0, NULL);
	return 0;
}

void
http_resp_cleanup(struct http_resp *r)
{
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

const char *
http_header(const struct http_resp *r, const char *name, char *buf, size_t bufsz)
{
	const char *p = r->headers, *eol, *v;
	size_t n = strlen(name), vlen;

	for (; p != NULL && *p != '\0'; p = eol != NULL ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		for (v = p + n + 1; *v == ' '; v++)
			;
		vlen = (eol != NULL ? (size_t)(eol - v) : strlen(v));
		while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
			vlen--;
		snprintf(buf, bufsz, "%.*s", (int)vlen, v);
		return buf;
	}
	return NULL;
}

const char *
http_error_code(const struct http_resp *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
}

int
test_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
