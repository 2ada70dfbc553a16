/* SQL for workspaces, API keys, teammates (users), clients (contacts) and billing plans. */
#include <stdio.h>
#include <string.h>

#include "store/sql.h"

/* ---- workspaces ---- */

static void read_ws(db_stmt *s, arena *a, void *row)
{
    ws_row *w = row;
    w->id = db_col_int(s, 0);
    col_uuid(s, 1, w->uuid);
    w->name = col_str(s, 2, a);
    w->created_at = db_col_int(s, 3);
}

status store_ws_insert(db *c, ws_row *w)
{
    db_stmt *s = db_prepare(c, "INSERT INTO workspaces (uuid, name, created_at) VALUES (?, ?, ?) "
                               "RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, w->uuid);
    db_bind_text(s, 2, w->name);
    db_bind_int(s, 3, w->created_at);
    return run_insert(s, &w->id);
}

status store_ws_find(db *c, const char *key, arena *a, ws_row *out)
{
    db_stmt *s = db_prepare(c, key ? "SELECT id, uuid, name, created_at FROM workspaces "
                                     "WHERE uuid = ?1 OR name = ?1"
                                   : "SELECT id, uuid, name, created_at FROM workspaces "
                                     "ORDER BY id LIMIT 1");
    if (!s) return ST_INTERNAL;
    if (key) db_bind_text(s, 1, key);
    int rc = db_step(s);
    if (rc == DB_ROW) read_ws(s, a, out);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
}

/* ---- API keys ---- */

#define KEY_COLS                                                                                   \
    "k.id, k.uuid, k.workspace_id, k.prefix, k.created_at, k.revoked_at, w.name, w.uuid"

static void read_key(db_stmt *s, arena *a, void *row)
{
    key_row *k = row;
    k->id = db_col_int(s, 0);
    col_uuid(s, 1, k->uuid);
    k->ws = db_col_int(s, 2);
    snprintf(k->prefix, sizeof k->prefix, "%s", db_col_text(s, 3));
    k->created_at = db_col_int(s, 4);
    k->revoked_at = col_int_null(s, 5);
    k->ws_name = a ? col_str(s, 6, a) : NULL;
    col_uuid(s, 7, k->ws_uuid);
}

status store_key_insert(db *c, key_row *k, const unsigned char hash[SHA256_LEN])
{
    db_stmt *s = db_prepare(c, "INSERT INTO api_keys (uuid, workspace_id, hash, prefix, "
                               "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, k->uuid);
    db_bind_int(s, 2, k->ws);
    db_bind_blob(s, 3, hash, SHA256_LEN);
    db_bind_text(s, 4, k->prefix);
    db_bind_int(s, 5, k->created_at);
    return run_insert(s, &k->id);
}

status store_key_by_hash(db *c, const unsigned char hash[SHA256_LEN], key_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT " KEY_COLS ", k.hash FROM api_keys k "
                               "JOIN workspaces w ON w.id = k.workspace_id WHERE k.hash = ?");
    if (!s) return ST_INTERNAL;
    db_bind_blob(s, 1, hash, SHA256_LEN);
    int rc = db_step(s);
    status st = ST_NOT_FOUND;
    if (rc == DB_ROW) {
        size_t n = 0;
        const void *h = db_col_blob(s, 8, &n);
        /* The index found the row; the comparison that decides is constant-time. */
        if (n == SHA256_LEN && crypto_equal(h, hash, SHA256_LEN)) {
            read_key(s, NULL, out);
            st = ST_OK;
        }
    } else if (rc < 0) {
        st = step_status(rc);
    }
    db_reset(s);
    return st;
}

status store_key_list(db *c, arena *a, key_row **rows, size_t *n)
{
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM api_keys");
    if (!s) return ST_INTERNAL;
    int rc = db_step(s);
    int64_t total = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    *rows = ARENA_ARRAY(a, key_row, (size_t)total + 1);
    *n = 0;
    s = db_prepare(c, "SELECT " KEY_COLS " FROM api_keys k JOIN workspaces w ON w.id = "
                      "k.workspace_id ORDER BY k.id");
    if (!s) return ST_INTERNAL;
    while ((rc = db_step(s)) == DB_ROW && *n < (size_t)total)
        read_key(s, a, &(*rows)[(*n)++]);
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

status store_key_revoke(db *c, const char *id_or_prefix, int64_t now)
{
    /* A prefix is compared as text, never as a LIKE pattern: "tkd_____" names nothing. */
    db_stmt *s = db_prepare(c, "SELECT count(*), min(id) FROM api_keys WHERE uuid = ?1 OR "
                               "(length(?1) BETWEEN 8 AND length(prefix) AND "
                               "substr(prefix, 1, length(?1)) = ?1)");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, id_or_prefix);
    int rc = db_step(s);
    int64_t count = rc == DB_ROW ? db_col_int(s, 0) : 0, id = rc == DB_ROW ? db_col_int(s, 1) : 0;
    db_reset(s);
    if (rc < 0) return step_status(rc);
    if (count == 0) return ST_NOT_FOUND;
    if (count > 1) return ST_CONFLICT;
    s = db_prepare(c, "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, id);
    return run_done(s);
}

/* ---- teammates / users ---- */

#define USER_COLS                                                                                  \
    "id, uuid, name, last_name, email, username, role, country, password_hash, verified, "         \
    "last_login, created_at, updated_at, picture, active"

static void read_user(db_stmt *s, arena *a, void *row)
{
    user_row *u = row;
    u->id = db_col_int(s, 0);
    col_uuid(s, 1, u->uuid);
    u->name = col_str(s, 2, a);
    u->last_name = col_str(s, 3, a);
    u->email = col_str(s, 4, a);
    u->username = col_str(s, 5, a);
    u->role = col_str(s, 6, a);
    u->country = col_str(s, 7, a);
    u->password_hash = col_str(s, 8, a);
    u->verified = db_col_int(s, 9) != 0;
    u->last_login = col_int_null(s, 10);
    u->created_at = db_col_int(s, 11);
    u->updated_at = db_col_int(s, 12);
    u->picture = col_str(s, 13, a);
    u->active = db_col_int(s, 14) != 0;
}

/* Binds the mutable user columns at 1..11 in the order of the INSERT and UPDATE below. */
static void bind_user(db_stmt *s, const user_row *u)
{
    db_bind_text(s, 1, u->name);
    db_bind_text(s, 2, u->last_name);
    db_bind_text(s, 3, u->email);
    db_bind_text(s, 4, u->username);
    db_bind_text(s, 5, u->role);
    db_bind_text(s, 6, u->country);
    db_bind_text(s, 7, u->password_hash);
    db_bind_int(s, 8, u->verified);
    db_bind_int(s, 9, u->updated_at);
    db_bind_text(s, 10, u->picture);
    db_bind_int(s, 11, u->active);
}

status store_user_insert(db *c, int64_t ws, user_row *u)
{
    db_stmt *s =
        db_prepare(c, "INSERT INTO users (name, last_name, email, username, role, country, "
                      "password_hash, verified, updated_at, picture, active, uuid, "
                      "workspace_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "?) RETURNING id");
    if (!s) return ST_INTERNAL;
    bind_user(s, u);
    db_bind_text(s, 12, u->uuid);
    db_bind_int(s, 13, ws);
    db_bind_int(s, 14, u->created_at);
    return run_insert(s, &u->id);
}

status store_user_update(db *c, int64_t ws, const user_row *u)
{
    db_stmt *s = db_prepare(c, "UPDATE users SET name = ?, last_name = ?, email = ?, username = ?, "
                               "role = ?, country = ?, password_hash = ?, verified = ?, "
                               "updated_at = ?, picture = ?, active = ? WHERE id = ? AND "
                               "workspace_id = ?");
    if (!s) return ST_INTERNAL;
    bind_user(s, u);
    db_bind_int(s, 12, u->id);
    db_bind_int(s, 13, ws);
    return run_done(s);
}

status store_user_get(db *c, int64_t ws, const char *uuid, arena *a, user_row *out)
{
    return get_one(c, "SELECT " USER_COLS " FROM users WHERE workspace_id = ? AND uuid = ?", ws,
                   uuid, a, read_user, out);
}

status store_user_delete(db *c, int64_t ws, int64_t id)
{
    /* The contact standing for the user goes with it (nothing refers to it, see refs), and so
     * do its bearer tokens: credentials of nobody. */
    status st =
        delete_by_id(c, "DELETE FROM contacts WHERE user_id = ? AND workspace_id = ?", ws, id);
    if (!st)
        st = delete_by_id(c, "DELETE FROM tokens WHERE user_id = ? AND workspace_id = ?", ws, id);
    return st ? st : delete_by_id(c, "DELETE FROM users WHERE id = ? AND workspace_id = ?", ws, id);
}

status store_user_refs(db *c, int64_t ws, int64_t id, int64_t *n)
{
    return count_refs(c,
                      "SELECT (SELECT count(*) FROM tickets WHERE user_id = ?1 AND workspace_id = "
                      "?2) + (SELECT count(*) FROM categories WHERE user_id = ?1 AND "
                      "workspace_id = ?2) + (SELECT count(*) FROM replies WHERE user_id = ?1 AND "
                      "workspace_id = ?2) + (SELECT count(*) FROM chats ch JOIN contacts c ON "
                      "c.id = ch.contact_id WHERE c.user_id = ?1 AND c.workspace_id = ?2)",
                      ws, id, n);
}

static const char *name_sort(int sort)
{
    return sort == SORT_NAME ? "name" : NULL;
}

status store_user_list(db *c, int64_t ws, const list_page *pg, arena *a, user_row **rows, size_t *n,
                       int64_t *total)
{
    qb q;
    qb_init(&q, "workspace_id = ?");
    qb_int(&q, ws);
    return list_run(c, USER_COLS, "users", "users", &q, pg, name_sort(pg->sort), "uuid",
                    "created_at", a, sizeof(user_row), read_user, (void **)rows, n, total);
}

/* ---- clients / contacts ---- */

#define CONTACT_COLS                                                                               \
    "c.id, c.uuid, c.name, c.email, c.country, c.plan_id, p.uuid, c.created_at, c.updated_at, "    \
    "c.identifier, c.is_blocked, c.user_id, c.phone, c.firstname, c.company, c.gender"
#define CONTACT_FROM "contacts c LEFT JOIN plans p ON p.id = c.plan_id"

static void read_contact(db_stmt *s, arena *a, void *row)
{
    contact_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->name = col_str(s, 2, a);
    r->email = col_str(s, 3, a);
    r->country = col_str(s, 4, a);
    r->plan_id = col_int_null(s, 5);
    r->plan_uuid = col_str(s, 6, a);
    r->created_at = db_col_int(s, 7);
    r->updated_at = db_col_int(s, 8);
    r->identifier = col_str(s, 9, a);
    r->is_blocked = db_col_int(s, 10) != 0;
    r->user_id = col_int_null(s, 11);
    r->phone = col_str(s, 12, a);
    r->firstname = col_str(s, 13, a);
    r->company = col_str(s, 14, a);
    r->gender = col_str(s, 15, a);
}

/* Binds the mutable contact columns at 1..7 in the order of the INSERT and UPDATE below. */
static void bind_contact(db_stmt *s, const contact_row *r)
{
    db_bind_text(s, 1, r->name);
    db_bind_text(s, 2, r->email);
    db_bind_text(s, 3, r->country);
    bind_int_null(s, 4, r->plan_id);
    db_bind_int(s, 5, r->updated_at);
    db_bind_text(s, 6, r->identifier);
    db_bind_int(s, 7, r->is_blocked);
}

status store_contact_insert(db *c, int64_t ws, contact_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO contacts (name, email, country, plan_id, updated_at, "
                               "identifier, is_blocked, uuid, workspace_id, created_at, user_id) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    bind_contact(s, r);
    db_bind_text(s, 8, r->uuid);
    db_bind_int(s, 9, ws);
    db_bind_int(s, 10, r->created_at);
    bind_int_null(s, 11, r->user_id);
    return run_insert(s, &r->id);
}

status store_contact_for_user(db *c, int64_t ws, const user_row *u, int64_t now, arena *a,
                              contact_row *out)
{
    status st = get_one(c,
                        "SELECT " CONTACT_COLS " FROM " CONTACT_FROM
                        " WHERE c.workspace_id = ? AND c.uuid = ? AND c.user_id IS NOT NULL",
                        ws, u->uuid, a, read_contact, out);
    if (st != ST_NOT_FOUND) return st;
    *out = (contact_row){.name = u->name,
                         .email = u->email,
                         .plan_id = NULL_INT,
                         .user_id = u->id,
                         .created_at = now,
                         .updated_at = now};
    memcpy(out->uuid, u->uuid, sizeof out->uuid);
    return store_contact_insert(c, ws, out);
}

status store_contact_update(db *c, int64_t ws, const contact_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE contacts SET name = ?, email = ?, country = ?, plan_id = ?, "
                               "updated_at = ?, identifier = ?, is_blocked = ? WHERE id = ? AND "
                               "workspace_id = ?");
    if (!s) return ST_INTERNAL;
    bind_contact(s, r);
    db_bind_int(s, 8, r->id);
    db_bind_int(s, 9, ws);
    return run_done(s);
}

status store_contact_get(db *c, int64_t ws, const char *uuid, arena *a, contact_row *out)
{
    return get_one(c,
                   "SELECT " CONTACT_COLS " FROM " CONTACT_FROM
                   " WHERE c.workspace_id = ? AND c.uuid = ? AND c.user_id IS NULL",
                   ws, uuid, a, read_contact, out);
}

status store_contact_delete(db *c, int64_t ws, int64_t id)
{
    return delete_by_id(c, "DELETE FROM contacts WHERE id = ? AND workspace_id = ?", ws, id);
}

status store_contact_refs(db *c, int64_t ws, int64_t id, int64_t *n)
{
    return count_refs(c,
                      "SELECT (SELECT count(*) FROM tickets WHERE contact_id = ?1 AND "
                      "workspace_id = ?2) + (SELECT count(*) FROM replies WHERE contact_id = ?1 "
                      "AND workspace_id = ?2) + (SELECT count(*) FROM chats WHERE contact_id = "
                      "?1 AND workspace_id = ?2)",
                      ws, id, n);
}

status store_contact_list(db *c, int64_t ws, const list_page *pg, arena *a, contact_row **rows,
                          size_t *n, int64_t *total)
{
    qb q;
    qb_init(&q, "c.workspace_id = ? AND c.user_id IS NULL");
    qb_int(&q, ws);
    return list_run(c, CONTACT_COLS, CONTACT_FROM, "contacts c", &q, pg,
                    pg->sort == SORT_NAME ? "c.name" : NULL, "c.uuid", "c.created_at", a,
                    sizeof(contact_row), read_contact, (void **)rows, n, total);
}

/* ---- billing plans ---- */

#define PLAN_COLS "id, uuid, name, attrs, created_at"

static void read_plan(db_stmt *s, arena *a, void *row)
{
    plan_row *p = row;
    p->id = db_col_int(s, 0);
    col_uuid(s, 1, p->uuid);
    p->name = col_str(s, 2, a);
    p->attrs = col_str(s, 3, a);
    p->created_at = db_col_int(s, 4);
}

status store_plan_insert(db *c, int64_t ws, plan_row *p)
{
    db_stmt *s = db_prepare(c, "INSERT INTO plans (uuid, workspace_id, name, attrs, created_at) "
                               "VALUES (?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, p->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, p->name);
    db_bind_text(s, 4, p->attrs ? p->attrs : "{}");
    db_bind_int(s, 5, p->created_at);
    return run_insert(s, &p->id);
}

status store_plan_get(db *c, int64_t ws, const char *uuid, arena *a, plan_row *out)
{
    return get_one(c, "SELECT " PLAN_COLS " FROM plans WHERE workspace_id = ? AND uuid = ?", ws,
                   uuid, a, read_plan, out);
}

status store_plan_delete(db *c, int64_t ws, int64_t id)
{
    return delete_by_id(c, "DELETE FROM plans WHERE id = ? AND workspace_id = ?", ws, id);
}

status store_plan_refs(db *c, int64_t ws, int64_t id, int64_t *n)
{
    return count_refs(c,
                      "SELECT (SELECT count(*) FROM contacts WHERE plan_id = ?1 AND workspace_id "
                      "= ?2) + (SELECT count(*) FROM category_plans cp JOIN categories k ON k.id "
                      "= cp.category_id WHERE cp.plan_id = ?1 AND k.workspace_id = ?2)",
                      ws, id, n);
}

status store_plan_list(db *c, int64_t ws, const list_page *pg, arena *a, plan_row **rows, size_t *n,
                       int64_t *total)
{
    qb q;
    qb_init(&q, "workspace_id = ?");
    qb_int(&q, ws);
    return list_run(c, PLAN_COLS, "plans", "plans", &q, pg, name_sort(pg->sort), "uuid",
                    "created_at", a, sizeof(plan_row), read_plan, (void **)rows, n, total);
}

/* ---- requestors found by address, users by any of their names, tokens ---- */

status store_contact_find(db *c, int64_t ws, const char *email, const char *phone, arena *a,
                          contact_row *out)
{
    static const char *const sql[] = {
        "SELECT " CONTACT_COLS " FROM " CONTACT_FROM " WHERE c.workspace_id = ? AND "
        "lower(c.email) = lower(?) AND c.email IS NOT NULL AND c.user_id IS NULL "
        "ORDER BY c.id LIMIT 1",
        "SELECT " CONTACT_COLS " FROM " CONTACT_FROM " WHERE c.workspace_id = ? AND "
        "c.phone = ? AND c.user_id IS NULL ORDER BY c.id LIMIT 1",
    };
    const char *keys[] = {email, phone};
    for (int i = 0; i < 2; i++) {
        if (!keys[i]) continue;
        status st = get_one(c, sql[i], ws, keys[i], a, read_contact, out);
        if (st != ST_NOT_FOUND) return st;
    }
    return ST_NOT_FOUND;
}

status store_contact_set_requestor(db *c, int64_t ws, const contact_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE contacts SET phone = ?, firstname = ?, company = ?, "
                               "gender = ? WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->phone);
    db_bind_text(s, 2, r->firstname);
    db_bind_text(s, 3, r->company);
    db_bind_text(s, 4, r->gender);
    db_bind_int(s, 5, r->id);
    db_bind_int(s, 6, ws);
    return run_done(s);
}

status store_user_find(db *c, int64_t ws, const char *key, arena *a, user_row *out)
{
    return get_one(c,
                   "SELECT " USER_COLS " FROM users WHERE workspace_id = ?1 AND (uuid = lower(?2) "
                   "OR lower(email) = lower(?2) OR username = ?2) ORDER BY uuid = lower(?2) DESC "
                   "LIMIT 1",
                   ws, key, a, read_user, out);
}

status store_user_by_id(db *c, int64_t ws, int64_t id, arena *a, user_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT " USER_COLS " FROM users WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, ws);
    int rc = db_step(s);
    if (rc == DB_ROW) read_user(s, a, out);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return rc == DB_ROW ? ST_OK : ST_NOT_FOUND;
}

status store_users_by_login(db *c, const char *login, arena *a, user_row **rows, int64_t **ws,
                            size_t *n)
{
    db_stmt *s = db_prepare(c, "SELECT " USER_COLS ", workspace_id FROM users WHERE "
                               "(lower(email) = lower(?1) OR username = ?1) AND password_hash IS "
                               "NOT NULL AND active = 1 ORDER BY id LIMIT 16");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, login);
    size_t cap = 0, wcap = 0;
    *rows = NULL;
    *ws = NULL;
    *n = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
        *ws = arena_grow(a, *ws, &wcap, *n, sizeof **ws);
        read_user(s, a, &(*rows)[*n]);
        (*ws)[(*n)++] = db_col_int(s, 15);
    }
    db_reset(s);
    return step_status(rc);
}

