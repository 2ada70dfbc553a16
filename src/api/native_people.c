/* ticketd's own API (/ticketd/v1, docs/NATIVE.md): a ticket's replies and internal notes, its
 * timeline, assets, teammates, clients, categories, tags and teams. Like every dialect it is a
 * translation table over core/: bodies and query strings are parsed here (unknown members,
 * types, `limit`, opaque cursors), the rules stay in core/. Single-resource GETs carry a
 * strong ETag (a hash of the answer's bytes) and answer If-None-Match with 304. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "api/native.h"
#include "core/asset.h"
#include "core/category.h"
#include "core/people.h"
#include "core/tag.h"
#include "core/ticket.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"

/* ---- bodies ---- */

/* The body as a JSON object whose members are all in `allowed` (NULL-terminated). */
static status body_of(api_call *c, const char *const *allowed, json_t **out)
{
    status st = call_body(c, out);
    return st ? st : native_only_members(c, *out, allowed);
}

/* core/ names some fields as the dialect that came first does: the member this API calls
 * them, in a failure's diag. */
static status renamed(api_call *c, status st, const char *core_name, const char *ours)
{
    if (st && strcmp(c->d.field, core_name) == 0)
        snprintf(c->d.field, sizeof c->d.field, "%s", ours);
    return st;
}

/* The members each body may have. */
static const char *const reply_in_members[] = {"text", "note", "assets", NULL};
static const char *const teammate_members[] = {"name",   "last_name", "email",   "username",
                                               "role",   "password",  "picture", "country",
                                               "active", NULL};
static const char *const client_members[] = {"name",       "email",      "country", "plan_id",
                                             "identifier", "is_blocked", NULL};
static const char *const category_members[] = {
    "title", "language", "auto_reply", "teammate_id", "plan_ids", "subcategories", NULL};
static const char *const tag_members[] = {"name", "description", "color", NULL};
static const char *const team_members[] = {"name", "description", "picture", NULL};

/* An id in the body that names nothing is a 400 naming the member (core/ answers some with
 * ST_NOT_FOUND: a path's object is named by its kind, never by a member). */
static status body_ref(api_call *c, status st, const char *const *members)
{
    if (st != ST_NOT_FOUND) return st;
    for (size_t i = 0; members[i]; i++)
        if (strcmp(members[i], c->d.field) == 0) return ST_INVALID;
    return st;
}

/* ---- lists: limit and opaque cursors (native.h) ---- */

/* A list of settings or people, newest first by (created_at ms, uuid): `limit` and `cursor`
 * (tag "l": the last row's ms and uuid). One more row than the page is asked for, to know
 * whether a next page exists. */
static status q_keyset(api_call *c, list_in *in, int64_t *limit)
{
    status st = native_limit(c, limit);
    if (st) return st;
    *in = (list_in){.page = 1,
                    .per_page = *limit + 1,
                    .desc = true,
                    .sort = SORT_CREATED_MS,
                    .from_ms = NULL_INT,
                    .to_ms = NULL_INT};
    const char *cur = q_get(c, "cursor");
    native_pos p;
    if (!cur) return ST_OK;
    if ((st = native_cursor_read(c, "l", cur, &p))) return st;
    if (p.n[0] < 0 || p.n[1] || p.n[2] || !p.uuid)
        return diag_set(&c->d, ST_INVALID, "cursor", "is not a cursor this list answered");
    in->after_ms = p.n[0];
    in->after_uuid = p.uuid;
    return ST_OK;
}

/* Ends {"data":[… (opened by list_begin) with next_cursor: the last row shown when more
 * rows than the page came back. */
static void list_begin(jw *w)
{
    jw_init(w, 64 * 1024);
    jw_obj(w);
    jw_key(w, "data");
    jw_arr(w);
}

static status list_end(api_call *c, jw *w, const char *next)
{
    jw_end_arr(w);
    jw_kstr(w, "next_cursor", next);
    jw_end_obj(w);
    return reply_jw(c, 200, w);
}

/* How a keyset list shows its rows: their size, the offsets of their created_at (int64_t ms)
 * and uuid (char[UUID_STR_LEN + 1]), and the writer of one. */
