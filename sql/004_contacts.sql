-- 004_contacts: contacts, blocks, reports, privacy settings and the per-user
-- chat-list state (services/contacts). privacy_allows() is the one place the
-- privacy rules live; every service that lets data about a user leave the
-- server (presence, read receipts, profiles, status) asks it.

-- "owner has phone in their address book under name". contact_user_id is the
-- registered user with that phone, kept current by triggers on both tables.
CREATE TABLE contacts (
	owner_id	uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	phone		text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
	name		text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
	contact_user_id	uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (owner_id, phone)
);
CREATE INDEX contacts_phone ON contacts (phone);
CREATE INDEX contacts_user ON contacts (contact_user_id, owner_id)
    WHERE contact_user_id IS NOT NULL;

CREATE FUNCTION contacts_resolve() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.contact_user_id := (SELECT id FROM users WHERE phone = NEW.phone);
	RETURN NEW;
END $$;
CREATE TRIGGER contacts_resolve BEFORE INSERT OR UPDATE OF phone ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_resolve();

-- A number registering (or an account changing number) resolves the
-- contacts that name it.
CREATE FUNCTION contacts_users_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		UPDATE contacts SET contact_user_id = NULL
		    WHERE contact_user_id = OLD.id AND phone <> NEW.phone;
	END IF;
	UPDATE contacts SET contact_user_id = NEW.id
	    WHERE phone = NEW.phone AND contact_user_id IS DISTINCT FROM NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER contacts_users_sync AFTER INSERT OR UPDATE OF phone ON users
    FOR EACH ROW EXECUTE FUNCTION contacts_users_sync();

-- user_id has blocked blocked_id. Never shown to blocked_id.
CREATE TABLE blocks (
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	blocked_id	uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, blocked_id),
	CHECK (user_id <> blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id, user_id);

-- True when either user has blocked the other.
CREATE FUNCTION is_blocked(a uuid, b uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM blocks
	    WHERE (user_id = a AND blocked_id = b)
	       OR (user_id = b AND blocked_id = a))
$$;

-- Reports for moderation. messages is the reporter's copy of the last (at
-- most 5) messages of the chat: [{"sender":uuid,"sent_at":text,"text":text}].
-- A report outlives the accounts and chat it names (moderation may need it
-- after a user deletes theirs), so the references go NULL, and the
-- phones are kept as they were when it was made. The service makes sure a
-- report names a user or a chat.
CREATE TABLE reports (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	reporter_id	uuid REFERENCES users (id) ON DELETE SET NULL,
	reporter_phone	text NOT NULL,
	target_user_id	uuid REFERENCES users (id) ON DELETE SET NULL,
	target_phone	text,
	chat_id		uuid REFERENCES chats (id) ON DELETE SET NULL,
	reason		text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 500),
	messages	jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(messages) = 'array'
			    AND jsonb_array_length(messages) <= 5),
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_created ON reports (created_at DESC);

