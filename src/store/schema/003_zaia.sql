-- ticketd schema, version 3: what Zaia's tickets join. Channels, responders with numbered
-- versions, chats (every ticket has one) with their messages, ticketing teams, tags, the
-- ticket columns of Zaia's lifecycle, and the full-text index that `search` reads. Tickets made
-- before this version get a chat each, on the workspace's built-in channel and responder.

ALTER TABLE users ADD COLUMN picture TEXT;
ALTER TABLE contacts ADD COLUMN identifier TEXT;
ALTER TABLE contacts ADD COLUMN is_blocked INTEGER NOT NULL DEFAULT 0;
-- A platform user who owns a chat is represented by a contact with the user's uuid, kept in
-- step with the user (trigger below), so a ticket's client is always a contact row.
ALTER TABLE contacts ADD COLUMN user_id INTEGER REFERENCES users(id);
CREATE UNIQUE INDEX contacts_user ON contacts(user_id) WHERE user_id IS NOT NULL;

CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,                 -- widget, whatsapp, instagram, telegram, email, api
  builtin TEXT,                       -- the dialect a built-in channel serves, else NULL
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX channels_builtin ON channels(workspace_id, builtin) WHERE builtin IS NOT NULL;
CREATE INDEX channels_list ON channels(workspace_id, created_at, uuid);

