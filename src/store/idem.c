/* SQL for Idempotency-Key (migration 008): a keyed POST's claim on its key, its stored answer,
 * and the sweep of expired rows. core/idem.c decides when each runs; every function here runs
 * inside the caller's write transaction (a group-commit job's savepoint). */
#include <string.h>

#include "store/sql.h"

#define IDEM_COLS "fingerprint, status, content_type, headers, body, created_at"

static void read_idem(db_stmt *s, arena *a, idem_row *r)
{
    size_t n = 0;
    const void *fp = db_col_blob(s, 0, &n);
    memset(r->fingerprint, 0, sizeof r->fingerprint);
    if (fp && n == sizeof r->fingerprint) memcpy(r->fingerprint, fp, n);
    r->status = col_int_null(s, 1);
    r->content_type = col_str(s, 2, a);
    r->headers = col_str(s, 3, a);
    const void *b = db_col_blob(s, 4, &n);
    r->body = NULL;
    r->body_len = 0;
    if (b && n) {
        r->body = arena_alloc(a, n);
        memcpy(r->body, b, n);
        r->body_len = n;
    }
    r->created_at = db_col_int(s, 5);
}

/* The row of (ws, key): ST_NOT_FOUND when there is none. */
static status idem_get(db *c, int64_t ws, const char *key, arena *a, idem_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT " IDEM_COLS " FROM idempotency "
                               "WHERE workspace_id = ? AND key = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, key);
    int rc = db_step(s);
    if (rc == DB_ROW) read_idem(s, a, out);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
}

/* Runs an INSERT or UPDATE … RETURNING 1: *hit when it touched a row. */
static status run_hit(db_stmt *s, bool *hit)
{
    int rc = db_step(s);
    *hit = rc == DB_ROW;
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

status store_idem_claim(db *c, int64_t ws, const char *key, const unsigned char *fp, int64_t now,
                        int64_t expired_before, arena *a, bool *claimed, idem_row *out)
{
    *claimed = false;
    /* Twice: a row can vanish (swept) or expire between our statements on another node. */
    for (int attempt = 0; attempt < 2; attempt++) {
        db_stmt *s = db_prepare(c, "INSERT INTO idempotency (workspace_id, key, fingerprint, "
                                   "created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING "
                                   "RETURNING 1");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, ws);
        db_bind_text(s, 2, key);
        db_bind_blob(s, 3, fp, IDEM_FINGERPRINT_LEN);
        db_bind_int(s, 4, now);
        status st = run_hit(s, claimed);
        if (st || *claimed) return st;
        st = idem_get(c, ws, key, a, out);
        if (st == ST_NOT_FOUND) continue;
        if (st || out->created_at >= expired_before) return st;
        /* Expired: start over on the same row (the condition again, for another node that
         * took it over meanwhile). */
        s = db_prepare(c, "UPDATE idempotency SET fingerprint = ?, status = NULL, "
                          "content_type = NULL, headers = NULL, body = NULL, created_at = ? "
                          "WHERE workspace_id = ? AND key = ? AND created_at < ? RETURNING 1");
        if (!s) return ST_INTERNAL;
        db_bind_blob(s, 1, fp, IDEM_FINGERPRINT_LEN);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, ws);
        db_bind_text(s, 4, key);
        db_bind_int(s, 5, expired_before);
        if ((st = run_hit(s, claimed)) || *claimed) return st;
    }
    return ST_CONFLICT;
}

status store_idem_finish(db *c, int64_t ws, const char *key, const idem_row *answer)
{
    db_stmt *s = db_prepare(c, "UPDATE idempotency SET status = ?, content_type = ?, headers = ?, "
                               "body = ? WHERE workspace_id = ? AND key = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, answer->status);
    db_bind_text(s, 2, answer->content_type);
    db_bind_text(s, 3, answer->headers);
    /* An empty body is stored as an empty blob, not NULL. */
    db_bind_blob(s, 4, answer->body_len ? answer->body : "", answer->body_len);
    db_bind_int(s, 5, ws);
    db_bind_text(s, 6, key);
    return run_done(s);
}

status store_idem_release(db *c, int64_t ws, const char *key)
{
    db_stmt *s = db_prepare(c, "DELETE FROM idempotency WHERE workspace_id = ? AND key = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, key);
    return run_done(s);
}

status store_idem_sweep(db *c, int64_t expired_before, int limit, arena *a)
{
    db_stmt *s =
        db_prepare(c, arena_printf(a,
                                   "DELETE FROM idempotency WHERE (workspace_id, key) IN (SELECT "
                                   "workspace_id, key FROM idempotency WHERE created_at < ? "
                                   "ORDER BY created_at LIMIT ?%s)",
                                   c->drv->lock_rows));
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, expired_before);
    db_bind_int(s, 2, limit);
    return run_done(s);
}
