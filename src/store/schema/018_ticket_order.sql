-- ticketd schema, version 18: how far ticket ids follow created_at, kept by triggers in the same
-- transaction as the change, so a common q's page read in id order (store/ticket_page.c
-- rowid_page) is checked against the created order with one row read instead of a scan of the
-- created_at index over every newer ticket. `break_id`: every ticket whose id is above it has a
-- created_at at least that of every ticket with a smaller id (0: all of them); `max_created`: the
-- latest created_at. An insert below max_created or below the last id, or a created_at or id
-- changed, moves break_id up to the last id (the check then scans as before 018).
CREATE TABLE ticket_order (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  break_id INTEGER NOT NULL,
  max_created INTEGER NOT NULL
);
INSERT INTO ticket_order VALUES (1,
  coalesce((SELECT max(id) FROM (SELECT id, created_at, max(created_at) OVER (ORDER BY id ROWS
    BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM tickets) WHERE created_at < before), 0),
  coalesce((SELECT max(created_at) FROM tickets), -9223372036854775808));
CREATE TRIGGER ticket_order_insert AFTER INSERT ON tickets BEGIN
  UPDATE ticket_order SET
    break_id = CASE WHEN NEW.created_at < max_created OR NEW.id < (SELECT max(id) FROM tickets)
      THEN max(break_id, (SELECT max(id) FROM tickets)) ELSE break_id END,
    max_created = max(max_created, NEW.created_at);
END;
CREATE TRIGGER ticket_order_update AFTER UPDATE OF id, created_at ON tickets
  WHEN OLD.id IS NOT NEW.id OR OLD.created_at IS NOT NEW.created_at
BEGIN
  UPDATE ticket_order SET break_id = max(break_id, (SELECT max(id) FROM tickets)),
    max_created = max(max_created, NEW.created_at);
END;
