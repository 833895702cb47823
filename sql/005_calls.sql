-- 005_calls: 1:1 call signalling state, the per-user call log and the call
-- settings (services/calls). Only routing metadata lives here: who called
-- whom from which device, when, and how it ended. SDP offers/answers and ICE
-- candidates are end-to-end encrypted blobs the service relays over Redis
-- and never stores.

-- One call. A call is ringing, then accepted or ended; accepted ends too.
-- silent: the callee has blocked the caller, so the call "rings" for the
-- caller but never reaches the callee (no event, no log row for them).
-- answered_by is the callee device that accepted (first one wins).
CREATE TABLE calls (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	caller_id	uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	caller_device	int NOT NULL CHECK (caller_device > 0),
	callee_id	uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	media		text NOT NULL CHECK (media IN ('voice', 'video')),
	state		text NOT NULL DEFAULT 'ringing' CHECK (state IN
			    ('ringing', 'accepted', 'ended')),
	end_reason	text CHECK (end_reason IN ('missed', 'declined', 'busy',
			    'cancelled', 'hangup', 'failed')),
	ended_by	uuid,			-- the user who ended it; NULL: the server
	declined_with_message boolean NOT NULL DEFAULT false,
	silent		boolean NOT NULL DEFAULT false,
	answered_by	int CHECK (answered_by > 0),
	created_at	timestamptz NOT NULL DEFAULT now(),
	accepted_at	timestamptz,
	ended_at	timestamptz,
	CHECK (caller_id <> callee_id),
	CHECK ((state = 'ended') = (end_reason IS NOT NULL)),
	CHECK ((state = 'ended') = (ended_at IS NOT NULL)),
	CHECK ((answered_by IS NULL) = (accepted_at IS NULL))
);
-- The sweeper's scan of expired ringing calls: tiny, as few calls ring.
CREATE INDEX calls_ringing ON calls (created_at) WHERE state = 'ringing';
-- Busy and glare checks: the live calls of a user, on either side.
CREATE INDEX calls_live_caller ON calls (caller_id) WHERE state <> 'ended';
CREATE INDEX calls_live_callee ON calls (callee_id) WHERE state <> 'ended';

-- A user's view of a call: one row per (user, call) they may see, deleted
-- independently by each side. Deleting the row hides the call from that
-- user's log only.
CREATE TABLE call_log (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	call_id		uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
	outgoing	boolean NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (user_id, call_id)
);
CREATE INDEX call_log_page ON call_log (user_id, created_at DESC, id DESC);
CREATE INDEX call_log_call ON call_log (call_id);

-- "Protect IP address in calls": relay_only makes this user's calls use
-- TURN relays only (iceTransportPolicy 'relay'). No row: false.
CREATE TABLE call_settings (
	user_id		uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	relay_only	boolean NOT NULL DEFAULT false,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- One call-log entry as its owner sees it, as JSON text for the API and the
-- call_log event. missed: an incoming call that was never answered and not
-- declined by the owner. duration: seconds from accept to end (0 if never
-- accepted; up to now while the call lasts).
CREATE FUNCTION call_log_json(l call_log, c calls) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'id', l.id,
	    'call_id', c.id,
	    'direction', CASE WHEN l.outgoing THEN 'outgoing' ELSE 'incoming' END,
	    'missed', NOT l.outgoing AND c.accepted_at IS NULL
		AND c.state = 'ended' AND c.end_reason <> 'declined',
	    'media', c.media,
	    'peer', CASE WHEN l.outgoing THEN c.callee_id ELSE c.caller_id END,
	    'state', c.state,
	    'end_reason', c.end_reason,
	    'declined_with_message', c.declined_with_message,
	    'started_at', iso_utc(c.created_at),
	    'accepted_at', iso_utc(c.accepted_at),
	    'ended_at', iso_utc(c.ended_at),
	    'duration', CASE WHEN c.accepted_at IS NULL THEN 0 ELSE
		floor(extract(epoch FROM coalesce(c.ended_at, now()) -
		c.accepted_at))::int END)
$$;
