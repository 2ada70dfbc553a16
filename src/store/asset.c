/* SQL for assets (uploaded files) and their thumbnails, the question the blob store asks before
 * removing a file (does any row still name this blob?), and the small settings table. Reply
 * links live with the replies in ticket.c, which reads assets through store_read_asset. */
#include "store/sql.h"

void store_read_asset(db_stmt *s, int o, arena *a, asset_row *r)
{
    r->id = db_col_int(s, o + 0);
    col_uuid(s, o + 1, r->uuid);
    r->filename = col_str(s, o + 2, a);
    r->extension = col_str(s, o + 3, a);
    r->filesize = db_col_int(s, o + 4);
    r->type = col_str(s, o + 5, a);
    r->mime_type = col_str(s, o + 6, a);
    r->version = db_col_int(s, o + 7);
    r->status = col_str(s, o + 8, a);
    r->alt_text = col_str(s, o + 9, a);
    r->width = col_int_null(s, o + 10);
    r->height = col_int_null(s, o + 11);
    r->public_url = col_str(s, o + 12, a);
    r->folder = col_str(s, o + 13, a);
    r->created_at = db_col_int(s, o + 14);
    r->updated_at = db_col_int(s, o + 15);
    r->blob = col_str(s, o + 16, a);
}

status store_asset_load_thumbs(db *c, asset_row *r, arena *a)
{
    db_stmt *s = db_prepare(c, "SELECT url, width, height, blob, box FROM asset_thumbnails "
                               "WHERE asset_id = ? ORDER BY width, box");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, r->id);
    size_t cap = 0;
    r->n_thumbs = 0;
    r->thumbs = NULL;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        r->thumbs = arena_grow(a, r->thumbs, &cap, r->n_thumbs, sizeof *r->thumbs);
        thumb_row *t = &r->thumbs[r->n_thumbs++];
        t->url = col_str(s, 0, a);
        t->width = db_col_int(s, 1);
        t->height = db_col_int(s, 2);
        t->blob = col_str(s, 3, a);
        t->box = col_int_null(s, 4);
    }
    db_reset(s);
    return step_status(rc);
}

status store_asset_insert(db *c, int64_t ws, asset_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO assets (uuid, workspace_id, filename, extension, "
                               "filesize, type, mime_type, version, status, alt_text, width, "
                               "height, public_url, folder, created_at, updated_at, blob) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, r->filename);
    db_bind_text(s, 4, r->extension);
    db_bind_int(s, 5, r->filesize);
    db_bind_text(s, 6, r->type);
    db_bind_text(s, 7, r->mime_type);
    db_bind_int(s, 8, r->version);
    db_bind_text(s, 9, r->status);
    db_bind_text(s, 10, r->alt_text);
    bind_int_null(s, 11, r->width);
    bind_int_null(s, 12, r->height);
    db_bind_text(s, 13, r->public_url);
    db_bind_text(s, 14, r->folder);
    db_bind_int(s, 15, r->created_at);
    db_bind_int(s, 16, r->updated_at);
    db_bind_text(s, 17, r->blob);
    status st = run_insert(s, &r->id);
    for (size_t i = 0; !st && i < r->n_thumbs; i++) {
        const thumb_row *t = &r->thumbs[i];
        db_stmt *ts = db_prepare(c, "INSERT INTO asset_thumbnails (asset_id, url, width, height, "
                                    "blob, box) VALUES (?, ?, ?, ?, ?, ?)");
        if (!ts) return ST_INTERNAL;
        db_bind_int(ts, 1, r->id);
        db_bind_text(ts, 2, t->url ? t->url : "");
        db_bind_int(ts, 3, t->width);
        db_bind_int(ts, 4, t->height);
        db_bind_text(ts, 5, t->blob);
        bind_int_null(ts, 6, t->box);
        st = run_done(ts);
    }
    return st;
}

static void read_asset_row(db_stmt *s, arena *a, void *row)
{
    store_read_asset(s, 0, a, row);
}

status store_asset_get(db *c, int64_t ws, const char *uuid, arena *a, asset_row *out)
{
    status st = get_one(c,
                        "SELECT " ASSET_COLS " FROM assets a WHERE a.workspace_id = ? AND "
                        "a.uuid = ?",
                        ws, uuid, a, read_asset_row, out);
    return st ? st : store_asset_load_thumbs(c, out, a);
}

status store_asset_refs(db *c, int64_t ws, int64_t id, int64_t *n)
{
    return count_refs(c, "SELECT count(*) FROM reply_assets WHERE asset_id = ?1 AND ?2 = ?2", ws,
                      id, n);
}

status store_asset_delete(db *c, int64_t ws, int64_t id)
{
    status st = delete_by_id(c,
                             "DELETE FROM asset_thumbnails WHERE asset_id = ?1 AND asset_id IN "
                             "(SELECT id FROM assets WHERE workspace_id = ?2)",
                             ws, id);
    return st ? st
              : delete_by_id(c, "DELETE FROM assets WHERE id = ?1 AND workspace_id = ?2", ws, id);
}

status store_blob_referenced(db *c, const char *hash, bool *out)
{
    db_stmt *s = db_prepare(c, "SELECT EXISTS (SELECT 1 FROM assets WHERE blob = ?1) OR EXISTS "
                               "(SELECT 1 FROM asset_thumbnails WHERE blob = ?1)");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, hash);
    int rc = db_step(s);
    *out = rc == DB_ROW && db_col_int(s, 0) != 0;
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return rc == DB_ROW ? ST_OK : ST_INTERNAL;
}

status store_setting_get(db *c, const char *name, arena *a, char **out)
{
    db_stmt *s = db_prepare(c, "SELECT value FROM settings WHERE name = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, name);
    int rc = db_step(s);
    *out = rc == DB_ROW ? col_str(s, 0, a) : NULL;
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return *out ? ST_OK : ST_NOT_FOUND;
}

status store_asset_find(db *c, const char *uuid, arena *a, asset_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT " ASSET_COLS " FROM assets a WHERE a.uuid = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, uuid);
    int rc = db_step(s);
    if (rc == DB_ROW) store_read_asset(s, 0, a, out);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    if (rc != DB_ROW) return ST_NOT_FOUND;
    return store_asset_load_thumbs(c, out, a);
}
