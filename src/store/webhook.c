/* SQL of the webhooks (migrations 013, 015, 021; docs/WEBHOOKS.md): the endpoints, the worker's
 * claim, record and next-wake queries (on the partial indexes webhook_deliveries_due and _chain),
 * and the delivery log (a delivery's latest attempt in its row, the earlier ones in
 * webhook_attempts). The outbox's INSERT ... SELECT is store.c's, beside the COMMIT it precedes. */
#include <stdio.h>

#include "store/sql.h"

#define WEBHOOK_COLS                                                                               \
    "id, uuid, workspace_id, url, events, active, secret, old_secret, old_until, failures, "       \
    "created_at, updated_at"

static void read_webhook(db_stmt *s, arena *a, webhook_row *w)
{
    w->id = db_col_int(s, 0);
    col_uuid(s, 1, w->uuid);
    w->ws = db_col_int(s, 2);
    w->url = col_str(s, 3, a);
    w->events = col_str(s, 4, a);
    w->active = db_col_int(s, 5) != 0;
    w->secret = col_str(s, 6, a);
    w->old_secret = col_str(s, 7, a);
    w->old_until = col_int_null(s, 8);
    w->failures = db_col_int(s, 9);
    w->created_at = db_col_int(s, 10);
    w->updated_at = db_col_int(s, 11);
}

status store_webhook_insert(db *c, int64_t ws, webhook_row *w)
{
    db_stmt *s = db_prepare(c, "INSERT INTO webhooks (uuid, workspace_id, url, events, active, "
                               "secret, old_secret, old_until, failures, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, w->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, w->url);
    db_bind_text(s, 4, w->events);
    db_bind_int(s, 5, w->active);
    db_bind_text(s, 6, w->secret);
    db_bind_text(s, 7, w->old_secret);
    bind_int_null(s, 8, w->old_until);
    db_bind_int(s, 9, w->failures);
    db_bind_int(s, 10, w->created_at);
    db_bind_int(s, 11, w->updated_at);
    w->ws = ws;
    return run_insert(s, &w->id);
}

static status one_webhook(db_stmt *s, arena *a, webhook_row *out)
{
    int rc = db_step(s);
    if (rc == DB_ROW) read_webhook(s, a, out);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return rc == DB_ROW ? ST_OK : ST_NOT_FOUND;
}

status store_webhook_get(db *c, int64_t ws, const char *uuid, arena *a, webhook_row *out)
{
    db_stmt *s =
        db_prepare(c, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE workspace_id = ? AND uuid = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, uuid);
    return one_webhook(s, a, out);
}

status store_webhook_get_id(db *c, int64_t id, arena *a, webhook_row *out)
{
    db_stmt *s = db_prepare(c, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, id);
    return one_webhook(s, a, out);
}

status store_webhook_list(db *c, int64_t ws, int64_t before, size_t limit, arena *a,
                          webhook_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(c, "SELECT " WEBHOOK_COLS " FROM webhooks WHERE workspace_id = ? AND "
                               "id < ? ORDER BY id DESC LIMIT ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_int(s, 2, before == NULL_INT ? INT64_MAX : before);
    db_bind_int(s, 3, (int64_t)limit);
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
        read_webhook(s, a, &(*rows)[(*n)++]);
    }
    db_reset(s);
    return step_status(rc);
}

status store_webhook_update(db *c, const webhook_row *w)
{
    db_stmt *s = db_prepare(c, "UPDATE webhooks SET url = ?, events = ?, active = ?, secret = ?, "
                               "old_secret = ?, old_until = ?, failures = ?, updated_at = ? "
                               "WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, w->url);
    db_bind_text(s, 2, w->events);
    db_bind_int(s, 3, w->active);
    db_bind_text(s, 4, w->secret);
    db_bind_text(s, 5, w->old_secret);
    bind_int_null(s, 6, w->old_until);
    db_bind_int(s, 7, w->failures);
    db_bind_int(s, 8, w->updated_at);
    db_bind_int(s, 9, w->id);
    return run_done(s);
}

status store_webhook_delete(db *c, int64_t id)
{
    /* Spelled out rather than left to ON DELETE CASCADE, so the order is the same on both
     * engines whatever their foreign-key settings. */
    static const char *const sql[] = {
        "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries "
        "WHERE webhook_id = ?)",
        "DELETE FROM webhook_deliveries WHERE webhook_id = ?",
        "DELETE FROM webhooks WHERE id = ?",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        db_stmt *s = db_prepare(c, sql[i]);
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, id);
        status st = run_done(s);
        if (st) return st;
    }
    return ST_OK;
}

/* A delivery with its event's type and its latest attempt (migration 021: NULLs when it has
 * none in the row). */
#define DELIVERY_COLS                                                                              \
    "d.id, d.uuid, d.workspace_id, d.webhook_id, d.event_id, d.ticket_id, d.status, d.attempts, "  \
    "d.next_at, d.created_at, d.done_at, (SELECT type FROM events e WHERE e.id = d.event_id), "    \
    "d.last_at, d.last_code, d.last_latency_ms, d.last_response, d.last_error"

static void read_delivery(db_stmt *s, arena *a, webhook_delivery_row *d)
{
    d->id = db_col_int(s, 0);
    col_uuid(s, 1, d->uuid);
    d->ws = db_col_int(s, 2);
    d->webhook_id = db_col_int(s, 3);
    d->event_id = db_col_int(s, 4);
    d->ticket_id = col_int_null(s, 5);
    d->status = col_str(s, 6, a);
    d->attempts = db_col_int(s, 7);
    d->next_at = db_col_int(s, 8);
    d->created_at = db_col_int(s, 9);
    d->done_at = col_int_null(s, 10);
    d->event_type = col_str(s, 11, a);
    d->last_at = col_int_null(s, 12);
    d->last_code = col_int_null(s, 13);
    d->last_latency = col_int_null(s, 14);
    d->last_response = col_str(s, 15, a);
    d->last_error = col_str(s, 16, a);
}

static status collect_deliveries(db_stmt *s, arena *a, webhook_delivery_row **rows, size_t *n)
{
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
        read_delivery(s, a, &(*rows)[(*n)++]);
    }
    db_reset(s);
    return step_status(rc);
}