typedef struct {
    size_t size, at, uuid;
    void (*write)(jw *w, const void *row);
} row_shape;
/* name: the row_shape of row_t, written by writer(jw *, const row_t *). */
#define ROW_SHAPE(name, row_t, writer)                                                             \
    static void name##_write(jw *w, const void *row)                                               \
    {                                                                                              \
        const row_t *r = row; /* writer must take row_t */                                         \
        writer(w, r);                                                                              \
    }                                                                                              \
    static const row_shape name = {sizeof(row_t), offsetof(row_t, created_at),                     \
                                   offsetof(row_t, uuid), name##_write}

/* Answers a keyset page of rows (n of them: limit + 1 when there are more) with next_cursor
 * after the last one shown. */
static status keyset_page(api_call *c, int64_t limit, const void *rows, size_t n,
                          const row_shape *shape)
{
    bool more = n > (size_t)limit;
    if (more) n = (size_t)limit;
    jw w;
    list_begin(&w);
    const char *row = rows;
    for (size_t i = 0; i < n; i++)
        shape->write(&w, row + i * shape->size);
    const char *next = NULL;
    if (more && n) {
        const char *last = row + (n - 1) * shape->size;
        native_pos p = {{*(const int64_t *)(last + shape->at)}, last + shape->uuid};
        next = native_cursor_make(c, "l", &p);
    }
    return list_end(c, &w, next);
}

/* ---- single resources: strong ETags ---- */

/* Answers 200 with w and a strong ETag (the SHA-256 of the answer's bytes, 128 bits of it),
 * or 304 without a body when If-None-Match names it. */
static status reply_tagged(api_call *c, jw *w)
{
    status st = reply_jw(c, 200, w);
    if (st) return st;
    unsigned char h[SHA256_LEN];
    char hex[2 * 16 + 1];
    crypto_sha256(c->resp->body, c->resp->len, h);
    crypto_hex(h, 16, hex);
    const char *etag = arena_printf(c->req->a, "\"%s\"", hex);
    call_header(c->resp, "ETag", etag);
    if (call_none_match(c->req->if_none_match, etag)) {
        free(c->resp->body);
        c->resp->body = NULL;
        c->resp->len = 0;
        c->resp->content_type = NULL;
        c->resp->status = 304;
    }
    return ST_OK;
}

/* ---- shapes ---- */

static void asset_w(jw *w, const asset_row *a)
{
    jw_obj(w);
    jw_kstr(w, "id", a->uuid);
    jw_kstr(w, "filename", a->filename);
    jw_kstr(w, "mime_type", a->mime_type);
    jw_kint(w, "size", a->filesize);
    call_dims(w, a);
    jw_kstr(w, "url", a->public_url);
    call_thumbnails(w, a);
    call_iso(w, "created_at", a->created_at);
    jw_end_obj(w);
}

/* The members of a reply (or note) after its own `{` (and a timeline item's kind). */
static void reply_members(jw *w, const reply_row *r, const char *ticket_uuid)
{
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "ticket_id", ticket_uuid);
    jw_kstr(w, "text", r->text);
    jw_kbool(w, "note", r->note);
    jw_key(w, "author");
    jw_obj(w);
    /* A reply with neither a teammate nor a client was written with a workspace key. */
    bool teammate = r->user_id != NULL_INT, client = !teammate && r->contact_id != NULL_INT;
    jw_kstr(w, "kind", teammate ? "teammate" : client ? "client" : "key");
    jw_kstr(w, "id", teammate || client ? r->author_uuid : NULL);
    jw_kstr(w, "name", teammate || client ? r->author_name : NULL);
    jw_end_obj(w);
    jw_key(w, "assets");
    jw_arr(w);
    for (size_t i = 0; i < r->n_assets; i++)
        asset_w(w, &r->assets[i]);
    jw_end_arr(w);
    call_iso(w, "created_at", r->created_at);
}

/* An event's actor as this API names the kinds (the store's user, contact, key, system). */
static const char *actor_kind(const char *stored)
{
    if (!stored) return "system";
    if (strcmp(stored, "user") == 0) return "teammate";
    if (strcmp(stored, "contact") == 0) return "client";
    return strcmp(stored, "key") == 0 ? "key" : "system";
}

static void client_w(jw *w, const contact_row *r)
{
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "email", r->email);
    jw_kstr(w, "country", r->country);
    jw_kstr(w, "identifier", r->identifier);
    jw_kbool(w, "is_blocked", r->is_blocked);
    jw_kstr(w, "plan_id", r->plan_id == NULL_INT ? NULL : r->plan_uuid);
    call_iso(w, "created_at", r->created_at);
    call_iso(w, "updated_at", r->updated_at);
    jw_end_obj(w);
}

