-- ticketd schema, version 2: live ticket counts per (workspace, assignee, open), so the
-- total_results of the common lists (all, open/closed, a teammate's) is a few row reads
-- instead of a count over every matching index entry. Triggers keep them exact in the same
-- transaction as the ticket change; user_id 0 stands for "unassigned".
--
-- PostgreSQL 15 translation of ../002_ticket_counts.sql. What differs from SQLite, and why:
--  * `WITHOUT ROWID` has no equivalent (and needs none): a plain table with the same key.
--  * Each SQLite trigger is a PL/pgSQL function plus a row trigger whose WHEN clause is the
--    SQLite one, with `IS NOT` written `IS DISTINCT FROM` (NULL-safe in both).
--  * sum(n) over BIGINT is NUMERIC here (an integer in SQLite): the text the application
--    reads back ("3") is the same.

CREATE TABLE ticket_counts (
  workspace_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  is_open BIGINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, user_id, is_open)
);

INSERT INTO ticket_counts (workspace_id, user_id, is_open, n)
  SELECT workspace_id, coalesce(user_id, 0), is_open, count(*) FROM tickets
  WHERE deleted_at IS NULL GROUP BY 1, 2, 3;

CREATE FUNCTION ticket_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_counts (workspace_id, user_id, is_open, n)
    VALUES (NEW.workspace_id, coalesce(NEW.user_id, 0), NEW.is_open, 1)
    ON CONFLICT (workspace_id, user_id, is_open) DO UPDATE SET n = ticket_counts.n + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets
  FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION ticket_counts_insert();

CREATE FUNCTION ticket_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ticket_counts SET n = n - 1
    WHERE OLD.deleted_at IS NULL AND workspace_id = OLD.workspace_id
      AND user_id = coalesce(OLD.user_id, 0) AND is_open = OLD.is_open;
  INSERT INTO ticket_counts (workspace_id, user_id, is_open, n)
    SELECT NEW.workspace_id, coalesce(NEW.user_id, 0), NEW.is_open, 1 WHERE NEW.deleted_at IS NULL
    ON CONFLICT (workspace_id, user_id, is_open) DO UPDATE SET n = ticket_counts.n + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets
  FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.is_open IS DISTINCT FROM NEW.is_open
    OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
  EXECUTE FUNCTION ticket_counts_update();

CREATE FUNCTION ticket_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ticket_counts SET n = n - 1 WHERE workspace_id = OLD.workspace_id
    AND user_id = coalesce(OLD.user_id, 0) AND is_open = OLD.is_open;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION ticket_counts_delete();
