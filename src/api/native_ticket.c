/* /ticketd/v1 tickets and views (docs/NATIVE.md "Tickets"): the Ticket representation, the
 * keyset-paged list with its opaque cursor, get with ETag / If-None-Match, create, PATCH and
 * DELETE with If-Match (412 carrying the current ticket), and the inbox counts. A translation
 * table over core/ticket_edit.h: the rules, the version check and the events live there. */
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "api/native.h"
#include "api/native_ticket.h"
#include "util/text.h"
#include "util/timeutil.h"

/* ---- the representation ---- */

static void ref_w(jw *w, const char *k, const char *id, const char *name_key, const char *name)
{
    jw_key(w, k);
    if (!id) {
        jw_null(w);
        return;
    }
    jw_obj(w);
    jw_kstr(w, "id", id);
    jw_kstr(w, name_key, name);
    jw_end_obj(w);
}

static void ticket_w(jw *w, const ticket_row *t)
{
    jw_obj(w);
    jw_kstr(w, "id", t->uuid);
    jw_kstr(w, "title", t->title);
    jw_kstr(w, "description", t->description);
    jw_kstr(w, "state", t->state);
    jw_kbool(w, "is_open", t->is_open);
    ref_w(w, "category", t->category_uuid, "title", t->category_title);
    jw_kstr(w, "subcategory", t->subcategory);
    jw_key(w, "assignee");
    if (t->user_uuid) {
        jw_obj(w);
        jw_kstr(w, "id", t->user_uuid);
        jw_kstr(w, "name", t->user_name);
        jw_kstr(w, "email", t->user_email);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    ref_w(w, "team", t->team_uuid, "name", t->team_name);
    jw_key(w, "tags");
    jw_arr(w);
    for (size_t i = 0; i < t->n_tags; i++) {
        jw_obj(w);
        jw_kstr(w, "id", t->tags[i].uuid);
        jw_kstr(w, "name", t->tags[i].name);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "client");
    jw_obj(w);
    jw_kstr(w, "id", t->contact_uuid);
    jw_kstr(w, "name", t->contact_name);
    jw_kstr(w, "email", t->contact_email);
    jw_end_obj(w);
    jw_kstr(w, "language", t->language);
    call_iso(w, "created_at", t->created_at);
    call_iso(w, "updated_at", t->updated_at);
    jw_kint(w, "version", t->version);
    jw_end_obj(w);
}

static const char *etag_of(api_call *c, const ticket_row *t)
{
    return arena_printf(c->req->a, "\"%lld\"", (long long)t->version);
}

static status ticket_answer(api_call *c, int http, const ticket_row *t)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    ticket_w(&w, t);
    call_header(c->resp, "ETag", etag_of(c, t));
    return reply_jw(c, http, &w);
}

/* A failed If-Match: the 412 problem with the ticket as it is now in `current`. */
static status precondition_failed(api_call *c, const ticket_row *t)
{
    jw w;
    char *text;
    size_t len;
    jw_init(&w, LIMIT_RESPONSE);
    ticket_w(&w, t);
    if (jw_finish(&w, &text, &len)) return diag_set(&c->d, ST_INTERNAL, "", "too large");
    native_error_current(c, ST_PRECONDITION_FAILED, arena_strdup(c->req->a, text));
    free(text);
    call_header(c->resp, "ETag", etag_of(c, t));
    return ST_OK; /* answered; nothing was written */
}

/* ---- conditional requests (RFC 9110 section 13.1) ---- */

typedef struct {
    arena *a;
    int64_t *v;
    size_t n, cap;
    bool bad;
} im_arg;

static bool im_one(void *arg, const char *tag, size_t n, bool weak)
{
    im_arg *a = arg;
    long long v;
    char digits[24];
    if (n < 3 || n - 2 >= sizeof digits) {
        a->bad = true;
        return false;
    }
    memcpy(digits, tag + 1, n - 2);
    digits[n - 2] = '\0';
    if (!text_parse_int(digits, &v) || v < 0) return true; /* not one of ours: never matches */
    if (weak) return true;                                 /* If-Match compares strongly */
    a->v = arena_grow(a->a, a->v, &a->cap, a->n, sizeof *a->v);
    a->v[a->n++] = v;
    return true;
}

/* If-Match as a ticket_precond; ST_INVALID naming If-Match when it is not a list of tags. */
status native_if_match(api_call *c, ticket_precond *out)
{
    const char *h = c->req->if_match;
    *out = (ticket_precond){0};
    if (!h) return ST_OK;
    out->set = true;
    while (*h == ' ')
        h++;
    if (!strcmp(h, "*")) {
        out->any = true;
        return ST_OK;
    }
    im_arg a = {.a = c->req->a};
    if (!call_each_etag(h, im_one, &a) || a.bad)
        return diag_set(&c->d, ST_INVALID, "If-Match", "must be * or a list of entity tags");
    out->versions = a.v;
    out->n = a.n;
    return ST_OK;
}