CREATE TABLE responders (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  entity TEXT NOT NULL,               -- agents, squads, workflows
  name TEXT NOT NULL,
  picture TEXT,
  version_id INTEGER,                 -- the current responder_versions row
  builtin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX responders_builtin ON responders(workspace_id) WHERE builtin = 1;
CREATE INDEX responders_list ON responders(workspace_id, created_at, uuid);

CREATE TABLE responder_versions (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  responder_id INTEGER NOT NULL REFERENCES responders(id),
  number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (responder_id, number)
);

CREATE TABLE chats (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  channel_id INTEGER NOT NULL REFERENCES channels(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),  -- the owner
  owner_entity TEXT NOT NULL,         -- users, external-users
  responder_id INTEGER NOT NULL REFERENCES responders(id),
  responder_version_id INTEGER REFERENCES responder_versions(id),
  is_removed INTEGER NOT NULL DEFAULT 0,
  summary TEXT,
  pending INTEGER NOT NULL DEFAULT 0, -- owner messages after the last non-owner one
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX chats_list ON chats(workspace_id, created_at, uuid);
CREATE INDEX chats_contact ON chats(contact_id);
CREATE INDEX chats_channel ON chats(channel_id);
CREATE INDEX chats_responder ON chats(responder_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  chat_id INTEGER NOT NULL REFERENCES chats(id),
  text TEXT NOT NULL,
  from_owner INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_chat ON messages(chat_id, created_at, uuid);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  description TEXT,
  picture TEXT,
  is_removed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX teams_list ON teams(workspace_id, created_at, uuid) WHERE is_removed = 0;

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  color TEXT NOT NULL,                -- "0".."9"
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tags_list ON tags(workspace_id, created_at, uuid);

CREATE TABLE ticket_tags (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  tag_id INTEGER NOT NULL REFERENCES tags(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag_id, ticket_id);

ALTER TABLE tickets ADD COLUMN chat_id INTEGER REFERENCES chats(id);
ALTER TABLE tickets ADD COLUMN team_id INTEGER REFERENCES teams(id);
ALTER TABLE tickets ADD COLUMN circumstance TEXT NOT NULL DEFAULT 'handover';
ALTER TABLE tickets ADD COLUMN ongoing_at INTEGER;
ALTER TABLE tickets ADD COLUMN completed_at INTEGER;
ALTER TABLE tickets ADD COLUMN last_viewed_at INTEGER;
-- Zaia's status, derived from the state: 0 pending, 1 ongoing, 2 completed.
ALTER TABLE tickets ADD COLUMN phase INTEGER GENERATED ALWAYS AS (
  CASE WHEN state IN ('new', 'open', 'invited') THEN 0 WHEN state = 'inprogress' THEN 1 ELSE 2 END
) VIRTUAL;
CREATE INDEX tickets_phase ON tickets(workspace_id, phase, created_at, uuid) WHERE deleted_at IS NULL;
CREATE INDEX tickets_phase_user ON tickets(workspace_id, user_id, phase, created_at, uuid)
  WHERE deleted_at IS NULL;
CREATE INDEX tickets_chat ON tickets(chat_id);
CREATE INDEX tickets_team ON tickets(team_id) WHERE team_id IS NOT NULL;

-- Tickets made before this version: the built-in channel and responder of their workspace,
-- one chat per ticket (sharing the ticket's integer id), and the replies as its messages.
INSERT INTO channels (uuid, workspace_id, name, type, builtin, created_at, updated_at)
  SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
         substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
         substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
         w.id, 'tamio', 'api', 'tamio', w.created_at, w.created_at
  FROM workspaces w WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.workspace_id = w.id);
INSERT INTO responders (uuid, workspace_id, entity, name, builtin, created_at, updated_at)
  SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
         substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
         substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
         w.id, 'agents', 'ticketd', 1, w.created_at, w.created_at
  FROM workspaces w WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.workspace_id = w.id);
INSERT INTO responder_versions (uuid, responder_id, number, created_at)
  SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
         substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
         substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
         r.id, 1, r.created_at
  FROM responders r;
UPDATE responders SET version_id = (SELECT v.id FROM responder_versions v
                                    WHERE v.responder_id = responders.id AND v.number = 1);
INSERT INTO chats (id, uuid, workspace_id, channel_id, contact_id, owner_entity, responder_id,
                   responder_version_id, summary, created_at, updated_at)
  SELECT t.id,
         lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
         substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
         substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
         t.workspace_id, ch.id, t.contact_id, 'external-users', r.id, r.version_id, t.title,
         t.created_at, t.created_at
  FROM tickets t JOIN channels ch ON ch.workspace_id = t.workspace_id AND ch.builtin = 'tamio'
  JOIN responders r ON r.workspace_id = t.workspace_id AND r.builtin = 1;
UPDATE tickets SET chat_id = id,
  completed_at = CASE WHEN is_open THEN NULL ELSE updated_at END;
INSERT INTO messages (uuid, workspace_id, chat_id, text, from_owner, created_at)
  SELECT r.uuid, r.workspace_id, r.ticket_id, r.text, r.is_client, r.created_at
  FROM replies r ORDER BY r.ticket_id, r.created_at, r.id;

-- Zaia's `search`: one document per ticket (summary, owner, the chat's messages), kept by the
-- triggers below in the transaction of every write that changes what it holds.
CREATE VIRTUAL TABLE ticket_fts USING fts5(summary, owner, messages,
  tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO ticket_fts (rowid, summary, owner, messages)
  SELECT t.id, t.title,
         c.name || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.identifier, ''),
         coalesce((SELECT group_concat(m.text, ' ') FROM messages m WHERE m.chat_id = t.chat_id), '')
  FROM tickets t JOIN contacts c ON c.id = t.contact_id;

UPDATE chats SET pending = (
  SELECT count(*) FROM messages m WHERE m.chat_id = chats.id AND m.from_owner = 1
    AND m.id > coalesce((SELECT max(n.id) FROM messages n
                         WHERE n.chat_id = chats.id AND n.from_owner = 0), 0));

CREATE TRIGGER ticket_fts_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_fts (rowid, summary, owner, messages)
    SELECT NEW.id, NEW.title,
           c.name || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.identifier, ''),
           coalesce((SELECT group_concat(m.text, ' ') FROM messages m WHERE m.chat_id = NEW.chat_id), '')
    FROM contacts c WHERE c.id = NEW.contact_id;
END;

CREATE TRIGGER ticket_fts_title AFTER UPDATE OF title ON tickets BEGIN
  UPDATE ticket_fts SET summary = NEW.title WHERE rowid = NEW.id;
END;

CREATE TRIGGER ticket_fts_delete AFTER DELETE ON tickets BEGIN
  DELETE FROM ticket_fts WHERE rowid = OLD.id;
END;

CREATE TRIGGER contact_fts AFTER UPDATE OF name, email, identifier ON contacts BEGIN
  UPDATE ticket_fts
    SET owner = NEW.name || ' ' || coalesce(NEW.email, '') || ' ' || coalesce(NEW.identifier, '')
    WHERE rowid IN (SELECT id FROM tickets WHERE contact_id = NEW.id);
END;

CREATE TRIGGER user_contact AFTER UPDATE OF name, email ON users BEGIN
  UPDATE contacts SET name = NEW.name, email = NEW.email, updated_at = NEW.updated_at
    WHERE user_id = NEW.id;
END;

CREATE TRIGGER message_insert AFTER INSERT ON messages BEGIN
  UPDATE chats SET pending = CASE WHEN NEW.from_owner THEN pending + 1 ELSE 0 END
    WHERE id = NEW.chat_id;
  UPDATE ticket_fts SET messages = messages || ' ' || NEW.text
    WHERE rowid IN (SELECT id FROM tickets WHERE chat_id = NEW.chat_id);
END;