static void category_w(jw *w, const category_row *r)
{
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "title", r->title);
    jw_kstr(w, "language", r->language);
    jw_kstr(w, "auto_reply", r->auto_reply);
    jw_kstr(w, "teammate_id", r->user_id == NULL_INT ? NULL : r->user_uuid);
    jw_key(w, "plan_ids");
    jw_arr(w);
    for (size_t i = 0; i < r->n_plans; i++)
        jw_str(w, r->plan_uuids[i]);
    jw_end_arr(w);
    jw_key(w, "subcategories");
    jw_arr(w);
    for (size_t i = 0; i < r->n_subcategories; i++)
        jw_str(w, r->subcategories[i]);
    jw_end_arr(w);
    call_iso(w, "created_at", r->created_at);
    call_iso(w, "updated_at", r->updated_at);
    jw_end_obj(w);
}

static void tag_w(jw *w, const tag_row *r)
{
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "description", r->description);
    jw_kstr(w, "color", r->color);
    jw_kint(w, "open_tickets", r->active);
    call_iso(w, "created_at", r->created_at);
    call_iso(w, "updated_at", r->updated_at);
    jw_end_obj(w);
}

static void team_w(jw *w, const team_row *r)
{
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "description", r->description);
    jw_kstr(w, "picture", r->picture);
    call_iso(w, "created_at", r->created_at);
    call_iso(w, "updated_at", r->updated_at);
    jw_end_obj(w);
}

/* One object as the answer: 201 for a create, else 200, with an ETag for a GET. */
#define ANSWER(c, http, shape, row)                                                                \
    do {                                                                                           \
        jw w_;                                                                                     \
        jw_init(&w_, 16 * 1024);                                                                   \
        shape(&w_, row);                                                                           \
        return strcmp((c)->req->method, "GET") == 0 ? reply_tagged(c, &w_)                         \
                                                    : reply_jw(c, http, &w_);                      \
    } while (0)

static status no_content(api_call *c)
{
    c->resp->status = 204;
    return ST_OK;
}

/* ---- replies and notes ---- */

static void reply_w(jw *w, const reply_row *r, const char *ticket_uuid)
{
    jw_obj(w);
    reply_members(w, r, ticket_uuid);
    jw_end_obj(w);
}

/* The ticket id of the path as the answer shows it (lower case: check_uuid's form). */
static const char *path_ticket(api_call *c)
{
    char *u = arena_alloc(c->req->a, UUID_STR_LEN + 1);
    return uuid_parse(c->req->params[0], u) ? u : c->req->params[0];
}

static status h_reply_create(api_call *c)
{
    json_t *b;
    reply_in in = {0};
    opt_strs assets;
    bool set;
    status st = body_of(c, reply_in_members, &b);
    if (!st) st = in_req_str(c, b, "text", &in.text);
    if (!st) st = in_bool(c, b, "note", &set, &in.note);
    if (!st) st = in_strs(c, b, "assets", &assets);
    if (st) return st;
    in.assets = assets.v;
    in.n_assets = assets.n;
    reply_row r;
    st = body_ref(c, ticket_post_reply(&c->cx, c->req->params[0], &in, &r), reply_in_members);
    if (st) return st;
    jw w;
    jw_init(&w, 16 * 1024);
    reply_w(&w, &r, path_ticket(c));
    return reply_jw(c, 201, &w);
}

static status h_reply_get(api_call *c)
{
    reply_row r;
    status st = ticket_reply_get(&c->cx, c->req->params[0], c->req->params[1], &r);
    if (st) return st;
    jw w;
    jw_init(&w, 16 * 1024);
    reply_w(&w, &r, path_ticket(c));
    return reply_tagged(c, &w);
}

/* ---- the timeline ---- */

/* Tag "t": the last item's ms, kind (0 or 1) and id; absent: the beginning. */
static status q_timeline_cursor(api_call *c, timeline_key *out)
{
    *out = (timeline_key){-1, 0, 0};
    const char *cur = q_get(c, "cursor");
    native_pos p;
    if (!cur) return ST_OK;
    status st = native_cursor_read(c, "t", cur, &p);
    if (st) return st;
    if (p.n[0] < 0 || p.n[1] < 0 || p.n[1] > 1 || p.n[2] < 0 || p.uuid)
        return diag_set(&c->d, ST_INVALID, "cursor", "is not a cursor this list answered");
    *out = (timeline_key){p.n[0], p.n[1], p.n[2]};
    return ST_OK;
}