/* ---- the cursor: native.h's, tagged with the sort ---- */

static const char *sort_tag(api_call *c, int sort)
{
    return arena_printf(c->req->a, "s%d", sort);
}

const char *native_ticket_cursor(api_call *c, int sort, const ticket_row *last)
{
    native_pos p = {{sort == TICKET_SORT_UPDATED ? last->updated_at : last->created_at, last->id}};
    return native_cursor_make(c, sort_tag(c, sort), &p);
}

status native_ticket_cursor_read(api_call *c, const char *text, ticket_find_in *in)
{
    native_pos p;
    status st = native_cursor_read(c, sort_tag(c, in->sort), text, &p);
    if (st) return st;
    in->after = true;
    in->after_key = p.n[0];
    in->after_id = p.n[1];
    return ST_OK;
}

/* ---- the list ---- */

/* Every value of name (repeated, name[], or comma-separated) as a list of strings. */
static status q_list_of(api_call *c, const char *name, uuid_list *out)
{
    const char *all = kv_join(c->req->a, c->req->query, c->req->n_query, name);
    size_t cap = 0;
    *out = (uuid_list){0};
    for (const char *p = all; p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len) {
            if (out->n == LIMIT_PAGE_SIZE)
                return diag_set(&c->d, ST_INVALID, name, "must have at most %d values",
                                LIMIT_PAGE_SIZE);
            out->v = arena_grow(c->req->a, out->v, &cap, out->n, sizeof *out->v);
            out->v[out->n++] = arena_printf(c->req->a, "%.*s", (int)len, p);
        }
        p = comma ? comma + 1 : NULL;
    }
    return ST_OK;
}

static status q_time(api_call *c, const char *name, int64_t *out)
{
    const char *v = q_get(c, name);
    *out = NULL_INT;
    if (v && !time_parse_iso(v, out))
        return diag_set(&c->d, ST_INVALID, name,
                        "must be an RFC 3339 time such as 2026-01-01T00:00:00Z");
    return ST_OK;
}

