/*
 * util.c - what every contacts handler leans on: phone and
 * id checks, enum fields, JSON-producing queries, the per-device event
 * fan-out and the daily discovery quota.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contacts.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "kv.h"
#include "log.h"
#include "phone.h"

/*
 * INCRBY the counter, give it its window on first use, and undo the
 * increment when it would pass the limit: {1|0, ttl}.
 */
#define CT_QUOTA_LUA \
	"local v = redis.call('INCRBY', KEYS[1], ARGV[1]) " \
	"if v == tonumber(ARGV[1]) then " \
	"redis.call('EXPIRE', KEYS[1], ARGV[3]) end " \
	"local ttl = redis.call('TTL', KEYS[1]) " \
	"if v > tonumber(ARGV[2]) then " \
	"redis.call('DECRBY', KEYS[1], ARGV[1]) return {0, ttl} end " \
	"return {1, ttl}"

int
ct_phone_norm(const char *in, char out[CT_PHONE_MAX + 1])
{
	size_t	n = 0;

	out[0] = '\0';
	if (strncasecmp(in, "tel:", 4) == 0)
		in += 4;
	while (*in == ' ' || *in == '\t')
		in++;
	if (*in != '+')
		return 0;
	out[n++] = *in++;
	for (; *in != '\0'; in++) {
		if (*in >= '0' && *in <= '9') {
			if (n >= CT_PHONE_MAX)
				return 0;
			out[n++] = *in;
		} else if (strchr(" .-/()\t", *in) == NULL)
			return 0;
	}
	out[n] = '\0';
	return phone_e164_ok(out);
}

int
ct_param_uuid(struct req *r, const char *name, const char *what,
    const char **out, struct err *e)
{
	const char	*v = route_param(r, name);

	if (v == NULL || !auth_uuid_ok(v))
		return err_set(e, APP_EINVAL, "invalid_id",
		    "%s must be a uuid", what);
	*out = v;
	return 0;
}

int
ct_in(const char *s, const char *const *choices)
{
	for (; *choices != NULL; choices++)
		if (strcmp(s, *choices) == 0)
			return 1;
	return 0;
}

int
ct_enum(const json_t *obj, const char *key, const char *const *choices,
    const char **out, struct err *e)
{
	const char	*v = NULL;
	char		 list[160] = "";
	size_t		 i, len;
	int		 rc;

	if ((rc = jv_str(obj, key, 0, 1, 256, &v, e)) != 0)
		return rc;
	if (v == NULL)
		return 0;
	if (ct_in(v, choices)) {
		*out = v;
		return 0;
	}
	for (i = 0, len = 0; choices[i] != NULL && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
		    i > 0 ? ", " : "", choices[i]);
	return err_set(e, APP_EINVAL, "invalid_field", "%s must be one of: %s",
	    key, list);
}

