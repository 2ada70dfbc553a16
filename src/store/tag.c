/* SQL for ticketing teams (removed softly: tickets keep showing them) and tags with their links
 * to tickets. A tag's active count is a column kept by triggers (017). */
#include <string.h>

#include "store/sql.h"

/* ---- ticketing teams ---- */

#define TEAM_COLS "id, uuid, name, description, picture, is_removed, created_at, updated_at"

static void read_team(db_stmt *s, arena *a, void *row)
{
    team_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->name = col_str(s, 2, a);
    r->description = col_str(s, 3, a);
    r->picture = col_str(s, 4, a);
    r->is_removed = db_col_int(s, 5) != 0;
    r->created_at = db_col_int(s, 6);
    r->updated_at = db_col_int(s, 7);
}

status store_team_insert(db *c, int64_t ws, team_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO teams (uuid, workspace_id, name, description, picture, "
                               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, r->name);
    db_bind_text(s, 4, r->description);
    db_bind_text(s, 5, r->picture);
    db_bind_int(s, 6, r->created_at);
    db_bind_int(s, 7, r->updated_at);
    return run_insert(s, &r->id);
}

status store_team_update(db *c, int64_t ws, const team_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE teams SET name = ?, description = ?, picture = ?, "
                               "is_removed = ?, updated_at = ? WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->name);
    db_bind_text(s, 2, r->description);
    db_bind_text(s, 3, r->picture);
    db_bind_int(s, 4, r->is_removed);
    db_bind_int(s, 5, r->updated_at);
    db_bind_int(s, 6, r->id);
    db_bind_int(s, 7, ws);
    return run_done(s);
}

status store_team_get(db *c, int64_t ws, const char *uuid, arena *a, team_row *out)
{
    return get_one(c,
                   "SELECT " TEAM_COLS " FROM teams WHERE workspace_id = ? AND uuid = ? AND "
                   "is_removed = 0",
                   ws, uuid, a, read_team, out);
}

status store_team_list(db *c, int64_t ws, const list_page *pg, arena *a, team_row **rows, size_t *n)
{
    qb q;
    qb_init(&q, "workspace_id = ? AND is_removed = 0");
    qb_int(&q, ws);
    list_page p = *pg;
    p.desc = true;
    return list_run(c, TEAM_COLS, "teams", "teams", &q, &p, "created_at", "uuid", "created_at", a,
                    sizeof(team_row), read_team, (void **)rows, n, NULL);
}

/* ---- tags ---- */

/* n_active: the tag's active tickets, kept by migration 017's triggers. */
#define TAG_COLS                                                                                   \
    "g.id, g.uuid, g.name, g.description, g.color, g.n_active, g.created_at, g.updated_at"

static void read_tag(db_stmt *s, arena *a, void *row)
{
    tag_row *r = row;
    r->id = db_col_int(s, 0);
    col_uuid(s, 1, r->uuid);
    r->name = col_str(s, 2, a);
    r->description = col_str(s, 3, a);
    r->color = col_str(s, 4, a);
    r->active = db_col_int(s, 5);
    r->created_at = db_col_int(s, 6);
    r->updated_at = db_col_int(s, 7);
}

status store_tag_insert(db *c, int64_t ws, tag_row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO tags (uuid, workspace_id, name, description, color, "
                               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->uuid);
    db_bind_int(s, 2, ws);
    db_bind_text(s, 3, r->name);
    db_bind_text(s, 4, r->description);
    db_bind_text(s, 5, r->color);
    db_bind_int(s, 6, r->created_at);
    db_bind_int(s, 7, r->updated_at);
    return run_insert(s, &r->id);
}

status store_tag_update(db *c, int64_t ws, const tag_row *r)
{
    db_stmt *s = db_prepare(c, "UPDATE tags SET name = ?, description = ?, color = ?, updated_at = "
                               "? WHERE id = ? AND workspace_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_text(s, 1, r->name);
    db_bind_text(s, 2, r->description);
    db_bind_text(s, 3, r->color);
    db_bind_int(s, 4, r->updated_at);
    db_bind_int(s, 5, r->id);
    db_bind_int(s, 6, ws);
    return run_done(s);
}

status store_tag_get(db *c, int64_t ws, const char *uuid, arena *a, tag_row *out)
{
    return get_one(c, "SELECT " TAG_COLS " FROM tags g WHERE g.workspace_id = ? AND g.uuid = ?", ws,
                   uuid, a, read_tag, out);
}

status store_tag_delete(db *c, int64_t ws, int64_t id)
{
    status st = delete_by_id(c,
                             "DELETE FROM ticket_tags WHERE tag_id = (SELECT id FROM tags WHERE "
                             "id = ?1 AND workspace_id = ?2)",
                             ws, id);
    return st ? st : delete_by_id(c, "DELETE FROM tags WHERE id = ? AND workspace_id = ?", ws, id);
}

status store_tag_list(db *c, int64_t ws, const list_page *pg, arena *a, tag_row **rows, size_t *n)
{
    qb q;
    qb_init(&q, "g.workspace_id = ?");
    qb_int(&q, ws);
    list_page p = *pg;
    p.desc = true;
    return list_run(c, TAG_COLS, "tags g", "tags g", &q, &p, "g.created_at", "g.uuid",
                    "g.created_at", a, sizeof(tag_row), read_tag, (void **)rows, n, NULL);
}

status store_ticket_tag_add(db *c, int64_t ticket_id, int64_t tag_id, int64_t now,
                            ticket_tag_row *out)
{
    db_stmt *s = db_prepare(c, "INSERT INTO ticket_tags (ticket_id, tag_id, created_at, "
                               "updated_at) VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO NOTHING");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, tag_id);
    db_bind_int(s, 3, now);
    status st = run_done(s);
    if (st) return st;
    s = db_prepare(c, "SELECT created_at, updated_at FROM ticket_tags WHERE ticket_id = ? AND "
                      "tag_id = ?");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, tag_id);
    int rc = db_step(s);
    if (rc == DB_ROW) out->created_at = db_col_int(s, 0), out->updated_at = db_col_int(s, 1);
    db_reset(s);
    return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_INTERNAL : step_status(rc);
}

status store_ticket_tag_remove(db *c, int64_t ticket_id, int64_t tag_id)
{
    db_stmt *s = db_prepare(c, "DELETE FROM ticket_tags WHERE ticket_id = ? AND tag_id = ? "
                               "RETURNING tag_id");
    if (!s) return ST_INTERNAL;
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, tag_id);
    int rc = db_step(s);
    bool removed = rc == DB_ROW;
    while (rc == DB_ROW)
        rc = db_step(s);
    db_reset(s);
    if (rc < 0) return step_status(rc);
    return removed ? ST_OK : ST_NOT_FOUND;
}
