/*
 * route.c - matching DOCUMENT_URI against the route table, the central
 * authentication check, and the small parsers handlers need on a request
 * (query string, cookies). Matching is segment by segment with no
 * allocation unless a route matches; tables are small, a linear scan is
 * the right tool.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "route.h"

static int	route_match(const char *, const char *, struct req *);
static int	route_hexval(int);
static char	*route_unescape(struct arena *, const char *, size_t);

static route_auth_fn	route_auth;
static char		*route_origin;

void
route_set_auth(route_auth_fn fn)
{
	route_auth = fn;
}

void
route_set_origin(const char *origin)
{
	free(route_origin);
	route_origin = NULL;
	if (origin != NULL && (route_origin = strdup(origin)) == NULL)
		abort();
}

int
route_state_changing(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

void
route_req_init(struct req *r, struct arena *a)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->svc = r->method = r->path = r->query = r->body = "";
	r->cookie = r->origin = r->remote_addr = r->content_type = "";
	r->request_id = "";
}

/*
 * 1 if path matches pattern; then r->params holds the ":name" segments.
 * Both are '/'-separated; a parameter matches one non-empty segment.
 */
static int
route_match(const char *pattern, const char *path, struct req *r)
{
	struct route_param	 params[ROUTE_MAX_PARAMS];
	size_t			 n = 0, plen, slen;
	const char		*pend, *send;

	while (*pattern != '\0' && *path != '\0') {
		if (*pattern != '/' || *path != '/')
			return 0;
		pattern++;
		path++;
		pend = pattern + strcspn(pattern, "/");
		send = path + strcspn(path, "/");
		plen = (size_t)(pend - pattern);
		slen = (size_t)(send - path);
		if (pattern[0] == ':') {
			if (slen == 0 || n == ROUTE_MAX_PARAMS)
				return 0;
			params[n].name = pattern + 1;	/* ends at '/' or NUL */
			params[n].value = path;
			n++;
		} else if (plen != slen || memcmp(pattern, path, plen) != 0)
			return 0;
		pattern = pend;
		path = send;
	}
	if (*pattern != '\0' || *path != '\0')
		return 0;
	r->nparams = n;
	while (n-- > 0) {
		r->params[n].name = arena_strndup(r->arena, params[n].name,
		    strcspn(params[n].name, "/"));
		r->params[n].value = arena_strndup(r->arena, params[n].value,
		    strcspn(params[n].value, "/"));
	}
	return 1;
}

void
route_dispatch(const struct route *routes, size_t nroutes, struct req *r,
    struct resp *resp)
{
	const struct route	*found = NULL;
	const char		*allow = NULL;
	struct err		 e;
	size_t			 i;
	int			 rc;

	err_clear(&e);
	for (i = 0; i < nroutes && found == NULL; i++) {
		if (!route_match(routes[i].pattern, r->path, r))
			continue;
		if (strcmp(routes[i].method, r->method) == 0)
			found = &routes[i];
		else
			allow = allow == NULL ? routes[i].method :
			    arena_printf(r->arena, "%s, %s", allow,
			    routes[i].method);
	}
	if (found == NULL) {
		r->nparams = 0;
		if (allow != NULL) {
			err_set(&e, APP_EMETHOD, "method_not_allowed",
			    "%s is not allowed here", r->method);
			resp_header(resp, "Allow", "%s", allow);
		} else
			err_set(&e, APP_ENOTFOUND, "not_found",
			    "no such endpoint");
		resp_error(resp, &e);
		return;
	}
	/*
	 * SameSite=Strict already keeps the session cookie off cross-site
	 * requests; the Origin check also stops a cross-site form or fetch
	 * from reaching the public state-changing routes (codes, login).
	 */
	if (route_origin != NULL && route_state_changing(r->method) &&
	    strcmp(r->origin, route_origin) != 0) {
		rc = err_set(&e, APP_EFORBIDDEN, "bad_origin",
		    "the request must come from the app's own origin");
		goto fail;
	}
	if (found->flags & ROUTE_AUTH) {
		rc = route_auth != NULL ? route_auth(r, &e) :
		    err_set(&e, APP_EUNAUTH, "unauthorized",
		    "authentication required");
		if (rc < 0)
			goto fail;
		if (r->pin_pending && !(found->flags & ROUTE_PIN_OK)) {
			rc = err_set(&e, APP_EFORBIDDEN, "pin_required",
			    "enter your two-step verification PIN first");
			goto fail;
		}
	}
	rc = found->handler(r, resp, &e);
	if (rc == 0 && resp->status == 0)
		rc = err_set(&e, APP_EINTERNAL, "internal",
		    "the handler produced no response");
	if (rc == 0)
		return;
fail:
	if (e.code == APP_OK)
		err_set(&e, APP_EINTERNAL, "internal", "internal error");
	if (err_http_status(e.code) >= 500)
		log_error("route=\"%s %s\" code=%s msg=%s", found->method,
		    found->pattern, e.slug, log_qv(e.msg));
	resp_error(resp, &e);
}

const char *
route_param(const struct req *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

static int
route_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes n bytes of s; NULL on a bad escape or an encoded NUL. */
static char *
route_unescape(struct arena *a, const char *s, size_t n)
{
	char	*out, *p;
	size_t	 i;
	int	 hi, lo;

	out = p = arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			*p++ = ' ';
		else if (s[i] != '%')
			*p++ = s[i];
		else {
			if (i + 2 >= n)
				return NULL;
			if ((hi = route_hexval(s[i + 1])) < 0 ||
			    (lo = route_hexval(s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				return NULL;
			*p++ = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*p = '\0';
	return out;
}

const char *
route_query(const struct req *r, const char *name)
{
	const char	*p = r->query, *eq, *end;
	size_t		 nlen = strlen(name);

	while (*p != '\0') {
		end = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0)
			return route_unescape(r->arena, eq + 1,
			    (size_t)(end - eq - 1));
		p = *end == '&' ? end + 1 : end;
	}
	return NULL;
}

const char *
route_cookie(const struct req *r, const char *name)
{
	const char	*p = r->cookie, *eq, *end;
	size_t		 nlen = strlen(name);

	while (*p != '\0') {
		p += strspn(p, " \t");
		end = p + strcspn(p, ";");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0)
			return arena_strndup(r->arena, eq + 1,
			    (size_t)(end - eq - 1));
		p = *end == ';' ? end + 1 : end;
	}
	return NULL;
}
