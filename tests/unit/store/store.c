/* Tests of the SQLite store (the store/ files over db_sqlite.c) on a temp file: migrations recorded
 * in schema_version, workspaces and API keys, users/contacts/plans/categories/tickets insert, get
 * and list (filters, paging totals, ordering by the whole second with ties on uuid, time
 * bounds), soft deletes, replies with assets, transactions, backup, and the append-only event
 * table (an UPDATE or DELETE on events fails); a search's prefix words spelled out as the word
 * index's terms (sql_fts_terms, remembered per connection until the database changes); the word
 * index merged back into one b-tree by the checkpointer; the writer's statement journal spilled
 * to its temporary file and read back. */
#include "unit.h"

#include <fcntl.h>
#include <sys/wait.h>

#include "store/schema.h"
#include "store/sql.h"
#include "util/crypto.h"
#include "util/uuid.h"

/* ---- helpers: rows with fixed timestamps ---- */

static int64_t add_user(unit_env *e, int64_t ws, const char *name, const char *email,
                        int64_t created, const char *uuid)
{
    user_row u = {0};
    if (uuid)
        snprintf(u.uuid, sizeof u.uuid, "%s", uuid);
    else
        uuid_v4(u.uuid);
    u.name = (char *)name;
    u.email = (char *)email;
    u.role = "agent";
    u.last_login = NULL_INT;
    u.created_at = u.updated_at = created;
    assert_int_equal(store_user_insert(e->db, ws, &u), ST_OK);
    assert_true(u.id > 0);
    return u.id;
}

static plan_row add_plan(unit_env *e, int64_t ws, const char *name, int64_t created)
{
    plan_row p = {0};
    uuid_v4(p.uuid);
    p.name = (char *)name;
    p.created_at = created;
    assert_int_equal(store_plan_insert(e->db, ws, &p), ST_OK);
    return p;
}

static contact_row add_contact(unit_env *e, int64_t ws, const char *name, int64_t plan_id,
                               int64_t created)
{
    contact_row c = {0};
    uuid_v4(c.uuid);
    c.name = (char *)name;
    c.email = "client@example.com";
    c.country = "PT";
    c.plan_id = plan_id;
    c.user_id = NULL_INT;
    c.created_at = c.updated_at = created;
    assert_int_equal(store_contact_insert(e->db, ws, &c), ST_OK);
    return c;
}

static category_row add_category(unit_env *e, int64_t ws, const char *title, int64_t created)
{
    category_row k = {0};
    uuid_v4(k.uuid);
    k.title = (char *)title;
    k.language = "en";
    k.user_id = NULL_INT;
    k.created_at = k.updated_at = created;
    assert_int_equal(store_category_insert(e->db, ws, &k), ST_OK);
    return k;
}

static ticket_row add_ticket(unit_env *e, int64_t ws, const char *title, int64_t contact_id,
                             int64_t category_id, int64_t user_id, bool open, int64_t created,
                             const char *uuid)
{
    ticket_row t = {0};
    if (uuid)
        snprintf(t.uuid, sizeof t.uuid, "%s", uuid);
    else
        uuid_v4(t.uuid);
    t.title = (char *)title;
    t.description = "desc";
    t.state = open ? "open" : "closed";
    t.is_open = open;
    t.category_id = category_id;
    t.user_id = user_id;
    t.contact_id = contact_id;
    t.chat_id = t.team_id = t.ongoing_at = t.completed_at = NULL_INT;
    t.language = "en";
    t.created_at = t.updated_at = created;
    assert_int_equal(store_ticket_insert(e->db, ws, &t), ST_OK);
    return t;
}

/* ---- migrations ---- */

static void test_migrations_recorded(void **state)
{
    unit_env *e = *state;
    assert_true(schema_sqlite_count >= 1);
    int last = schema_sqlite[schema_sqlite_count - 1].version;
    assert_int_equal(store_schema_version(e->db), last);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM schema_version"), schema_sqlite_count);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM schema_version WHERE version = 1 "
                                       "AND name <> '' AND applied_at > 0"),
                     1);
    /* reopening applies nothing twice and keeps the data */
    store_close(e->st);
    e->st = NULL;
    assert_int_equal(store_open(e->path, &e->st, &e->d), ST_OK);
    e->db = store_conn(e->st);
    e->cx.db = e->db;
    assert_non_null(e->db);
    assert_int_equal(store_schema_version(e->db), last);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM schema_version"), schema_sqlite_count);
    ws_row w;
    assert_int_equal(store_ws_find(e->db, "unit", e->a, &w), ST_OK);
    assert_int_equal(w.id, e->ws.id);
}

static void test_open_bad_path(void **state)
{
    store *st = NULL;
    diag d = {0};
    assert_int_not_equal(store_open("/nonexistent-dir/sub/ticketd.db", &st, &d), ST_OK);
    assert_null(st);
    assert_string_equal(d.field, "db");
    assert_true(d.msg[0] != '\0');
}

/* ---- workspaces and keys ---- */

static void test_workspaces(void **state)
{
    unit_env *e = *state;
    ws_row w = {0}, got;
    uuid_v4(w.uuid);
    w.name = "second";
    w.created_at = 5;
    assert_int_equal(store_ws_insert(e->db, &w), ST_OK);
    assert_true(w.id > e->ws.id);
    assert_int_equal(store_ws_find(e->db, w.uuid, e->a, &got), ST_OK);
    assert_int_equal(got.id, w.id);
    assert_string_equal(got.name, "second");
    assert_int_equal(got.created_at, 5);
    assert_int_equal(store_ws_find(e->db, "second", e->a, &got), ST_OK);
    assert_string_equal(got.uuid, w.uuid);
    assert_int_equal(store_ws_find(e->db, NULL, e->a, &got), ST_OK); /* the first one */
    assert_int_equal(got.id, e->ws.id);
    assert_int_equal(store_ws_find(e->db, "nope", e->a, &got), ST_NOT_FOUND);
    ws_row dup = {0};
    uuid_v4(dup.uuid);
    dup.name = "second";
    assert_int_equal(store_ws_insert(e->db, &dup), ST_CONFLICT);
}

static key_row add_key(unit_env *e, const char *prefix, unsigned char seed,
                       unsigned char hash[SHA256_LEN])
{
    key_row k = {.ws = e->ws.id, .created_at = 100, .revoked_at = NULL_INT};
    uuid_v4(k.uuid);
    snprintf(k.prefix, sizeof k.prefix, "%s", prefix);
    memset(hash, seed, SHA256_LEN);
    assert_int_equal(store_key_insert(e->db, &k, hash), ST_OK);
    assert_true(k.id > 0);
    return k;
}

