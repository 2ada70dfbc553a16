/* SQL of the live stream (core/stream.c): the events after a stream's last one, the newest
 * event of a workspace, and on PostgreSQL the NOTIFY that wakes the other nodes' streams (the
 * writers' lock that keeps event ids in commit order is store.c's lock_writes;
 * docs/NATIVE.md "Live stream"). */
#include <stdio.h>
#include <string.h>

#include "store/sql.h"

bool store_notifies(db *c)
{
    return c->drv->notify != NULL;
}

/* notify with its one `?` replaced by payload as an SQL literal, in out; false if it does not
 * fit. */
static bool notify_text(const char *notify, const char *payload, char *out, size_t cap)
{
    const char *q = strchr(notify, '?');
    size_t n = 0;
    if (!q || (size_t)(q - notify) + 2 >= cap) return false;
    memcpy(out, notify, (size_t)(q - notify));
    n = (size_t)(q - notify);
    out[n++] = '\'';
    for (const char *p = payload; *p; p++) {
        if (n + 3 >= cap) return false;
        if (*p == '\'') out[n++] = '\''; /* standard_conforming_strings: only ' is doubled */
        out[n++] = *p;
    }
    out[n++] = '\'';
    int w = snprintf(out + n, cap - n, "%s", q + 1);
    return w >= 0 && (size_t)w < cap - n;
}

status store_notify(db *c, const char *payload)
{
    if (!c->drv->notify) return ST_OK;
    /* Nothing to read back: held for the next round trip where the engine can (db.h). */
    char text[512];
    if (c->drv->exec_later && notify_text(c->drv->notify, payload, text, sizeof text))
        return c->drv->exec_later(c, text);
    db_stmt *s = db_prepare(c, c->drv->notify);
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, payload);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
    }
    db_reset(s);
    return step_status(rc);
}

status store_stream_events(db *c, int64_t ws, int64_t after, int64_t ticket_id, size_t limit,
                           arena *a, stream_event_row **rows, size_t *n)
{
    /* The events_workspace index (migration 010) makes both a range scan from `after`. */
    db_stmt *s = db_prepare(
        c, ticket_id == NULL_INT
               ? "SELECT e.id, e.ticket_id, t.uuid, t.user_id, e.type, e.actor_type, e.actor_id, "
                 "u.name, e.data, e.created_at FROM events e LEFT JOIN tickets t ON t.id = "
                 "e.ticket_id LEFT JOIN users u ON u.uuid = e.actor_id AND e.actor_type = 'user' "
                 "WHERE e.workspace_id = ? AND e.id > ? ORDER BY e.id LIMIT ?"
               : "SELECT e.id, e.ticket_id, t.uuid, t.user_id, e.type, e.actor_type, e.actor_id, "
                 "u.name, e.data, e.created_at FROM events e LEFT JOIN tickets t ON t.id = "
                 "e.ticket_id LEFT JOIN users u ON u.uuid = e.actor_id AND e.actor_type = 'user' "
                 "WHERE e.workspace_id = ? AND e.id > ? AND e.ticket_id = ? ORDER BY e.id LIMIT ?");
    if (!s) return ST_INTERNAL;
    int i = 1;
    db_bind_int(s, i++, ws);
    db_bind_int(s, i++, after);
    if (ticket_id != NULL_INT) db_bind_int(s, i++, ticket_id);
    db_bind_int(s, i, (int64_t)limit);
    stream_event_row *out = ARENA_ARRAY(a, stream_event_row, limit ? limit : 1);
    size_t k = 0;
    int rc = DB_DONE;
    while (k < limit && (rc = db_step(s)) == DB_ROW) {
        stream_event_row *e = &out[k++];
        e->id = db_col_int(s, 0);
        e->ws = ws;
        e->ticket_id = col_int_null(s, 1);
        e->ticket_uuid = col_str(s, 2, a);
        e->assignee_id = col_int_null(s, 3);
        e->type = col_str(s, 4, a);
        e->actor_type = col_str(s, 5, a);
        e->actor_id = col_str(s, 6, a);
        e->actor_name = col_str(s, 7, a);
        e->data = col_str(s, 8, a);
        e->created_at = db_col_int(s, 9);
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    *rows = out;
    *n = k;
    return ST_OK;
}

status store_event_last(db *c, int64_t ws, int64_t *out)
{
    db_stmt *s = db_prepare(c, "SELECT coalesce(max(id), 0) FROM events WHERE workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    int rc = db_step(s);
    if (rc == DB_ROW) *out = db_col_int(s, 0);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc < 0 ? step_status(rc) : ST_INTERNAL;
}
