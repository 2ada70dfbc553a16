/* Dispatch for every dialect: joins the route tables, authenticates the key of a request and
 * sets up its core context, runs the handler, and renders failures in the dialect's documented
 * error shape. Also the shared body/query/answer helpers declared in call.h. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "core/auth.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

static api_config config;

static status parse_body(api_req *req, json_t **out, diag *d);
static api_route route_table[256];
const api_route *api_routes = route_table;
size_t api_route_count;

static void add_routes(const api_route *r, size_t n)
{
    BUG_ON(api_route_count + n > sizeof route_table / sizeof route_table[0]);
    memcpy(route_table + api_route_count, r, n * sizeof *r);
    api_route_count += n;
}

void api_init(const api_config *cfg)
{
    config = *cfg;
    api_route_count = 0;
    add_routes(ops_routes, ops_route_count);
    add_routes(tamio_routes, tamio_route_count);
    add_routes(zaia_routes, zaia_route_count);
    add_routes(files_routes, files_route_count);
    add_routes(apizee_routes, apizee_route_count);
}

static dialect dialect_of_path(const char *path)
{
    if (strncmp(path, "/v2/", 4) == 0 || strcmp(path, "/v2") == 0) return DIALECT_TAMIO;
    if (strncmp(path, "/api/v1/", 8) == 0 || strcmp(path, "/api/v1") == 0) return DIALECT_ZAIA;
    if (strncmp(path, "/api/v3/", 8) == 0 || strcmp(path, "/api/v3") == 0) return DIALECT_APIZEE;
    return DIALECT_OPS;
}

int call_http_status(status st)
{
    static const int codes[] = {
        [ST_OK] = 200,        [ST_INVALID] = 400,   [ST_NOT_FOUND] = 404,
        [ST_CONFLICT] = 409,  [ST_FORBIDDEN] = 403, [ST_UNAUTHORIZED] = 401,
        [ST_TOO_LARGE] = 413, [ST_INTERNAL] = 500,  [ST_UNAVAILABLE] = 503,
    };
    return codes[st];
}

static void ops_error(api_call *c, status st)
{
    int http = call_http_status(st);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_integer(http));
    if (c->d.field[0] && c->d.msg[0])
        json_object_set_new(o, "error", json_sprintf("%s %s", c->d.field, c->d.msg));
    else
        json_object_set_new(o, "error", json_string(c->d.msg[0] ? c->d.msg : status_name(st)));
    (void)reply_json(c, http, o);
}

static void render_error(api_call *c, dialect dl, status st)
{
    if (st == ST_INTERNAL && !c->d.msg[0]) diag_set(&c->d, st, "", "internal error");
    if (st == ST_UNAVAILABLE && !c->d.msg[0])
        diag_set(&c->d, st, "", "the database is unavailable; retry the request");
    switch (dl) {
    case DIALECT_TAMIO:
        tamio_error(c, st);
        return;
    case DIALECT_ZAIA:
        zaia_error(c, st);
        return;
    case DIALECT_APIZEE:
        apizee_error(c, st);
        return;
    default:
        ops_error(c, st);
        return;
    }
}

/* "Bearer <key>" or the raw key. */
static const char *presented_key(const char *h)
{
    if (!h) return NULL;
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "Bearer ", 7) == 0) {
        h += 7;
        while (*h == ' ')
            h++;
    }
    return h;
}

/* Every query value must be UTF-8 before any handler reads it. */
static status check_query(api_call *c)
{
    for (size_t i = 0; i < c->req->n_query; i++) {
        const api_kv *kv = &c->req->query[i];
        if (!text_utf8_valid(kv->name, strlen(kv->name)) ||
            (kv->value && !text_utf8_valid(kv->value, strlen(kv->value))))
            return diag_set(&c->d, ST_INVALID, kv->name, "must be valid UTF-8");
    }
    return ST_OK;
}

/* Checks the request's key (or bearer token) on cx->db and makes its workspace the
 * context's; a token also makes its user the actor. */
