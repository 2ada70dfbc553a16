-- ticketd schema, version 1: workspaces and keys, people, billing plans, categories, tickets
-- with replies and assets, and the append-only event timeline. Times are integer milliseconds
-- since the epoch. Every row carries its workspace; uuids are the wire ids, integer keys join.

CREATE TABLE workspaces (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  hash BLOB NOT NULL UNIQUE,          -- SHA-256 of the key; the key itself is never stored
  prefix TEXT NOT NULL,               -- first characters of the key, to name it in `key list`
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  attrs TEXT NOT NULL DEFAULT '{}',   -- the vendor's pricing fields, kept as given (JSON)
  created_at INTEGER NOT NULL
);
CREATE INDEX plans_list ON plans(workspace_id, created_at / 1000, uuid);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  last_name TEXT,
  email TEXT NOT NULL,
  username TEXT,
  role TEXT NOT NULL,
  country TEXT,
  password_hash TEXT,
  verified INTEGER NOT NULL DEFAULT 0,
  last_login INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(workspace_id, lower(email));
CREATE UNIQUE INDEX users_username ON users(workspace_id, lower(username)) WHERE username IS NOT NULL;
CREATE INDEX users_list ON users(workspace_id, created_at / 1000, uuid);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  email TEXT,
  country TEXT,
  plan_id INTEGER REFERENCES plans(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contacts_list ON contacts(workspace_id, created_at / 1000, uuid);
CREATE INDEX contacts_plan ON contacts(plan_id) WHERE plan_id IS NOT NULL;

CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  auto_reply TEXT,
  user_id INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX categories_list ON categories(workspace_id, created_at / 1000, uuid) WHERE deleted_at IS NULL;
CREATE INDEX categories_user ON categories(user_id) WHERE user_id IS NOT NULL;

CREATE TABLE category_subcategories (
  category_id INTEGER NOT NULL REFERENCES categories(id),
  pos INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (category_id, pos)
);

CREATE TABLE category_plans (
  category_id INTEGER NOT NULL REFERENCES categories(id),
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  pos INTEGER NOT NULL,
  PRIMARY KEY (category_id, plan_id)
);
CREATE INDEX category_plans_plan ON category_plans(plan_id);

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  state TEXT NOT NULL,
  is_open INTEGER NOT NULL,           -- derived from state, kept for the list indexes
  category_id INTEGER REFERENCES categories(id),
  subcategory TEXT,
  user_id INTEGER REFERENCES users(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  language TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
-- Lists order by the whole second a ticket was created (what the wire shows), ties broken by
-- the uuid; one index per list shape keeps a filtered page an index range scan.
CREATE INDEX tickets_created ON tickets(workspace_id, created_at / 1000, uuid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_open ON tickets(workspace_id, is_open, created_at / 1000, uuid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_user ON tickets(workspace_id, user_id, is_open, created_at / 1000, uuid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_contact ON tickets(workspace_id, contact_id, created_at / 1000, uuid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_title ON tickets(workspace_id, title, uuid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_user_ref ON tickets(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX tickets_contact_ref ON tickets(contact_id);

CREATE TABLE replies (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,                 -- random v4; never looked up, so no index to write
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  text TEXT NOT NULL,
  is_client INTEGER NOT NULL,
  user_id INTEGER REFERENCES users(id),
  contact_id INTEGER REFERENCES contacts(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX replies_ticket ON replies(ticket_id, created_at, id);

CREATE TABLE assets (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  filename TEXT NOT NULL,
  extension TEXT NOT NULL,
  filesize INTEGER NOT NULL,
  type TEXT NOT NULL,                 -- image, video, audio, document
  mime_type TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL,               -- ready, processing, failed
  alt_text TEXT,
  width INTEGER,
  height INTEGER,
  public_url TEXT,
  folder TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE asset_thumbnails (
  asset_id INTEGER NOT NULL REFERENCES assets(id),
  url TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL
);
CREATE INDEX asset_thumbnails_asset ON asset_thumbnails(asset_id);

CREATE TABLE reply_assets (
  reply_id INTEGER NOT NULL REFERENCES replies(id),
  asset_id INTEGER NOT NULL REFERENCES assets(id),
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  pos INTEGER NOT NULL,
  PRIMARY KEY (reply_id, asset_id)
);
CREATE INDEX reply_assets_ticket ON reply_assets(ticket_id);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,                 -- random v4; never looked up, so no index to write
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  ticket_id INTEGER REFERENCES tickets(id),
  type TEXT NOT NULL,                 -- dotted: ticket.created, ticket.assigned, reply.created…
  actor_type TEXT NOT NULL,           -- user, contact, key, system
  actor_id TEXT,
  data TEXT NOT NULL,                 -- JSON: the changed fields, {"field":{"before":…,"after":…}}
  created_at INTEGER NOT NULL
);
CREATE INDEX events_ticket ON events(ticket_id, id);

-- Events are append-only: the database itself refuses to change or remove one.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
