/* SQL for channels, responders (with their numbered versions), chats and chat messages: the
 * conversation a ticket belongs to. The built-in channel and responder that tickets made
 * outside Zaia use are ordinary rows marked `builtin`, made on first use. */
#include <string.h>

#include "store/sql.h"

/* Lists of these entities: newest first on the whole millisecond, ties on the uuid. */
static list_page newest_first(const list_page *pg)
{
    list_page p = *pg;
    p.desc = true;
    p.from_s = p.to_s = NULL_INT;
    return p;
}

/* ---- channels ---- */

#define CHANNEL_COLS "id, uuid, name, type, created_at, updated_at"

static void read_channel(db_stmt *s, arena *a, void *row)
{
    channel_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->name = col_str(s, 2, a);
    r->type = col_str(s, 3, a);
    r->created_at = db_col_int(s, 4);
    r->updated_at = db_col_int(s, 5);
}

/* A built-in channel another node made first is no error: r->id stays 0 and the caller reads
 * that one (ON CONFLICT waits for the other transaction, then does nothing). */
static status channel_insert(db *c, int64_t ws, channel_row *r, const char *builtin)
{
    db_stmt *s = db_prepare(c, builtin ? "INSERT INTO channels (uuid, workspace_id, name, type, "
                                         "builtin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                                         "?, ?) ON CONFLICT DO NOTHING RETURNING id"
                                       : "INSERT INTO channels (uuid, workspace_id, name, type, "
                                         "builtin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                                         "?, ?) RETURNING id");
    r->id = 0;
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, r->name);
    db_bind_text(s, 4, r->type);
    db_bind_text(s, 5, builtin);
    db_bind_int(s, 6, r->created_at);
    db_bind_int(s, 7, r->updated_at);
    return run_insert(s, &r->id);
}

status store_channel_insert(db *c, int64_t ws, channel_row *r)
{
    return channel_insert(c, ws, r, NULL);
}

status store_channel_update(db *c, int64_t ws, const channel_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE channels SET name = ?, type = ?, updated_at = ? WHERE id = "
                               "? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->name);
    db_bind_text(s, 2, r->type);
    db_bind_int(s, 3, r->updated_at);
    db_bind_int(s, 4, r->id);
    db_bind_int(s, 5, ws);
    return run_done(s);
}

status store_channel_get(db *c, int64_t ws, const char *uuid, arena *a, channel_row *out)
{
    return get_one(c, "SELECT " CHANNEL_COLS " FROM channels WHERE workspace_id = ? AND uuid = ?",
                   ws, uuid, a, read_channel, out);
}

status store_channel_delete(db *c, int64_t ws, int64_t id)
{
    return delete_by_id(c, "DELETE FROM channels WHERE id = ? AND workspace_id = ?", ws, id);
}

status store_channel_refs(db *c, int64_t ws, int64_t id, int64_t *n)
{
    return count_refs(c, "SELECT count(*) FROM chats WHERE channel_id = ?1 AND workspace_id = ?2",
                      ws, id, n);
}

status store_channel_list(db *c, int64_t ws, const list_page *pg, arena *a, channel_row **rows,
                          size_t *n)
{
    qb q;
    qb_init(&q, "workspace_id = ?");
    qb_int(&q, ws);
    list_page p = newest_first(pg);
    return list_run(c, CHANNEL_COLS, "channels", "channels", &q, &p, "created_at", "uuid",
                    "created_at", a, sizeof(channel_row), read_channel, (void **)rows, n, NULL);
}

status store_channel_builtin(db *c, int64_t ws, const char *dialect, int64_t now, arena *a,
                             channel_row *out)
{
    for (int round = 0;; round++) { /* made here, or by another node meanwhile: read again */
        db_stmt *s = db_prepare(c, "SELECT " CHANNEL_COLS " FROM channels WHERE workspace_id = ? "
                                   "AND builtin = ?");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, ws);
        db_bind_text(s, 2, dialect);
        int rc = db_step(s);
        if (rc == DB_ROW) read_channel(s, a, out);
        db_reset(s);
        if (rc != DB_DONE) return step_status(rc);
        if (round) return ST_INTERNAL; /* inserted by nobody, yet refused */
        *out = (channel_row){
            .name = (char *)dialect, .type = "api", .created_at = now, .updated_at = now};
        uuid_v4(out->uuid);
        status st = channel_insert(c, ws, out, dialect);
        if (st || out->id) return st;
    }
}

/* ---- responders ---- */

