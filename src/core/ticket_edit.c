/* Tickets as /ticketd/v1 works them; see ticket_edit.h. The list resolves its filters to row
 * ids and reads a keyset page (store_ticket_page); the writes validate every field before
 * writing anything, then go through the same building blocks as the other dialects
 * (ticket_enter_state, ticket_set_user, ticket_add_reply, chat_auto, the tag links), so they
 * record the same events. If-Match is compared under the ticket's row lock (store_ticket_lock)
 * inside the write's transaction. Called by api/native_ticket.c. */
#include "core/ticket_edit.h"

#include <string.h>

#include "core/category.h"
#include "core/chat.h"
#include "core/policy.h"
#include "core/ticket.h"
#include "store/store.h"
#include "util/limits.h"

/* ---- reading ---- */

/* Reads ticket uuid again (after a write: the version and the joined names as stored) with
 * its tags. */
static status reload(core_ctx *cx, const char *uuid, ticket_row *out)
{
    status st = path_found(cx->d, "ticket", store_ticket_get(cx->db, cx->ws, uuid, cx->a, out));
    return st ? st : store_ticket_load_tags(cx->db, out, 1, cx->a);
}

status ticket_fetch(core_ctx *cx, const char *id, ticket_row *out)
{
    status st = ticket_load(cx, "id", id, out);
    return st ? st : store_ticket_load_tags(cx->db, out, 1, cx->a);
}

/* The row ids of a filter's uuids (`field` in errors); unknown ones match nothing. *none: the
 * filter had values and none of them names anything. */
typedef status (*id_lookup)(core_ctx *cx, const char *uuid, int64_t *id);

static status look_team(core_ctx *cx, const char *uuid, int64_t *id)
{
    team_row r;
    status st = store_team_get(cx->db, cx->ws, uuid, cx->a, &r);
    if (!st) *id = r.id;
    return st;
}

static status look_category(core_ctx *cx, const char *uuid, int64_t *id)
{
    category_row r;
    status st = store_category_get(cx->db, cx->ws, uuid, cx->a, &r);
    if (!st) *id = r.id;
    return st;
}

static status look_client(core_ctx *cx, const char *uuid, int64_t *id)
{
    contact_row r;
    status st = store_contact_get(cx->db, cx->ws, uuid, cx->a, &r);
    if (!st) *id = r.id;
    return st;
}

static status look_tag(core_ctx *cx, const char *uuid, int64_t *id)
{
    return store_ref_id(cx->db, cx->ws, REF_TAG, uuid, id);
}

static status resolve(core_ctx *cx, const char *field, const uuid_list *in, id_lookup look,
                      id_set *out, bool *none)
{
    int64_t *ids = ARENA_ARRAY(cx->a, int64_t, in->n + 1);
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++) {
        char uuid[UUID_STR_LEN + 1];
        status st = check_uuid(cx->d, field, in->v[i], uuid);
        if (!st) st = look(cx, uuid, &ids[n]);
        if (st == ST_NOT_FOUND) continue;
        if (st) return st;
        bool dup = false;
        for (size_t k = 0; k < n; k++)
            dup |= ids[k] == ids[n];
        n += !dup;
    }
    *out = (id_set){ids, n};
    if (in->n && !n) *none = true;
    return ST_OK;
}

