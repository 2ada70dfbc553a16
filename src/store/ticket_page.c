/* SQL for /ticketd/v1's tickets: the keyset-paged list (filters, three sorts, a cursor on the
 * sort key and the row id, read through the indexes of migration 006), the tags a ticket
 * carries, the version read under a row lock for If-Match writes, and the inbox counts from
 * ticket_counts. Rows are read with the columns every ticket query uses (store_ticket_cols). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql.h"

/* A WHERE clause with more arguments than sql.h's qb holds (states, tags, ranges, cursor). */
typedef struct {
    arena *a;
    const char *sql; /* arena */
    int n;
    struct {
        bool is_text;
        int64_t i;
        const char *s;
    } args[48];
} where;

static void w_and(where *w, const char *cond)
{
    w->sql = arena_printf(w->a, "%s AND %s", w->sql, cond);
}

static void w_int(where *w, int64_t v)
{
    BUG_ON(w->n >= (int)(sizeof w->args / sizeof w->args[0]));
    w->args[w->n].is_text = false;
    w->args[w->n++].i = v;
}

static void w_text(where *w, const char *v)
{
    BUG_ON(w->n >= (int)(sizeof w->args / sizeof w->args[0]));
    w->args[w->n].is_text = true;
    w->args[w->n++].s = v;
}

/* ids as a JSON array of integers, for the engine's ids_in fragment (one parameter, so the
 * statement text does not depend on how many ids there are). */
static const char *ids_json(const id_set *ids, arena *a)
{
    size_t cap = 3 + ids->n * 21, len = 0;
    char *json = arena_alloc(a, cap);
    json[len++] = '[';
    for (size_t i = 0; i < ids->n; i++)
        len +=
            (size_t)snprintf(json + len, cap - len, "%s%lld", i ? "," : "", (long long)ids->ids[i]);
    json[len++] = ']';
    json[len] = '\0';
    return json;
}

/* `col = ?` for one id, `col IN (…)` for several; nothing for none. */
static void w_ids(db *c, where *w, const char *col, const id_set *ids, arena *a)
{
    if (!ids->n) return;
    if (ids->n == 1) {
        w_and(w, arena_printf(a, "%s = ?", col));
        w_int(w, ids->ids[0]);
        return;
    }
    w_and(w, arena_printf(a, "%s %s", col, c->drv->ids_in));
    w_text(w, ids_json(ids, a));
}

/* The page driven by one tag's tickets (BY_TAG): `t.id IN` that tag's ids. */
static void w_tag_drives(where *w, int64_t tag_id)
{
    w_and(w, "t.id IN (SELECT tt.ticket_id FROM ticket_tags tt WHERE tt.tag_id = ?)");
    w_int(w, tag_id);
}

/* What a page is read by. A walk goes down the sort's index (alone or after an equality
 * filter) and tests the other filters row by row: it stops at the page, so it costs about
 * limit / (the filters' share of the tickets) rows. When a filter that is not on that index
 * matches few tickets (a tag, the words of q, a range of the other time), walking would test
 * many rows for few matches: the page is then driven by that filter's own rows instead, read
 * whole (at most `drive_max` of them) and sorted. Which is cheaper is told by the filter's
 * rows: a tag's count (migration 011), or q's and the range's counted up to that bound (the
 * word index, an index range), before the page. */
enum { BY_WALK, BY_TAG, BY_WORDS, BY_RANGE };

/* The rows of one filter, counted up to cap (one more than cap means "more"). */
static status count_upto(db *c, const char *inner, const where *w, int64_t cap, arena *a,
                         int64_t *n)
{
    db_stmt *s = db_prepare(c, arena_printf(a, "SELECT count(*) FROM (%s LIMIT ?) x", inner));
    if (!s) return ST_INTERNAL;
    for (int i = 0; i < w->n; i++) {
        if (w->args[i].is_text)
            db_bind_text(s, i + 1, w->args[i].s);
        else
            db_bind_int(s, i + 1, w->args[i].i);
    }
    db_bind_int(s, w->n + 1, cap + 1);
    int rc = db_step(s);
    *n = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc < 0 ? step_status(rc) : ST_INTERNAL;
}

/* The most rows a driven page reads: sqrt(limit x tickets), where a walk and a drive cost
 * about the same (a walk tests about limit x tickets / matches rows), LIMIT_PAGE_DRIVE_MAX at
 * most. */
static status drive_max(db *c, int64_t ws, int64_t limit, int64_t *out)
{
    ticket_counts_row k;
    status st = store_ticket_counts(c, ws, NULL_INT, &k);
    if (st) return st;
    double v = sqrt((double)limit * (double)(k.open + k.closed));
    *out = v > LIMIT_PAGE_DRIVE_MAX ? LIMIT_PAGE_DRIVE_MAX : (int64_t)v;
    return ST_OK;
}

/* The off-sort range: [from, to) on the time the sort does not walk, or none. */
static const char *off_col(const ticket_page_filter *f, int64_t *from, int64_t *to)
{
    bool updated = f->sort != TICKET_SORT_UPDATED;
    *from = updated ? f->updated_from : f->created_from;
    *to = updated ? f->updated_to : f->created_to;
    if (*from == NULL_INT && *to == NULL_INT) return NULL;
    return updated ? "t.updated_at" : "t.created_at";
}

