-- ticketd schema, version 11: how many tickets carry each tag, kept by triggers in the same
-- transaction as the link, so /ticketd/v1's list tells a rare tag (whose rows drive the page)
-- from a common one (tested while walking the sort's index) with one row read
-- (store/ticket_page.c). Links of deleted tickets are counted: an estimate is all it needs.
ALTER TABLE tags ADD COLUMN n_tickets INTEGER NOT NULL DEFAULT 0;
UPDATE tags SET n_tickets = (SELECT count(*) FROM ticket_tags tt WHERE tt.tag_id = tags.id);
CREATE TRIGGER tag_count_insert AFTER INSERT ON ticket_tags BEGIN
  UPDATE tags SET n_tickets = n_tickets + 1 WHERE id = NEW.tag_id;
END;
CREATE TRIGGER tag_count_delete AFTER DELETE ON ticket_tags BEGIN
  UPDATE tags SET n_tickets = n_tickets - 1 WHERE id = OLD.tag_id;
END;
