/* ticketd's own API (/ticketd/v1): its error shape (RFC 9457 problem details), the caller
 * (`GET /me`) and its OpenAPI document. The resources live in the other native*.c files; like
 * every dialect this one is a translation table over core/ (docs/NATIVE.md). */
#include "api/native.h"

#include <stdio.h>
#include <string.h>

#include "api/dialects.h"
#include "core/people.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/uuid.h"
#include "util/xalloc.h"

/* ---- errors: RFC 9457 ---- */

static const char *const problem_slug[] = {
    [ST_OK] = "ok",
    [ST_INVALID] = "invalid",
    [ST_NOT_FOUND] = "not-found",
    [ST_CONFLICT] = "conflict",
    [ST_FORBIDDEN] = "forbidden",
    [ST_UNAUTHORIZED] = "unauthorized",
    [ST_TOO_LARGE] = "too-large",
    [ST_INTERNAL] = "internal",
    [ST_UNAVAILABLE] = "unavailable",
    [ST_RATE_LIMITED] = "rate-limited",
    [ST_PRECONDITION_FAILED] = "precondition-failed",
};

static const char *const problem_title[] = {
    [ST_OK] = "OK",
    [ST_INVALID] = "The request is not valid",
    [ST_NOT_FOUND] = "Not found",
    [ST_CONFLICT] = "Conflict",
    [ST_FORBIDDEN] = "Forbidden",
    [ST_UNAUTHORIZED] = "Authentication required",
    [ST_TOO_LARGE] = "The request is too large",
    [ST_INTERNAL] = "Internal error",
    [ST_UNAVAILABLE] = "Service unavailable",
    [ST_RATE_LIMITED] = "Too many requests",
    [ST_PRECONDITION_FAILED] = "The resource has changed",
};

/* A problem of kind st, or of the slug and title given (a reason with a problem type of its
 * own); current: a member `current` (raw JSON) to add, or NULL. */
static void problem_as(api_call *c, status st, int http, const char *slug, const char *title,
                       const char *current)
{
    jw w;
    jw_init(&w, 4096);
    jw_obj(&w);
    jw_key(&w, "type");
    jw_str(&w, arena_printf(c->req->a, "urn:ticketd:problem:%s", slug ? slug : problem_slug[st]));
    jw_kstr(&w, "title", title ? title : problem_title[st]);
    jw_kint(&w, "status", http);
    const char *detail = c->d.msg[0] ? c->d.msg : problem_title[st];
    if (c->d.field[0]) detail = arena_printf(c->req->a, "%s %s", c->d.field, detail);
    jw_kstr(&w, "detail", detail);
    if (c->d.field[0]) {
        jw_key(&w, "errors");
        jw_arr(&w);
        jw_obj(&w);
        jw_kstr(&w, "field", c->d.field);
        jw_kstr(&w, "message", c->d.msg);
        jw_end_obj(&w);
        jw_end_arr(&w);
    }
    if (current) {
        jw_key(&w, "current");
        jw_raw(&w, current);
    }
    jw_end_obj(&w);
    if (reply_jw(c, http, &w)) bug_at(__FILE__, __LINE__, "a problem body is small");
    c->resp->content_type = "application/problem+json";
}

static void problem(api_call *c, status st, int http, const char *current)
{
    problem_as(c, st, http, NULL, NULL, current);
}

void native_error(api_call *c, status st)
{
    BUG_ON(st == ST_OK || (size_t)st >= sizeof problem_slug / sizeof problem_slug[0]);
    if (st == ST_UNAUTHORIZED && !c->d.msg[0])
        diag_set(&c->d, st, "", "a workspace key, a teammate token or a session is required");
    /* An unknown id in a body is bad input (400 naming the field); only the path's is 404. */
    if (st == ST_NOT_FOUND && c->d.reason == REASON_BODY_REF) st = ST_INVALID;
    if (st == ST_CONFLICT && c->d.reason == REASON_IDEM_KEY_REUSED) {
        problem_as(c, st, 422, "idempotency-key-reused",
                   "The Idempotency-Key was used for another request", NULL);
        return;
    }
    problem(c, st, call_http_status(st), NULL);
}

void native_error_current(api_call *c, status st, const char *current)
{
    BUG_ON(st == ST_OK || (size_t)st >= sizeof problem_slug / sizeof problem_slug[0]);
    problem(c, st, call_http_status(st), current);
}

void native_no_route(api_call *c, bool method_not_allowed)
{
    if (method_not_allowed) {
        diag_set(&c->d, ST_NOT_FOUND, "", "this path does not take the method %s", c->req->method);
        problem(c, ST_NOT_FOUND, 405, NULL);
        return;
    }
    diag_set(&c->d, ST_NOT_FOUND, "", "no such path: %s", c->req->path);
    problem(c, ST_NOT_FOUND, 404, NULL);
}

/* ---- bodies ---- */

status native_only_members(api_call *c, json_t *obj, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        size_t i = 0;
        while (known[i] && strcmp(known[i], k))
            i++;
        if (!known[i]) return diag_set(&c->d, ST_INVALID, k, "is not a member of this body");
    }
    return ST_OK;
}

/* ---- shared shapes ---- */

void native_teammate(jw *w, const user_row *u)
{
    jw_obj(w);
    jw_kstr(w, "id", u->uuid);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "last_name", u->last_name);
    jw_kstr(w, "email", u->email);
    jw_kstr(w, "username", u->username);
    jw_kstr(w, "role", u->role && strcmp(u->role, "admin") == 0 ? "admin" : "agent");
    jw_kstr(w, "picture", u->picture);
    jw_kbool(w, "active", u->active);
    call_iso(w, "created_at", u->created_at);
    call_iso(w, "updated_at", u->updated_at);
    jw_end_obj(w);
}

