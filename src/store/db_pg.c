/* The PostgreSQL driver (libpq): one connection per thread like SQLite's, and a per-connection
 * cache of server-side prepared statements keyed by SQL text. Owns what differs between the two
 * engines below the SQL: `?` placeholders become $1, $2… (outside literals and identifiers);
 * a statement is prepared on its first run with the types of that run's values (integers int8,
 * text, bytea; NULL left to the server) and planned once (generic plans); values travel as
 * text, blobs as binary; SQLSTATE maps to the status enum (unique and foreign-key violations are
 * conflicts); a connection that broke answers ST_UNAVAILABLE for the statement in flight and is
 * re-established on the next use.
 * Round trips: BEGIN and the statements whose answer only matters if they fail (SAVEPOINT,
 * RELEASE, the writers' lock, NOTIFY: db.h's exec_later) are held back and sent in one libpq
 * pipeline with the next statement that returns rows, or with the COMMIT; a read's ROLLBACK is
 * sent without waiting, its answer read before the connection's next use. A read transaction
 * in which no statement ran costs nothing.
 * The only file besides db_sqlite.c that includes a database header. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/schema.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

#define OID_INT8  20
#define OID_TEXT  25
#define OID_BYTEA 17

struct pstmt {
    struct db_stmt_head head; /* must be first: db.h dispatches through it */
    struct pconn *c;
    char *sql;  /* as written, with ? */
    char *text; /* as sent, with $n */
    uint64_t hash;
    int n_params;
    bool *used;     /* which of $1..$n the text names (PostgreSQL must type every one) */
    unsigned epoch; /* the connection epoch it was prepared in; 0: not prepared */
    int id;         /* its name on the server: s<id> */
    /* the values of the next run */
    char **vals;
    int *lens, *fmts;
    unsigned *types;
    char (*num)[24];
    /* the current run */
    PGresult *res;
    int row, n_rows;
    bool ran;
    unsigned char *blob; /* the last bytea column decoded (PQunescapeBytea) */
    int queued;          /* held-back runs of it (struct later): it stays in the cache until sent */
};

/* A statement held back for the next round trip (db.h exec_later, run_later): parameterless
 * SQL, or a run of a prepared statement with its values copied (the statement may be bound
 * again before this run is sent). Its answer matters only if it fails, but for on_id, which
 * gets the first column of its first row once it has run. */
struct later {
    char *sql; /* owned; NULL: a run of s */
    struct pstmt *s;
    char **vals; /* owned copies */
    int *lens, *fmts;
    unsigned *types;
    void (*on_id)(void *arg, int64_t id);
    void *arg;
};

struct pconn {
    struct db base; /* must be first */
    PGconn *h;
    char *dsn;
    unsigned epoch; /* bumped when the session is re-established: prepared names are gone */
    int next_id;
    bool broken;
    /* Statements not sent yet: they go ahead of the next one that returns rows. */
    struct later pending[LIMIT_PG_PIPELINE];
    int n_pending;
    int n_runs;    /* of them, runs of prepared statements (pg_sync waits for those only) */
    bool draining; /* in pipeline mode: a ROLLBACK's answer not read yet */
    bool closing;
    struct pstmt cache[LIMIT_STMT_CACHE];
};

static void notice(void *arg, const char *msg)
{
    (void)arg, (void)msg; /* NOTICEs (e.g. "relation already exists, skipping") are not errors */
}

static status session(struct pconn *c, diag *d)
{
    if (PQstatus(c->h) != CONNECTION_OK) {
        if (d) diag_set(d, ST_UNAVAILABLE, "db", "cannot connect: %s", PQerrorMessage(c->h));
        return ST_UNAVAILABLE;
    }
    PQsetNoticeProcessor(c->h, notice, NULL);
    /* Generic plans: a statement is planned once per connection, not at every run (planning
     * the list's six-table join cost ~2.5 ms a request; measured 3.7 -> 1.2 ms per list).
     * No parallel workers: at 1M tickets the generic plan of every list page was a Gather
     * Merge of two workers, each reading the page (3 x 51 rows) after a start that cost
     * 50-500 ms a request; our statements read a page. No JIT either: a generic plan's
     * estimate (a walk that tests each row for a common word) passed jit_above_cost and
     * compiled for 0.7 s to run 64 key lookups. */
    PGresult *r = PQexec(c->h, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
                               "SET standard_conforming_strings = on; "
                               "SET plan_cache_mode = force_generic_plan; "
                               "SET max_parallel_workers_per_gather = 0; SET jit = off");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    c->epoch++;
    c->broken = false;
    if (!ok && d) diag_set(d, ST_UNAVAILABLE, "db", "cannot set up: %s", PQerrorMessage(c->h));
    return ok ? ST_OK : ST_UNAVAILABLE;
}

