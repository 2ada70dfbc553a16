-- ticketd schema, version 5: what Apizee's video-assistance tickets add. Teammates log in with a
-- password for a bearer token; a ticket gets a schedule, a reference, a type and a service key;
-- its requestor's details live on the client (contact) row; files attached to a call are
-- medias (an asset plus the ticket, source and tags); invitations and reminders are durable
-- rows that a worker delivers.

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  hash BLOB NOT NULL UNIQUE,          -- SHA-256 of the token; the token itself is never stored
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id);

ALTER TABLE contacts ADD COLUMN phone TEXT;
ALTER TABLE contacts ADD COLUMN firstname TEXT;
ALTER TABLE contacts ADD COLUMN company TEXT;
ALTER TABLE contacts ADD COLUMN gender TEXT;
CREATE INDEX contacts_email ON contacts(workspace_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX contacts_phone ON contacts(workspace_id, phone) WHERE phone IS NOT NULL;

ALTER TABLE tickets ADD COLUMN reference TEXT;
ALTER TABLE tickets ADD COLUMN type TEXT;
ALTER TABLE tickets ADD COLUMN service_key TEXT;
ALTER TABLE tickets ADD COLUMN start_date INTEGER;           -- ms; the scheduled call
ALTER TABLE tickets ADD COLUMN duration INTEGER;             -- minutes
ALTER TABLE tickets ADD COLUMN reminder INTEGER;             -- minutes before start_date
ALTER TABLE tickets ADD COLUMN send_invitation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_reference ON tickets(workspace_id, reference) WHERE deleted_at IS NULL AND reference IS NOT NULL;
CREATE INDEX tickets_start ON tickets(workspace_id, start_date) WHERE deleted_at IS NULL AND start_date IS NOT NULL;

CREATE TABLE medias (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  asset_id INTEGER NOT NULL REFERENCES assets(id),
  title TEXT NOT NULL,
  source TEXT NOT NULL,               -- snapshot, recording, upload
  status TEXT NOT NULL,               -- pending, completed, failed
  tags TEXT NOT NULL DEFAULT '',      -- tag names, each between commas: ",a,b,"
  user_id INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX medias_ticket ON medias(ticket_id, created_at, uuid);
CREATE INDEX medias_asset ON medias(asset_id);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  kind TEXT NOT NULL,                 -- invitation, reminder
  channel TEXT NOT NULL,              -- email, sms
  audience TEXT NOT NULL,             -- requestor, agent
  recipient TEXT NOT NULL,            -- an address or an E.164 number
  subject TEXT NOT NULL,
  body TEXT NOT NULL,                 -- rendered when queued
  status TEXT NOT NULL,               -- queued, sent, failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,           -- ms: when the worker may (re)try it
  last_error TEXT,
  sent_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX notifications_due ON notifications(next_at) WHERE status = 'queued';
CREATE INDEX notifications_ticket ON notifications(ticket_id);