static status authenticate(core_ctx *cx, const api_req *req)
{
    const char *presented = presented_key(req->authorization);
    if (token_shaped(presented)) {
        token_row t;
        user_row u;
        status st = token_authenticate(cx->db, presented, cx->now, cx->a, &t, &u);
        if (st) return st;
        cx->ws = t.ws;
        memcpy(cx->ws_uuid, t.ws_uuid, sizeof cx->ws_uuid);
        cx->actor = ACTOR_USER;
        memcpy(cx->actor_id, u.uuid, sizeof cx->actor_id);
        cx->user_id = u.id;
        cx->admin = u.role && strcmp(u.role, "admin") == 0;
        return ST_OK;
    }
    key_row k;
    status st = key_authenticate(cx->db, presented, &k);
    if (st) return st;
    cx->ws = k.ws;
    memcpy(cx->ws_uuid, k.ws_uuid, sizeof cx->ws_uuid);
    cx->actor = ACTOR_KEY;
    memcpy(cx->actor_id, k.uuid, sizeof cx->actor_id);
    return ST_OK;
}

void api_invoke(const api_route *r, api_req *req, api_resp *resp)
{
    BUG_ON(api_route_writes(r));
    api_call c = {.req = req, .resp = resp, .route = r};
    c.cx.a = req->a;
    c.cx.d = &c.d;
    status st = ST_OK;
    bool reading = false; /* a read transaction is open and must be ended */
    if (!r->public_) {
        if ((st = core_ctx_init(&c.cx, config.st, req->a, &c.d))) goto out;
        /* A read's queries, the key check included, share one snapshot. */
        if ((st = core_read_begin(&c.cx))) goto out;
        reading = true;
        if (!r->key_optional || req->authorization) st = authenticate(&c.cx, req);
        if (st) goto out;
    }
    if ((st = check_query(&c))) goto out;
    st = r->fn(&c);
out:
    if (reading) core_read_end(&c.cx);
    if (st) render_error(&c, r->dl, st);
}

bool api_route_writes(const api_route *r)
{
    return !r->public_ && strcmp(r->method, "GET") != 0;
}

/* Runs on the writer thread, inside the job's savepoint: the key check, then the handler. */
static status write_run(db *writer, void *arg)
{
    api_write *w = arg;
    api_call c = {.req = w->req, .resp = w->resp, .route = w->route, .body = w->body};
    core_ctx_init_job(&c.cx, config.st, writer, w->req->a, &c.d);
    status st = authenticate(&c.cx, w->req);
    if (!st) st = check_query(&c);
    if (!st) st = w->route->fn(&c);
    if (st) render_error(&c, w->route->dl, st);
    w->ran = st;
    w->after = c.cx.after;
    return st;
}

/* After the COMMIT: the work the handler's core calls left for then. */
static void write_after(db *writer, void *arg)
{
    api_write *w = arg;
    core_run_after(w->after, writer);
}

static void write_done(void *arg, status committed)
{
    api_write *w = arg;
    w->committed = committed;
    w->ready(w->ctx);
}

void api_submit_write(api_write *w, const api_route *r, api_req *req, api_resp *resp,
                      void (*ready)(void *ctx), void *ctx)
{
    *w = (api_write){.route = r, .req = req, .resp = resp, .ready = ready, .ctx = ctx};
    w->job = (store_job){.run = write_run, .done = write_done, .after = write_after, .arg = w};
    /* Parse here, off the writer thread; a body that does not parse is reported (and parsed
     * again) by the handler, so bad input is answered where it always was. */
    diag d = {0};
    json_t *body;
    if (!parse_body(req, &body, &d)) w->body = body;
    core_submit(config.st, &w->job);
}

void api_finish_write(api_write *w)
{
    if (!w->committed || w->ran) return; /* durable, or failed and answered as such */
    /* The answer said it worked, but the transaction did not commit: say so instead. */
    free(w->resp->body);
    *w->resp = (api_resp){0};
    api_call c = {.req = w->req, .resp = w->resp, .route = w->route};
    status st = w->committed == ST_UNAVAILABLE ? ST_UNAVAILABLE : ST_INTERNAL;
    diag_set(&c.d, st, "",
             st == ST_UNAVAILABLE ? "the database is unavailable; nothing was "
                                    "written, retry the request"
                                  : "the change could not be committed");
    render_error(&c, w->route->dl, st);
}

