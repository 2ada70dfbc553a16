/* /ticketd/v1 webhooks (docs/WEBHOOKS.md): endpoints (list, create with the secret shown once,
 * get, PATCH, DELETE, rotate), an endpoint's delivery log, and a delivery's re-send. Admins and
 * workspace keys only (RES_WEBHOOK). A translation table over core/webhook.h. */
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "api/native.h"
#include "core/policy.h"
#include "core/webhook.h"

static void webhook_w(jw *w, const webhook_out *o)
{
    jw_obj(w);
    jw_kstr(w, "id", o->w.uuid);
    jw_kstr(w, "url", o->w.url);
    jw_key(w, "events");
    jw_arr(w);
    for (size_t i = 0; i < o->n_events; i++)
        jw_str(w, o->events[i]);
    jw_end_arr(w);
    jw_kbool(w, "active", o->w.active);
    jw_kint(w, "consecutive_failures", o->w.failures);
    call_iso(w, "created_at", o->w.created_at);
    call_iso(w, "updated_at", o->w.updated_at);
    if (o->secret) jw_kstr(w, "secret", o->secret);
    jw_end_obj(w);
}

static void iso_or_null(jw *w, const char *k, int64_t ms)
{
    if (ms == NULL_INT) {
        jw_key(w, k);
        jw_null(w);
    } else {
        call_iso(w, k, ms);
    }
}

static void int_or_null(jw *w, const char *k, int64_t v)
{
    jw_key(w, k);
    jw_int_or_null(w, v, NULL_INT);
}

