-- ticketd schema, version 17: how many active tickets (Zaia pending or ongoing, not deleted)
-- carry each tag, kept by triggers in the same transaction as the change, so Zaia's tag list
-- (activeTicketCount, store/tag.c) reads a column instead of counting every link of every tag
-- against the tickets table at each request.
--
-- PostgreSQL 15 translation of ../017_tag_active.sql; `ticketd copy` runs with triggers off
-- and copies the counts.
ALTER TABLE tags ADD COLUMN n_active BIGINT NOT NULL DEFAULT 0;
UPDATE tags SET n_active = (SELECT count(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
  WHERE tt.tag_id = tags.id AND t.phase < 2 AND t.deleted_at IS NULL);
CREATE FUNCTION tag_active_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r ticket_tags;
  d BIGINT;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; d := -1; ELSE r := NEW; d := 1; END IF;
  UPDATE tags SET n_active = n_active + d WHERE id = r.tag_id AND EXISTS (SELECT 1 FROM tickets t
    WHERE t.id = r.ticket_id AND t.phase < 2 AND t.deleted_at IS NULL);
  RETURN NULL;
END;
$$;
CREATE TRIGGER tag_active_link AFTER INSERT OR DELETE ON ticket_tags
  FOR EACH ROW EXECUTE FUNCTION tag_active_link();
CREATE FUNCTION tag_active_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tags SET n_active = n_active + (CASE WHEN NEW.phase < 2 AND NEW.deleted_at IS NULL
    THEN 1 ELSE -1 END) WHERE id IN (SELECT tag_id FROM ticket_tags WHERE ticket_id = NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER tag_active_ticket AFTER UPDATE OF state, deleted_at ON tickets
  FOR EACH ROW WHEN ((OLD.phase < 2 AND OLD.deleted_at IS NULL)
    IS DISTINCT FROM (NEW.phase < 2 AND NEW.deleted_at IS NULL))
  EXECUTE FUNCTION tag_active_ticket();
