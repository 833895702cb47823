/*
 * h_send.c - POST /api/messages/send {chat_id, id, envelopes: [{to_user,
 * to_device, type, body}]}: one message as one ciphertext per destination
 * device (Signal's model).
 *
 * The body is validated here (base64url, at most 64 KiB per envelope, no
 * device twice); the rest is one call of the SQL function msg_send(),
 * atomic as one statement: the sender must be an active member (403); the
 * envelopes must cover exactly the current devices of every other member
 * and the sender's own other devices (409 missing/extra, 410 stale: a
 * device that existed and was removed); the send is recorded under
 * (device, client id), each destination device gets its next sequence
 * number and the envelopes are stored. Only after that commits are the
 * envelopes published and {server_ts} answered. A retry of the same client
 * id stores nothing and gets the first answer. Envelopes to a user who
 * blocked the sender are accepted and never stored. One statement rather
 * than several also lets PL/pgSQL keep its plans per connection.
 *
 * Two limits keep one sender from swamping others: a per-device rate limit
 * on sends (PARLEY_RATE_SEND_MAX per PARLEY_RATE_SEND_WINDOW, checked in
 * Redis before any database work: 429 send_rate_limited), and per-device
 * queue caps (PARLEY_QUEUE_MAX_ENVELOPES, PARLEY_QUEUE_MAX_BYTES) checked
 * by msg_send() with the destination queues locked: a send that would take
 * any of them over stores nothing and answers 429 recipient_queue_full,
 * so the client retries later, as for any 429, once the recipient drains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "jv.h"
#include "kv.h"
#include "log.h"
#include "messages.h"
#include "ratelimit.h"

struct env {
	const char	*user;		/* lower-case uuid */
	int		 device;
	const char	*type;
	const char	*body;		/* base64url text, validated */
	size_t		 body_len;
};

struct send {
	const char	*chat_id;
	const char	*client_id;
	struct env	*env;
	size_t		 n;
	/* The envelopes as Postgres array literals. */
	const char	*users, *devices, *types, *bodies;
};

static int	send_rate(struct req *, struct err *);
static int	send_parse(struct req *, const json_t *, struct send *,
		    struct err *);
static int	send_parse_env(struct req *, const json_t *, size_t,
		    struct env *, struct err *);
static void	send_arrays(struct req *, struct send *);
static int	send_mismatch(PGresult *, struct err *, json_t **);
static int	send_store(struct req *, const struct send *, long long *,
		    PGresult **, struct err *);
static void	send_publish(struct req *, const struct send *, long long,
		    PGresult *);

static const char *const send_types[] = { "prekey", "msg", "group", NULL };

int
h_send(struct req *r, struct resp *resp, struct err *e)
{
	json_t		*body = NULL, *detail = NULL;
	PGresult	*rows = NULL;
	struct send	 s;
	long long	 ts;
	int		 rc;

	memset(&s, 0, sizeof(s));
	/* Bad input is refused first, without spending the budget. */
	if ((rc = jv_parse(r->body, r->body_len, &body, e)) != 0 ||
	    (rc = send_parse(r, body, &s, e)) != 0 ||
	    (rc = send_rate(r, e)) != 0)
		goto out;
	send_arrays(r, &s);
	if ((rc = send_store(r, &s, &ts, &rows, e)) != 0)
		goto out;
	if ((rc = send_mismatch(rows, e, &detail)) != 0) {
		if (detail == NULL)
			goto out;
		/* The error envelope, and beside it the device lists. */
		resp_error(resp, e);
		json_object_update(resp->body, detail);
		rc = 0;
		goto out;
	}
	send_publish(r, &s, ts, rows);
	rc = resp_json(resp, 200, json_pack("{s:I}", "server_ts",
	    (json_int_t)ts));
out:
	PQclear(rows);
	json_decref(detail);
	json_decref(body);
	return rc;
}

/*
 * One hit on the sending device's counter. Retries count too: a client
 * that retries in a tight loop is exactly what this slows down. Fails
 * open: with Redis down a send still goes through (Postgres is the truth
 * and the queue caps still hold), because losing Redis must not stop
 * messaging.
 */
static int
send_rate(struct req *r, struct err *e)
{
	char	key[96];
	int	rc;

	snprintf(key, sizeof(key), "parley:rl:send:%s:%d", r->user_id,
	    r->device_id);
	rc = rl_hit(r->kv, key, cfg_int(CFG_RATE_SEND_MAX),
	    cfg_int(CFG_RATE_SEND_WINDOW), "send_rate_limited", e);
	if (rc == APP_ERATELIMIT)
		return rc;
	if (rc != 0)
		err_clear(e);
	return 0;
}

