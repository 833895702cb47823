-- 003_messages: chats, membership, the per-device envelope queues and the
-- idempotency records of sends (services/messages). The server keeps no
-- message history: an envelope is ciphertext for one device and lives here
-- only until that device acknowledges it.

-- A chat. A direct chat has exactly two members and one stable id: its
-- direct_key is "<smaller user id>:<larger user id>", unique. Groups add rows
-- (kind 'group', members with roles), not columns.
CREATE TABLE chats (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	kind		text NOT NULL CHECK (kind IN ('direct', 'group')),
	direct_key	text UNIQUE,
	subject		text NOT NULL DEFAULT '' CHECK (char_length(subject) <= 100),
	created_by	uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
);

-- Membership with a role and a per-member state. Only 'active' members send,
-- receive and count for the device-list check of a send.
CREATE TABLE chat_members (
	chat_id		uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role		text NOT NULL DEFAULT 'member'
			    CHECK (role IN ('member', 'admin', 'owner')),
	state		text NOT NULL DEFAULT 'active'
			    CHECK (state IN ('active', 'left', 'removed')),
	joined_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (user_id, chat_id);

-- The last sequence number given out per device queue. A send locks the
-- rows of its destination devices (in a fixed order, so sends never
-- deadlock) until it commits: a device's sequence numbers therefore become
-- visible in order, and a reader paging with "after=<seq>" never skips one
-- that commits late.
CREATE TABLE device_queues (
	user_id		uuid NOT NULL,
	device_id	int NOT NULL,
	last_seq	bigint NOT NULL,
	PRIMARY KEY (user_id, device_id),
	FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, id)
	    ON DELETE CASCADE
);

-- One row per accepted send, keyed by the sending device and the client's
-- id: a retry returns the stored answer. Also what read receipts resolve
-- message ids against (chat, sender). The service prunes rows older than
-- 30 days (msg_prune).
CREATE TABLE sends (
	sender_user	uuid NOT NULL,
	sender_device	int NOT NULL,
	client_id	uuid NOT NULL,
	chat_id		uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
	server_ts	bigint NOT NULL,		-- ms since the epoch
	envelopes	int NOT NULL,
	PRIMARY KEY (sender_user, sender_device, client_id),
	FOREIGN KEY (sender_user, sender_device) REFERENCES devices (user_id, id)
	    ON DELETE CASCADE
);
CREATE INDEX sends_chat ON sends (chat_id, client_id);
CREATE INDEX sends_ts ON sends (server_ts);

-- The queues: one ciphertext per destination device, in sequence order.
-- body is the client's base64url text, validated by the service.
CREATE TABLE envelopes (
	user_id		uuid NOT NULL,
	device_id	int NOT NULL,
	seq		bigint NOT NULL,
	id		uuid NOT NULL DEFAULT gen_random_uuid(),
	chat_id		uuid NOT NULL,
	message_id	uuid NOT NULL,			-- the send's client id
	sender_user	uuid NOT NULL,
	sender_device	int NOT NULL,
	type		text NOT NULL CHECK (type IN ('prekey', 'msg', 'group')),
	body		text NOT NULL CHECK (octet_length(body) <= 87382),
	server_ts	bigint NOT NULL,
	PRIMARY KEY (user_id, device_id, seq),
	UNIQUE (id),
	FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, id)
	    ON DELETE CASCADE
);

-- Last seen, persisted from the ws nodes' Redis stream by the messages
-- service (the ws service never writes Postgres).
ALTER TABLE users ADD COLUMN last_seen_at timestamptz;

