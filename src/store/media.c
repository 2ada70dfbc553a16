/* SQL for medias: a ticket's files, each an asset plus the ticket, source, tags and uploader;
 * their list with its filters, and the count per ticket. */

#include "store/sql.h"

status store_media_counts(db *c, const ticket_row *t, size_t n, arena *a, int64_t **counts)
{
    *counts = ARENA_ARRAY(a, int64_t, n + 1);
    for (size_t i = 0; i < n; i++) {
        int64_t k;
        status st = count_refs(c, "SELECT count(*) FROM medias WHERE ticket_id = ?1 AND ?2 = ?2", 0,
                               t[i].id, &k);
        if (st) return st;
        (*counts)[i] = k;
    }
    return ST_OK;
}

status store_media_insert(db *c, int64_t ws, media_row *m)
{
    db_stmt *s = db_prepare(c, "INSERT INTO medias (uuid, workspace_id, ticket_id, asset_id, "
                               "title, source, status, tags, user_id, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, m->uuid);
    db_bind_int(s, 2, ws);
    db_bind_int(s, 3, m->ticket_id);
    db_bind_int(s, 4, m->asset_id);
    db_bind_text(s, 5, m->title);
    db_bind_text(s, 6, m->source);
    db_bind_text(s, 7, m->status);
    db_bind_text(s, 8, m->tags ? m->tags : "");
    bind_int_null(s, 9, m->user_id);
    db_bind_int(s, 10, m->created_at);
    db_bind_int(s, 11, m->updated_at);
    return run_insert(s, &m->id);
}

#define MEDIA_COLS                                                                                 \
    "m.id, m.uuid, m.ticket_id, m.asset_id, m.user_id, m.title, m.source, m.status, m.tags, "      \
    "u.uuid, m.created_at, m.updated_at, " ASSET_COLS
#define MEDIA_FROM                                                                                 \
    "medias m JOIN assets a ON a.id = m.asset_id LEFT JOIN users u ON u.id = m.user_id"

static void read_media(db_stmt *s, arena *a, void *row)
{
    media_row *m = row;
    m->id = db_col_int(s, 0);
    col_uuid(s, 1, m->uuid);
    m->ticket_id = db_col_int(s, 2);
    m->asset_id = db_col_int(s, 3);
    m->user_id = col_int_null(s, 4);
    m->title = col_str(s, 5, a);
    m->source = col_str(s, 6, a);
    m->status = col_str(s, 7, a);
    m->tags = col_str(s, 8, a);
    m->user_uuid = col_str(s, 9, a);
    m->created_at = db_col_int(s, 10);
    m->updated_at = db_col_int(s, 11);
    store_read_asset(s, 12, a, &m->asset);
}

status store_media_list(db *c, int64_t ws, int64_t ticket_id, const media_filter *f, arena *a,
                        media_row **rows, size_t *n, int64_t *total)
{
    qb q;
    qb_init(&q, "m.workspace_id = ? AND m.ticket_id = ?");
    qb_int(&q, ws);
    qb_int(&q, ticket_id);
    if (f->since != NULL_INT) qb_and(&q, "m.created_at >= ?"), qb_int(&q, f->since);
    if (f->until != NULL_INT) qb_and(&q, "m.created_at <= ?"), qb_int(&q, f->until);
    if (f->user_id != NULL_INT) qb_and(&q, "m.user_id = ?"), qb_int(&q, f->user_id);
    if (f->status) /* a comma-separated list */
        qb_and(&q, "instr(',' || ? || ',', ',' || m.status || ',') > 0"), qb_text(&q, f->status);
    if (f->source) qb_and(&q, "m.source = ?"), qb_text(&q, f->source);
    if (f->media_type) qb_and(&q, "a.type = ?"), qb_text(&q, f->media_type);
    if (f->tag) {
        /* instr, not LIKE: the user's % and _ are plain characters. */
        qb_and(&q, "instr(m.tags, ',' || ? || ',') > 0");
        qb_text(&q, f->tag);
    }
    if (f->search) {
        qb_and(&q, "(instr(lower(m.title), lower(?)) > 0 OR instr(lower(a.filename), lower(?)) > "
                   "0)");
        qb_text(&q, f->search);
        qb_text(&q, f->search);
    }
    list_page pg = {.offset = f->offset,
                    .limit = f->limit,
                    .desc = f->desc,
                    .from_s = NULL_INT,
                    .to_s = NULL_INT};
    status st = list_run(c, MEDIA_COLS, MEDIA_FROM, MEDIA_FROM, &q, &pg,
                         f->by_title ? "m.title" : "m.created_at", "m.uuid", "m.created_at", a,
                         sizeof(media_row), read_media, (void **)rows, n, total);
    for (size_t i = 0; !st && i < *n; i++)
        st = store_asset_load_thumbs(c, &(*rows)[i].asset, a);
    return st;
}
