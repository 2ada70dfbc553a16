/* SQL for agent sessions (the `sessions` table of migration 007): rows found by the SHA-256 of
 * their secret, moved forward when used, deleted at logout, on a password change and when
 * they have ended. Called by core/session.c only. */
#include "store/sql.h"

status store_session_insert(db *c, session_row *r, const unsigned char hash[SHA256_LEN])
{
    db_stmt *s = db_prepare(c, "INSERT INTO sessions (workspace_id, user_id, hash, created_at, "
                               "expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, r->ws);
    db_bind_int(s, 2, r->user_id);
    db_bind_blob(s, 3, hash, SHA256_LEN);
    db_bind_int(s, 4, r->created_at);
    db_bind_int(s, 5, r->expires_at);
    db_bind_int(s, 6, r->last_seen_at);
    return run_insert(s, &r->id);
}

status store_session_by_hash(db *c, const unsigned char hash[SHA256_LEN], session_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT s.id, s.workspace_id, s.user_id, s.created_at, "
                               "s.expires_at, s.last_seen_at, w.uuid FROM sessions s JOIN "
                               "workspaces w ON w.id = s.workspace_id WHERE s.hash = ?");
    if (!s) return ST_INTERNAL;
    db_bind_blob(s, 1, hash, SHA256_LEN);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *out = (session_row){.id = db_col_int(s, 0),
                             .ws = db_col_int(s, 1),
                             .user_id = db_col_int(s, 2),
                             .created_at = db_col_int(s, 3),
                             .expires_at = db_col_int(s, 4),
                             .last_seen_at = db_col_int(s, 5)};
        col_uuid(s, 6, out->ws_uuid);
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return rc == DB_ROW ? ST_OK : ST_NOT_FOUND;
}

status store_session_touch(db *c, int64_t id, int64_t now)
{
    /* Never backwards: two nodes may touch the same session in either order. */
    db_stmt *s = db_prepare(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND "
                               "last_seen_at < ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, id);
    db_bind_int(s, 3, now);
    return run_done(s);
}

status store_session_delete(db *c, const unsigned char hash[SHA256_LEN])
{
    db_stmt *s = db_prepare(c, "DELETE FROM sessions WHERE hash = ?");
    if (!s) return ST_INTERNAL;
    db_bind_blob(s, 1, hash, SHA256_LEN);
    return run_done(s);
}

status store_session_delete_user(db *c, int64_t ws, int64_t user_id)
{
    return delete_by_id(c, "DELETE FROM sessions WHERE user_id = ? AND workspace_id = ?", ws,
                        user_id);
}

status store_session_prune(db *c, int64_t ws, int64_t user_id, int64_t now, int64_t idle_before)
{
    db_stmt *s = db_prepare(c, "DELETE FROM sessions WHERE user_id = ? AND workspace_id = ? AND "
                               "(expires_at <= ? OR last_seen_at <= ?)");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, user_id);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, now);
    db_bind_int(s, 4, idle_before);
    return run_done(s);
}
