-- The live stream (docs/NATIVE.md): a workspace's events after a given id, and its newest id,
-- as one index range scan.
CREATE INDEX events_workspace ON events(workspace_id, id);
