#!/usr/bin/env bash
# Checks the PostgreSQL migrations (src/store/schema/pg) against the SQLite ones (src/store/schema): starts a
# throwaway cluster (pg_virtualenv, Debian's postgresql-common), applies 001..002 to both
# engines, writes the same pre-003 rows, applies 003..005 (so 003's data migration runs over
# real rows), then runs the same writes on both and compares what the triggers left: column
# order, index names, ticket_counts after every move, chats/messages/pending, the contact kept
# in step with its user, the search table's text, and the tickets each search finds (FTS5 MATCH
# vs doc @@ ticket_fts_query). Also: events refuse UPDATE/DELETE (and TRUNCATE), phase cannot be
# written, the search uses the GIN index. Needs sqlite3, psql, pg_virtualenv. Exits non-zero on
# any mismatch.
set -euo pipefail
here=$(cd "$(dirname "$0")/../src/store/schema/pg" && pwd)
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
if [ -z "${TICKETD_PG_CHECK_INSIDE:-}" ]; then
  # -t: a cluster in a temp directory, so this never meets another run's
  exec pg_virtualenv -t env TICKETD_PG_CHECK_INSIDE=1 bash "$self" "$@"
fi
sqlite_dir=$(cd "$here/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# The path every new database takes: the files, in order, each in one transaction.
createdb -T template0 -E UTF8 ticketd_fresh
for f in "$here"/0*.sql; do
  psql -X -q -v ON_ERROR_STOP=1 -1 -d ticketd_fresh -f "$f" >/dev/null || fail "fresh: $(basename "$f")"
done
n=$(psql -X -q -A -t -d ticketd_fresh -c "SELECT (SELECT count(*) FROM chats) || ',' ||
  (SELECT count(*) FROM channels) || ',' || (SELECT count(*) FROM ticket_fts) || ',' ||
  (SELECT count(*) FROM settings)")
[ "$n" = "0,0,0,1" ] && ok "the files apply to an empty database (no rows but the key)" ||
  fail "fresh database: $n"

DB=ticketd_check
createdb -T template0 -E UTF8 "$DB"
export PGDATABASE=$DB
sdb=$work/sqlite.db
mig() { # 001 .. 005 (a range: first last)
  local f
  for f in "$here"/0*.sql; do
    local n; n=$(basename "$f" | cut -c1-3)
    [[ 10#$n -ge 10#$1 && 10#$n -le 10#$2 ]] || continue
    psql -X -q -v ON_ERROR_STOP=1 -1 -f "$f" >/dev/null
    { echo 'PRAGMA foreign_keys=ON; BEGIN;'; cat "$sqlite_dir/$(basename "$f")"; echo 'COMMIT;'; } |
      sqlite3 -bail "$sdb"
    echo "applied $(basename "$f") to both"
  done
}
# Runs one SQL file on both engines (@KEY@ is the search table's key column) and diffs the
# output.
both() {
  local name=$1 file=$2
  sed 's/@KEY@/rowid/g' "$file" | { echo 'PRAGMA foreign_keys=ON;'; cat; } |
    sqlite3 -batch -bail -noheader -list -separator '|' "$sdb" >"$work/$name.sqlite" 2>&1 ||
    fail "$name: sqlite3 failed: $(tail -3 "$work/$name.sqlite")"
  sed 's/@KEY@/ticket_id/g' "$file" |
    psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -1 >"$work/$name.pg" 2>&1 ||
    fail "$name: psql failed: $(tail -3 "$work/$name.pg")"
  if diff -u "$work/$name.sqlite" "$work/$name.pg" >"$work/$name.diff"; then
    ok "$name: $(wc -l <"$work/$name.pg") result lines identical on SQLite and PostgreSQL"
  else
    fail "$name differs (- SQLite, + PostgreSQL):"; cat "$work/$name.diff"
  fi
}

COUNTS="SELECT 'counts', workspace_id, user_id, is_open, n FROM ticket_counts ORDER BY 2, 3, 4;"

mig 1 2
cat >"$work/a.sql" <<EOF
INSERT INTO workspaces (id, uuid, name, created_at) VALUES
  (1, 'w1', 'ws1', 1000), (2, 'w2', 'ws2', 2000), (3, 'w3', 'ws3', 3000);
INSERT INTO users (id, uuid, workspace_id, name, email, role, created_at, updated_at) VALUES
  (1, 'u1', 1, 'Alice', 'alice@example.com', 'admin', 1000, 1000),
  (2, 'u2', 1, 'Bert', 'bert@example.com', 'agent', 1000, 1000);
INSERT INTO contacts (id, uuid, workspace_id, name, email, created_at, updated_at) VALUES
  (1, 'c1', 1, 'Zoë Ångström', 'zoe@example.com', 1000, 1000),
  (2, 'c2', 1, 'Bob', NULL, 1000, 1000),
  (3, 'c3', 2, 'Carl', 'carl@x.org', 2000, 2000);
INSERT INTO tickets (id, uuid, workspace_id, title, description, state, is_open, user_id,
                     contact_id, created_at, updated_at, deleted_at) VALUES
  (1, 't1', 1, 'Printer broken café', 'd', 'open', 1, NULL, 1, 1001, 1001, NULL),
  (2, 't2', 1, 'Login fails', 'd', 'inprogress', 1, 1, 2, 1002, 1002, NULL),
  (3, 't3', 1, 'Old issue', 'd', 'closed', 0, 1, 2, 1003, 1500, NULL),
  (4, 't4', 2, 'Other workspace', 'd', 'new', 1, NULL, 3, 2001, 2001, NULL),
  (5, 't5', 1, 'Gone', 'd', 'open', 1, NULL, 1, 1005, 1005, 1600);
INSERT INTO replies (id, uuid, workspace_id, ticket_id, text, is_client, user_id, contact_id,
                     created_at) VALUES
  (1, 'r1', 1, 1, 'The printer shows error E42', 1, NULL, 1, 1100),
  (2, 'r2', 1, 1, 'Please restart it', 0, 1, NULL, 1200),
  (3, 'r3', 1, 1, 'Still failing', 1, NULL, 1, 1300),
  (4, 'r4', 1, 2, 'Password reset did not help', 1, NULL, 2, 1150);
INSERT INTO events (id, uuid, workspace_id, ticket_id, type, actor_type, data, created_at) VALUES
  (1, 'e1', 1, 1, 'ticket.created', 'system', '{}', 1001);
SELECT 'after inserts';
$COUNTS
UPDATE tickets SET user_id = 2 WHERE id = 1;
SELECT 'after assigning t1';
$COUNTS
UPDATE tickets SET state = 'closed', is_open = 0 WHERE id = 2;
SELECT 'after closing t2';
$COUNTS
UPDATE tickets SET deleted_at = 1700 WHERE id = 3;
SELECT 'after soft-deleting t3';
$COUNTS
UPDATE tickets SET deleted_at = NULL WHERE id = 5;
SELECT 'after restoring t5';
$COUNTS
UPDATE tickets SET user_id = 1, state = 'open', is_open = 1, deleted_at = 1800 WHERE id = 5;
UPDATE tickets SET title = 'Printer broken café', updated_at = 1002 WHERE id = 1;
SELECT 'after re-deleting t5 and a no-op';
$COUNTS
EOF
both "pre-003 writes and ticket_counts" "$work/a.sql"

mig 3 5

cat >"$work/b.sql" <<EOF
SELECT 'channel', id, workspace_id, name, type, builtin, created_at, updated_at, length(uuid),
       substr(uuid, 15, 1) FROM channels ORDER BY id;
SELECT 'responder', id, workspace_id, entity, name, version_id, builtin, created_at,
       length(uuid), substr(uuid, 15, 1) FROM responders ORDER BY id;
SELECT 'version', id, responder_id, number, created_at, length(uuid) FROM responder_versions
  ORDER BY id;
SELECT 'chat', id, workspace_id, channel_id, contact_id, owner_entity, responder_id,
       responder_version_id, is_removed, summary, pending, created_at, updated_at, length(uuid)
  FROM chats ORDER BY id;
SELECT 'message', id, uuid, workspace_id, chat_id, text, from_owner, created_at FROM messages
  ORDER BY id;
SELECT 'ticket', id, chat_id, team_id, circumstance, ongoing_at, completed_at, phase,
       send_invitation FROM tickets ORDER BY id;
SELECT 'fts', @KEY@, summary, owner, messages FROM ticket_fts ORDER BY @KEY@;
-- (A comparison is 1/0 in SQLite but t/f here: written as a CASE to print alike.)
SELECT 'setting', name, length(value), CASE WHEN value = lower(value) THEN 1 ELSE 0 END
  FROM settings;
$COUNTS
EOF
both "003 data migration over pre-003 rows" "$work/b.sql"

CHAT="(SELECT id FROM chats WHERE uuid = 'ch-new')"
PENDING="SELECT 'pending', id, pending FROM chats ORDER BY id;"
FTS="SELECT 'fts', @KEY@, summary, owner, messages FROM ticket_fts ORDER BY @KEY@;"
cat >"$work/c.sql" <<EOF
-- A platform user's contact, and a chat made without an id (after the migrated ones).
INSERT INTO contacts (id, uuid, workspace_id, name, email, user_id, created_at, updated_at)
  VALUES (4, 'u1', 1, 'Alice', 'alice@example.com', 1, 3000, 3000);
INSERT INTO chats (uuid, workspace_id, channel_id, contact_id, owner_entity, responder_id,
                   responder_version_id, created_at, updated_at)
  SELECT 'ch-new', 1, ch.id, 4, 'users', r.id, r.version_id, 3000, 3000
  FROM channels ch JOIN responders r ON r.workspace_id = ch.workspace_id AND r.builtin = 1
  WHERE ch.workspace_id = 1 AND ch.builtin = 'tamio';
INSERT INTO tickets (id, uuid, workspace_id, title, description, state, is_open, contact_id,
                     chat_id, created_at, updated_at)
  VALUES (6, 't6', 1, 'Vidéo call', 'd', 'new', 1, 4, $CHAT, 3001, 3001);
$COUNTS
$FTS
INSERT INTO messages (uuid, workspace_id, chat_id, text, from_owner, created_at)
  VALUES ('m1', 1, $CHAT, 'hello there', 1, 3002);
$PENDING
INSERT INTO messages (uuid, workspace_id, chat_id, text, from_owner, created_at)
  VALUES ('m2', 1, $CHAT, 'anyone?', 1, 3003);
$PENDING
INSERT INTO messages (uuid, workspace_id, chat_id, text, from_owner, created_at)
  VALUES ('m3', 1, $CHAT, 'yes — how can I help', 0, 3004);
$PENDING
INSERT INTO messages (uuid, workspace_id, chat_id, text, from_owner, created_at)
  VALUES ('m4', 1, $CHAT, 'my camera ПРИВЕТ', 1, 3005);
INSERT INTO messages (uuid, workspace_id, chat_id, text, from_owner, created_at)
  VALUES ('m5', 1, 1, 'printer back online', 0, 3006);
$PENDING
-- A ticket made on a chat that already has messages.
INSERT INTO tickets (id, uuid, workspace_id, title, description, state, is_open, user_id,
                     contact_id, chat_id, created_at, updated_at)
  VALUES (7, 't7', 1, 'Second on the same chat', 'd', 'inprogress', 1, 2, 4, $CHAT, 3010, 3010);
UPDATE tickets SET title = 'Printer fixed', updated_at = 3020 WHERE id = 1;
UPDATE tickets SET state = 'closed', updated_at = 3021 WHERE id = 6;
UPDATE contacts SET identifier = 'ID-77', updated_at = 3030 WHERE id = 2;
UPDATE users SET name = 'Alicia', email = 'alicia@example.com', updated_at = 3100 WHERE id = 1;
UPDATE users SET last_login = 3200 WHERE id = 2;
SELECT 'contact', id, uuid, name, email, identifier, user_id, updated_at FROM contacts ORDER BY id;
$FTS
$COUNTS
DELETE FROM tickets WHERE id = 4;
SELECT 'after deleting t4';
$COUNTS
INSERT INTO tickets (id, uuid, workspace_id, title, description, state, is_open, contact_id,
                     created_at, updated_at)
  VALUES (8, 't8', 1, 'Zoë’s printer—broken! foo@bar.com ab-cd v1.2.3 x_y İstanbul Ǻngel '
          || 'ПРИВЕТ ά 한국어 日本語テキスト ١٢٣ ñandú «quoted» naïve', 'd', 'new', 1, 2, 3300, 3300);
$FTS
$COUNTS
SELECT 'ticket', id, chat_id, completed_at, phase FROM tickets ORDER BY id;
SELECT 'event', id, type FROM events ORDER BY id;
EOF
both "post-003 writes: chats, messages, pending, contacts, search text" "$work/c.sql"

# 006: the ticket version, bumped once by every write of a ticket's row and by its tags.
mig 6 6
G="(SELECT id FROM tags WHERE uuid = 'g1')"
cat >"$work/d.sql" <<EOF
INSERT INTO tags (uuid, workspace_id, name, description, color, created_at, updated_at)
  VALUES ('g1', 1, 'one', 'd', '1', 4000, 4000);
SELECT 'v0', id, version FROM tickets ORDER BY id;
UPDATE tickets SET title = title || '!' WHERE id = 1;
UPDATE tickets SET user_id = NULL, updated_at = 4001 WHERE id = 7;
INSERT INTO ticket_tags (ticket_id, tag_id, created_at, updated_at) VALUES (1, $G, 4002, 4002);
INSERT INTO ticket_tags (ticket_id, tag_id, created_at, updated_at) VALUES (7, $G, 4002, 4002);
DELETE FROM ticket_tags WHERE ticket_id = 7;
UPDATE tickets SET version = version + 5 WHERE id = 6;
SELECT 'v1', id, version FROM tickets ORDER BY id;
EOF
both "006 versions: row writes and tag links bump once" "$work/d.sql"

# Searches: the string the application binds on SQLite (store_fts_query's form) on both.
queries=('"printer"*' '"PRINT"*' '"cafe"*' '"café"*' '"zoe"*' '"angstrom"*' '"ÅNGSTRÖM"*'
  '"example"*' '"zoe"* "example"*' '"foo"*' '"bar"*' '"com"*' '"ab"*' '"cd"*' '"v1"*' '"2"*'
  '"x"* "y"*' '"istanbul"*' '"angel"*' '"привет"*' '"ПРИ"*' '"ά"*' '"α"*' '"한국"*' '"日本"*'
  '"١٢٣"*' '"nandu"*' '"ñandú"*' '"naive"*' '"quoted"*' '"alicia"*' '"alice"*' '"camera"*'
  '"help"*' '"hello"* "camera"*' '"e42"*' '"restart"*' '"fixed"*' '"id"* "77"*' '"carl"*'
  '"nomatch"*' '"zoe"* "nomatch"*' '"online"*' '"s"*' '"video"*' '"vidéo"*')
: >"$work/q.sqlite"; : >"$work/q.pg"
for q in "${queries[@]}"; do
  printf '%s -> %s\n' "$q" "$(sqlite3 -batch "$sdb" "SELECT coalesce(group_concat(rowid, ','), '-') FROM
    (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH '$q' ORDER BY rowid)")" >>"$work/q.sqlite"
  printf '%s -> %s\n' "$q" "$(psql -X -q -A -t -c "SELECT coalesce(string_agg(ticket_id::text, ','
    ORDER BY ticket_id), '-') FROM ticket_fts WHERE doc @@ ticket_fts_query('$q')" 2>&1)" >>"$work/q.pg"
done
if diff -u "$work/q.sqlite" "$work/q.pg" >"$work/q.diff"; then
  ok "${#queries[@]} searches find the same tickets on both:"; sed 's/^/    /' "$work/q.pg"
else
  fail "searches differ (- SQLite MATCH, + PostgreSQL doc @@ ticket_fts_query):"; cat "$work/q.diff"
fi

# The migrations after 006 (sessions, idempotency, notes, the stream…), so the shape below covers
# them too.
mig 7 999

# Schema shape: same columns in the same order, same index names (ticket_order, 018, is
# SQLite's alone: its id-order page plan).
sqlite3 -batch -separator ' ' "$sdb" "SELECT m.name, x.name FROM sqlite_schema m,
  pragma_table_xinfo(m.name) x WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
  AND m.name NOT LIKE 'ticket_fts%' AND m.name <> 'ticket_order' ORDER BY m.name, x.cid" >"$work/cols.sqlite"
psql -X -q -A -t -F ' ' -c "SELECT table_name, column_name FROM information_schema.columns
  WHERE table_schema = 'public' AND table_name <> 'ticket_fts'
  ORDER BY table_name COLLATE \"C\", ordinal_position" >"$work/cols.pg"
if diff -u "$work/cols.sqlite" "$work/cols.pg"; then ok "columns: $(wc -l <"$work/cols.pg") in the same tables and order"
else fail "columns differ"; fi
sqlite3 -batch "$sdb" "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE
  'sqlite_autoindex%' ORDER BY name" >"$work/idx.sqlite"
psql -X -q -A -t -c "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname
  NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key' AND indexname <> 'ticket_fts_doc'
  ORDER BY indexname COLLATE \"C\"" >"$work/idx.pg"
if diff -u "$work/idx.sqlite" "$work/idx.pg"; then ok "indexes: the same $(wc -l <"$work/idx.pg") names"
else fail "index names differ"; fi
n=$(psql -X -q -A -t -c "SELECT count(*) FROM information_schema.columns WHERE table_schema =
  'public' AND data_type NOT IN ('bigint', 'text', 'bytea', 'tsvector')")
[ "$n" = 0 ] && ok "column types: bigint, text, bytea (and the tsvector doc) only" ||
  fail "$n columns of another type"

# What must fail.
must_fail() { # engine, sql, expected message
  local out
  if [ "$1" = sqlite ]; then
    out=$(sqlite3 -batch "$sdb" "$2" 2>&1) && { fail "sqlite accepted: $2"; return; }
  else
    out=$(psql -X -q -v ON_ERROR_STOP=1 -c "$2" 2>&1) && { fail "postgres accepted: $2"; return; }
  fi
  [[ $out == *"$3"* ]] && ok "$1 refuses: $2 ($3)" || fail "$1: $2: unexpected error: $out"
}
for e in sqlite pg; do
  must_fail $e "UPDATE events SET type = 'x' WHERE id = 1" 'events are append-only'
  must_fail $e "DELETE FROM events WHERE id = 1" 'events are append-only'
  must_fail $e "UPDATE tickets SET phase = 1 WHERE id = 1" 'phase'
done
must_fail pg "TRUNCATE events CASCADE" 'events are append-only'
[ "$(psql -X -q -A -t -c 'SELECT count(*) FROM events')" = 1 ] && ok "the event is still there" ||
  fail "events changed"

# PostgreSQL only: the doc is there, the search reads the GIN index, the key is random hex.
n=$(psql -X -q -A -t -c "SELECT count(*) FROM ticket_fts WHERE length(doc) = 0")
[ "$n" = 0 ] && ok "every search row has a doc" || fail "$n search rows without doc"
psql -X -q -A -t -c "SELECT doc FROM ticket_fts WHERE ticket_id = 8" | sed 's/^/    doc of t8: /'
plan=$(psql -X -q -A -t -c "SET enable_seqscan = off" -c "EXPLAIN (COSTS OFF) SELECT ticket_id
  FROM ticket_fts WHERE doc @@ ticket_fts_query('\"print\"*') ORDER BY ticket_id DESC")
[[ $plan == *ticket_fts_doc* ]] && ok "the search uses the GIN index ticket_fts_doc" ||
  fail "no GIN index scan: $plan"
psql -X -q -A -t -c "SELECT value FROM settings WHERE name = 'file_url_key'" | grep -Eqx '[0-9a-f]{64}' &&
  ok "file_url_key is 64 lower-case hex digits" || fail "file_url_key"
n=$(psql -X -q -A -t -c "SELECT instr('abcabc', 'ca') || ',' || instr('abc', 'x')")
[ "$n" = "3,0" ] && ok "instr() as SQLite's" || fail "instr: $n"

if [ "$failures" -ne 0 ]; then echo "$failures check(s) FAILED"; exit 1; fi
echo "all checks passed"