#define RESPONDER_COLS                                                                             \
    "r.id, r.uuid, r.entity, r.name, r.picture, r.version_id, v.uuid, v.number, r.created_at, "    \
    "r.updated_at"
#define RESPONDER_FROM "responders r LEFT JOIN responder_versions v ON v.id = r.version_id"

static void read_responder(db_stmt *s, arena *a, void *row)
{
    responder_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->entity = col_str(s, 2, a);
    r->name = col_str(s, 3, a);
    r->picture = col_str(s, 4, a);
    r->version_id = col_int_null(s, 5);
    r->version_uuid = col_str(s, 6, a);
    r->version_number = col_int_null(s, 7);
    r->created_at = db_col_int(s, 8);
    r->updated_at = db_col_int(s, 9);
}

status store_responder_add_version(db *c, int64_t ws, responder_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO responder_versions (uuid, responder_id, number, "
                               "created_at) VALUES (?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->version_uuid);
    db_bind_int(s, 2, r->id);
    db_bind_int(s, 3, r->version_number);
    db_bind_int(s, 4, r->updated_at);
    status st = run_insert(s, &r->version_id);
    if (st) return st;
    s = db_prepare(c, "UPDATE responders SET version_id = ?, updated_at = ? WHERE id = ? AND "
                      "workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, r->version_id);
    db_bind_int(s, 2, r->updated_at);
    db_bind_int(s, 3, r->id);
    db_bind_int(s, 4, ws);
    return run_done(s);
}

/* As channel_insert: a built-in responder another node made first leaves r->id 0. */
static status responder_insert(db *c, int64_t ws, responder_row *r, bool builtin)
{
    db_stmt *s =
        db_prepare(c, builtin ? "INSERT INTO responders (uuid, workspace_id, entity, name, "
                                "picture, builtin, created_at, updated_at) VALUES (?, ?, "
                                "?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id"
                              : "INSERT INTO responders (uuid, workspace_id, entity, name, "
                                "picture, builtin, created_at, updated_at) VALUES (?, ?, "
                                "?, ?, ?, ?, ?, ?) RETURNING id");
    r->id = 0;
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, r->entity);
    db_bind_text(s, 4, r->name);
    db_bind_text(s, 5, r->picture);
    db_bind_int(s, 6, builtin);
    db_bind_int(s, 7, r->created_at);
    db_bind_int(s, 8, r->updated_at);
    status st = run_insert(s, &r->id);
    r->version_number = 1;
    return st || !r->id ? st : store_responder_add_version(c, ws, r);
}

status store_responder_insert(db *c, int64_t ws, responder_row *r)
{
    return responder_insert(c, ws, r, false);
}

status store_responder_update(db *c, int64_t ws, const responder_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE responders SET entity = ?, name = ?, picture = ?, "
                               "updated_at = ? WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->entity);
    db_bind_text(s, 2, r->name);
    db_bind_text(s, 3, r->picture);
    db_bind_int(s, 4, r->updated_at);
    db_bind_int(s, 5, r->id);
    db_bind_int(s, 6, ws);
    return run_done(s);
}

status store_responder_get(db *c, int64_t ws, const char *uuid, arena *a, responder_row *out)
{
    return get_one(c,
                   "SELECT " RESPONDER_COLS " FROM " RESPONDER_FROM
                   " WHERE r.workspace_id = ? AND r.uuid = ?",
                   ws, uuid, a, read_responder, out);
}

status store_responder_delete(db *c, int64_t ws, int64_t id)
{
    status st = delete_by_id(
        c, "UPDATE responders SET version_id = NULL WHERE id = ? AND workspace_id = ?", ws, id);
    if (!st)
        st = delete_by_id(c,
                          "DELETE FROM responder_versions WHERE responder_id = (SELECT id FROM "
                          "responders WHERE id = ?1 AND workspace_id = ?2)",
                          ws, id);
    return st ? st
              : delete_by_id(c, "DELETE FROM responders WHERE id = ? AND workspace_id = ?", ws, id);
}

status store_responder_refs(db *c, int64_t ws, int64_t id, int64_t *n)
{
    return count_refs(c, "SELECT count(*) FROM chats WHERE responder_id = ?1 AND workspace_id = ?2",
                      ws, id, n);
}

status store_responder_list(db *c, int64_t ws, const list_page *pg, arena *a, responder_row **rows,
                            size_t *n)
{
    qb q;
    qb_init(&q, "r.workspace_id = ?");
    qb_int(&q, ws);
    list_page p = newest_first(pg);
    return list_run(c, RESPONDER_COLS, RESPONDER_FROM, "responders r", &q, &p, "r.created_at",
                    "r.uuid", "r.created_at", a, sizeof(responder_row), read_responder,
                    (void **)rows, n, NULL);
}

status store_responder_builtin(db *c, int64_t ws, int64_t now, arena *a, responder_row *out)
{
    for (int round = 0;; round++) { /* as store_channel_builtin */
        db_stmt *s = db_prepare(c, "SELECT " RESPONDER_COLS " FROM " RESPONDER_FROM
                                   " WHERE r.workspace_id = ? AND r.builtin = 1");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, ws);
        int rc = db_step(s);
        if (rc == DB_ROW) read_responder(s, a, out);
        db_reset(s);
        if (rc != DB_DONE) return step_status(rc);
        if (round) return ST_INTERNAL;
        *out = (responder_row){
            .entity = "agents", .name = "ticketd", .created_at = now, .updated_at = now};
        uuid_v4(out->uuid);
        out->version_uuid = arena_alloc(a, UUID_STR_LEN + 1);
        uuid_v4(out->version_uuid);
        status st = responder_insert(c, ws, out, true);
        if (st || out->id) return st;
    }
}