void api_no_route(api_req *req, api_resp *resp, bool method_not_allowed)
{
    api_call c = {.req = req, .resp = resp};
    int code = method_not_allowed ? 405 : 404;
    if (dialect_of_path(req->path) == DIALECT_ZAIA) {
        diag_set(&c.d, method_not_allowed ? ST_INVALID : ST_NOT_FOUND, "", "Cannot %s %s",
                 req->method, req->path);
        zaia_no_route(&c, code);
        return;
    }
    if (dialect_of_path(req->path) == DIALECT_APIZEE) {
        diag_set(&c.d, ST_NOT_FOUND, "", "%s",
                 method_not_allowed ? "Method not allowed" : "Not found");
        json_t *a = json_pack("{s:i,s:s}", "code", code, "message", c.d.msg);
        (void)reply_json(&c, code, a);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "status", json_integer(code));
    json_object_set_new(o, "error",
                        json_string(method_not_allowed ? "Method not allowed" : "Not found"));
    if (dialect_of_path(req->path) == DIALECT_TAMIO)
        json_object_set_new(o, "error_code", json_integer(code));
    (void)reply_json(&c, code, o);
}

void call_error(api_call *c, status st)
{
    render_error(c, c->route ? c->route->dl : dialect_of_path(c->req->path), st);
}

uint64_t api_max_upload(void)
{
    return config.max_upload;
}

/* ---- uploads ---- */

void api_upload_begin(const api_route *r, api_req *req)
{
    api_form *f = ARENA_NEW(req->a, api_form);
    req->form = f;
    core_ctx cx;
    /* No byte of the body is kept for a request without a valid key. */
    f->st = core_ctx_init(&cx, config.st, req->a, &f->d);
    if (!f->st) f->st = core_read_begin(&cx);
    if (f->st) return;
    f->st = authenticate(&cx, req);
    core_read_end(&cx);
}

void api_upload_fail(api_req *req, const char *field, const char *msg)
{
    api_form *f = req->form;
    if (!f->st) f->st = diag_set(&f->d, ST_INVALID, field, "%s", msg);
}

bool api_upload_part(api_req *req, const char *key, const char *filename, const char *data,
                     uint64_t off, size_t size)
{
    api_form *f = req->form;
    if (f->st) return false;
    /* libmicrohttpd may hand over a value's start more than once at offset 0 (an empty piece,
     * then the data), so only an offset-0 piece after bytes of the same name starts a new
     * part. */
    if (strcmp(key, "file") == 0) {
        if (off == 0 && f->file && asset_file_size(f->file)) {
            api_upload_fail(req, "file", "must be given once");
            return false;
        }
        if (!f->file) {
            f->st = asset_file_new(req->a, &f->file, &f->d);
            f->filename = filename ? arena_strdup(req->a, filename) : NULL;
        }
        if (!f->st && size) f->st = asset_file_write(f->file, data, size, &f->d);
        return !f->st;
    }
    form_field *fd = NULL;
    for (size_t i = 0; i < f->n_fields && !fd; i++)
        if (strcmp(f->fields[i].name, key) == 0) fd = &f->fields[i];
    if (fd && off == 0 && fd->len) {
        f->st = diag_set(&f->d, ST_INVALID, key, "must be given once");
        return false;
    }
    if (!fd) {
        if (f->n_fields == LIMIT_FORM_FIELDS) {
            f->st =
                diag_set(&f->d, ST_INVALID, "body", "has more than %d fields", LIMIT_FORM_FIELDS);
            return false;
        }
        fd = &f->fields[f->n_fields++];
        fd->name = arena_strdup(req->a, key);
    }
    if (fd->len + size > LIMIT_FORM_FIELD) {
        f->st = diag_set(&f->d, ST_INVALID, key, "is longer than %d bytes", LIMIT_FORM_FIELD);
        return false;
    }
    if (fd->len + size + 1 > fd->cap) {
        size_t cap = (fd->len + size + 1) * 2;
        char *v = arena_alloc(req->a, cap);
        if (fd->len) memcpy(v, fd->v, fd->len);
        fd->v = v;
        fd->cap = cap;
    }
    if (size) memcpy(fd->v + fd->len, data, size);
    fd->len += size;
    fd->v[fd->len] = '\0';
    return true;
}

