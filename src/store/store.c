/* The store object: opens the database, applies the numbered migrations, hands each thread its
 * own connection, and wraps transactions. Also the shared SQL helpers of sql.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/schema.h"
#include "store/sql.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct conn_node {
    struct conn_node *next;
    db *c;
};

struct store {
    char *dsn;
    const struct db_driver *drv;
    /* SQLite allows one writer at a time. All writes of this process go through one writer
     * connection, serialised here: writers hand over directly instead of meeting SQLITE_BUSY
     * (whose handler sleeps in millisecond steps), and the writer's page cache stays warm
     * because no other connection of ours changes the file under it (but the checkpointer's
     * merge of the word index, fts_round, while one lasts). */
    pthread_mutex_t write_lock;
    db *writer;
    int lock_waiters;     /* writes waiting for write_lock (atomic; writer_lock) */
    uint64_t commits;     /* the writer's transactions committed (write_lock) */
    int64_t committed_at; /* time_mono_us() of the last (write_lock) */
    pthread_mutex_t lock; /* guards conns */
    /* The background checkpointer (serve only): keeps log upkeep off the commit path. */
    pthread_t maint;
    bool maint_running, maint_stop;
    pthread_mutex_t maint_lock;
    pthread_cond_t maint_wake;
    /* The group-commit writer thread and its queue (guarded by q_lock). */
    pthread_t wthread;
    bool w_running, w_stop;
    pthread_mutex_t q_lock;
    pthread_cond_t q_wake;
    store_job *q_head, *q_tail;
    struct conn_node *conns;
    uint64_t generation; /* tells a thread's cached connection which store it belongs to */
};

/* Every connection of the store opens and closes here, so the metrics count them. */
static status conn_open(store *s, db **out, diag *d)
{
    status st = s->drv->open(s->dsn, out, d);
    if (st)
        metrics_store_error_count(METRICS_STORE_OPEN_FAILED);
    else
        metrics_gauge_add(METRICS_STORE_CONNS, 1);
    return st;
}

static void fts_memo_free(struct fts_memo *m);

static void conn_close(db *c)
{
    fts_memo_free(c->fts_memo);
    c->drv->close(c);
    metrics_gauge_add(METRICS_STORE_CONNS, -1);
}

static _Thread_local db *tl_conn;
static _Thread_local uint64_t tl_generation;
static uint64_t next_generation = 1;
static pthread_mutex_t generation_lock = PTHREAD_MUTEX_INITIALIZER;

static status apply(db *c, diag *d)
{
    status st = db_exec(c, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY "
                           "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    if (st) return diag_set(d, st, "db", "cannot create schema_version");
    int have = store_schema_version(c);
    for (int i = 0; i < *c->drv->n_migrations; i++) {
        const struct schema_migration *m = &c->drv->migrations[i];
        if (m->version <= have) continue;
        st = db_begin(c);
        if (!st) st = db_exec(c, m->sql);
        if (!st) {
            db_stmt *s = db_prepare(c, "INSERT INTO schema_version VALUES (?, ?, ?)");
            if (!s)
                st = ST_INTERNAL;
            else {
                db_bind_int(s, 1, m->version);
                db_bind_text(s, 2, m->name);
                db_bind_int(s, 3, time_now_ms());
                st = run_done(s);
            }
        }
        if (!st) st = db_commit(c);
        if (st) {
            db_rollback(c);
            return diag_set(d, st, "db", "migration %s failed", m->name);
        }
        log_info("store: applied migration %s", m->name);
    }
    return ST_OK;
}

/* Applies what is missing, under the engine's migration lock. */
static status migrate(db *c, diag *d)
{
    status st = c->drv->lock_migrations(c, true);
    if (st) return diag_set(d, st, "db", "cannot take the migration lock");
    st = apply(c, d);
    if (c->drv->lock_migrations(c, false) && !st)
        st = diag_set(d, ST_INTERNAL, "db", "cannot release the migration lock");
    return st;
}

int store_schema_version(db *c)
{
    int v = 0;
    db_stmt *s = db_prepare(c, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (!s) return -1;
    if (db_step(s) == DB_ROW) v = (int)db_col_int(s, 0);
    db_reset(s);
    return v;
}

status store_open(const char *dsn, store **out, diag *d)
{
    store *s = xcalloc(1, sizeof *s);
    s->dsn = xstrdup(dsn);
    s->drv = db_driver_for(dsn);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->maint_lock, NULL);
    pthread_cond_init(&s->maint_wake, NULL);
    pthread_mutex_init(&s->q_lock, NULL);
    pthread_cond_init(&s->q_wake, NULL);
    pthread_mutex_lock(&generation_lock);
    s->generation = next_generation++;
    pthread_mutex_unlock(&generation_lock);
    db *c = store_conn(s);
    status st = c ? migrate(c, d) : diag_set(d, ST_INTERNAL, "db", "cannot open %s", dsn);
    if (st) {
        store_close(s);
        return st;
    }
    *out = s;
    return ST_OK;
}

void store_close(store *s)
{
    if (!s) return;
    if (s->w_running) {
        pthread_mutex_lock(&s->q_lock);
        s->w_stop = true;
        pthread_cond_signal(&s->q_wake);
        pthread_mutex_unlock(&s->q_lock);
        pthread_join(s->wthread, NULL);
    }
    if (s->maint_running) {
        pthread_mutex_lock(&s->maint_lock);
        s->maint_stop = true;
        pthread_cond_signal(&s->maint_wake);
        pthread_mutex_unlock(&s->maint_lock);
        pthread_join(s->maint, NULL);
    }
    for (struct conn_node *n = s->conns, *next; n; n = next) {
        next = n->next;
        conn_close(n->c);
        free(n);
    }
    if (tl_generation == s->generation) tl_conn = NULL, tl_generation = 0;
    if (s->writer) conn_close(s->writer);
    pthread_cond_destroy(&s->q_wake);
    pthread_mutex_destroy(&s->q_lock);
    pthread_cond_destroy(&s->maint_wake);
    pthread_mutex_destroy(&s->maint_lock);
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->lock);
    free(s->dsn);
    free(s);
}