-- A send in one call, so that one statement crosses the wire and PL/pgSQL
-- keeps the plans of the statements below per connection (the services
-- send parameterised text queries, parsed and planned every time). In
-- order: the membership and device-list check (rows 'not_member',
-- 'missing', 'extra', 'stale': nothing is stored); the idempotency record
-- (a retry answers one row 'dup' carrying the first server_ts in seq);
-- then the sequence numbers and the envelopes, skipping users who blocked
-- the sender: one row 'new' per stored envelope (n: its index in the
-- arrays), and one row 'ok'. Queue rows are locked in (user, device)
-- order, so concurrent sends never deadlock.
CREATE FUNCTION msg_send(p_user uuid, p_device int, p_client uuid,
    p_chat uuid, p_ts bigint, p_users uuid[], p_devices int[],
    p_types text[], p_bodies text[])
    RETURNS TABLE (kind text, user_id uuid, device_id int, seq bigint,
    id uuid, n bigint)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH want AS (SELECT d.user_id, d.id FROM chat_members m
	    JOIN devices d ON d.user_id = m.user_id
	    WHERE m.chat_id = p_chat AND m.state = 'active'
	    AND NOT (d.user_id = p_user AND d.id = p_device)),
	got AS (SELECT g.u, g.d FROM unnest(p_users, p_devices) AS g(u, d))
	SELECT 'not_member'::text, NULL::uuid, NULL::int, NULL::bigint,
	    NULL::uuid, NULL::bigint
	    WHERE NOT EXISTS (SELECT 1 FROM chat_members c
	    WHERE c.chat_id = p_chat AND c.user_id = p_user
	    AND c.state = 'active')
	UNION ALL
	SELECT 'missing', w.user_id, w.id, NULL, NULL, NULL FROM want w
	    WHERE NOT EXISTS (SELECT 1 FROM got g
	    WHERE g.u = w.user_id AND g.d = w.id)
	UNION ALL
	SELECT CASE WHEN m.user_id IS NOT NULL AND g.d < u.next_device_id
	    AND NOT (g.u = p_user AND g.d = p_device)
	    THEN 'stale' ELSE 'extra' END, g.u, g.d, NULL, NULL, NULL
	    FROM got g
	    LEFT JOIN chat_members m ON m.chat_id = p_chat
	    AND m.user_id = g.u AND m.state = 'active'
	    LEFT JOIN users u ON u.id = g.u
	    WHERE NOT EXISTS (SELECT 1 FROM want w
	    WHERE w.user_id = g.u AND w.id = g.d);
	IF FOUND THEN
		RETURN;
	END IF;
	INSERT INTO sends (sender_user, sender_device, client_id, chat_id,
	    server_ts, envelopes)
	    VALUES (p_user, p_device, p_client, p_chat, p_ts,
	    cardinality(p_users))
	    ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'dup'::text, NULL::uuid, NULL::int,
		    s.server_ts, NULL::uuid, NULL::bigint FROM sends s
		    WHERE s.sender_user = p_user AND s.sender_device = p_device
		    AND s.client_id = p_client;
		RETURN;
	END IF;
	RETURN QUERY
	WITH e AS (SELECT x.u, x.d, x.t, x.b, x.n FROM unnest(p_users,
	    p_devices, p_types, p_bodies) WITH ORDINALITY AS x(u, d, t, b, n)
	    WHERE NOT EXISTS (SELECT 1 FROM blocks k
	    WHERE k.user_id = x.u AND k.blocked_id = p_user)),
	q AS (INSERT INTO device_queues AS dq (user_id, device_id, last_seq)
	    SELECT e.u, e.d, 1 FROM e ORDER BY e.u, e.d
	    ON CONFLICT ON CONSTRAINT device_queues_pkey DO UPDATE
	    SET last_seq = dq.last_seq + 1
	    RETURNING dq.user_id, dq.device_id, dq.last_seq),
	ins AS (INSERT INTO envelopes AS v (user_id, device_id, seq, chat_id,
	    message_id, sender_user, sender_device, type, body, server_ts)
	    SELECT e.u, e.d, q.last_seq, p_chat, p_client, p_user, p_device,
	    e.t, e.b, p_ts FROM e JOIN q ON q.user_id = e.u AND q.device_id = e.d
	    RETURNING v.user_id, v.device_id, v.seq, v.id)
	SELECT 'new'::text, i.user_id, i.device_id, i.seq, i.id, e.n
	    FROM ins i JOIN e ON e.u = i.user_id AND e.d = i.device_id
	UNION ALL SELECT 'ok', NULL, NULL, NULL, NULL, NULL;
END $$;