static status pg_open(const char *dsn, db **out, diag *d)
{
    struct pconn *c = xcalloc(1, sizeof *c);
    c->base.drv = &db_pg_driver;
    c->dsn = xstrdup(dsn);
    /* connect_timeout first, so a DSN that names its own wins: a database that cannot be
     * reached answers 503 within seconds instead of holding the request until TCP gives up. */
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const vals[] = {"5", dsn, NULL};
    c->h = PQconnectdbParams(keys, vals, 1);
    if (!c->h) bug_at(__FILE__, __LINE__, "out of memory");
    status st = session(c, d);
    if (st) {
        PQfinish(c->h);
        free(c->dsn);
        free(c);
        return st;
    }
    *out = &c->base;
    return ST_OK;
}

static void later_free(struct later *l)
{
    free(l->sql);
    if (l->s) {
        for (int i = 0; i < l->s->n_params; i++)
            free(l->vals[i]);
        free(l->vals);
        free(l->lens);
        free(l->fmts);
        free(l->types);
        l->s->queued--;
    }
    memset(l, 0, sizeof *l);
}

static void drop_pending(struct pconn *c)
{
    for (int i = 0; i < c->n_pending; i++)
        later_free(&c->pending[i]);
    c->n_pending = c->n_runs = 0;
}

/* Reads the answer of a ROLLBACK sent without waiting (pg_rollback), up to its sync, and
 * leaves pipeline mode. A failure there only matters for the connection. */
static void drain(struct pconn *c)
{
    if (!c->draining) return;
    c->draining = false;
    bool was_null = false;
    for (;;) {
        PGresult *r = PQgetResult(c->h);
        if (!r) {
            if (was_null || PQstatus(c->h) != CONNECTION_OK) {
                c->broken = true;
                break;
            }
            was_null = true;
            continue;
        }
        was_null = false;
        ExecStatusType es = PQresultStatus(r);
        if (es == PGRES_FATAL_ERROR) {
            log_error("pg: rollback: %s", PQresultErrorMessage(r));
            c->broken = true;
        }
        PQclear(r);
        if (es == PGRES_PIPELINE_SYNC || es == PGRES_FATAL_ERROR) break;
    }
    if (!PQexitPipelineMode(c->h)) c->broken = true;
}

/* A broken connection is re-established before its next statement; ST_UNAVAILABLE if not. */
static status ensure(struct pconn *c)
{
    drain(c);
    if (!c->broken && PQstatus(c->h) == CONNECTION_OK) return ST_OK;
    PQreset(c->h);
    status st = session(c, NULL);
    if (st) log_error("pg: cannot reconnect: %s", PQerrorMessage(c->h));
    return st;
}

static void clear_run(struct pstmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = s->n_rows = 0;
    s->ran = false;
    PQfreemem(s->blob);
    s->blob = NULL;
}

static void clear_values(struct pstmt *s)
{
    for (int i = 0; i < s->n_params; i++) {
        if (s->vals[i] && s->vals[i] != s->num[i]) free(s->vals[i]);
        s->vals[i] = NULL;
        s->lens[i] = s->fmts[i] = 0;
        s->types[i] = 0;
    }
}

static void stmt_free(struct pstmt *s)
{
    if (!s->sql) return;
    clear_run(s);
    clear_values(s);
    drain(s->c);
    /* Closing: the session's end drops every prepared statement, no DEALLOCATE each. */
    if (s->epoch && s->epoch == s->c->epoch && !s->c->closing &&
        PQstatus(s->c->h) == CONNECTION_OK) {
        char q[48];
        snprintf(q, sizeof q, "DEALLOCATE s%d", s->id);
        PQclear(PQexec(s->c->h, q));
    }
    free(s->sql);
    free(s->text);
    free(s->vals);
    free(s->lens);
    free(s->fmts);
    free(s->types);
    free(s->num);
    free(s->used);
    memset(s, 0, sizeof *s);
}