db *store_conn(store *s)
{
    if (tl_conn && tl_generation == s->generation) return tl_conn;
    db *c = NULL;
    diag d = {0};
    if (conn_open(s, &c, &d)) {
        log_error("store: %s", d.msg);
        return NULL;
    }
    struct conn_node *n = xmalloc(sizeof *n);
    n->c = c;
    pthread_mutex_lock(&s->lock);
    n->next = s->conns;
    s->conns = n;
    pthread_mutex_unlock(&s->lock);
    tl_conn = c;
    tl_generation = s->generation;
    return c;
}

/* write_lock for a write (a batch, store_write_begin), counted while it waits so that the
 * checkpointer's merge of the word index lets it in between steps (fts_round). */
static void writer_lock(store *s)
{
    __atomic_add_fetch(&s->lock_waiters, 1, __ATOMIC_RELAXED);
    pthread_mutex_lock(&s->write_lock);
    __atomic_sub_fetch(&s->lock_waiters, 1, __ATOMIC_RELAXED);
}

/* Opens the writer connection on first use; write_lock held. */
static status writer_open(store *s)
{
    diag d = {0};
    if (s->writer) return ST_OK;
    if (conn_open(s, &s->writer, &d)) {
        log_error("store: writer: %s", d.msg);
        s->writer = NULL;
        return ST_INTERNAL;
    }
    if (s->maint_running && s->drv->writer_no_autocheckpoint(s->writer))
        log_error("store: cannot hand checkpoints to the background");
    if (s->drv->writer_tune && s->drv->writer_tune(s->writer))
        log_error("store: cannot size the writer's cache");
    return ST_OK;
}

/* One round of the checkpointer. The log (SQLite's WAL) starts over from its beginning only when
 * a write transaction begins with every frame of it copied into the database. A checkpoint
 * beside a steady stream of commits never gets there (the writer commits while it copies), so
 * the log grew for as long as the load lasted (285 MB in 12 s of creates at 1M tickets) and
 * every commit extended the file (block allocation, zeroing). So a second pass runs with the
 * writer held whenever the log holds frames: it copies what was committed during the first (a
 * few batches; nothing when idle), and the writer's next BEGIN starts the log over (unless a
 * reader still reads old frames). */
static void checkpoint_round(store *s, db *c)
{
    bool in_log = false;
    if (s->drv->checkpoint(c, &in_log)) log_error("store: checkpoint failed");
    if (!in_log) return;
    pthread_mutex_lock(&s->write_lock);
    if (s->drv->checkpoint(c, &in_log)) log_error("store: checkpoint failed");
    pthread_mutex_unlock(&s->write_lock);
}

/* The word index's upkeep (db.h fts_merge). Each commit that touched a search document adds a
 * b-tree to FTS5's index and FTS5's own merging leaves 10-20 of them at 1M tickets (22 after
 * `ticketd seed` and 2,000 PATCHes); a search that tests rows one by one against a word
 * (ticket_page.c tested_page) seeks through every one: q=benchmark&sort=updated took 5.6 ms of
 * CPU a page over 11 trees, 1.5 ms over one. So after commits, when the index has more than
 * one tree and the writer has been idle a second, the checkpointer merges them all into one,
 * in steps on the writer connection
 * between its batches (a step ends at a term's end: ~100 ms for the doclist of a word in a
 * million tickets, the writes waiting meanwhile), the steps taking a quarter of the time at
 * most; after a merge, no other for LIMIT_FTS_MERGE_REST times as long as it took (a whole
 * merge at 1M tickets is ~1.8 s of work: one per ~90 s at most, ~2 % of the writer's time).
 * While a merge is under way, FTS5's own merging at the writer's commits also goes on with it
 * (a commit that writes documents then does a few steps of it: up to ~100 ms at 1M for a word
 * in every ticket), so a burst of writes that begins during a merge pays for part of it. */
struct fts_upkeep {
    uint64_t looked;    /* s->commits when the trees were last counted */
    bool merging;       /* a merge is under way */
    int64_t spent_us;   /* its steps' time so far */
    int64_t rest_until; /* time_mono_us() before which nothing runs */
};

/* Whether a write waits for write_lock (writer_lock). */
static bool writes_waiting(store *s)
{
    return __atomic_load_n(&s->lock_waiters, __ATOMIC_RELAXED) > 0;
}

/* One step of the merge (writer held). A new one begins when there are more trees than one,
 * looked at after commits once the writer has committed nothing for a second (a burst of
 * writes is not slowed by a merge; FTS5's own merging bounds the trees meanwhile). */
