-- ticketd schema, version 6: what /ticketd/v1's tickets need. A version per ticket that every
-- change bumps, whichever dialect made it (the ETag of GET /ticketd/v1/tickets/{id}), and the
-- indexes of its keyset-paged list: each filter with each sort key, then the row id, so a page
-- (filter, sort, cursor) is one index range scan however deep it is.

ALTER TABLE tickets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Any write of a ticket's row bumps its version once (an UPDATE that sets the version itself,
-- like the ones below, is not bumped again); so do its tags coming and going.
CREATE TRIGGER ticket_version AFTER UPDATE ON tickets WHEN NEW.version = OLD.version BEGIN
  UPDATE tickets SET version = OLD.version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER ticket_tags_version_insert AFTER INSERT ON ticket_tags BEGIN
  UPDATE tickets SET version = version + 1 WHERE id = NEW.ticket_id;
END;
CREATE TRIGGER ticket_tags_version_delete AFTER DELETE ON ticket_tags BEGIN
  UPDATE tickets SET version = version + 1 WHERE id = OLD.ticket_id;
END;

-- Sorts newest/oldest (created_at, id) and updated (updated_at, id), alone and after each
-- equality filter: state, assignee (NULL: unassigned), team, category, client.
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