bool api_upload_end(const api_route *r, api_req *req, api_resp *resp)
{
    api_form *f = req->form;
    api_call c = {.req = req, .resp = resp, .route = r};
    status st = f->st;
    if (st) {
        c.d = f->d;
    } else if (f->file) {
        /* The slow part (decoding, thumbnails) runs here, on the request's thread. */
        st = asset_file_process(f->file, f->filename, req->a, &c.d);
    }
    if (st) render_error(&c, r->dl, st);
    return !st;
}

status form_str(api_call *c, const char *name, opt_str *out)
{
    *out = (opt_str){0};
    api_form *f = c->req->form;
    for (size_t i = 0; f && i < f->n_fields; i++) {
        const form_field *fd = &f->fields[i];
        if (strcmp(fd->name, name)) continue;
        if (memchr(fd->v ? fd->v : "", 0, fd->len) || !text_utf8_valid(fd->v ? fd->v : "", fd->len))
            return diag_set(&c->d, ST_INVALID, name, "must be UTF-8 text");
        out->set = true;
        out->v = fd->v ? fd->v : "";
        return ST_OK;
    }
    return ST_OK;
}

void api_too_large(api_req *req, api_resp *resp, uint64_t limit)
{
    api_call c = {.req = req, .resp = resp};
    diag_set(&c.d, ST_TOO_LARGE, "body", "is larger than %llu bytes", (unsigned long long)limit);
    render_error(&c, dialect_of_path(req->path), ST_TOO_LARGE);
}

/* ---- call.h: bodies ---- */

static void decref(void *p)
{
    json_decref(p);
}

/* Parses a request body: {} when empty; released with the request's arena. */
static status parse_body(api_req *req, json_t **out, diag *d)
{
    const char *b = req->body;
    size_t n = req->body_len;
    size_t i = 0;
    while (b && i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    json_t *j;
    if (!b || i == n) {
        j = json_object();
    } else {
        json_error_t err;
        j = json_loadb(b, n, 0, &err);
        if (!j)
            return diag_set(d, ST_INVALID, "body",
                            "must be a JSON object (%s at line %d column %d)", err.text, err.line,
                            err.column);
    }
    arena_defer(req->a, decref, j);
    if (!json_is_object(j)) return diag_set(d, ST_INVALID, "body", "must be a JSON object");
    *out = j;
    return ST_OK;
}

status call_body(api_call *c, json_t **out)
{
    if (!c->body && parse_body(c->req, &c->body, &c->d)) {
        c->body = NULL;
        return ST_INVALID;
    }
    *out = c->body;
    return ST_OK;
}

status in_str(api_call *c, json_t *obj, const char *key, opt_str *out)
{
    json_t *v = json_object_get(obj, key);
    out->set = v != NULL;
    out->v = NULL;
    if (!v || json_is_null(v)) return ST_OK;
    if (!json_is_string(v)) return diag_set(&c->d, ST_INVALID, key, "must be a string");
    out->v = json_string_value(v);
    return ST_OK;
}

status in_req_str(api_call *c, json_t *obj, const char *key, const char **out)
{
    opt_str s;
    status st = in_str(c, obj, key, &s);
    if (st) return st;
    if (!s.v) return diag_set(&c->d, ST_INVALID, key, "is required");
    *out = s.v;
    return ST_OK;
}

status in_strs(api_call *c, json_t *obj, const char *key, opt_strs *out)
{
    json_t *v = json_object_get(obj, key);
    out->set = v != NULL;
    out->n = 0;
    out->v = NULL;
    if (!v || json_is_null(v)) return ST_OK;
    if (!json_is_array(v)) return diag_set(&c->d, ST_INVALID, key, "must be an array of strings");
    size_t n = json_array_size(v);
    if (n > 1000) return diag_set(&c->d, ST_INVALID, key, "has too many items");
    out->v = ARENA_ARRAY(c->req->a, const char *, n + 1);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e))
            return diag_set(&c->d, ST_INVALID, key, "must be an array of strings");
        out->v[out->n++] = json_string_value(e);
    }
    return ST_OK;
}

/* ---- call.h: query strings ---- */

const char *q_get(api_call *c, const char *name)
{
    for (size_t i = 0; i < c->req->n_query; i++)
        if (strcmp(c->req->query[i].name, name) == 0)
            return c->req->query[i].value ? c->req->query[i].value : "";
    return NULL;
}

static bool kv_is(const char *k, const char *name, size_t len)
{
    return !strncmp(k, name, len) && (!k[len] || !strcmp(k + len, "[]"));
}