static status fts_step(store *s, db *c, struct fts_upkeep *u, int64_t now, bool *worked)
{
    *worked = false;
    if (!u->merging &&
        (s->commits == u->looked || now - s->committed_at < LIMIT_FTS_MERGE_IDLE_MS * 1000))
        return ST_OK;
    status st = ST_OK;
    bool start = false;
    if (!u->merging) {
        int trees = 0;
        u->looked = s->commits;
        st = s->drv->fts_trees(c, &trees);
        start = u->merging = !st && trees > 1;
        u->spent_us = 0;
    }
    if (!st && u->merging) st = s->drv->fts_merge(c, start, worked);
    return st;
}

/* On the checkpointer's connection `c`, writer held (so no batch is under way): a merge read
 * through the writer's larger cache would fill it (+32 MiB of RSS on an idle server); the
 * price is that the writer's cache starts over after each step, while a merge lasts. */
static void fts_round(store *s, db *c, struct fts_upkeep *u)
{
    int64_t now = time_mono_us();
    if (!s->drv->fts_merge || now < u->rest_until) return;
    bool worked = false;
    status st = ST_OK;
    int64_t work = 0; /* the steps' time, the writer held: not the waits for it */
    do {
        pthread_mutex_lock(&s->write_lock);
        int64_t held = time_mono_us();
        st = fts_step(s, c, u, held, &worked);
        pthread_mutex_unlock(&s->write_lock);
        now = time_mono_us();
        work += now - held;
        /* a waiting write goes first: the mutex is not fair, the round would keep it */
    } while (!st && worked && work < LIMIT_FTS_MERGE_ROUND_MS * 1000 && !writes_waiting(s));
    if (st) {
        log_error("store: the word index's merge failed (tried again in a minute)");
        u->merging = false;
        u->rest_until = now + 60 * 1000 * 1000;
        return;
    }
    if (!u->merging) return; /* nothing to merge */
    u->spent_us += work;
    u->rest_until = now + work * (LIMIT_FTS_MERGE_DUTY - 1);
    if (worked) return;
    u->merging = false; /* merged into one */
    u->rest_until = now + u->spent_us * LIMIT_FTS_MERGE_REST;
}

static void *maintain(void *arg)
{
    store *s = arg;
    db *c = NULL;
    diag d = {0};
    struct fts_upkeep fts = {.looked = UINT64_MAX}; /* counted at the first round */
    if (conn_open(s, &c, &d)) {
        log_error("store: checkpointer: %s", d.msg);
        return NULL;
    }
    pthread_mutex_lock(&s->maint_lock);
    while (!s->maint_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&s->maint_wake, &s->maint_lock, &until);
        if (s->maint_stop) break;
        pthread_mutex_unlock(&s->maint_lock);
        checkpoint_round(s, c);
        fts_round(s, c, &fts);
        pthread_mutex_lock(&s->maint_lock);
    }
    pthread_mutex_unlock(&s->maint_lock);
    bool in_log;
    (void)s->drv->checkpoint(c, &in_log);
    conn_close(c);
    return NULL;
}

status store_start_maintenance(store *s)
{
    if (!s->drv->checkpoint) return ST_OK; /* the engine keeps its own log (PostgreSQL) */
    pthread_mutex_lock(&s->write_lock);
    s->maint_running = true;
    /* A writer opened before now still checkpoints itself; close it so the next opens without. */
    if (s->writer) conn_close(s->writer), s->writer = NULL;
    pthread_mutex_unlock(&s->write_lock);
    if (pthread_create(&s->maint, NULL, maintain, s) != 0) {
        s->maint_running = false;
        return ST_INTERNAL;
    }
    pthread_setname_np(s->maint, "ticketd-ckpt");
    return ST_OK;
}

/* Runs a parameterless statement through the statement cache. */
static status exec_cached(db *c, const char *sql)
{
    return run_done(db_prepare(c, sql));
}

/* A statement whose answer only matters if it fails: held back for the next round trip
 * where the engine has round trips (db.h exec_later). */
static status exec_later(db *c, const char *sql)
{
    return c->drv->exec_later ? c->drv->exec_later(c, sql) : exec_cached(c, sql);
}

/* First in every write transaction of the writer: where several processes write (PostgreSQL),
 * they take turns until COMMIT, so event ids follow commit order (db.h's write_lock). Taken
 * before any row is touched, it cannot close a deadlock: its holder may wait only for rows of
 * transactions that never wait for it. */
static status lock_writes(db *c)
{
    if (!c->drv->write_lock) return ST_OK;
    return exec_later(c, c->drv->write_lock);
}

/* Before COMMIT on the writer: what the engine defers to the end of a transaction (db.h
 * fts_flush). */
static status fts_flush(db *c)
{
    status st = ST_OK;
    for (int i = 0; !st && i < 2 && c->drv->fts_flush[i]; i++)
        st = exec_cached(c, c->drv->fts_flush[i]);
    return st;
}

/* The webhook outbox's queueing lives here, beside the COMMIT it runs before (the rest of the
 * outbox's SQL is store/webhook.c's). An event's id arrives when its INSERT has run, which on
 * PostgreSQL may be a round trip later (run_or_hold). */
static void note_event_id(void *arg, int64_t id)
{
    db *c = arg;
    if (!c->outbox_first) c->outbox_first = id;
    if (id > c->outbox_last) c->outbox_last = id;
}

status run_event_insert(db *c, db_stmt *s, int64_t at)
{
    if (!s) return ST_INTERNAL;
    if (!c->outbox_at) c->outbox_at = at; /* the first event's time: the deliveries' uuids */
    return run_or_hold(s, note_event_id, c);
}