status store_token_insert(db *c, token_row *t, const unsigned char hash[SHA256_LEN])
{
    db_stmt *s = db_prepare(c, "INSERT INTO tokens (workspace_id, user_id, hash, created_at, "
                               "expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, t->ws);
    db_bind_int(s, 2, t->user_id);
    db_bind_blob(s, 3, hash, SHA256_LEN);
    db_bind_int(s, 4, t->created_at);
    db_bind_int(s, 5, t->expires_at);
    return run_insert(s, &t->id);
}

status store_token_by_hash(db *c, const unsigned char hash[SHA256_LEN], token_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT t.id, t.workspace_id, t.user_id, t.created_at, "
                               "t.expires_at, t.revoked_at, w.uuid FROM tokens t JOIN workspaces "
                               "w ON w.id = t.workspace_id WHERE t.hash = ?");
    if (!s) return ST_INTERNAL;
    db_bind_blob(s, 1, hash, SHA256_LEN);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = (token_row){.id = db_col_int(s, 0),
                           .ws = db_col_int(s, 1),
                           .user_id = db_col_int(s, 2),
                           .created_at = db_col_int(s, 3),
                           .expires_at = db_col_int(s, 4),
                           .revoked_at = col_int_null(s, 5)};
    if (rc == DB_ROW) col_uuid(s, 6, out->ws_uuid);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return rc == DB_ROW ? ST_OK : ST_NOT_FOUND;
}

status store_token_revoke(db *c, int64_t id, int64_t now)
{
    db_stmt *s =
        db_prepare(c, "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, id);
    return run_done(s);
}

status store_token_revoke_user(db *c, int64_t ws, int64_t user_id, int64_t now)
{
    db_stmt *s = db_prepare(c, "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE "
                               "user_id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, user_id);
    db_bind_int(s, 3, ws);
    return run_done(s);
}
