/* The helpers every dialect handler uses (declared in call.h): JSON bodies, urlencoded forms,
 * upload form fields, query strings, the Authorization header, JSON answers and files, and the
 * error rendering that hands a failure to the dialect the dispatcher put in the call. Nothing
 * here calls the dispatcher (api.c) or a dialect by name. */
#include "api/call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/embed.h"
#include "util/text.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- errors ---- */

int call_http_status(status st)
{
    static const int codes[] = {
        [ST_OK] = 200,
        [ST_INVALID] = 400,
        [ST_NOT_FOUND] = 404,
        [ST_CONFLICT] = 409,
        [ST_FORBIDDEN] = 403,
        [ST_UNAUTHORIZED] = 401,
        [ST_TOO_LARGE] = 413,
        [ST_INTERNAL] = 500,
        [ST_UNAVAILABLE] = 503,
        [ST_RATE_LIMITED] = 429,
        [ST_PRECONDITION_FAILED] = 412,
    };
    return codes[st];
}

void call_error(api_call *c, status st)
{
    if (st == ST_INTERNAL && !c->d.msg[0]) diag_set(&c->d, st, "", "internal error");
    if (st == ST_UNAVAILABLE && !c->d.msg[0])
        diag_set(&c->d, st, "", "the database is unavailable; retry the request");
    if (st == ST_RATE_LIMITED)
        call_header(c->resp, "Retry-After",
                    arena_printf(c->req->a, "%lld", (long long)c->d.retry_after_s));
    if (c->dialect)
        c->dialect->error(c, st);
    else
        call_plain_error(c, st);
}

void call_plain_error(api_call *c, status st)
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

void call_plain_no_route(api_call *c, bool method_not_allowed)
{
    int code = method_not_allowed ? 405 : 404;
    json_t *o = json_object();
    json_object_set_new(o, "status", json_integer(code));
    json_object_set_new(o, "error",
                        json_string(method_not_allowed ? "Method not allowed" : "Not found"));
    (void)reply_json(c, code, o);
}

/* ---- the Authorization header ---- */

const char *call_bearer(const char *h)
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

const char *call_cookie(arena *a, const char *header, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = header; p && *p;) {
        p += strspn(p, " \t;");
        size_t len = strcspn(p, ";");
        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t vl = len - nl - 1;
            while (vl && (p[nl + 1 + vl - 1] == ' ' || p[nl + 1 + vl - 1] == '\t'))
                vl--;
            return arena_strndup(a, p + nl + 1, vl);
        }
        p += len;
    }
    return NULL;
}

/* ---- Accept-Encoding ---- */

