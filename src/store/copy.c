/* `ticketd copy`: an SQLite store's rows into a fresh PostgreSQL store. Owns which tables are
 * copied (every base table PostgreSQL has, schema_version aside) and how: the target's column
 * list (generated columns skipped) read from the source in the same order, values moved by
 * the target's column type, ids kept, identity sequences moved past them, counts compared.
 * Search rows are copied too (SQLite keeps them in an FTS5 table whose rowid is the ticket id);
 * PostgreSQL computes their tsvector itself. Rows go LIMIT_COPY_BATCH to an INSERT. */
#include <stdio.h>
#include <string.h>

#include "store/schema.h"
#include "store/sql.h"

typedef struct {
    char *name, *type;
} column;

/* The target's columns of table t that take values (not generated), in order. */
static status columns_of(db *to, const char *t, arena *a, column **cols, size_t *n)
{
    db_stmt *s = db_prepare(to, "SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_schema = current_schema() AND table_name = ? AND "
                                "is_generated = 'NEVER' ORDER BY ordinal_position");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, t);
    size_t cap = 0;
    int rc;
    *n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        *cols = arena_grow(a, *cols, &cap, *n, sizeof **cols);
        (*cols)[(*n)++] = (column){col_str(s, 0, a), col_str(s, 1, a)};
    }
    db_reset(s);
    return step_status(rc);
}

static status count_rows(db *c, const char *t, arena *a, int64_t *n)
{
    db_stmt *s = db_prepare(c, arena_printf(a, "SELECT count(*) FROM %s", t));
    if (!s) return ST_INTERNAL;
    int rc = db_step(s);
    *n = rc == DB_ROW ? db_col_int(s, 0) : -1;
    db_reset(s);
    return rc == DB_ROW ? ST_OK : step_status(rc);
}

/* One source value, held until its batch is inserted (the text in the batch's arena). */
typedef struct {
    enum { V_NULL, V_INT, V_BLOB, V_TEXT } kind;
    int64_t i;
    const void *p;
    size_t len;
} value;

/* "INSERT INTO t (dst) VALUES (?, …), (?, …) …" for rows rows of n columns. */
static const char *insert_sql(const char *t, const char *dst, size_t n, size_t rows, arena *a)
{
    size_t cap = strlen(t) + strlen(dst) + 32 + rows * (3 * n + 4), len = 0;
    char *sql = arena_alloc(a, cap);
    len += (size_t)snprintf(sql, cap, "INSERT INTO %s (%s) VALUES ", t, dst);
    for (size_t r = 0; r < rows; r++) {
        sql[len++] = r ? ',' : ' ';
        sql[len++] = '(';
        for (size_t i = 0; i < n; i++) {
            if (i) sql[len++] = ',';
            sql[len++] = '?';
        }
        sql[len++] = ')';
    }
    sql[len] = '\0';
    return sql;
}

/* Inserts the rows rows of v (n values each) with one statement: a round trip and a statement
 * per row made the copy of a 1M-ticket store take most of an hour. */
static status insert_rows(db *to, const char *t, const char *dst, size_t n, const value *v,
                          size_t rows, arena *a)
{
    db_stmt *w = db_prepare(to, insert_sql(t, dst, n, rows, a));
    if (!w) return ST_INTERNAL;
    for (size_t k = 0; k < rows * n; k++) {
        int i = (int)k + 1;
        switch (v[k].kind) {
        case V_NULL:
            db_bind_null(w, i);
            break;
        case V_INT:
            db_bind_int(w, i, v[k].i);
            break;
        case V_BLOB:
            db_bind_blob(w, i, v[k].p, v[k].len);
            break;
        case V_TEXT:
            db_bind_text(w, i, v[k].p);
            break;
        }
    }
    return run_done(w);
}

/* Row r's value of column k, copied into the batch's arena. */
static value read_value(db_stmt *r, int k, const column *col, arena *a)
{
    if (db_col_null(r, k)) return (value){.kind = V_NULL};
    if (!strcmp(col->type, "bigint") || !strcmp(col->type, "integer"))
        return (value){.kind = V_INT, .i = db_col_int(r, k)};
    if (!strcmp(col->type, "bytea")) {
        size_t len;
        const void *p = db_col_blob(r, k, &len);
        void *copy = arena_alloc(a, len ? len : 1);
        if (len) memcpy(copy, p, len);
        return (value){.kind = V_BLOB, .p = copy, .len = len};
    }
    return (value){.kind = V_TEXT, .p = arena_strdup(a, db_col_text(r, k))};
}