/* assignee=: teammate uuids, `me` and `none`, held to the list rule of the policy. */
static status resolve_assignees(core_ctx *cx, const uuid_list *in, ticket_page_filter *f,
                                bool *none)
{
    int64_t *ids = ARENA_ARRAY(cx->a, int64_t, in->n + 1);
    size_t n = 0;
    bool named = false; /* a teammate (or me) was asked for */
    for (size_t i = 0; i < in->n; i++) {
        int64_t id;
        if (!strcmp(in->v[i], "none")) {
            f->unassigned = true;
            continue;
        }
        named = true;
        if (!strcmp(in->v[i], "me")) {
            id = cx->user_id ? cx->user_id : -1; /* a workspace key is nobody's */
        } else {
            char uuid[UUID_STR_LEN + 1];
            status st = check_uuid(cx->d, "assignee", in->v[i], uuid);
            if (st) {
                diag_set(cx->d, ST_INVALID, "assignee", "must be me, none or teammate ids");
                return st;
            }
            st = store_ref_id(cx->db, cx->ws, REF_USER, uuid, &id);
            if (st == ST_NOT_FOUND)
                id = -1; /* matches nothing (an agent: someone else) */
            else if (st)
                return st;
        }
        /* An agent may name only itself (and none); nothing named is its own list. */
        if ((id != -1 || !core_is_admin(cx)) &&
            policy_list_user(cx, "assignee", false, &id) != ST_OK)
            return ST_FORBIDDEN;
        ids[n++] = id;
    }
    if (!named && !f->unassigned && !core_is_admin(cx)) {
        int64_t self = NULL_INT;
        status st = policy_list_user(cx, "assignee", false, &self);
        if (st) return st;
        ids[n++] = self;
        named = true;
    }
    size_t kept = 0; /* -1 matches nothing */
    for (size_t i = 0; i < n; i++)
        if (ids[i] != -1) ids[kept++] = ids[i];
    f->users = (id_set){ids, kept};
    if (named && !kept && !f->unassigned) *none = true;
    return ST_OK;
}

status ticket_find(core_ctx *cx, const ticket_find_in *in, ticket_row **rows, size_t *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    if (in->limit < 1 || in->limit > LIMIT_PAGE_SIZE)
        return diag_set(cx->d, ST_INVALID, "limit", "must be an integer from 1 to %d",
                        LIMIT_PAGE_SIZE);
    ticket_page_filter f = {
        .sort = in->sort,
        .limit = in->limit,
        .after = in->after,
        .after_key = in->after_key,
        .after_id = in->after_id,
        .states = in->states,
        .n_states = in->n_states,
        .created_from = in->created_from,
        .created_to = in->created_to,
        .updated_from = in->updated_from,
        .updated_to = in->updated_to,
    };
    for (size_t i = 0; i < in->n_states; i++)
        if (state_parse(in->states[i]) < 0)
            return diag_set(cx->d, ST_INVALID, "state",
                            "must be among new, open, invited, inprogress, done, closed, "
                            "rejected, declined, expired, cancelled");
    bool none = false;
    status st = resolve_assignees(cx, &in->assignees, &f, &none);
    if (!st) st = resolve(cx, "team", &in->teams, look_team, &f.teams, &none);
    if (!st) st = resolve(cx, "category", &in->categories, look_category, &f.categories, &none);
    if (!st) st = resolve(cx, "client", &in->clients, look_client, &f.contacts, &none);
    if (!st) st = resolve(cx, "tag", &in->tags, look_tag, &f.tags, &none);
    if (!st && in->q) {
        st = check_text(cx->d, "q", in->q, false, LIMIT_NAME_CHARS);
        f.match = store_fts_query(in->q, cx->a); /* no word in it: no search */
    }
    if (st || none) return st;
    if ((st = store_ticket_page(cx->db, cx->ws, &f, cx->a, rows, n))) return st;
    if ((int64_t)*n > in->limit) {
        *n = (size_t)in->limit;
        *more = true;
    }
    return store_ticket_load_tags(cx->db, *rows, *n, cx->a);
}

status ticket_views(core_ctx *cx, ticket_views_out *out)
{
    ticket_counts_row r;
    status st = store_ticket_counts(cx->db, cx->ws, cx->user_id ? cx->user_id : NULL_INT, &r);
    if (st) return st;
    *out = (ticket_views_out){
        .mine_open = r.mine_open,
        .unassigned_open = r.unassigned_open,
        .open = r.open,
        .closed = r.closed,
    };
    if (!core_is_admin(cx)) { /* what the agent may work on: its own and unassigned tickets */
        out->open = r.mine_open + r.unassigned_open;
        out->closed = r.mine_closed + r.unassigned_closed;
    }
    return ST_OK;
}

/* ---- validation shared by create and update ---- */

