/* The shared machinery of core/: validation helpers, paging, the transaction wrapper and the
 * event builder. Every change to a ticket writes its event through ev_commit inside the same
 * transaction as the change. */
#include "core/core.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outbox.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"
#include "util/uuid.h"

const char *actor_name(actor_type t)
{
    switch (t) {
    case ACTOR_KEY:
        return "key";
    case ACTOR_USER:
        return "user";
    case ACTOR_CONTACT:
        return "contact";
    case ACTOR_SYSTEM:
        break;
    }
    return "system";
}

status core_ctx_init(core_ctx *cx, store *st, arena *a, diag *d)
{
    memset(cx, 0, sizeof *cx);
    cx->st = st;
    cx->a = a;
    cx->d = d;
    cx->now = time_now_ms();
    cx->db = store_conn(st);
    return cx->db ? ST_OK : diag_set(d, ST_UNAVAILABLE, "", "the store is unavailable");
}

void core_ctx_init_job(core_ctx *cx, store *st, db *writer, arena *a, diag *d)
{
    memset(cx, 0, sizeof *cx);
    cx->st = st;
    cx->db = writer;
    cx->a = a;
    cx->d = d;
    cx->now = time_now_ms();
    cx->txn_depth = 1;
}

/* The writes the store held back for its next round trip (store_sync) have run: a write's
 * answer must not say it worked before they have. Their failure is the caller's. */
static status writes_synced(core_ctx *cx, status st)
{
    if (st) return st;
    st = store_sync(cx->db);
    if (st == ST_INTERNAL) diag_set(cx->d, st, "", "internal error");
    return st;
}

void core_submit(store *st, store_job *j)
{
    store_submit(st, j);
}

/* ---- core_write_wait: a system write at the head of the writer's queue, waited for ---- */

typedef struct {
    store_job job;
    store *st;
    arena *a;
    diag *d;
    status (*fn)(core_ctx *cx, void *arg);
    void *arg;
    status ran, committed;
    core_after *after;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
} write_job;

static status job_run(db *writer, void *p)
{
    write_job *j = p;
    core_ctx cx;
    core_ctx_init_job(&cx, j->st, writer, j->a, j->d);
    cx.actor = ACTOR_SYSTEM;
    j->ran = writes_synced(&cx, j->fn(&cx, j->arg));
    j->after = cx.after;
    return j->ran;
}

static void job_after(db *writer, void *p)
{
    write_job *j = p;
    core_run_after(j->after, writer);
}

static void job_done(void *p, status committed)
{
    write_job *j = p;
    pthread_mutex_lock(&j->lock);
    j->committed = committed;
    j->done = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
}

status core_write_wait(store *st, arena *a, diag *d, status (*fn)(core_ctx *, void *), void *arg)
{
    if (!store_writer_running(st)) {
        core_ctx cx;
        status s = core_ctx_init(&cx, st, a, d);
        cx.actor = ACTOR_SYSTEM;
        return s ? s : core_txn(&cx, fn, arg);
    }
    write_job j = {.st = st, .a = a, .d = d, .fn = fn, .arg = arg};
    j.job = (store_job){.run = job_run, .done = job_done, .after = job_after, .arg = &j};
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.cond, NULL);
    store_submit_first(st, &j.job);
    pthread_mutex_lock(&j.lock);
    while (!j.done)
        pthread_cond_wait(&j.cond, &j.lock);
    pthread_mutex_unlock(&j.lock);
    pthread_mutex_destroy(&j.lock);
    pthread_cond_destroy(&j.cond);
    return j.ran ? j.ran : j.committed;
}

list_page core_page(const list_in *in)
{
    list_page pg = {
        .offset = (in->page - 1) * in->per_page,
        .limit = in->per_page,
        .desc = in->desc,
        .sort = in->sort,
        .from_s = in->from_ms == NULL_INT ? NULL_INT : time_unix_s(in->from_ms),
        .to_s = in->to_ms == NULL_INT ? NULL_INT : time_unix_s(in->to_ms),
        .after_ms = in->after_ms,
        .after_uuid = in->after_uuid,
    };
    return pg;
}