static status copy_table(db *from, db *to, const char *t, arena *a, int64_t *copied, diag *d)
{
    column *cols = NULL;
    size_t n = 0;
    status st = columns_of(to, t, a, &cols, &n);
    if (st || !n) return st ? st : diag_set(d, ST_INTERNAL, t, "has no columns");
    bool fts = !strcmp(t, "ticket_fts");
    char *src = "", *dst = "";
    for (size_t i = 0; i < n; i++) {
        const char *sep = i ? ", " : "";
        const char *name = fts && !strcmp(cols[i].name, "ticket_id") ? "rowid" : cols[i].name;
        src = arena_printf(a, "%s%s%s", src, sep, name);
        dst = arena_printf(a, "%s%s%s", dst, sep, cols[i].name);
    }
    db_stmt *r = db_prepare(from, arena_printf(a, "SELECT %s FROM %s", src, t));
    if (!r) return diag_set(d, ST_INTERNAL, t, "cannot be read from the SQLite store");
    /* PostgreSQL takes at most 65535 parameters per statement. */
    size_t per = LIMIT_COPY_BATCH * n > 65535 ? 65535 / n : LIMIT_COPY_BATCH;
    value *v = ARENA_ARRAY(a, value, per * n);
    arena *batch = arena_new(64 * 1024);
    size_t rows = 0;
    int rc;
    *copied = 0;
    while (!st && (rc = db_step(r)) == DB_ROW) {
        for (size_t i = 0; i < n; i++)
            v[rows * n + i] = read_value(r, (int)i, &cols[i], batch);
        if (++rows == per) {
            st = insert_rows(to, t, dst, n, v, rows, batch);
            *copied += (int64_t)rows;
            rows = 0;
            arena_free(batch);
            batch = arena_new(64 * 1024);
        }
    }
    db_reset(r);
    if (!st && rc < 0) st = step_status(rc);
    if (!st && rows) {
        st = insert_rows(to, t, dst, n, v, rows, batch);
        *copied += (int64_t)rows;
    }
    arena_free(batch);
    bool has_id = false;
    for (size_t i = 0; i < n; i++)
        has_id |= !strcmp(cols[i].name, "id");
    if (!st && has_id) /* new rows' identities continue after the copied ones */
        st = db_exec(to, arena_printf(a,
                                      "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
                                      "coalesce(max(id), 0) + 1, false) FROM %s",
                                      t, t));
    return st ? diag_set(d, st, t, "could not be copied (row %lld)", (long long)*copied) : ST_OK;
}

status store_copy(db *from, db *to, FILE *out, diag *d)
{
    if (from->drv != &db_sqlite_driver || to->drv != &db_pg_driver)
        return diag_set(d, ST_INVALID, "to", "copy goes from an SQLite store to PostgreSQL");
    if (store_schema_version(from) != store_schema_version(to))
        return diag_set(d, ST_INVALID, "to", "is at another schema version");
    arena *a = arena_new(64 * 1024);
    int64_t have = 0;
    status st = count_rows(to, "workspaces", a, &have);
    if (!st && have)
        st = diag_set(d, ST_INVALID, "to",
                      "already holds workspaces: copy needs an "
                      "empty store");
    char **tables = NULL;
    size_t n = 0, cap = 0;
    db_stmt *s = st ? NULL
                    : db_prepare(to, "SELECT table_name FROM information_schema.tables WHERE "
                                     "table_schema = current_schema() AND table_type = 'BASE "
                                     "TABLE' AND table_name <> 'schema_version' ORDER BY 1");
    int rc = DB_DONE;
    while (s && (rc = db_step(s)) == DB_ROW) {
        tables = arena_grow(a, tables, &cap, n, sizeof *tables);
        tables[n++] = col_str(s, 0, a);
    }
    if (s) db_reset(s);
    if (!st && rc < 0) st = step_status(rc);
    /* One transaction on each side: a snapshot of the source, all or nothing on the target. */
    if (!st) st = store_begin_read(from);
    if (!st) st = db_begin(to);
    if (!st) st = db_exec(to, "SET LOCAL session_replication_role = replica; DELETE FROM settings");
    if (st && !d->msg[0])
        diag_set(d, st, "to", "cannot start the copy (a superuser role is needed)");
    for (size_t i = 0; !st && i < n; i++) {
        int64_t copied = 0, src_n = 0, dst_n = 0;
        st = copy_table(from, to, tables[i], a, &copied, d);
        if (!st) st = count_rows(from, tables[i], a, &src_n);
        if (!st) st = count_rows(to, tables[i], a, &dst_n);
        if (!st && src_n != dst_n)
            st = diag_set(d, ST_INTERNAL, tables[i], "has %lld rows in SQLite, %lld copied",
                          (long long)src_n, (long long)dst_n);
        if (!st) fprintf(out, "%-24s %lld rows\n", tables[i], (long long)dst_n);
    }
    if (!st) st = db_commit(to);
    if (st) db_rollback(to);
    db_rollback(from);
    if (st && !d->msg[0]) diag_set(d, st, "", "the copy failed; nothing was written");
    arena_free(a);
    return st;
}