/* PostgreSQL: whether q matches at least 1 in LIMIT_PAGE_WORD_SHARE of the workspace's newest
 * LIMIT_PAGE_WORD_PROBE tickets, each tested by its id. GIN gives a word's matches only as a
 * whole bitmap (a word in every ticket: every entry read before the first row, tens of ms at
 * 1M), so a word that common is not counted: the page walks the sort's index and tests each
 * row (pg_fts_test), which needs about limit / share rows. */
static status pg_word_common(db *c, int64_t ws, const char *match, bool *common)
{
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM (SELECT t.id FROM tickets t WHERE "
                               "t.workspace_id = ? AND t.deleted_at IS NULL ORDER BY "
                               "t.created_at DESC, t.id DESC LIMIT ?) x WHERE (SELECT f.doc FROM "
                               "ticket_fts f WHERE f.ticket_id = x.id) @@ (SELECT "
                               "ticket_fts_query(?))");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_int(s, 2, LIMIT_PAGE_WORD_PROBE);
    db_bind_text(s, 3, match);
    int64_t n;
    status st = count_run(s, &n);
    *common = !st && n * LIMIT_PAGE_WORD_SHARE >= LIMIT_PAGE_WORD_PROBE;
    return st;
}

/* PostgreSQL: the words' test of one row by its id (the tsquery made once per statement). A
 * scalar subquery, not EXISTS: the planner turns an EXISTS into a join with the whole match
 * set (the generic plan guesses 0.5 % of the tickets match). */
static const char *pg_fts_test(const char *col, arena *a)
{
    return arena_printf(a,
                        "(SELECT f.doc FROM ticket_fts f WHERE f.ticket_id = %s) @@ (SELECT "
                        "ticket_fts_query(?))",
                        col);
}

/* Picks how the page is read (BY_*), and for BY_TAG which tag. *common: PostgreSQL found q
 * common (pg_word_common) and did not count its matches. */
static status choose_plan(db *c, int64_t ws, const ticket_page_filter *f, arena *a, int *by,
                          size_t *tag, bool *common)
{
    *common = false;
    *by = BY_WALK;
    *tag = 0;
    int64_t from, to;
    const char *col = off_col(f, &from, &to);
    if (!f->tags.n && !f->match && !col) return ST_OK;
    int64_t cap, best;
    status st = drive_max(c, ws, f->limit + 1, &cap);
    if (st) return st;
    best = cap + 1;
    for (size_t i = 0; i < f->tags.n; i++) {
        /* Tags are counted by the triggers of migration 011: one row read. */
        db_stmt *s = db_prepare(c, "SELECT n_tickets FROM tags WHERE id = ?");
        if (!s) return ST_INTERNAL;
        db_bind_int(s, 1, f->tags.ids[i]);
        int rc = db_step(s);
        int64_t n = rc == DB_ROW ? db_col_int(s, 0) : 0;
        db_reset(s);
        if (rc < 0) return step_status(rc);
        if (n < best) best = n, *by = BY_TAG, *tag = i;
    }
    if (f->match && c->drv == &db_pg_driver && (st = pg_word_common(c, ws, f->match, common)))
        return st;
    if (f->match && !*common) {
        where w = {.a = a};
        w_text(&w, f->match);
        int64_t n;
        if (!sql_plan_count_get(c, f->match, cap, &n)) {
            if ((st = count_upto(c,
                                 arena_printf(a, "SELECT 1 FROM ticket_fts WHERE %s",
                                              sql_fts_match(c, "ticket_fts", a)),
                                 &w, cap, a, &n)))
                return st;
            sql_plan_count_put(c, f->match, cap, n);
        }
        if (n < best) best = n, *by = BY_WORDS;
    }
    if (col) {
        where w = {.a = a, .sql = "t.workspace_id = ? AND t.deleted_at IS NULL"};
        w_int(&w, ws);
        if (from != NULL_INT) w_and(&w, arena_printf(a, "%s >= ?", col)), w_int(&w, from);
        if (to != NULL_INT) w_and(&w, arena_printf(a, "%s < ?", col)), w_int(&w, to);
        int64_t n;
        const char *what = arena_printf(a, "%lld %s %lld %lld", (long long)ws, col, (long long)from,
                                        (long long)to);
        if (!sql_plan_count_get(c, what, cap, &n)) {
            if ((st = count_upto(c, arena_printf(a, "SELECT 1 FROM tickets t WHERE %s", w.sql), &w,
                                 cap, a, &n)))
                return st;
            sql_plan_count_put(c, what, cap, n);
        }
        if (n < best) best = n, *by = BY_RANGE;
    }
    return ST_OK;
}

/* Binds w's arguments from parameter `from` on; returns the next parameter's number. */
static int w_bind(db_stmt *s, const where *w, int from)
{
    for (int i = 0; i < w->n; i++) {
        if (w->args[i].is_text)
            db_bind_text(s, from + i, w->args[i].s);
        else
            db_bind_int(s, from + i, w->args[i].i);
    }
    return from + w->n;
}

