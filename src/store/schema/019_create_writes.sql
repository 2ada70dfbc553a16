-- ticketd schema, version 19: less for the writer to write per new ticket (issue 16, create at
-- 1M tickets), no list read differently.
--
-- 1. The list indexes led by the workspace and an assignee or a team serve lists that name one:
-- Tamio's teammate_id (tickets_user), Zaia's assigneeIds (tickets_phase_user), /ticketd/v1's
-- team (tickets_n_team, tickets_n_team_u). None of those lists asks for the tickets with no
-- assignee or no team (/ticketd/v1's assignee=none reads tickets_n_user, which keeps them), yet
-- every unassigned or teamless ticket wrote an entry into each, read by nothing. They are now
-- partial on the column IS NOT NULL; a query's `user_id = ?` or `team_id = ?` implies that, so
-- SQLite and PostgreSQL pick the same index as before (EXPLAIN QUERY PLAN of each list shape
-- before and after on a 1M-ticket store: bench/RESULTS.md, the wt-create section).
DROP INDEX tickets_user;
CREATE INDEX tickets_user ON tickets(workspace_id, user_id, is_open, created_at / 1000, uuid)
  WHERE deleted_at IS NULL AND user_id IS NOT NULL;
DROP INDEX tickets_phase_user;
CREATE INDEX tickets_phase_user ON tickets(workspace_id, user_id, phase, created_at, uuid)
  WHERE deleted_at IS NULL AND user_id IS NOT NULL;
DROP INDEX tickets_n_team;
CREATE INDEX tickets_n_team ON tickets(workspace_id, team_id, created_at, id)
  WHERE deleted_at IS NULL AND team_id IS NOT NULL;
DROP INDEX tickets_n_team_u;
CREATE INDEX tickets_n_team_u ON tickets(workspace_id, team_id, updated_at, id)
  WHERE deleted_at IS NULL AND team_id IS NOT NULL;

-- 2. A message's uuid is no longer UNIQUE. No statement looks a message up by it (the chat's
-- messages are read by chat_id, messages_chat), and it is a random v4 like the uuids of replies
-- and events, which have no index either; its unique index cost every message an insert at a
-- random leaf, a page read and a page written per message at 1M tickets (a message INSERT was
-- ~75 us of the writer against ~13 us for an event's). SQLite cannot drop a column's UNIQUE:
-- the table is made again, same columns in the same order, with its index and its trigger
-- (003's, as it was).
CREATE TABLE messages_019 (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,                 -- random v4; never looked up, so no index to write
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  chat_id INTEGER NOT NULL REFERENCES chats(id),
  text TEXT NOT NULL,
  from_owner INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO messages_019 (id, uuid, workspace_id, chat_id, text, from_owner, created_at)
  SELECT id, uuid, workspace_id, chat_id, text, from_owner, created_at FROM messages;
DROP TABLE messages;
ALTER TABLE messages_019 RENAME TO messages;
CREATE INDEX messages_chat ON messages(chat_id, created_at, uuid);
CREATE TRIGGER message_insert AFTER INSERT ON messages BEGIN
  UPDATE chats SET pending = CASE WHEN NEW.from_owner THEN pending + 1 ELSE 0 END
    WHERE id = NEW.chat_id;
  UPDATE ticket_fts SET messages = messages || ' ' || NEW.text
    WHERE rowid IN (SELECT id FROM tickets WHERE chat_id = NEW.chat_id);
END;
