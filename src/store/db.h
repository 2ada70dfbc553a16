/* The database driver interface: what store/ needs from a SQL engine, and nothing more. A
 * driver is a struct of function pointers (like lwan's techempower database.h or SQLite's VFS);
 * db_sqlite.c implements it now, db_pg.c can implement it without touching core/ or the SQL.
 *
 * SQL uses `?` placeholders, bound 1-based. Prepared statements are cached per connection by
 * their text: db_prepare returns the cached statement, which the caller must db_reset when done
 * (before preparing the same text again). A connection belongs to one thread at a time.
 * Column text is borrowed: valid until the next step or reset of that statement. */
#ifndef TICKETD_STORE_DB_H
#define TICKETD_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

enum { DB_DONE = 0, DB_ROW = 1 };
/* The size of a change stamp (db_driver.change_stamp). */
enum { DB_STAMP_LEN = 56 };

struct schema_migration;
typedef struct db db;
typedef struct db_stmt db_stmt;

struct db_driver {
    const char *name;
    status (*open)(const char *dsn, db **out, diag *d);
    void (*close)(db *c);
    db_stmt *(*prepare)(db *c, const char *sql); /* NULL on error (logged) */
    void (*bind_int)(db_stmt *s, int i, int64_t v);
    void (*bind_text)(db_stmt *s, int i, const char *v); /* NULL binds SQL NULL */
    void (*bind_blob)(db_stmt *s, int i, const void *p, size_t n);
    void (*bind_null)(db_stmt *s, int i);
    int (*step)(db_stmt *s); /* DB_ROW, DB_DONE, or -status (ST_CONFLICT on a unique key) */
    bool (*col_null)(db_stmt *s, int i);
    int64_t (*col_int)(db_stmt *s, int i);
    const char *(*col_text)(db_stmt *s, int i); /* NULL for SQL NULL */
    const void *(*col_blob)(db_stmt *s, int i, size_t *n);
    void (*reset)(db_stmt *s);
    status (*exec)(db *c, const char *sql); /* one or more statements, no parameters */
    status (*begin)(db *c);                 /* a write transaction */
    status (*begin_read)(db *c);            /* a read transaction: one snapshot, one lock */
    status (*commit)(db *c);
    void (*rollback)(db *c);
    status (*backup)(db *c, const char *file, diag *d); /* online, consistent copy */
    /* DB_STAMP_LEN bytes that change with every commit to the database, by any connection of
     * any process, read without a lock or a transaction; *before: c has no snapshot open, so
     * what c reads next is at least as new as the stamp. ST_NOT_FOUND when it cannot be read
     * now (the caller reads the database). NULL: the engine has none (PostgreSQL). */
    status (*change_stamp)(db *c, unsigned char out[DB_STAMP_LEN], bool *before);
    /* One parameterless statement whose answer matters only if it fails (SAVEPOINT, RELEASE, a
     * lock): it may be held back and sent with the next statement that returns rows or with
     * the COMMIT, which then reports its failure. NULL: the engine runs it at once (exec). */
    status (*exec_later)(db *c, const char *sql);
    /* A bound statement whose rows the caller does not read (a write): its run, with the values
     * bound now, may be held back like exec_later's and sent with the next statement that
     * returns rows; on_id (may be NULL) then gets the first column of its first row (an
     * INSERT's RETURNING id) once it has run. Its failure is reported by the next statement,
     * by sync or by the COMMIT. The caller resets s as after a step. NULL: the engine has no
     * round trips to save (store.c's run_or_hold steps it at once). */
    status (*run_later)(db_stmt *s, void (*on_id)(void *arg, int64_t id), void *arg);
    /* Waits until every held-back run of run_later has run: the first failure among them
     * (nothing else of the transaction runs after it). NULL: nothing is ever held back. */
    status (*sync)(db *c);
    /* Background upkeep: moves committed changes from the log into the database without
     * blocking writers (SQLite: a PASSIVE WAL checkpoint); *in_log: the log holds frames, so
     * a write transaction begun after this one might append to it instead of starting it
     * over. NULL: the engine needs none. */
    status (*checkpoint)(db *c, bool *in_log);
    /* Background upkeep of the word index (SQLite: FTS5's b-trees, one more per commit that
     * touched a document). fts_trees: how many it has now. fts_merge: one bounded step of
     * merging all of them into one (start: a new merge of every tree; otherwise the merge
     * under way goes on); *worked: the step merged something (false: nothing left to merge).
     * NULL: the engine keeps its own index in shape (PostgreSQL's GIN). */
    status (*fts_trees)(db *c, int *n);
    status (*fts_merge)(db *c, bool start, bool *worked);
    /* Called on the writer connection when checkpoints run in the background instead. */
    status (*writer_no_autocheckpoint)(db *c);
    /* Called on the writer connection once opened: its own sizing (SQLite: a larger page
     * cache than the readers'). NULL: nothing to do. */
    status (*writer_tune)(db *c);
    /* The engine's numbered migrations, and a lock held while they are applied so that
     * processes starting together on one database apply each once (SQLite: the write lock of
     * the transaction is enough; PostgreSQL: an advisory lock). */
    const struct schema_migration *migrations;
    const int *n_migrations;
    status (*lock_migrations)(db *c, bool lock);
    /* SQL fragments where the engines differ (the rest of the SQL is written once):
     * ids_in: "IN (…)" over one parameter holding a JSON array of integers;
     * fts_key: the search table's ticket id column; fts_match: the condition that the search
     * table matches one parameter (store_fts_query's "word"* terms on both engines); when it
     * starts with '.', it follows the table's name or alias in the query. */
    const char *ids_in, *fts_key, *fts_match;
    /* Run by the writer before each COMMIT, in order, when not NULL (SQLite, migration 016):
     * the queued tickets' search documents are inserted, then the queue is emptied. */
    const char *fts_flush[2];
    /* After a SELECT in a write transaction: lock its rows, skipping those another
     * transaction holds ("" where one writer excludes the others). */
    const char *lock_rows;
    /* An expression that makes a new random (v4) uuid as lower-case text, per row of an
     * INSERT ... SELECT (the webhook outbox). */
    const char *new_uuid;
    /* An expression that hands out the next tickets.id, so that a new ticket's INSERT needs no
     * answer (store_chat_insert_builtin returns one for the chat's ticket); NULL: the INSERT
     * gives the id (SQLite, where ticket ids also follow created_at: migration 018). */
    const char *next_ticket_id;
    /* The live stream (core/stream.c) across processes. NULL where one process owns the
     * database (SQLite: its one writer already commits events in id order and wakes its own
     * stream). write_lock: a statement, run first in every write transaction of the store's
     * writer, that takes a lock held until COMMIT, so the writers of all processes commit one
     * after another and event ids are handed out in commit order (`id > last seen` then never
     * skips an event committed late); notify: a statement that sends its one text parameter to
     * every listener when the transaction commits. listen: makes c a listening connection;
     * listen_fd: the socket to wait on; listen_drain: reads what arrived and hands each payload to
     * fn (ST_UNAVAILABLE when the connection broke: close it and listen again). */
    const char *write_lock, *notify;
    status (*listen)(db *c);
    int (*listen_fd)(db *c);
    status (*listen_drain)(db *c, void (*fn)(void *arg, const char *payload), void *arg);
};

