-- ticketd schema, version 2: live ticket counts per (workspace, assignee, open), so the
-- total_results of the common lists (all, open/closed, a teammate's) is a few row reads
-- instead of a count over every matching index entry. Triggers keep them exact in the same
-- transaction as the ticket change; user_id 0 stands for "unassigned".

CREATE TABLE ticket_counts (
  workspace_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  is_open INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id, is_open)
) WITHOUT ROWID;

INSERT INTO ticket_counts (workspace_id, user_id, is_open, n)
  SELECT workspace_id, coalesce(user_id, 0), is_open, count(*) FROM tickets
  WHERE deleted_at IS NULL GROUP BY 1, 2, 3;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets WHEN NEW.deleted_at IS NULL BEGIN
  INSERT INTO ticket_counts (workspace_id, user_id, is_open, n)
    VALUES (NEW.workspace_id, coalesce(NEW.user_id, 0), NEW.is_open, 1)
    ON CONFLICT (workspace_id, user_id, is_open) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets
  WHEN OLD.user_id IS NOT NEW.user_id OR OLD.is_open IS NOT NEW.is_open
    OR OLD.deleted_at IS NOT NEW.deleted_at BEGIN
  UPDATE ticket_counts SET n = n - 1
    WHERE OLD.deleted_at IS NULL AND workspace_id = OLD.workspace_id
      AND user_id = coalesce(OLD.user_id, 0) AND is_open = OLD.is_open;
  INSERT INTO ticket_counts (workspace_id, user_id, is_open, n)
    SELECT NEW.workspace_id, coalesce(NEW.user_id, 0), NEW.is_open, 1 WHERE NEW.deleted_at IS NULL
    ON CONFLICT (workspace_id, user_id, is_open) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets WHEN OLD.deleted_at IS NULL BEGIN
  UPDATE ticket_counts SET n = n - 1 WHERE workspace_id = OLD.workspace_id
    AND user_id = coalesce(OLD.user_id, 0) AND is_open = OLD.is_open;
END;
