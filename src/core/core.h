/* What every core/ operation shares: the call context (connection, arena, workspace, actor),
 * optional-input types for partial updates, field validation, and paging. core/ is where the
 * rules live; it includes no HTTP, JSON-library or SQL header. */
#ifndef TICKETD_CORE_CORE_H
#define TICKETD_CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/rows.h"
#include "util/arena.h"
#include "util/jsonw.h"
#include "util/status.h"

/* Who is acting: the event timeline records it. */
typedef enum { ACTOR_SYSTEM = 0, ACTOR_KEY, ACTOR_USER, ACTOR_CONTACT } actor_type;

/* Work that must wait for the write to commit (removing a file no row names any more). */
typedef struct core_after {
    void (*fn)(db *c, void *arg);
    void *arg;
    struct core_after *next;
} core_after;

typedef struct {
    store *st;  /* borrowed: the store, for write transactions */
    db *db;     /* borrowed: this thread's connection; the writer's inside core_txn */
    arena *a;   /* borrowed: the request's arena; results live here */
    diag *d;    /* borrowed: filled on failure */
    int64_t ws; /* workspace id: every query is scoped by it */
    char ws_uuid[UUID_STR_LEN + 1];
    actor_type actor;
    char actor_id[UUID_STR_LEN + 1];
    int64_t user_id;   /* the user a bearer token acts as, else 0 (a workspace key) */
    bool admin;        /* that user has the admin role */
    int64_t now;       /* ms; one clock reading per call keeps a call's timestamps equal */
    int txn_depth;     /* core_txn nesting: inner calls join the outer transaction */
    core_after *after; /* arena list, newest first: run once this call's write commits */
    bool stream_noted; /* this write already queued the stream's wake-up (core_on_events) */
} core_ctx;

const char *actor_name(actor_type t);

/* A workspace key (or the system) is an administrator; a token is one when its user is. */
static inline bool core_is_admin(const core_ctx *cx)
{
    return !cx->user_id || cx->admin;
}

/* Starts a context on this thread's connection to st; ST_INTERNAL if it cannot be opened. */
status core_ctx_init(core_ctx *cx, store *st, arena *a, diag *d) WUR;
/* Starts a context for a group-commit job (see core_submit): on the writer connection, already
 * inside the job's transaction, so core_txn calls join it. */
void core_ctx_init_job(core_ctx *cx, store *st, db *writer, arena *a, diag *d);
/* Queues a write job for the store's group commit (store_submit). */
void core_submit(store *st, store_job *j);
/* Runs fn as the system in a write job at the head of the writer's queue (sharing its group
 * commit) and waits for its COMMIT; without a running writer, in core_txn on this thread. */
status core_write_wait(store *st, arena *a, diag *d, status (*fn)(core_ctx *cx, void *arg),
                       void *arg) WUR;

/* A field of a partial update: absent (set false), null (set, v NULL) or a value. */
typedef struct {
    bool set;
    const char *v;
} opt_str;

/* A typed input parsed by api/ from the wire: absent (set false) or a value. */
typedef struct {
    bool set;
    int64_t v;
} opt_int;
typedef struct {
    bool set;
    bool v;
} opt_bool;

typedef struct {
    bool set; /* present; null and [] both clear */
    const char **v;
    size_t n;
} opt_strs;

/* The values of a multi-valued id filter: uuid strings, shape-checked by the caller. */
typedef struct {
    const char **v;
    size_t n;
} uuid_list;

/* Paging as every list takes it, after the dialect has parsed its own parameters. */
typedef struct {
    int64_t page, per_page; /* page >= 1, per_page 1..LIMIT_PAGE_SIZE */
    bool desc;
    int sort;               /* SORT_CREATED, SORT_TITLE, SORT_NAME */
    int64_t from_ms, to_ms; /* inclusive bounds in ms, NULL_INT when absent */
    /* A keyset page (page 1): the rows after (created_at ms, uuid), by the millisecond and the
     * uuid in the order of desc; after_uuid NULL: the first page. */
    int64_t after_ms;
    const char *after_uuid;
} list_in;

/* Turns dialect-neutral paging into the store's page; the bounds become inclusive whole
 * seconds, so `to` covers its whole second. */
list_page core_page(const list_in *in);

/* ---- validation: each returns ST_INVALID with the field named in d, or ST_OK ---- */
status check_text(diag *d, const char *field, const char *v, bool required, size_t max_chars) WUR;
status check_email(diag *d, const char *field, const char *v, bool required) WUR;
status check_language(diag *d, const char *field, const char *v, bool required) WUR;
/* Upper-cases a valid code in place (v is arena memory). */
status check_country(diag *d, const char *field, char *v) WUR;
/* Shape-checks a uuid and writes its lower-case form. */
status check_uuid(diag *d, const char *field, const char *v, char out[UUID_STR_LEN + 1]) WUR;
/* Map ST_NOT_FOUND of a lookup to "<name> not found" and pass any other status through:
 * path_found for the object a request's path names, body_found for an id given in its input
 * (REASON_BODY_REF, so a dialect can answer the two differently). */
status path_found(diag *d, const char *what, status st) WUR;
status body_found(diag *d, const char *field, status st) WUR;
/* One of the allowed values (NULL-terminated list), else ST_INVALID listing them. */
status check_enum(diag *d, const char *field, const char *v, const char *const *allowed) WUR;

/* Brackets a request's reads in one snapshot (no writes in between). */
status core_read_begin(core_ctx *cx) WUR;
void core_read_end(core_ctx *cx);

/* Runs fn in a write transaction (cx->db is the store's writer connection meanwhile): begin,
 * fn, commit; rollback on any failure. Every write of core/ goes through here; a call made
 * inside another joins it, so core operations compose into one transaction. */
status core_txn(core_ctx *cx, status (*fn)(core_ctx *cx, void *arg), void *arg) WUR;

/* Queues fn(c, arg) to run after the current write commits (not at all if it fails): by
 * core_txn itself, or for a group-commit job by whoever submitted it (core_run_after from the
 * job's after hook), on a connection outside any transaction. */
void core_after_commit(core_ctx *cx, void (*fn)(db *c, void *arg), void *arg);
/* After every COMMIT that wrote events, wake() runs on the writer thread (the live stream's
 * broadcaster registers it: core/stream.c); none is registered outside `serve`. */
void core_on_events(void (*wake)(void));
void core_run_after(core_after *list, db *c);

/* The arguments of a write run through core_txn: the path's id, the input, the result. */
typedef struct {
    const char *id;
    const void *in;
    void *out;
} write_arg;

/* Defines the public write `decl` (whose parameters include cx) as one transaction running
 * fn with a write_arg of the given initialisers. */
#define CORE_WRITE(decl, fn, ...)                                                                  \
    status decl                                                                                    \
    {                                                                                              \
        write_arg w_ = {__VA_ARGS__};                                                              \
        return core_txn(cx, fn, &w_);                                                              \
    }

/* ---- the event timeline ---- */
typedef struct {
    jw w; /* the event's data: {"field":{"before":…,"after":…},…} */
} evdata;

void ev_init(evdata *e);
void ev_str(evdata *e, const char *field, const char *before, const char *after);
void ev_int(evdata *e, const char *field, int64_t before, int64_t after); /* NULL_INT = null */
void ev_bool(evdata *e, const char *field, bool after); /* before: null (a new record) */
/* Drops an event that turned out to record nothing. */
void ev_discard(evdata *e);
/* Appends the event (type dotted: ticket.created …) for ticket_id and releases e. */
status ev_commit(core_ctx *cx, int64_t ticket_id, const char *type, evdata *e) WUR;

#endif