/* ---- chats ---- */

#define CHAT_COLS                                                                                  \
    "ch.id, ch.uuid, ch.channel_id, chn.uuid, ch.contact_id, c.uuid, ch.owner_entity, "            \
    "ch.responder_id, r.uuid, ch.responder_version_id, v.uuid, ch.summary, ch.is_removed, "        \
    "ch.pending, ch.created_at, ch.updated_at"
#define CHAT_FROM                                                                                  \
    "chats ch JOIN channels chn ON chn.id = ch.channel_id JOIN contacts c ON c.id = "              \
    "ch.contact_id JOIN responders r ON r.id = ch.responder_id LEFT JOIN responder_versions v "    \
    "ON v.id = ch.responder_version_id"

static void read_chat(db_stmt *s, arena *a, void *row)
{
    chat_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->channel_id = db_col_int(s, 2);
    r->channel_uuid = col_str(s, 3, a);
    r->contact_id = db_col_int(s, 4);
    r->owner_uuid = col_str(s, 5, a);
    r->owner_entity = col_str(s, 6, a);
    r->responder_id = db_col_int(s, 7);
    r->responder_uuid = col_str(s, 8, a);
    r->version_id = col_int_null(s, 9);
    r->version_uuid = col_str(s, 10, a);
    r->summary = col_str(s, 11, a);
    r->is_removed = db_col_int(s, 12) != 0;
    r->pending = db_col_int(s, 13);
    r->created_at = db_col_int(s, 14);
    r->updated_at = db_col_int(s, 15);
}

status store_chat_insert(db *c, int64_t ws, chat_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO chats (uuid, workspace_id, channel_id, contact_id, "
                               "owner_entity, responder_id, responder_version_id, summary, "
                               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                               "RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, r->channel_id);
    db_bind_int(s, 4, r->contact_id);
    db_bind_text(s, 5, r->owner_entity);
    db_bind_int(s, 6, r->responder_id);
    bind_int_null(s, 7, r->version_id);
    db_bind_text(s, 8, r->summary);
    db_bind_int(s, 9, r->created_at);
    db_bind_int(s, 10, r->updated_at);
    return run_insert(s, &r->id);
}

/* store_chat_insert_builtin's statement for c's engine: the ticket's id handed out by the
 * same statement where the engine can (db.h next_ticket_id). Written once per thread for its
 * driver (a process has one). */
static const char *chat_insert_builtin_sql(db *c)
{
    static _Thread_local const struct db_driver *made_for;
    static _Thread_local char sql[640];
    if (made_for != c->drv) {
        made_for = c->drv;
        snprintf(sql, sizeof sql,
                 "INSERT INTO chats (uuid, workspace_id, channel_id, contact_id, owner_entity, "
                 "responder_id, responder_version_id, summary, created_at, updated_at) SELECT ?, "
                 "?, ch.id, ?, ?, r.id, r.version_id, ?, ?, ? FROM channels ch, responders r "
                 "WHERE ch.workspace_id = ? AND ch.builtin = ? AND r.workspace_id = ? AND "
                 "r.builtin = 1 RETURNING id, channel_id, responder_id, responder_version_id, %s",
                 c->drv->next_ticket_id ? c->drv->next_ticket_id : "0");
    }
    return sql;
}

status store_chat_insert_builtin(db *c, int64_t ws, const char *dialect, chat_row *r)
{
    db_stmt *s = db_prepare(c, chat_insert_builtin_sql(c));
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, r->contact_id);
    db_bind_text(s, 4, r->owner_entity);
    db_bind_text(s, 5, r->summary);
    db_bind_int(s, 6, r->created_at);
    db_bind_int(s, 7, r->updated_at);
    db_bind_int(s, 8, ws);
    db_bind_text(s, 9, dialect);
    db_bind_int(s, 10, ws);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        r->id = db_col_int(s, 0);
        r->channel_id = db_col_int(s, 1);
        r->responder_id = db_col_int(s, 2);
        r->version_id = col_int_null(s, 3);
        r->ticket_id = db_col_int(s, 4);
    }
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
}