static bool ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* A qvalue ("0", "0.5", "1.000") in thousandths; -1 when malformed. */
static int qvalue(const char *p, size_t n)
{
    if (!n || (p[0] != '0' && p[0] != '1')) return -1;
    int q = (p[0] - '0') * 1000, scale = 100;
    if (n == 1) return q;
    if (p[1] != '.' || n > 5) return -1;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (p[i] < '0' || p[i] > '9') return -1;
        q += (p[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* The q of one element's parameters s[0..n) (";q=0.5;…"): 1000 when absent, 0 when malformed. */
static int element_q(const char *s, size_t n)
{
    int q = 1000;
    const char *p = s, *end = s + n;
    while (p < end) {
        if (*p++ != ';') return 0;
        while (p < end && ows(*p))
            p++;
        const char *name = p;
        while (p < end && *p != '=' && *p != ';' && !ows(*p))
            p++;
        size_t nl = (size_t)(p - name);
        while (p < end && ows(*p))
            p++;
        const char *val = p;
        bool has_value = p < end && *p == '=';
        if (has_value) {
            p++;
            while (p < end && ows(*p))
                p++;
            val = p;
            while (p < end && *p != ';' && !ows(*p))
                p++;
        }
        bool is_q = nl == 1 && (name[0] == 'q' || name[0] == 'Q');
        if (is_q) q = has_value ? qvalue(val, (size_t)(p - val)) : -1;
        if (q < 0) return 0;
        while (p < end && ows(*p))
            p++;
    }
    return q;
}

bool call_accepts_coding(const char *h, const char *coding)
{
    if (!h) return false;
    size_t cl = strlen(coding);
    bool gzip = cl == 4 && strncasecmp(coding, "gzip", 4) == 0;
    int named = -1, star = -1; /* the q of the coding's own element and of `*` (-1: absent) */
    for (const char *p = h; *p;) {
        while (*p == ',' || ows(*p))
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && !ows(*p))
            p++;
        size_t tl = (size_t)(p - tok);
        while (ows(*p))
            p++;
        const char *params = p;
        while (*p && *p != ',')
            p++;
        size_t pl = (size_t)(p - params);
        while (pl && ows(params[pl - 1]))
            pl--;
        if (!tl) continue;
        int q = element_q(params, pl);
        if ((tl == cl && strncasecmp(tok, coding, cl) == 0) ||
            (gzip && tl == 6 && strncasecmp(tok, "x-gzip", 6) == 0)) {
            if (q > named) named = q;
        } else if (tl == 1 && tok[0] == '*') {
            if (q > star) star = q;
        }
    }
    return named >= 0 ? named > 0 : star > 0;
}

/* ---- urlencoded forms ---- */

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* application/x-www-form-urlencoded: '+' is a space, %XX a byte. *nul tells whether a %00
 * was decoded (the text then ends early). */
static char *url_decode(arena *a, const char *s, size_t n, bool *nul)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *nul = strlen(out) != (size_t)(o - out);
    return out;
}

bool call_is_form(const api_call *c)
{
    const char *ct = c->req->content_type;
    return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* The form body's pairs, decoded once per call into c->form. */
static void form_read(api_call *c)
{
    if (c->form_read) return;
    c->form_read = true;
    if (!call_is_form(c) || !c->req->body) return;
    const char *b = c->req->body, *end = b + c->req->body_len;
    size_t cap = 0;
    while (b < end) {
        const char *amp = memchr(b, '&', (size_t)(end - b));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(b, '=', (size_t)(stop - b));
        if (stop > b) {
            c->form = arena_grow(c->req->a, c->form, &cap, c->n_form, sizeof *c->form);
            api_kv *kv = &c->form[c->n_form++];
            bool nul_name, nul_value = false;
            kv->name = url_decode(c->req->a, b, (size_t)((eq ? eq : stop) - b), &nul_name);
            kv->value =
                eq ? url_decode(c->req->a, eq + 1, (size_t)(stop - eq - 1), &nul_value) : "";
            if ((nul_name || nul_value) && !c->form_nul) c->form_nul = kv->name;
        }
        b = stop + 1;
    }
}

status call_form_get(api_call *c, const char *name, const char **out)
{
    *out = NULL;
    if (!call_is_form(c)) return ST_OK;
    form_read(c);
    if (c->form_nul)
        return diag_set(&c->d, ST_INVALID, c->form_nul, "must not contain a NUL byte (%%00)");
    *out = kv_join(c->req->a, c->form, c->n_form, name);
    if (*out && !text_utf8_valid(*out, strlen(*out)))
        return diag_set(&c->d, ST_INVALID, name, "must be UTF-8 text");
    return ST_OK;
}

/* ---- upload forms ---- */

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

/* ---- bodies ---- */

static void decref(void *p)
{
    json_decref(p);
}

status call_parse_body(api_req *req, json_t **out, diag *d)
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
    if (!c->body && call_parse_body(c->req, &c->body, &c->d)) {
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

/* ---- query strings ---- */

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

status in_bool(api_call *c, json_t *obj, const char *key, bool *set, bool *out)
{
    json_t *v = json_object_get(obj, key);
    *set = v != NULL;
    if (!v) return ST_OK;
    if (!json_is_boolean(v)) return diag_set(&c->d, ST_INVALID, key, "must be true or false");
    *out = json_is_true(v);
    return ST_OK;
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

/* ---- answers ---- */

status call_open(api_call *c)
{
    c->cx.a = c->req->a;
    c->cx.d = &c->d;
    return core_ctx_init(&c->cx, c->st, c->req->a, &c->d);
}

void call_header(api_resp *r, const char *name, const char *value)
{
    BUG_ON(r->n_headers == LIMIT_API_HEADERS);
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
    r->file_bytes = NULL;
    r->file_hold = NULL;
    r->file_off = 0;
    r->file_len = b->size;
    return ST_OK;
}

void api_resp_drop_file(api_resp *resp)
{
    if (!resp->has_file) return;
    if (resp->file_fd >= 0) close(resp->file_fd);
    if (resp->file_hold) resp->file_release(resp->file_hold);
    resp->has_file = false;
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

/* ---- conditional requests (RFC 9110 section 13.1) ---- */

/* Calls fn for each entity tag of a header's comma list (weak ones with weak set). false when
 * the list is malformed. */
bool call_each_etag(const char *h, bool (*fn)(void *arg, const char *tag, size_t n, bool weak),
                    void *arg)
{
    const char *p = h;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p) return true;
        bool weak = !strncmp(p, "W/", 2);
        if (weak) p += 2;
        if (*p != '"') return false;
        const char *end = strchr(p + 1, '"');
        if (!end) return false;
        if (!fn(arg, p, (size_t)(end + 1 - p), weak)) return true;
        p = end + 1;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != ',') return false;
    }
}

typedef struct {
    const char *etag;
    bool hit;
} inm_arg;

static bool inm_one(void *arg, const char *tag, size_t n, bool weak)
{
    inm_arg *a = arg;
    (void)weak; /* If-None-Match compares weakly */
    a->hit = strlen(a->etag) == n && !memcmp(a->etag, tag, n);
    return !a->hit;
}

/* If-None-Match matches etag (`*` or a tag in the list)? */
bool call_none_match(const char *h, const char *etag)
{
    if (!h) return false;
    while (*h == ' ')
        h++;
    if (*h == '*') return true;
    inm_arg a = {etag, false};
    return call_each_etag(h, inm_one, &a) && a.hit;
}

status call_embedded_doc(api_call *c, const char *path)
{
    const embed_file *f = embed_find(path);
    BUG_ON(!f); /* the Makefile's EMBED lists it */
    const char *etag = embed_etag(f);
    api_resp *r = c->resp;
    r->content_type = "application/json";
    call_header(r, "Cache-Control", "public, max-age=3600");
    call_header(r, "ETag", etag);
    if (call_none_match(c->req->if_none_match, etag)) {
        r->status = 304;
        return ST_OK;
    }
    r->status = 200;
    r->body = xmalloc(f->len);
    memcpy(r->body, f->data, f->len);
    r->len = f->len;
    return ST_OK;
}