const char *kv_join(arena *a, const api_kv *kv, size_t n, const char *name)
{
    size_t len = strlen(name), total = 0, hits = 0;
    const char *one = NULL;
    for (size_t i = 0; i < n; i++)
        if (kv_is(kv[i].name, name, len)) {
            one = kv[i].value ? kv[i].value : "";
            total += strlen(one) + 1;
            hits++;
        }
    if (hits < 2) return one;
    char *out = arena_alloc(a, total), *p = out; /* one copy: a long list stays linear */
    bool first = true; /* not p != out: an empty first value still takes its comma */
    for (size_t i = 0; i < n; i++)
        if (kv_is(kv[i].name, name, len)) {
            const char *v = kv[i].value ? kv[i].value : "";
            size_t k = strlen(v);
            if (!first) *p++ = ',';
            first = false;
            memcpy(p, v, k);
            p += k;
        }
    *p = '\0';
    return out;
}

static status q_int(api_call *c, const char *name, bool required, long long lo, long long hi,
                    long long dflt, int64_t *out)
{
    const char *v = q_get(c, name);
    long long n;
    if (!v) {
        if (required) return diag_set(&c->d, ST_INVALID, name, "is required");
        *out = dflt;
        return ST_OK;
    }
    if (!text_parse_int(v, &n) || n < lo || n > hi)
        return diag_set(&c->d, ST_INVALID, name, "must be an integer between %lld and %lld", lo,
                        hi);
    *out = n;
    return ST_OK;
}

static status q_time(api_call *c, const char *name, int64_t *out)
{
    const char *v = q_get(c, name);
    *out = NULL_INT;
    if (!v) return ST_OK;
    if (!time_parse_any(v, out))
        return diag_set(&c->d, ST_INVALID, name, "must be an ISO 8601 date or unix timestamp");
    return ST_OK;
}

status q_paging(api_call *c, const char *page_key, const char *size_key, bool required,
                list_in *out)
{
    *out = (list_in){.desc = true, .sort = SORT_CREATED_MS, .from_ms = NULL_INT, .to_ms = NULL_INT};
    status st = q_int(c, page_key, required, 1, LIMIT_PAGE_NUMBER, 1, &out->page);
    return st ? st : q_int(c, size_key, required, 1, LIMIT_PAGE_SIZE, 10, &out->per_page);
}

status q_list(api_call *c, const char *page_key, const char *size_key, const sort_opt *sorts,
              size_t n_sorts, list_in *out)
{
    status st = q_paging(c, page_key, size_key, true, out);
    if (st) return st;
    const char *order = q_get(c, "order");
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return diag_set(&c->d, ST_INVALID, "order", "must be asc or desc");
    out->desc = !order || strcmp(order, "desc") == 0;
    const char *sort = q_get(c, "sort_by");
    out->sort = sorts[0].sort;
    if (sort) {
        size_t i = 0;
        while (i < n_sorts && strcmp(sorts[i].name, sort))
            i++;
        if (i == n_sorts) {
            char allowed[128] = "";
            for (size_t k = 0; k < n_sorts; k++)
                snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
                         k ? (k + 1 == n_sorts ? " or " : ", ") : "", sorts[k].name);
            return diag_set(&c->d, ST_INVALID, "sort_by", "must be %s", allowed);
        }
        out->sort = sorts[i].sort;
    }
    if ((st = q_time(c, "from", &out->from_ms))) return st;
    return q_time(c, "to", &out->to_ms);
}

status q_bool(api_call *c, const char *name, int *out)
{
    const char *v = q_get(c, name);
    *out = -1;
    if (!v) return ST_OK;
    if (strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0)
        *out = 0;
    else
        return diag_set(&c->d, ST_INVALID, name, "must be true or false");
    return ST_OK;
}

status q_uuid(api_call *c, const char *name, const char **out)
{
    const char *v = q_get(c, name);
    *out = v;
    if (v && !uuid_parse(v, NULL)) return diag_set(&c->d, ST_INVALID, name, "must be a UUID");
    return ST_OK;
}