static status h_list(api_call *c)
{
    ticket_find_in in = {0};
    const char *v;
    status st = native_limit(c, &in.limit);
    if (st) return st;
    static const char *const sorts[] = {"newest", "oldest", "updated", NULL};
    if ((v = q_get(c, "sort"))) {
        if ((st = check_enum(&c->d, "sort", v, sorts))) return st;
        for (int i = 0; sorts[i]; i++)
            if (!strcmp(v, sorts[i])) in.sort = i;
    }
    if ((v = q_get(c, "cursor")) && (st = native_ticket_cursor_read(c, v, &in))) return st;
    uuid_list states;
    if (!st) st = q_list_of(c, "state", &states);
    in.states = states.v;
    in.n_states = states.n;
    if (!st) st = q_list_of(c, "assignee", &in.assignees);
    if (!st) st = q_list_of(c, "team", &in.teams);
    if (!st) st = q_list_of(c, "category", &in.categories);
    if (!st) st = q_list_of(c, "client", &in.clients);
    if (!st) st = q_list_of(c, "tag", &in.tags);
    in.q = q_get(c, "q");
    if (!st) st = q_time(c, "created_after", &in.created_from);
    if (!st) st = q_time(c, "created_before", &in.created_to);
    if (!st) st = q_time(c, "updated_after", &in.updated_from);
    if (!st) st = q_time(c, "updated_before", &in.updated_to);
    ticket_row *rows;
    size_t got;
    bool more;
    if (!st) st = ticket_find(&c->cx, &in, &rows, &got, &more);
    if (st) return st;
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    jw_key(&w, "data");
    jw_arr(&w);
    for (size_t i = 0; i < got; i++)
        ticket_w(&w, &rows[i]);
    jw_end_arr(&w);
    jw_kstr(&w, "next_cursor", more ? native_ticket_cursor(c, in.sort, &rows[got - 1]) : NULL);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

/* ---- one ticket ---- */

static status h_get(api_call *c)
{
    ticket_row t;
    status st = ticket_fetch(&c->cx, c->req->params[0], &t);
    if (st) return st;
    const char *etag = etag_of(c, &t);
    if (call_none_match(c->req->if_none_match, etag)) {
        call_header(c->resp, "ETag", etag);
        c->resp->status = 304;
        return ST_OK;
    }
    return ticket_answer(c, 200, &t);
}

static status h_create(api_call *c)
{
    static const char *const known[] = {"title",    "description", "client",   "state",
                                        "category", "subcategory", "assignee", "team",
                                        "tags",     "language",    NULL};
    json_t *b;
    opt_str title, desc, state, cat, sub, who, team, lang;
    ticket_make_in in = {0};
    status st = call_body(c, &b);
    if (!st) st = native_only_members(c, b, known);
    if (!st) st = in_str(c, b, "title", &title);
    if (!st) st = in_str(c, b, "description", &desc);
    if (!st) st = in_str(c, b, "state", &state);
    if (!st) st = in_str(c, b, "category", &cat);
    if (!st) st = in_str(c, b, "subcategory", &sub);
    if (!st) st = in_str(c, b, "assignee", &who);
    if (!st) st = in_str(c, b, "team", &team);
    if (!st) st = in_str(c, b, "language", &lang);
    if (!st) st = in_strs(c, b, "tags", &in.tags);
    if (st) return st;
    json_t *client = json_object_get(b, "client");
    if (json_is_string(client)) {
        in.client_id = json_string_value(client);
    } else if (json_is_object(client)) {
        static const char *const client_known[] = {"email", "name", NULL};
        opt_str email, name;
        if (native_only_members(c, client, client_known) || in_str(c, client, "email", &email) ||
            in_str(c, client, "name", &name)) {
            const char *field = arena_printf(c->req->a, "client.%s", c->d.field);
            return diag_set(&c->d, ST_INVALID, field, "%s", c->d.msg);
        }
        in.client_email = email.v;
        in.client_name = name.v;
        if (!email.v) return diag_set(&c->d, ST_INVALID, "client.email", "is required");
    } else if (client && !json_is_null(client)) {
        return diag_set(&c->d, ST_INVALID, "client",
                        "must be a client id or {\"email\", \"name\"}");
    }
    in.title = title.v;
    in.description = desc.v;
    in.state = state.v;
    in.category = cat.v;
    in.subcategory = sub.v;
    in.assignee = who.v;
    in.team = team.v;
    in.language = lang.v;
    ticket_row t;
    if ((st = ticket_make(&c->cx, &in, &t))) return st;
    call_header(c->resp, "Location", arena_printf(c->req->a, NATIVE "/tickets/%s", t.uuid));
    return ticket_answer(c, 201, &t);
}

static status h_patch(api_call *c)
{
    static const char *const known[] = {"title",    "state", "category", "subcategory",
                                        "assignee", "team",  "tags",     NULL};
    json_t *b;
    ticket_patch_in in = {0};
    status st = native_if_match(c, &in.if_match);
    if (!st) st = call_body(c, &b);
    if (!st) st = native_only_members(c, b, known);
    if (!st) st = in_str(c, b, "title", &in.title);
    if (!st) st = in_str(c, b, "state", &in.state);
    if (!st) st = in_str(c, b, "category", &in.category);
    if (!st) st = in_str(c, b, "subcategory", &in.subcategory);
    if (!st) st = in_str(c, b, "assignee", &in.assignee);
    if (!st) st = in_str(c, b, "team", &in.team);
    if (!st) st = in_strs(c, b, "tags", &in.tags);
    if (st) return st;
    ticket_row t;
    st = ticket_update(&c->cx, c->req->params[0], &in, &t);
    if (st == ST_PRECONDITION_FAILED) return precondition_failed(c, &t);
    return st ? st : ticket_answer(c, 200, &t);
}

static status h_delete(api_call *c)
{
    ticket_precond p;
    ticket_row t;
    status st = native_if_match(c, &p);
    if (!st) st = ticket_remove(&c->cx, c->req->params[0], &p, &t);
    if (st == ST_PRECONDITION_FAILED) return precondition_failed(c, &t);
    if (st) return st;
    c->resp->status = 204;
    return ST_OK;
}

/* ---- views ---- */

static status h_views(api_call *c)
{
    ticket_views_out v;
    status st = ticket_views(&c->cx, &v);
    if (st) return st;
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kint(&w, "mine_open", v.mine_open);
    jw_kint(&w, "unassigned_open", v.unassigned_open);
    jw_kint(&w, "open", v.open);
    jw_kint(&w, "closed", v.closed);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

#define TICKET(o) .res = RES_TICKET, .op = o
static const api_route routes[] = {
    {"GET", NATIVE "/tickets", h_list, DIALECT_NATIVE, TICKET(OP_READ)},
    {"POST", NATIVE "/tickets", h_create, DIALECT_NATIVE, TICKET(OP_CREATE)},
    {"GET", NATIVE "/tickets/{id}", h_get, DIALECT_NATIVE, TICKET(OP_READ)},
    {"PATCH", NATIVE "/tickets/{id}", h_patch, DIALECT_NATIVE, TICKET(OP_CHANGE)},
    {"DELETE", NATIVE "/tickets/{id}", h_delete, DIALECT_NATIVE, TICKET(OP_DELETE)},
    {"GET", NATIVE "/views", h_views, DIALECT_NATIVE, TICKET(OP_READ)},
};
#undef TICKET
const api_dialect native_tickets_dialect = {DIALECT_NATIVE, NATIVE,
                                            routes,         sizeof routes / sizeof routes[0],
                                            native_error,   native_no_route};