static int
send_parse(struct req *r, const json_t *body, struct send *s, struct err *e)
{
	static const char *const keys[] = { "chat_id", "id", "envelopes",
	    NULL };
	const json_t	*arr;
	size_t		 i, j;
	int		 rc;

	if ((rc = jv_only(body, keys, e)) != 0 ||
	    (rc = msg_uuid_field(body, "chat_id", &s->chat_id, e)) != 0 ||
	    (rc = msg_uuid_field(body, "id", &s->client_id, e)) != 0)
		return rc;
	arr = json_object_get(body, "envelopes");
	if (!json_is_array(arr) || (s->n = json_array_size(arr)) == 0)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "envelopes must be a non-empty array");
	if (s->n > MSG_ENVELOPES_MAX)
		return err_set(e, APP_ETOOLARGE, "too_many_envelopes",
		    "at most %d envelopes per send", MSG_ENVELOPES_MAX);
	s->env = arena_calloc(r->arena, s->n, sizeof(*s->env));
	for (i = 0; i < s->n; i++) {
		if ((rc = send_parse_env(r, json_array_get(arr, i), i,
		    &s->env[i], e)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (s->env[j].device == s->env[i].device &&
			    strcmp(s->env[j].user, s->env[i].user) == 0)
				return err_set(e, APP_EINVAL,
				    "duplicate_device",
				    "envelopes[%zu] repeats a device", i);
	}
	return 0;
}

static int
send_parse_env(struct req *r, const json_t *o, size_t i, struct env *v,
    struct err *e)
{
	static const char *const keys[] = { "to_user", "to_device", "type",
	    "body", NULL };
	const json_t	*b = json_object_get(o, "body");
	unsigned char	*bin;
	size_t		 binlen, k;
	json_int_t	 dev;
	char		*u;
	int		 rc;

	if (!json_is_object(o))
		return err_set(e, APP_EINVAL, "invalid_field",
		    "envelopes[%zu] must be an object", i);
	/* Over the limit is 413 even when the text is not a whole encoding. */
	if (json_is_string(b) &&
	    json_string_length(b) > CRYP_B64URL_LEN(MSG_BODY_MAX) - 1)
		return err_set(e, APP_ETOOLARGE, "body_too_large",
		    "envelopes[%zu].body is over %d bytes", i, MSG_BODY_MAX);
	if ((rc = jv_only(o, keys, e)) != 0 ||
	    (rc = msg_uuid_field(o, "to_user", &v->user, e)) != 0 ||
	    (rc = jv_int(o, "to_device", JV_REQUIRED, 1, 2147483647, &dev,
	    e)) != 0 ||
	    (rc = jv_str(o, "type", JV_REQUIRED, 1, 16, &v->type, e)) != 0 ||
	    (rc = jv_b64url(o, "body", JV_REQUIRED, 1, MSG_BODY_MAX, r->arena,
	    &bin, &binlen, e)) != 0)
		return rc;
	for (k = 0; send_types[k] != NULL; k++)
		if (strcmp(v->type, send_types[k]) == 0)
			break;
	if (send_types[k] == NULL)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "envelopes[%zu].type must be prekey, msg or group", i);
	u = arena_strdup(r->arena, v->user);
	for (k = 0; u[k] != '\0'; k++)
		u[k] = (char)(u[k] >= 'A' && u[k] <= 'F' ? u[k] + 32 : u[k]);
	v->user = u;
	v->device = (int)dev;
	v->body = json_string_value(json_object_get(o, "body"));
	v->body_len = json_string_length(json_object_get(o, "body"));
	return 0;
}

/*
 * Postgres array literals. uuids, integers and the type words need no
 * quoting; bodies are double-quoted, because an unquoted element spelled
 * NULL (valid base64url) would be read as SQL NULL. base64url holds no
 * '"' or '\\', so the quotes need no escaping.
 */
static void
send_arrays(struct req *r, struct send *s)
{
	size_t	 i, blen = 3;
	char	*u, *d, *t, *b;

	for (i = 0; i < s->n; i++)
		blen += s->env[i].body_len + 3;
	s->users = u = arena_alloc(r->arena, s->n * 37 + 3);
	s->devices = d = arena_alloc(r->arena, s->n * 12 + 3);
	s->types = t = arena_alloc(r->arena, s->n * 17 + 3);
	s->bodies = b = arena_alloc(r->arena, blen);
	*u++ = *d++ = *t++ = *b++ = '{';
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			*u++ = *d++ = *t++ = *b++ = ',';
		u += sprintf(u, "%s", s->env[i].user);
		d += sprintf(d, "%d", s->env[i].device);
		t += sprintf(t, "%s", s->env[i].type);
		*b++ = '"';
		memcpy(b, s->env[i].body, s->env[i].body_len);
		b += s->env[i].body_len;
		*b++ = '"';
	}
	strcpy(u, "}");
	strcpy(d, "}");
	strcpy(t, "}");
	strcpy(b, "}");
}

/*
 * Turns msg_send()'s check rows into 403, 429 (a destination queue is
 * full), or 409 / 410 with the three device lists; 0 when the send went
 * through (rows "new", "ok", "dup").
 */
