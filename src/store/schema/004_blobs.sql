-- ticketd schema, version 4: files. An asset and each of its thumbnails name the blob (the
-- SHA-256 of the bytes under <data>/blobs/) that holds them; a blob no row names any more is
-- removed after the commit that let it go. File URLs are signed with a key kept here, so every
-- node of a shared database signs and checks them alike.

ALTER TABLE assets ADD COLUMN blob TEXT;
CREATE INDEX assets_blob ON assets(blob) WHERE blob IS NOT NULL;
CREATE INDEX assets_list ON assets(workspace_id, created_at, uuid);

ALTER TABLE asset_thumbnails ADD COLUMN blob TEXT;
ALTER TABLE asset_thumbnails ADD COLUMN box INTEGER;      -- the long side it was made to fit
CREATE INDEX asset_thumbnails_blob ON asset_thumbnails(blob) WHERE blob IS NOT NULL;
CREATE INDEX reply_assets_asset ON reply_assets(asset_id);

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO settings (name, value) VALUES ('file_url_key', lower(hex(randomblob(32))));
