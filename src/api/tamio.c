/* Tamio's agency API v2 (/v2/agency, and /v2 for teammates and clients): a translation table
 * between Tamio's wire format (snake_case, unix seconds, {status, …} envelopes, 400 with
 * error_code) and core/. No business rule lives here; see ../shared/DIALECTS.md section 1 and
 * docs/TAMIO.md. */
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "core/category.h"
#include "core/people.h"
#include "core/ticket.h"
#include "util/timeutil.h"

/* ---- rendering ---- */

static json_t *unix_s(int64_t ms) { return ms == NULL_INT ? json_null() : json_integer(time_unix_s(ms)); }

static json_t *asset_json(const asset_row *a)
{
    json_t *thumbs = json_array();
    for (size_t i = 0; i < a->n_thumbs; i++)
        json_array_append_new(thumbs, json_pack("{s:s, s:I, s:I}", "url", a->thumbs[i].url,
                                                "width", (json_int_t)a->thumbs[i].width,
                                                "height", (json_int_t)a->thumbs[i].height));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(a->uuid));
    json_object_set_new(o, "object", json_string("asset"));
    json_object_set_new(o, "filename", j_str(a->filename));
    json_object_set_new(o, "extension", j_str(a->extension));
    json_object_set_new(o, "filesize", json_integer(a->filesize));
    json_object_set_new(o, "type", j_str(a->type));
    json_object_set_new(o, "version", json_integer(a->version));
    json_object_set_new(o, "status", j_str(a->status));
    json_object_set_new(o, "alt_text", j_str(a->alt_text));
    json_object_set_new(o, "width", j_int_or_null(a->width));
    json_object_set_new(o, "height", j_int_or_null(a->height));
    json_object_set_new(o, "public_url", j_str(a->public_url));
    json_object_set_new(o, "folder", j_str(a->folder));
    json_object_set_new(o, "thumbnails", thumbs);
    json_object_set_new(o, "created_at", unix_s(a->created_at));
    json_object_set_new(o, "updated_at", unix_s(a->updated_at));
    return o;
}

static json_t *ticket_json(const ticket_row *t)
{
    json_t *replies = json_array();
    for (size_t i = 0; i < t->n_replies; i++) {
        const reply_row *r = &t->replies[i];
        json_t *assets = json_array();
        for (size_t k = 0; k < r->n_assets; k++) json_array_append_new(assets, asset_json(&r->assets[k]));
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->uuid));
        json_object_set_new(o, "text", json_string(r->text));
        json_object_set_new(o, "is_client_reply", json_boolean(r->is_client));
        json_object_set_new(o, "created_at", unix_s(r->created_at));
        json_object_set_new(o, "assets", assets);
        json_array_append_new(replies, o);
    }
    json_t *client = json_object();
    json_object_set_new(client, "id", j_str(t->contact_uuid));
    json_object_set_new(client, "name", j_str(t->contact_name));
    json_object_set_new(client, "email", j_str(t->contact_email));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(t->uuid));
    json_object_set_new(o, "object", json_string("ticket"));
    json_object_set_new(o, "title", json_string(t->title));
    json_object_set_new(o, "is_open", json_boolean(t->is_open));
    json_object_set_new(o, "category", j_str(t->category_title));
    json_object_set_new(o, "subcategory", j_str(t->subcategory));
    json_object_set_new(o, "teammate_id", j_str(t->user_uuid));
    json_object_set_new(o, "client", client);
    json_object_set_new(o, "language", j_str(t->language));
    json_object_set_new(o, "created_at", unix_s(t->created_at));
    json_object_set_new(o, "updated_at", unix_s(t->updated_at));
    json_object_set_new(o, "replies", replies);
    return o;
}

static json_t *category_json(const category_row *k)
{
    json_t *subs = json_array(), *plans = json_array();
    for (size_t i = 0; i < k->n_subcategories; i++)
        json_array_append_new(subs, json_string(k->subcategories[i]));
    for (size_t i = 0; i < k->n_plans; i++) json_array_append_new(plans, json_string(k->plan_uuids[i]));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(k->uuid));
    json_object_set_new(o, "object", json_string("ticket_category"));
    json_object_set_new(o, "title", json_string(k->title));
    json_object_set_new(o, "language", json_string(k->language));
    json_object_set_new(o, "teammate_id", j_str(k->user_uuid));
    json_object_set_new(o, "auto_reply", j_str(k->auto_reply));
    json_object_set_new(o, "subcategories", subs);
    json_object_set_new(o, "billing_plans", plans);
    json_object_set_new(o, "created_at", unix_s(k->created_at));
    return o;
}