status store_chat_update(db *c, int64_t ws, const chat_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE chats SET responder_id = ?, responder_version_id = ?, "
                               "summary = ?, is_removed = ?, updated_at = ? WHERE id = ? AND "
                               "workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, r->responder_id);
    bind_int_null(s, 2, r->version_id);
    db_bind_text(s, 3, r->summary);
    db_bind_int(s, 4, r->is_removed);
    db_bind_int(s, 5, r->updated_at);
    db_bind_int(s, 6, r->id);
    db_bind_int(s, 7, ws);
    return run_done(s);
}

status store_chat_get(db *c, int64_t ws, const char *uuid, arena *a, chat_row *out)
{
    return get_one(
        c, "SELECT " CHAT_COLS " FROM " CHAT_FROM " WHERE ch.workspace_id = ? AND ch.uuid = ?", ws,
        uuid, a, read_chat, out);
}

status store_chat_list(db *c, int64_t ws, const list_page *pg, int64_t visible_to, arena *a,
                       chat_row **rows, size_t *n)
{
    qb q;
    qb_init(&q, "ch.workspace_id = ?");
    qb_int(&q, ws);
    if (visible_to != NULL_INT) {
        qb_and(&q, "NOT EXISTS (SELECT 1 FROM tickets t WHERE t.chat_id = ch.id AND t.user_id IS "
                   "NOT NULL AND t.user_id <> ?)");
        qb_int(&q, visible_to);
    }
    list_page p = newest_first(pg);
    return list_run(c, CHAT_COLS, CHAT_FROM, "chats ch", &q, &p, "ch.created_at", "ch.uuid",
                    "ch.created_at", a, sizeof(chat_row), read_chat, (void **)rows, n, NULL);
}

/* ---- messages ---- */

#define MESSAGE_COLS "m.id, m.uuid, ch.uuid, m.text, m.from_owner, m.created_at"

static void read_message(db_stmt *s, arena *a, void *row)
{
    message_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->chat_uuid = col_str(s, 2, a);
    r->text = col_str(s, 3, a);
    r->from_owner = db_col_int(s, 4) != 0;
    r->created_at = db_col_int(s, 5);
}

status store_message_insert(db *c, int64_t ws, int64_t chat_id, message_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO messages (uuid, workspace_id, chat_id, text, "
                               "from_owner, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, chat_id);
    db_bind_text(s, 4, r->text);
    db_bind_int(s, 5, r->from_owner);
    db_bind_int(s, 6, r->created_at);
    r->id = 0; /* nobody reads it: the INSERT may be held back (PostgreSQL) */
    return run_or_hold(s, NULL, NULL);
}

status store_message_list(db *c, int64_t ws, int64_t chat_id, const list_page *pg, arena *a,
                          message_row **rows, size_t *n)
{
    qb q;
    qb_init(&q, "m.workspace_id = ? AND m.chat_id = ?");
    qb_int(&q, ws);
    qb_int(&q, chat_id);
    list_page p = *pg;
    p.desc = false; /* a conversation reads oldest first */
    p.from_s = p.to_s = NULL_INT;
    return list_run(c, MESSAGE_COLS, "messages m JOIN chats ch ON ch.id = m.chat_id", "messages m",
                    &q, &p, "m.created_at", "m.id", "m.created_at", a, sizeof(message_row),
                    read_message, (void **)rows, n, NULL);
}

status store_chat_others_tickets(db *c, int64_t ws, int64_t chat_id, int64_t user_id, int64_t *n)
{
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM tickets WHERE chat_id = ? AND workspace_id "
                               "= ? AND user_id IS NOT NULL AND user_id <> ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, chat_id);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, user_id);
    return count_run(s, n);
}