status check_text(diag *d, const char *field, const char *v, bool required, size_t max_chars)
{
    if (!v) return required ? diag_set(d, ST_INVALID, field, "is required") : ST_OK;
    if (required && !*v) return diag_set(d, ST_INVALID, field, "must not be empty");
    if (!text_utf8_valid(v, strlen(v)))
        return diag_set(d, ST_INVALID, field, "must be valid UTF-8 text");
    if (text_utf8_chars(v) > max_chars)
        return diag_set(d, ST_INVALID, field, "must be at most %zu characters", max_chars);
    return ST_OK;
}

status check_email(diag *d, const char *field, const char *v, bool required)
{
    status st = check_text(d, field, v, required, LIMIT_EMAIL_CHARS);
    if (st || !v) return st;
    return text_is_email(v) ? ST_OK : diag_set(d, ST_INVALID, field, "must be an email address");
}

status check_language(diag *d, const char *field, const char *v, bool required)
{
    if (!v) return required ? diag_set(d, ST_INVALID, field, "is required") : ST_OK;
    return text_is_language(v)
               ? ST_OK
               : diag_set(d, ST_INVALID, field, "must be a language code such as en or pt-BR");
}

status check_country(diag *d, const char *field, char *v)
{
    if (!v) return ST_OK;
    if (!text_is_country(v))
        return diag_set(d, ST_INVALID, field, "must be an ISO 3166-1 alpha-2 country code");
    v[0] = (char)toupper((unsigned char)v[0]);
    v[1] = (char)toupper((unsigned char)v[1]);
    return ST_OK;
}

status check_uuid(diag *d, const char *field, const char *v, char out[UUID_STR_LEN + 1])
{
    if (!v) return diag_set(d, ST_INVALID, field, "is required");
    return uuid_parse(v, out) ? ST_OK : diag_set(d, ST_INVALID, field, "must be a UUID");
}

status body_found(diag *d, const char *field, status st)
{
    if (st != ST_NOT_FOUND) return st;
    d->reason = REASON_BODY_REF;
    return diag_set(d, st, field, "not found");
}

status path_found(diag *d, const char *what, status st)
{
    return st == ST_NOT_FOUND ? diag_set(d, st, what, "not found") : st;
}

status check_enum(diag *d, const char *field, const char *v, const char *const *allowed)
{
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; allowed[i]; i++) {
        if (v && strcmp(v, allowed[i]) == 0) return ST_OK;
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", allowed[i]);
        if (len >= sizeof list) len = sizeof list - 1;
    }
    if (!v) return diag_set(d, ST_INVALID, field, "is required");
    return diag_set(d, ST_INVALID, field, "must be one of %s", list);
}

status core_read_begin(core_ctx *cx)
{
    status st = store_begin_read(cx->db);
    return st ? diag_set(cx->d, st, "", "the store is unavailable") : ST_OK;
}

void core_read_end(core_ctx *cx)
{
    /* A read transaction has nothing to keep: ending it cannot lose anything. */
    store_rollback(cx->db);
}

status core_txn(core_ctx *cx, status (*fn)(core_ctx *cx, void *arg), void *arg)
{
    if (cx->txn_depth) return writes_synced(cx, fn(cx, arg));
    db *reader = cx->db;
    status st = store_write_begin(cx->st, &cx->db);
    if (st) {
        cx->db = reader;
        return diag_set(cx->d, st, "", "the store is unavailable");
    }
    cx->txn_depth++;
    st = writes_synced(cx, fn(cx, arg));
    cx->txn_depth--;
    cx->stream_noted = false;
    status end = store_write_end(cx->st, st == ST_OK);
    cx->db = reader;
    if (!st) st = end;
    if (!st) core_run_after(cx->after, cx->db);
    cx->after = NULL;
    if (st == ST_INTERNAL && !cx->d->msg[0]) diag_set(cx->d, st, "", "internal error");
    return st;
}