static status h_timeline(api_call *c)
{
    int64_t limit;
    timeline_key after;
    timeline_item *items;
    size_t n;
    bool more;
    status st = native_limit(c, &limit);
    if (!st) st = q_timeline_cursor(c, &after);
    if (!st) st = ticket_timeline(&c->cx, c->req->params[0], &after, limit, &items, &n, &more);
    if (st) return st;
    const char *ticket = path_ticket(c);
    jw w;
    list_begin(&w);
    for (size_t i = 0; i < n; i++) {
        jw_obj(&w);
        if (items[i].reply) {
            jw_kstr(&w, "kind", items[i].reply->note ? "note" : "reply");
            reply_members(&w, items[i].reply, ticket);
        } else {
            const event_row *e = items[i].event;
            jw_kstr(&w, "kind", "event");
            jw_kstr(&w, "id", e->uuid);
            jw_kstr(&w, "ticket_id", ticket);
            jw_kstr(&w, "type", e->type);
            jw_key(&w, "actor");
            jw_obj(&w);
            jw_kstr(&w, "kind", actor_kind(e->actor_type));
            jw_kstr(&w, "id", e->actor_id);
            jw_end_obj(&w);
            jw_key(&w, "data");
            jw_raw(&w, e->data);
            call_iso(&w, "created_at", e->created_at);
        }
        jw_end_obj(&w);
    }
    const char *next = NULL;
    if (more && n) {
        const timeline_key *k = &items[n - 1].key;
        next = native_cursor_make(c, "t", &(native_pos){{k->at, k->kind, k->id}});
    }
    return list_end(c, &w, next);
}

/* ---- assets ---- */

/* multipart/form-data: `file`, optional `alt_text`. */
static status h_asset_upload(api_call *c)
{
    asset_in in = {.file = c->req->form ? c->req->form->file : NULL};
    asset_row a;
    status st = form_str(c, "alt_text", &in.alt_text);
    if (!st) st = asset_create(&c->cx, &in, &a);
    if (st) return st;
    ANSWER(c, 201, asset_w, &a);
}

static status h_asset_get(api_call *c)
{
    asset_row a;
    status st = asset_get(&c->cx, c->req->params[0], &a);
    if (st) return st;
    ANSWER(c, 200, asset_w, &a);
}

/* ---- teammates ---- */

static status teammate_body(api_call *c, user_in *in)
{
    json_t *b;
    *in = (user_in){0};
    status st = body_of(c, teammate_members, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "last_name", &in->last_name);
    if (!st) st = in_str(c, b, "email", &in->email);
    if (!st) st = in_str(c, b, "username", &in->username);
    if (!st) st = in_str(c, b, "role", &in->role);
    if (!st) st = in_str(c, b, "password", &in->password);
    if (!st) st = in_str(c, b, "picture", &in->picture);
    if (!st) st = in_str(c, b, "country", &in->country);
    if (!st) st = in_bool(c, b, "active", &in->active_set, &in->active);
    return st;
}

ROW_SHAPE(teammate_shape, user_row, native_teammate);

static status h_teammate_list(api_call *c)
{
    list_in in;
    int64_t limit;
    user_row *rows;
    size_t n;
    status st = q_keyset(c, &in, &limit);
    if (!st) st = user_list(&c->cx, &in, &rows, &n, NULL);
    return st ? st : keyset_page(c, limit, rows, n, &teammate_shape);
}

static status h_teammate_get(api_call *c)
{
    user_row u;
    status st = user_get(&c->cx, c->req->params[0], &u);
    if (st) return st;
    ANSWER(c, 200, native_teammate, &u);
}

static status h_teammate_create(api_call *c)
{
    user_in in;
    user_row u;
    status st = teammate_body(c, &in);
    if (!st) st = body_ref(c, user_create(&c->cx, &in, &u), teammate_members);
    if (st) return st;
    ANSWER(c, 201, native_teammate, &u);
}

/* An agent may change only its own record and never `role` or `active`: user_update asks the
 * policy. */