/* A disabled endpoint's deliveries stay queued, untouched, until it is active again. */
#define ACTIVE "EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active = 1)"

/* The due deliveries a claim may take: queued, due, of an active endpoint, and each the oldest
 * queued one of its (endpoint, ticket), so a ticket's deliveries go in order. */
#define DUE_ROWS                                                                                   \
    "FROM webhook_deliveries d WHERE d.status = 'queued' AND d.next_at <= ? AND " ACTIVE           \
    " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id AND "   \
    "p.ticket_id = d.ticket_id AND p.status = 'queued' AND p.id < d.id) ORDER BY d.next_at, d.id " \
    "LIMIT ?"

/* Whether a claim must move its rows a lease ahead: where several processes may claim (db.h:
 * write_lock is set where the database is shared by processes, PostgreSQL). Where one process
 * owns it (SQLite) its one worker thread records every claimed row before it claims again, so
 * a claim is a read, and a crash leaves the rows due at once. */
static bool claims_lease(const db *c)
{
    return c->drv->write_lock != NULL;
}

status store_webhook_claim(db *c, int64_t now, int64_t lease_until, size_t limit, arena *a,
                           webhook_delivery_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s;
    if (!claims_lease(c)) {
        s = db_prepare(c, "SELECT " DELIVERY_COLS " " DUE_ROWS);
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, (int64_t)limit);
        return collect_deliveries(s, a, rows, n);
    }
    /* One statement for the batch: the due rows chosen, locked (SKIP LOCKED: another node's
     * claim in progress is passed over) and moved a lease ahead, and returned. The returned
     * columns are DELIVERY_COLS unqualified (RETURNING sees the updated table only). */
    s = db_prepare(c, arena_printf(a,
                                   "UPDATE webhook_deliveries SET next_at = ? WHERE id IN (SELECT "
                                   "d.id " DUE_ROWS "%s) RETURNING id, uuid, workspace_id, "
                                   "webhook_id, event_id, ticket_id, status, attempts, next_at, "
                                   "created_at, done_at, (SELECT e.type FROM events e WHERE e.id "
                                   "= event_id), last_at, last_code, last_latency_ms, "
                                   "last_response, last_error",
                                   c->drv->lock_rows));
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, lease_until);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, (int64_t)limit);
    return collect_deliveries(s, a, rows, n);
}

status store_webhook_release(db *c, const webhook_delivery_row *d, int64_t now)
{
    if (!claims_lease(c)) return ST_OK; /* nothing was moved */
    db_stmt *s = db_prepare(c, "UPDATE webhook_deliveries SET next_at = ? WHERE id = ? AND "
                               "status = 'queued'");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, d->id);
    return run_done(s);
}

status store_webhook_next(db *c, int64_t *next_at)
{
    db_stmt *s = db_prepare(c, "SELECT min(d.next_at) FROM webhook_deliveries d WHERE d.status = "
                               "'queued' AND " ACTIVE);
    if (!s) return ST_INTERNAL;
    return value_run(s, next_at);
}