static void outbox_forget(db *c)
{
    c->outbox_first = c->outbox_last = c->outbox_at = 0;
}

status store_webhook_flush(db *c, size_t *queued)
{
    *queued = 0;
    status st = db_sync(c); /* the ids of the events whose INSERT was held back */
    if (st) return st;
    if (!c->outbox_first) {
        outbox_forget(c);
        return ST_OK;
    }
    /* One statement per commit batch, run right before COMMIT: the deliveries of every event
     * this transaction wrote (ids outbox_first..outbox_last: those of a job rolled back to its
     * savepoint are no longer there, and another process's events cannot fall in between while
     * this writer holds the write lock), one per active webhook of the event's workspace (the
     * partial index webhooks_active; none: one index probe per event, the whole cost of the
     * outbox for a workspace without webhooks) whose events match. `events` is '*' or ',a,b,',
     * so a match is the type with its commas inside it (replace() is spelled alike on both
     * engines). '*' leaves out the webhook.* events, which an endpoint gets only by naming
     * them: a failing '*' endpoint would otherwise be sent the news of its own failures, and
     * several would feed each other. ORDER BY: delivery ids follow event ids (a ticket's
     * order). */
    /* Written once per driver (its uuid expression): only the writer thread queues, and a
     * process has one driver. A delivery's uuid is time-ordered (v7: the ms time, then a
     * counter, then the random end of a v4): its unique index then grows at its right edge,
     * one page per COMMIT, where random uuids dirtied a page per delivery. */
    static _Thread_local const struct db_driver *made_for;
    static _Thread_local char sql[1024];
    static _Thread_local unsigned seq;
    if (made_for != c->drv) {
        made_for = c->drv;
        snprintf(sql, sizeof sql,
                 "INSERT INTO webhook_deliveries (uuid, workspace_id, webhook_id, event_id, "
                 "ticket_id, status, attempts, next_at, created_at) SELECT ? || substr(%s, 20), "
                 "w.workspace_id, w.id, e.id, e.ticket_id, 'queued', 0, e.created_at, "
                 "e.created_at FROM events e JOIN webhooks w ON w.workspace_id = e.workspace_id "
                 "AND w.active = 1 WHERE e.id >= ? AND e.id <= ? AND ((w.events = '*' AND e.type "
                 "NOT LIKE 'webhook.%%') OR length(w.events) <> length(replace(w.events, ',' || "
                 "e.type || ',', ''))) ORDER BY e.id, w.id RETURNING id",
                 c->drv->new_uuid);
    }
    int64_t first = c->outbox_first, last = c->outbox_last;
    uint64_t ms = (uint64_t)c->outbox_at;
    outbox_forget(c);
    db_stmt *s = db_prepare(c, sql);
    if (!s) return ST_INTERNAL;
    char head[20]; /* tttttttt-tttt-7sss- */
    snprintf(head, sizeof head, "%08x-%04x-7%03x-", (unsigned)(ms >> 16) & 0xffffffffu,
             (unsigned)(ms & 0xffff), seq++ & 0xfff);
    db_bind_text(s, 1, head);
    db_bind_int(s, 2, first);
    db_bind_int(s, 3, last);
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        (*queued)++;
    db_reset(s);
    return step_status(rc);
}

static void (*deliveries_queued)(void); /* store_on_deliveries_queued */

void store_on_deliveries_queued(void (*fn)(void))
{
    deliveries_queued = fn;
}

/* Before COMMIT on the writer, after fts_flush: the webhook outbox's one INSERT for the
 * transaction's events (store_webhook_flush). *queued: whether it queued any delivery. */
static status outbox_flush(db *c, bool *queued)
{
    size_t n = 0;
    status st = store_webhook_flush(c, &n);
    *queued = n > 0;
    return st;
}

/* Runs one batch: BEGIN, each job in its own savepoint, COMMIT; then tells every job. */
static void run_batch(store *s, store_job *batch)
{
    status committed = ST_OK;
    writer_lock(s);
    status st = writer_open(s);
    bool queued = false;
    if (!st) outbox_forget(s->writer);
    if (!st) st = db_begin(s->writer);
    if (!st) st = lock_writes(s->writer);
    if (st) {
        db_rollback(s->writer);
        committed = st;
    } else {
        /* A failure here (ST_UNAVAILABLE when the connection broke) fails the batch. */
        for (store_job *j = batch; j; j = j->next) {
            if ((committed = exec_later(s->writer, "SAVEPOINT job"))) break;
            j->ran_ok = !j->run(s->writer, j->arg);
            /* Every held-back write of the job runs before its savepoint ends (no round trip
             * when none is left): a failure among them is this job's, not the next one's. */
            status late = db_sync(s->writer);
            j->late = j->ran_ok ? late : ST_OK;
            if (j->late) {
                /* core syncs before a write answers, so this is a job that did not: its
                 * answer said it worked, done() says otherwise. */
                log_error("store: a write job's held-back statement failed after it answered");
                j->ran_ok = false;
            }
            if (!j->ran_ok && (committed = exec_later(s->writer, "ROLLBACK TO job"))) break;
            if ((committed = exec_later(s->writer, "RELEASE job"))) break;
        }
        if (!committed) committed = fts_flush(s->writer);
        if (!committed) committed = outbox_flush(s->writer, &queued);
        if (!committed) committed = db_commit(s->writer);
        if (committed) db_rollback(s->writer);
        if (!committed) s->commits++, s->committed_at = time_mono_us();
        for (store_job *j = batch; !committed && j; j = j->next)
            if (j->after && j->ran_ok) j->after(s->writer, j->arg);
    }
    pthread_mutex_unlock(&s->write_lock);
    if (!committed && queued && deliveries_queued) deliveries_queued();
    if (committed) {
        log_error("store: a batch of writes failed to commit: %s", status_name(committed));
        metrics_store_error_count(METRICS_STORE_COMMIT_FAILED);
    }
    for (store_job *j = batch, *next; j; j = next) {
        next = j->next; /* done() may free the job */
        j->done(j->arg, committed ? committed : j->late);
    }
}

