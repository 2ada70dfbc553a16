-- A new ticket's search document is written once per transaction instead of once per ticket.
-- FTS5 writes its pending documents to disk as a new segment at every statement savepoint, so
-- the insert trigger of 003 made one segment per ticket (then merged): ~40 % of a create's
-- writer time at 1M tickets. Now the trigger only queues the ticket's id; the writer, right
-- before each COMMIT (store.c fts_flush), inserts the queued tickets' documents with one
-- statement and empties the queue, in the same transaction, so a committed ticket is
-- searchable as before. The document is built as 003's trigger built it, from the ticket's row,
-- its contact and its chat's messages as they are at COMMIT (messages in created_at, then
-- insertion, order); a queued ticket deleted before COMMIT has none. Later changes (title,
-- contact, messages) keep updating the document in place through 003's other triggers.
CREATE TABLE ticket_fts_queue (
  id INTEGER PRIMARY KEY              -- tickets.id whose document the next COMMIT writes
);

DROP TRIGGER ticket_fts_insert;
CREATE TRIGGER ticket_fts_insert AFTER INSERT ON tickets BEGIN
  INSERT OR IGNORE INTO ticket_fts_queue (id) VALUES (NEW.id);
END;