static void delivery_w(jw *w, const webhook_delivery_out *o)
{
    const webhook_delivery_row *d = &o->d;
    jw_obj(w);
    jw_kstr(w, "id", d->uuid);
    jw_kint(w, "event_id", d->event_id);
    jw_kstr(w, "type", d->event_type);
    jw_kstr(w, "status", d->status);
    jw_kint(w, "attempt_count", d->attempts);
    call_iso(w, "created_at", d->created_at);
    iso_or_null(w, "next_attempt_at", strcmp(d->status, "queued") ? NULL_INT : d->next_at);
    iso_or_null(w, "done_at", d->done_at);
    jw_key(w, "attempts");
    jw_arr(w);
    for (size_t i = 0; i < o->n_attempts; i++) {
        const webhook_attempt_row *a = &o->attempts[i];
        jw_obj(w);
        call_iso(w, "at", a->at);
        int_or_null(w, "status_code", a->status_code);
        jw_kint(w, "latency_ms", a->latency_ms);
        jw_kstr(w, "response", a->response);
        jw_kstr(w, "error", a->error);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
}

static status answer(api_call *c, int http, const webhook_out *o)
{
    jw w;
    jw_init(&w, 16 * 1024);
    webhook_w(&w, o);
    status st = reply_jw(c, http, &w);
    /* A secret is shown once: no cache may keep it. */
    if (!st && o->secret) call_header(c->resp, "Cache-Control", "no-store");
    return st;
}

static const char *const members[] = {"url", "events", "active", NULL};

static status body_in(api_call *c, webhook_in *in)
{
    json_t *b = NULL;
    *in = (webhook_in){0};
    status st = call_body(c, &b);
    if (st) return st;
    st = native_only_members(c, b, members);
    if (!st) st = in_str(c, b, "url", &in->url);
    if (!st && in->url.set && !in->url.v) st = diag_set(&c->d, ST_INVALID, "url", "must be a URL");
    if (!st) st = in_strs(c, b, "events", &in->events);
    if (!st) st = in_bool(c, b, "active", &in->active.set, &in->active.v);
    return st;
}

/* `limit` and `cursor` (tag "w": the last row's integer id) of the two lists. */
static status page_of(api_call *c, const char *tag, int64_t *limit, int64_t *before)
{
    status st = native_limit(c, limit);
    if (st) return st;
    *before = NULL_INT;
    const char *cur = q_get(c, "cursor");
    if (!cur) return ST_OK;
    native_pos p;
    if ((st = native_cursor_read(c, tag, cur, &p))) return st;
    if (p.n[0] <= 0 || p.n[1] || p.n[2] || p.uuid)
        return diag_set(&c->d, ST_INVALID, "cursor", "is not a cursor this list answered");
    *before = p.n[0];
    return ST_OK;
}

static const char *next_of(api_call *c, const char *tag, bool more, int64_t last_id)
{
    if (!more) return NULL;
    native_pos p = {{last_id, 0, 0}, NULL};
    return native_cursor_make(c, tag, &p);
}

static status h_list(api_call *c)
{
    int64_t limit, before;
    webhook_out *rows;
    size_t n;
    status st = page_of(c, "w", &limit, &before);
    if (!st) st = webhook_list(&c->cx, before, (size_t)limit + 1, &rows, &n);
    if (st) return st;
    bool more = n > (size_t)limit;
    if (more) n = (size_t)limit;
    jw w;
    jw_init(&w, 256 * 1024);
    jw_obj(&w);
    jw_key(&w, "data");
    jw_arr(&w);
    for (size_t i = 0; i < n; i++)
        webhook_w(&w, &rows[i]);
    jw_end_arr(&w);
    jw_kstr(&w, "next_cursor", next_of(c, "w", more, n ? rows[n - 1].w.id : 0));
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

static status h_create(api_call *c)
{
    webhook_in in;
    webhook_out o;
    status st = body_in(c, &in);
    if (!st) st = webhook_create(&c->cx, &in, &o);
    return st ? st : answer(c, 201, &o);
}

static status h_get(api_call *c)
{
    webhook_out o;
    status st = webhook_get(&c->cx, c->req->params[0], &o);
    return st ? st : answer(c, 200, &o);
}

static status h_update(api_call *c)
{
    webhook_in in;
    webhook_out o;
    status st = body_in(c, &in);
    if (!st) st = webhook_update(&c->cx, c->req->params[0], &in, &o);
    return st ? st : answer(c, 200, &o);
}

static status h_delete(api_call *c)
{
    status st = webhook_delete(&c->cx, c->req->params[0]);
    if (!st) c->resp->status = 204;
    return st;
}

static status h_rotate(api_call *c)
{
    webhook_out o;
    status st = webhook_rotate(&c->cx, c->req->params[0], &o);
    return st ? st : answer(c, 200, &o);
}

static status h_deliveries(api_call *c)
{
    int64_t limit, before;
    webhook_delivery_out *rows;
    size_t n;
    status st = page_of(c, "d", &limit, &before);
    if (!st)
        st = webhook_deliveries(&c->cx, c->req->params[0], before, (size_t)limit + 1, &rows, &n);
    if (st) return st;
    bool more = n > (size_t)limit;
    if (more) n = (size_t)limit;
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    jw_key(&w, "data");
    jw_arr(&w);
    for (size_t i = 0; i < n; i++)
        delivery_w(&w, &rows[i]);
    jw_end_arr(&w);
    jw_kstr(&w, "next_cursor", next_of(c, "d", more, n ? rows[n - 1].d.id : 0));
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

static status h_resend(api_call *c)
{
    webhook_delivery_out o;
    status st = webhook_resend(&c->cx, c->req->params[0], &o);
    if (st) return st;
    jw w;
    jw_init(&w, 64 * 1024);
    delivery_w(&w, &o);
    return reply_jw(c, 202, &w);
}

#define R(op_) DIALECT_NATIVE, .res = RES_WEBHOOK, .op = op_
static const api_route routes[] = {
    {"GET", NATIVE "/webhooks", h_list, R(OP_READ)},
    {"POST", NATIVE "/webhooks", h_create, R(OP_CREATE)},
    {"GET", NATIVE "/webhooks/{id}", h_get, R(OP_READ)},
    {"PATCH", NATIVE "/webhooks/{id}", h_update, R(OP_CHANGE)},
    {"DELETE", NATIVE "/webhooks/{id}", h_delete, R(OP_DELETE)},
    {"POST", NATIVE "/webhooks/{id}/rotate", h_rotate, R(OP_CHANGE)},
    {"GET", NATIVE "/webhooks/{id}/deliveries", h_deliveries, R(OP_READ)},
    {"POST", NATIVE "/webhooks/deliveries/{id}/resend", h_resend, R(OP_CHANGE)},
};
#undef R
const api_dialect native_webhooks_dialect = {DIALECT_NATIVE, NATIVE,
                                             routes,         sizeof routes / sizeof routes[0],
                                             native_error,   native_no_route};
