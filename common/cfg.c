/*
 * cfg.c - the one table of settings and the only place that reads the
 * environment. Each row says how to parse and check one variable; cfg_load()
 * walks the table once, before any thread starts, and either fills every
 * value or reports the first bad one so the process exits at start-up
 * instead of failing later.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

enum cfg_type { CFG_T_STR, CFG_T_INT, CFG_T_ENUM, CFG_T_MODE };

struct cfg_def {
	const char	*env;
	enum cfg_type	 type;
	const char	*def;		/* NULL: no default */
	long		 min, max;	/* CFG_T_INT and CFG_T_MODE */
	int		 required;	/* must be set and non-empty */
	const char	*const *choices; /* CFG_T_ENUM only, NULL-terminated */
};

struct cfg_val {
	char	*str;
	long	 num;
};

static int	cfg_parse_int(const struct cfg_def *, const char *, long *,
		    struct err *);
static int	cfg_check_enum(const struct cfg_def *, const char *,
		    struct err *);
static int	cfg_parse_mode(const struct cfg_def *, const char *, long *,
		    struct err *);

static const char *const cfg_log_levels[] = {
	"debug", "info", "warn", "error", NULL
};

static const char *const cfg_sms_senders[] = { "log", "http", NULL };

static const struct cfg_def cfg_table[CFG__COUNT] = {
	[CFG_DB] = { "PARLEY_DB", CFG_T_STR, "dbname=parley", 0, 0, 0, NULL },
	[CFG_DB_CONNECT_TIMEOUT] = { "PARLEY_DB_CONNECT_TIMEOUT", CFG_T_INT,
	    "2",
	    1, 30, 0, NULL },
	[CFG_DB_QUERY_TIMEOUT_MS] = { "PARLEY_DB_QUERY_TIMEOUT_MS", CFG_T_INT,
	    "5000", 100, 600000, 0, NULL },
	[CFG_REDIS] = { "PARLEY_REDIS", CFG_T_STR, "unix:var/run/redis.sock",
	    0, 0, 0, NULL },
	[CFG_SOCKET] = { "PARLEY_SOCKET", CFG_T_STR, "", 0, 0, 0, NULL },
	/* Only rw bits, owner rw always: nginx reaches it through the group. */
	[CFG_SOCKET_MODE] = { "PARLEY_SOCKET_MODE", CFG_T_MODE, "0660",
	    0600, 0666, 0, NULL },
	[CFG_SOCKET_GROUP] = { "PARLEY_SOCKET_GROUP", CFG_T_STR, "", 0, 0, 0,
	    NULL },
	[CFG_THREADS] = { "PARLEY_THREADS", CFG_T_INT, "8", 1, 256, 0, NULL },
	[CFG_MAX_BODY] = { "PARLEY_MAX_BODY", CFG_T_INT, "131072",
	    1024, 2147483648L, 0, NULL },
	[CFG_LOG_LEVEL] = { "PARLEY_LOG_LEVEL", CFG_T_ENUM, "info", 0, 0, 0,
	    cfg_log_levels },
	[CFG_ORIGIN] = { "PARLEY_ORIGIN", CFG_T_STR, "https://localhost:8443",
	    0, 0, 0, NULL },
	[CFG_WS_HOST] = { "PARLEY_WS_HOST", CFG_T_STR, "127.0.0.1", 0, 0, 0,
	    NULL },
	[CFG_WS_PORT] = { "PARLEY_WS_PORT", CFG_T_INT, "8090", 1, 65535, 0,
	    NULL },
	[CFG_WS_NODE] = { "PARLEY_WS_NODE", CFG_T_STR, "ws1", 0, 0, 1, NULL },
	[CFG_WS_MAX_QUEUE] = { "PARLEY_WS_MAX_QUEUE", CFG_T_INT, "1048576",
	    4096, 1073741824L, 0, NULL },
	[CFG_REDIS_TIMEOUT_MS] = { "PARLEY_REDIS_TIMEOUT_MS", CFG_T_INT, "1000",
	    10, 30000, 0, NULL },
	[CFG_VAR] = { "PARLEY_VAR", CFG_T_STR, "var", 0, 0, 0, NULL },
	[CFG_SMS_SENDER] = { "PARLEY_SMS_SENDER", CFG_T_ENUM, "log", 0, 0, 0,
	    cfg_sms_senders },
	[CFG_SMS_URL] = { "PARLEY_SMS_URL", CFG_T_STR, "", 0, 0, 0, NULL },
	[CFG_SMS_TOKEN] = { "PARLEY_SMS_TOKEN", CFG_T_STR, "", 0, 0, 0, NULL },
	[CFG_SMS_TIMEOUT] = { "PARLEY_SMS_TIMEOUT", CFG_T_INT, "5", 1, 60, 0,
	    NULL },
	[CFG_SMS_OUTBOX] = { "PARLEY_SMS_OUTBOX", CFG_T_STR, "", 0, 0, 0,
	    NULL },
	[CFG_OTP_TTL] = { "PARLEY_OTP_TTL", CFG_T_INT, "600", 30, 3600, 0,
	    NULL },
	[CFG_OTP_ATTEMPTS] = { "PARLEY_OTP_ATTEMPTS", CFG_T_INT, "5", 1, 20, 0,
	    NULL },
	[CFG_OTP_RESEND] = { "PARLEY_OTP_RESEND", CFG_T_INT, "30", 1, 3600, 0,
	    NULL },
	[CFG_OTP_HOURLY] = { "PARLEY_OTP_HOURLY", CFG_T_INT, "5", 1, 1000, 0,
	    NULL },
	[CFG_RATE_OTP_IP_MAX] = { "PARLEY_RATE_OTP_IP_MAX", CFG_T_INT, "20",
	    1, 100000000, 0, NULL },
	[CFG_RATE_OTP_IP_WINDOW] = { "PARLEY_RATE_OTP_IP_WINDOW", CFG_T_INT,
	    "600", 1, 86400, 0, NULL },
	[CFG_RATE_KEYS_MAX] = { "PARLEY_RATE_KEYS_MAX", CFG_T_INT, "100",
	    1, 100000000, 0, NULL },
	[CFG_RATE_KEYS_WINDOW] = { "PARLEY_RATE_KEYS_WINDOW", CFG_T_INT, "60",
	    1, 86400, 0, NULL },
	[CFG_PIN_OPSLIMIT] = { "PARLEY_PIN_OPSLIMIT", CFG_T_INT, "2", 1, 20, 0,
	    NULL },
	[CFG_PIN_MEMLIMIT] = { "PARLEY_PIN_MEMLIMIT", CFG_T_INT, "67108864",
	    8192, 1073741824L, 0, NULL },
	[CFG_PIN_FREE_ATTEMPTS] = { "PARLEY_PIN_FREE_ATTEMPTS", CFG_T_INT, "3",
	    1, 100, 0, NULL },
	[CFG_PIN_DELAY] = { "PARLEY_PIN_DELAY", CFG_T_INT, "30", 1, 86400, 0,
	    NULL },
	[CFG_SESSION_CACHE_TTL] = { "PARLEY_SESSION_CACHE_TTL", CFG_T_INT,
	    "10", 1, 300, 0, NULL },
	[CFG_DEVICE_MAX] = { "PARLEY_DEVICE_MAX", CFG_T_INT, "5", 1, 100, 0,
	    NULL },
	[CFG_KEYS_MAX_STORED] = { "PARLEY_KEYS_MAX_STORED", CFG_T_INT, "1000",
	    10, 100000, 0, NULL },
	[CFG_RATE_DISCOVER_DAILY] = { "PARLEY_RATE_DISCOVER_DAILY", CFG_T_INT,
	    "5000", 1, 10000000, 0, NULL },
	[CFG_TURN_SECRET] = { "PARLEY_TURN_SECRET", CFG_T_STR, "", 0, 0, 0,
	    NULL },
	[CFG_TURN_URLS] = { "PARLEY_TURN_URLS", CFG_T_STR, "", 0, 0, 0, NULL },
	[CFG_TURN_TTL] = { "PARLEY_TURN_TTL", CFG_T_INT, "86400", 60, 86400, 0,
	    NULL },
	[CFG_CALL_RING_TIMEOUT] = { "PARLEY_CALL_RING_TIMEOUT", CFG_T_INT, "45",
	    1, 600, 0, NULL },
	[CFG_CALLS_KEEP_DAYS] = { "PARLEY_CALLS_KEEP_DAYS", CFG_T_INT, "90",
	    1, 36500, 0, NULL },
	/* 10 sends/s sustained per device: far above typing speed. */
	[CFG_RATE_SEND_MAX] = { "PARLEY_RATE_SEND_MAX", CFG_T_INT, "600",
	    1, 100000000, 0, NULL },
	[CFG_RATE_SEND_WINDOW] = { "PARLEY_RATE_SEND_WINDOW", CFG_T_INT, "60",
	    1, 86400, 0, NULL },
	[CFG_RATE_CHATS_MAX] = { "PARLEY_RATE_CHATS_MAX", CFG_T_INT, "200",
	    1, 100000000, 0, NULL },
	[CFG_RATE_CHATS_WINDOW] = { "PARLEY_RATE_CHATS_WINDOW", CFG_T_INT,
	    "3600", 1, 86400, 0, NULL },
	[CFG_QUEUE_MAX_BYTES] = { "PARLEY_QUEUE_MAX_BYTES", CFG_T_INT,
	    "67108864", 262144, 1099511627776L, 0, NULL },
	[CFG_QUEUE_MAX_ENVELOPES] = { "PARLEY_QUEUE_MAX_ENVELOPES", CFG_T_INT,
	    "100000", 10, 100000000, 0, NULL },
	[CFG_ENVELOPE_TTL_DAYS] = { "PARLEY_ENVELOPE_TTL_DAYS", CFG_T_INT, "30",
	    1, 3650, 0, NULL },
	[CFG_SENDS_KEEP_DAYS] = { "PARLEY_SENDS_KEEP_DAYS", CFG_T_INT, "30",
	    1, 3650, 0, NULL },
	[CFG_SWEEP_INTERVAL] = { "PARLEY_SWEEP_INTERVAL", CFG_T_INT, "60",
	    1, 3600, 0, NULL },
	[CFG_WS_SECRET] = { "PARLEY_WS_SECRET", CFG_T_STR, "", 0, 0, 0, NULL },
	[CFG_WS_NODE_TTL_MS] = { "PARLEY_WS_NODE_TTL_MS", CFG_T_INT, "10000",
	    3000, 300000, 0, NULL },
};