static status find_user(core_ctx *cx, const char *field, const char *id, user_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, field, id, uuid);
    return st ? st : body_found(cx->d, field, store_user_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status find_team(core_ctx *cx, const char *id, team_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "team", id, uuid);
    return st ? st : body_found(cx->d, "team", store_team_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status find_category(core_ctx *cx, const char *id, category_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "category", id, uuid);
    return st ? st
              : body_found(cx->d, "category", store_category_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status parse_state(core_ctx *cx, const char *v, ticket_state *out)
{
    int s = state_parse(v);
    if (s < 0)
        return diag_set(cx->d, ST_INVALID, "state",
                        "must be one of new, open, invited, inprogress, done, closed, rejected, "
                        "declined, expired, cancelled");
    *out = (ticket_state)s;
    return ST_OK;
}

static bool has_subcategory(const category_row *c, const char *name)
{
    for (size_t i = 0; c && name && i < c->n_subcategories; i++)
        if (!strcmp(c->subcategories[i], name)) return true;
    return false;
}

/* A category on a ticket of client plan_id (NULL_INT: none), with subcategory (or NULL). */
static status check_category(core_ctx *cx, const category_row *c, const char *subcategory,
                             int64_t plan_id)
{
    if (subcategory && !c) return diag_set(cx->d, ST_INVALID, "subcategory", "needs a category");
    if (subcategory && !has_subcategory(c, subcategory))
        return diag_set(cx->d, ST_INVALID, "subcategory",
                        "must be one of the category's subcategories");
    if (c && !category_allows_plan(c, plan_id)) {
        cx->d->reason = REASON_PLAN_NOT_ALLOWED;
        return diag_set(cx->d, ST_INVALID, "category",
                        "is not available on the client's billing plan");
    }
    return ST_OK;
}

/* The tags a body lists: uuids of this workspace, each once. */
static status find_tags(core_ctx *cx, const opt_strs *in, tag_row **out)
{
    *out = ARENA_ARRAY(cx->a, tag_row, in->n + 1);
    if (in->n > LIMIT_PAGE_SIZE)
        return diag_set(cx->d, ST_INVALID, "tags", "must have at most %d items", LIMIT_PAGE_SIZE);
    for (size_t i = 0; i < in->n; i++) {
        char uuid[UUID_STR_LEN + 1];
        status st = check_uuid(cx->d, "tags", in->v[i], uuid);
        if (st) return st;
        for (size_t k = 0; k < i; k++)
            if (!strcmp((*out)[k].uuid, uuid))
                return diag_set(cx->d, ST_INVALID, "tags", "lists %s twice", uuid);
        st = store_tag_get(cx->db, cx->ws, uuid, cx->a, &(*out)[i]);
        if (st == ST_NOT_FOUND) {
            cx->d->reason = REASON_BODY_REF;
            return diag_set(cx->d, st, "tags", "not found: %s", uuid);
        }
        if (st) return st;
    }
    return ST_OK;
}

/* Attaches (add) or detaches tag g, recording tag.added / tag.removed as Zaia's links do. */
static status link_tag(core_ctx *cx, const ticket_row *t, const tag_row *g, bool add)
{
    status st;
    if (add) {
        ticket_tag_row l;
        st = store_ticket_tag_add(cx->db, t->id, g->id, cx->now, &l);
    } else {
        st = store_ticket_tag_remove(cx->db, t->id, g->id);
    }
    if (st) return st;
    evdata e;
    ev_init(&e);
    ticket_ev_str(&e, TF_TAG_ID, add ? NULL : g->uuid, add ? g->uuid : NULL);
    ticket_ev_str(&e, TF_TAG, add ? NULL : g->name, add ? g->name : NULL);
    return ev_commit(cx, t->id, add ? "tag.added" : "tag.removed", &e);
}

/* Locks ticket `id` and loads it (the policy's object rule applies), then holds the write to
 * its If-Match: ST_PRECONDITION_FAILED with the ticket (and tags) in *t when it fails. */
static status load_for_write(core_ctx *cx, const char *id, const ticket_precond *p, ticket_row *t)
{
    char uuid[UUID_STR_LEN + 1];
    int64_t version;
    status st = check_uuid(cx->d, "id", id, uuid);
    if (!st) st = path_found(cx->d, "ticket", store_ticket_lock(cx->db, cx->ws, uuid, &version));
    if (!st) st = ticket_load(cx, "id", id, t);
    if (st || !p->set || p->any) return st;
    for (size_t i = 0; i < p->n; i++)
        if (p->versions[i] == t->version) return ST_OK;
    if ((st = store_ticket_load_tags(cx->db, t, 1, cx->a))) return st;
    return diag_set(cx->d, ST_PRECONDITION_FAILED, "If-Match",
                    "does not match: the ticket has changed (its ETag is now \"%lld\")",
                    (long long)t->version);
}

/* ---- create ---- */

static status make_client(core_ctx *cx, const ticket_make_in *in, contact_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st;
    if (in->client_id) {
        if ((st = check_uuid(cx->d, "client", in->client_id, uuid))) return st;
        return body_found(cx->d, "client", store_contact_get(cx->db, cx->ws, uuid, cx->a, out));
    }
    if (!in->client_email) return diag_set(cx->d, ST_INVALID, "client", "is required");
    if ((st = check_email(cx->d, "client.email", in->client_email, true))) return st;
    if ((st = check_text(cx->d, "client.name", in->client_name, false, LIMIT_NAME_CHARS)))
        return st;
    st = store_contact_find(cx->db, cx->ws, in->client_email, NULL, cx->a, out);
    if (st != ST_NOT_FOUND) return st;
    /* A new client: written only once every other field has passed (make_write). */
    *out = (contact_row){.id = NULL_INT,
                         .plan_id = NULL_INT,
                         .user_id = NULL_INT,
                         .name = (char *)(in->client_name ? in->client_name : in->client_email),
                         .email = (char *)in->client_email,
                         .created_at = cx->now,
                         .updated_at = cx->now};
    uuid_v4(out->uuid);
    return ST_OK;
}

static status do_make(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    const ticket_make_in *in = w->in;
    ticket_row *t = w->out;
    diag *d = cx->d;
    contact_row client;
    category_row cat, *catp = NULL;
    user_row u;
    team_row team = {.id = NULL_INT};
    tag_row *tags;
    ticket_state state = TS_NEW;
    bool assigned = in->assignee != NULL;
    status st = check_text(d, "title", in->title, true, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "description", in->description, false, LIMIT_TEXT_CHARS);
    if (!st) st = make_client(cx, in, &client);
    if (!st && in->state) st = parse_state(cx, in->state, &state);
    if (!st && in->category && !(st = find_category(cx, in->category, &cat))) catp = &cat;
    if (!st) st = check_text(d, "subcategory", in->subcategory, false, LIMIT_NAME_CHARS);
    if (!st) st = check_category(cx, catp, in->subcategory, client.plan_id);
    if (!st && assigned) st = find_user(cx, "assignee", in->assignee, &u);
    if (!st && in->team) st = find_team(cx, in->team, &team);
    if (!st) st = check_language(d, "language", in->language, false);
    if (!st) st = find_tags(cx, &in->tags, &tags);
    if (st) return st;

    if (client.id == NULL_INT && (st = store_contact_insert(cx->db, cx->ws, &client))) return st;
    /* Every ticket has a chat: this one gets its own on the built-in channel; the description
     * opens it before the ticket exists, so the search document is written once, complete. */
    chat_row chat;
    message_row first;
    const char *desc = in->description ? in->description : "";
    if ((st = chat_auto(cx, "ticketd", &client, in->title, &chat))) return st;
    if (*desc && (st = chat_add_message(cx, chat.id, desc, true, &first))) return st;

    memset(t, 0, sizeof *t);
    t->id = chat.ticket_id; /* 0, or handed out with the chat: see store_ticket_insert */
    uuid_v4(t->uuid);
    t->title = (char *)in->title;
    t->description = (char *)desc;
    t->state = (char *)state_name(state);
    t->is_open = state_is_open(state);
    t->category_id = catp ? cat.id : NULL_INT;
    t->category_uuid = catp ? arena_strdup(cx->a, cat.uuid) : NULL;
    t->subcategory = (char *)in->subcategory;
    /* Without an assignee, the category's teammate takes it (as Tamio's create does). */
    t->user_id = assigned ? u.id : catp ? cat.user_id : NULL_INT;
    t->user_uuid = assigned ? arena_strdup(cx->a, u.uuid) : catp ? cat.user_uuid : NULL;
    t->contact_id = client.id;
    t->contact_uuid = arena_strdup(cx->a, client.uuid);
    t->chat_id = chat.id;
    t->chat_uuid = arena_strdup(cx->a, chat.uuid);
    t->team_id = team.id;
    t->team_uuid = in->team ? arena_strdup(cx->a, team.uuid) : NULL;
    t->language = (char *)(in->language ? in->language : catp ? cat.language : NULL);
    t->circumstance = "handover";
    t->ongoing_at = state == TS_INPROGRESS ? cx->now : NULL_INT;
    t->completed_at = t->is_open ? NULL_INT : cx->now;
    t->last_viewed_at = NULL_INT;
    t->start_date = t->duration = t->reminder = NULL_INT;
    t->created_at = t->updated_at = cx->now;
    if ((st = store_ticket_insert(cx->db, cx->ws, t))) return st;
    if ((st = ticket_ev_created(cx, t))) return st;
    reply_row r;
    if (*desc && (st = ticket_add_reply(cx, t, &r, desc, true, NULL_INT, NULL, 0, true))) return st;
    if (catp && cat.auto_reply &&
        (st = ticket_add_reply(cx, t, &r, cat.auto_reply, false, cat.user_id, NULL, 0, false)))
        return st;
    for (size_t i = 0; i < in->tags.n; i++)
        if ((st = link_tag(cx, t, &tags[i], true))) return st;
    char uuid[UUID_STR_LEN + 1];
    memcpy(uuid, t->uuid, sizeof uuid);
    return reload(cx, uuid, t);
}

CORE_WRITE(ticket_make(core_ctx *cx, const ticket_make_in *in, ticket_row *out), do_make, NULL, in,
           out)

/* ---- update ---- */

static status do_update(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    const ticket_patch_in *in = w->in;
    ticket_row *t = w->out;
    diag *d = cx->d;
    status st = load_for_write(cx, w->id, &in->if_match, t);
    if (st) return st;

    /* Every field is checked before anything is written. */
    ticket_state state = TS_NEW;
    category_row cat, *catp = NULL; /* the category the ticket will have */
    user_row u;
    team_row team = {.id = NULL_INT};
    tag_row *tags = NULL;
    if (in->title.set) st = check_text(d, "title", in->title.v, true, LIMIT_NAME_CHARS);
    if (!st && in->state.set) st = parse_state(cx, in->state.v, &state);
    if (!st && in->category.set && in->category.v &&
        !(st = find_category(cx, in->category.v, &cat)))
        catp = &cat;
    if (!st && !in->category.set && t->category_uuid &&
        !(st = store_category_get(cx->db, cx->ws, t->category_uuid, cx->a, &cat)))
        catp = &cat;
    if (st == ST_NOT_FOUND && !in->category.set) st = ST_OK, catp = NULL; /* a deleted one */
    const char *sub = in->subcategory.set ? in->subcategory.v : t->subcategory;
    if (!in->subcategory.set && in->category.set && !has_subcategory(catp, sub))
        sub = NULL; /* a new category drops a subcategory it does not have */
    if (!st && in->subcategory.set)
        st = check_text(d, "subcategory", in->subcategory.v, false, LIMIT_NAME_CHARS);
    if (!st && in->category.set && catp) { /* a new category: the client's plan must allow it */
        contact_row client;
        int64_t plan = NULL_INT;
        st = store_contact_get(cx->db, cx->ws, t->contact_uuid, cx->a, &client);
        if (!st) plan = client.plan_id;
        if (st == ST_NOT_FOUND) st = ST_OK; /* a platform user's stand-in: no plan */
        if (!st) st = check_category(cx, catp, in->subcategory.set ? sub : NULL, plan);
    } else if (!st && in->subcategory.set && sub) {
        st = check_category(cx, catp, sub, NULL_INT);
        if (st && cx->d->reason == REASON_PLAN_NOT_ALLOWED) st = ST_OK, cx->d->reason = 0;
    }
    if (!st && in->assignee.set && in->assignee.v)
        st = find_user(cx, "assignee", in->assignee.v, &u);
    if (!st && in->team.set && in->team.v) st = find_team(cx, in->team.v, &team);
    if (!st && in->tags.set) st = find_tags(cx, &in->tags, &tags);
    if (st) return st;

    bool changed = false, moved = false, assigned = false, retagged = false;
    evdata e;
    ev_init(&e);
    if (in->title.set && strcmp(t->title, in->title.v)) {
        ticket_ev_str(&e, TF_TITLE, t->title, in->title.v);
        t->title = (char *)in->title.v;
        changed = true;
    }
    int64_t cat_id = catp ? cat.id : NULL_INT;
    if (in->category.set && cat_id != t->category_id) {
        ticket_ev_str(&e, TF_CATEGORY, t->category_uuid, catp ? cat.uuid : NULL);
        t->category_id = cat_id;
        changed = true;
    }
    if ((sub != NULL) != (t->subcategory != NULL) || (sub && strcmp(sub, t->subcategory))) {
        ticket_ev_str(&e, TF_SUBCATEGORY, t->subcategory, sub);
        t->subcategory = (char *)sub;
        changed = true;
    }
    if (in->team.set && team.id != t->team_id) {
        ticket_ev_str(&e, TF_TEAM, t->team_uuid, in->team.v ? team.uuid : NULL);
        t->team_id = team.id;
        changed = true;
    }
    if (changed && (st = ev_commit(cx, t->id, "ticket.updated", &e))) return st;
    if (!changed) ev_discard(&e);
    if (in->assignee.set && (st = ticket_set_user(cx, t, in->assignee.v ? &u : NULL, &assigned)))
        return st;
    if (in->state.set) {
        evdata se;
        ev_init(&se);
        st = ticket_enter_state(cx, t, state, &se, &moved);
        if (!st && moved)
            st = ev_commit(cx, t->id, "ticket.state_changed", &se);
        else
            ev_discard(&se);
        if (st) return st;
    }
    if (in->tags.set) {
        if ((st = store_ticket_load_tags(cx->db, t, 1, cx->a))) return st;
        for (size_t i = 0; i < t->n_tags; i++) { /* the ones the new set leaves out go */
            bool keep = false;
            for (size_t k = 0; k < in->tags.n; k++)
                keep |= !strcmp(tags[k].uuid, t->tags[i].uuid);
            if (keep) continue;
            tag_row g;
            if ((st = store_tag_get(cx->db, cx->ws, t->tags[i].uuid, cx->a, &g)) ||
                (st = link_tag(cx, t, &g, false)))
                return st;
            retagged = true;
        }
        for (size_t k = 0; k < in->tags.n; k++) {
            bool had = false;
            for (size_t i = 0; i < t->n_tags; i++)
                had |= !strcmp(tags[k].uuid, t->tags[i].uuid);
            if (had) continue;
            if ((st = link_tag(cx, t, &tags[k], true))) return st;
            retagged = true;
        }
    }
    if (changed || moved || assigned || retagged) {
        t->updated_at = cx->now;
        if ((st = store_ticket_update(cx->db, cx->ws, t))) return st;
    }
    char uuid[UUID_STR_LEN + 1];
    memcpy(uuid, t->uuid, sizeof uuid);
    return reload(cx, uuid, t);
}

CORE_WRITE(ticket_update(core_ctx *cx, const char *id, const ticket_patch_in *in, ticket_row *out),
           do_update, id, in, out)

static status do_remove(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    ticket_row *t = w->out;
    status st = load_for_write(cx, w->id, w->in, t);
    if (!st) st = store_ticket_delete(cx->db, cx->ws, t->id, cx->now);
    if (st) return st;
    evdata e;
    ev_init(&e);
    ticket_ev_int(&e, TF_DELETED_AT, NULL_INT, cx->now);
    return ev_commit(cx, t->id, "ticket.deleted", &e);
}

CORE_WRITE(ticket_remove(core_ctx *cx, const char *id, const ticket_precond *if_match,
                         ticket_row *out),
           do_remove, id, if_match, out)
