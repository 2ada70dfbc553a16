/* The dispatcher: joins the dialects' route tables, authenticates the key of a request and sets
 * up its core context, applies the access policy and the rate limits, runs the handler (a read
 * on the calling thread, a write as a group-commit job on the writer thread, an upload's parts
 * as they arrive), and has failures rendered by the route's dialect. It knows the dialects only
 * by their api_dialect (dialects.h); they, and the helpers they use (call.c), never call back
 * in here. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "core/auth.h"
#include "core/idem.h"
#include "util/crypto.h"
#include "core/session.h"
#include "core/stream.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

static api_config config;

static api_route route_table[256];
const api_route *api_routes = route_table;
size_t api_route_count;

static void add_routes(const api_route *r, size_t n)
{
    BUG_ON(api_route_count + n > sizeof route_table / sizeof route_table[0]);
    /* Every route says what it touches, for the access policy; a public one says so. */
    for (size_t i = 0; i < n; i++)
        BUG_ON(r[i].res == RES_UNDECLARED || (r[i].res == RES_PUBLIC) != r[i].public_);
    memcpy(route_table + api_route_count, r, n * sizeof *r);
    api_route_count += n;
}

/* Every dialect, in the order its routes join the table; the one without a prefix (ops)
 * answers every other path. */
static const api_dialect *const dialects[] = {
    &ops_dialect,
    &tamio_dialect,
    &zaia_dialect,
    &files_dialect,
    &apizee_dialect,
    &native_dialect,
    &native_tickets_dialect,
    &native_session_dialect,
    &native_people_dialect,
    &native_stream_dialect,
    &native_webhooks_dialect,
    &app_dialect,
    &openapi_dialect,
};
#define N_DIALECTS (sizeof dialects / sizeof dialects[0])

void api_init(const api_config *cfg)
{
    config = *cfg;
    ratelimit_init(&cfg->rate);
    api_route_count = 0;
    for (size_t i = 0; i < N_DIALECTS; i++)
        add_routes(dialects[i]->routes, dialects[i]->n_routes);
}

static const api_dialect *dialect_of_path(const char *path)
{
    const api_dialect *other = NULL;
    for (size_t i = 0; i < N_DIALECTS; i++) {
        const char *p = dialects[i]->prefix;
        if (!p) {
            other = dialects[i];
            continue;
        }
        size_t n = strlen(p);
        if (strncmp(path, p, n) == 0 && (path[n] == '/' || path[n] == '\0')) return dialects[i];
    }
    BUG_ON(!other);
    return other;
}

static const api_dialect *dialect_of_route(const api_route *r)
{
    for (size_t i = 0; i < N_DIALECTS; i++)
        if (dialects[i]->dl == r->dl) return dialects[i];
    bug_at(__FILE__, __LINE__, "a route of no listed dialect");
}

/* A call of route r (NULL: none matched, the path's dialect answers). */
static api_call new_call(const api_route *r, api_req *req, api_resp *resp)
{
    return (api_call){.req = req,
                      .resp = resp,
                      .route = r,
                      .dialect = r ? dialect_of_route(r) : dialect_of_path(req->path),
                      .st = config.st};
}

/* Every query value must be UTF-8 before any handler reads it, and no path or query value
 * may hold a NUL (a C string would end there and read as something else). */
static status check_query(api_call *c)
{
    if (c->req->nul_field)
        return diag_set(&c->d, ST_INVALID, c->req->nul_field, "must not contain a NUL byte (%%00)");
    for (size_t i = 0; i < c->req->n_query; i++) {
        const api_kv *kv = &c->req->query[i];
        if (!text_utf8_valid(kv->name, strlen(kv->name)) ||
            (kv->value && !text_utf8_valid(kv->value, strlen(kv->value))))
            return diag_set(&c->d, ST_INVALID, kv->name, "must be valid UTF-8");
    }
    return ST_OK;
}

/* The session cookie of a request that has no Authorization header, on the routes that take
 * one: ticketd's own API and /files, the only paths the console uses (the vendor dialects take
 * keys and tokens alone); else NULL. */
static const char *session_of(const api_req *req, const api_route *r)
{
    if (req->authorization || (r->dl != DIALECT_NATIVE && r->res != RES_FILE)) return NULL;
    return call_cookie(req->a, req->cookie, SESSION_COOKIE);
}