static void *writer_main(void *arg)
{
    store *s = arg;
    pthread_mutex_lock(&s->q_lock);
    for (;;) {
        while (!s->q_head && !s->w_stop)
            pthread_cond_wait(&s->q_wake, &s->q_lock);
        if (!s->q_head) break; /* stopping, and nothing left */
        /* Take up to LIMIT_WRITE_BATCH jobs; the rest wait for the next transaction. */
        store_job *batch = s->q_head, *last = batch;
        int n = 1;
        for (; n < LIMIT_WRITE_BATCH && last->next; n++)
            last = last->next;
        metrics_gauge_add(METRICS_WRITE_QUEUE, -n);
        metrics_write_batch((size_t)n);
        s->q_head = last->next;
        if (!s->q_head) s->q_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->q_lock);
        run_batch(s, batch);
        pthread_mutex_lock(&s->q_lock);
    }
    pthread_mutex_unlock(&s->q_lock);
    return NULL;
}

status store_start_writer(store *s)
{
    if (pthread_create(&s->wthread, NULL, writer_main, s) != 0) return ST_INTERNAL;
    /* Named so that bench/create.sh (and perf, top -H) can tell its CPU from the rest. */
    pthread_setname_np(s->wthread, "ticketd-writer");
    s->w_running = true;
    return ST_OK;
}

void store_submit_first(store *s, store_job *j)
{
    BUG_ON(!s->w_running);
    pthread_mutex_lock(&s->q_lock);
    j->next = s->q_head;
    s->q_head = j;
    if (!s->q_tail) s->q_tail = j;
    metrics_gauge_add(METRICS_WRITE_QUEUE, 1);
    pthread_cond_signal(&s->q_wake);
    pthread_mutex_unlock(&s->q_lock);
}

bool store_writer_running(store *s)
{
    return s->w_running;
}

void store_submit(store *s, store_job *j)
{
    BUG_ON(!s->w_running);
    j->next = NULL;
    pthread_mutex_lock(&s->q_lock);
    if (s->q_tail)
        s->q_tail->next = j;
    else
        s->q_head = j;
    s->q_tail = j;
    metrics_gauge_add(METRICS_WRITE_QUEUE, 1);
    pthread_cond_signal(&s->q_wake);
    pthread_mutex_unlock(&s->q_lock);
}

status store_write_begin(store *s, db **out)
{
    writer_lock(s);
    status st = writer_open(s);
    if (st) {
        pthread_mutex_unlock(&s->write_lock);
        return st;
    }
    outbox_forget(s->writer);
    st = db_begin(s->writer);
    if (!st) st = lock_writes(s->writer);
    if (st) {
        db_rollback(s->writer);
        pthread_mutex_unlock(&s->write_lock);
        return st;
    }
    *out = s->writer;
    return ST_OK;
}

status store_write_end(store *s, bool commit)
{
    bool queued = false;
    status st = commit ? fts_flush(s->writer) : ST_OK;
    if (commit && !st) st = outbox_flush(s->writer, &queued);
    if (commit && !st) st = db_commit(s->writer);
    if (!commit || st) db_rollback(s->writer);
    if (commit && !st) s->commits++, s->committed_at = time_mono_us();
    pthread_mutex_unlock(&s->write_lock);
    if (commit && !st && queued && deliveries_queued) deliveries_queued();
    return st;
}

status store_sync(db *c)
{
    return db_sync(c);
}

status store_begin(db *c)
{
    return db_begin(c);
}
status store_commit(db *c)
{
    return db_commit(c);
}
status store_begin_read(db *c)
{
    return c->drv->begin_read(c);
}
status store_snapshot_version(db *c, int64_t *out)
{
    if (c->drv != &db_sqlite_driver) return ST_NOT_FOUND;
    db_stmt *s = db_prepare(c, "PRAGMA data_version");
    if (!s) return ST_INTERNAL;
    int rc = db_step(s);
    if (rc == DB_ROW) *out = db_col_int(s, 0);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : ST_INTERNAL;
}
_Static_assert(STORE_STAMP_LEN == (int)DB_STAMP_LEN, "store_stamp holds a driver's stamp");
status store_change_stamp(db *c, store_stamp *out, bool *before)
{
    return c->drv->change_stamp ? c->drv->change_stamp(c, out->b, before) : ST_NOT_FOUND;
}
void store_rollback(db *c)
{
    db_rollback(c);
}
status store_backup(db *c, const char *file, diag *d)
{
    return c->drv->backup(c, file, d);
}

/* ---- sql.h helpers ---- */

char *col_str(db_stmt *s, int i, arena *a)
{
    const char *t = db_col_text(s, i);
    return t ? arena_strdup(a, t) : NULL;
}

int64_t col_int_null(db_stmt *s, int i)
{
    return db_col_null(s, i) ? NULL_INT : db_col_int(s, i);
}

