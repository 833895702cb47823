/*
 * log.h - one key=value line per event on stderr.
 *
 *   ts=2026-11-24T01:02:03.456Z level=info svc=auth req=9f2c fn=h_verify event=login user=42
 *
 * The caller writes the key=value pairs after fn=; log.c adds ts, level, svc,
 * the calling thread's request id and the function. Never pass tokens, codes,
 * key material or message bodies: logs are not secret.
 */
#ifndef PARLEY_LOG_H
#define PARLEY_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* svc is copied; level from cfg ("debug", "info", ...). Call once at start. */
void	log_init(const char *svc, const char *level);

/* Sets this thread's request id (copied; NULL clears it to "-"). */
void	log_set_req(const char *req_id);

void	log_msg(enum log_level lvl, const char *fn, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_debug(...)	log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_ERROR, __func__, __VA_ARGS__)

#endif
