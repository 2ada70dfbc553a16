/* SQL for tickets, their replies and reply assets, and the append-only event timeline.
 * A ticket row joins its category (title, uuid), assignee uuid and client in one statement;
 * replies and assets of a whole page of tickets load in a fixed number of queries. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/xalloc.h"

#define TICKET_COLS                                                                                \
    "t.id, t.uuid, t.title, t.description, t.state, t.is_open, t.category_id, k.title, "           \
    "t.subcategory, t.user_id, u.uuid, t.contact_id, c.uuid, c.name, c.email, t.language, "        \
    "t.created_at, t.updated_at, t.chat_id, ch.uuid, t.team_id, tm.uuid, t.circumstance, "         \
    "t.ongoing_at, t.completed_at, t.last_viewed_at, t.reference, t.type, t.service_key, "         \
    "t.start_date, t.duration, t.reminder, t.send_invitation, "                                    \
    "trim(u.name || ' ' || coalesce(u.last_name, '')), u.email, u.username, tm.name, c.phone, "    \
    "c.firstname, c.company, c.gender, c.country, k.uuid, t.version"
#define TICKET_FROM                                                                                \
    "tickets t LEFT JOIN categories k ON k.id = t.category_id LEFT JOIN users u ON u.id = "        \
    "t.user_id JOIN contacts c ON c.id = t.contact_id LEFT JOIN chats ch ON ch.id = t.chat_id "    \
    "LEFT JOIN teams tm ON tm.id = t.team_id"

const char *const store_ticket_cols = TICKET_COLS;
const char *const store_ticket_from = TICKET_FROM;

void store_read_ticket(db_stmt *s, arena *a, void *row)
{
    ticket_row *t = row;
    t->id = db_col_int(s, 0);
    col_uuid(s, 1, t->uuid);
    t->title = col_str(s, 2, a);
    t->description = col_str(s, 3, a);
    t->state = col_str(s, 4, a);
    t->is_open = db_col_int(s, 5) != 0;
    t->category_id = col_int_null(s, 6);
    t->category_title = col_str(s, 7, a);
    t->subcategory = col_str(s, 8, a);
    t->user_id = col_int_null(s, 9);
    t->user_uuid = col_str(s, 10, a);
    t->contact_id = db_col_int(s, 11);
    t->contact_uuid = col_str(s, 12, a);
    t->contact_name = col_str(s, 13, a);
    t->contact_email = col_str(s, 14, a);
    t->language = col_str(s, 15, a);
    t->created_at = db_col_int(s, 16);
    t->updated_at = db_col_int(s, 17);
    t->chat_id = col_int_null(s, 18);
    t->chat_uuid = col_str(s, 19, a);
    t->team_id = col_int_null(s, 20);
    t->team_uuid = col_str(s, 21, a);
    t->circumstance = col_str(s, 22, a);
    t->ongoing_at = col_int_null(s, 23);
    t->completed_at = col_int_null(s, 24);
    t->last_viewed_at = col_int_null(s, 25);
    t->reference = col_str(s, 26, a);
    t->type = col_str(s, 27, a);
    t->service_key = col_str(s, 28, a);
    t->start_date = col_int_null(s, 29);
    t->duration = col_int_null(s, 30);
    t->reminder = col_int_null(s, 31);
    t->send_invitation = db_col_int(s, 32) != 0;
    t->user_name = col_str(s, 33, a);
    t->user_email = col_str(s, 34, a);
    t->user_username = col_str(s, 35, a);
    t->team_name = col_str(s, 36, a);
    t->contact_phone = col_str(s, 37, a);
    t->contact_firstname = col_str(s, 38, a);
    t->contact_company = col_str(s, 39, a);
    t->contact_gender = col_str(s, 40, a);
    t->contact_country = col_str(s, 41, a);
    t->category_uuid = col_str(s, 42, a);
    t->version = db_col_int(s, 43);
}

/* Binds the mutable ticket columns at 1..13 in the order of the INSERT and UPDATE below. */
static void bind_ticket(db_stmt *s, const ticket_row *t)
{
    db_bind_text(s, 1, t->title);
    db_bind_text(s, 2, t->description);
    db_bind_text(s, 3, t->state);
    db_bind_int(s, 4, t->is_open);
    bind_int_null(s, 5, t->category_id);
    db_bind_text(s, 6, t->subcategory);
    bind_int_null(s, 7, t->user_id);
    db_bind_text(s, 8, t->language);
    db_bind_int(s, 9, t->updated_at);
    bind_int_null(s, 10, t->team_id);
    db_bind_text(s, 11, t->circumstance ? t->circumstance : "handover");
    bind_int_null(s, 12, t->ongoing_at);
    bind_int_null(s, 13, t->completed_at);
}

