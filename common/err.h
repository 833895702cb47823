/*
 * err.h - the one error convention of every service.
 *
 * Functions return int: 0 on success, a negative enum app_err on failure,
 * with the detail written into a caller-owned struct err (never a global).
 * resp.c turns a struct err into the JSON error envelope
 *   {"error": {"code": "<slug>", "message": "<msg>"}}
 * with the HTTP status from err_http_status().
 */
#ifndef PARLEY_ERR_H
#define PARLEY_ERR_H

enum app_err {
	APP_OK = 0,
	APP_EINVAL = -1,	/* 400 malformed or invalid input */
	APP_EUNAUTH = -2,	/* 401 no or bad session */
	APP_EFORBIDDEN = -3,	/* 403 authenticated but not allowed */
	APP_ENOTFOUND = -4,	/* 404 */
	APP_EMETHOD = -5,	/* 405 route exists, method does not */
	APP_ECONFLICT = -6,	/* 409 */
	APP_EGONE = -7,		/* 410 */
	APP_ETOOLARGE = -8,	/* 413 body or field over its limit */
	APP_EUNPROCESSABLE = -9, /* 422 well-formed but semantically wrong */
	APP_ERATELIMIT = -10,	/* 429, with retry_after seconds */
	APP_EINTERNAL = -11,	/* 500 */
	APP_EBADGATEWAY = -12,	/* 502 an upstream (e.g. SMS gateway) failed */
	APP_EUNAVAIL = -13,	/* 503 Postgres or Redis unreachable */
};

#define ERR_SLUG_MAX 48
#define ERR_MSG_MAX 200

struct err {
	enum app_err	code;
	char		slug[ERR_SLUG_MAX];	/* machine-readable, e.g. "invalid_phone" */
	char		msg[ERR_MSG_MAX];	/* human-readable, never secrets */
	int		retry_after;		/* seconds, for APP_ERATELIMIT/APP_EUNAVAIL; 0 = none */
};

/* Clears e to APP_OK. */
void	err_clear(struct err *e);

/*
 * Records an error and returns code, so handlers can write
 *   return err_set(e, APP_EINVAL, "invalid_phone", "phone must be E.164");
 * slug and the formatted message are truncated to fit.
 */
int	err_set(struct err *e, enum app_err code, const char *slug,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* HTTP status for a code: 400, 401, ... 503; 500 for anything unknown. */
int	err_http_status(enum app_err code);

/* Default slug for a code ("bad_request", "unauthorized", ...). */
const char *err_default_slug(enum app_err code);

#endif