static void pg_close(db *base)
{
    struct pconn *c = (struct pconn *)base;
    if (!c) return;
    c->closing = true;
    drop_pending(c);
    for (int i = 0; i < LIMIT_STMT_CACHE; i++)
        stmt_free(&c->cache[i]);
    PQfinish(c->h);
    free(c->dsn);
    free(c);
}

/* `?` -> $n and `?NNN` -> $NNN outside '…' literals, "…" identifiers and -- comments; *n gets
 * the number of parameters. */
static char *number_placeholders(const char *sql, int *n, bool *used, size_t n_used)
{
    size_t len = strlen(sql), q = 0;
    for (const char *p = sql; *p; p++)
        q += *p == '?';
    char *out = xmalloc(len + q * 6 + 1), *o = out;
    *n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0; /* a doubled quote closes and reopens: same result */
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                *o++ = *p++;
            if (!*p) break;
        } else if (*p == '?' && p[1] >= '1' && p[1] <= '9') { /* ?NNN: SQLite's numbered form */
            char *end;
            long k = strtol(p + 1, &end, 10);
            o += snprintf(o, 12, "$%ld", k);
            if (k > *n) *n = (int)k;
            if ((size_t)k <= n_used) used[k - 1] = true;
            p = end - 1;
            continue;
        } else if (*p == '?') {
            o += snprintf(o, 12, "$%d", ++*n);
            if ((size_t)*n <= n_used) used[*n - 1] = true;
            continue;
        }
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

static db_stmt *pg_prepare(db *base, const char *sql)
{
    struct pconn *c = (struct pconn *)base;
    uint64_t h = text_hash(sql);
    size_t slot = h % LIMIT_STMT_CACHE;
    /* As in db_sqlite.c: open addressing with a short probe; a statement not in a run is
     * the victim when the neighbourhood is full. */
    size_t victim = LIMIT_STMT_CACHE;
    for (size_t k = 0; k < 8; k++) {
        size_t i = (slot + k) % LIMIT_STMT_CACHE;
        struct pstmt *e = &c->cache[i];
        if (e->sql && e->hash == h && strcmp(e->sql, sql) == 0) return (db_stmt *)e;
        if (!e->sql) {
            victim = i;
            break;
        }
        if (victim == LIMIT_STMT_CACHE && !e->res && !e->ran && !e->queued) victim = i;
    }
    BUG_ON(victim == LIMIT_STMT_CACHE);
    struct pstmt *e = &c->cache[victim];
    stmt_free(e);
    e->head.drv = &db_pg_driver;
    e->c = c;
    e->sql = xstrdup(sql);
    e->hash = h;
    size_t marks = 1;
    for (const char *p = sql; *p; p++)
        marks += *p == '?';
    bool *used = xcalloc(marks + 999, sizeof *used); /* ?NNN goes up to 999 */
    e->text = number_placeholders(sql, &e->n_params, used, marks + 999);
    e->used = used;
    size_t n = e->n_params ? (size_t)e->n_params : 1;
    e->vals = xcalloc(n, sizeof *e->vals);
    e->lens = xcalloc(n, sizeof *e->lens);
    e->fmts = xcalloc(n, sizeof *e->fmts);
    e->types = xcalloc(n, sizeof *e->types);
    e->num = xcalloc(n, sizeof *e->num);
    e->id = ++c->next_id;
    return (db_stmt *)e;
}

#define PS(s) ((struct pstmt *)(s))

static bool param_ok(struct pstmt *s, int i)
{
    if (i >= 1 && i <= s->n_params) {
        if (s->vals[i - 1] && s->vals[i - 1] != s->num[i - 1]) free(s->vals[i - 1]);
        s->vals[i - 1] = NULL;
        return true;
    }
    log_error("pg: parameter %d of %d in: %s", i, s->n_params, s->sql);
    return false;
}

static void pg_bind_int(db_stmt *st, int i, int64_t v)
{
    struct pstmt *s = PS(st);
    if (!param_ok(s, i)) return;
    snprintf(s->num[i - 1], sizeof s->num[i - 1], "%lld", (long long)v);
    s->vals[i - 1] = s->num[i - 1];
    s->fmts[i - 1] = 0;
    s->types[i - 1] = OID_INT8;
}

