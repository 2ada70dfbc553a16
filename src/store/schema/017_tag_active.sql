-- ticketd schema, version 17: how many active tickets (Zaia pending or ongoing, not deleted)
-- carry each tag, kept by triggers in the same transaction as the change, so Zaia's tag list
-- (activeTicketCount, store/tag.c) reads a column instead of counting every link of every tag
-- against the tickets table at each request (20-27 s for GET /api/v1/tags at 1M tickets).
-- Tickets are never deleted (deleted_at marks them), so links and state changes are all it
-- follows; `phase` is a virtual column, hence the trigger on the columns it derives from.
ALTER TABLE tags ADD COLUMN n_active INTEGER NOT NULL DEFAULT 0;
UPDATE tags SET n_active = (SELECT count(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
  WHERE tt.tag_id = tags.id AND t.phase < 2 AND t.deleted_at IS NULL);
CREATE TRIGGER tag_active_link AFTER INSERT ON ticket_tags BEGIN
  UPDATE tags SET n_active = n_active + 1 WHERE id = NEW.tag_id AND EXISTS (SELECT 1 FROM tickets t
    WHERE t.id = NEW.ticket_id AND t.phase < 2 AND t.deleted_at IS NULL);
END;
CREATE TRIGGER tag_active_unlink AFTER DELETE ON ticket_tags BEGIN
  UPDATE tags SET n_active = n_active - 1 WHERE id = OLD.tag_id AND EXISTS (SELECT 1 FROM tickets t
    WHERE t.id = OLD.ticket_id AND t.phase < 2 AND t.deleted_at IS NULL);
END;
CREATE TRIGGER tag_active_ticket AFTER UPDATE OF state, deleted_at ON tickets
  WHEN (OLD.phase < 2 AND OLD.deleted_at IS NULL) IS NOT (NEW.phase < 2 AND NEW.deleted_at IS NULL)
BEGIN
  UPDATE tags SET n_active = n_active + (CASE WHEN NEW.phase < 2 AND NEW.deleted_at IS NULL
    THEN 1 ELSE -1 END) WHERE id IN (SELECT tag_id FROM ticket_tags WHERE ticket_id = NEW.id);
END;