static void test_keys_by_hash_and_list(void **state)
{
    unit_env *e = *state;
    unsigned char h1[SHA256_LEN], h2[SHA256_LEN], other[SHA256_LEN];
    key_row k1 = add_key(e, "tkd_11111111", 1, h1);
    add_key(e, "tkd_22222222", 2, h2);
    key_row got;
    assert_int_equal(store_key_by_hash(e->db, h1, &got), ST_OK);
    assert_int_equal(got.id, k1.id);
    assert_int_equal(got.ws, e->ws.id);
    assert_string_equal(got.prefix, "tkd_11111111");
    assert_string_equal(got.uuid, k1.uuid);
    assert_int_equal(got.revoked_at, NULL_INT);
    memset(other, 3, sizeof other);
    assert_int_equal(store_key_by_hash(e->db, other, &got), ST_NOT_FOUND);
    /* the same hash twice is refused */
    key_row dup = {.ws = e->ws.id, .created_at = 1, .revoked_at = NULL_INT};
    uuid_v4(dup.uuid);
    snprintf(dup.prefix, sizeof dup.prefix, "tkd_x");
    assert_int_equal(store_key_insert(e->db, &dup, h2), ST_CONFLICT);

    key_row *rows;
    size_t n;
    assert_int_equal(store_key_list(e->db, e->a, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].prefix, "tkd_11111111");
    assert_string_equal(rows[1].prefix, "tkd_22222222");
    assert_string_equal(rows[0].ws_name, "unit");
}

static void test_key_revoke(void **state)
{
    unit_env *e = *state;
    unsigned char h1[SHA256_LEN], h2[SHA256_LEN], h3[SHA256_LEN];
    key_row k1 = add_key(e, "tkd_abcdef01", 1, h1);
    add_key(e, "tkd_abcdef02", 2, h2);
    add_key(e, "tkd_99999999", 3, h3);
    key_row got;
    /* too short a prefix names nothing; a shared prefix names several */
    assert_int_equal(store_key_revoke(e->db, "tkd_abc", 500), ST_NOT_FOUND);
    assert_int_equal(store_key_revoke(e->db, "tkd_abcdef", 500), ST_CONFLICT);
    assert_int_equal(store_key_revoke(e->db, "tkd_zzzzzzzz", 500), ST_NOT_FOUND);
    assert_int_equal(store_key_by_hash(e->db, h1, &got), ST_OK);
    assert_int_equal(got.revoked_at, NULL_INT); /* nothing revoked so far */
    /* by a unique prefix */
    assert_int_equal(store_key_revoke(e->db, "tkd_abcdef02", 500), ST_OK);
    assert_int_equal(store_key_by_hash(e->db, h2, &got), ST_OK);
    assert_int_equal(got.revoked_at, 500);
    assert_int_equal(store_key_by_hash(e->db, h1, &got), ST_OK);
    assert_int_equal(got.revoked_at, NULL_INT);
    /* by uuid; a second revoke keeps the first time */
    assert_int_equal(store_key_revoke(e->db, k1.uuid, 600), ST_OK);
    assert_int_equal(store_key_revoke(e->db, k1.uuid, 700), ST_OK);
    assert_int_equal(store_key_by_hash(e->db, h1, &got), ST_OK);
    assert_int_equal(got.revoked_at, 600);
    assert_int_equal(store_key_by_hash(e->db, h3, &got), ST_OK);
    assert_int_equal(got.revoked_at, NULL_INT);
}

/* ---- users ---- */

static void test_user_insert_get_update_delete(void **state)
{
    unit_env *e = *state;
    user_row u = {0};
    uuid_v4(u.uuid);
    u.name = "Ana";
    u.last_name = "Silva";
    u.email = "ana@example.com";
    u.username = "ana";
    u.role = "admin";
    u.country = "PT";
    u.verified = true;
    u.last_login = NULL_INT;
    u.created_at = 1000;
    u.updated_at = 2000;
    assert_int_equal(store_user_insert(e->db, e->ws.id, &u), ST_OK);
    user_row got;
    assert_int_equal(store_user_get(e->db, e->ws.id, u.uuid, e->a, &got), ST_OK);
    assert_int_equal(got.id, u.id);
    assert_string_equal(got.name, "Ana");
    assert_string_equal(got.last_name, "Silva");
    assert_string_equal(got.email, "ana@example.com");
    assert_string_equal(got.username, "ana");
    assert_string_equal(got.role, "admin");
    assert_string_equal(got.country, "PT");
    assert_null(got.password_hash);
    assert_true(got.verified);
    assert_int_equal(got.last_login, NULL_INT);
    assert_int_equal(got.created_at, 1000);
    assert_int_equal(got.updated_at, 2000);

    got.name = "Ana Maria";
    got.last_name = NULL;
    got.updated_at = 3000;
    assert_int_equal(store_user_update(e->db, e->ws.id, &got), ST_OK);
    user_row again;
    assert_int_equal(store_user_get(e->db, e->ws.id, u.uuid, e->a, &again), ST_OK);
    assert_string_equal(again.name, "Ana Maria");
    assert_null(again.last_name);
    assert_int_equal(again.updated_at, 3000);
    assert_int_equal(again.created_at, 1000);

    int64_t refs = -1;
    assert_int_equal(store_user_refs(e->db, e->ws.id, u.id, &refs), ST_OK);
    assert_int_equal(refs, 0);
    assert_int_equal(store_user_delete(e->db, e->ws.id, u.id), ST_OK);
    assert_int_equal(store_user_get(e->db, e->ws.id, u.uuid, e->a, &got), ST_NOT_FOUND);
}

static void test_user_unique_email_and_username(void **state)
{
    unit_env *e = *state;
    add_user(e, e->ws.id, "A", "dup@example.com", 1, NULL);
    user_row u = {0};
    uuid_v4(u.uuid);
    u.name = "B";
    u.email = "DUP@example.COM"; /* case-insensitive */
    u.role = "agent";
    assert_int_equal(store_user_insert(e->db, e->ws.id, &u), ST_CONFLICT);
    /* another workspace may use the same email */
    ws_row w = {0};
    uuid_v4(w.uuid);
    w.name = "other";
    assert_int_equal(store_ws_insert(e->db, &w), ST_OK);
    uuid_v4(u.uuid);
    assert_int_equal(store_user_insert(e->db, w.id, &u), ST_OK);
    /* usernames: unique when set, NULL any number of times */
    user_row a = {0}, b = {0}, c = {0};
    uuid_v4(a.uuid), uuid_v4(b.uuid), uuid_v4(c.uuid);
    a.name = b.name = c.name = "x";
    a.role = b.role = c.role = "agent";
    a.email = "a@x", b.email = "b@x", c.email = "c@x";
    a.username = "Same";
    b.username = "same";
    assert_int_equal(store_user_insert(e->db, e->ws.id, &a), ST_OK);
    assert_int_equal(store_user_insert(e->db, e->ws.id, &b), ST_CONFLICT);
    assert_int_equal(store_user_insert(e->db, e->ws.id, &c), ST_OK);
    /* get is scoped by workspace */
    user_row got;
    assert_int_equal(store_user_get(e->db, w.id, a.uuid, e->a, &got), ST_NOT_FOUND);
}