/* The id above which ticket ids follow created_at (migration 018's ticket_order). */
static status order_break(db *c, int64_t *brk)
{
    db_stmt *s = db_prepare(c, "SELECT break_id FROM ticket_order WHERE id = 1");
    if (!s) return ST_INTERNAL;
    int rc = db_step(s);
    *brk = rc == DB_ROW ? db_col_int(s, 0) : INT64_MAX;
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}

/* Where rowid_page reads ticket ids from, in id order: a word index's matches (FTS5 rowids)
 * or a tag's tickets (ticket_tags_tag: tag_id, ticket_id). */
typedef struct {
    const char *from, *cond, *id; /* `from` aliased; cond has one parameter: text or num */
    const char *text;
    int64_t num;
} id_source;

/* A page read from an index in ticket id order (SQLite, newest or oldest): a q whose words are
 * plain terms after sql_fts_terms, or a tag. The source's ids are read newest (or oldest)
 * first, each tested against w (the other filters and the cursor), stopping at limit + 1 rows,
 * so a word in every ticket costs the page, not the whole match list (or after drive_max
 * matches, or sooner when the share kept so far says the page would not fill by then: *ids
 * NULL, the filters keep too few of them). Ticket ids follow
 * created_at only while the clock does, so the page is then checked: with one row read when
 * its ids are above the last break of that order (migration 018), else a ticket that was not
 * read (its id outside the ids read) with a key between the cursor and the page's last key
 * means the orders disagree there, and *ids is NULL: the caller walks the sort's index
 * instead. Otherwise *ids: the page's ids (a JSON array). */
