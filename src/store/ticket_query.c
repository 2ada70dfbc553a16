/* SQL for the ticket query: tickets filtered by creation and schedule bounds, assignee, team,
 * client, reference, type (or category title), service key and full text, ordered by creation,
 * start or title, paged by offset. Ticket rows are read with the same columns as everywhere
 * (ticket.c's TICKET_COLS through store_ticket_cols). */

#include "store/sql.h"

status store_ticket_query(db *c, int64_t ws, const ticket_query *f, arena *a, ticket_row **rows,
                          size_t *n, int64_t *total)
{
    qb q;
    qb_init(&q, "t.workspace_id = ? AND t.deleted_at IS NULL");
    qb_int(&q, ws);
    static const struct {
        const char *cond;
        size_t off;
    } ints[] = {
        {"t.created_at >= ?", offsetof(ticket_query, since)},
        {"t.created_at <= ?", offsetof(ticket_query, until)},
        {"t.start_date >= ?", offsetof(ticket_query, started_after)},
        {"t.start_date + coalesce(t.duration, 0) * 60000 <= ?",
         offsetof(ticket_query, ended_before)},
        {"t.user_id = ?", offsetof(ticket_query, user_id)},
        {"t.team_id = ?", offsetof(ticket_query, team_id)},
        {"t.contact_id = ?", offsetof(ticket_query, contact_id)},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int64_t v = *(const int64_t *)((const char *)f + ints[i].off);
        if (v == NULL_INT) continue;
        qb_and(&q, ints[i].cond);
        qb_int(&q, v);
    }
    static const struct {
        const char *cond;
        size_t off;
    } texts[] = {
        {"t.reference = ?", offsetof(ticket_query, reference)},
        /* A ticket without a type of its own shows its category's title as one. */
        {"coalesce(t.type, (SELECT k.title FROM categories k WHERE k.id = t.category_id)) = ?",
         offsetof(ticket_query, type)},
        {"t.service_key = ?", offsetof(ticket_query, service_key)},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *v = *(const char *const *)((const char *)f + texts[i].off);
        if (!v) continue;
        qb_and(&q, texts[i].cond);
        qb_text(&q, v);
    }
    if (f->match) {
        qb_and(&q, sql_fts_ids(c, "t.id", a));
        qb_text(&q, sql_fts_terms(c, f->match, a));
    }
    /* Start time: scheduled calls first either way (no start_date last), then creation. */
    const char *sort = f->order == TICKET_ORDER_TITLE     ? "t.title"
                       : f->order == TICKET_ORDER_CREATED ? "t.created_at"
                       : f->desc ? "coalesce(t.start_date, -1) DESC, t.created_at"
                                 : "coalesce(t.start_date, 9223372036854775807), t.created_at";
    list_page pg = {.offset = f->offset,
                    .limit = f->limit,
                    .desc = f->desc,
                    .from_s = NULL_INT,
                    .to_s = NULL_INT};
    return list_run(c, store_ticket_cols, store_ticket_from, "tickets t", &q, &pg, sort, "t.uuid",
                    "t.created_at", a, sizeof(ticket_row), store_read_ticket, (void **)rows, n,
                    total);
}