static void pg_bind_text(db_stmt *st, int i, const char *v)
{
    struct pstmt *s = PS(st);
    if (!param_ok(s, i)) return;
    s->vals[i - 1] = v ? xstrdup(v) : NULL;
    s->fmts[i - 1] = 0;
    s->types[i - 1] = v ? OID_TEXT : 0;
}

static void pg_bind_blob(db_stmt *st, int i, const void *p, size_t n)
{
    struct pstmt *s = PS(st);
    if (!param_ok(s, i)) return;
    s->vals[i - 1] = xmalloc(n);
    memcpy(s->vals[i - 1], p, n);
    s->lens[i - 1] = (int)n;
    s->fmts[i - 1] = 1;
    s->types[i - 1] = OID_BYTEA;
}

static void pg_bind_null(db_stmt *st, int i)
{
    pg_bind_text(st, i, NULL);
}

/* SQLSTATE classes: 23505 unique, 23503 foreign key, 40P01 deadlock, 08… connection, 57P01 admin
 * shutdown. */
static int failure(struct pstmt *s, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && (!strcmp(state, "23505") || !strcmp(state, "23503"))) return -ST_CONFLICT;
    /* Two nodes' transactions waiting on each other's rows (e.g. an Idempotency-Key claim
     * and a counter): PostgreSQL aborts one. Nothing of it was written and a retry can
     * succeed, as after a lost connection (503), but this connection is fine. */
    if (state && !strcmp(state, "40P01")) {
        log_error("pg: %s in: %s", r ? PQresultErrorMessage(r) : "deadlock", s->sql);
        return -ST_UNAVAILABLE;
    }
    if (PQstatus(s->c->h) != CONNECTION_OK || (state && !strncmp(state, "08", 2)) ||
        (state && !strncmp(state, "57P", 3))) {
        s->c->broken = true;
        log_error("pg: connection lost: %s", PQerrorMessage(s->c->h));
        return -ST_UNAVAILABLE;
    }
    log_error("pg: %s (%s) in: %s", r ? PQresultErrorMessage(r) : PQerrorMessage(s->c->h),
              state ? state : "-", s->sql);
    return -ST_INTERNAL;
}

/* failure() for a statement that is not in the cache (BEGIN, COMMIT, held-back ones). */
static int failure_of(struct pconn *c, const char *sql, PGresult *r)
{
    struct pstmt probe = {.c = c, .sql = (char *)sql};
    return failure(&probe, r);
}

/* A statement's name on the server. */
static void stmt_name(const struct pstmt *s, char name[24])
{
    snprintf(name, 24, "s%d", s->id);
}

/* Sends s's PREPARE when this session has not seen it (types: those of the values of its run),
 * and marks it prepared at once, so that a later run in the same pipeline does not send it
 * again; answer() undoes the mark when the PREPARE fails. false: libpq could not queue it. */
static bool send_prepare(struct pconn *c, struct pstmt *s, unsigned *types, bool *sent_prep)
{
    *sent_prep = false;
    if (s->epoch == c->epoch) return true;
    for (int i = 0; i < s->n_params; i++) /* a number the text skips still needs a type */
        if (!s->used[i] && !types[i]) types[i] = OID_TEXT;
    char name[24];
    stmt_name(s, name);
    if (!PQsendPrepare(c->h, name, s->text, s->n_params, types)) return false;
    s->epoch = c->epoch;
    *sent_prep = true;
    return true;
}

/* What each answer of a pipeline belongs to, in order. */
struct answer {
    const char *sql;        /* for the log */
    struct pstmt *prepared; /* a PREPARE of this statement */
    struct later *run;      /* a held-back statement (on_id) */
    bool mine;              /* the waited statement's run: its result stays in s->res */
};

/* Reads one answer (and the NULL after it); *rc gets the first failure. false: the connection
 * is lost or out of step. */