static void test_user_list_paging_totals(void **state)
{
    unit_env *e = *state;
    char email[32];
    for (int i = 0; i < 7; i++) {
        snprintf(email, sizeof email, "u%d@x", i);
        add_user(e, e->ws.id, "n", email, 1000000 + i * 1000, NULL);
    }
    user_row *rows;
    size_t n;
    int64_t total;
    list_page pg = unit_page(0, 3);
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 3);
    assert_int_equal(total, 7);
    assert_string_equal(rows[0].email, "u0@x");
    assert_string_equal(rows[2].email, "u2@x");
    pg = unit_page(6, 3);
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 7);
    assert_string_equal(rows[0].email, "u6@x");
    pg = unit_page(7, 3); /* past the end: no rows, the total still counts */
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(total, 7);
    pg = unit_page(0, 2);
    pg.desc = true;
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].email, "u6@x");
    assert_string_equal(rows[1].email, "u5@x");
    /* another workspace sees none of them */
    ws_row w = {0};
    uuid_v4(w.uuid);
    w.name = "empty";
    assert_int_equal(store_ws_insert(e->db, &w), ST_OK);
    pg = unit_page(0, 10);
    assert_int_equal(store_user_list(e->db, w.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(total, 0);
}

/* Rows created within the same second tie, and the tie breaks on the uuid (both directions). */
static void test_list_ties_on_uuid(void **state)
{
    unit_env *e = *state;
    /* inserted out of uuid order, with the millisecond order opposite to the uuid order */
    add_user(e, e->ws.id, "c", "c@x", 5000, "cccccccc-0000-4000-8000-000000000000");
    add_user(e, e->ws.id, "a", "a@x", 5999, "aaaaaaaa-0000-4000-8000-000000000000");
    add_user(e, e->ws.id, "b", "b@x", 5500, "bbbbbbbb-0000-4000-8000-000000000000");
    add_user(e, e->ws.id, "z", "z@x", 4999, "ffffffff-0000-4000-8000-000000000000");
    user_row *rows;
    size_t n;
    int64_t total;
    list_page pg = unit_page(0, 10);
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 4);
    assert_string_equal(rows[0].name, "z"); /* second 4 first */
    assert_string_equal(rows[1].name, "a");
    assert_string_equal(rows[2].name, "b");
    assert_string_equal(rows[3].name, "c");
    pg.desc = true;
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_string_equal(rows[0].name, "c");
    assert_string_equal(rows[1].name, "b");
    assert_string_equal(rows[2].name, "a");
    assert_string_equal(rows[3].name, "z");
    /* paging through ties neither repeats nor skips a row */
    pg = unit_page(0, 1);
    const char *want = "zabc";
    for (int i = 0; i < 4; i++) {
        pg.offset = i;
        assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
        assert_int_equal(n, 1);
        assert_int_equal(rows[0].name[0], want[i]);
    }
    /* by name, ties on uuid too */
    add_user(e, e->ws.id, "a", "a2@x", 1, "00000000-0000-4000-8000-000000000000");
    pg = unit_page(0, 10);
    pg.sort = SORT_NAME;
    assert_int_equal(store_user_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 5);
    assert_string_equal(rows[0].email, "a2@x");
    assert_string_equal(rows[1].email, "a@x");
    assert_string_equal(rows[2].name, "b");
    assert_string_equal(rows[4].name, "z");
}

static void test_list_time_bounds(void **state)
{
    unit_env *e = *state;
    add_plan(e, e->ws.id, "p9", 9999);   /* second 9 */
    add_plan(e, e->ws.id, "p10", 10000); /* second 10 */
    add_plan(e, e->ws.id, "p10b", 10999);
    add_plan(e, e->ws.id, "p11", 11000);
    add_plan(e, e->ws.id, "p12", 12500);
    plan_row *rows;
    size_t n;
    int64_t total;
    list_page pg = unit_page(0, 10);
    pg.from_s = 10;
    pg.to_s = 11; /* inclusive whole seconds: 10.000 .. 11.999 */
    assert_int_equal(store_plan_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 3);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].name, rows[0].created_at == 10000 ? "p10" : "p10b");
    assert_string_equal(rows[2].name, "p11");
    pg.from_s = NULL_INT;
    pg.to_s = 9;
    assert_int_equal(store_plan_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].name, "p9");
    pg.from_s = 12;
    pg.to_s = NULL_INT;
    assert_int_equal(store_plan_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].name, "p12");
    pg.from_s = 13;
    assert_int_equal(store_plan_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
}

/* ---- contacts and plans ---- */

