/*
 * h_read.c - POST /api/messages/read {chat_id, ids}: the caller has read
 * these messages (the ids senders gave them). Each sender's devices get a
 * "read" event, unless the read-receipt settings of either user switch it
 * off (privacy_allows; groups always send them, as in WhatsApp). Nothing is
 * stored: the server keeps no history.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "jv.h"
#include "messages.h"

int
h_read(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const keys[] = { "chat_id", "ids", NULL };
	static const char sql[] =
	    "SELECT v.user_id, v.id, json_agg(DISTINCT s.client_id)::text "
	    "FROM sends s JOIN devices v ON v.user_id = s.sender_user "
	    "WHERE s.chat_id = $1 AND s.client_id = ANY($2::uuid[]) "
	    "AND s.sender_user <> $3 "
	    "AND ($4 = 'group' OR privacy_allows($3, s.sender_user, "
	    "    'read_receipts')) "
	    "GROUP BY v.user_id, v.id";
	const char	*vals[4], *chat, *ids, *kind;
	PGresult	*res = NULL;
	json_t		*body = NULL, *ev, *mids;
	size_t		 n;
	int		 i, rc, sent = 0;

	if ((rc = jv_parse_only(r->body, r->body_len, keys, &body, e)) != 0 ||
	    (rc = msg_uuid_field(body, "chat_id", &chat, e)) != 0 ||
	    (rc = msg_uuid_array(r, body, "ids", MSG_IDS_MAX, &ids, &n,
	    e)) != 0 ||
	    (rc = msg_member(r, chat, &kind, e)) != 0)
		goto out;
	vals[0] = chat;
	vals[1] = ids;
	vals[2] = r->user_id;
	vals[3] = kind;
	if ((res = db_exec(r->db, sql, 4, vals, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if ((mids = json_loads(PQgetvalue(res, i, 2), 0, NULL)) == NULL)
			continue;
		ev = json_pack("{s:s, s:s, s:s, s:i, s:o}", "type", "read",
		    "chat_id", chat, "user", r->user_id, "device",
		    r->device_id, "ids", mids);
		if (msg_publish_json(r, PQgetvalue(res, i, 0),
		    atoi(PQgetvalue(res, i, 1)), ev) == 0)
			sent++;
		json_decref(ev);
	}
	rc = resp_json(resp, 200, json_pack("{s:i}", "notified", sent));
out:
	PQclear(res);
	json_decref(body);
	return rc;
}