/* Every driver's connection struct starts with this. */
struct db {
    const struct db_driver *drv;
    /* store.c's memo of words spelled out as index terms (sql_fts_terms); owned, freed when
     * the store closes the connection. */
    struct fts_memo *fts_memo;
    /* The writer's open transaction: the first and last event ids it wrote and the first's
     * time (store.c run_event_insert), for the outbox's one INSERT before COMMIT; 0: none. */
    int64_t outbox_first, outbox_last, outbox_at;
};

extern const struct db_driver db_sqlite_driver, db_pg_driver;
/* The driver for a data source: postgres:// or postgresql:// URLs (or libpq key=value strings
 * with host=/dbname=) are PostgreSQL, anything else is an SQLite file path. */
const struct db_driver *db_driver_for(const char *dsn);

static inline db_stmt *db_prepare(db *c, const char *sql)
{
    return c->drv->prepare(c, sql);
}
static inline status db_exec(db *c, const char *sql)
{
    return c->drv->exec(c, sql);
}
static inline status db_begin(db *c)
{
    return c->drv->begin(c);
}
static inline status db_commit(db *c)
{
    return c->drv->commit(c);
}
static inline void db_rollback(db *c)
{
    c->drv->rollback(c);
}
static inline status db_sync(db *c)
{
    return c->drv->sync ? c->drv->sync(c) : ST_OK;
}

/* Statement calls go through the connection's driver; a statement remembers its connection. */
struct db_stmt_head {
    const struct db_driver *drv;
};
#define DRV(s) (((struct db_stmt_head *)(s))->drv)
static inline void db_bind_int(db_stmt *s, int i, int64_t v)
{
    DRV(s)->bind_int(s, i, v);
}
static inline void db_bind_text(db_stmt *s, int i, const char *v)
{
    DRV(s)->bind_text(s, i, v);
}
static inline void db_bind_blob(db_stmt *s, int i, const void *p, size_t n)
{
    DRV(s)->bind_blob(s, i, p, n);
}
static inline void db_bind_null(db_stmt *s, int i)
{
    DRV(s)->bind_null(s, i);
}
static inline int db_step(db_stmt *s)
{
    return DRV(s)->step(s);
}
static inline bool db_col_null(db_stmt *s, int i)
{
    return DRV(s)->col_null(s, i);
}
static inline int64_t db_col_int(db_stmt *s, int i)
{
    return DRV(s)->col_int(s, i);
}
static inline const char *db_col_text(db_stmt *s, int i)
{
    return DRV(s)->col_text(s, i);
}
static inline const void *db_col_blob(db_stmt *s, int i, size_t *n)
{
    return DRV(s)->col_blob(s, i, n);
}
static inline void db_reset(db_stmt *s)
{
    DRV(s)->reset(s);
}
/* Whether the engine may hold a run back (db_driver.run_later); store.c's run_or_hold uses it. */
static inline bool db_defers(db_stmt *s)
{
    return DRV(s)->run_later != NULL;
}
static inline status db_run_later(db_stmt *s, void (*on_id)(void *arg, int64_t id), void *arg)
{
    return DRV(s)->run_later(s, on_id, arg);
}
#undef DRV

#endif
