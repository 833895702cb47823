-- 007_queue_caps_retention: per-device queue caps, envelope expiry, the
-- retention sweeps, and chats a blocked user created.
--
-- Queue caps. Anyone who knows a user id could otherwise fill that user's
-- queues without bound. device_queues now counts what each queue holds
-- (envelopes and body bytes), kept exact by statement-level triggers on
-- envelopes, so every path that inserts or deletes envelopes (send, ack,
-- the expiry sweep, a device's removal) keeps the counters right. msg_send()
-- refuses a send that would take any destination queue over its cap: rows
-- 'full', nothing stored (all-or-nothing, like the device-list check).

ALTER TABLE device_queues
    ADD COLUMN pending bigint NOT NULL DEFAULT 0,
    ADD COLUMN bytes bigint NOT NULL DEFAULT 0;

UPDATE device_queues q SET pending = x.c, bytes = x.b
    FROM (SELECT user_id, device_id, count(*) AS c,
    sum(octet_length(body)) AS b FROM envelopes GROUP BY 1, 2) x
    WHERE q.user_id = x.user_id AND q.device_id = x.device_id;

CREATE FUNCTION envelopes_count_ins() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	UPDATE device_queues q SET pending = q.pending + x.c,
	    bytes = q.bytes + x.b
	    FROM (SELECT n.user_id, n.device_id, count(*) AS c,
	    sum(octet_length(n.body)) AS b FROM new_rows n GROUP BY 1, 2) x
	    WHERE q.user_id = x.user_id AND q.device_id = x.device_id;
	RETURN NULL;
END $$;

-- A delete of many devices' envelopes (the expiry sweep) locks their queue
-- rows in (user, device) order first, as sends do, so the two never
-- deadlock on them.
CREATE FUNCTION envelopes_count_del() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM device_queues q WHERE (q.user_id, q.device_id) IN
	    (SELECT o.user_id, o.device_id FROM old_rows o)
	    ORDER BY q.user_id, q.device_id FOR UPDATE;
	UPDATE device_queues q SET pending = greatest(q.pending - x.c, 0),
	    bytes = greatest(q.bytes - x.b, 0)
	    FROM (SELECT o.user_id, o.device_id, count(*) AS c,
	    sum(octet_length(o.body)) AS b FROM old_rows o GROUP BY 1, 2) x
	    WHERE q.user_id = x.user_id AND q.device_id = x.device_id;
	RETURN NULL;
END $$;

CREATE TRIGGER envelopes_count_ins AFTER INSERT ON envelopes
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION envelopes_count_ins();
CREATE TRIGGER envelopes_count_del AFTER DELETE ON envelopes
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION envelopes_count_del();

-- Expiry: the sweep finds envelopes older than the retention by time.
CREATE INDEX envelopes_ts ON envelopes (server_ts);

-- A direct chat created by someone the peer has blocked stays out of the
-- peer's chat list (the blocked side learns nothing: its own view is the
-- same as for any chat). It appears once the peer opens it (POST /chats)
-- or an envelope is stored for the peer in it (i.e. after an unblock).
ALTER TABLE chat_members ADD COLUMN hidden boolean NOT NULL DEFAULT false;
CREATE INDEX chat_members_hidden ON chat_members (chat_id) WHERE hidden;

-- The old 9-argument send: replaced by the one with caps below.
DROP FUNCTION msg_send(uuid, int, uuid, uuid, bigint, uuid[], int[],
    text[], text[]);

