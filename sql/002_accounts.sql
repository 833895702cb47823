-- 002_accounts: accounts, devices, sessions, one-time codes and the key
-- directory (services/auth). Secrets are stored only as hashes: codes and
-- session tokens as BLAKE2b, the two-step PIN as an Argon2id string.

CREATE TABLE users (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	phone		text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
	name		text NOT NULL DEFAULT '',
	about		text NOT NULL DEFAULT 'Hey there! I am using Parley.',
	pin_hash	text,				-- Argon2id (crypto_pwhash_str)
	pin_failures	int NOT NULL DEFAULT 0,		-- wrong PINs in a row
	pin_retry_at	timestamptz,			-- no PIN attempt before this
	next_device_id	int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- A banned number cannot register again; its account's sessions stop working.
CREATE TABLE banned_phones (
	phone		text PRIMARY KEY,
	reason		text NOT NULL DEFAULT '',
	banned_at	timestamptz NOT NULL DEFAULT now()
);

-- The latest code per phone; a new code replaces the old one.
CREATE TABLE otp_codes (
	phone		text PRIMARY KEY,
	code_hash	bytea NOT NULL,
	attempts	int NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
);

-- A device is one logged-in browser with its own identity keys. Ids are
-- per user, 1, 2, 3 ... and never reused, so a stale device id is detectable.
CREATE TABLE devices (
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	id		int NOT NULL CHECK (id > 0),
	name		text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_active_at	timestamptz NOT NULL DEFAULT now(),
	-- Identity and signed prekey (e2e.md), NULL until the device uploads them.
	ik_sig		bytea CHECK (octet_length(ik_sig) = 32),
	ik_dh		bytea CHECK (octet_length(ik_dh) = 32),
	ik_dh_sig	bytea CHECK (octet_length(ik_dh_sig) = 64),
	spk_id		int,
	spk_pub		bytea CHECK (octet_length(spk_pub) = 32),
	spk_sig		bytea CHECK (octet_length(spk_sig) = 64),
	spk_created_at	timestamptz,
	PRIMARY KEY (user_id, id)
);

CREATE TABLE sessions (
	token_hash	bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
	user_id		uuid NOT NULL,
	device_id	int NOT NULL,
	pin_pending	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_device ON sessions (user_id, device_id);

CREATE TABLE one_time_prekeys (
	user_id		uuid NOT NULL,
	device_id	int NOT NULL,
	key_id		int NOT NULL CHECK (key_id >= 0),
	pub		bytea NOT NULL CHECK (octet_length(pub) = 32),
	PRIMARY KEY (user_id, device_id, key_id),
	FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, id) ON DELETE CASCADE
);

-- Answers carry keys as base64url without padding (e2e.md) and times as
-- RFC 3339 UTC; these two keep that formatting in one place.
CREATE FUNCTION b64url(bytea) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT translate(encode($1, 'base64'), E'+/=\n', '-_') $$;

CREATE FUNCTION iso_utc(timestamptz) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