status store_ticket_insert(db *c, int64_t ws, ticket_row *t)
{
    /* With its id known, no answer is needed: the INSERT rides the next round trip. */
    db_stmt *s = t->id ? db_prepare(c, "INSERT INTO tickets (title, description, state, "
                                       "is_open, category_id, subcategory, user_id, language, "
                                       "updated_at, team_id, circumstance, ongoing_at, "
                                       "completed_at, uuid, workspace_id, contact_id, chat_id, "
                                       "created_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                       "?, ?, ?, ?, ?, ?, ?, ?)")
                       : db_prepare(c, "INSERT INTO tickets (title, description, state, "
                                       "is_open, category_id, subcategory, user_id, language, "
                                       "updated_at, team_id, circumstance, ongoing_at, "
                                       "completed_at, uuid, workspace_id, contact_id, chat_id, "
                                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                       "?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    bind_ticket(s, t);
    db_bind_text(s, 14, t->uuid);
    db_bind_int(s, 15, ws);
    db_bind_int(s, 16, t->contact_id);
    bind_int_null(s, 17, t->chat_id);
    db_bind_int(s, 18, t->created_at);
    if (!t->id) return run_insert(s, &t->id);
    db_bind_int(s, 19, t->id);
    return run_or_hold(s, NULL, NULL);
}

status store_ticket_update(db *c, int64_t ws, const ticket_row *t)
{
    db_stmt *s =
        db_prepare(c, "UPDATE tickets SET title = ?, description = ?, state = ?, "
                      "is_open = ?, category_id = ?, subcategory = ?, user_id = ?, "
                      "language = ?, updated_at = ?, team_id = ?, circumstance = ?, "
                      "ongoing_at = ?, completed_at = ? WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    bind_ticket(s, t);
    db_bind_int(s, 14, t->id);
    db_bind_int(s, 15, ws);
    return run_done(s);
}

status store_ticket_set_schedule(db *c, int64_t ws, const ticket_row *t)
{
    db_stmt *s = db_prepare(c, "UPDATE tickets SET reference = ?, type = ?, service_key = ?, "
                               "start_date = ?, duration = ?, reminder = ?, send_invitation = ? "
                               "WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, t->reference);
    db_bind_text(s, 2, t->type);
    db_bind_text(s, 3, t->service_key);
    bind_int_null(s, 4, t->start_date);
    bind_int_null(s, 5, t->duration);
    bind_int_null(s, 6, t->reminder);
    db_bind_int(s, 7, t->send_invitation);
    db_bind_int(s, 8, t->id);
    db_bind_int(s, 9, ws);
    return run_done(s);
}

status store_ticket_get(db *c, int64_t ws, const char *uuid, arena *a, ticket_row *out)
{
    return get_one(c,
                   "SELECT " TICKET_COLS " FROM " TICKET_FROM
                   " WHERE t.workspace_id = ? AND t.uuid = ? AND t.deleted_at IS NULL",
                   ws, uuid, a, store_read_ticket, out);
}

status store_ticket_delete(db *c, int64_t ws, int64_t id, int64_t now)
{
    db_stmt *s = db_prepare(c, "UPDATE tickets SET deleted_at = ?, updated_at = ? WHERE id = ? "
                               "AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, id);
    db_bind_int(s, 4, ws);
    return run_done(s);
}

status store_ticket_list(db *c, int64_t ws, const ticket_filter *f, arena *a, ticket_row **rows,
                         size_t *n, int64_t *total)
{
    qb q;
    qb_init(&q, "t.workspace_id = ? AND t.deleted_at IS NULL");
    qb_int(&q, ws);
    if (f->is_open >= 0) {
        qb_and(&q, "t.is_open = ?");
        qb_int(&q, f->is_open);
    }
    if (f->user_id != NULL_INT) {
        qb_and(&q, "t.user_id = ?");
        qb_int(&q, f->user_id);
    }
    if (f->contact_id != NULL_INT) {
        qb_and(&q, "t.contact_id = ?");
        qb_int(&q, f->contact_id);
    }
    if (f->title_contains) {
        /* instr, not LIKE: the user's % and _ are plain characters. */
        qb_and(&q, "instr(lower(t.title), lower(?)) > 0");
        qb_text(&q, f->title_contains);
    }
    /* Filters on assignee and open state only: the total comes from ticket_counts. */
    db_stmt *counter = NULL;
    if (!f->title_contains && f->contact_id == NULL_INT && f->pg.from_s == NULL_INT &&
        f->pg.to_s == NULL_INT) {
        static const char *const sql[2][2] = {
            {"SELECT coalesce(sum(n), 0) FROM ticket_counts WHERE workspace_id = ?1",
             "SELECT coalesce(sum(n), 0) FROM ticket_counts WHERE workspace_id = ?1 AND "
             "is_open = ?3"},
            {"SELECT coalesce(sum(n), 0) FROM ticket_counts WHERE workspace_id = ?1 AND "
             "user_id = ?2",
             "SELECT coalesce(sum(n), 0) FROM ticket_counts WHERE workspace_id = ?1 AND "
             "user_id = ?2 AND is_open = ?3"},
        };
        counter = db_prepare(c, sql[f->user_id != NULL_INT][f->is_open >= 0]);
        if (!counter) return ST_INTERNAL;
        db_bind_int(counter, 1, ws);
        if (f->user_id != NULL_INT) db_bind_int(counter, 2, f->user_id);
        if (f->is_open >= 0) db_bind_int(counter, 3, f->is_open);
    }
    return list_run_counted(c, counter, TICKET_COLS, TICKET_FROM, "tickets t", &q, &f->pg,
                            f->pg.sort == SORT_TITLE ? "t.title" : NULL, "t.uuid", "t.created_at",
                            a, sizeof(ticket_row), store_read_ticket, (void **)rows, n, total);
}

/* The replies statement for n tickets, formatted once per n for the life of the process (it
 * is on the path of every ticket read). */
static const char *replies_sql(size_t n)
{
    static char *sql[LIMIT_PAGE_SIZE + 1];
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    BUG_ON(n == 0 || n > LIMIT_PAGE_SIZE);
    pthread_mutex_lock(&lock);
    if (!sql[n]) {
        arena *a = arena_new(4096);
        /* One statement for the replies of every ticket and their assets: a reply with k
         * assets comes back as k rows, one without as one row with NULL asset columns. */
        const char *text =
            arena_printf(a,
                         "SELECT r.id, r.uuid, r.ticket_id, r.text, "
                         "r.is_client, r.user_id, r.contact_id, r.created_at, " ASSET_COLS
                         " FROM replies r LEFT JOIN reply_assets ra "
                         "ON ra.reply_id = r.id LEFT JOIN assets a ON a.id = "
                         "ra.asset_id WHERE r.note = 0 AND r.ticket_id%s ORDER BY "
                         "r.ticket_id, r.created_at, r.id, ra.pos",
                         in_list(a, n));
        sql[n] = xstrdup(text);
        arena_free(a);
    }
    const char *out = sql[n];
    pthread_mutex_unlock(&lock);
    return out;
}

status store_ticket_load_replies(db *c, ticket_row *t, size_t n, arena *a)
{
    for (size_t i = 0; i < n; i++)
        t[i].n_replies = 0, t[i].replies = NULL;
    if (!n) return ST_OK;
    db_stmt *s = db_prepare(c, replies_sql(n));
    if (!s) return ST_INTERNAL;
    for (size_t i = 0; i < n; i++)
        db_bind_int(s, (int)i + 1, t[i].id);
    reply_row *all = NULL;
    int64_t *owner = NULL;
    asset_row *assets = NULL;
    size_t *asset_reply = NULL; /* index into all[] of each asset's reply */
    size_t got = 0, cap = 0, ocap = 0, na = 0, acap = 0, rcap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        if (!got || all[got - 1].id != id) {
            all = arena_grow(a, all, &cap, got, sizeof *all);
            owner = arena_grow(a, owner, &ocap, got, sizeof *owner);
            reply_row *r = &all[got];
            r->id = id;
            col_uuid(s, 1, r->uuid);
            owner[got] = db_col_int(s, 2);
            r->text = col_str(s, 3, a);
            r->is_client = db_col_int(s, 4) != 0;
            r->user_id = col_int_null(s, 5);
            r->contact_id = col_int_null(s, 6);
            r->created_at = db_col_int(s, 7);
            got++;
        }
        if (!db_col_null(s, 8)) {
            assets = arena_grow(a, assets, &acap, na, sizeof *assets);
            asset_reply = arena_grow(a, asset_reply, &rcap, na, sizeof *asset_reply);
            store_read_asset(s, 8, a, &assets[na]);
            asset_reply[na++] = got - 1;
        }
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    /* Rows come grouped by ticket, and assets by reply: point each owner at its slice. */
    for (size_t i = 0; i < got;) {
        size_t j = i;
        while (j < got && owner[j] == owner[i])
            j++;
        for (size_t k = 0; k < n; k++)
            if (t[k].id == owner[i]) t[k].replies = &all[i], t[k].n_replies = j - i;
        i = j;
    }
    status st = ST_OK;
    for (size_t i = 0; i < na; i++) {
        reply_row *r = &all[asset_reply[i]];
        if (!r->n_assets) r->assets = &assets[i];
        r->n_assets++;
        if (!st) st = store_asset_load_thumbs(c, &assets[i], a);
    }
    return st;
}

/* The reply's INSERT, bound. */
static db_stmt *reply_insert(db *c, int64_t ws, int64_t ticket_id, const reply_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO replies (uuid, workspace_id, ticket_id, text, "
                               "is_client, user_id, contact_id, created_at, note) VALUES (?, ?, "
                               "?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return NULL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, ticket_id);
    db_bind_text(s, 4, r->text);
    db_bind_int(s, 5, r->is_client);
    bind_int_null(s, 6, r->user_id);
    bind_int_null(s, 7, r->contact_id);
    db_bind_int(s, 8, r->created_at);
    db_bind_int(s, 9, r->note);
    return s;
}

status store_reply_insert(db *c, int64_t ws, int64_t ticket_id, reply_row *r)
{
    db_stmt *s = reply_insert(c, ws, ticket_id, r);
    return s ? run_insert(s, &r->id) : ST_INTERNAL;
}

status store_reply_insert_later(db *c, int64_t ws, int64_t ticket_id, reply_row *r)
{
    r->id = 0;
    return run_or_hold(reply_insert(c, ws, ticket_id, r), NULL, NULL);
}

/* ---- one ticket's replies and notes, for ticketd's own API ---- */

#define NATIVE_REPLY_COLS                                                                          \
    "r.id, r.uuid, r.text, r.is_client, r.user_id, r.contact_id, r.created_at, r.note, "           \
    "coalesce(u.uuid, c.uuid), coalesce(u.name, c.name)"
#define NATIVE_REPLY_FROM                                                                          \
    "replies r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN contacts c ON c.id = r.contact_id"

static void read_native_reply(db_stmt *s, arena *a, void *row)
{
    reply_row *r = row;
    *r = (reply_row){0};
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->text = col_str(s, 2, a);
    r->is_client = db_col_int(s, 3) != 0;
    r->user_id = col_int_null(s, 4);
    r->contact_id = col_int_null(s, 5);
    r->created_at = db_col_int(s, 6);
    r->note = db_col_int(s, 7) != 0;
    r->author_uuid = col_str(s, 8, a);
    r->author_name = col_str(s, 9, a);
}

/* The assets of each of n replies, in their order, with thumbnails. */
static status native_reply_assets(db *c, reply_row *r, size_t n, arena *a)
{
    db_stmt *s = db_prepare(c, "SELECT " ASSET_COLS " FROM reply_assets ra JOIN assets a ON "
                               "a.id = ra.asset_id WHERE ra.reply_id = ? ORDER BY ra.pos");
    if (!s) return ST_INTERNAL;
    status st = ST_OK;
    for (size_t i = 0; !st && i < n; i++) {
        size_t cap = 0;
        int rc;
        db_bind_int(s, 1, r[i].id);
        while ((rc = db_step(s)) == DB_ROW) {
            r[i].assets = arena_grow(a, r[i].assets, &cap, r[i].n_assets, sizeof *r[i].assets);
            store_read_asset(s, 0, a, &r[i].assets[r[i].n_assets++]);
        }
        db_reset(s);
        st = step_status(rc);
        for (size_t k = 0; !st && k < r[i].n_assets; k++)
            st = store_asset_load_thumbs(c, &r[i].assets[k], a);
    }
    return st;
}

status store_reply_get(db *c, int64_t ws, int64_t ticket_id, const char *uuid, arena *a,
                       reply_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT " NATIVE_REPLY_COLS " FROM " NATIVE_REPLY_FROM
                               " WHERE r.workspace_id = ? AND r.ticket_id = ? AND r.uuid = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_int(s, 2, ticket_id);
    db_bind_text(s, 3, uuid);
    int rc = db_step(s);
    if (rc == DB_ROW) read_native_reply(s, a, out);
    db_reset(s);
    if (rc != DB_ROW) return rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
    return native_reply_assets(c, out, 1, a);
}

/* The arguments of a timeline page's condition: ws, ticket, then the position after which it
 * starts (at, at, kind, id). */
static void timeline_args(qb *q, int64_t ws, int64_t ticket_id, const timeline_key *after)
{
    qb_int(q, ws);
    qb_int(q, ticket_id);
    qb_int(q, after->at);
    qb_int(q, after->at);
    qb_int(q, after->kind);
    qb_int(q, after->id);
}

status store_reply_page(db *c, int64_t ws, int64_t ticket_id, const timeline_key *after,
                        int64_t limit, arena *a, reply_row **rows, size_t *n)
{
    /* Replies rank after events of the same millisecond (kind 1 > 0). */
    qb q;
    qb_init(&q, "r.workspace_id = ? AND r.ticket_id = ? AND (r.created_at > ? OR (r.created_at "
                "= ? AND (? = 0 OR r.id > ?)))");
    timeline_args(&q, ws, ticket_id, after);
    list_page pg = {.limit = limit, .from_s = NULL_INT, .to_s = NULL_INT};
    status st = list_run(c, NATIVE_REPLY_COLS, NATIVE_REPLY_FROM, NATIVE_REPLY_FROM, &q, &pg,
                         "r.created_at", "r.id", "r.created_at", a, sizeof(reply_row),
                         read_native_reply, (void **)rows, n, NULL);
    return st ? st : native_reply_assets(c, *rows, *n, a);
}

status store_reply_link_asset(db *c, int64_t reply_id, int64_t ticket_id, int64_t asset_id, int pos)
{
    db_stmt *s = db_prepare(c, "INSERT INTO reply_assets (reply_id, asset_id, ticket_id, pos) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, reply_id);
    db_bind_int(s, 2, asset_id);
    db_bind_int(s, 3, ticket_id);
    db_bind_int(s, 4, pos);
    return run_done(s);
}

status store_event_insert(db *c, int64_t ws, event_row *e)
{
    db_stmt *s = db_prepare(c, "INSERT INTO events (uuid, workspace_id, ticket_id, type, "
                               "actor_type, actor_id, data, created_at) VALUES (?, ?, ?, ?, ?, "
                               "?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, e->uuid);
    db_bind_int(s, 2, ws);
    bind_int_null(s, 3, e->ticket_id);
    db_bind_text(s, 4, e->type);
    db_bind_text(s, 5, e->actor_type);
    db_bind_text(s, 6, e->actor_id);
    db_bind_text(s, 7, e->data);
    db_bind_int(s, 8, e->created_at);
    e->id = 0; /* known once the INSERT has run: held back on PostgreSQL */
    return run_event_insert(c, s, e->created_at);
}

static void read_event(db_stmt *s, arena *a, void *row)
{
    event_row *e = row;
    e->id = db_col_int(s, 0);
    col_uuid(s, 1, e->uuid);
    e->ticket_id = col_int_null(s, 2);
    e->type = col_str(s, 3, a);
    e->actor_type = col_str(s, 4, a);
    e->actor_id = col_str(s, 5, a);
    e->data = col_str(s, 6, a);
    e->created_at = db_col_int(s, 7);
}

status store_event_list(db *c, int64_t ws, int64_t ticket_id, int64_t offset, int64_t limit,
                        arena *a, event_row **rows, size_t *n, int64_t *total)
{
    qb q;
    /* A note's event is for ticketd's own API only (docs/NATIVE.md). */
    qb_init(&q, "workspace_id = ? AND ticket_id = ? AND type <> 'note.created'");
    qb_int(&q, ws);
    qb_int(&q, ticket_id);
    list_page pg = {.offset = offset, .limit = limit, .from_s = NULL_INT, .to_s = NULL_INT};
    /* Oldest first: ids grow with time, so id order is the commit order. */
    return list_run(c, "id, uuid, ticket_id, type, actor_type, actor_id, data, created_at",
                    "events", "events", &q, &pg, "id", "uuid", "created_at", a, sizeof(event_row),
                    read_event, (void **)rows, n, total);
}

status store_event_page(db *c, int64_t ws, int64_t ticket_id, const timeline_key *after,
                        int64_t limit, arena *a, event_row **rows, size_t *n)
{
    /* A reply's own event (reply.created, note.created) is not repeated beside it. */
    qb q;
    qb_init(&q, "workspace_id = ? AND ticket_id = ? AND type <> 'reply.created' AND type <> "
                "'note.created' AND (created_at > ? OR (created_at = ? AND ? = 0 AND id > ?))");
    timeline_args(&q, ws, ticket_id, after);
    list_page pg = {.limit = limit, .from_s = NULL_INT, .to_s = NULL_INT};
    return list_run(c, "id, uuid, ticket_id, type, actor_type, actor_id, data, created_at",
                    "events", "events", &q, &pg, "created_at", "id", "created_at", a,
                    sizeof(event_row), read_event, (void **)rows, n, NULL);
}

/* ---- tickets in detail (ticket_detail_row) ---- */

#define DETAILS_COLS                                                                               \
    "t.uuid, t.state, t.title, t.created_at, t.ongoing_at, t.completed_at, u.uuid, u.email, "      \
    "u.name, u.picture, chn.uuid, chn.name, chn.type, ch.uuid, ch.is_removed, c.uuid, "            \
    "ch.owner_entity, c.name, c.email, c.identifier, c.is_blocked, ch.pending, r.entity, r.uuid, " \
    "r.name, r.picture, rv.uuid, rv.number, tm.uuid, tm.name, tm.picture"
#define DETAILS_FROM                                                                               \
    "tickets t JOIN chats ch ON ch.id = t.chat_id JOIN contacts c ON c.id = ch.contact_id JOIN "   \
    "responders r ON r.id = ch.responder_id LEFT JOIN responder_versions rv ON rv.id = "           \
    "ch.responder_version_id LEFT JOIN channels chn ON chn.id = ch.channel_id LEFT JOIN users u "  \
    "ON u.id = t.user_id LEFT JOIN teams tm ON tm.id = t.team_id"

static void read_details(db_stmt *s, arena *a, void *row)
{
    ticket_detail_row *d = row;
    col_uuid(s, 0, d->uuid);
    d->state = col_str(s, 1, a);
    d->summary = col_str(s, 2, a);
    d->created_at = db_col_int(s, 3);
    d->ongoing_at = col_int_null(s, 4);
    d->completed_at = col_int_null(s, 5);
    d->assignee_uuid = col_str(s, 6, a);
    d->assignee_email = col_str(s, 7, a);
    d->assignee_name = col_str(s, 8, a);
    d->assignee_picture = col_str(s, 9, a);
    d->channel_uuid = col_str(s, 10, a);
    d->channel_name = col_str(s, 11, a);
    d->channel_type = col_str(s, 12, a);
    d->chat_uuid = col_str(s, 13, a);
    d->chat_removed = db_col_int(s, 14) != 0;
    d->owner_uuid = col_str(s, 15, a);
    d->owner_entity = col_str(s, 16, a);
    d->owner_name = col_str(s, 17, a);
    d->owner_email = col_str(s, 18, a);
    d->owner_identifier = col_str(s, 19, a);
    d->owner_blocked = db_col_int(s, 20) != 0;
    d->pending = db_col_int(s, 21);
    d->responder_entity = col_str(s, 22, a);
    d->responder_uuid = col_str(s, 23, a);
    d->responder_name = col_str(s, 24, a);
    d->responder_picture = col_str(s, 25, a);
    d->version_uuid = col_str(s, 26, a);
    d->version_number = col_int_null(s, 27);
    d->team_uuid = col_str(s, 28, a);
    d->team_name = col_str(s, 29, a);
    d->team_picture = col_str(s, 30, a);
}

status store_ref_id(db *c, int64_t ws, ref_kind k, const char *uuid, int64_t *id)
{
    static const char *const sql[] = {
        [REF_USER] = "SELECT id FROM users WHERE workspace_id = ? AND uuid = ?",
        [REF_CHAT] = "SELECT id FROM chats WHERE workspace_id = ? AND uuid = ?",
        [REF_RESPONDER] = "SELECT id FROM responders WHERE workspace_id = ? AND uuid = ?",
        [REF_VERSION] = "SELECT v.id FROM responder_versions v JOIN responders r ON r.id = "
                        "v.responder_id WHERE r.workspace_id = ? AND v.uuid = ?",
        [REF_TAG] = "SELECT id FROM tags WHERE workspace_id = ? AND uuid = ?",
    };
    db_stmt *s = db_prepare(c, sql[k]);
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, uuid);
    int rc = db_step(s);
    if (rc == DB_ROW) *id = db_col_int(s, 0);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
}

status store_ticket_detail_get(db *c, int64_t ws, const char *uuid, arena *a,
                               ticket_detail_row *out)
{
    return get_one(c,
                   "SELECT " DETAILS_COLS " FROM " DETAILS_FROM
                   " WHERE t.workspace_id = ? AND t.uuid = ? AND t.deleted_at IS NULL",
                   ws, uuid, a, read_details, out);
}

/* Adds `<col> = ?` for one id, `<col> IN (<the ids as a JSON array>)` for several (the
 * statement text stays the same whatever the number of ids), between `open` and `close`. */
static void and_ids_in(db *c, qb *q, const char *open, const char *close, const char *col,
                       const id_set *ids, arena *a)
{
    if (!ids->n) return;
    if (ids->n == 1) {
        qb_and(q, arena_printf(a, "%s%s = ?%s", open, col, close));
        qb_int(q, ids->ids[0]);
        return;
    }
    size_t cap = 3 + ids->n * 21, len = 0;
    char *json = arena_alloc(a, cap);
    json[len++] = '[';
    for (size_t i = 0; i < ids->n; i++)
        len +=
            (size_t)snprintf(json + len, cap - len, "%s%lld", i ? "," : "", (long long)ids->ids[i]);
    json[len++] = ']';
    json[len] = '\0';
    qb_and(q, arena_printf(a, "%s%s %s%s", open, col, c->drv->ids_in, close));
    qb_text(q, json);
}

static void and_ids(db *c, qb *q, const char *col, const id_set *ids, arena *a)
{
    and_ids_in(c, q, "", "", col, ids, a);
}

/* The row id of the LIMIT_SEARCH_SCAN-th newest match (*all false), or *all true when there are
 * fewer matches than that. */
static status match_floor(db *c, const char *match, arena *a, int64_t *floor_id, bool *all)
{
    const char *key = c->drv->fts_key;
    db_stmt *s = db_prepare(c, arena_printf(a,
                                            "SELECT %s FROM ticket_fts WHERE %s ORDER BY %s "
                                            "DESC LIMIT 1 OFFSET ?",
                                            key, sql_fts_match(c, "ticket_fts", a), key));
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, match);
    db_bind_int(s, 2, LIMIT_SEARCH_SCAN - 1);
    int rc = db_step(s);
    *all = rc != DB_ROW;
    *floor_id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

/* Runs s and appends the ids of its rows (column 0) to *ids; *last_at: the last row's column 1. */
static status collect_ids(db_stmt *s, int64_t **ids, size_t *n, size_t *cap, int64_t *last_at,
                          arena *a)
{
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *ids = arena_grow(a, *ids, cap, *n, sizeof **ids);
        (*ids)[(*n)++] = db_col_int(s, 0);
        if (last_at) *last_at = db_col_int(s, 1);
    }
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

/* A search reads its matches from the word index newest first (ticket ids grow with
 * created_at), down to the LIMIT_SEARCH_SCAN-th newest match: the page is among the first
 * offset+limit that pass the filters, plus the tickets sharing the last one's millisecond (their
 * order is by uuid). Those few are then read and ordered exactly like any list. *done is false
 * when the scan was cut short before filling the page: the caller walks the tickets instead. */
static status search_newest(db *c, int64_t ws, const ticket_detail_filter *f, qb *q,
                            int64_t floor_id, bool all, arena *a, ticket_detail_row **rows,
                            size_t *n, bool *done)
{
    int64_t want = f->pg.offset + f->pg.limit, last_at = NULL_INT;
    int64_t *ids = NULL;
    size_t got = 0, cap = 0;
    *rows = NULL;
    *n = 0;
    *done = true;
    /* Only the tables the filters read. */
    const char *key = c->drv->fts_key;
    db_stmt *s = db_prepare(c, arena_printf(a,
                                            "SELECT t.id, t.created_at FROM ticket_fts f CROSS "
                                            "JOIN tickets t JOIN chats ch ON ch.id = t.chat_id "
                                            "WHERE %s AND t.id = f.%s AND %s AND f.%s >= ? "
                                            "ORDER BY f.%s DESC LIMIT ?",
                                            q->where, key, sql_fts_match(c, "f", a), key, key));
    if (!s) return ST_INTERNAL;
    int i = qb_bind(q, s, 1);
    db_bind_text(s, i, f->match);
    db_bind_int(s, i + 1, floor_id);
    db_bind_int(s, i + 2, want);
    status st = collect_ids(s, &ids, &got, &cap, &last_at, a);
    if (st) return st;
    if ((int64_t)got < want && !all) {
        *done = false; /* the newest matches did not fill the page */
        return ST_OK;
    }
    if ((int64_t)got <= f->pg.offset) return ST_OK;
    if ((int64_t)got == want) {
        /* Tickets of the last one's millisecond that the scan stopped before, if they match. */
        s = db_prepare(c, arena_printf(a,
                                       "SELECT t.id FROM tickets t JOIN chats ch ON ch.id = "
                                       "t.chat_id WHERE %s AND t.created_at = ? AND t.id < ? AND "
                                       "%s",
                                       q->where, sql_fts_has(c, "t.id", f->match, a)));
        if (!s) return ST_INTERNAL;
        i = qb_bind(q, s, 1);
        db_bind_int(s, i, last_at);
        db_bind_int(s, i + 1, ids[got - 1]);
        db_bind_text(s, i + 2, f->match);
        if ((st = collect_ids(s, &ids, &got, &cap, NULL, a))) return st;
    }
    /* Every candidate passed the filters: only their order is left (by row id lookups, not by
     * walking an index of the whole status). */
    qb only;
    id_set candidates = {ids, got};
    qb_init(&only, "1 = 1");
    and_ids(c, &only, "t.id", &candidates, a);
    q = &only;
    return list_run_counted(c, NULL, DETAILS_COLS, DETAILS_FROM, "tickets t", q, &f->pg,
                            "t.created_at", "t.uuid", "t.created_at", a, sizeof(ticket_detail_row),
                            read_details, (void **)rows, n, NULL);
}

status store_ticket_detail_list(db *c, int64_t ws, const ticket_detail_filter *f, arena *a,
                                ticket_detail_row **rows, size_t *n)
{
    qb q;
    qb_init(&q, "t.workspace_id = ? AND t.deleted_at IS NULL AND t.phase = ?");
    qb_int(&q, ws);
    qb_int(&q, f->phase);
    and_ids(c, &q, "t.user_id", &f->users, a);
    and_ids(c, &q, "t.chat_id", &f->chats, a);
    and_ids(c, &q, "ch.responder_id", &f->responders, a);
    and_ids(c, &q, "ch.responder_version_id", &f->versions, a);
    and_ids_in(c, &q, "EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket_id = t.id AND ", ")",
               "tt.tag_id", &f->tags, a);
    if (!f->include_removed) qb_and(&q, "ch.is_removed = 0");
    ticket_detail_filter spelled = *f;
    spelled.match = sql_fts_terms(c, f->match, a);
    f = &spelled;
    if (f->match) {
        int64_t floor_id;
        bool all, done;
        status st = match_floor(c, f->match, a, &floor_id, &all);
        if (!st) st = search_newest(c, ws, f, &q, floor_id, all, a, rows, n, &done);
        if (st || done) return st;
        /* A common term the page's filters keep few of: walk the tickets in order instead,
         * keeping the matches. */
        qb_and(&q, sql_fts_ids(c, "t.id", a));
        qb_text(&q, f->match);
    }
    return list_run_counted(c, NULL, DETAILS_COLS, DETAILS_FROM, "tickets t", &q, &f->pg,
                            "t.created_at", "t.uuid", "t.created_at", a, sizeof(ticket_detail_row),
                            read_details, (void **)rows, n, NULL);
}

char *store_fts_query(const char *text, arena *a)
{
    /* Every word (a run of letters and digits of any script) becomes a quoted prefix term
     * ("word"*): the user's text can never be read as FTS5 syntax, and the terms AND together.
     * Everything else separates words; the tokenizer itself folds case and accents. */
    size_t len = strlen(text);
    char *out = arena_alloc(a, len * 4 + 1);
    size_t o = 0, words = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = text_utf8_decode(text + i, &cp);
        if (!text_is_alnum(cp)) {
            i += n;
            continue;
        }
        if (words++) out[o++] = ' ';
        out[o++] = '"';
        while (i < len && (n = text_utf8_decode(text + i, &cp)) && text_is_alnum(cp)) {
            memcpy(out + o, text + i, n);
            o += n;
            i += n;
        }
        out[o++] = '"';
        out[o++] = '*';
    }
    out[o] = '\0';
    return words ? out : NULL;
}
