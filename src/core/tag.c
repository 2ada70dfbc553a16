/* Ticketing teams and tags; see tag.h. */
#include "core/tag.h"

#include <string.h>

#include "core/ticket.h"
#include "store/store.h"
#include "util/limits.h"

static const char *const tag_colors[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL};

/* ---- teams ---- */

static status check_team(core_ctx *cx, const team_in *in, bool create)
{
    status st = ST_OK;
    if (create || in->name.set) st = check_text(cx->d, "name", in->name.v, true, LIMIT_NAME_CHARS);
    if (!st) st = check_text(cx->d, "description", in->description.v, false, LIMIT_TEXT_CHARS);
    if (!st) st = check_text(cx->d, "picture", in->picture.v, false, LIMIT_TEXT_CHARS);
    return st;
}

static void apply_team(core_ctx *cx, const team_in *in, team_row *r)
{
    if (in->name.set) r->name = (char *)in->name.v;
    if (in->description.set) r->description = (char *)in->description.v;
    if (in->picture.set) r->picture = (char *)in->picture.v;
    r->updated_at = cx->now;
}

static status do_team_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    team_row *r = w->out;
    status st = check_team(cx, w->in, true);
    if (st) return st;
    memset(r, 0, sizeof *r);
    uuid_v4(r->uuid);
    r->created_at = cx->now;
    apply_team(cx, w->in, r);
    return store_team_insert(cx->db, cx->ws, r);
}

status team_get(core_ctx *cx, const char *id, team_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    return st ? st
              : path_found(cx->d, "ticketing team",
                           store_team_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_team_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    status st = team_get(cx, w->id, w->out);
    if (!st) st = check_team(cx, w->in, false);
    if (st) return st;
    apply_team(cx, w->in, w->out);
    return store_team_update(cx->db, cx->ws, w->out);
}

static status do_team_remove(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    team_row r;
    status st = team_get(cx, w->id, &r);
    if (st) return st;
    r.is_removed = true;
    r.updated_at = cx->now;
    return store_team_update(cx->db, cx->ws, &r);
}

status team_list(core_ctx *cx, const list_in *in, team_row **rows, size_t *n)
{
    list_page pg = core_page(in);
    return store_team_list(cx->db, cx->ws, &pg, cx->a, rows, n);
}

/* ---- tags ---- */

static status check_tag(core_ctx *cx, const tag_in *in, bool create)
{
    diag *d = cx->d;
    status st = ST_OK;
    if (create || in->name.set) st = check_text(d, "name", in->name.v, true, LIMIT_NAME_CHARS);
    if (!st && (create || in->description.set))
        st = in->description.v
                 ? check_text(d, "description", in->description.v, false, LIMIT_TEXT_CHARS)
                 : diag_set(d, ST_INVALID, "description", "is required");
    if (!st && (create || in->color.set)) st = check_enum(d, "color", in->color.v, tag_colors);
    return st;
}

static void apply_tag(core_ctx *cx, const tag_in *in, tag_row *r)
{
    if (in->name.set) r->name = (char *)in->name.v;
    if (in->description.set) r->description = (char *)in->description.v;
    if (in->color.set) r->color = (char *)in->color.v;
    r->updated_at = cx->now;
}

static status do_tag_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    tag_row *r = w->out;
    status st = check_tag(cx, w->in, true);
    if (st) return st;
    memset(r, 0, sizeof *r);
    uuid_v4(r->uuid);
    r->created_at = cx->now;
    apply_tag(cx, w->in, r);
    return store_tag_insert(cx->db, cx->ws, r);
}

status tag_get(core_ctx *cx, const char *id, tag_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    return st ? st : path_found(cx->d, "tag", store_tag_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_tag_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    status st = tag_get(cx, w->id, w->out);
    if (!st) st = check_tag(cx, w->in, false);
    if (st) return st;
    apply_tag(cx, w->in, w->out);
    return store_tag_update(cx->db, cx->ws, w->out);
}

static status do_tag_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    tag_row r;
    status st = tag_get(cx, w->id, &r);
    return st ? st : store_tag_delete(cx->db, cx->ws, r.id);
}