-- As in 006, plus: after the device-list check, the destination queues
-- are locked in (user, device) order and checked against the caps
-- (p_max_count envelopes, p_max_bytes body bytes): one row 'full' per
-- queue that would go over, and nothing is stored. Envelopes to users who
-- blocked the sender are never stored, so they are not checked either.
-- After the insert, a hidden membership of a recipient who now receives
-- from the sender is shown again.
CREATE FUNCTION msg_send(p_user uuid, p_device int, p_client uuid,
    p_chat uuid, p_ts bigint, p_users uuid[], p_devices int[],
    p_types text[], p_bodies text[], p_max_count bigint, p_max_bytes bigint)
    RETURNS TABLE (kind text, user_id uuid, device_id int, seq bigint,
    id uuid, n bigint)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY SELECT 'dup'::text, NULL::uuid, NULL::int, s.server_ts,
	    NULL::uuid, NULL::bigint FROM sends s
	    WHERE s.sender_user = p_user AND s.sender_device = p_device
	    AND s.client_id = p_client;
	IF FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY
	WITH want AS (SELECT d.user_id, d.id FROM chat_members m
	    JOIN devices d ON d.user_id = m.user_id
	    WHERE m.chat_id = p_chat AND m.state = 'active'
	    AND d.ik_sig IS NOT NULL
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
	RETURN QUERY
	WITH x AS (SELECT x.u, x.d, octet_length(x.b) AS len
	    FROM unnest(p_users, p_devices, p_bodies) AS x(u, d, b)
	    WHERE NOT EXISTS (SELECT 1 FROM blocks k
	    WHERE k.user_id = x.u AND k.blocked_id = p_user)),
	l AS (SELECT q.user_id, q.device_id, q.pending, q.bytes
	    FROM device_queues q JOIN x ON x.u = q.user_id AND x.d = q.device_id
	    ORDER BY q.user_id, q.device_id FOR UPDATE OF q)
	SELECT 'full'::text, l.user_id, l.device_id, NULL::bigint, NULL::uuid,
	    NULL::bigint FROM l JOIN x ON x.u = l.user_id AND x.d = l.device_id
	    WHERE l.pending + 1 > p_max_count OR l.bytes + x.len > p_max_bytes;
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
	UPDATE chat_members c SET hidden = false
	    WHERE c.chat_id = p_chat AND c.hidden AND c.user_id <> p_user
	    AND NOT EXISTS (SELECT 1 FROM blocks k
	    WHERE k.user_id = c.user_id AND k.blocked_id = p_user);
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

-- One retention sweep of the messages service, bounded: at most p_batch
-- expired envelopes (server_ts < p_env_cut, ms) and p_batch send records
-- (server_ts < p_sends_cut) are deleted. Runs in one place at a time: a
-- caller that does not get the transaction-level advisory lock returns at
-- once with NULLs, so several instances never duplicate the work.
CREATE FUNCTION msg_sweep(p_env_cut bigint, p_sends_cut bigint, p_batch int)
    RETURNS TABLE (envelopes bigint, sends bigint)
    LANGUAGE plpgsql AS $$
DECLARE
	ne bigint;
	ns bigint;
BEGIN
	-- 7008: the messages sweeper's advisory-lock class.
	IF NOT pg_try_advisory_xact_lock(7008, 1) THEN
		RETURN QUERY SELECT NULL::bigint, NULL::bigint;
		RETURN;
	END IF;
	DELETE FROM envelopes WHERE ctid = ANY (ARRAY(SELECT v.ctid
	    FROM envelopes v WHERE v.server_ts < p_env_cut LIMIT p_batch));
	GET DIAGNOSTICS ne = ROW_COUNT;
	DELETE FROM sends WHERE ctid = ANY (ARRAY(SELECT s.ctid FROM sends s
	    WHERE s.server_ts < p_sends_cut LIMIT p_batch));
	GET DIAGNOSTICS ns = ROW_COUNT;
	RETURN QUERY SELECT ne, ns;
END $$;

-- Calls retention. A call row is what every call-log entry of it shows
-- (call_log_json), and deleting it would cascade to those entries: only
-- ended calls that no log entry refers to any more (both sides deleted
-- theirs, or a silent call the caller deleted) are pruned, p_keep_days
-- after they ended. Same one-at-a-time rule as msg_sweep(); NULL: skipped.
CREATE INDEX calls_ended ON calls (ended_at) WHERE state = 'ended';

CREATE FUNCTION calls_prune(p_keep_days int, p_batch int) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
	nc bigint;
BEGIN
	-- 7009: the calls pruner's advisory-lock class.
	IF NOT pg_try_advisory_xact_lock(7009, 1) THEN
		RETURN NULL;
	END IF;
	DELETE FROM calls WHERE id = ANY (ARRAY(SELECT c.id FROM calls c
	    WHERE c.state = 'ended'
	    AND c.ended_at < now() - make_interval(days => p_keep_days)
	    AND NOT EXISTS (SELECT 1 FROM call_log l WHERE l.call_id = c.id)
	    LIMIT p_batch));
	GET DIAGNOSTICS nc = ROW_COUNT;
	RETURN nc;
END $$;