-- The reference of a user's current profile photo (a media id, issue for
-- media). No row: no photo.
CREATE TABLE profile_photos (
	user_id		uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	ref		text NOT NULL CHECK (char_length(ref) BETWEEN 1 AND 200),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- Privacy settings. No row means every default.
--   audience:	everyone | contacts | contacts_except | nobody
--   online:	everyone | same_as_last_seen
--   status:	contacts | contacts_except | only_share_with
--   groups_add:	everyone | contacts | contacts_except
--   default_timer: seconds, 0 (off) | 86400 | 604800 | 7776000
CREATE TABLE privacy_settings (
	user_id		uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	last_seen	text NOT NULL DEFAULT 'everyone' CHECK (last_seen IN
			    ('everyone', 'contacts', 'contacts_except', 'nobody')),
	online		text NOT NULL DEFAULT 'everyone' CHECK (online IN
			    ('everyone', 'same_as_last_seen')),
	photo		text NOT NULL DEFAULT 'everyone' CHECK (photo IN
			    ('everyone', 'contacts', 'contacts_except', 'nobody')),
	about		text NOT NULL DEFAULT 'everyone' CHECK (about IN
			    ('everyone', 'contacts', 'contacts_except', 'nobody')),
	status		text NOT NULL DEFAULT 'contacts' CHECK (status IN
			    ('contacts', 'contacts_except', 'only_share_with')),
	read_receipts	boolean NOT NULL DEFAULT true,
	groups_add	text NOT NULL DEFAULT 'everyone' CHECK (groups_add IN
			    ('everyone', 'contacts', 'contacts_except')),
	default_timer	int NOT NULL DEFAULT 0 CHECK (default_timer IN
			    (0, 86400, 604800, 7776000)),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- A user's settings, the defaults when they never changed any.
CREATE FUNCTION privacy_of(uid uuid) RETURNS privacy_settings
    LANGUAGE sql STABLE AS $$
	SELECT s FROM (
		SELECT p AS s, 0 AS o FROM privacy_settings p WHERE p.user_id = uid
		UNION ALL
		SELECT ROW(uid, 'everyone', 'everyone', 'everyone', 'everyone',
		    'contacts', true, 'everyone', 0, now())::privacy_settings, 1
	) x ORDER BY o LIMIT 1
$$;

-- The "contacts except..." lists (and status's "only share with..." list,
-- item 'status_only'). Entries are registered users.
CREATE TABLE privacy_exceptions (
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	item		text NOT NULL CHECK (item IN ('last_seen', 'photo', 'about',
			    'status', 'status_only', 'groups_add')),
	other_id	uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, item, other_id)
);

-- Does owner's audience setting for item include viewer? Blocks and
-- reciprocity are privacy_allows()'s business, not this one's.
CREATE FUNCTION privacy_audience(owner uuid, viewer uuid, setting text,
    item text) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE setting
	WHEN 'everyone' THEN true
	WHEN 'nobody' THEN false
	WHEN 'contacts' THEN EXISTS (SELECT 1 FROM contacts
	    WHERE owner_id = owner AND contact_user_id = viewer)
	WHEN 'contacts_except' THEN EXISTS (SELECT 1 FROM contacts
	    WHERE owner_id = owner AND contact_user_id = viewer)
	    AND NOT EXISTS (SELECT 1 FROM privacy_exceptions
	    WHERE user_id = owner AND privacy_exceptions.item =
	    privacy_audience.item AND other_id = viewer)
	WHEN 'only_share_with' THEN EXISTS (SELECT 1 FROM privacy_exceptions
	    WHERE user_id = owner AND privacy_exceptions.item = 'status_only'
	    AND other_id = viewer)
	ELSE false
	END
$$;

-- May viewer see owner's item? item is one of last_seen, online, photo,
-- about, status, read_receipts, groups_add. WhatsApp's rules:
--   - a user always sees their own;
--   - a block in either direction hides everything;
--   - last_seen and online are reciprocal: if viewer does not share theirs
--     with owner, viewer cannot see owner's;
--   - online 'same_as_last_seen' follows last_seen;
--   - read_receipts: false when either has them off (the caller skips this
--     for groups, where receipts are always sent);
--   - groups_add: may viewer add owner to a group.
-- An unknown item raises 22023.
CREATE FUNCTION privacy_allows(owner uuid, viewer uuid, item text)
    RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
	o	privacy_settings;
	v	privacy_settings;
BEGIN
	IF item IS NULL OR item NOT IN ('last_seen', 'online', 'photo',
	    'about', 'status', 'read_receipts', 'groups_add') THEN
		RAISE EXCEPTION 'privacy_allows: unknown item %', item
		    USING ERRCODE = '22023';
	END IF;
	IF owner IS NULL OR viewer IS NULL THEN
		RETURN false;
	END IF;
	IF owner = viewer THEN
		RETURN true;
	END IF;
	IF is_blocked(owner, viewer) THEN
		RETURN false;
	END IF;
	o := privacy_of(owner);
	IF item IN ('photo', 'about', 'status', 'groups_add') THEN
		RETURN privacy_audience(owner, viewer, CASE item
		    WHEN 'photo' THEN o.photo WHEN 'about' THEN o.about
		    WHEN 'status' THEN o.status ELSE o.groups_add END, item);
	END IF;
	v := privacy_of(viewer);
	IF item = 'read_receipts' THEN
		RETURN o.read_receipts AND v.read_receipts;
	END IF;
	IF item = 'last_seen' THEN
		RETURN privacy_audience(owner, viewer, o.last_seen, 'last_seen')
		    AND privacy_audience(viewer, owner, v.last_seen, 'last_seen');
	END IF;
	-- online
	RETURN (o.online = 'everyone' OR
	    privacy_audience(owner, viewer, o.last_seen, 'last_seen'))
	    AND (v.online = 'everyone' OR
	    privacy_audience(viewer, owner, v.last_seen, 'last_seen'));
END $$;

-- Chat-list state of one chat for one user. No row: all defaults.
-- muted_until 'infinity' = always. pinned_at orders the (at most 3) pins.
CREATE TABLE chat_state (
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	chat_id		uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
	archived	boolean NOT NULL DEFAULT false,
	pinned_at	timestamptz,
	muted_until	timestamptz,
	marked_unread	boolean NOT NULL DEFAULT false,
	favourite	boolean NOT NULL DEFAULT false,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, chat_id)
);
CREATE INDEX chat_state_pinned ON chat_state (user_id)
    WHERE pinned_at IS NOT NULL;

-- At most 3 pinned chats per user, whatever the caller checked before.
CREATE FUNCTION chat_state_pin_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.pinned_at IS NULL OR (TG_OP = 'UPDATE' AND
	    OLD.pinned_at IS NOT NULL) THEN
		RETURN NEW;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('pins:' || NEW.user_id::text));
	IF (SELECT count(*) FROM chat_state WHERE user_id = NEW.user_id AND
	    pinned_at IS NOT NULL AND chat_id <> NEW.chat_id) >= 3 THEN
		RAISE EXCEPTION 'at most 3 pinned chats' USING
		    ERRCODE = '23514', CONSTRAINT = 'chat_state_pin_limit';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER chat_state_pin_limit BEFORE INSERT OR UPDATE OF pinned_at
    ON chat_state FOR EACH ROW EXECUTE FUNCTION chat_state_pin_limit();

-- Custom chat lists ("Work", "Family"): a name and member chats.
CREATE TABLE chat_lists (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id		uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name		text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 30),
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (user_id, name)
);
CREATE INDEX chat_lists_user ON chat_lists (user_id, created_at);

CREATE TABLE chat_list_members (
	list_id		uuid NOT NULL REFERENCES chat_lists (id) ON DELETE CASCADE,
	chat_id		uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
	PRIMARY KEY (list_id, chat_id)
);
