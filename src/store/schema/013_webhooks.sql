-- Signed webhooks (docs/WEBHOOKS.md): the endpoints a workspace registers, the outbox of
-- deliveries queued with each event in the event's own transaction, and every attempt's log.
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,               -- '*' or ',type,type,' (matched by the outbox's INSERT)
  active INTEGER NOT NULL DEFAULT 1,
  secret TEXT NOT NULL,               -- hex, as is: the server signs with it
  old_secret TEXT,                    -- the one before a rotation, signing alongside until
  old_until INTEGER,                  -- ms
  failures INTEGER NOT NULL DEFAULT 0, -- consecutive failed deliveries
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks(workspace_id, created_at);
CREATE INDEX webhooks_active ON webhooks(workspace_id) WHERE active = 1;
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL,
  webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id),
  ticket_id INTEGER,                  -- the event's; orders a ticket's deliveries per endpoint
  status TEXT NOT NULL,               -- queued, delivered, failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,           -- ms: when the worker may (re)try it
  created_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at, id) WHERE status = 'queued';
CREATE INDEX webhook_deliveries_chain ON webhook_deliveries(webhook_id, ticket_id, id)
  WHERE status = 'queued';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id);
CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,                -- ms
  status_code INTEGER,                -- NULL: no HTTP answer
  latency_ms INTEGER NOT NULL,
  response TEXT,                      -- the answer's first bytes
  error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