static status h_teammate_update(api_call *c)
{
    user_in in;
    user_row u;
    status st = teammate_body(c, &in);
    if (!st) st = body_ref(c, user_update(&c->cx, c->req->params[0], &in, &u), teammate_members);
    if (st) return st;
    ANSWER(c, 200, native_teammate, &u);
}

static status h_teammate_delete(api_call *c)
{
    status st = user_delete(&c->cx, c->req->params[0]);
    return st ? st : no_content(c);
}

/* ---- clients ---- */

static status client_body(api_call *c, contact_in *in)
{
    json_t *b;
    bool set, blocked = false;
    *in = (contact_in){.is_blocked = -1};
    status st = body_of(c, client_members, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "email", &in->email);
    if (!st) st = in_str(c, b, "country", &in->country);
    if (!st) st = in_str(c, b, "plan_id", &in->plan);
    if (!st) st = in_str(c, b, "identifier", &in->identifier);
    if (!st) st = in_bool(c, b, "is_blocked", &set, &blocked);
    if (!st && set) in->is_blocked = blocked;
    return st;
}

ROW_SHAPE(client_shape, contact_row, client_w);

static status h_client_list(api_call *c)
{
    list_in in;
    int64_t limit;
    contact_row *rows;
    size_t n;
    status st = q_keyset(c, &in, &limit);
    if (!st) st = contact_list(&c->cx, &in, &rows, &n, NULL);
    return st ? st : keyset_page(c, limit, rows, n, &client_shape);
}

static status h_client_get(api_call *c)
{
    contact_row r;
    status st = contact_get(&c->cx, c->req->params[0], &r);
    if (st) return st;
    ANSWER(c, 200, client_w, &r);
}

static status h_client_create(api_call *c)
{
    contact_in in;
    contact_row r;
    status st = client_body(c, &in);
    if (!st) st = renamed(c, contact_create(&c->cx, &in, &r), "billing_plan", "plan_id");
    st = body_ref(c, st, client_members);
    if (st) return st;
    ANSWER(c, 201, client_w, &r);
}

static status h_client_update(api_call *c)
{
    contact_in in;
    contact_row r;
    status st = client_body(c, &in);
    if (!st)
        st = renamed(c, contact_update(&c->cx, c->req->params[0], &in, &r), "billing_plan",
                     "plan_id");
    st = body_ref(c, st, client_members);
    if (st) return st;
    ANSWER(c, 200, client_w, &r);
}

static status h_client_delete(api_call *c)
{
    status st = contact_delete(&c->cx, c->req->params[0]);
    return st ? st : no_content(c);
}

/* ---- categories ---- */

static status category_body(api_call *c, category_in *in)
{
    json_t *b;
    *in = (category_in){0};
    status st = body_of(c, category_members, &b);
    if (!st) st = in_str(c, b, "title", &in->title);
    if (!st) st = in_str(c, b, "language", &in->language);
    if (!st) st = in_str(c, b, "auto_reply", &in->auto_reply);
    if (!st) st = in_str(c, b, "teammate_id", &in->teammate_id);
    if (!st) st = in_strs(c, b, "plan_ids", &in->plans);
    if (!st) st = in_strs(c, b, "subcategories", &in->subcategories);
    return st;
}

/* core/ names them as Tamio does. */
static status category_names(api_call *c, status st)
{
    st = renamed(c, st, "automated_reply", "auto_reply");
    return body_ref(c, renamed(c, st, "billing_plans", "plan_ids"), category_members);
}

ROW_SHAPE(category_shape, category_row, category_w);

static status h_category_list(api_call *c)
{
    list_in in;
    int64_t limit;
    category_row *rows;
    size_t n;
    status st = q_keyset(c, &in, &limit);
    if (!st) st = category_list(&c->cx, &in, &rows, &n, NULL);
    return st ? st : keyset_page(c, limit, rows, n, &category_shape);
}

static status h_category_get(api_call *c)
{
    category_row r;
    status st = category_get(&c->cx, c->req->params[0], &r);
    if (st) return st;
    ANSWER(c, 200, category_w, &r);
}

static status h_category_create(api_call *c)
{
    category_in in;
    category_row r;
    status st = category_body(c, &in);
    if (!st) st = category_names(c, category_create(&c->cx, &in, &r));
    if (st) return st;
    ANSWER(c, 201, category_w, &r);
}