static void test_contacts_and_plans(void **state)
{
    unit_env *e = *state;
    plan_row p = add_plan(e, e->ws.id, "Gold", 10);
    plan_row got_p;
    assert_int_equal(store_plan_get(e->db, e->ws.id, p.uuid, e->a, &got_p), ST_OK);
    assert_string_equal(got_p.name, "Gold");
    assert_string_equal(got_p.attrs, "{}"); /* default */
    contact_row c = add_contact(e, e->ws.id, "Client", p.id, 20);
    contact_row none = add_contact(e, e->ws.id, "No plan", NULL_INT, 30);
    contact_row got;
    assert_int_equal(store_contact_get(e->db, e->ws.id, c.uuid, e->a, &got), ST_OK);
    assert_string_equal(got.name, "Client");
    assert_string_equal(got.email, "client@example.com");
    assert_string_equal(got.country, "PT");
    assert_int_equal(got.plan_id, p.id);
    assert_string_equal(got.plan_uuid, p.uuid);
    assert_int_equal(store_contact_get(e->db, e->ws.id, none.uuid, e->a, &got), ST_OK);
    assert_int_equal(got.plan_id, NULL_INT);
    assert_null(got.plan_uuid);

    int64_t refs = 0;
    assert_int_equal(store_plan_refs(e->db, e->ws.id, p.id, &refs), ST_OK);
    assert_int_equal(refs, 1);
    /* update drops the plan */
    got.plan_id = NULL_INT;
    assert_int_equal(store_contact_get(e->db, e->ws.id, c.uuid, e->a, &got), ST_OK);
    got.plan_id = NULL_INT;
    got.name = "Renamed";
    assert_int_equal(store_contact_update(e->db, e->ws.id, &got), ST_OK);
    assert_int_equal(store_contact_get(e->db, e->ws.id, c.uuid, e->a, &got), ST_OK);
    assert_string_equal(got.name, "Renamed");
    assert_int_equal(got.plan_id, NULL_INT);
    assert_int_equal(store_plan_refs(e->db, e->ws.id, p.id, &refs), ST_OK);
    assert_int_equal(refs, 0);

    contact_row *rows;
    size_t n;
    int64_t total;
    list_page pg = unit_page(0, 1);
    assert_int_equal(store_contact_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 2);
    pg.sort = SORT_NAME;
    assert_int_equal(store_contact_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_string_equal(rows[0].name, "No plan");

    assert_int_equal(store_plan_delete(e->db, e->ws.id, p.id), ST_OK);
    assert_int_equal(store_plan_get(e->db, e->ws.id, p.uuid, e->a, &got_p), ST_NOT_FOUND);
    assert_int_equal(store_contact_delete(e->db, e->ws.id, none.id), ST_OK);
    assert_int_equal(store_contact_get(e->db, e->ws.id, none.uuid, e->a, &got), ST_NOT_FOUND);
}

/* A plan still used by a client cannot go (foreign keys are on). */
static void test_foreign_keys_enforced(void **state)
{
    unit_env *e = *state;
    plan_row p = add_plan(e, e->ws.id, "Gold", 10);
    add_contact(e, e->ws.id, "Client", p.id, 20);
    assert_int_not_equal(store_plan_delete(e->db, e->ws.id, p.id), ST_OK);
    plan_row got;
    assert_int_equal(store_plan_get(e->db, e->ws.id, p.uuid, e->a, &got), ST_OK);
}

/* ---- categories ---- */

static void test_category_lists_and_soft_delete(void **state)
{
    unit_env *e = *state;
    plan_row p1 = add_plan(e, e->ws.id, "P1", 1), p2 = add_plan(e, e->ws.id, "P2", 2);
    int64_t uid = add_user(e, e->ws.id, "Agent", "agent@x", 1, NULL);
    category_row k = {0};
    uuid_v4(k.uuid);
    k.title = "Billing";
    k.language = "pt-BR";
    k.auto_reply = "Thanks";
    k.user_id = uid;
    const char *subs[] = {"invoices", "refunds", "other"};
    k.subcategories = (char **)subs;
    k.n_subcategories = 3;
    int64_t plans[] = {p2.id, p1.id};
    k.plan_ids = plans;
    k.n_plans = 2;
    k.created_at = k.updated_at = 1000;
    assert_int_equal(store_category_insert(e->db, e->ws.id, &k), ST_OK);
    category_row got;
    assert_int_equal(store_category_get(e->db, e->ws.id, k.uuid, e->a, &got), ST_OK);
    assert_string_equal(got.title, "Billing");
    assert_string_equal(got.language, "pt-BR");
    assert_string_equal(got.auto_reply, "Thanks");
    assert_int_equal(got.user_id, uid);
    assert_non_null(got.user_uuid);
    assert_int_equal(got.n_subcategories, 3);
    assert_string_equal(got.subcategories[0], "invoices");
    assert_string_equal(got.subcategories[2], "other");
    assert_int_equal(got.n_plans, 2);
    assert_int_equal(got.plan_ids[0], p2.id); /* in the order given */
    assert_string_equal(got.plan_uuids[1], p1.uuid);
    int64_t refs = 0;
    assert_int_equal(store_user_refs(e->db, e->ws.id, uid, &refs), ST_OK);
    assert_int_equal(refs, 1);
    assert_int_equal(store_plan_refs(e->db, e->ws.id, p1.id, &refs), ST_OK);
    assert_int_equal(refs, 1);

    /* update replaces both lists */
    const char *subs2[] = {"only"};
    got.subcategories = (char **)subs2;
    got.n_subcategories = 1;
    got.n_plans = 0;
    got.auto_reply = NULL;
    got.user_id = NULL_INT;
    got.title = "Billing 2";
    assert_int_equal(store_category_update(e->db, e->ws.id, &got), ST_OK);
    category_row again;
    assert_int_equal(store_category_get(e->db, e->ws.id, k.uuid, e->a, &again), ST_OK);
    assert_string_equal(again.title, "Billing 2");
    assert_null(again.auto_reply);
    assert_int_equal(again.user_id, NULL_INT);
    assert_null(again.user_uuid);
    assert_int_equal(again.n_subcategories, 1);
    assert_string_equal(again.subcategories[0], "only");
    assert_int_equal(again.n_plans, 0);

    category_row other = add_category(e, e->ws.id, "Another", 2000);
    category_row *rows;
    size_t n;
    int64_t total;
    list_page pg = unit_page(0, 10);
    assert_int_equal(store_category_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    pg.sort = SORT_TITLE;
    assert_int_equal(store_category_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_string_equal(rows[0].title, "Another");
    assert_string_equal(rows[1].title, "Billing 2");
    assert_int_equal(rows[1].n_subcategories, 1);

    assert_int_equal(store_category_delete(e->db, e->ws.id, k.id, 3000), ST_OK);
    assert_int_equal(store_category_get(e->db, e->ws.id, k.uuid, e->a, &got), ST_NOT_FOUND);
    assert_int_equal(store_category_list(e->db, e->ws.id, &pg, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, other.uuid);
    /* the row is hidden, not gone */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM categories WHERE deleted_at = 3000"),
                     1);
}

/* ---- tickets, replies, assets ---- */

static void test_ticket_insert_get_update(void **state)
{
    unit_env *e = *state;
    contact_row c = add_contact(e, e->ws.id, "Client", NULL_INT, 1);
    category_row k = add_category(e, e->ws.id, "Support", 1);
    int64_t uid = add_user(e, e->ws.id, "Agent", "agent@x", 1, NULL);
    ticket_row t = add_ticket(e, e->ws.id, "Printer", c.id, k.id, NULL_INT, true, 5000, NULL);
    ticket_row got;
    assert_int_equal(store_ticket_get(e->db, e->ws.id, t.uuid, e->a, &got), ST_OK);
    assert_int_equal(got.id, t.id);
    assert_string_equal(got.title, "Printer");
    assert_string_equal(got.description, "desc");
    assert_string_equal(got.state, "open");
    assert_true(got.is_open);
    assert_int_equal(got.category_id, k.id);
    assert_string_equal(got.category_title, "Support");
    assert_int_equal(got.user_id, NULL_INT);
    assert_null(got.user_uuid);
    assert_int_equal(got.contact_id, c.id);
    assert_string_equal(got.contact_uuid, c.uuid);
    assert_string_equal(got.contact_name, "Client");
    assert_string_equal(got.contact_email, "client@example.com");
    assert_null(got.subcategory);
    assert_int_equal(got.created_at, 5000);

    got.state = "closed";
    got.is_open = false;
    got.user_id = uid;
    got.title = "Printer on fire";
    got.updated_at = 6000;
    assert_int_equal(store_ticket_update(e->db, e->ws.id, &got), ST_OK);
    ticket_row again;
    assert_int_equal(store_ticket_get(e->db, e->ws.id, t.uuid, e->a, &again), ST_OK);
    assert_string_equal(again.state, "closed");
    assert_false(again.is_open);
    assert_int_equal(again.user_id, uid);
    assert_non_null(again.user_uuid);
    assert_string_equal(again.title, "Printer on fire");
    assert_int_equal(again.updated_at, 6000);
    assert_int_equal(again.created_at, 5000);
    int64_t refs = 0;
    assert_int_equal(store_contact_refs(e->db, e->ws.id, c.id, &refs), ST_OK);
    assert_int_equal(refs, 1);
    assert_int_equal(store_user_refs(e->db, e->ws.id, uid, &refs), ST_OK);
    assert_int_equal(refs, 1);
    /* another workspace cannot see it */
    assert_int_equal(store_ticket_get(e->db, e->ws.id + 1000, t.uuid, e->a, &again), ST_NOT_FOUND);
}

static void test_ticket_list_filters(void **state)
{
    unit_env *e = *state;
    contact_row c1 = add_contact(e, e->ws.id, "C1", NULL_INT, 1);
    contact_row c2 = add_contact(e, e->ws.id, "C2", NULL_INT, 1);
    category_row k = add_category(e, e->ws.id, "Support", 1);
    int64_t u1 = add_user(e, e->ws.id, "U1", "u1@x", 1, NULL);
    add_ticket(e, e->ws.id, "Printer jam", c1.id, k.id, u1, true, 1000, NULL);
    add_ticket(e, e->ws.id, "printer toner", c1.id, k.id, NULL_INT, false, 2000, NULL);
    add_ticket(e, e->ws.id, "Login 100% broken", c2.id, k.id, u1, true, 3000, NULL);
    add_ticket(e, e->ws.id, "Login_fails", c2.id, k.id, NULL_INT, true, 4000, NULL);
    ticket_row *rows;
    size_t n;
    int64_t total;
    ticket_filter f = {
        .pg = unit_page(0, 10), .is_open = -1, .user_id = NULL_INT, .contact_id = NULL_INT};
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 4);
    assert_string_equal(rows[0].title, "Printer jam");
    assert_string_equal(rows[3].title, "Login_fails");
    f.is_open = 1;
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 3);
    f.is_open = 0;
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "printer toner");
    f.is_open = -1;
    f.user_id = u1;
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    f.contact_id = c2.id;
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "Login 100% broken");
    f.user_id = NULL_INT;
    f.contact_id = c1.id;
    f.title_contains = "PRINTER"; /* case-insensitive */
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    f.contact_id = NULL_INT;
    f.title_contains = "%"; /* a plain character, not a LIKE wildcard */
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "Login 100% broken");
    f.title_contains = "_";
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "Login_fails");
    f.title_contains = "nothing like it";
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
    /* by title, paged, with the total of the whole filter */
    f.title_contains = NULL;
    f.pg = unit_page(1, 2);
    f.pg.sort = SORT_TITLE;
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 4);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].title, "Login_fails");
    assert_string_equal(rows[1].title, "Printer jam");
}

