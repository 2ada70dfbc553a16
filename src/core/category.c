/* Ticket categories; see category.h. Writes run in one transaction with their lists. */
#include "core/category.h"

#include <string.h>

#include "core/people.h"
#include "store/store.h"
#include "util/limits.h"

static status apply(core_ctx *cx, const category_in *in, category_row *r)
{
    diag *d = cx->d;
    status st = check_text(d, "title", in->title.v, true, LIMIT_NAME_CHARS);
    if (!st) st = check_language(d, "language", in->language.v, true);
    if (!st) st = check_text(d, "automated_reply", in->auto_reply.v, false, LIMIT_TEXT_CHARS);
    if (!st && in->auto_reply.v && !*in->auto_reply.v)
        st = diag_set(d, ST_INVALID, "automated_reply", "must not be empty (use null to disable)");
    if (st) return st;
    r->title = (char *)in->title.v;
    r->language = (char *)in->language.v;
    if (in->auto_reply.set) r->auto_reply = (char *)in->auto_reply.v;

    if (in->teammate_id.set) {
        r->user_id = NULL_INT;
        r->user_uuid = NULL;
        if (in->teammate_id.v) {
            user_row u;
            char uuid[UUID_STR_LEN + 1];
            if ((st = check_uuid(d, "teammate_id", in->teammate_id.v, uuid))) return st;
            st = store_user_get(cx->db, cx->ws, uuid, cx->a, &u);
            if (st == ST_NOT_FOUND) return diag_set(d, st, "teammate_id", "not found");
            if (st) return st;
            r->user_id = u.id;
            r->user_uuid = arena_strdup(cx->a, u.uuid);
        }
    }
    if (in->subcategories.set) {
        if (in->subcategories.n > LIMIT_ARRAY_ITEMS)
            return diag_set(d, ST_INVALID, "subcategories", "must have at most %d items",
                            LIMIT_ARRAY_ITEMS);
        for (size_t i = 0; i < in->subcategories.n; i++)
            if ((st = check_text(d, "subcategories", in->subcategories.v[i], true,
                                 LIMIT_NAME_CHARS)))
                return st;
        r->subcategories = (char **)in->subcategories.v;
        r->n_subcategories = in->subcategories.n;
    }
    if (in->plans.set) {
        if (in->plans.n > LIMIT_ARRAY_ITEMS)
            return diag_set(d, ST_INVALID, "billing_plans", "must have at most %d items",
                            LIMIT_ARRAY_ITEMS);
        r->plan_ids = ARENA_ARRAY(cx->a, int64_t, in->plans.n + 1);
        r->plan_uuids = ARENA_ARRAY(cx->a, char *, in->plans.n + 1);
        r->n_plans = 0;
        for (size_t i = 0; i < in->plans.n; i++) {
            plan_row p;
            if ((st = plan_resolve(cx, "billing_plans", in->plans.v[i], &p))) return st;
            bool dup = false;
            for (size_t k = 0; k < r->n_plans; k++)
                dup |= r->plan_ids[k] == p.id;
            if (dup) continue;
            r->plan_ids[r->n_plans] = p.id;
            r->plan_uuids[r->n_plans++] = arena_strdup(cx->a, p.uuid);
        }
    }
    r->updated_at = cx->now;
    return ST_OK;
}

static status do_create(core_ctx *cx, void *p)
{
    write_arg *w = p;
    category_row *r = w->out;
    memset(r, 0, sizeof *r);
    uuid_v4(r->uuid);
    r->user_id = NULL_INT;
    r->created_at = cx->now;
    status st = apply(cx, w->in, r);
    return st ? st : store_category_insert(cx->db, cx->ws, r);
}

CORE_WRITE(category_create(core_ctx *cx, const category_in *in, category_row *out), do_create, NULL,
           in, out)

status category_get(core_ctx *cx, const char *id, category_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (st) return st;
    return path_found(cx->d, "ticket_category",
                      store_category_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_update(core_ctx *cx, void *p)
{
    write_arg *w = p;
    status st = category_get(cx, w->id, w->out);
    if (!st) st = apply(cx, w->in, w->out);
    return st ? st : store_category_update(cx->db, cx->ws, w->out);
}

CORE_WRITE(category_update(core_ctx *cx, const char *id, const category_in *in, category_row *out),
           do_update, id, in, out)

static status do_delete(core_ctx *cx, void *p)
{
    write_arg *w = p;
    category_row *r = w->out;
    status st = category_get(cx, w->id, r);
    return st ? st : store_category_delete(cx->db, cx->ws, r->id, cx->now);
}

status category_delete(core_ctx *cx, const char *id)
{
    category_row r;
    write_arg w = {id, NULL, &r};
    return core_txn(cx, do_delete, &w);
}

status category_list(core_ctx *cx, const list_in *in, category_row **rows, size_t *n,
                     int64_t *total)
{
    list_page pg = core_page(in);
    return store_category_list(cx->db, cx->ws, &pg, cx->a, rows, n, total);
}

bool category_allows_plan(const category_row *c, int64_t plan_id)
{
    if (c->n_plans == 0 || plan_id == NULL_INT) return true;
    for (size_t i = 0; i < c->n_plans; i++)
        if (c->plan_ids[i] == plan_id) return true;
    return false;
}
