/* SQL for ticket categories with their ordered subcategories and allowed billing plans.
 * Deleting a category hides it (deleted_at) so old tickets keep showing its title. */
#include "store/sql.h"

#define CATEGORY_COLS                                                                              \
    "k.id, k.uuid, k.title, k.language, k.auto_reply, k.user_id, u.uuid, k.created_at, "           \
    "k.updated_at"
#define CATEGORY_FROM "categories k LEFT JOIN users u ON u.id = k.user_id"

static void read_category(db_stmt *s, arena *a, void *row)
{
    category_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->title = col_str(s, 2, a);
    r->language = col_str(s, 3, a);
    r->auto_reply = col_str(s, 4, a);
    r->user_id = col_int_null(s, 5);
    r->user_uuid = col_str(s, 6, a);
    r->created_at = db_col_int(s, 7);
    r->updated_at = db_col_int(s, 8);
}

/* Loads the subcategories and plans of n categories in one statement: per category,
 * subcategory rows first (kind 0, in position order), then plan rows (kind 1). */
static status load_lists(db *c, category_row *r, size_t n, arena *a)
{
    if (!n) return ST_OK;
    const char *in = in_list(a, n);
    db_stmt *s = db_prepare(c, arena_printf(a,
                                            "SELECT category_id, 0, pos, name, NULL FROM "
                                            "category_subcategories WHERE category_id%s UNION ALL "
                                            "SELECT cp.category_id, 1, cp.pos, p.uuid, p.id FROM "
                                            "category_plans cp JOIN plans p ON p.id = cp.plan_id "
                                            "WHERE cp.category_id%s ORDER BY 1, 2, 3",
                                            in, in));
    if (!s) return ST_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        db_bind_int(s, (int)i + 1, r[i].id);
        db_bind_int(s, (int)(n + i) + 1, r[i].id);
        r[i].subcategories = NULL, r[i].plan_uuids = NULL, r[i].plan_ids = NULL;
        r[i].n_subcategories = r[i].n_plans = 0;
    }
    size_t caps[3] = {0}; /* of the category being filled: rows come grouped by category */
    category_row *cur = NULL;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        if (!cur || cur->id != id) {
            cur = NULL;
            for (size_t i = 0; i < n && !cur; i++)
                if (r[i].id == id) cur = &r[i];
            BUG_ON(!cur);
            caps[0] = caps[1] = caps[2] = 0;
        }
        if (db_col_int(s, 1) == 0) {
            cur->subcategories =
                arena_grow(a, cur->subcategories, &caps[0], cur->n_subcategories, sizeof(char *));
            cur->subcategories[cur->n_subcategories++] = col_str(s, 3, a);
        } else {
            cur->plan_uuids =
                arena_grow(a, cur->plan_uuids, &caps[1], cur->n_plans, sizeof(char *));
            cur->plan_ids = arena_grow(a, cur->plan_ids, &caps[2], cur->n_plans, sizeof(int64_t));
            cur->plan_uuids[cur->n_plans] = col_str(s, 3, a);
            cur->plan_ids[cur->n_plans++] = db_col_int(s, 4);
        }
    }
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

/* Replaces the subcategories and plans of a category with r's. */
static status write_lists(db *c, const category_row *r)
{
    db_stmt *s = db_prepare(c, "DELETE FROM category_subcategories WHERE category_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, r->id);
    status st = run_done(s);
    for (size_t i = 0; !st && i < r->n_subcategories; i++) {
        s = db_prepare(c, "INSERT INTO category_subcategories (category_id, pos, name) "
                          "VALUES (?, ?, ?)");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, r->id);
        db_bind_int(s, 2, (int64_t)i);
        db_bind_text(s, 3, r->subcategories[i]);
        st = run_done(s);
    }
    if (st) return st;
    s = db_prepare(c, "DELETE FROM category_plans WHERE category_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, r->id);
    st = run_done(s);
    for (size_t i = 0; !st && i < r->n_plans; i++) {
        /* DO NOTHING: the same plan given twice is allowed once. */
        s = db_prepare(c, "INSERT INTO category_plans (category_id, plan_id, pos) "
                          "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, r->id);
        db_bind_int(s, 2, r->plan_ids[i]);
        db_bind_int(s, 3, (int64_t)i);
        st = run_done(s);
    }
    return st;
}

status store_category_insert(db *c, int64_t ws, category_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO categories (uuid, workspace_id, title, language, "
                               "auto_reply, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, "
                               "?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, r->title);
    db_bind_text(s, 4, r->language);
    db_bind_text(s, 5, r->auto_reply);
    bind_int_null(s, 6, r->user_id);
    db_bind_int(s, 7, r->created_at);
    db_bind_int(s, 8, r->updated_at);
    status st = run_insert(s, &r->id);
    return st ? st : write_lists(c, r);
}

status store_category_update(db *c, int64_t ws, const category_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE categories SET title = ?, language = ?, auto_reply = ?, "
                               "user_id = ?, updated_at = ? WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->title);
    db_bind_text(s, 2, r->language);
    db_bind_text(s, 3, r->auto_reply);
    bind_int_null(s, 4, r->user_id);
    db_bind_int(s, 5, r->updated_at);
    db_bind_int(s, 6, r->id);
    db_bind_int(s, 7, ws);
    status st = run_done(s);
    return st ? st : write_lists(c, r);
}

status store_category_get(db *c, int64_t ws, const char *uuid, arena *a, category_row *out)
{
    status st = get_one(c,
                        "SELECT " CATEGORY_COLS " FROM " CATEGORY_FROM
                        " WHERE k.workspace_id = ? AND k.uuid = ? AND k.deleted_at IS NULL",
                        ws, uuid, a, read_category, out);
    return st ? st : load_lists(c, out, 1, a);
}

status store_category_delete(db *c, int64_t ws, int64_t id, int64_t now)
{
    /* Hidden, not removed: its tickets keep showing its title. What it pointed at (its
     * teammate and billing plans) is let go, so those can be deleted afterwards. */
    db_stmt *s = db_prepare(c, "UPDATE categories SET deleted_at = ?, user_id = NULL WHERE id = "
                               "? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, id);
    db_bind_int(s, 3, ws);
    status st = run_done(s);
    if (st) return st;
    s = db_prepare(c, "DELETE FROM category_plans WHERE category_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, id);
    return run_done(s);
}

status store_category_list(db *c, int64_t ws, const list_page *pg, arena *a, category_row **rows,
                           size_t *n, int64_t *total)
{
    qb q;
    qb_init(&q, "k.workspace_id = ? AND k.deleted_at IS NULL");
    qb_int(&q, ws);
    status st = list_run(c, CATEGORY_COLS, CATEGORY_FROM, "categories k", &q, pg,
                         pg->sort == SORT_TITLE ? "k.title" : NULL, "k.uuid", "k.created_at", a,
                         sizeof(category_row), read_category, (void **)rows, n, total);
    return st ? st : load_lists(c, *rows, *n, a);
}

status store_category_by_title(db *c, int64_t ws, const char *title, int64_t *id)
{
    db_stmt *s = db_prepare(c, "SELECT id FROM categories WHERE workspace_id = ? AND title = ? "
                               "AND deleted_at IS NULL ORDER BY id LIMIT 1");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, title);
    int rc = db_step(s);
    if (rc == DB_ROW) *id = db_col_int(s, 0);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return rc == DB_ROW ? ST_OK : ST_NOT_FOUND;
}
