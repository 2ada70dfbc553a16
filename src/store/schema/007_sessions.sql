-- ticketd schema, version 7: agent sessions (POST /ticketd/v1/sessions, docs/NATIVE.md). A
-- teammate signs in with its email and password and gets a random secret in a cookie; only the
-- secret's SHA-256 is kept. A session ends at expires_at (absolute), after an idle time with no
-- request (last_seen_at, moved forward at most once a minute), at logout and when the
-- teammate's password changes (the row is deleted then), and goes with its teammate.

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash BLOB NOT NULL UNIQUE,          -- SHA-256 of the secret; the secret itself is never stored
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