status store_webhook_delivery_update(db *c, const webhook_delivery_row *d)
{
    db_stmt *s = db_prepare(c, "UPDATE webhook_deliveries SET status = ?, attempts = ?, "
                               "next_at = ?, done_at = ? WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, d->status);
    db_bind_int(s, 2, d->attempts);
    db_bind_int(s, 3, d->next_at);
    bind_int_null(s, 4, d->done_at);
    db_bind_int(s, 5, d->id);
    return run_done(s);
}

status store_webhook_record(db *c, const webhook_delivery_row *d, bool had_last)
{
    db_stmt *s;
    if (had_last) { /* the row's attempt becomes history before the new one takes its place */
        s = db_prepare(c, "INSERT INTO webhook_attempts (delivery_id, at, status_code, "
                          "latency_ms, response, error) SELECT id, last_at, last_code, "
                          "last_latency_ms, last_response, last_error FROM webhook_deliveries "
                          "WHERE id = ? AND last_at IS NOT NULL");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, d->id);
        status st = run_done(s);
        if (st) return st;
    }
    s = db_prepare(c, "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at = ?, "
                      "done_at = ?, last_at = ?, last_code = ?, last_latency_ms = ?, "
                      "last_response = ?, last_error = ? WHERE id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, d->status);
    db_bind_int(s, 2, d->attempts);
    db_bind_int(s, 3, d->next_at);
    bind_int_null(s, 4, d->done_at);
    db_bind_int(s, 5, d->last_at);
    bind_int_null(s, 6, d->last_code);
    db_bind_int(s, 7, d->last_latency);
    db_bind_text(s, 8, d->last_response);
    db_bind_text(s, 9, d->last_error);
    db_bind_int(s, 10, d->id);
    return run_done(s);
}

status store_webhook_delivery_get(db *c, int64_t ws, const char *uuid, arena *a,
                                  webhook_delivery_row *out)
{
    db_stmt *s =
        db_prepare(c, "SELECT " DELIVERY_COLS
                      " FROM webhook_deliveries d WHERE d.workspace_id = ? AND d.uuid = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, uuid);
    webhook_delivery_row *rows = NULL;
    size_t n = 0;
    status st = collect_deliveries(s, a, &rows, &n);
    if (st) return st;
    if (!n) return ST_NOT_FOUND;
    *out = rows[0];
    return ST_OK;
}

status store_webhook_deliveries(db *c, int64_t webhook_id, int64_t before, size_t limit, arena *a,
                                webhook_delivery_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(c, "SELECT " DELIVERY_COLS
                               " FROM webhook_deliveries d WHERE d.webhook_id = ? AND d.id < ? "
                               "ORDER BY d.id DESC LIMIT ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, webhook_id);
    db_bind_int(s, 2, before == NULL_INT ? INT64_MAX : before);
    db_bind_int(s, 3, (int64_t)limit);
    return collect_deliveries(s, a, rows, n);
}

status store_webhook_attempts(db *c, int64_t delivery_id, size_t limit, arena *a,
                              webhook_attempt_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (!limit) return ST_OK;
    db_stmt *s = db_prepare(c, "SELECT id, delivery_id, at, status_code, latency_ms, response, "
                               "error FROM webhook_attempts WHERE delivery_id = ? ORDER BY id "
                               "DESC LIMIT ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, delivery_id);
    db_bind_int(s, 2, (int64_t)limit);
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
        webhook_attempt_row *r = &(*rows)[(*n)++];
        r->id = db_col_int(s, 0);
        r->delivery_id = db_col_int(s, 1);
        r->at = db_col_int(s, 2);
        r->status_code = col_int_null(s, 3);
        r->latency_ms = db_col_int(s, 4);
        r->response = col_str(s, 5, a);
        r->error = col_str(s, 6, a);
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    for (size_t i = 0; i < *n / 2; i++) { /* oldest first */
        webhook_attempt_row t = (*rows)[i];
        (*rows)[i] = (*rows)[*n - 1 - i];
        (*rows)[*n - 1 - i] = t;
    }
    return ST_OK;
}

status store_webhook_requeue(db *c, int64_t webhook_id, int64_t now)
{
    db_stmt *s = db_prepare(c, "UPDATE webhook_deliveries SET next_at = ? WHERE webhook_id = ? AND "
                               "status = 'queued'");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, webhook_id);
    return run_done(s);
}

status store_webhook_sweep(db *c, int64_t before, size_t limit, arena *a, size_t *n)
{
    *n = 0;
    /* The ids first, then their attempts and themselves by id: both deletes name one set. */
    db_stmt *s = db_prepare(c, "SELECT id FROM webhook_deliveries WHERE status <> 'queued' AND "
                               "done_at < ? ORDER BY done_at LIMIT ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, before);
    db_bind_int(s, 2, (int64_t)limit);
    size_t cap = 21 * limit + 3, len = 1; /* "[" id "," ... "]": at most 20 digits an id */
    char *json = arena_alloc(a, cap);
    json[0] = '[';
    int rc;
    while ((rc = db_step(s)) == DB_ROW && *n < limit)
        len += (size_t)snprintf(json + len, cap - len, "%s%lld", (*n)++ ? "," : "",
                                (long long)db_col_int(s, 0));
    db_reset(s);
    snprintf(json + len, cap - len, "]");
    status st = rc < 0 ? step_status(rc) : ST_OK;
    if (st || !*n) return st;
    const char *sql[] = {
        arena_printf(a, "DELETE FROM webhook_attempts WHERE delivery_id %s", c->drv->ids_in),
        arena_printf(a, "DELETE FROM webhook_deliveries WHERE id %s", c->drv->ids_in),
    };
    for (size_t i = 0; !st && i < 2; i++) {
        if (!(s = db_prepare(c, sql[i]))) return ST_INTERNAL;
        db_bind_text(s, 1, json);
        st = run_done(s);
    }
    return st;
}

status store_webhook_depth(db *c, int64_t *out)
{
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM webhook_deliveries WHERE status = 'queued'");
    if (!s) return ST_INTERNAL;
    return count_run(s, out);
}