void col_uuid(db_stmt *s, int i, char out[UUID_STR_LEN + 1])
{
    const char *t = db_col_text(s, i);
    snprintf(out, UUID_STR_LEN + 1, "%s", t ? t : "");
}

void bind_int_null(db_stmt *s, int i, int64_t v)
{
    if (v == NULL_INT)
        db_bind_null(s, i);
    else
        db_bind_int(s, i, v);
}

status run_done(db_stmt *s)
{
    if (!s) return ST_INTERNAL;
    int rc = db_step(s);
    db_reset(s);
    return step_status(rc);
}

/* " IN (?, ?, …)" with n placeholders, in the arena. */
char *in_list(arena *a, size_t n)
{
    char *s = arena_alloc(a, 8 + 3 * n);
    size_t len = (size_t)snprintf(s, 8, " IN (");
    for (size_t i = 0; i < n; i++) {
        s[len++] = i ? ',' : '?';
        if (i) s[len++] = '?';
    }
    s[len++] = ')';
    s[len] = '\0';
    return s;
}

status run_insert(db_stmt *s, int64_t *id)
{
    int rc = db_step(s);
    if (rc == DB_ROW) *id = db_col_int(s, 0);
    db_reset(s);
    return step_status(rc);
}

status run_or_hold(db_stmt *s, void (*on_id)(void *arg, int64_t id), void *arg)
{
    if (!s) return ST_INTERNAL;
    if (db_defers(s)) {
        status st = db_run_later(s, on_id, arg);
        db_reset(s);
        return st;
    }
    int rc = db_step(s);
    if (rc == DB_ROW && on_id) on_id(arg, db_col_int(s, 0));
    db_reset(s);
    return step_status(rc);
}

void qb_init(qb *q, const char *first_cond)
{
    q->len = (size_t)snprintf(q->where, sizeof q->where, "%s", first_cond);
    q->n = 0;
}

void qb_and(qb *q, const char *cond)
{
    int n = snprintf(q->where + q->len, sizeof q->where - q->len, " AND %s", cond);
    BUG_ON(n < 0 || (size_t)n >= sizeof q->where - q->len);
    q->len += (size_t)n;
}

void qb_int(qb *q, int64_t v)
{
    BUG_ON(q->n >= LIMIT_QB_ARGS);
    q->args[q->n].is_text = false;
    q->args[q->n++].i = v;
}

void qb_text(qb *q, const char *v)
{
    BUG_ON(q->n >= LIMIT_QB_ARGS);
    q->args[q->n].is_text = true;
    q->args[q->n++].s = v;
}

int qb_bind(const qb *q, db_stmt *s, int first)
{
    for (int i = 0; i < q->n; i++) {
        if (q->args[i].is_text)
            db_bind_text(s, first + i, q->args[i].s);
        else
            db_bind_int(s, first + i, q->args[i].i);
    }
    return first + q->n;
}

status list_run(db *c, const char *cols, const char *from, const char *count_from, qb *where,
                const list_page *pg, const char *sort_col, const char *uuid_col,
                const char *created_col, arena *a, size_t row_size, row_reader read, void **rows,
                size_t *n, int64_t *total)
{
    return list_run_counted(c, NULL, cols, from, count_from, where, pg, sort_col, uuid_col,
                            created_col, a, row_size, read, rows, n, total);
}

status list_run_counted(db *c, db_stmt *counter, const char *cols, const char *from,
                        const char *count_from, qb *where, const list_page *pg,
                        const char *sort_col, const char *uuid_col, const char *created_col,
                        arena *a, size_t row_size, row_reader read, void **rows, size_t *n,
                        int64_t *total)
{
    char cond[128], created_s[64];
    snprintf(created_s, sizeof created_s, "%s / 1000", created_col);
    if (pg->from_s != NULL_INT) {
        snprintf(cond, sizeof cond, "%s >= ?", created_s);
        qb_and(where, cond);
        qb_int(where, pg->from_s);
    }
    if (pg->to_s != NULL_INT) {
        snprintf(cond, sizeof cond, "%s <= ?", created_s);
        qb_and(where, cond);
        qb_int(where, pg->to_s);
    }
    if (!sort_col) sort_col = pg->sort == SORT_CREATED_MS ? created_col : created_s;
    if (pg->after_uuid) {
        /* A keyset page: the rows past (ms, uuid) in (created_col, uuid_col) order. */
        sort_col = created_col;
        const char *op = pg->desc ? "<" : ">";
        qb_and(where, arena_printf(a, "(%s %s ? OR (%s = ? AND %s %s ?))", created_col, op,
                                   created_col, uuid_col, op));
        qb_int(where, pg->after_ms);
        qb_int(where, pg->after_ms);
        qb_text(where, pg->after_uuid);
    }
    const char *dir = pg->desc ? " DESC" : "";
    char *count_sql = arena_printf(a, "SELECT count(*) FROM %s WHERE %s", count_from, where->where);
    char *page_sql =
        arena_printf(a, "SELECT %s FROM %s WHERE %s ORDER BY %s%s, %s%s LIMIT ? OFFSET ?", cols,
                     from, where->where, sort_col, dir, uuid_col, dir);
    db_stmt *s = counter;
    int rc;
    *n = 0;
    *rows = NULL;
    if (total) {
        if (!s) {
            if (!(s = db_prepare(c, count_sql))) return ST_INTERNAL;
            qb_bind(where, s, 1);
        }
        rc = db_step(s);
        *total = rc == DB_ROW ? db_col_int(s, 0) : 0;
        db_reset(s);
        if (rc < 0) return step_status(rc);
        if (*total <= pg->offset) return ST_OK; /* the page is past the end: no page query */
    }
    s = db_prepare(c, page_sql);
    if (!s) return ST_INTERNAL;
    int i = qb_bind(where, s, 1);
    db_bind_int(s, i, pg->limit);
    db_bind_int(s, i + 1, pg->offset);
    unsigned char *out = arena_zalloc(a, row_size * (size_t)pg->limit);
    while ((rc = db_step(s)) == DB_ROW && *n < (size_t)pg->limit)
        read(s, a, out + row_size * (*n)++);
    db_reset(s);
    *rows = out;
    return rc < 0 ? step_status(rc) : ST_OK;
}

