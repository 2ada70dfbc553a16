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

static void unix_s(jw *w, const char *k, int64_t ms)
{
    jw_key(w, k);
    if (ms == NULL_INT)
        jw_null(w);
    else
        jw_int(w, time_unix_s(ms));
}

static void asset_w(jw *w, const asset_row *a)
{
    jw_obj(w);
    jw_kstr(w, "id", a->uuid);
    jw_kstr(w, "object", "asset");
    jw_kstr(w, "filename", a->filename);
    jw_kstr(w, "extension", a->extension);
    jw_kint(w, "filesize", a->filesize);
    jw_kstr(w, "type", a->type);
    jw_kint(w, "version", a->version);
    jw_kstr(w, "status", a->status);
    jw_kstr(w, "alt_text", a->alt_text);
    call_dims(w, a);
    jw_kstr(w, "public_url", a->public_url);
    jw_kstr(w, "folder", a->folder);
    call_thumbnails(w, a);
    unix_s(w, "created_at", a->created_at);
    unix_s(w, "updated_at", a->updated_at);
    jw_end_obj(w);
}

static void ticket_w(jw *w, const void *row)
{
    const ticket_row *t = row;
    jw_obj(w);
    jw_kstr(w, "id", t->uuid);
    jw_kstr(w, "object", "ticket");
    jw_kstr(w, "title", t->title);
    jw_kbool(w, "is_open", t->is_open);
    jw_kstr(w, "category", t->category_title);
    jw_kstr(w, "subcategory", t->subcategory);
    jw_kstr(w, "teammate_id", t->user_uuid);
    jw_key(w, "client");
    jw_obj(w);
    jw_kstr(w, "id", t->contact_uuid);
    jw_kstr(w, "name", t->contact_name);
    jw_kstr(w, "email", t->contact_email);
    jw_end_obj(w);
    jw_kstr(w, "language", t->language);
    unix_s(w, "created_at", t->created_at);
    unix_s(w, "updated_at", t->updated_at);
    jw_key(w, "replies");
    jw_arr(w);
    for (size_t i = 0; i < t->n_replies; i++) {
        const reply_row *r = &t->replies[i];
        jw_obj(w);
        jw_kstr(w, "id", r->uuid);
        jw_kstr(w, "text", r->text);
        jw_kbool(w, "is_client_reply", r->is_client);
        unix_s(w, "created_at", r->created_at);
        jw_key(w, "assets");
        jw_arr(w);
        for (size_t k = 0; k < r->n_assets; k++)
            asset_w(w, &r->assets[k]);
        jw_end_arr(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
}

static void category_w(jw *w, const void *row)
{
    const category_row *k = row;
    jw_obj(w);
    jw_kstr(w, "id", k->uuid);
    jw_kstr(w, "object", "ticket_category");
    jw_kstr(w, "title", k->title);
    jw_kstr(w, "language", k->language);
    jw_kstr(w, "teammate_id", k->user_uuid);
    jw_kstr(w, "auto_reply", k->auto_reply);
    jw_key(w, "subcategories");
    jw_arr(w);
    for (size_t i = 0; i < k->n_subcategories; i++)
        jw_str(w, k->subcategories[i]);
    jw_end_arr(w);
    jw_key(w, "billing_plans");
    jw_arr(w);
    for (size_t i = 0; i < k->n_plans; i++)
        jw_str(w, k->plan_uuids[i]);
    jw_end_arr(w);
    unix_s(w, "created_at", k->created_at);
    jw_end_obj(w);
}

static void teammate_w(jw *w, const void *row)
{
    const user_row *u = row;
    jw_obj(w);
    jw_kstr(w, "id", u->uuid);
    jw_kstr(w, "object", "teammate");
    jw_kstr(w, "email", u->email);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "last_name", u->last_name);
    jw_kstr(w, "username", u->username);
    jw_kstr(w, "country", u->country);
    jw_kstr(w, "role", u->role);
    jw_kbool(w, "verified", u->verified);
    unix_s(w, "last_login", u->last_login);
    jw_key(w, "permissions");
    jw_arr(w);
    jw_str(w, user_permission(u));
    jw_end_arr(w);
    unix_s(w, "created_at", u->created_at);
    jw_end_obj(w);
}

static void client_w(jw *w, const void *row)
{
    const contact_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "object", "client");
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "email", r->email);
    jw_kstr(w, "country", r->country);
    jw_kstr(w, "status", "active");
    jw_kstr(w, "billing_plan", r->plan_uuid);
    unix_s(w, "created_at", r->created_at);
    jw_end_obj(w);
}