/* A multi-valued uuid filter: `key=a`, `key=a&key=b`, `key=a,b` (and `key[]=…`). */
status q_uuids(api_call *c, const char *key, uuid_list *out)
{
    size_t cap = 0;
    char alt[64];
    snprintf(alt, sizeof alt, "%s[]", key);
    out->v = NULL;
    out->n = 0;
    for (size_t i = 0; i < c->req->n_query; i++) {
        const api_kv *kv = &c->req->query[i];
        if (strcmp(kv->name, key) && strcmp(kv->name, alt)) continue;
        const char *p = kv->value ? kv->value : "";
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (len) {
                char *one = arena_alloc(c->req->a, len + 1);
                memcpy(one, p, len);
                one[len] = '\0';
                char *uuid = arena_alloc(c->req->a, UUID_STR_LEN + 1);
                if (!uuid_parse(one, uuid))
                    return diag_set(&c->d, ST_INVALID, key,
                                    "must be UUIDs (one, repeated, or "
                                    "comma-separated)");
                if (out->n == LIMIT_PAGE_SIZE)
                    return diag_set(&c->d, ST_INVALID, key, "must have at most %d values",
                                    LIMIT_PAGE_SIZE);
                out->v = arena_grow(c->req->a, out->v, &cap, out->n, sizeof *out->v);
                out->v[out->n++] = uuid;
            }
            if (!comma) break;
            p = comma + 1;
        }
    }
    return ST_OK;
}

/* ---- call.h: answers ---- */

status call_open(api_call *c)
{
    c->cx.a = c->req->a;
    c->cx.d = &c->d;
    return core_ctx_init(&c->cx, config.st, c->req->a, &c->d);
}

void call_header(api_resp *r, const char *name, const char *value)
{
    BUG_ON(r->n_headers == API_MAX_HEADERS);
    r->headers[r->n_headers++] = (api_kv){name, value};
}

const char *call_disposition(arena *a, const char *filename, bool show)
{
    size_t n = strlen(filename);
    char *ascii = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)filename[i];
        ascii[i] = ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? (char)ch : '_';
    }
    ascii[n] = '\0';
    return arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s",
                        show ? "inline" : "attachment", ascii, text_url_encode(a, filename));
}

status call_send_file(api_call *c, const asset_blob *b, const char *mime, bool show)
{
    api_resp *r = c->resp;
    r->status = 200;
    r->content_type = mime ? mime : b->mime;
    call_header(r, "Content-Disposition", call_disposition(c->req->a, b->filename, show));
    call_header(r, "X-Content-Type-Options", "nosniff");
    r->has_file = true;
    r->file_fd = b->fd;
    r->file_off = 0;
    r->file_len = b->size;
    return ST_OK;
}

void call_iso(jw *w, const char *k, int64_t ms)
{
    jw_key(w, k);
    if (ms == NULL_INT) {
        jw_null(w);
        return;
    }
    char b[TIME_ISO_LEN + 1];
    time_format_iso(ms, b);
    jw_str(w, b);
}

status reply_json(api_call *c, int http_status, json_t *root)
{
    char *s = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!s) bug_at(__FILE__, __LINE__, "json_dumps failed");
    c->resp->status = http_status;
    c->resp->body = s;
    c->resp->len = strlen(s);
    c->resp->content_type = "application/json";
    return ST_OK;
}

status reply_jw(api_call *c, int http_status, jw *w)
{
    char *s;
    size_t n;
    status st = jw_finish(w, &s, &n);
    if (st) return diag_set(&c->d, st, "", "the response is too large");
    c->resp->status = http_status;
    c->resp->body = s;
    c->resp->len = n;
    c->resp->content_type = "application/json";
    return ST_OK;
}

void call_dims(jw *w, const asset_row *a)
{
    jw_key(w, "width");
    jw_int_or_null(w, a->width, NULL_INT);
    jw_key(w, "height");
    jw_int_or_null(w, a->height, NULL_INT);
}

void call_thumbnails(jw *w, const asset_row *a)
{
    jw_key(w, "thumbnails");
    jw_arr(w);
    for (size_t i = 0; i < a->n_thumbs; i++) {
        jw_obj(w);
        jw_kstr(w, "url", a->thumbs[i].url);
        jw_kint(w, "width", a->thumbs[i].width);
        jw_kint(w, "height", a->thumbs[i].height);
        jw_end_obj(w);
    }
    jw_end_arr(w);
}
