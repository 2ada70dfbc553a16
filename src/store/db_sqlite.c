/* The SQLite driver: one connection per thread, WAL, foreign keys on, a busy timeout for the
 * single-writer lock, and a per-connection cache of prepared statements keyed by SQL text.
 * The only file besides db_pg.c that includes a database header. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/schema.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

struct stmt {
    struct db_stmt_head head; /* must be first: db.h dispatches through it */
    sqlite3_stmt *st;
    char *sql;
    uint64_t hash;
};

struct sconn {
    struct db base; /* must be first */
    sqlite3 *h;
    struct stmt cache[LIMIT_STMT_CACHE];
    /* The SQL is nearly always a string literal, passed at the same address every time: the
     * statement last found for an address, checked by comparing the text (an address may be
     * reused by another text, and the entry may have been evicted), skips hashing the text. */
    struct {
        const char *sql;
        struct stmt *e;
    } by_addr[LIMIT_STMT_CACHE];
    /* The start of the WAL index as SQLite maps it (wal_index), once sq_change_stamp found it;
     * and this connection's number among every connection the process opened, part of its
     * stamps (a store closed and opened again starts its log's header over, while a new
     * connection may get the old one's address). */
    const unsigned char *wal_index;
    uint64_t serial;
};

static uint64_t serials; /* atomic: the last sconn.serial handed out */

/* The WAL index starts with two copies of its header (SQLite's file format document,
 * walformat.html, "the WAL-index header": iVersion, unused, iChange, isInit, bigEndCksum,
 * szPage, mxFrame, nPage, aFrameCksum, aSalt, aCksum: 48 bytes each), then the checkpoint
 * information. */
enum { WAL_HDR_LEN = 48, WAL_INDEX_REGION = 32768, WAL_INDEX_VERSION = 3007000 };
_Static_assert((int)DB_STAMP_LEN == (int)WAL_HDR_LEN + 8,
               "a stamp is one copy of the WAL index header and the connection's serial");

static status sq_exec(db *c, const char *sql);

/* The connection's page cache (KiB) and no memory-mapped I/O (util/limits.h LIMIT_DB_*). */
static status sq_cache(db *c, int kib)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA mmap_size=%d; PRAGMA cache_size=-%d;", LIMIT_DB_MMAP_BYTES,
             kib);
    return sq_exec(c, sql);
}

/* The VFS every connection opens with ("ticketd"): the default one (unix), except that a
 * statement journal, or a temporary database's rollback journal, is written in pieces of at most
 * LIMIT_DB_JOURNAL_WRITE bytes. Such a journal is held in memory in one block of
 * SQLITE_CONFIG_STMTJRNL_SPILL bytes and, when it grows past that, SQLite opens its temporary
 * file and writes the whole block there in one xWrite (memjournal.c memjrnlCreateFile). SQLite
 * 3.40's unixWrite cannot take that: seekAndWriteFd hands pwrite only the length's low 17 bits
 * (nBuf &= 0x1ffff, a page is at most 64 KiB), and unixWrite's loop stops at a write of 0 bytes
 * and answers SQLITE_FULL; every spill of a block of 128 KiB or more failed (sq_writer_tune).
 * Every other file is the unix VFS's own, untouched. */
#define VFS_NAME "ticketd"

struct piecewise_file {
    sqlite3_file base;  /* methods: piecewise_methods */
    sqlite3_file *real; /* the unix VFS's file, in the same allocation right after this */
};

static sqlite3_vfs *unix_vfs; /* borrowed: SQLite's default VFS */
static sqlite3_vfs piecewise_vfs;

static sqlite3_file *real_file(sqlite3_file *f)
{
    return ((struct piecewise_file *)f)->real;
}

static int pw_close(sqlite3_file *f)
{
    return real_file(f)->pMethods->xClose(real_file(f));
}

static int pw_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return real_file(f)->pMethods->xRead(real_file(f), buf, n, off);
}

static int pw_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    const char *p = buf;
    int rc = SQLITE_OK;
    while (n > 0 && rc == SQLITE_OK) {
        int k = n < LIMIT_DB_JOURNAL_WRITE ? n : LIMIT_DB_JOURNAL_WRITE;
        rc = real_file(f)->pMethods->xWrite(real_file(f), p, k, off);
        p += k, off += k, n -= k;
    }
    return rc;
}

static int pw_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return real_file(f)->pMethods->xTruncate(real_file(f), size);
}

static int pw_sync(sqlite3_file *f, int flags)
{
    return real_file(f)->pMethods->xSync(real_file(f), flags);
}

