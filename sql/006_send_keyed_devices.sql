-- 006_send_keyed_devices: a send must cover exactly the devices that can
-- receive it, i.e. those that uploaded identity keys. A device that logged
-- in but has not uploaded its keys yet (or never will) has no bundle in the
-- key directory, so no client can encrypt for it; counting it made every
-- send to its user fail with 409 until it did. An envelope addressed to it
-- now answers 410 (stale), and the client re-fetches the device list.
-- And a retry of a stored send is recognised before the device lists are
-- checked, so it answers as the first time even if a device was added since
-- (checked again, race-free, by the insert's ON CONFLICT).

CREATE OR REPLACE FUNCTION msg_send(p_user uuid, p_device int, p_client uuid,
    p_chat uuid, p_ts bigint, p_users uuid[], p_devices int[],
    p_types text[], p_bodies text[])
    RETURNS TABLE (kind text, user_id uuid, device_id int, seq bigint,
    id uuid, n bigint)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
	-- A retry of a send that was stored answers as the first time did,
	-- even if the device lists changed since (rule 4, idempotent sends).
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
