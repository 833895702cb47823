/*
 * log.c - one key=value line per event on stderr. Each line is built in a
 * stack buffer and written with a single write(2), so lines from different
 * threads never interleave (lines stay under PIPE_BUF). Control characters
 * in the caller's text are escaped so one event is always one line; the
 * values log.c adds itself (svc, req) are quoted when they contain spaces.
 * Quoting untrusted values inside the caller's text is log_q()'s job: only
 * the caller knows where a value starts and ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	4000	/* below PIPE_BUF: one atomic write */
#define LOG_SVC_MAX	32
#define LOG_REQ_MAX	72

struct log_buf {
	char	b[LOG_LINE_MAX];
	size_t	len;
};

static void	log_put(struct log_buf *, const char *, size_t);
static void	log_puts(struct log_buf *, const char *);
static void	log_put_value(struct log_buf *, const char *);
static void	log_put_escaped(struct log_buf *, const char *);
static void	log_put_ts(struct log_buf *);
static size_t	log_utf8_len(const unsigned char *);

static const char *const log_names[] = { "debug", "info", "warn", "error" };

static char			log_svc[LOG_SVC_MAX] = "-";
static enum log_level		log_min = LOG_INFO;
static _Thread_local char	log_req[LOG_REQ_MAX] = "-";
static _Thread_local char	log_qbufs[LOG_QV_SLOTS][LOG_QV_MAX];
static _Thread_local unsigned	log_qnext;

static void
log_put(struct log_buf *lb, const char *s, size_t n)
{
	/* Keep one byte for the final newline. */
	if (n > sizeof(lb->b) - 1 - lb->len)
		n = sizeof(lb->b) - 1 - lb->len;
	memcpy(lb->b + lb->len, s, n);
	lb->len += n;
}

static void
log_puts(struct log_buf *lb, const char *s)
{
	log_put(lb, s, strlen(s));
}

/* A value: bare if it has no space, quote or control character. */
static void
log_put_value(struct log_buf *lb, const char *s)
{
	if (s[0] != '\0' && strpbrk(s, " \"=") == NULL) {
		log_put_escaped(lb, s);
		return;
	}
	log_put(lb, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			log_put(lb, "\\", 1);
		log_put_escaped(lb, (char[2]){ *s, '\0' });
	}
	log_put(lb, "\"", 1);
}

static void
log_put_escaped(struct log_buf *lb, const char *s)
{
	char		 hex[5];
	unsigned char	 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\n')
			log_put(lb, "\\n", 2);
		else if (c == '\r')
			log_put(lb, "\\r", 2);
		else if (c == '\t')
			log_put(lb, "\\t", 2);
		else if (c < 0x20 || c == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			log_put(lb, hex, 4);
		} else
			log_put(lb, s, 1);
	}
}

static void
log_put_ts(struct log_buf *lb)
{
	struct timespec	ts;
	struct tm	tm;
	char		buf[80];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, sizeof(buf), "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	log_puts(lb, buf);
}

/*
 * The length of the well-formed UTF-8 sequence at p (no overlongs,
 * surrogates or code points past U+10FFFF), or 0. C1 controls (U+0080 to
 * U+009F) count as malformed, so they are escaped like C0 ones.
 */
static size_t
log_utf8_len(const unsigned char *p)
{
	size_t	n, i;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xc2 && p[1] < 0xa0) ||
	    (p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

const char *
log_q(char *buf, size_t bufsz, const char *s)
{
	const unsigned char	*p = (const unsigned char *)(s != NULL ? s : "");
	char			 esc[8];
	const char		*piece;
	size_t			 len = 0, n;

	/* Room is kept for "..." and the closing quote after any piece. */
	buf[len++] = '"';
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			piece = esc;
			n = 2;
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			esc[0] = '\\';
			esc[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
			piece = esc;
			n = 2;
		} else if (*p >= 0x20 && *p < 0x7f) {
			piece = (const char *)p;
			n = 1;
		} else if ((n = log_utf8_len(p)) > 0)
			piece = (const char *)p;
		else {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			piece = esc;
			n = 4;
		}
		if (len + n + 5 > bufsz) {
			memcpy(buf + len, "...", 3);
			len += 3;
			break;
		}
		memcpy(buf + len, piece, n);
		len += n;
		p += piece == (const char *)p ? n : 1;
	}
	buf[len++] = '"';
	buf[len] = '\0';
	return buf;
}

const char *
log_qv(const char *s)
{
	char	*buf = log_qbufs[log_qnext++ % LOG_QV_SLOTS];

	return log_q(buf, LOG_QV_MAX, s);
}

void
log_init(const char *svc, const char *level)
{
	size_t	i;

	snprintf(log_svc, sizeof(log_svc), "%s",
	    svc != NULL && svc[0] != '\0' ? svc : "-");
	log_min = LOG_INFO;
	for (i = 0; level != NULL && i < sizeof(log_names) /
	    sizeof(log_names[0]); i++)
		if (strcmp(level, log_names[i]) == 0)
			log_min = (enum log_level)i;
}

void
log_set_req(const char *req_id)
{
	snprintf(log_req, sizeof(log_req), "%s",
	    req_id != NULL && req_id[0] != '\0' ? req_id : "-");
}

void
log_msg(enum log_level lvl, const char *fn, const char *fmt, ...)
{
	struct log_buf	lb;
	char		text[LOG_LINE_MAX];
	va_list		ap;

	if (lvl < log_min || (unsigned)lvl > LOG_ERROR)
		return;
	lb.len = 0;
	log_put_ts(&lb);
	log_puts(&lb, " level=");
	log_puts(&lb, log_names[lvl]);
	log_puts(&lb, " svc=");
	log_put_value(&lb, log_svc);
	log_puts(&lb, " req=");
	log_put_value(&lb, log_req);
	log_puts(&lb, " fn=");
	log_put_value(&lb, fn != NULL ? fn : "-");

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (text[0] != '\0') {
		log_put(&lb, " ", 1);
		log_put_escaped(&lb, text);
	}
	lb.b[lb.len++] = '\n';
	/* Logging never fails a request: a failed write is dropped. */
	if (write(STDERR_FILENO, lb.b, lb.len) < 0)
		return;
}
