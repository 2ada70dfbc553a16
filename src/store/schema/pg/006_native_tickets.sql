-- ticketd schema, version 6: what /ticketd/v1's tickets need. A version per ticket that every
-- change bumps, whichever dialect made it (the ETag of GET /ticketd/v1/tickets/{id}), and the
-- indexes of its keyset-paged list: each filter with each sort key, then the row id, so a page
-- (filter, sort, cursor) is one index range scan however deep it is.
--
-- PostgreSQL 15 translation of ../006_native_tickets.sql. What differs from SQLite, and why:
--  * The version is bumped by a BEFORE UPDATE row trigger setting NEW.version (SQLite's AFTER
--    trigger updates the row again); the same rule: an UPDATE that sets the version itself is
--    not bumped again, so a tag's trigger bumps once.
--  * A ticket's version is read with SELECT … FOR UPDATE before an If-Match write
--    (store_ticket_version): two nodes racing on one ticket queue on the row lock, and the
--    second sees the first's version.

ALTER TABLE tickets ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE FUNCTION ticket_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version = OLD.version THEN
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER ticket_version BEFORE UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION ticket_version();

CREATE FUNCTION ticket_tags_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tickets SET version = version + 1 WHERE id = OLD.ticket_id;
  ELSE
    UPDATE tickets SET version = version + 1 WHERE id = NEW.ticket_id;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_tags_version_insert AFTER INSERT ON ticket_tags
  FOR EACH ROW EXECUTE FUNCTION ticket_tags_version();
CREATE TRIGGER ticket_tags_version_delete AFTER DELETE ON ticket_tags
  FOR EACH ROW EXECUTE FUNCTION ticket_tags_version();

CREATE INDEX tickets_n_created ON tickets(workspace_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_updated ON tickets(workspace_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_state ON tickets(workspace_id, state, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_state_u ON tickets(workspace_id, state, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_user ON tickets(workspace_id, user_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_user_u ON tickets(workspace_id, user_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_team ON tickets(workspace_id, team_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_team_u ON tickets(workspace_id, team_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_category ON tickets(workspace_id, category_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_category_u ON tickets(workspace_id, category_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_contact ON tickets(workspace_id, contact_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_n_contact_u ON tickets(workspace_id, contact_id, updated_at, id) WHERE deleted_at IS NULL;
