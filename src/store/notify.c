/* SQL for the notifications table (migration 005): the invitations and reminders that core/
 * queues with a ticket, the worker's due and next-wake queries (both on the partial index
 * notifications_due), and the recording of each delivery attempt. */
#include <string.h>

#include "store/sql.h"

#define NOTIFICATION_COLS                                                                          \
    "id, uuid, workspace_id, ticket_id, kind, channel, audience, recipient, subject, body, "       \
    "status, attempts, next_at, last_error, sent_at, created_at"

static void read_notification(db_stmt *s, arena *a, notification_row *n)
{
    n->id = db_col_int(s, 0);
    col_uuid(s, 1, n->uuid);
    n->ws = db_col_int(s, 2);
    n->ticket_id = db_col_int(s, 3);
    n->kind = col_str(s, 4, a);
    n->channel = col_str(s, 5, a);
    n->audience = col_str(s, 6, a);
    n->recipient = col_str(s, 7, a);
    n->subject = col_str(s, 8, a);
    n->body = col_str(s, 9, a);
    n->status = col_str(s, 10, a);
    n->attempts = db_col_int(s, 11);
    n->next_at = db_col_int(s, 12);
    n->last_error = col_str(s, 13, a);
    n->sent_at = col_int_null(s, 14);
    n->created_at = db_col_int(s, 15);
}

status store_notification_insert(db *c, int64_t ws, notification_row *n)
{
    db_stmt *s = db_prepare(c, "INSERT INTO notifications (uuid, workspace_id, ticket_id, kind, "
                               "channel, audience, recipient, subject, body, status, attempts, "
                               "next_at, last_error, sent_at, created_at) VALUES (?, ?, ?, ?, ?, "
                               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, n->uuid);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, n->ticket_id);
    db_bind_text(s, 4, n->kind);
    db_bind_text(s, 5, n->channel);
    db_bind_text(s, 6, n->audience);
    db_bind_text(s, 7, n->recipient);
    db_bind_text(s, 8, n->subject);
    db_bind_text(s, 9, n->body);
    db_bind_text(s, 10, n->status);
    db_bind_int(s, 11, n->attempts);
    db_bind_int(s, 12, n->next_at);
    db_bind_text(s, 13, n->last_error);
    bind_int_null(s, 14, n->sent_at);
    db_bind_int(s, 15, n->created_at);
    n->ws = ws;
    return run_insert(s, &n->id);
}

/* The channels a worker may deliver on, as the SQL tests them (?1 email, ?2 sms). */
#define CHANNELS "((channel = 'email' AND ?1 = 1) OR (channel = 'sms' AND ?2 = 1))"

/* Runs s and reads every row it gives into *rows (arena). */
static status collect(db_stmt *s, arena *a, notification_row **rows, size_t *n)
{
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
        read_notification(s, a, &(*rows)[(*n)++]);
    }
    db_reset(s);
    return step_status(rc);
}

status store_notification_due(db *c, int64_t now, bool email, bool sms, size_t limit, arena *a,
                              notification_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s =
        db_prepare(c, arena_printf(a,
                                   "SELECT " NOTIFICATION_COLS " FROM notifications "
                                   "WHERE status = 'queued' AND next_at <= ?3 AND " CHANNELS
                                   " ORDER BY next_at, id LIMIT ?4%s",
                                   c->drv->lock_rows));
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, email);
    db_bind_int(s, 2, sms);
    db_bind_int(s, 3, now);
    db_bind_int(s, 4, (int64_t)limit);
    return collect(s, a, rows, n);
}

status store_notification_next(db *c, bool email, bool sms, int64_t *next_at)
{
    db_stmt *s = db_prepare(c, "SELECT min(next_at) FROM notifications WHERE status = 'queued' "
                               "AND " CHANNELS);
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, email);
    db_bind_int(s, 2, sms);
    return value_run(s, next_at);
}

status store_notification_set_next(db *c, int64_t id, int64_t next_at)
{
    db_stmt *s = db_prepare(c, "UPDATE notifications SET next_at = ? WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, next_at);
    db_bind_int(s, 2, id);
    return run_done(s);
}

status store_notification_update(db *c, const notification_row *n)
{
    db_stmt *s = db_prepare(c, "UPDATE notifications SET status = ?, attempts = ?, next_at = ?, "
                               "last_error = ?, sent_at = ? WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, n->status);
    db_bind_int(s, 2, n->attempts);
    db_bind_int(s, 3, n->next_at);
    db_bind_text(s, 4, n->last_error);
    bind_int_null(s, 5, n->sent_at);
    db_bind_int(s, 6, n->id);
    return run_done(s);
}

status store_notification_list(db *c, int64_t ws, int64_t ticket_id, arena *a,
                               notification_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(c, "SELECT " NOTIFICATION_COLS " FROM notifications WHERE "
                               "workspace_id = ? AND ticket_id = ? ORDER BY id");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_int(s, 2, ticket_id);
    return collect(s, a, rows, n);
}

status store_notification_depth(db *c, int64_t *out)
{
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM notifications WHERE status = 'queued'");
    if (!s) return ST_INTERNAL;
    return count_run(s, out);
}