static json_t *teammate_json(const user_row *u)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(u->uuid));
    json_object_set_new(o, "object", json_string("teammate"));
    json_object_set_new(o, "email", json_string(u->email));
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "last_name", j_str(u->last_name));
    json_object_set_new(o, "username", j_str(u->username));
    json_object_set_new(o, "country", j_str(u->country));
    json_object_set_new(o, "role", json_string(u->role));
    json_object_set_new(o, "verified", json_boolean(u->verified));
    json_object_set_new(o, "last_login", unix_s(u->last_login));
    json_object_set_new(o, "permissions", json_pack("[s]", user_permission(u)));
    json_object_set_new(o, "created_at", unix_s(u->created_at));
    return o;
}

static json_t *client_json(const contact_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->uuid));
    json_object_set_new(o, "object", json_string("client"));
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "email", j_str(r->email));
    json_object_set_new(o, "country", j_str(r->country));
    json_object_set_new(o, "status", json_string("active"));
    json_object_set_new(o, "billing_plan", j_str(r->plan_uuid));
    json_object_set_new(o, "created_at", unix_s(r->created_at));
    return o;
}

static json_t *product_json(const plan_row *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", p->uuid, "object", "product", "name",
                     p->name, "type", "agency_plan", "created_at", unix_s(p->created_at));
}

/* {"status":200, key: obj} */
static status ok_one(api_call *c, const char *key, json_t *obj)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_integer(200));
    json_object_set_new(o, key, obj);
    return reply_json(c, 200, o);
}

/* {"status":200, "total_results": total, key: [...]} */
static status ok_list(api_call *c, const char *key, json_t *items, int64_t total)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_integer(200));
    json_object_set_new(o, "total_results", json_integer(total));
    json_object_set_new(o, key, items);
    return reply_json(c, 200, o);
}

static status ok_empty(api_call *c) { return reply_json(c, 200, json_pack("{s:i}", "status", 200)); }

void tamio_error(api_call *c, status st)
{
    json_t *o = json_object();
    int http = 400, code = 400;
    const char *msg = NULL;
    switch (st) {
    case ST_UNAUTHORIZED:
        json_object_set_new(o, "status", json_integer(401));
        json_object_set_new(o, "error", json_string("Unauthorized"));
        (void)reply_json(c, 401, o);
        return;
    case ST_TOO_LARGE: http = code = 413, msg = "Payload too large"; break;
    case ST_NOT_FOUND: code = c->d.reason == REASON_PLAN_UNKNOWN ? 10322 : 1002; break;
    case ST_INVALID: code = c->d.reason == REASON_PLAN_NOT_ALLOWED ? 10401 : 400; break;
    case ST_CONFLICT: code = 409; break;
    case ST_FORBIDDEN: code = 403; break;
    case ST_INTERNAL: http = code = 500; break;
    case ST_OK: break;
    }
    json_object_set_new(o, "status", json_integer(http));
    if (msg) json_object_set_new(o, "error", json_string(msg));
    else if (c->d.field[0])
        json_object_set_new(o, "error", json_sprintf("%s %s", c->d.field, c->d.msg));
    else json_object_set_new(o, "error", json_string(c->d.msg));
    json_object_set_new(o, "error_code", json_integer(code));
    (void)reply_json(c, http, o);
}

/* ---- tickets ---- */

static const sort_opt ticket_sorts[] = {{"created_at", SORT_CREATED}, {"title", SORT_TITLE}};
static const sort_opt name_sorts[] = {{"created_at", SORT_CREATED}, {"name", SORT_NAME}};

static status ticket_reply_with(api_call *c, status st, const ticket_row *t)
{
    return st ? st : ok_one(c, "ticket", ticket_json(t));
}

static status h_ticket_create(api_call *c)
{
    json_t *b;
    ticket_create_in in = {0};
    opt_strs assets;
    opt_str sub;
    status st = call_body(c, &b);
    if (!st) st = in_req_str(c, b, "client_id", &in.client_id);
    if (!st) st = in_req_str(c, b, "title", &in.title);
    if (!st) st = in_req_str(c, b, "description", &in.description);
    if (!st) st = in_req_str(c, b, "category", &in.category);
    if (!st) st = in_str(c, b, "subcategory", &sub);
    if (!st) st = in_strs(c, b, "assets", &assets);
    if (st) return st;
    in.subcategory = sub.v;
    in.assets = assets.v;
    in.n_assets = assets.n;
    ticket_row t;
    return ticket_reply_with(c, ticket_create(&c->cx, &in, &t), &t);
}