static void product_w(jw *w, const void *row)
{
    const plan_row *p = row;
    jw_obj(w);
    jw_kstr(w, "id", p->uuid);
    jw_kstr(w, "object", "product");
    jw_kstr(w, "name", p->name);
    jw_kstr(w, "type", "agency_plan");
    unix_s(w, "created_at", p->created_at);
    jw_end_obj(w);
}

typedef void (*render_fn)(jw *w, const void *row);

/* {"status":200, key: obj} */
static status ok_one(api_call *c, const char *key, render_fn fn, const void *row)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    jw_kint(&w, "status", 200);
    jw_key(&w, key);
    fn(&w, row);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

/* {"status":200, "total_results": total, key: [...]} */
static status ok_list(api_call *c, const char *key, render_fn fn, const void *rows, size_t row_size,
                      size_t n, int64_t total)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    jw_kint(&w, "status", 200);
    jw_kint(&w, "total_results", total);
    jw_key(&w, key);
    jw_arr(&w);
    for (size_t i = 0; i < n; i++)
        fn(&w, (const char *)rows + i * row_size);
    jw_end_arr(&w);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

static status ok_empty(api_call *c)
{
    return reply_json(c, 200, json_pack("{s:i}", "status", 200));
}

static void tamio_error(api_call *c, status st)
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
    case ST_TOO_LARGE:
        http = code = 413, msg = "Payload too large";
        break;
    case ST_NOT_FOUND:
        code = c->d.reason == REASON_PLAN_UNKNOWN ? 10322 : 1002;
        break;
    case ST_INVALID:
        code = c->d.reason == REASON_PLAN_NOT_ALLOWED ? 10401 : 400;
        break;
    case ST_CONFLICT:
        /* Idempotency-Key sent with another request: 422 (docs/IDEMPOTENCY.md). */
        if (c->d.reason == REASON_IDEM_KEY_REUSED)
            http = code = 422;
        else
            code = 409;
        break;
    case ST_FORBIDDEN:
        http = code = 403;
        break;
    case ST_INTERNAL:
        http = code = 500;
        break;
    case ST_UNAVAILABLE:
        http = code = 503;
        break;
    case ST_RATE_LIMITED:
        http = code = 429;
        break;
    case ST_PRECONDITION_FAILED:
        http = code = 412;
        break;
    case ST_OK:
        break;
    }
    json_object_set_new(o, "status", json_integer(http));
    if (msg)
        json_object_set_new(o, "error", json_string(msg));
    else if (c->d.field[0])
        json_object_set_new(o, "error", json_sprintf("%s %s", c->d.field, c->d.msg));
    else
        json_object_set_new(o, "error", json_string(c->d.msg));
    json_object_set_new(o, "error_code", json_integer(code));
    (void)reply_json(c, http, o);
}

static void tamio_no_route(api_call *c, bool method_not_allowed)
{
    int code = method_not_allowed ? 405 : 404;
    json_t *o = json_object();
    json_object_set_new(o, "status", json_integer(code));
    json_object_set_new(o, "error",
                        json_string(method_not_allowed ? "Method not allowed" : "Not found"));
    json_object_set_new(o, "error_code", json_integer(code));
    (void)reply_json(c, code, o);
}

/* ---- tickets ---- */

static const sort_opt ticket_sorts[] = {{"created_at", SORT_CREATED}, {"title", SORT_TITLE}};
static const sort_opt name_sorts[] = {{"created_at", SORT_CREATED}, {"name", SORT_NAME}};

static status ticket_reply_with(api_call *c, status st, const ticket_row *t)
{
    return st ? st : ok_one(c, "ticket", ticket_w, t);
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
    return ok_list(c, "tickets", ticket_w, rows, sizeof(ticket_row), n, total);
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
    return ticket_reply_with(
        c, ticket_assign(&c->cx, c->req->params[0], "teammate_id", json_string_value(v), &t), &t);
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
    return st ? st : ok_one(c, "ticket_category", category_w, k);
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
    return st ? st
              : category_reply_with(c, category_update(&c->cx, c->req->params[0], &in, &k), &k);
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
    return ok_list(c, "ticket_categories", category_w, rows, sizeof(category_row), n, total);
}

