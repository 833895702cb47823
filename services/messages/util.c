/*
 * util.c - helpers the messages handlers share: the membership check,
 * uuid fields and lists, publishing to a device's Redis channel, and the
 * last-seen drain from the ws nodes' stream into Postgres.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "jv.h"
#include "kv.h"
#include "log.h"
#include "messages.h"

#define MSG_UUID_CHARS		36
#define MSG_DRAIN_BATCH		"500"
#define MSG_LASTSEEN_STREAM	"parley:lastseen"

static int	msg_drain_apply(struct req *, redisReply *);

long long
msg_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
msg_member(struct req *r, const char *chat_id, const char **kind,
    struct err *e)
{
	static const char sql[] =
	    "SELECT c.kind FROM chat_members m "
	    "JOIN chats c ON c.id = m.chat_id "
	    "WHERE m.chat_id = $1 AND m.user_id = $2 AND m.state = 'active'";
	const char	*vals[] = { chat_id, r->user_id };
	PGresult	*res;
	int		 rc = 0;

	if ((res = db_exec(r->db, sql, 2, vals, e)) == NULL)
		return e->code;
	if (PQntuples(res) != 1)
		rc = err_set(e, APP_EFORBIDDEN, "not_member",
		    "you are not a member of this chat");
	else if (kind != NULL)
		*kind = strcmp(PQgetvalue(res, 0, 0), "group") == 0 ?
		    "group" : "direct";
	PQclear(res);
	return rc;
}

int
msg_uuid_field(const json_t *obj, const char *key, const char **out,
    struct err *e)
{
	int	rc;

	if ((rc = jv_str(obj, key, JV_REQUIRED, MSG_UUID_CHARS,
	    MSG_UUID_CHARS, out, e)) != 0)
		return rc;
	if (!auth_uuid_ok(*out))
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must be a uuid", key);
	return 0;
}

int
msg_uuid_array(struct req *r, const json_t *obj, const char *key,
    size_t max, const char **out, size_t *n, struct err *e)
{
	const json_t	*arr = json_object_get(obj, key), *v;
	const char	*s;
	char		*buf, *p;
	size_t		 i, count;

	if (arr == NULL)
		return err_set(e, APP_EINVAL, "missing_field", "%s is required",
		    key);
	if (!json_is_array(arr) || (count = json_array_size(arr)) == 0)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must be a non-empty array of uuids", key);
	if (count > max)
		return err_set(e, APP_ETOOLARGE, "too_many_ids",
		    "%s holds more than %zu ids", key, max);
	p = buf = arena_alloc(r->arena, count * (MSG_UUID_CHARS + 1) + 3);
	*p++ = '{';
	json_array_foreach(arr, i, v) {
		if ((s = json_string_value(v)) == NULL || !auth_uuid_ok(s))
			return err_set(e, APP_EINVAL, "invalid_field",
			    "%s[%zu] must be a uuid", key, i);
		if (i > 0)
			*p++ = ',';
		memcpy(p, s, MSG_UUID_CHARS);
		p += MSG_UUID_CHARS;
	}
	*p++ = '}';
	*p = '\0';
	*out = buf;
	*n = count;
	return 0;
}

int
msg_publish(struct req *r, const char *user, int device, const char *msg,
    size_t len)
{
	char		chan[AUTH_CHANNEL_LEN];
	struct err	e;

	err_clear(&e);
	auth_device_channel(chan, user, device);
	if (kv_publish(r->kv, chan, msg, len, &e) < 0) {
		log_warn("event=publish_failed user=%s device=%d err=%s", user,
		    device, e.slug);
		return -1;
	}
	return 0;
}

int
msg_publish_json(struct req *r, const char *user, int device,
    const json_t *ev)
{
	char	*text;
	int	 rc;

	if ((text = json_dumps(ev, JSON_COMPACT)) == NULL)
		return -1;
	rc = msg_publish(r, user, device, text, strlen(text));
	free(text);
	return rc;
}

/* Entries are [id, ["u", user, "t", ms]]: the newest time per user wins. */
static int
msg_drain_apply(struct req *r, redisReply *rep)
{
	static const char sql[] =
	    "UPDATE users u SET last_seen_at = greatest(u.last_seen_at, "
	    "    to_timestamp(x.t / 1000.0)) "
	    "FROM (SELECT a.u, max(a.t) AS t FROM unnest($1::uuid[], "
	    "    $2::bigint[]) AS a(u, t) GROUP BY a.u) x WHERE u.id = x.u";
	const char	*vals[2];
	char		*users, *times, *pu, *pt;
	redisReply	*f;
	PGresult	*res;
	struct err	 e;
	size_t		 i, n = 0;

	users = pu = arena_alloc(r->arena, rep->elements * 38 + 3);
	times = pt = arena_alloc(r->arena, rep->elements * 21 + 3);
	*pu++ = '{';
	*pt++ = '{';
	for (i = 0; i < rep->elements; i++) {
		f = rep->element[i]->elements == 2 ?
		    rep->element[i]->element[1] : NULL;
		if (f == NULL || f->type != REDIS_REPLY_ARRAY ||
		    f->elements != 4 || !auth_uuid_ok(f->element[1]->str) ||
		    strlen(f->element[3]->str) > 19)
			continue;
		pu += sprintf(pu, "%s%s", n ? "," : "", f->element[1]->str);
		pt += sprintf(pt, "%s%lld", n ? "," : "",
		    strtoll(f->element[3]->str, NULL, 10));
		n++;
	}
	strcpy(pu, "}");
	strcpy(pt, "}");
	if (n == 0)
		return 0;
	vals[0] = users;
	vals[1] = times;
	if ((res = db_exec(r->db, sql, 2, vals, &e)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

void
msg_lastseen_drain(struct req *r)
{
	const char	*gate[] = { "SET", "parley:lastseen:drain", "1", "NX",
			    "EX", "2" };
	const char	*range[] = { "XRANGE", MSG_LASTSEEN_STREAM, "-", "+",
			    "COUNT", MSG_DRAIN_BATCH };
	const char	**del;
	redisReply	*rep = NULL, *d;
	struct err	 e;
	size_t		 i;

	if ((rep = kv_cmd(r->kv, 6, gate, NULL, &e)) == NULL)
		return;
	if (rep->type != REDIS_REPLY_STATUS)
		goto out;
	freeReplyObject(rep);
	if ((rep = kv_cmd(r->kv, 6, range, NULL, &e)) == NULL)
		return;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements == 0 ||
	    msg_drain_apply(r, rep) != 0)
		goto out;
	/* Drop exactly what is now in Postgres. */
	del = arena_calloc(r->arena, rep->elements + 2, sizeof(*del));
	del[0] = "XDEL";
	del[1] = MSG_LASTSEEN_STREAM;
	for (i = 0; i < rep->elements; i++)
		del[i + 2] = rep->element[i]->element[0]->str;
	if ((d = kv_cmd(r->kv, (int)rep->elements + 2, del, NULL, &e)) != NULL)
		freeReplyObject(d);
out:
	freeReplyObject(rep);
}