static status h_category_update(api_call *c)
{
    category_in in;
    category_row r;
    status st = category_body(c, &in);
    /* core/ takes title and language on every update (Tamio's is a whole replacement): a
     * PATCH leaves out what stays, so the current ones stand in. */
    if (!st && (!in.title.set || !in.language.set))
        st = category_get(&c->cx, c->req->params[0], &r);
    if (st) return st;
    if (!in.title.set) in.title = (opt_str){true, r.title};
    if (!in.language.set) in.language = (opt_str){true, r.language};
    if ((st = category_names(c, category_update(&c->cx, c->req->params[0], &in, &r)))) return st;
    ANSWER(c, 200, category_w, &r);
}

static status h_category_delete(api_call *c)
{
    status st = category_delete(&c->cx, c->req->params[0]);
    return st ? st : no_content(c);
}

/* ---- billing plans: read only here (the vendor dialects make them) ---- */

static void plan_w(jw *w, const plan_row *r)
{
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    call_iso(w, "created_at", r->created_at);
    jw_end_obj(w);
}

ROW_SHAPE(plan_shape, plan_row, plan_w);

static status h_plan_list(api_call *c)
{
    list_in in;
    int64_t limit;
    plan_row *rows;
    size_t n;
    status st = q_keyset(c, &in, &limit);
    if (!st) st = plan_list(&c->cx, &in, &rows, &n, NULL);
    return st ? st : keyset_page(c, limit, rows, n, &plan_shape);
}

/* ---- tags ---- */

static status tag_body(api_call *c, tag_in *in)
{
    json_t *b;
    *in = (tag_in){0};
    status st = body_of(c, tag_members, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "description", &in->description);
    if (!st) st = in_str(c, b, "color", &in->color);
    return st;
}

ROW_SHAPE(tag_shape, tag_row, tag_w);

static status h_tag_list(api_call *c)
{
    list_in in;
    int64_t limit;
    tag_row *rows;
    size_t n;
    status st = q_keyset(c, &in, &limit);
    if (!st) st = tag_list(&c->cx, &in, &rows, &n);
    return st ? st : keyset_page(c, limit, rows, n, &tag_shape);
}

static status h_tag_get(api_call *c)
{
    tag_row r;
    status st = tag_get(&c->cx, c->req->params[0], &r);
    if (st) return st;
    ANSWER(c, 200, tag_w, &r);
}

static status h_tag_create(api_call *c)
{
    tag_in in;
    tag_row r;
    status st = tag_body(c, &in);
    if (!st) st = tag_create(&c->cx, &in, &r);
    if (st) return st;
    ANSWER(c, 201, tag_w, &r);
}

static status h_tag_update(api_call *c)
{
    tag_in in;
    tag_row r;
    status st = tag_body(c, &in);
    if (!st) st = tag_update(&c->cx, c->req->params[0], &in, &r);
    if (st) return st;
    ANSWER(c, 200, tag_w, &r);
}

static status h_tag_delete(api_call *c)
{
    status st = tag_delete(&c->cx, c->req->params[0]);
    return st ? st : no_content(c);
}

/* ---- teams ---- */

static status team_body(api_call *c, team_in *in)
{
    json_t *b;
    *in = (team_in){0};
    status st = body_of(c, team_members, &b);
    if (!st) st = in_str(c, b, "name", &in->name);
    if (!st) st = in_str(c, b, "description", &in->description);
    if (!st) st = in_str(c, b, "picture", &in->picture);
    return st;
}

ROW_SHAPE(team_shape, team_row, team_w);

static status h_team_list(api_call *c)
{
    list_in in;
    int64_t limit;
    team_row *rows;
    size_t n;
    status st = q_keyset(c, &in, &limit);
    if (!st) st = team_list(&c->cx, &in, &rows, &n);
    return st ? st : keyset_page(c, limit, rows, n, &team_shape);
}

static status h_team_get(api_call *c)
{
    team_row r;
    status st = team_get(&c->cx, c->req->params[0], &r);
    if (st) return st;
    ANSWER(c, 200, team_w, &r);
}

static status h_team_create(api_call *c)
{
    team_in in;
    team_row r;
    status st = team_body(c, &in);
    if (!st) st = team_create(&c->cx, &in, &r);
    if (st) return st;
    ANSWER(c, 201, team_w, &r);
}

static status h_team_update(api_call *c)
{
    team_in in;
    team_row r;
    status st = team_body(c, &in);
    if (!st) st = team_update(&c->cx, c->req->params[0], &in, &r);
    if (st) return st;
    ANSWER(c, 200, team_w, &r);
}

