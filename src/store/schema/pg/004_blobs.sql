-- ticketd schema, version 4: files. An asset and each of its thumbnails name the blob (the
-- SHA-256 of the bytes under <data>/blobs/) that holds them; a blob no row names any more is
-- removed after the commit that let it go. File URLs are signed with a key kept here, so every
-- node of a shared database signs and checks them alike.
--
-- PostgreSQL 15 translation of ../004_blobs.sql. What differs from SQLite, and why:
--  * INTEGER is BIGINT.
--  * The signing key, 64 lower-case hex digits like SQLite's lower(hex(randomblob(32))), is the
--    SHA-256 of two gen_random_uuid() (built in since PG 13, drawn from the server's strong
--    random source: 244 random bits) plus the clock and the backend pid; gen_random_bytes()
--    would need the pgcrypto extension.

ALTER TABLE assets ADD COLUMN blob TEXT;
CREATE INDEX assets_blob ON assets(blob) WHERE blob IS NOT NULL;
CREATE INDEX assets_list ON assets(workspace_id, created_at, uuid);

ALTER TABLE asset_thumbnails ADD COLUMN blob TEXT;
ALTER TABLE asset_thumbnails ADD COLUMN box BIGINT;       -- the long side it was made to fit
CREATE INDEX asset_thumbnails_blob ON asset_thumbnails(blob) WHERE blob IS NOT NULL;
CREATE INDEX reply_assets_asset ON reply_assets(asset_id);

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO settings (name, value) VALUES ('file_url_key', encode(sha256(convert_to(
  gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text ||
  pg_backend_pid()::text, 'UTF8')), 'hex'));
