-- ticketd schema, version 8: Idempotency-Key. The answer of a keyed POST is stored in the
-- transaction of its writes, per workspace and key, so a retry replays it instead of writing
-- again (docs/IDEMPOTENCY.md). A row with a NULL status is a claim whose request has not
-- finished (its transaction is open, or rolled back and so gone). Rows older than the window
-- (24 h) are ignored on read and swept a few at a time by keyed writes.

CREATE TABLE idempotency (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  key TEXT NOT NULL,                  -- as the client sent it: 1..255 printable ASCII bytes
  fingerprint BLOB NOT NULL,          -- SHA-256 of method, path, query and body
  status INTEGER,                     -- the answer's HTTP status; NULL while the claim is open
  content_type TEXT,
  headers TEXT,                       -- the handler's headers, one "name: value" per line
  body BLOB,
  created_at INTEGER NOT NULL,        -- ms
  PRIMARY KEY (workspace_id, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