static status h_team_delete(api_call *c)
{
    status st = team_remove(&c->cx, c->req->params[0]);
    return st ? st : no_content(c);
}

#define R(res_, op_) DIALECT_NATIVE, .res = res_, .op = op_
static const api_route routes[] = {
    {"POST", NATIVE "/tickets/{id}/replies", h_reply_create, R(RES_TICKET, OP_CHANGE)},
    {"GET", NATIVE "/tickets/{id}/replies/{reply_id}", h_reply_get, R(RES_TICKET, OP_READ)},
    {"GET", NATIVE "/tickets/{id}/timeline", h_timeline, R(RES_TICKET, OP_READ)},
    {"POST", NATIVE "/assets", h_asset_upload, DIALECT_NATIVE, .upload = true, .res = RES_ASSET,
     .op = OP_CREATE},
    {"GET", NATIVE "/assets/{id}", h_asset_get, R(RES_ASSET, OP_READ)},
    {"GET", NATIVE "/teammates", h_teammate_list, R(RES_TEAMMATE, OP_READ)},
    {"POST", NATIVE "/teammates", h_teammate_create, R(RES_TEAMMATE, OP_CREATE)},
    {"GET", NATIVE "/teammates/{id}", h_teammate_get, R(RES_TEAMMATE, OP_READ)},
    {"PATCH", NATIVE "/teammates/{id}", h_teammate_update, R(RES_TEAMMATE, OP_CHANGE)},
    {"DELETE", NATIVE "/teammates/{id}", h_teammate_delete, R(RES_TEAMMATE, OP_DELETE)},
    {"GET", NATIVE "/clients", h_client_list, R(RES_CLIENT, OP_READ)},
    {"POST", NATIVE "/clients", h_client_create, R(RES_CLIENT, OP_CREATE)},
    {"GET", NATIVE "/clients/{id}", h_client_get, R(RES_CLIENT, OP_READ)},
    {"PATCH", NATIVE "/clients/{id}", h_client_update, R(RES_CLIENT, OP_CHANGE)},
    {"DELETE", NATIVE "/clients/{id}", h_client_delete, R(RES_CLIENT, OP_DELETE)},
    {"GET", NATIVE "/categories", h_category_list, R(RES_SETTINGS, OP_READ)},
    {"POST", NATIVE "/categories", h_category_create, R(RES_SETTINGS, OP_CREATE)},
    {"GET", NATIVE "/categories/{id}", h_category_get, R(RES_SETTINGS, OP_READ)},
    {"PATCH", NATIVE "/categories/{id}", h_category_update, R(RES_SETTINGS, OP_CHANGE)},
    {"DELETE", NATIVE "/categories/{id}", h_category_delete, R(RES_SETTINGS, OP_DELETE)},
    {"GET", NATIVE "/plans", h_plan_list, R(RES_SETTINGS, OP_READ)},
    {"GET", NATIVE "/tags", h_tag_list, R(RES_SETTINGS, OP_READ)},
    {"POST", NATIVE "/tags", h_tag_create, R(RES_SETTINGS, OP_CREATE)},
    {"GET", NATIVE "/tags/{id}", h_tag_get, R(RES_SETTINGS, OP_READ)},
    {"PATCH", NATIVE "/tags/{id}", h_tag_update, R(RES_SETTINGS, OP_CHANGE)},
    {"DELETE", NATIVE "/tags/{id}", h_tag_delete, R(RES_SETTINGS, OP_DELETE)},
    {"GET", NATIVE "/teams", h_team_list, R(RES_SETTINGS, OP_READ)},
    {"POST", NATIVE "/teams", h_team_create, R(RES_SETTINGS, OP_CREATE)},
    {"GET", NATIVE "/teams/{id}", h_team_get, R(RES_SETTINGS, OP_READ)},
    {"PATCH", NATIVE "/teams/{id}", h_team_update, R(RES_SETTINGS, OP_CHANGE)},
    {"DELETE", NATIVE "/teams/{id}", h_team_delete, R(RES_SETTINGS, OP_DELETE)},
};
const api_dialect native_people_dialect = {DIALECT_NATIVE, NATIVE,
                                           routes,         sizeof routes / sizeof routes[0],
                                           native_error,   native_no_route};