status delete_by_id(db *c, const char *sql, int64_t ws, int64_t id)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, ws);
    return run_done(s);
}

status count_run(db_stmt *s, int64_t *n)
{
    int rc = db_step(s);
    *n = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

status value_run(db_stmt *s, int64_t *v)
{
    int rc = db_step(s);
    bool none = rc != DB_ROW || db_col_null(s, 0);
    if (!none) *v = db_col_int(s, 0);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return none ? ST_NOT_FOUND : ST_OK;
}

status count_refs(db *c, const char *sql, int64_t ws, int64_t id, int64_t *n)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, ws);
    return count_run(s, n);
}

status get_one(db *c, const char *sql, int64_t ws, const char *uuid, arena *a, row_reader read,
               void *row)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, uuid);
    int rc = db_step(s);
    if (rc == DB_ROW) read(s, a, row);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
}

/* ---- sql.h: what differs between engines, from the driver ---- */

char *sql_fts_match(db *c, const char *alias, arena *a)
{
    const struct db_driver *d = c->drv;
    return d->fts_match[0] == '.' ? arena_printf(a, "%s%s", alias, d->fts_match)
                                  : arena_strdup(a, d->fts_match);
}

char *sql_fts_ids(db *c, const char *col, arena *a)
{
    return arena_printf(a, "%s IN (SELECT %s FROM ticket_fts WHERE %s)", col, c->drv->fts_key,
                        sql_fts_match(c, "ticket_fts", a));
}

/* The terms of the word index that start with word (lower-case ASCII), in order, up to
 * LIMIT_FTS_EXPAND + 1 of them, as `"t1" OR "t2" …` in *out; *n: how many. */
static status fts_word_terms(db *c, const char *word, arena *a, const char **out, size_t *n)
{
    size_t len = strlen(word);
    char *upper = arena_strdup(a, word);
    upper[len - 1]++; /* an ASCII letter or digit: the next byte is still ASCII */
    /* One instance row per step: `term > ?` seeks, and LIMIT 1 stops before the term's rows. */
    db_stmt *s = db_prepare(c, "SELECT term FROM temp.ticket_fts_terms WHERE term >= ? AND term "
                               "< ? LIMIT 1");
    if (!s) return ST_INTERNAL;
    const char *list = "", *from = word;
    *n = 0;
    while (*n <= LIMIT_FTS_EXPAND) {
        db_bind_text(s, 1, from);
        db_bind_text(s, 2, upper);
        int rc = db_step(s);
        const char *t = rc == DB_ROW ? db_col_text(s, 0) : NULL;
        char *term = t && !strncmp(t, word, len) ? arena_strdup(a, t) : NULL;
        db_reset(s);
        if (rc < 0) return step_status(rc);
        if (!term) break;
        /* Not in order or not a plain token: no spelled-out list can be trusted. */
        if (strcmp(term, from) < 0 || strchr(term, '"')) return ST_INTERNAL;
        list = arena_printf(a, "%s%s\"%s\"", list, *n ? " OR " : "", term);
        (*n)++;
        /* the smallest string after term: term followed by the lowest byte a term can hold */
        from = arena_printf(a, "%s\x01", term);
    }
    *out = list;
    return ST_OK;
}

/* A word's terms as fts_word_terms found them, remembered per connection while the database
 * is the one they were read from: PRAGMA data_version moves when another connection commits,
 * total_changes() when this one writes (the word index changes only with a row). The probe
 * for the terms after a common word reads through that word's doclist (FTS5 seeks to the leaf
 * where the word starts): ~0.65 ms at 1M tickets, against a few microseconds here. */
struct fts_memo {
    int64_t data_version, changes;
    size_t next; /* the slot the next word takes, round robin */
    struct {
        char *word, *terms; /* owned; word NULL: a free slot */
        size_t n;
    } e[LIMIT_FTS_MEMO];
    size_t next_count;
    struct {
        char *what; /* owned; NULL: a free slot */
        int64_t cap, n;
    } k[LIMIT_FTS_MEMO]; /* sql_plan_count_get/put */
};

static void fts_memo_clear(struct fts_memo *m)
{
    for (size_t i = 0; i < LIMIT_FTS_MEMO; i++) {
        free(m->e[i].word);
        free(m->e[i].terms);
        m->e[i].word = m->e[i].terms = NULL;
        free(m->k[i].what);
        m->k[i].what = NULL;
    }
    m->next = m->next_count = 0;
}

static void fts_memo_free(struct fts_memo *m)
{
    if (!m) return;
    fts_memo_clear(m);
    free(m);
}

/* c's memo, emptied first when the database changed since it was filled; NULL when the
 * version cannot be read (the caller reads the index). */
