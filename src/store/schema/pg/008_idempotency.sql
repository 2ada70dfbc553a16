-- ticketd schema, version 8: Idempotency-Key. The answer of a keyed POST is stored in the
-- transaction of its writes, per workspace and key, so a retry replays it instead of writing
-- again (docs/IDEMPOTENCY.md). A row with a NULL status is a claim whose request has not
-- finished (its transaction is open, or rolled back and so gone). Rows older than the window
-- (24 h) are ignored on read and swept a few at a time by keyed writes.
--
-- PostgreSQL 15 translation of ../008_idempotency.sql. What differs from SQLite, and why:
--  * Types only (as in 001): BIGINT, BYTEA.
--  * Two nodes claiming one key: the second INSERT … ON CONFLICT waits on the primary key for
--    the first transaction, then sees its row (committed) or inserts its own (rolled back).

CREATE TABLE idempotency (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  key TEXT NOT NULL,                  -- as the client sent it: 1..255 printable ASCII bytes
  fingerprint BYTEA NOT NULL,         -- SHA-256 of method, path, query and body
  status BIGINT,                      -- the answer's HTTP status; NULL while the claim is open
  content_type TEXT,
  headers TEXT,                       -- the handler's headers, one "name: value" per line
  body BYTEA,
  created_at BIGINT NOT NULL,         -- ms
  PRIMARY KEY (workspace_id, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