static bool answer(struct pconn *c, const struct answer *a, struct pstmt *s, int *rc)
{
    PGresult *r = PQgetResult(c->h);
    if (!r) return false;
    ExecStatusType es = PQresultStatus(r);
    bool ok = es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK;
    if (!ok && !*rc) *rc = failure_of(c, a->sql, r);
    if (!ok && a->prepared) a->prepared->epoch = 0; /* not prepared after all */
    if (ok && a->run && a->run->on_id && es == PGRES_TUPLES_OK && PQntuples(r) > 0)
        a->run->on_id(a->run->arg, strtoll(PQgetvalue(r, 0, 0), NULL, 10));
    if (a->mine)
        s->res = r;
    else
        PQclear(r);
    PGresult *end = PQgetResult(c->h); /* NULL: the end of that statement's results */
    if (end) PQclear(end);
    return !end;
}

/* One round trip: the held-back statements, then s (its PREPARE first when this session has
 * not seen it; its result stays in s->res) or the parameterless last, in one pipeline with
 * one sync. 0 or the -status of the first failure (what follows it is not run). */
static int pipeline(struct pconn *c, struct pstmt *s, const char *last)
{
    struct answer ans[2 * LIMIT_PG_PIPELINE + 2];
    int n = 0;
    char name[24];
    bool sent = PQenterPipelineMode(c->h), prep;
    for (int i = 0; sent && i < c->n_pending; i++) {
        struct later *l = &c->pending[i];
        if (l->sql) {
            sent = PQsendQueryParams(c->h, l->sql, 0, NULL, NULL, NULL, NULL, 0);
            ans[n++] = (struct answer){.sql = l->sql};
            continue;
        }
        sent = send_prepare(c, l->s, l->types, &prep);
        if (prep) ans[n++] = (struct answer){.sql = l->s->sql, .prepared = l->s};
        stmt_name(l->s, name);
        if (sent)
            sent = PQsendQueryPrepared(c->h, name, l->s->n_params, (const char *const *)l->vals,
                                       l->lens, l->fmts, 0);
        ans[n++] = (struct answer){.sql = l->s->sql, .run = l};
    }
    if (sent && s) {
        sent = send_prepare(c, s, s->types, &prep);
        if (prep) ans[n++] = (struct answer){.sql = s->sql, .prepared = s};
        stmt_name(s, name);
        if (sent)
            sent = PQsendQueryPrepared(c->h, name, s->n_params, (const char *const *)s->vals,
                                       s->lens, s->fmts, 0);
        ans[n++] = (struct answer){.sql = s->sql, .mine = true};
    } else if (sent && last) {
        sent = PQsendQueryParams(c->h, last, 0, NULL, NULL, NULL, NULL, 0);
        ans[n++] = (struct answer){.sql = last};
    }
    if (sent) sent = PQpipelineSync(c->h);
    int rc = 0;
    for (int i = 0; sent && i < n; i++)
        sent = answer(c, &ans[i], s, &rc);
    if (sent) {
        PGresult *r = PQgetResult(c->h);
        sent = r && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
    }
    if (sent) sent = PQexitPipelineMode(c->h);
    drop_pending(c);
    if (!sent) {
        for (int i = 0; i < n; i++) /* what was prepared is unknown: prepare again */
            if (ans[i].prepared) ans[i].prepared->epoch = 0;
        c->broken = true;
        log_error("pg: connection lost in a pipeline: %s", PQerrorMessage(c->h));
        return -ST_UNAVAILABLE;
    }
    return rc;
}

/* Room for one more held-back statement: a full queue is sent now. */
static status make_room(struct pconn *c)
{
    if (c->n_pending < LIMIT_PG_PIPELINE) return ST_OK;
    if (ensure(c)) return ST_UNAVAILABLE;
    return (status)-pipeline(c, NULL, NULL);
}

/* Holds sql back for the next round trip (db.h exec_later); a full queue is sent now. */
static status pg_exec_later(db *base, const char *sql)
{
    struct pconn *c = (struct pconn *)base;
    status st = make_room(c);
    if (st) return st;
    c->pending[c->n_pending++] = (struct later){.sql = xstrdup(sql)};
    return ST_OK;
}

