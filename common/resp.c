/*
 * resp.c - building and serialising responses. The body stays a json_t
 * until the very end so handlers (and the health check) can still add to
 * it; serialisation writes the CGI header block and the compact JSON into
 * one arena buffer that fcgi.c sends with a single write.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "resp.h"

struct resp_status {
	int		 code;
	const char	*reason;
};

static int	resp_clean(const char *);

static const struct resp_status resp_statuses[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" }, { 304, "Not Modified" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 413, "Content Too Large" }, { 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
};

/* No CR, LF or other control byte may reach the header block. */
static int
resp_clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return 0;
	return 1;
}

void
resp_init(struct resp *r, struct arena *a)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
}

void
resp_cleanup(struct resp *r)
{
	json_decref(r->body);
	r->body = NULL;
}

int
resp_json(struct resp *r, int status, json_t *body)
{
	json_decref(r->body);
	r->status = status;
	r->body = body;
	return 0;
}

int
resp_header(struct resp *r, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*value;
	int	 n;

	if (r->nheaders == RESP_MAX_HEADERS || !resp_clean(name) ||
	    name[0] == '\0')
		return APP_EINTERNAL;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return APP_EINTERNAL;
	value = arena_alloc(r->arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(value, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* A NUL inside the value would have shortened it: also refused. */
	if (!resp_clean(value) || strlen(value) != (size_t)n)
		return APP_EINTERNAL;
	r->headers[r->nheaders].name = arena_strdup(r->arena, name);
	r->headers[r->nheaders].value = value;
	r->nheaders++;
	return 0;
}

const char *
resp_get_header(const struct resp *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

void
resp_error(struct resp *r, const struct err *e)
{
	int		 status = err_http_status(e->code);
	const char	*slug, *msg;
	json_t		*jslug, *jmsg;

	slug = e->slug[0] != '\0' ? e->slug : err_default_slug(e->code);
	msg = e->msg[0] != '\0' ? e->msg : resp_reason(status);
	/* Text that is not UTF-8 falls back to the defaults, never to {}. */
	if ((jslug = json_string(slug)) == NULL)
		jslug = json_string(err_default_slug(e->code));
	if ((jmsg = json_string(msg)) == NULL)
		jmsg = json_string(resp_reason(status));
	resp_json(r, status, json_pack("{s:{s:o,s:o}}", "error", "code", jslug,
	    "message", jmsg));
	if (e->retry_after > 0 && resp_get_header(r, "Retry-After") == NULL)
		resp_header(r, "Retry-After", "%d", e->retry_after);
}

const char *
resp_reason(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(resp_statuses) / sizeof(resp_statuses[0]); i++)
		if (resp_statuses[i].code == status)
			return resp_statuses[i].reason;
	return "Unknown";
}

char *
resp_serialize(struct resp *r, size_t *len)
{
	char	*head, *out;
	size_t	 hlen, blen = 0, i;
	int	 status = r->status != 0 ? r->status : 500;

	if (r->body != NULL)
		blen = json_dumpb(r->body, NULL, 0, JSON_COMPACT);
	head = arena_printf(r->arena, "Status: %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n", status, resp_reason(status), blen);
	for (i = 0; i < r->nheaders; i++)
		head = arena_printf(r->arena, "%s%s: %s\r\n", head,
		    r->headers[i].name, r->headers[i].value);
	hlen = strlen(head);
	out = arena_alloc(r->arena, hlen + 2 + blen + 1);
	memcpy(out, head, hlen);
	memcpy(out + hlen, "\r\n", 2);
	if (blen > 0)
		json_dumpb(r->body, out + hlen + 2, blen, JSON_COMPACT);
	out[hlen + 2 + blen] = '\0';
	*len = hlen + 2 + blen;
	return out;
}
