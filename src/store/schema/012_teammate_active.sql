-- ticketd schema, version 12: a teammate can be deactivated (PATCH /ticketd/v1/teammates/{id}
-- {"active": false}, docs/NATIVE.md). A deactivated teammate cannot sign in (sessions and the
-- token grant), its sessions are deleted and its tokens revoked in the same write, and any
-- credential of it left is refused at once; it stays on its tickets, replies and events as
-- history. 1: active (every teammate until now), 0: deactivated.

ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