void core_after_commit(core_ctx *cx, void (*fn)(db *c, void *arg), void *arg)
{
    core_after *n = ARENA_NEW(cx->a, core_after);
    n->fn = fn;
    n->arg = arg;
    n->next = cx->after;
    cx->after = n;
}

void core_run_after(core_after *list, db *c)
{
    for (core_after *n = list; n; n = n->next)
        n->fn(c, n->arg);
}

void ev_init(evdata *e)
{
    jw_init(&e->w, LIMIT_RESPONSE);
    jw_obj(&e->w);
}

/* Opens "field":{"before": */
static void ev_key(evdata *e, const char *field)
{
    jw_key(&e->w, field);
    jw_obj(&e->w);
    jw_key(&e->w, "before");
}

void ev_str(evdata *e, const char *field, const char *before, const char *after)
{
    ev_key(e, field);
    jw_str(&e->w, before);
    jw_kstr(&e->w, "after", after);
    jw_end_obj(&e->w);
}

void ev_int(evdata *e, const char *field, int64_t before, int64_t after)
{
    ev_key(e, field);
    jw_int_or_null(&e->w, before, NULL_INT);
    jw_key(&e->w, "after");
    jw_int_or_null(&e->w, after, NULL_INT);
    jw_end_obj(&e->w);
}

void ev_bool(evdata *e, const char *field, bool after)
{
    ev_key(e, field);
    jw_null(&e->w);
    jw_kbool(&e->w, "after", after);
    jw_end_obj(&e->w);
}

void ev_discard(evdata *e)
{
    jw_release(&e->w);
}

/* ---- events written: the live stream's wake-up ---- */

static void (*event_wake)(void); /* core_on_events (the stream's broadcaster), or NULL */

void core_on_events(void (*wake)(void))
{
    event_wake = wake;
}

static void wake_after(db *c, void *arg)
{
    (void)c, (void)arg;
    if (event_wake) event_wake();
}

/* Once per transaction that writes events: where events travel between processes (PostgreSQL),
 * queues the NOTIFY that wakes every node's broadcaster at COMMIT; and this process's wake-up
 * after it. A CLI write on PostgreSQL still notifies the serving nodes. */
static status events_written(core_ctx *cx)
{
    if (cx->stream_noted) return ST_OK;
    status st = store_notifies(cx->db) ? store_notify(cx->db, "e") : ST_OK;
    if (st) return st;
    cx->stream_noted = true;
    core_after_commit(cx, wake_after, NULL);
    return ST_OK;
}

status ev_commit(core_ctx *cx, int64_t ticket_id, const char *type, evdata *e)
{
    char *data;
    size_t len;
    jw_end_obj(&e->w);
    status st = jw_finish(&e->w, &data, &len);
    if (st) return diag_set(cx->d, st, "", "the change is too large to record");
    event_row ev = {
        .ticket_id = ticket_id,
        .type = (char *)type,
        .actor_type = (char *)actor_name(cx->actor),
        .actor_id = cx->actor == ACTOR_SYSTEM ? NULL : cx->actor_id,
        .data = data,
        .created_at = cx->now,
    };
    uuid_v4(ev.uuid);
    /* The live stream: its wake-up at COMMIT, on this node and the others. */
    st = events_written(cx);
    /* The webhook outbox: a delivery per matching endpoint, queued in this same transaction by
     * one INSERT for the whole commit batch, right before its COMMIT (store_event_insert notes
     * the event). Its INSERT may be held back to the next round trip: ev.id is not read. */
    if (!st) st = store_event_insert(cx->db, cx->ws, &ev);
    free(data);
    if (st) log_error("event %s: %s", type, status_name(st));
    return st;
}