static void test_ticket_soft_delete_hidden(void **state)
{
    unit_env *e = *state;
    contact_row c = add_contact(e, e->ws.id, "C", NULL_INT, 1);
    ticket_row t1 = add_ticket(e, e->ws.id, "one", c.id, NULL_INT, NULL_INT, true, 1000, NULL);
    add_ticket(e, e->ws.id, "two", c.id, NULL_INT, NULL_INT, true, 2000, NULL);
    assert_int_equal(store_ticket_delete(e->db, e->ws.id, t1.id, 9000), ST_OK);
    ticket_row got;
    assert_int_equal(store_ticket_get(e->db, e->ws.id, t1.uuid, e->a, &got), ST_NOT_FOUND);
    ticket_row *rows;
    size_t n;
    int64_t total;
    ticket_filter f = {
        .pg = unit_page(0, 10), .is_open = -1, .user_id = NULL_INT, .contact_id = NULL_INT};
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].title, "two");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets WHERE deleted_at = 9000"), 1);
}

static void test_replies_and_assets(void **state)
{
    unit_env *e = *state;
    contact_row c = add_contact(e, e->ws.id, "C", NULL_INT, 1);
    ticket_row t1 = add_ticket(e, e->ws.id, "one", c.id, NULL_INT, NULL_INT, true, 1000, NULL);
    ticket_row t2 = add_ticket(e, e->ws.id, "two", c.id, NULL_INT, NULL_INT, true, 2000, NULL);
    ticket_row t3 = add_ticket(e, e->ws.id, "three", c.id, NULL_INT, NULL_INT, true, 3000, NULL);
    asset_row as = {0};
    uuid_v4(as.uuid);
    as.filename = "shot.png";
    as.extension = "png";
    as.filesize = 1234;
    as.type = "image";
    as.mime_type = "image/png";
    as.version = 1;
    as.status = "ready";
    as.width = 640;
    as.height = NULL_INT;
    as.created_at = as.updated_at = 10;
    assert_int_equal(store_asset_insert(e->db, e->ws.id, &as), ST_OK);
    asset_row got_as;
    assert_int_equal(store_asset_get(e->db, e->ws.id, as.uuid, e->a, &got_as), ST_OK);
    assert_string_equal(got_as.filename, "shot.png");
    assert_int_equal(got_as.width, 640);
    assert_int_equal(got_as.height, NULL_INT);
    assert_int_equal(got_as.n_thumbs, 0);

    /* replies: t1 gets two (inserted newest first), t2 one, t3 none */
    reply_row r[3] = {0};
    const int64_t when[] = {200, 100, 150};
    const int64_t owner[] = {t1.id, t1.id, t2.id};
    const char *text[] = {"later", "earlier", "t2 reply"};
    for (int i = 0; i < 3; i++) {
        uuid_v4(r[i].uuid);
        r[i].text = (char *)text[i];
        r[i].is_client = i == 1;
        r[i].user_id = NULL_INT;
        r[i].contact_id = i == 1 ? c.id : NULL_INT;
        r[i].created_at = when[i];
        assert_int_equal(store_reply_insert(e->db, e->ws.id, owner[i], &r[i]), ST_OK);
    }
    assert_int_equal(store_reply_link_asset(e->db, r[0].id, t1.id, as.id, 0), ST_OK);
    assert_int_equal(store_reply_link_asset(e->db, r[0].id, t1.id, as.id, 0), ST_OK); /* once */

    ticket_row ts[3] = {t3, t1, t2};
    assert_int_equal(store_ticket_load_replies(e->db, ts, 3, e->a), ST_OK);
    assert_int_equal(ts[0].n_replies, 0);
    assert_int_equal(ts[1].n_replies, 2);
    assert_string_equal(ts[1].replies[0].text, "earlier"); /* oldest first */
    assert_true(ts[1].replies[0].is_client);
    assert_int_equal(ts[1].replies[0].contact_id, c.id);
    assert_string_equal(ts[1].replies[1].text, "later");
    assert_int_equal(ts[1].replies[1].n_assets, 1);
    assert_string_equal(ts[1].replies[1].assets[0].uuid, as.uuid);
    assert_string_equal(ts[1].replies[1].assets[0].mime_type, "image/png");
    assert_int_equal(ts[1].replies[0].n_assets, 0);
    assert_int_equal(ts[2].n_replies, 1);
    assert_string_equal(ts[2].replies[0].text, "t2 reply");
    assert_int_equal(store_ticket_load_replies(e->db, ts, 0, e->a), ST_OK);
}

