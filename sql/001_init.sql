-- 001_init: the schema's foundations. Later migrations add each service's
-- tables. deploy/migrate wraps this file in a transaction.

-- Case- and accent-insensitive search of names needs no extension yet; keep
-- the first migration free of extensions so it runs as a plain owner role.
CREATE TABLE app_meta (
	key text PRIMARY KEY,
	value text NOT NULL
);
INSERT INTO app_meta (key, value) VALUES ('schema_created_at', now()::text);