/* Holds a run of st with its bound values back for the next round trip (db.h run_later). */
static status pg_run_later(db_stmt *st, void (*on_id)(void *arg, int64_t id), void *arg)
{
    struct pstmt *s = (struct pstmt *)st;
    struct pconn *c = s->c;
    status rc = make_room(c);
    if (rc) return rc;
    size_t n = s->n_params ? (size_t)s->n_params : 1;
    struct later *l = &c->pending[c->n_pending++];
    *l = (struct later){.s = s, .on_id = on_id, .arg = arg};
    l->vals = xcalloc(n, sizeof *l->vals);
    l->lens = xcalloc(n, sizeof *l->lens);
    l->fmts = xcalloc(n, sizeof *l->fmts);
    l->types = xcalloc(n, sizeof *l->types);
    for (int i = 0; i < s->n_params; i++) {
        const char *v = s->vals[i];
        size_t len = s->fmts[i] ? (size_t)s->lens[i] : v ? strlen(v) + 1 : 0;
        if (v) l->vals[i] = memcpy(xmalloc(len ? len : 1), v, len);
        l->lens[i] = s->lens[i];
        l->fmts[i] = s->fmts[i];
        l->types[i] = s->types[i];
    }
    s->queued++;
    c->n_runs++;
    return ST_OK;
}

/* Every held-back run answered (db.h sync); held-back parameterless statements may wait. */
static status pg_sync(db *base)
{
    struct pconn *c = (struct pconn *)base;
    if (!c->n_runs) return ST_OK;
    if (ensure(c)) return ST_UNAVAILABLE;
    return (status)-pipeline(c, NULL, NULL);
}

static int run(struct pstmt *s)
{
    struct pconn *c = s->c;
    if (ensure(c)) return -ST_UNAVAILABLE;
    if (c->n_pending) {
        int rc = pipeline(c, s, NULL);
        s->ran = true;
        ExecStatusType es = s->res ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
        s->row = -1;
        s->n_rows = !rc && es == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
        return rc;
    }
    if (s->epoch != c->epoch) {
        for (int i = 0; i < s->n_params; i++) /* a number the text skips still needs a type */
            if (!s->used[i] && !s->types[i]) s->types[i] = OID_TEXT;
        char name[24];
        snprintf(name, sizeof name, "s%d", s->id);
        PGresult *r = PQprepare(c->h, name, s->text, s->n_params, s->types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            int rc = failure(s, r);
            PQclear(r);
            return rc;
        }
        PQclear(r);
        s->epoch = c->epoch;
    }
    char name[24];
    snprintf(name, sizeof name, "s%d", s->id);
    s->res =
        PQexecPrepared(c->h, name, s->n_params, (const char *const *)s->vals, s->lens, s->fmts, 0);
    s->ran = true;
    ExecStatusType es = PQresultStatus(s->res);
    s->row = -1;
    s->n_rows = es == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
    return es == PGRES_TUPLES_OK || es == PGRES_COMMAND_OK ? 0 : failure(s, s->res);
}

static int pg_step(db_stmt *st)
{
    struct pstmt *s = PS(st);
    if (!s->ran) {
        int rc = run(s);
        if (rc < 0) return rc;
    }
    PQfreemem(s->blob);
    s->blob = NULL;
    if (++s->row < s->n_rows) return DB_ROW;
    s->row = s->n_rows;
    return DB_DONE;
}

static bool pg_col_null(db_stmt *st, int i)
{
    struct pstmt *s = PS(st);
    return !s->res || s->row < 0 || s->row >= s->n_rows || PQgetisnull(s->res, s->row, i);
}

static int64_t pg_col_int(db_stmt *st, int i)
{
    if (pg_col_null(st, i)) return 0;
    const char *v = PQgetvalue(PS(st)->res, PS(st)->row, i);
    if (v[0] == 't' && !v[1]) return 1; /* a boolean expression's value */
    if (v[0] == 'f' && !v[1]) return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(db_stmt *st, int i)
{
    if (pg_col_null(st, i)) return NULL;
    return PQgetvalue(PS(st)->res, PS(st)->row, i);
}

static const void *pg_col_blob(db_stmt *st, int i, size_t *n)
{
    struct pstmt *s = PS(st);
    *n = 0;
    if (pg_col_null(st, i)) return NULL;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (PQftype(s->res, i) != OID_BYTEA) {
        *n = (size_t)PQgetlength(s->res, s->row, i);
        return v;
    }
    PQfreemem(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)v, n);
    return s->blob;
}

static void pg_reset(db_stmt *st)
{
    struct pstmt *s = PS(st);
    clear_run(s);
    clear_values(s);
}