/* ---- events ---- */

static void test_events_append_only(void **state)
{
    unit_env *e = *state;
    contact_row c = add_contact(e, e->ws.id, "C", NULL_INT, 1);
    ticket_row t = add_ticket(e, e->ws.id, "one", c.id, NULL_INT, NULL_INT, true, 1000, NULL);
    for (int i = 0; i < 3; i++) {
        event_row ev = {.ticket_id = t.id,
                        .type = i ? "ticket.assigned" : "ticket.created",
                        .actor_type = "system",
                        .data = "{}",
                        .created_at = 100 + i};
        uuid_v4(ev.uuid);
        assert_int_equal(store_event_insert(e->db, e->ws.id, &ev), ST_OK);
        /* its id is noted for the webhook outbox once the INSERT has run (at once here) */
        assert_true(e->db->outbox_last > 0 && e->db->outbox_first <= e->db->outbox_last);
    }
    assert_int_equal(store_sync(e->db), ST_OK);
    event_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(store_event_list(e->db, e->ws.id, t.id, 0, 10, e->a, &rows, &n, &total),
                     ST_OK);
    assert_int_equal(total, 3);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].type, "ticket.created"); /* oldest first */
    assert_true(rows[0].id < rows[1].id && rows[1].id < rows[2].id);
    assert_null(rows[0].actor_id);
    assert_string_equal(rows[0].data, "{}");
    assert_int_equal(store_event_list(e->db, e->ws.id, t.id, 2, 10, e->a, &rows, &n, &total),
                     ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 3);

    /* the database refuses to change or remove an event */
    assert_int_not_equal(db_exec(e->db, "UPDATE events SET type = 'forged'"), ST_OK);
    assert_int_not_equal(db_exec(e->db, "DELETE FROM events"), ST_OK);
    db_stmt *s = db_prepare(e->db, "DELETE FROM events WHERE id = ?");
    assert_non_null(s);
    db_bind_int(s, 1, rows[0].id);
    assert_true(db_step(s) < 0);
    db_reset(s);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events"), 3);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events WHERE type = 'forged'"), 0);
    /* an unrelated ticket has no events */
    ticket_row t2 = add_ticket(e, e->ws.id, "two", c.id, NULL_INT, NULL_INT, true, 1000, NULL);
    assert_int_equal(store_event_list(e->db, e->ws.id, t2.id, 0, 10, e->a, &rows, &n, &total),
                     ST_OK);
    assert_int_equal(total, 0);
}

/* ---- transactions and backup ---- */

static void test_transactions(void **state)
{
    unit_env *e = *state;
    /* no assertion inside a transaction: a failed one must not leave the writer lock held */
    plan_row gone = {0}, kept = {0}, got;
    uuid_v4(gone.uuid);
    gone.name = "rolled back";
    uuid_v4(kept.uuid);
    kept.name = "committed";
    assert_int_equal(store_begin(e->db), ST_OK);
    status st = store_plan_insert(e->db, e->ws.id, &gone);
    store_rollback(e->db);
    assert_int_equal(st, ST_OK);
    assert_int_equal(store_plan_get(e->db, e->ws.id, gone.uuid, e->a, &got), ST_NOT_FOUND);
    assert_int_equal(store_begin(e->db), ST_OK);
    st = store_plan_insert(e->db, e->ws.id, &kept);
    status cst = store_commit(e->db);
    assert_int_equal(st, ST_OK);
    assert_int_equal(cst, ST_OK);
    assert_int_equal(store_plan_get(e->db, e->ws.id, kept.uuid, e->a, &got), ST_OK);
    store_rollback(e->db); /* outside a transaction: harmless */
    assert_int_equal(store_plan_get(e->db, e->ws.id, kept.uuid, e->a, &got), ST_OK);
    /* a read snapshot ends with commit */
    assert_int_equal(store_begin_read(e->db), ST_OK);
    int64_t n = unit_count(e->db, "SELECT count(*) FROM plans");
    assert_int_equal(store_commit(e->db), ST_OK);
    assert_int_equal(n, 1);
}

/* store_change_stamp: the same bytes while nobody commits (reads and a snapshot do not move
 * it); a commit of this connection or of another one (as another process's) does; `before`
 * says whether the connection's snapshot is still to be taken. */