/* Checks the request's key (or bearer token, or session cookie) on cx->db and makes its
 * workspace the context's; a token or a session also makes its user the actor. A write signed
 * in by the cookie alone must come from this server's own origin (CSRF: a browser sends the
 * cookie with another site's form too, but not that site's Origin). */
static status authenticate(core_ctx *cx, const api_req *req, const api_route *r)
{
    const char *session = session_of(req, r);
    if (session) {
        status st = session_authenticate(cx, session);
        if (!st && (api_route_writes(r) || r->upload) &&
            !session_same_origin(req->origin, req->host))
            st = diag_set(cx->d, ST_FORBIDDEN, "Origin",
                          "must be %s for a write signed in by a session cookie",
                          session_origin(req->host, req->a));
        return st;
    }
    const char *presented = call_bearer(req->authorization);
    if (token_shaped(presented)) {
        token_row t;
        user_row u;
        status st = auth_token(cx, presented, &t, &u);
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
    status st = auth_key(cx, presented, &k);
    if (st) return st;
    cx->ws = k.ws;
    memcpy(cx->ws_uuid, k.ws_uuid, sizeof cx->ws_uuid);
    cx->actor = ACTOR_KEY;
    memcpy(cx->actor_id, k.uuid, sizeof cx->actor_id);
    return ST_OK;
}

/* A request is charged to its key's or teammate's bucket once authenticated, else to its
 * client address's; the ops routes that need no key (/healthz) are never limited. */
static status charge(api_call *c, bool keyed)
{
    if (keyed) return ratelimit_actor(&c->cx);
    if (c->route->public_ && c->route->dl == DIALECT_OPS) return ST_OK;
    return ratelimit_address(c->req->peer, &c->d);
}

void api_invoke(const api_route *r, api_req *req, api_resp *resp)
{
    BUG_ON(api_route_writes(r));
    api_call c = new_call(r, req, resp);
    c.cx.a = req->a;
    c.cx.d = &c.d;
    status st = ST_OK;
    bool reading = false; /* a read transaction is open and must be ended */
    bool keyed = false;
    if (!r->public_) {
        if ((st = core_ctx_init(&c.cx, config.st, req->a, &c.d))) goto out;
        /* A read's queries, the key check included, share one snapshot. */
        if ((st = core_read_begin(&c.cx))) goto out;
        reading = true;
        bool cookie_only = r->key_optional && session_of(req, r);
        keyed = !r->key_optional || req->authorization || cookie_only;
        if (keyed) st = authenticate(&c.cx, req, r);
        /* A cookie that no longer signs in is as good as none where no key is needed (a signed
         * file URL still opens). */
        if (st == ST_UNAUTHORIZED && cookie_only) {
            st = ST_OK;
            keyed = false;
            c.d = (diag){0};
        }
        if (st) goto out;
    }
    if ((st = charge(&c, keyed))) goto out;
    if (c.cx.ws && (st = policy_route(&c.cx, r->res, r->op))) goto out;
    if ((st = check_query(&c))) goto out;
    st = r->fn(&c);
out:
    if (reading) core_read_end(&c.cx);
    if (st) call_error(&c, st);
}

bool api_route_writes(const api_route *r)
{
    return !r->public_ && strcmp(r->method, "GET") != 0;
}

/* ---- Idempotency-Key (core/idem.h, docs/IDEMPOTENCY.md) ---- */

/* Every POST that needs a key honours the header; other methods and public POSTs ignore it. */
static bool idem_applies(const api_route *r, const api_req *req)
{
    return req->idempotency_key && !r->public_ && strcmp(r->method, "POST") == 0;
}

/* One piece of the fingerprint, length first, so no two requests' pieces run together. */
static void fp_add(crypto_sha256_ctx *h, const void *p, size_t n)
{
    uint64_t len = n;
    crypto_sha256_update(h, &len, sizeof len);
    if (n) crypto_sha256_update(h, p, n);
}

static void fp_str(crypto_sha256_ctx *h, const char *s)
{
    fp_add(h, s ? "1" : "0", 1); /* absent and empty differ */
    if (s) fp_add(h, s, strlen(s));
}

/* SHA-256 of the method, the path, the query (as decoded, in order) and the body: the bytes
 * of a JSON or form body, or an upload's fields and its file's hash and name. */
static void fingerprint(const api_req *req, unsigned char out[IDEM_FINGERPRINT_LEN])
{
    crypto_sha256_ctx *h = crypto_sha256_new();
    fp_str(h, req->method);
    fp_str(h, req->path);
    fp_add(h, &req->n_query, sizeof req->n_query);
    for (size_t i = 0; i < req->n_query; i++) {
        fp_str(h, req->query[i].name);
        fp_str(h, req->query[i].value);
    }
    const api_form *f = req->form;
    if (f) {
        fp_add(h, &f->n_fields, sizeof f->n_fields);
        for (size_t i = 0; i < f->n_fields; i++) {
            fp_str(h, f->fields[i].name);
            fp_add(h, f->fields[i].v, f->fields[i].len);
        }
        fp_str(h, f->file ? asset_file_hash(f->file) : NULL);
        fp_str(h, f->filename);
    } else {
        fp_add(h, req->body, req->body ? req->body_len : 0);
    }
    crypto_sha256_final(h, out);
}

/* The handler's headers as stored: one "name: value" line each. */
static char *headers_text(arena *a, const api_resp *r)
{
    size_t n = 1;
    for (size_t i = 0; i < r->n_headers; i++)
        n += strlen(r->headers[i].name) + strlen(r->headers[i].value) + 3;
    char *s = arena_alloc(a, n), *p = s;
    for (size_t i = 0; i < r->n_headers; i++)
        p += snprintf(p, n - (size_t)(p - s), "%s: %s\n", r->headers[i].name, r->headers[i].value);
    *p = '\0';
    return r->n_headers ? s : NULL;
}

/* The stored answer as the response, plus Idempotent-Replayed. */
static void replay(api_call *c, const idem_row *row)
{
    api_resp *r = c->resp;
    free(r->body);
    *r = (api_resp){.status = (int)row->status};
    r->content_type = row->content_type ? arena_strdup(c->req->a, row->content_type) : NULL;
    r->body = xmalloc(row->body_len);
    if (row->body_len) memcpy(r->body, row->body, row->body_len);
    r->len = row->body_len;
    char *h = row->headers ? arena_strdup(c->req->a, row->headers) : NULL;
    while (h && *h && r->n_headers < LIMIT_API_HEADERS - 1) {
        char *eol = strchr(h, '\n'), *colon = strstr(h, ": ");
        if (!eol || !colon || colon > eol) break; /* not ours: stop rather than guess */
        *colon = *eol = '\0';
        call_header(r, h, colon + 2);
        h = eol + 1;
    }
    call_header(r, "Idempotent-Replayed", "true");
}

/* Before the handler: claims the key (ST_OK, *replayed false), or fills the response with the
 * stored answer (*replayed true), or fails (a bad key, a key used for another request, one
 * still held). */
static status idem_start(api_call *c, bool *replayed)
{
    *replayed = false;
    status st = idem_check_key(c->req->idempotency_key, &c->d);
    if (st) return st;
    unsigned char fp[IDEM_FINGERPRINT_LEN];
    fingerprint(c->req, fp);
    const idem_row *row;
    st = idem_begin(&c->cx, c->req->idempotency_key, fp,
                    config.idem_ttl_ms ? config.idem_ttl_ms : IDEM_TTL_MS, &row);
    if (!st && row) {
        replay(c, row);
        *replayed = true;
    }
    return st;
}

/* After a handler that did not fail: its answer, in the same savepoint as its writes. */
static status idem_end(api_call *c)
{
    const api_resp *r = c->resp;
    /* A file answer (none of today's POSTs) is not kept: status 0 drops the claim. */
    idem_row ans = {.status = r->has_file ? 0 : r->status,
                    .content_type =
                        r->content_type ? arena_strdup(c->req->a, r->content_type) : NULL,
                    .headers = headers_text(c->req->a, r),
                    .body = r->body,
                    .body_len = r->len};
    status st = idem_finish(&c->cx, c->req->idempotency_key, &ans);
    if (st) {
        /* The answer said it worked; the rollback makes it untrue: answer the failure. */
        free(c->resp->body);
        *c->resp = (api_resp){0};
    }
    return st;
}

/* Runs on the writer thread, inside the job's savepoint: the key check, then the handler. */
static status write_run(db *writer, void *arg)
{
    api_write *w = arg;
    api_call c = new_call(w->route, w->req, w->resp);
    c.body = w->body;
    core_ctx_init_job(&c.cx, config.st, writer, w->req->a, &c.d);
    status st = authenticate(&c.cx, w->req, w->route);
    if (!st && !w->route->upload) st = ratelimit_actor(&c.cx); /* an upload paid at its start */
    if (!st) st = policy_route(&c.cx, w->route->res, w->route->op);
    if (!st) st = check_query(&c);
    bool keyed = !st && c.cx.ws && idem_applies(w->route, w->req), replayed = false;
    if (keyed) st = idem_start(&c, &replayed);
    if (!st && !replayed) st = w->route->fn(&c);
    if (!st && keyed && !replayed) st = idem_end(&c);
    if (st) call_error(&c, st);
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
    if (!call_parse_body(req, &body, &d)) w->body = body;
    core_submit(config.st, &w->job);
}

void api_finish_write(api_write *w)
{
    if (!w->committed || w->ran) return; /* durable, or failed and answered as such */
    /* The answer said it worked, but the transaction did not commit: say so instead. */
    free(w->resp->body);
    *w->resp = (api_resp){0};
    api_call c = new_call(w->route, w->req, w->resp);
    status st = w->committed == ST_UNAVAILABLE ? ST_UNAVAILABLE : ST_INTERNAL;
    diag_set(&c.d, st, "",
             st == ST_UNAVAILABLE ? "the database is unavailable; nothing was "
                                    "written, retry the request"
                                  : "the change could not be committed");
    call_error(&c, st);
}

ssize_t api_stream_read(struct stream_sub *s, char *dst, size_t max, void (*suspend)(void *ctx),
                        void *ctx)
{
    return stream_read(s, dst, max, suspend, ctx);
}

void api_stream_end(struct stream_sub *s)
{
    stream_unsubscribe(s);
}

void api_stream_close_all(void)
{
    stream_close_all();
}

void api_no_route(api_req *req, api_resp *resp, bool method_not_allowed)
{
    api_call c = new_call(NULL, req, resp);
    c.dialect->no_route(&c, method_not_allowed);
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
    f->st = authenticate(&cx, req, r);
    if (!f->st) f->st = ratelimit_actor(&cx);
    if (!f->st) f->st = policy_route(&cx, r->res, r->op);
    /* A bad Idempotency-Key is refused before the file arrives (write_run checks it again). */
    if (!f->st && cx.ws && idem_applies(r, req))
        f->st = idem_check_key(req->idempotency_key, &f->d);
    core_read_end(&cx);
    if (!f->st && req->nul_field)
        f->st = diag_set(&f->d, ST_INVALID, req->nul_field, "must not contain a NUL byte (%%00)");
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
    api_call c = new_call(r, req, resp);
    status st = f->st;
    if (st) {
        c.d = f->d;
    } else if (f->queued) {
        st = f->proc.st;
        if (st) c.d = f->proc.d;
    } else if (f->file) {
        /* Without asset workers the slow part (decoding, thumbnails) runs here. */
        st = asset_file_process(f->file, f->filename, req->a, &c.d);
    }
    if (st) call_error(&c, st);
    return !st;
}

bool api_upload_slow(const api_req *req)
{
    const api_form *f = req->form;
    return f && !f->st && f->file && !f->queued && asset_workers_running();
}

void api_upload_queue(api_req *req, void (*ready)(void *ctx), void *ctx)
{
    api_form *f = req->form;
    f->queued = true;
    f->proc = (asset_process_job){
        .file = f->file, .filename = f->filename, .a = req->a, .done = ready, .ctx = ctx};
    asset_file_process_queue(&f->proc);
}

void api_too_large(api_req *req, api_resp *resp, uint64_t limit)
{
    api_call c = new_call(NULL, req, resp);
    diag_set(&c.d, ST_TOO_LARGE, "body", "is larger than %llu bytes", (unsigned long long)limit);
    call_error(&c, ST_TOO_LARGE);
}