static status pg_exec(db *base, const char *sql)
{
    struct pconn *c = (struct pconn *)base;
    if (ensure(c)) return ST_UNAVAILABLE;
    if (c->n_pending) { /* sql may hold several statements: no pipeline for it */
        int rc = pipeline(c, NULL, NULL);
        if (rc) return (status)-rc;
    }
    PGresult *r = PQexec(c->h, sql);
    ExecStatusType es = PQresultStatus(r);
    status st = ST_OK;
    if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
        struct pstmt probe = {.c = c, .sql = (char *)sql};
        st = (status)-failure(&probe, r);
    }
    PQclear(r);
    return st;
}

/* BEGIN goes out with the transaction's first statement. */
static status pg_begin(db *base)
{
    return pg_exec_later(base, "BEGIN");
}

/* One snapshot for the whole read, as SQLite's read transaction gives. */
static status pg_begin_read(db *base)
{
    return pg_exec_later(base, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

/* With what is held back, in one round trip. */
static status pg_commit(db *base)
{
    struct pconn *c = (struct pconn *)base;
    if (ensure(c)) return ST_UNAVAILABLE;
    return (status)-pipeline(c, NULL, "COMMIT");
}

/* What was held back is dropped (a BEGIN no statement followed needs no ROLLBACK); an open
 * transaction's ROLLBACK is sent without waiting for its answer (drain reads it). */
static void pg_rollback(db *base)
{
    struct pconn *c = (struct pconn *)base;
    drop_pending(c);
    drain(c);
    if (c->broken || PQstatus(c->h) != CONNECTION_OK || PQtransactionStatus(c->h) == PQTRANS_IDLE)
        return;
    bool sent = PQenterPipelineMode(c->h) &&
                PQsendQueryParams(c->h, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0) &&
                PQpipelineSync(c->h);
    if (sent)
        c->draining = true;
    else
        c->broken = true;
}

static status pg_backup(db *base, const char *file, diag *d)
{
    (void)base, (void)file;
    return diag_set(d, ST_INVALID, "db", "back up a PostgreSQL store with pg_dump");
}

/* Several nodes may start at once on one database: one applies the migrations, the others
 * wait here and then find them applied. The lock is the session's, released on unlock. */
static status pg_lock_migrations(db *base, bool lock)
{
    return pg_exec(base, lock ? "SELECT pg_advisory_lock(7405896523)"
                              : "SELECT pg_advisory_unlock(7405896523)");
}

/* ---- the live stream's notices: LISTEN/NOTIFY on one channel ---- */

static status pg_listen(db *base)
{
    return pg_exec(base, "LISTEN ticketd_stream");
}

static int pg_listen_fd(db *base)
{
    return PQsocket(((struct pconn *)base)->h);
}

static status pg_listen_drain(db *base, void (*fn)(void *arg, const char *payload), void *arg)
{
    struct pconn *c = (struct pconn *)base;
    if (!PQconsumeInput(c->h) || PQstatus(c->h) != CONNECTION_OK) return ST_UNAVAILABLE;
    PGnotify *n;
    while ((n = PQnotifies(c->h))) {
        fn(arg, n->extra);
        PQfreemem(n);
    }
    return ST_OK;
}

const struct db_driver db_pg_driver = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .reset = pg_reset,
    .exec = pg_exec,
    .exec_later = pg_exec_later,
    .run_later = pg_run_later,
    .sync = pg_sync,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .backup = pg_backup,
    .checkpoint = NULL, /* PostgreSQL checkpoints by itself: no upkeep thread */
    .writer_no_autocheckpoint = NULL,
    .migrations = schema_pg,
    .n_migrations = &schema_pg_count,
    .lock_migrations = pg_lock_migrations,
    .ids_in = "IN (SELECT value::bigint FROM json_array_elements_text(?::json))",
    .fts_key = "ticket_id",
    .fts_match = ".doc @@ ticket_fts_query(?)", /* schema/pg/003: FTS5 terms to a tsquery */
    .lock_rows = " FOR UPDATE SKIP LOCKED",
    .new_uuid = "gen_random_uuid()::text",
    .next_ticket_id = "nextval(pg_get_serial_sequence('tickets', 'id'))",
    .write_lock = "SELECT pg_advisory_xact_lock(7405896524)",
    .notify = "SELECT pg_notify('ticketd_stream', ?)",
    .listen = pg_listen,
    .listen_fd = pg_listen_fd,
    .listen_drain = pg_listen_drain,
};