static void test_change_stamp(void **state)
{
    unit_env *e = *state;
    store_stamp s1, s2;
    bool before = false;
    assert_int_equal(store_change_stamp(e->db, &s1, &before), ST_OK);
    assert_true(before);
    assert_int_equal(store_change_stamp(e->db, &s2, &before), ST_OK);
    assert_memory_equal(&s1, &s2, sizeof s1);
    assert_int_equal(store_begin_read(e->db), ST_OK);
    int64_t n = unit_count(e->db, "SELECT count(*) FROM plans");
    status st = store_change_stamp(e->db, &s2, &before);
    store_rollback(e->db);
    assert_int_equal(n, 0);
    assert_int_equal(st, ST_OK);
    assert_false(before); /* the snapshot is open: it may be older than the stamp */
    assert_memory_equal(&s1, &s2, sizeof s1);

    plan_row p = {.name = "stamped"};
    uuid_v4(p.uuid);
    assert_int_equal(store_begin(e->db), ST_OK);
    st = store_plan_insert(e->db, e->ws.id, &p);
    status cst = store_commit(e->db);
    assert_int_equal(st, ST_OK);
    assert_int_equal(cst, ST_OK);
    assert_int_equal(store_change_stamp(e->db, &s2, &before), ST_OK);
    assert_memory_not_equal(&s1, &s2, sizeof s1);

    /* a checkpoint moves no data: the stamp stays */
    assert_int_equal(db_exec(e->db, "PRAGMA wal_checkpoint(PASSIVE)"), ST_OK);
    assert_int_equal(store_change_stamp(e->db, &s1, &before), ST_OK);
    assert_memory_equal(&s1, &s2, sizeof s1);

    /* Reading stamps leaves SQLite's locks on the -shm file as they were: another process
     * still sees this one's shared "DMS" lock (byte 128), which tells it the index is in use
     * (closing any descriptor of that file would have dropped it, and the next process to
     * open the store would have truncated the live index). */
    char shm[4096];
    snprintf(shm, sizeof shm, "%s-shm", e->path);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        int fd = open(shm, O_RDWR);
        struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
        _exit(fd >= 0 && fcntl(fd, F_GETLK, &l) == 0 && l.l_type == F_RDLCK ? 0 : 1);
    }
    int wst = 0;
    assert_int_equal(waitpid(child, &wst, 0), child);
    assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);

    db *other = NULL;
    diag d = {0};
    assert_int_equal(db_sqlite_driver.open(e->path, &other, &d), ST_OK);
    st = db_exec(other, "INSERT INTO settings (name, value) VALUES ('stamp test', 'x')");
    db_sqlite_driver.close(other);
    assert_int_equal(st, ST_OK);
    assert_int_equal(store_change_stamp(e->db, &s2, &before), ST_OK);
    assert_memory_not_equal(&s1, &s2, sizeof s1);
}

/* Migration 016: a ticket's search document is written by the writer's COMMIT (store.c
 * fts_flush), once per transaction; a rolled-back ticket leaves neither document nor queue row. */
static void test_fts_document_at_commit(void **state)
{
    unit_env *e = *state;
    contact_row c = add_contact(e, e->ws.id, "Zoe Quark", NULL_INT, 1);
    category_row k = add_category(e, e->ws.id, "Support", 1);
    db *w = NULL;
    ticket_row kept = {0}, gone = {0};
    assert_int_equal(store_write_begin(e->st, &w), ST_OK);
    kept = add_ticket((unit_env[]){{.db = w}}, e->ws.id, "Printer smoke", c.id, k.id, NULL_INT,
                      true, 5000, NULL);
    int64_t queued = unit_count(w, "SELECT count(*) FROM ticket_fts_queue");
    int64_t before = unit_count(w, "SELECT count(*) FROM ticket_fts");
    assert_int_equal(store_write_end(e->st, true), ST_OK);
    assert_int_equal(queued, 1);
    assert_int_equal(before, 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_fts_queue"), 0);
    char *sql = arena_printf(e->a,
                             "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH 'smoke AND "
                             "quark' AND rowid = %lld",
                             (long long)kept.id);
    assert_int_equal(unit_count(e->db, sql), 1);

    assert_int_equal(store_write_begin(e->st, &w), ST_OK);
    gone = add_ticket((unit_env[]){{.db = w}}, e->ws.id, "Toaster smoke", c.id, k.id, NULL_INT,
                      true, 6000, NULL);
    assert_int_equal(store_write_end(e->st, false), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_fts_queue"), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH "
                                       "'toaster'"),
                     0);
    assert_true(gone.id > 0);
}

/* The checkpointer merges the word index's b-trees (one more per commit that wrote a document)
 * back into one (store.c fts_round), and every document is still found. The wait polls the
 * index with a deadline: no assertion on how long it takes. */
static void test_fts_trees_merged(void **state)
{
    unit_env *e = *state;
    contact_row c = add_contact(e, e->ws.id, "Ann Merge", NULL_INT, 1);
    category_row k = add_category(e, e->ws.id, "Support", 1);
    enum { TICKETS = 24 };
    for (int i = 0; i < TICKETS; i++) {
        db *w = NULL;
        assert_int_equal(store_write_begin(e->st, &w), ST_OK);
        add_ticket((unit_env[]){{.db = w}}, e->ws.id, i % 2 ? "Paper jam" : "Toner jam", c.id, k.id,
                   NULL_INT, true, 1000 + i, NULL);
        assert_int_equal(store_write_end(e->st, true), ST_OK);
    }
    const char *trees = "SELECT count(DISTINCT segid) FROM ticket_fts_idx";
    assert_true(unit_count(e->db, trees) > 1);
    assert_int_equal(store_start_maintenance(e->st), ST_OK);
    for (int tries = 0; tries < 3000 && unit_count(e->db, trees) > 1; tries++)
        usleep(10 * 1000);
    assert_int_equal(unit_count(e->db, trees), 1);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH "
                                       "'jam'"),
                     TICKETS);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH "
                                       "'toner AND merge'"),
                     TICKETS / 2);
}

/* The writer's statement journal is held in memory up to LIMIT_DB_STMT_JOURNAL_BYTES and then
 * written to a temporary file in one go (db_sqlite.c configure): one statement that changes
 * ~2.4 MB of pages in a savepoint spills it (SQLite 3.40's unix VFS answered SQLITE_FULL to that
 * write, as to activating a webhook endpoint with 20,000 queued deliveries), and rolling back to
 * the savepoint reads every page back from the file. */