static struct cfg_val cfg_vals[CFG__COUNT];

static int
cfg_parse_int(const struct cfg_def *d, const char *s, long *out,
    struct err *e)
{
	char	*end;
	long	 v;

	/* strtol alone would accept leading blanks and a '+'. */
	if (!isdigit((unsigned char)s[0]) && s[0] != '-')
		goto bad;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < d->min ||
	    v > d->max)
		goto bad;
	*out = v;
	return 0;
bad:
	return err_set(e, APP_EINVAL, "bad_config",
	    "%s must be an integer in %ld..%ld", d->env, d->min, d->max);
}

static int
cfg_check_enum(const struct cfg_def *d, const char *s, struct err *e)
{
	char	choices[128] = "";
	size_t	i, n = 0;
	int	w;

	for (i = 0; d->choices[i] != NULL; i++)
		if (strcmp(s, d->choices[i]) == 0)
			return 0;
	for (i = 0; d->choices[i] != NULL && n < sizeof(choices); i++) {
		w = snprintf(choices + n, sizeof(choices) - n, "%s%s",
		    i > 0 ? "|" : "", d->choices[i]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return err_set(e, APP_EINVAL, "bad_config", "%s must be one of %s",
	    d->env, choices);
}

/*
 * A file mode in octal ("0660" or "660"): only read and write bits, every
 * bit of min set and none outside max.
 */
static int
cfg_parse_mode(const struct cfg_def *d, const char *s, long *out,
    struct err *e)
{
	char	*end;
	long	 v;

	if (s[0] < '0' || s[0] > '7' || strlen(s) > 4)
		goto bad;
	v = strtol(s, &end, 8);
	if (*end != '\0' || (v & d->min) != d->min || (v & ~d->max) != 0)
		goto bad;
	*out = v;
	return 0;
bad:
	return err_set(e, APP_EINVAL, "bad_config",
	    "%s must be an octal mode from %04lo to %04lo with only rw bits",
	    d->env, d->min, d->max);
}

int
cfg_load(struct err *e)
{
	struct cfg_val	 vals[CFG__COUNT];
	const char	*s;
	size_t		 i;
	int		 rc = 0;

	memset(vals, 0, sizeof(vals));
	for (i = 0; i < CFG__COUNT; i++) {
		const struct cfg_def *d = &cfg_table[i];

		if ((s = getenv(d->env)) == NULL)
			s = d->def;
		if (s == NULL || (d->required && s[0] == '\0')) {
			rc = err_set(e, APP_EINVAL, "bad_config",
			    "%s is required", d->env);
			goto out;
		}
		if (d->type == CFG_T_INT &&
		    (rc = cfg_parse_int(d, s, &vals[i].num, e)) != 0)
			goto out;
		if (d->type == CFG_T_MODE &&
		    (rc = cfg_parse_mode(d, s, &vals[i].num, e)) != 0)
			goto out;
		if (d->type == CFG_T_ENUM &&
		    (rc = cfg_check_enum(d, s, e)) != 0)
			goto out;
		if ((vals[i].str = strdup(s)) == NULL)
			abort();
	}
	/* Commit only a fully valid set, so a failed reload keeps the old. */
	for (i = 0; i < CFG__COUNT; i++) {
		free(cfg_vals[i].str);
		cfg_vals[i] = vals[i];
		vals[i].str = NULL;
	}
out:
	for (i = 0; i < CFG__COUNT; i++)
		free(vals[i].str);
	return rc;
}

const char *
cfg_str(enum cfg_key k)
{
	if ((unsigned)k >= CFG__COUNT || cfg_vals[k].str == NULL)
		return "";
	return cfg_vals[k].str;
}

long
cfg_int(enum cfg_key k)
{
	if ((unsigned)k >= CFG__COUNT)
		return 0;
	return cfg_vals[k].num;
}

const char *
cfg_name(enum cfg_key k)
{
	if ((unsigned)k >= CFG__COUNT)
		return "?";
	return cfg_table[k].env;
}
