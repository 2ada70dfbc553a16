/* Helpers shared by the store/ files files (not part of store's interface): reading columns into
 * arena memory, a small query builder for optional filters, and the generic paged list. */
#ifndef TICKETD_STORE_SQL_H
#define TICKETD_STORE_SQL_H

#include "store/db.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"

/* Column i as an arena copy, or NULL for SQL NULL. */
char *col_str(db_stmt *s, int i, arena *a);
/* Column i, or NULL_INT for SQL NULL. */
int64_t col_int_null(db_stmt *s, int i);
void col_uuid(db_stmt *s, int i, char out[UUID_STR_LEN + 1]);
/* Binds v, or SQL NULL when v is NULL_INT. */
void bind_int_null(db_stmt *s, int i, int64_t v);
/* Maps a negative step result to a status. */
static inline status step_status(int rc)
{
    return rc < 0 ? (status)-rc : ST_OK;
}

/* Runs a statement with no result rows: prepare failure, step failure -> status. */
status run_done(db_stmt *s);

/* Full-text search, in the engine's terms (db.h's fragments): the search table, named `alias`
 * in the query, matches the one parameter (store_fts_query's text) ... */
char *sql_fts_match(db *c, const char *alias, arena *a);
/* ... and `col` (a ticket id) is among the tickets it matches. */
char *sql_fts_ids(db *c, const char *col, arena *a);
/* The same as sql_fts_ids, for a few rows: on SQLite, when match (sql_fts_terms') has no prefix
 * term left, a test of each row (FTS5 seeks the row in each term's doclist) instead of the set
 * of every match, which the engine builds whole first. */
char *sql_fts_has(db *c, const char *col, const char *match, arena *a);
/* The same query (store_fts_query's text) with each prefix term ("word"*) of an ASCII word
 * that starts at most LIMIT_FTS_EXPAND terms of the word index replaced by those terms ORed
 * (SQLite; PostgreSQL's is returned as is): FTS5 reads a prefix term by merging the whole
 * doclist of every term it starts before the first row, plain terms it reads in rowid order
 * and stops at the LIMIT. Same rows, read within the same transaction. */
const char *sql_fts_terms(db *c, const char *match, arena *a);
/* A count that chooses a list's plan, remembered per connection with the words' terms
 * (SQLite: cleared by any commit, as they are), by what was counted (`what`: a match expression
 * of sql_fts_terms, or a range's own key) and the cap it was counted up to: choose_plan's count
 * of a common word's matches or of a wide time range read ~7,000 entries (0.4-0.7 ms at 1M
 * tickets) on every request. get: false when not remembered (then count and put, in the same
 * transaction). */
bool sql_plan_count_get(db *c, const char *what, int64_t cap, int64_t *n);
void sql_plan_count_put(db *c, const char *what, int64_t cap, int64_t n);
/* " IN (?, ?, …)" with n placeholders, in the arena. */
char *in_list(arena *a, size_t n);
/* Runs an `INSERT … RETURNING id` and stores the new row's id. */
status run_insert(db_stmt *s, int64_t *id);
/* Runs a write whose rows the caller does not read now, held back for the next round trip
 * where the engine has round trips (db.h run_later), at once elsewhere; on_id (may be NULL)
 * gets its first row's first column once it has run. Resets s. A failure held back is reported
 * by a later statement, store_sync or the COMMIT: core syncs before a write answers. */
status run_or_hold(db_stmt *s, void (*on_id)(void *arg, int64_t id), void *arg);
/* An event's INSERT (store_event_insert: `… RETURNING id`, written at `at`) run through
 * run_or_hold, its id noted in c's write transaction for the webhook outbox's one INSERT before
 * COMMIT (store_webhook_flush). */
status run_event_insert(db *c, db_stmt *s, int64_t at);

/* A WHERE clause built from optional conditions, with their arguments. */
typedef struct {
    char where[1024];
    size_t len;
    int n;
    struct {
        bool is_text;
        int64_t i;
        const char *s;
    } args[LIMIT_QB_ARGS];
} qb;

void qb_init(qb *q, const char *first_cond);
/* Appends " AND cond"; cond's `?` placeholders take the following qb_int/qb_text arguments. */
void qb_and(qb *q, const char *cond);
void qb_int(qb *q, int64_t v);
void qb_text(qb *q, const char *v);
/* Binds the builder's arguments from index `first`; returns the next free index. */
int qb_bind(const qb *q, db_stmt *s, int first);

/* Runs `SELECT count(*) FROM <count_from> WHERE <where>` and the page query
 * `SELECT <cols> FROM <from> WHERE <where> ORDER BY <sort> [DESC], <uuid_col> [DESC]
 *  LIMIT ? OFFSET ?`, adding the page's created_at range on <created_col>. A NULL sort_col
 * sorts by the whole second of <created_col>. read() turns a row
 * into the element at `row` (row_size bytes, zeroed). */
typedef void (*row_reader)(db_stmt *s, arena *a, void *row);
/* count_sql, when not NULL, is a ready statement whose one row is the total (its arguments
 * bound by the caller); list_run then skips its own count. A NULL total: no count at all. */
status list_run_counted(db *c, db_stmt *count_sql, const char *cols, const char *from,
                        const char *count_from, qb *where, const list_page *pg,
                        const char *sort_col, const char *uuid_col, const char *created_col,
                        arena *a, size_t row_size, row_reader read, void **rows, size_t *n,
                        int64_t *total);
status list_run(db *c, const char *cols, const char *from, const char *count_from, qb *where,
                const list_page *pg, const char *sort_col, const char *uuid_col,
                const char *created_col, arena *a, size_t row_size, row_reader read, void **rows,
                size_t *n, int64_t *total);

/* Runs a statement bound with (?1 = id, ?2 = ws) and no result rows. */
status delete_by_id(db *c, const char *sql, int64_t ws, int64_t id);
/* Steps a bound count query once and resets it: *n is its one value (0 without a row). */
status count_run(db_stmt *s, int64_t *n);
/* Steps a prepared one-value query (a min(), a max()): *v its value, ST_NOT_FOUND when it is NULL
 * or there is no row (the queues' next due time). */
status value_run(db_stmt *s, int64_t *v);
/* Runs a count query bound with (?1 = id, ?2 = ws) and returns the count. */
status count_refs(db *c, const char *sql, int64_t ws, int64_t id, int64_t *n);

/* Runs a single-row query by (ws, uuid) bound as ?1, ?2; ST_NOT_FOUND when there is no row. */
status get_one(db *c, const char *sql, int64_t ws, const char *uuid, arena *a, row_reader read,
               void *row);

/* Assets as the asset and reply queries select them (alias a): ASSET_COLS read from column o
 * on by store_read_asset; thumbnails load separately. */
#define ASSET_COLS                                                                                 \
    "a.id, a.uuid, a.filename, a.extension, a.filesize, a.type, a.mime_type, a.version, "          \
    "a.status, a.alt_text, a.width, a.height, a.public_url, a.folder, a.created_at, "              \
    "a.updated_at, a.blob"
void store_read_asset(db_stmt *s, int o, arena *a, asset_row *r);
/* Tickets as every ticket query selects them (aliases t, k, u, c, ch, tm). */
extern const char *const store_ticket_cols, *const store_ticket_from;
void store_read_ticket(db_stmt *s, arena *a, void *row);
status store_asset_load_thumbs(db *c, asset_row *r, arena *a) WUR;

#endif