/* ---- lists: limit and cursors ---- */

status native_limit(api_call *c, int64_t *out)
{
    const char *v = q_get(c, "limit");
    long long n = 50;
    if (v && (!text_parse_int(v, &n) || n < 1 || n > LIMIT_PAGE_SIZE))
        return diag_set(&c->d, ST_INVALID, "limit", "must be an integer from 1 to %d",
                        LIMIT_PAGE_SIZE);
    *out = n;
    return ST_OK;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64url(arena *a, const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
        if (i + 1 < n) v |= (uint32_t)(unsigned char)s[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)s[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        if (i + 1 < n) out[o++] = b64[v >> 6 & 63];
        if (i + 2 < n) out[o++] = b64[v & 63];
    }
    out[o] = '\0';
    return out;
}

/* NULL when s is not the base64url (without padding, unused bits zero) of printable text. */
static char *unb64url(arena *a, const char *s)
{
    size_t n = strlen(s), o = 0;
    if (n % 4 == 1 || n > 200) return NULL;
    char *out = arena_alloc(a, n + 1);
    uint32_t v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = memchr(b64, s[i], 64);
        if (!p || !s[i]) return NULL;
        v = v << 6 | (uint32_t)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char ch = (char)(v >> bits & 255);
            if (ch < 0x20 || ch > 0x7e) return NULL;
            out[o++] = ch;
        }
    }
    if (v & ((1u << bits) - 1)) return NULL; /* stray low bits: one text per cursor */
    out[o] = '\0';
    return out;
}

/* FNV-1a over a cursor's text before its check, so a garbled one is told from a real one. */
static uint32_t cursor_check(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static const char *cursor_body(arena *a, const char *tag, const native_pos *p)
{
    return arena_printf(a, "%s.%lld.%lld.%lld.%s", tag, (long long)p->n[0], (long long)p->n[1],
                        (long long)p->n[2], p->uuid ? p->uuid : "-");
}

const char *native_cursor_make(api_call *c, const char *tag, const native_pos *pos)
{
    const char *body = cursor_body(c->req->a, tag, pos);
    return b64url(c->req->a, arena_printf(c->req->a, "%s.%u", body, cursor_check(body)));
}

/* Reads cursor text s into tag (of 16 bytes) and *out: false unless s is the very text this
 * codec makes for that position. */
static bool cursor_parse(arena *a, const char *text, char *tag, native_pos *out)
{
    char *s = unb64url(a, text), id[UUID_STR_LEN + 1], tail;
    char *uuid = arena_alloc(a, UUID_STR_LEN + 1);
    long long n[3];
    unsigned check;
    if (!s || sscanf(s, "%15[^.].%lld.%lld.%lld.%36[-0-9a-fA-F].%u%c", tag, &n[0], &n[1], &n[2], id,
                     &check, &tail) != 6)
        return false;
    *out = (native_pos){{n[0], n[1], n[2]}, strcmp(id, "-") ? uuid : NULL};
    if (out->uuid && !uuid_parse(id, uuid)) return false;
    const char *body = cursor_body(a, tag, out);
    return check == cursor_check(body) && !strcmp(s, arena_printf(a, "%s.%u", body, check));
}

status native_cursor_read(api_call *c, const char *tag, const char *text, native_pos *out)
{
    char got[16];
    native_pos p;
    if (!cursor_parse(c->req->a, text, got, &p))
        return diag_set(&c->d, ST_INVALID, "cursor", "is not a cursor this API gave");
    if (strcmp(got, tag))
        return diag_set(&c->d, ST_INVALID, "cursor", "was given for another list");
    *out = p;
    return ST_OK;
}

/* ---- the caller and the document ---- */

/* GET /me: who the credentials stand for. A workspace key acts as an administrator and is no
 * teammate. */
static status h_me(api_call *c)
{
    user_row u;
    bool teammate = c->cx.actor == ACTOR_USER;
    if (teammate) {
        status st = user_get(&c->cx, c->cx.actor_id, &u);
        if (st) return st;
    }
    jw w;
    jw_init(&w, 4096);
    jw_obj(&w);
    jw_kstr(&w, "kind", teammate ? "teammate" : "key");
    jw_kstr(&w, "role", core_is_admin(&c->cx) ? "admin" : "agent");
    jw_key(&w, "workspace");
    jw_obj(&w);
    jw_kstr(&w, "id", c->cx.ws_uuid);
    jw_end_obj(&w);
    jw_key(&w, "teammate");
    if (teammate)
        native_teammate(&w, &u);
    else
        jw_null(&w);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

/* GET /openapi.json: this API's OpenAPI 3.1 document, docs/openapi/ticketd-v1.json as built. */
static status h_openapi(api_call *c)
{
    return call_embedded_doc(c, "docs/openapi/ticketd-v1.json");
}

static const api_route native_routes[] = {
    {"GET", NATIVE "/me", h_me, DIALECT_NATIVE, .res = RES_TEAMMATE, .op = OP_READ},
    {"GET", NATIVE "/openapi.json", h_openapi, DIALECT_NATIVE, .public_ = true, .res = RES_PUBLIC},
};
const api_dialect native_dialect = {DIALECT_NATIVE, NATIVE,
                                    native_routes,  sizeof native_routes / sizeof native_routes[0],
                                    native_error,   native_no_route};