static status rowid_page(db *c, int64_t ws, const ticket_page_filter *f, const where *w,
                         const id_source *src, arena *a, const char **ids)
{
    bool newest = f->sort == TICKET_SORT_NEWEST;
    *ids = NULL;
    /* Matches read past `most` without filling the page: the filters keep few of them, and
     * the walk (down their index) is the better plan. */
    int64_t most;
    status st = drive_max(c, ws, f->limit + 1, &most);
    if (st) return st;
    db_stmt *s = db_prepare(
        c, arena_printf(a,
                        "SELECT t.id, t.created_at, CASE WHEN %s THEN 1 ELSE 0 END FROM "
                        "%s CROSS JOIN tickets t WHERE %s AND t.id = %s%s%s%s ORDER BY %s%s",
                        w->sql, src->from, src->cond, src->id, !f->after ? "" : " AND ",
                        !f->after ? "" : src->id,
                        !f->after ? ""
                        : newest  ? " < ?"
                                  : " > ?",
                        src->id, newest ? " DESC" : ""));
    if (!s) return ST_INTERNAL;
    int p = w_bind(s, w, 1);
    if (src->text)
        db_bind_text(s, p++, src->text);
    else
        db_bind_int(s, p++, src->num);
    if (f->after) db_bind_int(s, p, f->after_id);
    int64_t *got = ARENA_ARRAY(a, int64_t, (size_t)f->limit + 1);
    size_t n = 0;
    /* The id nearest the end of the ids read, and the page's last row by the sort's key. */
    int64_t edge_id = 0, last_at = 0, last_id = 0, read = 0;
    bool gave_up = false;
    int rc = DB_DONE;
    while ((int64_t)n <= f->limit && (rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_int(s, 0), at = db_col_int(s, 1);
        edge_id = id; /* rows come in id order */
        /* The filters' share of the matches read so far tells whether the page would fill
         * within `most`: when it would not (a team of 2,000 keeps 0.2 % of a word in every
         * ticket), the walk's test of each row is tried at once. */
        if (++read > most || (read >= LIMIT_PAGE_MATCH_TESTS * (f->limit + 1) &&
                              (f->limit + 1) * read > most * ((int64_t)n + 1))) {
            gave_up = true;
            break;
        }
        if (!db_col_int(s, 2)) continue;
        got[n++] = id;
        bool later = newest ? (at < last_at || (at == last_at && id < last_id))
                            : (at > last_at || (at == last_at && id > last_id));
        if (n == 1 || later) last_at = at, last_id = id;
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    if (gave_up) return ST_OK;
    /* Above `brk` ids follow created_at (migration 018): a ticket above it is created no
     * earlier than any ticket below it, so an unread ticket out of the page's span is sure
     * from one row. Newest: the unread ids are below the page's last row's and (on a later
     * page) above the cursor's; oldest: above the ids read and below the cursor's. */
    int64_t brk;
    if ((st = order_break(c, &brk))) return st;
    bool cursor_sure = !f->after || (newest ? f->after_id >= brk : f->after_id > brk);
    if ((int64_t)n <= f->limit) {
        /* Every match past the cursor's id was read; one before it, out of order, would not
         * have been: only a first page, or a cursor above the break, is sure. */
        if (!cursor_sure) return ST_OK;
    } else if (cursor_sure && (newest ? last_id > brk : edge_id >= brk)) {
        /* sure: no scan */
    } else {
        /* A ticket between the cursor and the page's last key (on the created_at index: the
         * page's span) whose id was not read. */
        const char *sql =
            newest ? "SELECT 1 FROM tickets t INDEXED BY tickets_n_created WHERE "
                     "t.workspace_id = ? AND t.deleted_at IS NULL AND t.created_at >= ? AND "
                     "(t.created_at, t.id) > (?, ?) AND (t.id < ? OR (? AND (t.created_at, t.id) "
                     "< (?, ?) AND t.id >= ?)) AND t.created_at <= ? AND (NOT ? OR (t.created_at, "
                     "t.id) < (?, ?)) LIMIT 1"
                   : "SELECT 1 FROM tickets t INDEXED BY tickets_n_created WHERE "
                     "t.workspace_id = ? AND t.deleted_at IS NULL AND t.created_at <= ? AND "
                     "(t.created_at, t.id) < (?, ?) AND (t.id > ? OR (? AND (t.created_at, t.id) "
                     "> (?, ?) AND t.id <= ?)) AND t.created_at >= ? AND (NOT ? OR (t.created_at, "
                     "t.id) > (?, ?)) LIMIT 1";
        if (!(s = db_prepare(c, sql))) return ST_INTERNAL;
        /* the cursor's time bounds the index range; without one, the store's end */
        int64_t bound = f->after ? f->after_key : newest ? INT64_MAX : INT64_MIN;
        int64_t v[] = {ws,       last_at,      last_at,     last_id,     edge_id,
                       f->after, f->after_key, f->after_id, f->after_id, bound,
                       f->after, f->after_key, f->after_id};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
            db_bind_int(s, (int)i + 1, v[i]);
        rc = db_step(s);
        db_reset(s);
        if (rc < 0) return step_status(rc);
        if (rc == DB_ROW) return ST_OK;
    }
    id_set set = {got, n};
    *ids = ids_json(&set, a);
    return ST_OK;
}

/* The least and the greatest id of a ticket the words match (SQLite: FTS5 reads its doclists
 * from either end, a seek each, whichever workspace the ticket is in): a ticket outside
 * [*lo, *hi] is sure not to match without a test of its own. No match: *lo > *hi. */
static status word_extent(db *c, const char *match, int64_t *lo, int64_t *hi)
{
    static const char *const sql[] = {
        "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? ORDER BY rowid LIMIT 1",
        "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? ORDER BY rowid DESC LIMIT 1",
    };
    int64_t *out[] = {lo, hi}, none[] = {INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < 2; i++) {
        db_stmt *s = db_prepare(c, sql[i]);
        if (!s) return ST_INTERNAL;
        db_bind_text(s, 1, match);
        int rc = db_step(s);
        *out[i] = rc == DB_ROW ? db_col_int(s, 0) : none[i];
        db_reset(s);
        if (rc < 0) return step_status(rc);
    }
    return ST_OK;
}

/* A page of a common q walked down the sort's index (SQLite, every word a plain term): the
 * rows that pass the other filters and the cursor (w) are read in the page's order and each is
 * tested against the words by its id (FTS5 seeks the row in each term's doclist, ~20-40 us at
 * 1M tickets), stopping at limit + 1 matches. Cheaper than building the match list when the
 * filters keep few of the matches but most of their rows match (a team, sort=updated): the
 * list of a word in every ticket costs ~0.3 s. After LIMIT_PAGE_MATCH_TESTS rows per row of
 * the page without filling it, the words keep too few of the rows: *ids NULL, the caller
 * builds the match list. A row outside the words' extent [lo, hi] (word_extent) is not a match
 * without a seek: a walk through tickets newer or older than all the matches costs its rows'
 * reads only. Otherwise *ids: the page's ids (a JSON array). */
static status tested_page(db *c, const ticket_page_filter *f, const where *w, const char *order,
                          int64_t lo, int64_t hi, arena *a, const char **ids)
{
    *ids = NULL;
    int64_t most = LIMIT_PAGE_MATCH_TESTS * (f->limit + 1);
    db_stmt *s =
        db_prepare(c, arena_printf(a, "SELECT t.id FROM tickets t WHERE %s ORDER BY %s LIMIT ?",
                                   w->sql, order));
    if (!s) return ST_INTERNAL;
    db_bind_int(s, w_bind(s, w, 1), most + 1);
    db_stmt *t = db_prepare(c, "SELECT 1 FROM ticket_fts WHERE ticket_fts MATCH ? AND rowid = ?");
    if (!t) {
        db_reset(s);
        return ST_INTERNAL;
    }
    int64_t *got = ARENA_ARRAY(a, int64_t, (size_t)f->limit + 1);
    size_t n = 0;
    int64_t read = 0;
    int rc = DB_DONE, hit = DB_DONE;
    while ((int64_t)n <= f->limit && (rc = db_step(s)) == DB_ROW) {
        if (++read > most) break;
        int64_t id = db_col_int(s, 0);
        if (id < lo || id > hi) continue;
        db_bind_text(t, 1, f->match);
        db_bind_int(t, 2, id);
        hit = db_step(t);
        db_reset(t);
        if (hit < 0) break;
        if (hit == DB_ROW) got[n++] = id;
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    if (hit < 0) return step_status(hit);
    if (read > most) return ST_OK;
    id_set set = {got, n};
    *ids = ids_json(&set, a);
    return ST_OK;
}

typedef struct {
    int64_t id;
    size_t at; /* its place in the span, in page order */
} span_id;

static int cmp_span_id(const void *x, const void *y)
{
    int64_t p = ((const span_id *)x)->id, q = ((const span_id *)y)->id;
    return (p > q) - (p < q);
}

/* A row of the span: a ticket's id and updated_at. */
typedef struct {
    int64_t id, at;
} span_key;

/* Page order for sort=updated: the latest (updated_at, id) first. */
static int cmp_span_key(const void *x, const void *y)
{
    const span_key *p = x, *q = y;
    if (p->at != q->at) return (p->at < q->at) - (p->at > q->at);
    return (p->id < q->id) - (p->id > q->id);
}

/* A page of a common q sorted by updated_at whose newest-updated tickets do not match
 * (tested_page gave up): the first limit + 1 matches that pass w, read newest id first (at
 * most drive_max of them), bound the page from below: its rows are among the tickets at or
 * above the least of their (updated_at, id), the span. The span is walked down the updated_at
 * index from the cursor, and only its tickets within the words' extent [lo, hi] (word_extent)
 * that pass w are kept, at most LIMIT_PAGE_SPAN_MAX: tickets created after the newest match or
 * before the oldest cost an index entry each (~0.1 us), whatever changed them since (a word in
 * a burst of tickets, updated long ago); the match list instead costs a row per match. Those
 * kept are the candidates, in page order. Their runs of near ids (tickets created together, as
 * a burst is) are tested against the words with one read of the word index over each run's
 * range; then the candidates are walked in page order, every other one tested by its id (FTS5
 * seeks, as tested_page), up to the page or 4 x LIMIT_PAGE_MATCH_TESTS x (limit + 1) seeks.
 * Every candidate before the page's last row was tested, so the page is exact once it fills;
 * the limit + 1 matches read first are candidates, so it fills unless a bound stopped it. Past
 * a bound *ids is NULL: the caller builds the match list. Otherwise *ids: the page's ids. */
static status span_page(db *c, int64_t ws, const ticket_page_filter *f, const where *w, int64_t lo,
                        int64_t hi, arena *a, const char **ids)
{
    *ids = NULL;
    int64_t most;
    status st = drive_max(c, ws, f->limit + 1, &most);
    if (st) return st;
    db_stmt *s = db_prepare(
        c, arena_printf(a,
                        "SELECT t.id, t.updated_at, CASE WHEN %s THEN 1 ELSE 0 END FROM "
                        "ticket_fts f CROSS JOIN tickets t WHERE f.ticket_fts MATCH ? AND t.id = "
                        "f.rowid ORDER BY f.rowid DESC",
                        w->sql));
    if (!s) return ST_INTERNAL;
    db_bind_text(s, w_bind(s, w, 1), f->match);
    int64_t *got = ARENA_ARRAY(a, int64_t, (size_t)f->limit + 1);
    size_t n = 0;
    int64_t low_at = 0, low_id = 0, read = 0;
    int rc = DB_DONE;
    while ((int64_t)n <= f->limit && (rc = db_step(s)) == DB_ROW) {
        if (++read > most) break;
        if (!db_col_int(s, 2)) continue;
        int64_t id = db_col_int(s, 0), at = db_col_int(s, 1);
        got[n++] = id;
        if (n == 1 || at < low_at || (at == low_at && id < low_id)) low_at = at, low_id = id;
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    if (read > most) return ST_OK;
    if ((int64_t)n <= f->limit) { /* every match that passes w */
        id_set set = {got, n};
        *ids = ids_json(&set, a);
        return ST_OK;
    }
    /* One walk down the updated_at index: SQLite tests the terms on the index's columns (the
     * extent) before it reads a table row for the others (w's filters), so a ticket outside
     * the extent costs its index entry only; the lower bound ends the walk without a test per
     * entry (the few tickets at low_at below low_id are walked too, harmlessly). */
    s = db_prepare(c, arena_printf(a,
                                   "SELECT t.id, t.updated_at FROM tickets t INDEXED BY "
                                   "tickets_n_updated WHERE %s AND t.updated_at >= ? AND t.id "
                                   "BETWEEN ? AND ? ORDER BY t.updated_at DESC, t.id DESC LIMIT ?",
                                   w->sql));
    if (!s) return ST_INTERNAL;
    int p = w_bind(s, w, 1);
    db_bind_int(s, p++, low_at);
    db_bind_int(s, p++, lo);
    db_bind_int(s, p++, hi);
    db_bind_int(s, p, LIMIT_PAGE_SPAN_MAX + 1);
    size_t cap = 0, k = 0;
    span_key *keys = NULL;
    while ((rc = db_step(s)) == DB_ROW) {
        keys = arena_grow(a, keys, &cap, k, sizeof *keys);
        keys[k++] = (span_key){db_col_int(s, 0), db_col_int(s, 1)};
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    if (!k || k > LIMIT_PAGE_SPAN_MAX) return ST_OK;
    /* in page order from the index; sorted should a plan ever read it otherwise */
    for (size_t i = 1; i < k; i++)
        if (cmp_span_key(&keys[i - 1], &keys[i]) > 0) {
            qsort(keys, k, sizeof *keys, cmp_span_key);
            break;
        }
    int64_t *span = ARENA_ARRAY(a, int64_t, k);
    for (size_t i = 0; i < k; i++)
        span[i] = keys[i].id;
    /* by id: runs of at least 32 ids, each within 8 of the last, read as one range */
    span_id *by = ARENA_ARRAY(a, span_id, k);
    signed char *hit = ARENA_ARRAY(a, signed char, k); /* 1 a match, 0 not, -1 not known */
    for (size_t i = 0; i < k; i++)
        by[i] = (span_id){span[i], i}, hit[i] = -1;
    qsort(by, k, sizeof *by, cmp_span_id);
    db_stmt *r = db_prepare(c, "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? AND rowid "
                               ">= ? AND rowid <= ? ORDER BY rowid");
    if (!r) return ST_INTERNAL;
    for (size_t i = 0; i < k;) {
        size_t e = i + 1;
        while (e < k && by[e].id - by[e - 1].id <= 8)
            e++;
        if (e - i >= 32) {
            for (size_t x = i; x < e; x++)
                hit[by[x].at] = 0;
            db_bind_text(r, 1, f->match);
            db_bind_int(r, 2, by[i].id);
            db_bind_int(r, 3, by[e - 1].id);
            size_t x = i;
            while ((rc = db_step(r)) == DB_ROW) {
                int64_t id = db_col_int(r, 0);
                while (x < e && by[x].id < id)
                    x++;
                if (x < e && by[x].id == id) hit[by[x].at] = 1;
            }
            db_reset(r);
            if (rc < 0) return step_status(rc);
        }
        i = e;
    }
    db_stmt *t = db_prepare(c, "SELECT 1 FROM ticket_fts WHERE ticket_fts MATCH ? AND rowid = ?");
    if (!t) return ST_INTERNAL;
    int64_t seeks = 0, seeks_max = 4 * LIMIT_PAGE_MATCH_TESTS * (f->limit + 1);
    size_t kept = 0;
    for (size_t i = 0; i < k && (int64_t)kept <= f->limit; i++) {
        if (hit[i] < 0) {
            if (++seeks > seeks_max) return ST_OK;
            db_bind_text(t, 1, f->match);
            db_bind_int(t, 2, span[i]);
            rc = db_step(t);
            db_reset(t);
            if (rc < 0) return step_status(rc);
            hit[i] = rc == DB_ROW;
        }
        if (hit[i]) span[kept++] = span[i];
    }
    if ((int64_t)kept <= f->limit) return ST_OK; /* the walk stopped at its bound */
    id_set set = {span, kept};
    *ids = ids_json(&set, a);
    return ST_OK;
}

status store_ticket_page(db *c, int64_t ws, const ticket_page_filter *f, arena *a,
                         ticket_row **rows, size_t *n)
{
    BUG_ON(f->sort < 0 || f->sort >= TICKET_SORT_COUNT || f->limit < 1);
    ticket_page_filter spelled = *f;
    spelled.match = sql_fts_terms(c, f->match, a);
    f = &spelled;
    int by;
    size_t drive_tag;
    bool common;
    status st = choose_plan(c, ws, f, a, &by, &drive_tag, &common);
    if (st) return st;
    bool sqlite = c->drv == &db_sqlite_driver;
    where w = {.a = a, .sql = "t.workspace_id = ? AND t.deleted_at IS NULL"};
    w_int(&w, ws);
    if (f->n_states == 1) {
        w_and(&w, "t.state = ?");
        w_text(&w, f->states[0]);
    } else if (f->n_states > 1) {
        w_and(&w, arena_printf(a, "t.state%s", in_list(a, f->n_states)));
        for (size_t i = 0; i < f->n_states; i++)
            w_text(&w, f->states[i]);
    }
    if (f->users.n && f->unassigned) {
        w_and(&w, arena_printf(a, "(t.user_id %s OR t.user_id IS NULL)", c->drv->ids_in));
        w_text(&w, ids_json(&f->users, a));
    } else if (f->unassigned) {
        w_and(&w, "t.user_id IS NULL");
    } else {
        w_ids(c, &w, "t.user_id", &f->users, a);
    }
    w_ids(c, &w, "t.team_id", &f->teams, a);
    w_ids(c, &w, "t.category_id", &f->categories, a);
    w_ids(c, &w, "t.contact_id", &f->contacts, a);
    /* A tag without a q: its newest tickets are its highest ids in its index, so the page
     * reads ~limit of its rows (rowid_page) instead of walking the sort's index with a test of
     * each row (a tag on 1 in 20 tickets: ~1,000 rows), or reading every one of a rarer tag's
     * tickets to sort them. */
    bool tag_rowid = sqlite && !f->match && f->tags.n && (by == BY_WALK || by == BY_TAG) &&
                     f->sort != TICKET_SORT_UPDATED;
    if (by == BY_TAG && !tag_rowid) {
        w_tag_drives(&w, f->tags.ids[drive_tag]);
    }
    if (f->tags.n == 1 && (by != BY_TAG || tag_rowid)) {
        w_and(&w, "EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket_id = t.id AND "
                  "tt.tag_id = ?)");
        w_int(&w, f->tags.ids[0]);
    } else if (f->tags.n > 1) {
        /* Every one of them: the ticket's links among the tags asked for, counted (the ids
         * are distinct). */
        w_and(&w, arena_printf(a,
                               "(SELECT count(*) FROM ticket_tags tt WHERE tt.ticket_id = t.id "
                               "AND tt.tag_id %s) = ?",
                               c->drv->ids_in));
        w_text(&w, ids_json(&f->tags, a));
        w_int(&w, (int64_t)f->tags.n);
    }
    /* A common q (not driven) whose words are plain terms: read from the word index in rowid
     * order (newest, oldest), or walked with a test of each row (sort=updated, or when the
     * other filters keep few of its matches), before the match list is built. */
    bool plain_q = sqlite && f->match && !strchr(f->match, '*');
    bool tested = by == BY_WALK && plain_q;
    /* A driving q too (a rare word): its newest matches are its highest ids, so the page
     * reads ~limit of its rows instead of every match's (1,000 rows: ~1 ms at 1M tickets). */
    bool by_rowid = plain_q && (by == BY_WALK || by == BY_WORDS) && f->sort != TICKET_SORT_UPDATED;
    if (f->match && !tested && !by_rowid) {
        /* Driven, or walked with the match list as a set: a per-row test (FTS5 with rowid = ?)
         * reads the whole doclist of a prefix term for every row, far slower. PostgreSQL
         * tests each row read (a key lookup in ticket_fts) when the word is common: its set
         * would be most of the store, read whole from GIN first. */
        w_and(&w, common ? pg_fts_test("t.id", a) : sql_fts_ids(c, "t.id", a));
        w_text(&w, f->match);
    }
    int64_t off_from, off_to;
    const char *off = off_col(f, &off_from, &off_to);
    static const struct {
        const char *col, *op;
        size_t off;
    } ranges[] = {
        {"t.created_at", ">=", offsetof(ticket_page_filter, created_from)},
        {"t.created_at", "<", offsetof(ticket_page_filter, created_to)},
        {"t.updated_at", ">=", offsetof(ticket_page_filter, updated_from)},
        {"t.updated_at", "<", offsetof(ticket_page_filter, updated_to)},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        int64_t v = *(const int64_t *)((const char *)f + ranges[i].off);
        if (v == NULL_INT) continue;
        /* Walking the sort's index, the other time is a test on each row: `+` keeps the
         * planner from reading its index and sorting every match instead. */
        bool test = by != BY_RANGE && off && !strcmp(off, ranges[i].col);
        w_and(&w, arena_printf(a, "%s%s %s ?", test ? "+" : "", ranges[i].col, ranges[i].op));
        w_int(&w, v);
    }
    static const char *const key[] = {"t.created_at", "t.created_at", "t.updated_at"};
    static const char *const after[] = {"(t.created_at, t.id) < (?, ?)",
                                        "(t.created_at, t.id) > (?, ?)",
                                        "(t.updated_at, t.id) < (?, ?)"};
    const char *dir = f->sort == TICKET_SORT_OLDEST ? "" : " DESC";
    if (f->after) {
        w_and(&w, after[f->sort]);
        w_int(&w, f->after_key);
        w_int(&w, f->after_id);
    }
    const char *sql, *page_ids = NULL;
    const id_source words = {"ticket_fts f", "f.ticket_fts MATCH ?", "f.rowid", f->match, 0};
    const id_source tag = {"ticket_tags r INDEXED BY ticket_tags_tag", "r.tag_id = ?",
                           "r.ticket_id", NULL, f->tags.n ? f->tags.ids[drive_tag] : 0};
    if (by_rowid && (st = rowid_page(c, ws, f, &w, &words, a, &page_ids))) return st;
    if (by_rowid && by == BY_WORDS && !page_ids) { /* driven by the match list after all */
        w_and(&w, sql_fts_ids(c, "t.id", a));
        w_text(&w, f->match);
    }
    if (tag_rowid && (st = rowid_page(c, ws, f, &w, &tag, a, &page_ids))) return st;
    if (tag_rowid && by == BY_TAG && !page_ids) { /* driven by the tag's tickets after all */
        w_tag_drives(&w, f->tags.ids[drive_tag]);
    }
    if (tested && !page_ids) {
        /* the orders disagree, or the filters keep few matches: test each row of the walk */
        const char *order = arena_printf(a, "%s%s, t.id%s", key[f->sort], dir, dir);
        int64_t lo, hi;
        if ((st = word_extent(c, f->match, &lo, &hi))) return st;
        if ((st = tested_page(c, f, &w, order, lo, hi, a, &page_ids))) return st;
        /* sort=updated: the word's newest matches bound the tickets to test */
        if (!page_ids && f->sort == TICKET_SORT_UPDATED &&
            (st = span_page(c, ws, f, &w, lo, hi, a, &page_ids)))
            return st;
        if (!page_ids) { /* and few of the walk's rows match: the match list as a set */
            w_and(&w, sql_fts_ids(c, "t.id", a));
            w_text(&w, f->match);
        }
    }
    if (page_ids) {
        w = (where){.a = a, .sql = arena_printf(a, "t.id %s", c->drv->ids_in)};
        w_text(&w, page_ids);
        sql = arena_printf(a, "SELECT %s FROM %s WHERE %s ORDER BY %s%s, t.id%s LIMIT ?",
                           store_ticket_cols, store_ticket_from, w.sql, key[f->sort], dir, dir);
    } else if (by == BY_WALK) {
        sql = arena_printf(a, "SELECT %s FROM %s WHERE %s ORDER BY %s%s, t.id%s LIMIT ?",
                           store_ticket_cols, store_ticket_from, w.sql, key[f->sort], dir, dir);
    } else {
        /* Driven: the page's ids first, sorted from the driving filter's rows (SQLite is told
         * which index that is: its planner, without statistics, would walk the sort's), then
         * their columns and joins for those rows only. */
        const char *hint = !sqlite                        ? ""
                           : by != BY_RANGE               ? " NOT INDEXED"
                           : !strcmp(off, "t.updated_at") ? " INDEXED BY tickets_n_updated"
                                                          : " INDEXED BY tickets_n_created";
        sql = arena_printf(a,
                           "SELECT %s FROM %s WHERE t.id IN (SELECT t.id FROM tickets t%s WHERE "
                           "%s ORDER BY %s%s, t.id%s LIMIT ?) ORDER BY %s%s, t.id%s",
                           store_ticket_cols, store_ticket_from, hint, w.sql, key[f->sort], dir,
                           dir, key[f->sort], dir, dir);
    }
    db_stmt *s = db_prepare(c, sql);
    if (!s) return ST_INTERNAL;
    for (int i = 0; i < w.n; i++) {
        if (w.args[i].is_text)
            db_bind_text(s, i + 1, w.args[i].s);
        else
            db_bind_int(s, i + 1, w.args[i].i);
    }
    db_bind_int(s, w.n + 1, f->limit + 1);
    size_t cap = 0, got = 0;
    ticket_row *out = NULL;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        out = arena_grow(a, out, &cap, got, sizeof *out);
        memset(&out[got], 0, sizeof *out);
        store_read_ticket(s, a, &out[got++]);
    }
    db_reset(s);
    *rows = out;
    *n = got;
    return rc < 0 ? step_status(rc) : ST_OK;
}

status store_ticket_load_tags(db *c, ticket_row *t, size_t n, arena *a)
{
    for (size_t i = 0; i < n; i++)
        t[i].tags = NULL, t[i].n_tags = 0;
    if (!n) return ST_OK;
    int64_t *ids = ARENA_ARRAY(a, int64_t, n);
    for (size_t i = 0; i < n; i++)
        ids[i] = t[i].id;
    id_set set = {ids, n};
    db_stmt *s = db_prepare(c, arena_printf(a,
                                            "SELECT tt.ticket_id, g.uuid, g.name FROM "
                                            "ticket_tags tt JOIN tags g ON g.id = tt.tag_id "
                                            "WHERE tt.ticket_id %s ORDER BY tt.ticket_id, "
                                            "g.name, g.uuid",
                                            c->drv->ids_in));
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, ids_json(&set, a));
    tag_ref *all = NULL;
    int64_t *owner = NULL;
    size_t got = 0, cap = 0, ocap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        all = arena_grow(a, all, &cap, got, sizeof *all);
        owner = arena_grow(a, owner, &ocap, got, sizeof *owner);
        owner[got] = db_col_int(s, 0);
        col_uuid(s, 1, all[got].uuid);
        all[got].name = col_str(s, 2, a);
        got++;
    }
    db_reset(s);
    if (rc < 0) return step_status(rc);
    /* Rows come grouped by ticket: point each ticket at its slice. */
    for (size_t i = 0; i < got;) {
        size_t j = i;
        while (j < got && owner[j] == owner[i])
            j++;
        for (size_t k = 0; k < n; k++)
            if (t[k].id == owner[i]) t[k].tags = &all[i], t[k].n_tags = j - i;
        i = j;
    }
    return ST_OK;
}

status store_ticket_lock(db *c, int64_t ws, const char *uuid, int64_t *version)
{
    /* SQLite: the one writer connection already excludes every other writer. */
    db_stmt *s = db_prepare(c, c->drv == &db_pg_driver
                                   ? "SELECT version FROM tickets WHERE workspace_id = ? AND "
                                     "uuid = ? AND deleted_at IS NULL FOR UPDATE"
                                   : "SELECT version FROM tickets WHERE workspace_id = ? AND "
                                     "uuid = ? AND deleted_at IS NULL");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    db_bind_text(s, 2, uuid);
    int rc = db_step(s);
    if (rc == DB_ROW) *version = db_col_int(s, 0);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : step_status(rc);
}

status store_ticket_counts(db *c, int64_t ws, int64_t user_id, ticket_counts_row *out)
{
    /* A few rows per workspace: one per (assignee, open) with tickets. */
    db_stmt *s = db_prepare(c, "SELECT user_id, is_open, n FROM ticket_counts WHERE "
                               "workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ws);
    *out = (ticket_counts_row){0};
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t who = db_col_int(s, 0), n = db_col_int(s, 2);
        bool open = db_col_int(s, 1) != 0;
        *(open ? &out->open : &out->closed) += n;
        if (who == 0) *(open ? &out->unassigned_open : &out->unassigned_closed) += n;
        if (user_id != NULL_INT && who == user_id)
            *(open ? &out->mine_open : &out->mine_closed) += n;
    }
    db_reset(s);
    return rc < 0 ? step_status(rc) : ST_OK;
}