static int pw_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return real_file(f)->pMethods->xFileSize(real_file(f), size);
}

static int pw_lock(sqlite3_file *f, int level)
{
    return real_file(f)->pMethods->xLock(real_file(f), level);
}

static int pw_unlock(sqlite3_file *f, int level)
{
    return real_file(f)->pMethods->xUnlock(real_file(f), level);
}

static int pw_reserved(sqlite3_file *f, int *out)
{
    return real_file(f)->pMethods->xCheckReservedLock(real_file(f), out);
}

static int pw_control(sqlite3_file *f, int op, void *arg)
{
    return real_file(f)->pMethods->xFileControl(real_file(f), op, arg);
}

static int pw_sector(sqlite3_file *f)
{
    return real_file(f)->pMethods->xSectorSize(real_file(f));
}

static int pw_traits(sqlite3_file *f)
{
    return real_file(f)->pMethods->xDeviceCharacteristics(real_file(f));
}

/* Version 1: a journal is neither shared memory nor memory-mapped. */
static const sqlite3_io_methods piecewise_methods = {
    .iVersion = 1,
    .xClose = pw_close,
    .xRead = pw_read,
    .xWrite = pw_write,
    .xTruncate = pw_truncate,
    .xSync = pw_sync,
    .xFileSize = pw_size,
    .xLock = pw_lock,
    .xUnlock = pw_unlock,
    .xCheckReservedLock = pw_reserved,
    .xFileControl = pw_control,
    .xSectorSize = pw_sector,
    .xDeviceCharacteristics = pw_traits,
};

/* SQLITE_OPEN_TEMP_JOURNAL also opens the sorter's temporary files: the version-1 methods suit
 * them too, since the sorter maps a file (xFetch) only through methods of version 3 or more. */
static int pw_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    if (!(flags & (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL)))
        return unix_vfs->xOpen(unix_vfs, name, f, flags, out);
    struct piecewise_file *p = (struct piecewise_file *)f;
    p->real = (sqlite3_file *)(p + 1);
    int rc = unix_vfs->xOpen(unix_vfs, name, p->real, flags, out);
    p->base.pMethods = rc == SQLITE_OK ? &piecewise_methods : NULL;
    return rc;
}

static pthread_once_t configured = PTHREAD_ONCE_INIT;

/* Before SQLite initialises: no global memory-statistics mutex on every allocation; statement
 * journals kept in memory in blocks of LIMIT_DB_STMT_JOURNAL_BYTES (sq_writer_tune says why).
 * Then the VFS above, a copy of the default one with its own open. */
static void configure(void)
{
    /* SQLITE_MISUSE if something initialised SQLite first: said, since the writer's journal
     * would then spill to a file at 64 KiB */
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, LIMIT_DB_STMT_JOURNAL_BYTES) != SQLITE_OK)
        log_error("sqlite: configured too late (already initialised): default journal spill");
    unix_vfs = sqlite3_vfs_find(NULL);
    if (!unix_vfs) return; /* sq_open fails: no VFS of that name */
    piecewise_vfs = *unix_vfs;
    piecewise_vfs.pNext = NULL;
    piecewise_vfs.zName = VFS_NAME;
    piecewise_vfs.szOsFile = (int)sizeof(struct piecewise_file) + unix_vfs->szOsFile;
    piecewise_vfs.xOpen = pw_open;
    sqlite3_vfs_register(&piecewise_vfs, 0);
}

/* The word index's terms, in order (sql_fts_terms): a table of each connection's temp schema. */
static const char fts_terms_table[] = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.ticket_fts_terms "
                                      "USING fts5vocab(main, ticket_fts, instance);";

