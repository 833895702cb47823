/*
 * h_inbox.c - the calling device's queue.
 *
 * GET /api/messages/inbox?after=<seq>&limit=<n>: envelopes in sequence
 * order after the cursor, with "more" while the backlog goes on and the
 * cursor to pass next. POST /api/messages/ack {ids}: deletes those of the
 * caller's own envelopes (ids of another device's envelopes match nothing)
 * and, after the delete commits, tells each sender's devices with a
 * "delivered" event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "jv.h"
#include "messages.h"

static int	inbox_args(struct req *, const char **, long *, struct err *);
static json_t	*inbox_envelope(PGresult *, int);

static int
inbox_args(struct req *r, const char **after, long *limit, struct err *e)
{
	const char	*a = route_query(r, "after");
	const char	*l = route_query(r, "limit");
	char		*end;
	long long	 v;

	*after = "0";
	*limit = MSG_INBOX_DEFAULT;
	if (a != NULL && a[0] != '\0') {
		v = strtoll(a, &end, 10);
		if (*end != '\0' || v < 0 || strlen(a) > 18)
			return err_set(e, APP_EINVAL, "invalid_cursor",
			    "after must be a cursor from an earlier page");
		*after = a;
	}
	if (l != NULL && l[0] != '\0') {
		*limit = strtol(l, &end, 10);
		if (*end != '\0' || *limit < 1 || *limit > MSG_INBOX_MAX)
			return err_set(e, APP_EINVAL, "invalid_limit",
			    "limit must be in 1..%d", MSG_INBOX_MAX);
	}
	return 0;
}

static json_t *
inbox_envelope(PGresult *res, int i)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:{s:s, s:i}, s:s, s:s, s:I}",
	    "id", PQgetvalue(res, i, 1),
	    "seq", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
	    "chat_id", PQgetvalue(res, i, 2),
	    "message_id", PQgetvalue(res, i, 3),
	    "from", "user", PQgetvalue(res, i, 4),
	    "device", atoi(PQgetvalue(res, i, 5)),
	    "type", PQgetvalue(res, i, 6), "body", PQgetvalue(res, i, 7),
	    "server_ts", (json_int_t)strtoll(PQgetvalue(res, i, 8), NULL, 10));
}

int
h_inbox(struct req *r, struct resp *resp, struct err *e)
{
	static const char sql[] =
	    "SELECT seq, id, chat_id, message_id, sender_user, sender_device, "
	    "    type, body, server_ts FROM envelopes "
	    "WHERE user_id = $1 AND device_id = $2 AND seq > $3 "
	    "ORDER BY seq LIMIT $4";
	const char	*vals[4], *after;
	char		 dev[16], lim[24];
	PGresult	*res;
	json_t		*list;
	size_t		 bytes = 0;
	long		 limit;
	int		 i, n, more, rc;

	if ((rc = inbox_args(r, &after, &limit, e)) != 0)
		return rc;
	snprintf(dev, sizeof(dev), "%d", r->device_id);
	snprintf(lim, sizeof(lim), "%ld", limit + 1);
	vals[0] = r->user_id;
	vals[1] = dev;
	vals[2] = after;
	vals[3] = lim;
	if ((res = db_exec(r->db, sql, 4, vals, e)) == NULL)
		return e->code;
	n = PQntuples(res);
	more = n > limit;
	list = json_array();
	for (i = 0; i < n && i < limit; i++) {
		/* A page of big envelopes stops early; "more" says so. */
		if (i > 0 && bytes + (size_t)PQgetlength(res, i, 7) >
		    MSG_INBOX_BYTES) {
			more = 1;
			break;
		}
		bytes += (size_t)PQgetlength(res, i, 7);
		json_array_append_new(list, inbox_envelope(res, i));
		after = PQgetvalue(res, i, 0);
	}
	rc = resp_json(resp, 200, json_pack("{s:o, s:b, s:s}", "envelopes",
	    list, "more", more, "cursor", after));
	PQclear(res);
	msg_lastseen_drain(r);
	return rc;
}

int
h_ack(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const keys[] = { "ids", NULL };
	static const char sql[] =
	    "WITH d AS (DELETE FROM envelopes WHERE id = ANY($3::uuid[]) "
	    "    AND user_id = $1 AND device_id = $2 "
	    "    RETURNING chat_id, message_id, sender_user) "
	    "SELECT (SELECT count(*) FROM d), v.user_id, v.id, d.chat_id, "
	    "    json_agg(DISTINCT d.message_id)::text "
	    "FROM d JOIN devices v ON v.user_id = d.sender_user "
	    "WHERE d.sender_user <> $1 GROUP BY v.user_id, v.id, d.chat_id "
	    "UNION ALL SELECT count(*), NULL, NULL, NULL, NULL FROM d";
	const char	*vals[3], *ids;
	char		 dev[16];
	PGresult	*res = NULL;
	json_t		*body = NULL, *ev, *mids;
	size_t		 n;
	long long	 acked = 0;
	int		 i, rc;

	if ((rc = jv_parse_only(r->body, r->body_len, keys, &body, e)) != 0 ||
	    (rc = msg_uuid_array(r, body, "ids", MSG_IDS_MAX, &ids, &n,
	    e)) != 0)
		goto out;
	snprintf(dev, sizeof(dev), "%d", r->device_id);
	vals[0] = r->user_id;
	vals[1] = dev;
	vals[2] = ids;
	if ((res = db_exec(r->db, sql, 3, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		acked = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		if (PQgetisnull(res, i, 1) ||
		    (mids = json_loads(PQgetvalue(res, i, 4), 0, NULL)) == NULL)
			continue;
		ev = json_pack("{s:s, s:s, s:s, s:i, s:o}", "type", "delivered",
		    "chat_id", PQgetvalue(res, i, 3), "user", r->user_id,
		    "device", r->device_id, "ids", mids);
		msg_publish_json(r, PQgetvalue(res, i, 1),
		    atoi(PQgetvalue(res, i, 2)), ev);
		json_decref(ev);
	}
	rc = resp_json(resp, 200, json_pack("{s:I}", "acked",
	    (json_int_t)acked));
out:
	PQclear(res);
	json_decref(body);
	return rc;
}