static status h_ticket_list(api_call *c)
{
    ticket_list_in in = {0};
    status st = q_list(c, "page", "per_page", ticket_sorts, 2, &in.page);
    if (!st) st = q_bool(c, "closed", &in.closed);
    if (!st) st = q_uuid(c, "teammate_id", &in.teammate_id);
    if (!st) st = q_uuid(c, "client_id", &in.client_id);
    if (st) return st;
    in.title_contains = q_get(c, "filter");
    if (in.title_contains && !*in.title_contains) in.title_contains = NULL;
    ticket_row *rows;
    size_t n;
    int64_t total;
    if ((st = ticket_list(&c->cx, &in, &rows, &n, &total))) return st;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, ticket_json(&rows[i]));
    return ok_list(c, "tickets", items, total);
}

static status h_ticket_retrieve(api_call *c)
{
    ticket_row t;
    return ticket_reply_with(c, ticket_get(&c->cx, c->req->params[0], &t), &t);
}

static status h_ticket_assign(api_call *c)
{
    json_t *b;
    status st = call_body(c, &b);
    if (st) return st;
    json_t *v = json_object_get(b, "teammate_id");
    if (!v) return diag_set(&c->d, ST_INVALID, "teammate_id", "is required (null unassigns)");
    if (!json_is_null(v) && !json_is_string(v))
        return diag_set(&c->d, ST_INVALID, "teammate_id", "must be a UUID string or null");
    ticket_row t;
    return ticket_reply_with(c, ticket_assign(&c->cx, c->req->params[0], json_string_value(v), &t),
                             &t);
}

static status h_ticket_reply(api_call *c)
{
    json_t *b;
    const char *text;
    opt_strs assets;
    status st = call_body(c, &b);
    if (!st) st = in_req_str(c, b, "reply", &text);
    if (!st) st = in_strs(c, b, "assets", &assets);
    if (st) return st;
    ticket_row t;
    st = ticket_reply(&c->cx, c->req->params[0], text, assets.v, assets.n, false, &t);
    return ticket_reply_with(c, st, &t);
}

static status h_ticket_close(api_call *c)
{
    ticket_row t;
    return ticket_reply_with(c, ticket_set_state(&c->cx, c->req->params[0], TS_CLOSED, &t), &t);
}

static status h_ticket_reopen(api_call *c)
{
    ticket_row t;
    return ticket_reply_with(c, ticket_set_state(&c->cx, c->req->params[0], TS_OPEN, &t), &t);
}

