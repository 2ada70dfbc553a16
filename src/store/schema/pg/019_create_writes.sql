-- ticketd schema, version 19: SQLite's 019 says why. The same partial indexes (each list that
-- reads them names an assignee or a team, which implies IS NOT NULL), and messages.uuid without
-- its unique constraint (never looked up).
DROP INDEX tickets_user;
CREATE INDEX tickets_user ON tickets(workspace_id, user_id, is_open, (created_at / 1000), uuid)
  WHERE deleted_at IS NULL AND user_id IS NOT NULL;
DROP INDEX tickets_phase_user;
CREATE INDEX tickets_phase_user ON tickets(workspace_id, user_id, phase, created_at, uuid)
  WHERE deleted_at IS NULL AND user_id IS NOT NULL;
DROP INDEX tickets_n_team;
CREATE INDEX tickets_n_team ON tickets(workspace_id, team_id, created_at, id)
  WHERE deleted_at IS NULL AND team_id IS NOT NULL;
DROP INDEX tickets_n_team_u;
CREATE INDEX tickets_n_team_u ON tickets(workspace_id, team_id, updated_at, id)
  WHERE deleted_at IS NULL AND team_id IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_uuid_key;
