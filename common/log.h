/*
 * log.h - one key=value line per event on stderr.
 *
 *   ts=2026-11-24T01:02:03.456Z level=info svc=auth req=9f2c fn=h_verify event=login user=42
 *
 * The caller writes the key=value pairs after fn=; log.c adds ts, level, svc,
 * the calling thread's request id and the function. Never pass tokens, codes,
 * key material or message bodies: logs are not secret.
 *
 * Untrusted values: log_msg() keeps one event on one line (control
 * characters are escaped) but cannot see the caller's quoting, so a value
 * pasted in as k=%s or k="%s" could close the quote and forge fields
 * (path=/a" level=error x="). Every value that comes from a request, a
 * peer or a server message (paths, header values, user input, libpq and
 * Redis error text) goes through log_q() or log_qv() and is written bare:
 *
 *   log_warn("event=not_found path=%s", log_qv(req->path));
 *   -> ... event=not_found path="/a\" level=error x=\""
 *
 * Only integers, fixed words and values validated to a safe alphabet
 * (request ids, SQLSTATEs) may be written without it.
 */
#ifndef PARLEY_LOG_H
#define PARLEY_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* svc is copied; level from cfg ("debug", "info", ...). Call once at start. */
void	log_init(const char *svc, const char *level);

/* Sets this thread's request id (copied; NULL clears it to "-"). */
void	log_set_req(const char *req_id);

void	log_msg(enum log_level lvl, const char *fn, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Writes s (NULL: empty) into buf as a double-quoted value: '"' and '\'
 * are backslash-escaped, control characters become \n, \r, \t or \xNN,
 * and bytes that are not valid UTF-8 become \xNN. A value that does not fit
 * bufsz is cut on a character boundary and ends in "..." inside the quotes.
 * Returns buf; bufsz must be at least 8.
 */
const char *log_q(char *buf, size_t bufsz, const char *s);

/*
 * log_q() into one of LOG_QV_SLOTS thread-local buffers of LOG_QV_MAX bytes
 * (values longer than about 250 bytes are cut), used in turn, so up to
 * LOG_QV_SLOTS of them can appear in one log call. The pointer stays valid
 * until this thread has made LOG_QV_SLOTS more calls.
 */
#define LOG_QV_SLOTS	8
#define LOG_QV_MAX	256
const char *log_qv(const char *s);

#define log_debug(...)	log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_ERROR, __func__, __VA_ARGS__)

#endif