static int
send_mismatch(PGresult *res, struct err *e, json_t **detail)
{
	json_t		*lists[3];
	const char	*names[] = { "missing_devices", "extra_devices",
			    "stale_devices" };
	const char	*kind;
	int		 i, k, nmis = 0;

	*detail = NULL;
	if (PQntuples(res) == 0)
		return err_set(e, APP_EINTERNAL, "internal", "send: no answer");
	kind = PQgetvalue(res, 0, 0);
	if (strcmp(kind, "new") == 0 || strcmp(kind, "ok") == 0 ||
	    strcmp(kind, "dup") == 0)
		return 0;
	/* 403 before any device list. */
	for (i = 0; i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 0), "not_member") == 0)
			return err_set(e, APP_EFORBIDDEN, "not_member",
			    "you are not a member of this chat");
	/* Which device is full is the recipient's business: not named. */
	if (strcmp(kind, "full") == 0) {
		err_set(e, APP_ERATELIMIT, "recipient_queue_full",
		    "a recipient's queue is full; try again later");
		e->retry_after = MSG_QUEUE_FULL_RETRY_S;
		return APP_ERATELIMIT;
	}
	for (k = 0; k < 3; k++)
		lists[k] = json_array();
	for (i = 0; i < PQntuples(res); i++) {
		kind = PQgetvalue(res, i, 0);
		k = kind[0] == 'm' ? 0 : kind[0] == 'e' ? 1 : 2;
		nmis += k < 2;
		json_array_append_new(lists[k], json_pack("{s:s, s:i}", "user",
		    PQgetvalue(res, i, 1), "device",
		    atoi(PQgetvalue(res, i, 2))));
	}
	*detail = json_object();
	for (k = 0; k < 3; k++)
		json_object_set_new(*detail, names[k], lists[k]);
	if (nmis > 0)
		return err_set(e, APP_ECONFLICT, "device_mismatch",
		    "the envelopes do not match the chat's devices");
	return err_set(e, APP_EGONE, "stale_devices",
	    "some devices are gone: fetch the device lists again");
}

/*
 * The send as one call of msg_send() (sql/003_messages.sql): the check,
 * the idempotency record, the sequence numbers and the envelopes, atomic
 * as one statement. *out gets its rows for send_mismatch() and
 * send_publish(); *ts the server time, or the first answer's on a retry.
 */
static int
send_store(struct req *r, const struct send *s, long long *ts,
    PGresult **out, struct err *e)
{
	static const char sql[] =
	    "SELECT kind, user_id, device_id, seq, id, n FROM msg_send($1, $2, "
	    "$3, $4, $5, $6, $7, $8, $9, $10, $11)";
	const char	*vals[11];
	char		 dev[16], tsbuf[24], maxn[24], maxb[24];
	PGresult	*res;

	*ts = msg_now_ms();
	snprintf(dev, sizeof(dev), "%d", r->device_id);
	snprintf(tsbuf, sizeof(tsbuf), "%lld", *ts);
	vals[0] = r->user_id;
	vals[1] = dev;
	vals[2] = s->client_id;
	vals[3] = s->chat_id;
	vals[4] = tsbuf;
	vals[5] = s->users;
	vals[6] = s->devices;
	vals[7] = s->types;
	vals[8] = s->bodies;
	snprintf(maxn, sizeof(maxn), "%ld", cfg_int(CFG_QUEUE_MAX_ENVELOPES));
	snprintf(maxb, sizeof(maxb), "%ld", cfg_int(CFG_QUEUE_MAX_BYTES));
	vals[9] = maxn;
	vals[10] = maxb;
	if ((res = db_exec(r->db, sql, 11, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "dup") == 0)
		*ts = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	*out = res;
	return 0;
}

/* After the commit: each stored envelope to its device's channel. */
static void
send_publish(struct req *r, const struct send *s, long long ts,
    PGresult *rows)
{
	const struct env	*v;
	json_t			*ev;
	long			 n;
	int			 i;

	for (i = 0; rows != NULL && i < PQntuples(rows); i++) {
		if (strcmp(PQgetvalue(rows, i, 0), "new") != 0)
			continue;
		n = strtol(PQgetvalue(rows, i, 5), NULL, 10);
		if (n < 1 || (size_t)n > s->n)
			continue;
		v = &s->env[n - 1];
		ev = json_pack("{s:s, s:{s:s, s:I, s:s, s:s, s:{s:s, s:i}, "
		    "s:s, s:s#, s:I}}", "type", "envelope", "envelope",
		    "id", PQgetvalue(rows, i, 4),
		    "seq", (json_int_t)strtoll(PQgetvalue(rows, i, 3), NULL,
		    10),
		    "chat_id", s->chat_id, "message_id", s->client_id,
		    "from", "user", r->user_id, "device", r->device_id,
		    "type", v->type, "body", v->body, (int)v->body_len,
		    "server_ts", (json_int_t)ts);
		if (ev != NULL)
			msg_publish_json(r, v->user, v->device, ev);
		json_decref(ev);
	}
}