static struct fts_memo *fts_memo_get(db *c)
{
    db_stmt *s = db_prepare(c, "SELECT (SELECT data_version FROM pragma_data_version()), "
                               "total_changes()");
    if (!s) return NULL;
    int rc = db_step(s);
    int64_t dv = rc == DB_ROW ? db_col_int(s, 0) : 0, ch = rc == DB_ROW ? db_col_int(s, 1) : 0;
    db_reset(s);
    if (rc != DB_ROW) return NULL;
    struct fts_memo *m = c->fts_memo;
    if (!m) m = c->fts_memo = xcalloc(1, sizeof *m);
    if (m->data_version != dv || m->changes != ch) {
        fts_memo_clear(m);
        m->data_version = dv;
        m->changes = ch;
    }
    return m;
}

/* fts_word_terms through the memo m (NULL: none). */
static status word_terms(db *c, struct fts_memo *m, const char *word, arena *a, const char **out,
                         size_t *n)
{
    for (size_t i = 0; m && i < LIMIT_FTS_MEMO; i++)
        if (m->e[i].word && !strcmp(m->e[i].word, word)) {
            *out = arena_strdup(a, m->e[i].terms);
            *n = m->e[i].n;
            return ST_OK;
        }
    status st = fts_word_terms(c, word, a, out, n);
    if (st || !m) return st;
    size_t i = m->next;
    m->next = (i + 1) % LIMIT_FTS_MEMO;
    free(m->e[i].word);
    free(m->e[i].terms);
    m->e[i].word = xstrdup(word);
    m->e[i].terms = xstrdup(*out);
    m->e[i].n = *n;
    return ST_OK;
}

bool sql_plan_count_get(db *c, const char *what, int64_t cap, int64_t *n)
{
    struct fts_memo *m = c->drv == &db_sqlite_driver && what ? fts_memo_get(c) : NULL;
    for (size_t i = 0; m && i < LIMIT_FTS_MEMO; i++)
        if (m->k[i].what && m->k[i].cap == cap && !strcmp(m->k[i].what, what)) {
            *n = m->k[i].n;
            return true;
        }
    return false;
}

void sql_plan_count_put(db *c, const char *what, int64_t cap, int64_t n)
{
    /* Only right after sql_plan_count_get missed in the same transaction: the memo's version
     * was read then. */
    struct fts_memo *m = c->drv == &db_sqlite_driver && what ? c->fts_memo : NULL;
    if (!m) return;
    size_t i = m->next_count;
    m->next_count = (i + 1) % LIMIT_FTS_MEMO;
    free(m->k[i].what);
    m->k[i].what = xstrdup(what);
    m->k[i].cap = cap;
    m->k[i].n = n;
}

char *sql_fts_has(db *c, const char *col, const char *match, arena *a)
{
    if (c->drv != &db_sqlite_driver || strchr(match, '*')) return sql_fts_ids(c, col, a);
    return arena_printf(
        a, "EXISTS (SELECT 1 FROM ticket_fts WHERE ticket_fts MATCH ? AND rowid = %s)", col);
}

const char *sql_fts_terms(db *c, const char *match, arena *a)
{
    if (c->drv != &db_sqlite_driver || !match) return match;
    /* match is store_fts_query's: `"word"*` groups separated by one space. */
    const char *out = "", *p = match;
    struct fts_memo *m = *p == '"' ? fts_memo_get(c) : NULL;
    while (*p == '"') {
        const char *end = strchr(p + 1, '"');
        if (!end || end[1] != '*') return match;
        size_t len = (size_t)(end - p - 1);
        char *word = arena_alloc(a, len + 1);
        bool ascii = len > 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)p[1 + i];
            ascii = ascii && ch < 0x80 && ch != 0x7f;
            word[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        }
        word[len] = '\0';
        const char *terms = NULL;
        size_t n = 0;
        /* The tokenizer (unicode61) folds ASCII to lower case and nothing else. */
        if (ascii && word_terms(c, m, word, a, &terms, &n)) return match;
        const char *group = ascii && n >= 1 && n <= LIMIT_FTS_EXPAND
                                ? arena_printf(a, "(%s)", terms)
                                : arena_printf(a, "%.*s", (int)(len + 3), p);
        out = arena_printf(a, "%s%s%s", out, *out ? " AND " : "", group);
        p = end + 2;
        if (*p == ' ') p++;
    }
    return *p ? match : out;
}

const struct db_driver *db_driver_for(const char *dsn)
{
    if (!strncmp(dsn, "postgres://", 11) || !strncmp(dsn, "postgresql://", 13) ||
        strstr(dsn, "dbname=") || strstr(dsn, "host="))
        return &db_pg_driver;
    return &db_sqlite_driver;
}

/* ---- the live stream's listening connection ---- */

status store_listen(store *s, db **out)
{
    diag d = {0};
    if (!s->drv->listen) return ST_INVALID;
    db *c = NULL;
    status st = conn_open(s, &c, &d);
    if (st) return st;
    st = s->drv->listen(c);
    if (st) {
        conn_close(c);
        return st;
    }
    *out = c;
    return ST_OK;
}

int store_listen_fd(db *c)
{
    return c->drv->listen_fd(c);
}

status store_listen_drain(db *c, void (*fn)(void *arg, const char *payload), void *arg)
{
    return c->drv->listen_drain(c, fn, arg);
}

void store_listen_close(db *c)
{
    if (c) conn_close(c);
}