static status sq_open(const char *path, db **out, diag *d)
{
    pthread_once(&configured, configure);
    struct sconn *c = xcalloc(1, sizeof *c);
    c->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
    c->base.drv = &db_sqlite_driver;
    int rc = sqlite3_open_v2(
        path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, VFS_NAME);
    if (rc != SQLITE_OK) {
        diag_set(d, ST_INTERNAL, "db", "cannot open %s: %s", path,
                 c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
        sqlite3_close(c->h);
        free(c);
        return ST_INTERNAL;
    }
    sqlite3_busy_timeout(c->h, LIMIT_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(c->h, 1);
    /* WAL + synchronous=NORMAL: a committed transaction survives a crash of the process
     * (kill -9); FULL would add an fsync per commit for power-loss durability. */
    status st = sq_exec(&c->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
    if (!st) st = sq_exec(&c->base, fts_terms_table);
    if (!st) st = sq_cache(&c->base, LIMIT_DB_CACHE_KB);
    if (st) {
        diag_set(d, st, "db", "cannot configure %s: %s", path, sqlite3_errmsg(c->h));
        sqlite3_close(c->h);
        free(c);
        return st;
    }
    *out = &c->base;
    return ST_OK;
}

static void sq_close(db *base)
{
    struct sconn *c = (struct sconn *)base;
    if (!c) return;
    for (int i = 0; i < LIMIT_STMT_CACHE; i++) {
        sqlite3_finalize(c->cache[i].st);
        free(c->cache[i].sql);
    }
    sqlite3_close(c->h);
    free(c);
}

/* The cached statement of sql, prepared now if it is not there; NULL on error (logged). */
static struct stmt *lookup(struct sconn *c, const char *sql)
{
    uint64_t h = text_hash(sql);
    size_t slot = h % LIMIT_STMT_CACHE;
    /* Open addressing with a short probe. A full neighbourhood evicts a statement that is not
     * running: callers step a statement right after binding it, so an idle one is free. */
    size_t victim = LIMIT_STMT_CACHE;
    for (size_t k = 0; k < 8; k++) {
        size_t i = (slot + k) % LIMIT_STMT_CACHE;
        struct stmt *e = &c->cache[i];
        if (e->st && e->hash == h && strcmp(e->sql, sql) == 0) return e;
        if (!e->st) {
            victim = i;
            break;
        }
        if (victim == LIMIT_STMT_CACHE && !sqlite3_stmt_busy(e->st)) victim = i;
    }
    BUG_ON(victim == LIMIT_STMT_CACHE);
    struct stmt *e = &c->cache[victim];
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        log_error("sqlite prepare: %s in: %s", sqlite3_errmsg(c->h), sql);
        return NULL;
    }
    sqlite3_finalize(e->st);
    free(e->sql);
    e->head.drv = &db_sqlite_driver;
    e->st = st;
    e->sql = xstrdup(sql);
    e->hash = h;
    return e;
}

static db_stmt *sq_prepare(db *base, const char *sql)
{
    struct sconn *c = (struct sconn *)base;
    size_t ai = ((uintptr_t)sql >> 3) % LIMIT_STMT_CACHE;
    struct stmt *seen = c->by_addr[ai].sql == sql ? c->by_addr[ai].e : NULL;
    if (seen && seen->st && strcmp(seen->sql, sql) == 0) return (db_stmt *)seen;
    struct stmt *found = lookup(c, sql);
    if (found) {
        c->by_addr[ai].sql = sql;
        c->by_addr[ai].e = found;
    }
    return (db_stmt *)found;
}

#define ST(s) (((struct stmt *)(s))->st)

static void sq_bind_int(db_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(ST(s), i, v);
}
static void sq_bind_text(db_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(ST(s), i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(ST(s), i);
}
static void sq_bind_blob(db_stmt *s, int i, const void *p, size_t n)
{
    sqlite3_bind_blob(ST(s), i, p, (int)n, SQLITE_TRANSIENT);
}
static void sq_bind_null(db_stmt *s, int i)
{
    sqlite3_bind_null(ST(s), i);
}

static int sq_step(db_stmt *s)
{
    int rc = sqlite3_step(ST(s));
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) return DB_DONE;
    sqlite3 *h = sqlite3_db_handle(ST(s));
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return -ST_CONFLICT;
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return -ST_CONFLICT;
    }
    log_error("sqlite step: %s (%d) in: %s", sqlite3_errmsg(h), rc, sqlite3_sql(ST(s)));
    return -ST_INTERNAL;
}

static bool sq_col_null(db_stmt *s, int i)
{
    return sqlite3_column_type(ST(s), i) == SQLITE_NULL;
}
static int64_t sq_col_int(db_stmt *s, int i)
{
    return sqlite3_column_int64(ST(s), i);
}
static const char *sq_col_text(db_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(ST(s), i);
}
static const void *sq_col_blob(db_stmt *s, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(ST(s), i);
    *n = (size_t)sqlite3_column_bytes(ST(s), i);
    return p;
}
static void sq_reset(db_stmt *s)
{
    sqlite3_reset(ST(s));
    sqlite3_clear_bindings(ST(s));
}

static status sq_exec(db *base, const char *sql)
{
    struct sconn *c = (struct sconn *)base;
    char *err = NULL;
    int rc = sqlite3_exec(c->h, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        log_error("sqlite exec: %s", err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return (rc & 0xff) == SQLITE_CONSTRAINT ? ST_CONFLICT : ST_INTERNAL;
    }
    return ST_OK;
}

/* Runs a cached parameterless statement (transaction control). */
static status run_cached(db *base, const char *sql)
{
    db_stmt *s = sq_prepare(base, sql);
    if (!s) return ST_INTERNAL;
    int rc = sq_step(s);
    sq_reset(s);
    return rc < 0 ? (status)-rc : ST_OK;
}

static status sq_begin(db *base)
{
    /* IMMEDIATE takes the write lock now, so two writers never deadlock upgrading a read. */
    return run_cached(base, "BEGIN IMMEDIATE");
}
static status sq_begin_read(db *base)
{
    return run_cached(base, "BEGIN");
}
static status sq_commit(db *base)
{
    return run_cached(base, "COMMIT");
}

static void sq_rollback(db *base)
{
    struct sconn *c = (struct sconn *)base;
    if (!sqlite3_get_autocommit(c->h)) (void)run_cached(base, "ROLLBACK");
}

static status sq_backup(db *base, const char *file, diag *d)
{
    struct sconn *c = (struct sconn *)base;
    sqlite3 *dst = NULL;
    status st = ST_OK;
    if (sqlite3_open(file, &dst) != SQLITE_OK) {
        st = diag_set(d, ST_INTERNAL, "file", "cannot open %s: %s", file, sqlite3_errmsg(dst));
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->h, "main");
    if (!b) {
        st = diag_set(d, ST_INTERNAL, "file", "backup: %s", sqlite3_errmsg(dst));
        goto out;
    }
    /* Copy in steps so writers are not locked out for the whole copy; a write by another
     * connection restarts the copy, so the result is always one consistent snapshot. */
    int rc;
    do {
        rc = sqlite3_backup_step(b, 1024);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) st = diag_set(d, ST_INTERNAL, "file", "backup: %s", sqlite3_errstr(rc));
out:
    sqlite3_close(dst);
    return st;
}

static status sq_checkpoint(db *base, bool *in_log)
{
    struct sconn *c = (struct sconn *)base;
    int frames = 0;
    int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
    *in_log = rc == SQLITE_OK && frames > 0;
    /* BUSY: another checkpoint is running; LOCKED cannot happen for PASSIVE. Both are fine. */
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? ST_OK : ST_INTERNAL;
}

/* FTS5 keeps a row in ticket_fts_idx for the first term of each leaf page run of a b-tree
 * (segment), so its distinct segids are the trees a search seeks through. */
static status sq_fts_trees(db *base, int *n)
{
    struct sconn *c = (struct sconn *)base;
    sqlite3_stmt *s = NULL;
    int rc =
        sqlite3_prepare_v2(c->h, "SELECT count(DISTINCT segid) FROM ticket_fts_idx", -1, &s, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(s);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? ST_OK : ST_INTERNAL;
}

/* FTS5's 'merge' command: -N first puts every tree on one level and merges them, N then goes
 * on with the merge under way, writing about N leaf pages a step (a step ends at a term's end,
 * so the doclist of a word in every ticket makes one step of ~100 ms at 1M tickets); it did
 * something when the connection's change count moved by 2 or more (FTS5's documentation). */
static status sq_fts_merge(db *base, bool start, bool *worked)
{
    struct sconn *c = (struct sconn *)base;
    int before = sqlite3_total_changes(c->h);
    status st = sq_exec(
        base,
        start ? "INSERT INTO ticket_fts (ticket_fts, rank) VALUES ('merge', "
                "-" LIMIT_FTS_MERGE_PAGES ")"
              : "INSERT INTO ticket_fts (ticket_fts, rank) VALUES ('merge', " LIMIT_FTS_MERGE_PAGES
                ")");
    *worked = !st && sqlite3_total_changes(c->h) - before >= 2;
    return st;
}

static status sq_writer_no_autocheckpoint(db *base)
{
    return sq_exec(base, "PRAGMA wal_autocheckpoint=0");
}

/* The writer's page cache, and its statement journals. Every group-commit job runs in a
 * savepoint, so SQLite first copies each page a job changes into the savepoint's journal (its
 * undo). With temp_store=MEMORY that journal grows in 1 KiB pieces, five allocations and five
 * frees for each page copied: 20 % of the SQL time of a create at 1M tickets (its ~50 pages),
 * RELEASE alone 16 us. With temp_store=FILE the journal is kept in memory in one block of
 * SQLITE_CONFIG_STMTJRNL_SPILL bytes (configure) and goes to a temporary file only past that, a
 * job far larger than a create (one UPDATE of 20,000 webhook deliveries). That spill is written
 * through the piecewise VFS: SQLite 3.40 answered SQLITE_FULL to its one large write. Changing
 * temp_store empties the temp schema: its table is made again. */
static status sq_writer_tune(db *base)
{
    status st = sq_exec(base, "PRAGMA temp_store=FILE;");
    if (!st) st = sq_exec(base, fts_terms_table);
    return st ? st : sq_cache(base, LIMIT_DB_WRITER_CACHE_KB);
}

/* The first region of c's WAL index as SQLite itself maps it: the unix VFS's xShmMap on the
 * main database file, which hands back the mapping SQLite already holds for c (never a
 * descriptor of ours: closing one would drop every fcntl lock this process holds on the -shm
 * file, SQLite's among them, and let another process truncate the live index). NULL while it
 * has none. Valid while c is open: the region stays mapped as long as a connection of this
 * process has the index open. */
static const unsigned char *wal_index(struct sconn *c)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(c->h, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
        !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
        return NULL;
    volatile void *p = NULL;
    if (f->pMethods->xShmMap(f, 0, WAL_INDEX_REGION, 0, &p) != SQLITE_OK) return NULL;
    return (const unsigned char *)p;
}

/* The header of the WAL index as SQLite reads it before it takes a lock (wal.c
 * walIndexTryHdr): a commit stores the second copy, then the first, so the first read then the
 * second agree only when no commit was half-written; SQLite itself decides that its cache is
 * stale when these bytes differ from those it last read (every commit moves mxFrame and the
 * last frame's checksum; a log started over, its salt). */
static status sq_change_stamp(db *base, unsigned char out[DB_STAMP_LEN], bool *before)
{
    struct sconn *c = (struct sconn *)base;
    if (!c->wal_index) c->wal_index = wal_index(c);
    if (!c->wal_index) return ST_NOT_FOUND;
    unsigned char second[WAL_HDR_LEN];
    *before = sqlite3_txn_state(c->h, "main") == SQLITE_TXN_NONE;
    memcpy(out, c->wal_index, WAL_HDR_LEN);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    memcpy(second, c->wal_index + WAL_HDR_LEN, WAL_HDR_LEN);
    uint32_t version;
    memcpy(&version, out, sizeof version);
    bool init = out[12] == 1;
    if (memcmp(out, second, WAL_HDR_LEN) != 0 || version != WAL_INDEX_VERSION || !init)
        return ST_NOT_FOUND;
    memcpy(out + WAL_HDR_LEN, &c->serial, sizeof c->serial);
    return ST_OK;
}

static status sq_lock_migrations(db *base, bool lock)
{
    (void)base, (void)lock; /* each migration's write transaction excludes the others */
    return ST_OK;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_null = sq_col_null,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .reset = sq_reset,
    .exec = sq_exec,
    .begin = sq_begin,
    .begin_read = sq_begin_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .backup = sq_backup,
    .change_stamp = sq_change_stamp,
    .checkpoint = sq_checkpoint,
    .fts_trees = sq_fts_trees,
    .fts_merge = sq_fts_merge,
    .writer_no_autocheckpoint = sq_writer_no_autocheckpoint,
    .writer_tune = sq_writer_tune,
    .migrations = schema_sqlite,
    .n_migrations = &schema_sqlite_count,
    .lock_migrations = sq_lock_migrations,
    .ids_in = "IN (SELECT value FROM json_each(?))",
    .fts_key = "rowid",
    .fts_match = "ticket_fts MATCH ?", /* FTS5: the table's own hidden column, any alias */
    /* schema/016: 003's insert trigger, once per transaction */
    .fts_flush = {"INSERT INTO ticket_fts (rowid, summary, owner, messages) "
                  "SELECT t.id, t.title, "
                  "c.name || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.identifier, ''), "
                  "coalesce((SELECT group_concat(text, ' ') FROM (SELECT m.text FROM messages m "
                  "WHERE m.chat_id = t.chat_id ORDER BY m.created_at, m.id)), '') "
                  "FROM ticket_fts_queue q JOIN tickets t ON t.id = q.id "
                  "JOIN contacts c ON c.id = t.contact_id",
                  "DELETE FROM ticket_fts_queue"},
    .lock_rows = "",
    .new_uuid = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
                "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), "
                "1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))",
};