static status h_ticket_delete(api_call *c)
{
    status st = ticket_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

/* ---- ticket categories ---- */

static status category_input(api_call *c, category_in *in)
{
    json_t *b;
    status st = call_body(c, &b);
    if (!st) st = in_str(c, b, "title", &in->title);
    if (!st) st = in_str(c, b, "language", &in->language);
    if (!st) st = in_str(c, b, "automated_reply", &in->auto_reply);
    if (!st) st = in_str(c, b, "teammate_id", &in->teammate_id);
    if (!st) st = in_strs(c, b, "billing_plans", &in->plans);
    if (!st) st = in_strs(c, b, "subcategories", &in->subcategories);
    return st;
}

static status category_reply_with(api_call *c, status st, const category_row *k)
{
    return st ? st : ok_one(c, "ticket_category", category_json(k));
}

static status h_category_create(api_call *c)
{
    category_in in = {0};
    category_row k;
    status st = category_input(c, &in);
    return st ? st : category_reply_with(c, category_create(&c->cx, &in, &k), &k);
}

static status h_category_update(api_call *c)
{
    category_in in = {0};
    category_row k;
    status st = category_input(c, &in);
    return st ? st : category_reply_with(c, category_update(&c->cx, c->req->params[0], &in, &k), &k);
}

static status h_category_retrieve(api_call *c)
{
    category_row k;
    return category_reply_with(c, category_get(&c->cx, c->req->params[0], &k), &k);
}

static status h_category_delete(api_call *c)
{
    status st = category_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

static status h_category_list(api_call *c)
{
    list_in in;
    category_row *rows;
    size_t n;
    int64_t total;
    status st = q_list(c, "page", "per_page", ticket_sorts, 2, &in);
    if (!st) st = category_list(&c->cx, &in, &rows, &n, &total);
    if (st) return st;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, category_json(&rows[i]));
    return ok_list(c, "ticket_categories", items, total);
}

/* ---- teammates ---- */

static status teammate_input(api_call *c, user_in *in, bool create)
{
    json_t *b;
    status st = call_body(c, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "last_name", &in->last_name);
    if (!st) st = in_str(c, b, "email", &in->email);
    if (!st) st = in_str(c, b, "username", &in->username);
    if (!st) st = in_str(c, b, "role", &in->role);
    if (!st) st = in_str(c, b, "country", &in->country);
    if (!st) st = in_str(c, b, "password", &in->password);
    if (!st && in->email.set && !in->email.v)
        st = diag_set(&c->d, ST_INVALID, "email", create ? "is required" : "must not be null");
    if (!st && in->name.set && !in->name.v)
        st = diag_set(&c->d, ST_INVALID, "name", create ? "is required" : "must not be null");
    return st;
}

static status teammate_reply_with(api_call *c, status st, const user_row *u)
{
    return st ? st : ok_one(c, "teammate", teammate_json(u));
}

static status h_teammate_create(api_call *c)
{
    user_in in = {0};
    user_row u;
    status st = teammate_input(c, &in, true);
    return st ? st : teammate_reply_with(c, user_create(&c->cx, &in, &u), &u);
}

static status h_teammate_update(api_call *c)
{
    user_in in = {0};
    user_row u;
    status st = teammate_input(c, &in, false);
    return st ? st : teammate_reply_with(c, user_update(&c->cx, c->req->params[0], &in, &u), &u);
}

static status h_teammate_retrieve(api_call *c)
{
    user_row u;
    return teammate_reply_with(c, user_get(&c->cx, c->req->params[0], &u), &u);
}

static status h_teammate_delete(api_call *c)
{
    status st = user_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

static status h_teammate_list(api_call *c)
{
    list_in in;
    user_row *rows;
    size_t n;
    int64_t total;
    status st = q_list(c, "page", "per_page", name_sorts, 2, &in);
    if (!st) st = user_list(&c->cx, &in, &rows, &n, &total);
    if (st) return st;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, teammate_json(&rows[i]));
    return ok_list(c, "teammates", items, total);
}

/* ---- clients ---- */

static status client_input(api_call *c, contact_in *in, bool create)
{
    json_t *b;
    status st = call_body(c, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "email", &in->email);
    if (!st) st = in_str(c, b, "country", &in->country);
    if (!st) st = in_str(c, b, "billing_plan", &in->plan);
    /* Tamio documents email as required for clients. */
    if (!st && (create || in->email.set) && !in->email.v)
        st = diag_set(&c->d, ST_INVALID, "email", create ? "is required" : "must not be null");
    if (!st && in->name.set && !in->name.v)
        st = diag_set(&c->d, ST_INVALID, "name", create ? "is required" : "must not be null");
    return st;
}

static status client_reply_with(api_call *c, status st, const contact_row *r)
{
    return st ? st : ok_one(c, "client", client_json(r));
}

static status h_client_create(api_call *c)
{
    contact_in in = {0};
    contact_row r;
    status st = client_input(c, &in, true);
    return st ? st : client_reply_with(c, contact_create(&c->cx, &in, &r), &r);
}

static status h_client_update(api_call *c)
{
    contact_in in = {0};
    contact_row r;
    status st = client_input(c, &in, false);
    return st ? st : client_reply_with(c, contact_update(&c->cx, c->req->params[0], &in, &r), &r);
}

static status h_client_retrieve(api_call *c)
{
    contact_row r;
    return client_reply_with(c, contact_get(&c->cx, c->req->params[0], &r), &r);
}

static status h_client_delete(api_call *c)
{
    status st = contact_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

static status h_client_list(api_call *c)
{
    list_in in;
    contact_row *rows;
    size_t n;
    int64_t total;
    status st = q_list(c, "page", "per_page", name_sorts, 2, &in);
    if (!st) st = contact_list(&c->cx, &in, &rows, &n, &total);
    if (st) return st;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, client_json(&rows[i]));
    return ok_list(c, "clients", items, total);
}

/* ---- billing plans ---- */

static status h_plan_create(api_call *c)
{
    json_t *b;
    plan_in in = {0};
    status st = call_body(c, &b);
    if (!st) st = in_req_str(c, b, "name", &in.name);
    if (st) return st;
    /* The vendor's pricing fields are kept as given. */
    json_t *attrs = json_deep_copy(b);
    json_object_del(attrs, "name");
    char *text = json_dumps(attrs, JSON_COMPACT);
    json_decref(attrs);
    in.attrs = arena_strdup(c->req->a, text);
    free(text);
    plan_row p;
    st = plan_create(&c->cx, &in, &p);
    return st ? st : ok_one(c, "product", product_json(&p));
}

static status h_plan_list(api_call *c)
{
    list_in in;
    plan_row *rows;
    size_t n;
    int64_t total;
    status st = q_list(c, "page", "per_page", name_sorts, 2, &in);
    if (!st) st = plan_list(&c->cx, &in, &rows, &n, &total);
    if (st) return st;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, product_json(&rows[i]));
    return ok_list(c, "products", items, total);
}

