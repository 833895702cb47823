/*
 * err.c - the table from enum app_err to HTTP status and default slug, and
 * the two helpers every module uses to fill a struct err. Nothing here
 * allocates: a struct err lives on the caller's stack.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

struct err_entry {
	enum app_err	 code;
	int		 status;
	const char	*slug;
};

static const struct err_entry *err_lookup(enum app_err);
static void	err_trim_utf8(char *);

static const struct err_entry err_table[] = {
	{ APP_OK,		200, "ok" },
	{ APP_EINVAL,		400, "bad_request" },
	{ APP_EUNAUTH,		401, "unauthorized" },
	{ APP_EFORBIDDEN,	403, "forbidden" },
	{ APP_ENOTFOUND,	404, "not_found" },
	{ APP_EMETHOD,		405, "method_not_allowed" },
	{ APP_ECONFLICT,	409, "conflict" },
	{ APP_EGONE,		410, "gone" },
	{ APP_ETOOLARGE,	413, "too_large" },
	{ APP_EUNPROCESSABLE,	422, "unprocessable" },
	{ APP_ERATELIMIT,	429, "rate_limited" },
	{ APP_EINTERNAL,	500, "internal" },
	{ APP_EBADGATEWAY,	502, "bad_gateway" },
	{ APP_EUNAVAIL,		503, "unavailable" },
};

static const struct err_entry *
err_lookup(enum app_err code)
{
	size_t	i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return &err_table[i];
	return NULL;
}

/*
 * Truncation may cut a multi-byte UTF-8 sequence in two; drop the partial
 * tail so the message still goes into JSON.
 */
static void
err_trim_utf8(char *s)
{
	size_t	len = strlen(s), i, need;

	if (len == 0)
		return;
	i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	/* s[i - 1] leads the last sequence: does it have all its bytes? */
	need = ((unsigned char)s[i - 1] & 0xe0) == 0xc0 ? 2 :
	    ((unsigned char)s[i - 1] & 0xf0) == 0xe0 ? 3 :
	    ((unsigned char)s[i - 1] & 0xf8) == 0xf0 ? 4 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

void
err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
	e->code = APP_OK;
}

int
err_set(struct err *e, enum app_err code, const char *slug, const char *fmt,
    ...)
{
	va_list	ap;

	e->code = code;
	e->retry_after = 0;
	if (slug == NULL)
		slug = err_default_slug(code);
	snprintf(e->slug, sizeof(e->slug), "%s", slug);
	e->msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
		err_trim_utf8(e->msg);
	}
	return code;
}

int
err_http_status(enum app_err code)
{
	const struct err_entry	*ent;

	if ((ent = err_lookup(code)) == NULL)
		return 500;
	return ent->status;
}

const char *
err_default_slug(enum app_err code)
{
	const struct err_entry	*ent;

	if ((ent = err_lookup(code)) == NULL)
		return "internal";
	return ent->slug;
}
