-- ticketd schema, version 11: how many tickets carry each tag, kept by triggers in the same
-- transaction as the link, so /ticketd/v1's list tells a rare tag (whose rows drive the page)
-- from a common one (tested while walking the sort's index) with one row read
-- (store/ticket_page.c). Links of deleted tickets are counted: an estimate is all it needs.
--
-- PostgreSQL 15 translation of ../011_tag_counts.sql: one plpgsql trigger function for both
-- events. Writers already queue on the write lock (db.h), so the tag row adds no contention;
-- `ticketd copy` runs with triggers off and copies the counts.
ALTER TABLE tags ADD COLUMN n_tickets BIGINT NOT NULL DEFAULT 0;
UPDATE tags SET n_tickets = (SELECT count(*) FROM ticket_tags tt WHERE tt.tag_id = tags.id);
CREATE FUNCTION tag_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tags SET n_tickets = n_tickets - 1 WHERE id = OLD.tag_id;
  ELSE
    UPDATE tags SET n_tickets = n_tickets + 1 WHERE id = NEW.tag_id;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER tag_count_insert AFTER INSERT ON ticket_tags
  FOR EACH ROW EXECUTE FUNCTION tag_count();
CREATE TRIGGER tag_count_delete AFTER DELETE ON ticket_tags
  FOR EACH ROW EXECUTE FUNCTION tag_count();