static status h_plan_delete(api_call *c)
{
    status st = plan_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

#define A "/v2/agency"
const api_route tamio_routes[] = {
    {"POST", A "/tickets/create", h_ticket_create, DIALECT_TAMIO, false},
    {"GET", A "/tickets/list", h_ticket_list, DIALECT_TAMIO, false},
    {"GET", A "/tickets/retrieve/{uuid}", h_ticket_retrieve, DIALECT_TAMIO, false},
    {"POST", A "/tickets/assign/{uuid}", h_ticket_assign, DIALECT_TAMIO, false},
    {"POST", A "/tickets/reply/create/{uuid}", h_ticket_reply, DIALECT_TAMIO, false},
    {"POST", A "/tickets/close/{uuid}", h_ticket_close, DIALECT_TAMIO, false},
    {"POST", A "/tickets/reopen/{uuid}", h_ticket_reopen, DIALECT_TAMIO, false},
    {"DELETE", A "/tickets/{uuid}", h_ticket_delete, DIALECT_TAMIO, false},
    {"POST", A "/ticket-categories/create", h_category_create, DIALECT_TAMIO, false},
    {"GET", A "/ticket-categories/list", h_category_list, DIALECT_TAMIO, false},
    {"GET", A "/ticket-categories/retrieve/{uuid}", h_category_retrieve, DIALECT_TAMIO, false},
    {"POST", A "/ticket-categories/update/{uuid}", h_category_update, DIALECT_TAMIO, false},
    {"DELETE", A "/ticket-categories/{uuid}", h_category_delete, DIALECT_TAMIO, false},
    {"POST", A "/plans/create", h_plan_create, DIALECT_TAMIO, false},
    {"GET", A "/plans/list", h_plan_list, DIALECT_TAMIO, false},
    {"DELETE", A "/plans/{uuid}", h_plan_delete, DIALECT_TAMIO, false},
#define PEOPLE_ROUTES(P)                                                                           \
    {"POST", P "/teammates/create", h_teammate_create, DIALECT_TAMIO, false},                      \
        {"GET", P "/teammates/list", h_teammate_list, DIALECT_TAMIO, false},                       \
        {"GET", P "/teammates/retrieve/{uuid}", h_teammate_retrieve, DIALECT_TAMIO, false},        \
        {"POST", P "/teammates/update/{uuid}", h_teammate_update, DIALECT_TAMIO, false},           \
        {"DELETE", P "/teammates/{uuid}", h_teammate_delete, DIALECT_TAMIO, false},                \
        {"POST", P "/clients/create", h_client_create, DIALECT_TAMIO, false},                      \
        {"GET", P "/clients/list", h_client_list, DIALECT_TAMIO, false},                           \
        {"GET", P "/clients/retrieve/{uuid}", h_client_retrieve, DIALECT_TAMIO, false},            \
        {"POST", P "/clients/update/{uuid}", h_client_update, DIALECT_TAMIO, false},               \
        {"DELETE", P "/clients/{uuid}", h_client_delete, DIALECT_TAMIO, false},
    PEOPLE_ROUTES(A) PEOPLE_ROUTES("/v2")
};
const size_t tamio_route_count = sizeof tamio_routes / sizeof tamio_routes[0];