int
ct_query_json(struct req *r, const char *sql, int n,
    const char *const *vals, const char *slug, const char *msg,
    json_t **out, struct err *e)
{
	PGresult	*res;
	int		 rc = 0;

	*out = NULL;
	if ((res = db_exec(r->db, sql, n, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0))
		rc = err_set(e, APP_ENOTFOUND, slug, "%s", msg);
	else if ((*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		rc = err_set(e, APP_EINTERNAL, "internal", "bad row");
	PQclear(res);
	return rc;
}

int
ct_exec(struct req *r, const char *sql, int n, const char *const *vals,
    long *affected, struct err *e)
{
	PGresult	*res;

	if ((res = db_exec(r->db, sql, n, vals, e)) == NULL)
		return e->code;
	if (affected != NULL)
		*affected = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

void
ct_publish(struct req *r, const char *user, const json_t *ev)
{
	char		 chan[AUTH_CHANNEL_LEN];
	const char	*vals[1] = { user };
	PGresult	*res = NULL;
	struct err	 e;
	char		*msg = NULL;
	int		 i;

	err_clear(&e);
	if ((msg = json_dumps(ev, JSON_COMPACT)) == NULL)
		goto out;
	if ((res = db_exec(r->db, "SELECT id FROM devices WHERE user_id = $1",
	    1, vals, &e)) == NULL)
		goto out;
	for (i = 0; i < PQntuples(res); i++) {
		auth_device_channel(chan, user,
		    (int)strtol(PQgetvalue(res, i, 0), NULL, 10));
		if (kv_publish(r->kv, chan, msg, strlen(msg), &e) < 0)
			break;
	}
out:
	if (e.code != APP_OK)
		log_warn("event=publish_failed user=%s code=%s", user, e.slug);
	PQclear(res);
	free(msg);
}

int
ct_quota_take(struct req *r, long n, struct err *e)
{
	const char	*argv[7];
	char		 sn[24], slim[24], swin[24];
	redisReply	*rep;
	int		 rc = 0;

	if (n <= 0)
		return 0;
	snprintf(sn, sizeof(sn), "%ld", n);
	snprintf(slim, sizeof(slim), "%ld", cfg_int(CFG_RATE_DISCOVER_DAILY));
	snprintf(swin, sizeof(swin), "%d", CT_QUOTA_WINDOW);
	argv[0] = "EVAL";
	argv[1] = CT_QUOTA_LUA;
	argv[2] = "1";
	argv[3] = arena_printf(r->arena, "parley:quota:discover:%s",
	    r->user_id);
	argv[4] = sn;
	argv[5] = slim;
	argv[6] = swin;
	if ((rep = kv_cmd(r->kv, 7, argv, NULL, e)) == NULL)
		return e->code;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2)
		rc = err_set(e, APP_EINTERNAL, "internal", "bad quota reply");
	else if (rep->element[0]->integer != 1) {
		rc = err_set(e, APP_ERATELIMIT, "discovery_quota",
		    "daily limit of number look-ups reached");
		e->retry_after = rep->element[1]->integer > 0 ?
		    (int)rep->element[1]->integer : 1;
	}
	freeReplyObject(rep);
	return rc;
}

void
ct_quota_refund(struct req *r, long n)
{
	const char	*argv[3];
	char		 sn[24];
	redisReply	*rep;
	struct err	 e;

	if (n <= 0)
		return;
	snprintf(sn, sizeof(sn), "%ld", n);
	argv[0] = "DECRBY";
	argv[1] = arena_printf(r->arena, "parley:quota:discover:%s",
	    r->user_id);
	argv[2] = sn;
	if ((rep = kv_cmd(r->kv, 3, argv, NULL, &e)) != NULL)
		freeReplyObject(rep);
}

int
ct_uuid_array(struct req *r, const json_t *arr, const char *field,
    size_t max, const char **out, size_t *nout, struct err *e)
{
	const char	*s;
	char		*w;
	size_t		 i, n;

	if (!json_is_array(arr) || (n = json_array_size(arr)) > max)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must be an array of at most %zu ids", field, max);
	w = arena_alloc(r->arena, n * 38 + 3);
	*out = w;
	*w++ = '{';
	for (i = 0; i < n; i++) {
		s = json_string_value(json_array_get(arr, i));
		if (s == NULL || !auth_uuid_ok(s))
			return err_set(e, APP_EINVAL, "invalid_field",
			    "%s[%zu] must be a uuid", field, i);
		w += sprintf(w, "%s%s", i > 0 ? "," : "", s);
	}
	strcpy(w, "}");
	if (nout != NULL)
		*nout = n;
	return 0;
}

void
ct_unwatch(struct req *r, const char *owner, const char *watcher)
{
	const char	*vals[1] = { watcher };
	const char	**argv = NULL;
	PGresult	*res;
	redisReply	*rep;
	struct err	 e;
	int		 i, n;

	if ((res = db_exec(r->db, "SELECT id FROM devices WHERE user_id = $1",
	    1, vals, &e)) == NULL)
		return;
	if ((n = PQntuples(res)) > 0) {
		argv = arena_calloc(r->arena, (size_t)n + 2, sizeof(*argv));
		argv[0] = "HDEL";
		argv[1] = arena_printf(r->arena, "parley:watch:%s", owner);
		for (i = 0; i < n; i++)
			argv[i + 2] = arena_printf(r->arena, "%s:%s", watcher,
			    PQgetvalue(res, i, 0));
		if ((rep = kv_cmd(r->kv, n + 2, argv, NULL, &e)) != NULL)
			freeReplyObject(rep);
		else
			log_warn("event=unwatch_failed code=%s", e.slug);
	}
	PQclear(res);
}