status tag_list(core_ctx *cx, const list_in *in, tag_row **rows, size_t *n)
{
    list_page pg = core_page(in);
    return store_tag_list(cx->db, cx->ws, &pg, cx->a, rows, n);
}

/* ---- tags on tickets ---- */

struct link_arg {
    const char *ticket_id, *tag_id;
    ticket_tag_row *out;
    bool body_tag; /* the tag id comes from the body (add) or the path (remove) */
};

static status load_link(core_ctx *cx, struct link_arg *l, ticket_row *t, tag_row *g)
{
    char uuid[UUID_STR_LEN + 1];
    status st = ticket_get_row(cx, l->ticket_id, t);
    if (st) return st;
    const char *field = l->body_tag ? "tagId" : "id";
    if ((st = check_uuid(cx->d, field, l->tag_id, uuid))) return st;
    st = store_tag_get(cx->db, cx->ws, uuid, cx->a, g);
    if (st == ST_NOT_FOUND)
        return l->body_tag ? body_found(cx->d, "tagId", st) : path_found(cx->d, "tag", st);
    return st;
}

static status do_tag_link(core_ctx *cx, void *arg)
{
    struct link_arg *l = arg;
    ticket_row t;
    tag_row g;
    status st = load_link(cx, l, &t, &g);
    if (st) return st;
    if (l->body_tag) {
        memcpy(l->out->ticket_uuid, t.uuid, sizeof t.uuid);
        memcpy(l->out->tag_uuid, g.uuid, sizeof g.uuid);
        st = store_ticket_tag_add(cx->db, t.id, g.id, cx->now, l->out);
        if (st || l->out->created_at != cx->now) return st; /* already attached: no change */
    } else {
        st = store_ticket_tag_remove(cx->db, t.id, g.id);
        if (st == ST_NOT_FOUND) return diag_set(cx->d, st, "tag", "is not on the ticket");
        if (st) return st;
    }
    evdata e;
    ev_init(&e);
    ticket_ev_str(&e, TF_TAG_ID, l->body_tag ? NULL : g.uuid, l->body_tag ? g.uuid : NULL);
    ticket_ev_str(&e, TF_TAG, l->body_tag ? NULL : g.name, l->body_tag ? g.name : NULL);
    return ev_commit(cx, t.id, l->body_tag ? "tag.added" : "tag.removed", &e);
}

status ticket_tag_add(core_ctx *cx, const char *ticket_id, const char *tag_id, ticket_tag_row *out)
{
    struct link_arg l = {ticket_id, tag_id, out, true};
    return core_txn(cx, do_tag_link, &l);
}

status ticket_tag_remove(core_ctx *cx, const char *ticket_id, const char *tag_id)
{
    ticket_tag_row unused;
    struct link_arg l = {ticket_id, tag_id, &unused, false};
    return core_txn(cx, do_tag_link, &l);
}

/* ---- the public writes: each one transaction ---- */

CORE_WRITE(team_create(core_ctx *cx, const team_in *in, team_row *out), do_team_create, NULL, in,
           out)
CORE_WRITE(team_update(core_ctx *cx, const char *id, const team_in *in, team_row *out),
           do_team_update, id, in, out)
CORE_WRITE(team_remove(core_ctx *cx, const char *id), do_team_remove, id, NULL, NULL)
CORE_WRITE(tag_create(core_ctx *cx, const tag_in *in, tag_row *out), do_tag_create, NULL, in, out)
CORE_WRITE(tag_update(core_ctx *cx, const char *id, const tag_in *in, tag_row *out), do_tag_update,
           id, in, out)
CORE_WRITE(tag_delete(core_ctx *cx, const char *id), do_tag_delete, id, NULL, NULL)