static void test_writer_journal_spill(void **state)
{
    unit_env *e = *state;
    enum { ROWS = 600, BYTES = 3000 }; /* a row a page: ~600 pages journaled, 4 KiB each */
    assert_true((int64_t)ROWS * 4096 > 2 * LIMIT_DB_STMT_JOURNAL_BYTES);
    assert_int_equal(db_exec(e->db, "CREATE TABLE spill (id INTEGER PRIMARY KEY, b BLOB);"
                                    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
                                    "k WHERE i < 600) INSERT INTO spill (b) SELECT "
                                    "randomblob(3000) FROM k"),
                     ST_OK);
    const char *zeroed = "SELECT count(*) FROM spill WHERE b = zeroblob(3000)";
    db *w = NULL;
    assert_int_equal(store_write_begin(e->st, &w), ST_OK);
    status sp = db_exec(w, "SAVEPOINT spill");
    status up = db_exec(w, "UPDATE spill SET b = zeroblob(3000)");
    int64_t inside = unit_count(w, zeroed);
    status back = db_exec(w, "ROLLBACK TO spill");
    int64_t after = unit_count(w, zeroed);
    status rel = db_exec(w, "RELEASE spill");
    assert_int_equal(store_write_end(e->st, true), ST_OK);
    assert_int_equal(sp, ST_OK);
    assert_int_equal(up, ST_OK);
    assert_int_equal(inside, ROWS);
    assert_int_equal(back, ST_OK);
    assert_int_equal(after, 0);
    assert_int_equal(rel, ST_OK);
    assert_int_equal(unit_count(e->db, zeroed), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM spill WHERE length(b) = 3000"), ROWS);
}

static void test_backup(void **state)
{
    unit_env *e = *state;
    plan_row p = add_plan(e, e->ws.id, "in the copy", 1);
    char file[192];
    snprintf(file, sizeof file, "%s/backup.db", e->dir);
    assert_int_equal(store_backup(e->db, file, &e->d), ST_OK);
    add_plan(e, e->ws.id, "after the copy", 2);
    store *copy = NULL;
    diag d = {0};
    assert_int_equal(store_open(file, &copy, &d), ST_OK);
    db *c = store_conn(copy);
    assert_non_null(c);
    plan_row got;
    assert_int_equal(store_plan_get(c, e->ws.id, p.uuid, e->a, &got), ST_OK);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM plans"), 1);
    store_close(copy);
    e->db = store_conn(e->st); /* back to the original store on this thread */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM plans"), 2);
}

static void test_fts_terms(void **state)
{
    unit_env *e = *state;
    /* Word index rows of their own: bench, benchmark, benchmarks, kiwi00..kiwi16 (17 terms). */
    assert_int_equal(db_exec(e->db, "INSERT INTO ticket_fts (rowid, summary, owner, messages) "
                                    "VALUES (900001, 'Bench', '', 'benchmark Café'), "
                                    "(900002, 'benchmarks', '', 'zeta')"),
                     ST_OK);
    for (int i = 0; i <= 16; i++) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 "INSERT INTO ticket_fts (rowid, summary, owner, messages) VALUES (%d, "
                 "'kiwi%02d', '', '')",
                 900100 + i, i);
        assert_int_equal(db_exec(e->db, sql), ST_OK);
    }
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"\"Bench\"*", "(\"bench\" OR \"benchmark\" OR \"benchmarks\")"},
        {"\"benchmarks\"* \"ZETA\"*", "(\"benchmarks\") AND (\"zeta\")"},
        {"\"kiwi1\"*", "(\"kiwi10\" OR \"kiwi11\" OR \"kiwi12\" OR \"kiwi13\" OR \"kiwi14\" OR "
                       "\"kiwi15\" OR \"kiwi16\")"},
        {"\"kiwi\"*", "\"kiwi\"*"}, /* 17 terms: left a prefix */
        {"\"Café\"*", "\"Café\"*"}, /* not ASCII: the tokenizer folds it */
        {"\"nothing\"* \"bench\"*",
         "\"nothing\"* AND (\"bench\" OR \"benchmark\" OR \"benchmarks\")"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(sql_fts_terms(e->db, cases[i].in, e->a), cases[i].out);
    /* The same rows either way. */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *q[2] = {cases[i].in, sql_fts_terms(e->db, cases[i].in, e->a)};
        int64_t n[2];
        for (int k = 0; k < 2; k++) {
            db_stmt *s = db_prepare(e->db, "SELECT count(*), coalesce(sum(rowid), 0) FROM "
                                           "ticket_fts WHERE ticket_fts MATCH ?");
            assert_non_null(s);
            db_bind_text(s, 1, q[k]);
            assert_int_equal(db_step(s), DB_ROW);
            n[k] = db_col_int(s, 0) * 10000000 + db_col_int(s, 1);
            db_reset(s);
        }
        assert_int_equal(n[0], n[1]);
    }
    /* The terms are remembered per connection (LIMIT_FTS_MEMO) until the database changes:
     * a term this connection adds is spelled out at once, and one it removes is gone. */
    assert_int_equal(db_exec(e->db, "INSERT INTO ticket_fts (rowid, summary, owner, messages) "
                                    "VALUES (900003, 'benchmarkz', '', '')"),
                     ST_OK);
    assert_string_equal(sql_fts_terms(e->db, "\"Bench\"*", e->a),
                        "(\"bench\" OR \"benchmark\" OR \"benchmarks\" OR \"benchmarkz\")");
    assert_int_equal(db_exec(e->db, "DELETE FROM ticket_fts WHERE rowid IN (900002, 900003)"),
                     ST_OK);
    assert_string_equal(sql_fts_terms(e->db, "\"Bench\"*", e->a), "(\"bench\" OR \"benchmark\")");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_migrations_recorded),
        cmocka_unit_test(test_open_bad_path),
        UNIT_TEST(test_workspaces),
        UNIT_TEST(test_keys_by_hash_and_list),
        UNIT_TEST(test_key_revoke),
        UNIT_TEST(test_user_insert_get_update_delete),
        UNIT_TEST(test_user_unique_email_and_username),
        UNIT_TEST(test_user_list_paging_totals),
        UNIT_TEST(test_list_ties_on_uuid),
        UNIT_TEST(test_list_time_bounds),
        UNIT_TEST(test_contacts_and_plans),
        UNIT_TEST(test_foreign_keys_enforced),
        UNIT_TEST(test_category_lists_and_soft_delete),
        UNIT_TEST(test_ticket_insert_get_update),
        UNIT_TEST(test_ticket_list_filters),
        UNIT_TEST(test_ticket_soft_delete_hidden),
        UNIT_TEST(test_replies_and_assets),
        UNIT_TEST(test_events_append_only),
        UNIT_TEST(test_transactions),
        UNIT_TEST(test_backup),
        UNIT_TEST(test_fts_terms),
        UNIT_TEST(test_fts_document_at_commit),
        UNIT_TEST(test_fts_trees_merged),
        UNIT_TEST(test_change_stamp),
        UNIT_TEST(test_writer_journal_spill),
    };
    return cmocka_run_group_tests_name("store/store", tests, NULL, NULL);
}