/* ---- teammates ---- */

static status teammate_input(api_call *c, user_in *in)
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
    return st;
}

static status teammate_reply_with(api_call *c, status st, const user_row *u)
{
    return st ? st : ok_one(c, "teammate", teammate_w, u);
}

static status h_teammate_create(api_call *c)
{
    user_in in = {0};
    user_row u;
    status st = teammate_input(c, &in);
    return st ? st : teammate_reply_with(c, user_create(&c->cx, &in, &u), &u);
}

static status h_teammate_update(api_call *c)
{
    user_in in = {0};
    user_row u;
    status st = teammate_input(c, &in);
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
    return ok_list(c, "teammates", teammate_w, rows, sizeof(user_row), n, total);
}

/* ---- clients ---- */

static status client_input(api_call *c, contact_in *in)
{
    json_t *b;
    status st = call_body(c, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "email", &in->email);
    if (!st) st = in_str(c, b, "country", &in->country);
    if (!st) st = in_str(c, b, "billing_plan", &in->plan);
    in->require_email = true; /* Tamio documents email as required for clients */
    in->is_blocked = -1;
    return st;
}

static status client_reply_with(api_call *c, status st, const contact_row *r)
{
    return st ? st : ok_one(c, "client", client_w, r);
}

static status h_client_create(api_call *c)
{
    contact_in in = {0};
    contact_row r;
    status st = client_input(c, &in);
    return st ? st : client_reply_with(c, contact_create(&c->cx, &in, &r), &r);
}

static status h_client_update(api_call *c)
{
    contact_in in = {0};
    contact_row r;
    status st = client_input(c, &in);
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
    return ok_list(c, "clients", client_w, rows, sizeof(contact_row), n, total);
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
    return st ? st : ok_one(c, "product", product_w, &p);
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
    return ok_list(c, "products", product_w, rows, sizeof(plan_row), n, total);
}

static status h_plan_delete(api_call *c)
{
    status st = plan_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

/* ---- assets ---- */

static void asset_one(jw *w, const void *row)
{
    asset_w(w, row);
}

/* multipart/form-data: `file`, optional `alt_text` and `folder`. */
static status h_asset_upload(api_call *c)
{
    asset_in in = {.file = c->req->form ? c->req->form->file : NULL};
    asset_row a;
    status st = form_str(c, "alt_text", &in.alt_text);
    if (!st) st = form_str(c, "folder", &in.folder);
    if (!st) st = asset_create(&c->cx, &in, &a);
    return st ? st : ok_one(c, "asset", asset_one, &a);
}

static status h_asset_retrieve(api_call *c)
{
    asset_row a;
    status st = asset_get(&c->cx, c->req->params[0], &a);
    return st ? st : ok_one(c, "asset", asset_one, &a);
}

static status h_asset_delete(api_call *c)
{
    status st = asset_delete(&c->cx, c->req->params[0]);
    return st ? st : ok_empty(c);
}

#define A "/v2/agency"
static const api_route tamio_routes[] = {
    {"POST", A "/tickets/create", h_ticket_create, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_CREATE},
    {"GET", A "/tickets/list", h_ticket_list, DIALECT_TAMIO, .res = RES_TICKET, .op = OP_READ},
    {"GET", A "/tickets/retrieve/{uuid}", h_ticket_retrieve, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_READ},
    {"POST", A "/tickets/assign/{uuid}", h_ticket_assign, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_CHANGE},
    {"POST", A "/tickets/reply/create/{uuid}", h_ticket_reply, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_CHANGE},
    {"POST", A "/tickets/close/{uuid}", h_ticket_close, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_CHANGE},
    {"POST", A "/tickets/reopen/{uuid}", h_ticket_reopen, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_CHANGE},
    {"DELETE", A "/tickets/{uuid}", h_ticket_delete, DIALECT_TAMIO, .res = RES_TICKET,
     .op = OP_DELETE},
    {"POST", A "/ticket-categories/create", h_category_create, DIALECT_TAMIO, .res = RES_SETTINGS,
     .op = OP_CREATE},
    {"GET", A "/ticket-categories/list", h_category_list, DIALECT_TAMIO, .res = RES_SETTINGS,
     .op = OP_READ},
    {"GET", A "/ticket-categories/retrieve/{uuid}", h_category_retrieve, DIALECT_TAMIO,
     .res = RES_SETTINGS, .op = OP_READ},
    {"POST", A "/ticket-categories/update/{uuid}", h_category_update, DIALECT_TAMIO,
     .res = RES_SETTINGS, .op = OP_CHANGE},
    {"DELETE", A "/ticket-categories/{uuid}", h_category_delete, DIALECT_TAMIO, .res = RES_SETTINGS,
     .op = OP_DELETE},
    {"POST", A "/plans/create", h_plan_create, DIALECT_TAMIO, .res = RES_SETTINGS, .op = OP_CREATE},
    {"GET", A "/plans/list", h_plan_list, DIALECT_TAMIO, .res = RES_SETTINGS, .op = OP_READ},
    {"DELETE", A "/plans/{uuid}", h_plan_delete, DIALECT_TAMIO, .res = RES_SETTINGS,
     .op = OP_DELETE},
#define PEOPLE_ROUTES(P)                                                                            \
    {"POST",        P "/teammates/create", h_teammate_create,                                       \
     DIALECT_TAMIO, .res = RES_TEAMMATE,   .op = OP_CREATE},                                        \
        {"GET",         P "/teammates/list", h_teammate_list,                                       \
         DIALECT_TAMIO, .res = RES_TEAMMATE, .op = OP_READ},                                        \
        {"GET",                                                                                     \
         P "/teammates/retrieve/{uuid}",                                                            \
         h_teammate_retrieve,                                                                       \
         DIALECT_TAMIO,                                                                             \
         .res = RES_TEAMMATE,                                                                       \
         .op = OP_READ},                                                                            \
        {"POST",        P "/teammates/update/{uuid}", h_teammate_update,                            \
         DIALECT_TAMIO, .res = RES_TEAMMATE,          .op = OP_CHANGE},                             \
        {"DELETE",      P "/teammates/{uuid}", h_teammate_delete,                                   \
         DIALECT_TAMIO, .res = RES_TEAMMATE,   .op = OP_DELETE},                                    \
        {"POST",        P "/clients/create", h_client_create,                                       \
         DIALECT_TAMIO, .res = RES_CLIENT,   .op = OP_CREATE},                                      \
        {"GET", P "/clients/list", h_client_list, DIALECT_TAMIO, .res = RES_CLIENT, .op = OP_READ}, \
        {"GET",                                                                                     \
         P "/clients/retrieve/{uuid}",                                                              \
         h_client_retrieve,                                                                         \
         DIALECT_TAMIO,                                                                             \
         .res = RES_CLIENT,                                                                         \
         .op = OP_READ},                                                                            \
        {"POST",        P "/clients/update/{uuid}", h_client_update,                                \
         DIALECT_TAMIO, .res = RES_CLIENT,          .op = OP_CHANGE},                               \
        {"DELETE",      P "/clients/{uuid}", h_client_delete,                                       \
         DIALECT_TAMIO, .res = RES_CLIENT,   .op = OP_DELETE},                                      \
        {"POST",         P "/assets/upload", h_asset_upload, DIALECT_TAMIO,                         \
         .upload = true, .res = RES_ASSET,   .op = OP_CREATE},                                      \
        {"GET",                                                                                     \
         P "/assets/retrieve/{uuid}",                                                               \
         h_asset_retrieve,                                                                          \
         DIALECT_TAMIO,                                                                             \
         .res = RES_ASSET,                                                                          \
         .op = OP_READ},                                                                            \
        {"DELETE",      P "/assets/{uuid}", h_asset_delete,                                         \
         DIALECT_TAMIO, .res = RES_ASSET,   .op = OP_DELETE},
    PEOPLE_ROUTES(A) PEOPLE_ROUTES("/v2")};
const api_dialect tamio_dialect = {DIALECT_TAMIO, "/v2",
                                   tamio_routes,  sizeof tamio_routes / sizeof tamio_routes[0],
                                   tamio_error,   tamio_no_route};
