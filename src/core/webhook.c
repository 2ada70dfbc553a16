/* Signed webhooks; see webhook.h and docs/WEBHOOKS.md. Owns the endpoint rules (URL check,
 * event filter, secrets and their rotation), the signature, the delivery body, and the outbox
 * worker's webhook kind: claim a batch (with a lease where processes share the store), POST
 * each through net/, record every attempt in its delivery's row, retry with backoff and jitter
 * until a day has passed, disable an endpoint after repeated failed deliveries. The outbox rows
 * themselves are queued by store.c with every event (noted by core.c's ev_commit). Called by
 * api/native_webhooks.c and main.c. */
#include "core/webhook.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outbox.h"
#include "core/stream.h"
#include "net/net.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/uuid.h"
#include "util/xalloc.h"

/* The worker claims up to DUE_BATCH deliveries in one write, delivers them, and records the
 * batch in the write that claims the next. On PostgreSQL the claim moves their next_at a lease
 * ahead (longer than a batch of timeouts), and a node that dies mid-batch leaves them to be sent
 * again once the lease ends; on SQLite (one process) the claim only reads, and a crash leaves
 * them due at once (store_webhook_claim). */
#define DUE_BATCH      256
#define CLAIM_LEASE_MS 180000 /* 16 rounds of 16 transfers of at most 5 s (80 s), DNS, room */
#define RUN_ROUNDS     16     /* batches in a row before the other kinds get a turn */
#define SWEEP_EVERY_MS 600000 /* the log's retention sweep, at most this often (or keep / 2) */
#define SWEEP_BATCH    1000   /* finished deliveries deleted by one sweep write */
#define BACKOFF_CAP_MS 3600000LL
#define EVENT_TYPE_MAX 64

static webhook_config config = {.backoff_ms = WEBHOOK_BACKOFF_MS,
                                .max_age_ms = WEBHOOK_MAX_AGE_MS,
                                .disable_after = WEBHOOK_DISABLE_AFTER,
                                .keep_ms = WEBHOOK_KEEP_MS};

void webhook_init(const webhook_config *cfg)
{
    webhook_config c = *cfg;
    if (c.backoff_ms <= 0) c.backoff_ms = WEBHOOK_BACKOFF_MS;
    if (c.max_age_ms <= 0) c.max_age_ms = WEBHOOK_MAX_AGE_MS;
    if (c.disable_after <= 0) c.disable_after = WEBHOOK_DISABLE_AFTER;
    if (c.keep_ms <= 0) c.keep_ms = WEBHOOK_KEEP_MS;
    config = c;
}

/* ---- endpoints ---- */

static void wake_after(db *c, void *arg)
{
    (void)c, (void)arg;
    outbox_wake();
}

/* "*" or ",a,b," -> the list of types (arena). */
static void events_split(arena *a, const char *stored, webhook_out *out)
{
    out->events = NULL;
    out->n_events = 0;
    if (!strcmp(stored, "*")) {
        const char **one = ARENA_ARRAY(a, const char *, 1);
        one[0] = "*";
        out->events = one;
        out->n_events = 1;
        return;
    }
    size_t cap = 0;
    const char **v = NULL;
    for (const char *p = stored; *p;) {
        if (*p == ',') {
            p++;
            continue;
        }
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        v = arena_grow(a, v, &cap, out->n_events, sizeof *v);
        v[out->n_events++] = arena_strndup(a, p, n);
        p += n;
    }
    out->events = v;
}

static void out_of(arena *a, const webhook_row *w, webhook_out *out)
{
    out->w = *w;
    out->secret = NULL;
    events_split(a, w->events, out);
}

/* An event type: 1..64 of a-z, 0-9, `_` and `.`, with a dot (ticket.created). */
static bool type_ok(const char *t)
{
    size_t n = strlen(t);
    if (!n || n > EVENT_TYPE_MAX || !strchr(t, '.') || t[0] == '.' || t[n - 1] == '.') return false;
    return strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_.") == n;
}

/* The stored form of events: "*", or ",a,b," without duplicates. */
static status events_join(core_ctx *cx, const opt_strs *ev, char **out)
{
    if (!ev->n)
        return diag_set(cx->d, ST_INVALID, "events", "must list event types, or [\"*\"] for all");
    if (ev->n > LIMIT_WEBHOOK_EVENTS)
        return diag_set(cx->d, ST_INVALID, "events", "names more than %d types",
                        LIMIT_WEBHOOK_EVENTS);
    bool all = false;
    for (size_t i = 0; i < ev->n; i++) {
        if (!ev->v[i]) return diag_set(cx->d, ST_INVALID, "events", "must hold strings");
        if (!strcmp(ev->v[i], "*"))
            all = true;
        else if (!type_ok(ev->v[i]))
            return diag_set(cx->d, ST_INVALID, "events",
                            "%s is not an event type (such as ticket.created)", ev->v[i]);
    }
    if (all) {
        if (ev->n > 1)
            return diag_set(cx->d, ST_INVALID, "events", "\"*\" stands alone: it means every type");
        *out = arena_strdup(cx->a, "*");
        return ST_OK;
    }
    size_t len = 2;
    for (size_t i = 0; i < ev->n; i++)
        len += strlen(ev->v[i]) + 1;
    char *s = arena_alloc(cx->a, len), *p = s;
    *p++ = ',';
    *p = '\0';
    for (size_t i = 0; i < ev->n; i++) {
        char probe[EVENT_TYPE_MAX + 3];
        snprintf(probe, sizeof probe, ",%s,", ev->v[i]);
        if (strstr(s, probe)) continue; /* a duplicate */
        size_t n = strlen(ev->v[i]);
        memcpy(p, ev->v[i], n);
        p[n] = ',';
        p[n + 1] = '\0';
        p += n + 1;
    }
    *out = s;
    return ST_OK;
}

static status check_url(core_ctx *cx, const char *url)
{
    if (!url || !*url) return diag_set(cx->d, ST_INVALID, "url", "is required");
    if (strlen(url) > LIMIT_WEBHOOK_URL)
        return diag_set(cx->d, ST_INVALID, "url", "is longer than %d bytes", LIMIT_WEBHOOK_URL);
    return net_url_check(url, config.allow_private, NULL, cx->d);
}

static char *new_secret(arena *a)
{
    unsigned char raw[WEBHOOK_SECRET_HEX / 2];
    char *hex = arena_alloc(a, WEBHOOK_SECRET_HEX + 1);
    crypto_random(raw, sizeof raw);
    crypto_hex(raw, sizeof raw, hex);
    return hex;
}

static status load(core_ctx *cx, const char *id, webhook_row *w)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (st) return diag_set(cx->d, ST_NOT_FOUND, "", "webhook not found");
    st = store_webhook_get(cx->db, cx->ws, uuid, cx->a, w);
    return path_found(cx->d, "webhook", st);
}

typedef struct {
    const char *id;
    const webhook_in *in;
    webhook_out *out;
} edit_arg;

static status do_create(core_ctx *cx, void *p)
{
    edit_arg *e = p;
    webhook_row w = {.active = true, .old_until = NULL_INT};
    status st = check_url(cx, e->in->url.v);
    if (st) return st;
    w.url = (char *)e->in->url.v;
    w.events = "*";
    if (e->in->events.set && (st = events_join(cx, &e->in->events, &w.events))) return st;
    if (e->in->active.set) w.active = e->in->active.v;
    uuid_v4(w.uuid);
    w.secret = new_secret(cx->a);
    w.created_at = w.updated_at = cx->now;
    st = store_webhook_insert(cx->db, cx->ws, &w);
    if (st) return diag_set(cx->d, st, "", "cannot store the webhook");
    out_of(cx->a, &w, e->out);
    e->out->secret = w.secret;
    return ST_OK;
}

status webhook_create(core_ctx *cx, const webhook_in *in, webhook_out *out)
{
    edit_arg e = {NULL, in, out};
    return core_txn(cx, do_create, &e);
}

status webhook_get(core_ctx *cx, const char *id, webhook_out *out)
{
    webhook_row w;
    status st = load(cx, id, &w);
    if (!st) out_of(cx->a, &w, out);
    return st;
}

status webhook_list(core_ctx *cx, int64_t before, size_t limit, webhook_out **rows, size_t *n)
{
    webhook_row *w;
    status st = store_webhook_list(cx->db, cx->ws, before, limit, cx->a, &w, n);
    if (st) return diag_set(cx->d, st, "", "cannot read the webhooks");
    *rows = ARENA_ARRAY(cx->a, webhook_out, *n ? *n : 1);
    for (size_t i = 0; i < *n; i++)
        out_of(cx->a, &w[i], &(*rows)[i]);
    return ST_OK;
}

static status do_update(core_ctx *cx, void *p)
{
    edit_arg e = *(edit_arg *)p;
    webhook_row w;
    status st = load(cx, e.id, &w);
    if (st) return st;
    if (e.in->url.set) {
        if ((st = check_url(cx, e.in->url.v))) return st;
        w.url = (char *)e.in->url.v;
    }
    if (e.in->events.set && (st = events_join(cx, &e.in->events, &w.events))) return st;
    if (e.in->active.set) {
        if (e.in->active.v && !w.active) { /* a fresh start: its queued deliveries go out now */
            w.failures = 0;
            if ((st = store_webhook_requeue(cx->db, w.id, cx->now)))
                return diag_set(cx->d, st, "", "cannot store");
            core_after_commit(cx, wake_after, NULL);
        }
        w.active = e.in->active.v;
    }
    w.updated_at = cx->now;
    if ((st = store_webhook_update(cx->db, &w))) return diag_set(cx->d, st, "", "cannot store");
    out_of(cx->a, &w, e.out);
    return ST_OK;
}

status webhook_update(core_ctx *cx, const char *id, const webhook_in *in, webhook_out *out)
{
    edit_arg e = {id, in, out};
    return core_txn(cx, do_update, &e);
}

static status do_delete(core_ctx *cx, void *p)
{
    webhook_row w;
    status st = load(cx, p, &w);
    if (!st) st = store_webhook_delete(cx->db, w.id);
    return st;
}

status webhook_delete(core_ctx *cx, const char *id)
{
    return core_txn(cx, do_delete, (void *)id);
}

static status do_rotate(core_ctx *cx, void *p)
{
    edit_arg *e = p;
    webhook_row w;
    status st = load(cx, e->id, &w);
    if (st) return st;
    w.old_secret = w.secret;
    w.old_until = cx->now + WEBHOOK_ROTATE_OVERLAP;
    w.secret = new_secret(cx->a);
    w.updated_at = cx->now;
    if ((st = store_webhook_update(cx->db, &w))) return diag_set(cx->d, st, "", "cannot store");
    out_of(cx->a, &w, e->out);
    e->out->secret = w.secret;
    return ST_OK;
}

status webhook_rotate(core_ctx *cx, const char *id, webhook_out *out)
{
    edit_arg e = {id, NULL, out};
    return core_txn(cx, do_rotate, &e);
}

/* ---- the delivery log ---- */

/* A delivery's log: its earlier attempts from webhook_attempts, then the latest from its row
 * (migration 021; a row recorded before 021 has none there, every attempt in the table). */
static status with_attempts(core_ctx *cx, webhook_delivery_out *o)
{
    const webhook_delivery_row *d = &o->d;
    bool in_row = d->last_at != NULL_INT;
    webhook_attempt_row *older = NULL;
    size_t n = 0;
    status st = store_webhook_attempts(cx->db, d->id, (size_t)LIMIT_WEBHOOK_LOG - in_row, cx->a,
                                       &older, &n);
    if (st) return diag_set(cx->d, st, "", "cannot read the delivery log");
    o->attempts = ARENA_ARRAY(cx->a, webhook_attempt_row, n + 1);
    if (n) memcpy(o->attempts, older, n * sizeof *older);
    if (in_row)
        o->attempts[n++] = (webhook_attempt_row){.delivery_id = d->id,
                                                 .at = d->last_at,
                                                 .status_code = d->last_code,
                                                 .latency_ms = d->last_latency,
                                                 .response = d->last_response,
                                                 .error = d->last_error};
    o->n_attempts = n;
    return ST_OK;
}

status webhook_deliveries(core_ctx *cx, const char *id, int64_t before, size_t limit,
                          webhook_delivery_out **rows, size_t *n)
{
    webhook_row w;
    webhook_delivery_row *d;
    status st = load(cx, id, &w);
    if (st) return st;
    st = store_webhook_deliveries(cx->db, w.id, before, limit, cx->a, &d, n);
    if (st) return diag_set(cx->d, st, "", "cannot read the deliveries");
    *rows = ARENA_ARRAY(cx->a, webhook_delivery_out, *n ? *n : 1);
    for (size_t i = 0; !st && i < *n; i++) {
        (*rows)[i].d = d[i];
        st = with_attempts(cx, &(*rows)[i]);
    }
    return st;
}

typedef struct {
    const char *id;
    webhook_delivery_out *out;
} resend_arg;

static status do_resend(core_ctx *cx, void *p)
{
    resend_arg *e = p;
    webhook_delivery_out *o = e->out;
    char uuid[UUID_STR_LEN + 1];
    if (check_uuid(cx->d, "id", e->id, uuid))
        return diag_set(cx->d, ST_NOT_FOUND, "", "delivery not found");
    status st = store_webhook_delivery_get(cx->db, cx->ws, uuid, cx->a, &o->d);
    if ((st = path_found(cx->d, "delivery", st))) return st;
    o->d.status = "queued";
    o->d.next_at = cx->now;
    o->d.done_at = NULL_INT;
    if ((st = store_webhook_delivery_update(cx->db, &o->d)))
        return diag_set(cx->d, st, "", "cannot queue the delivery");
    core_after_commit(cx, wake_after, NULL);
    return with_attempts(cx, o);
}

status webhook_resend(core_ctx *cx, const char *id, webhook_delivery_out *out)
{
    resend_arg e = {id, out};
    return core_txn(cx, do_resend, &e);
}

/* ---- signing ---- */

void webhook_sign(const char *secret, int64_t t, const char *body, size_t len,
                  char out[2 * SHA256_LEN + 1])
{
    char head[32];
    int n = snprintf(head, sizeof head, "%lld.", (long long)t);
    size_t total = (size_t)n + len;
    char *msg = xmalloc(total ? total : 1);
    memcpy(msg, head, (size_t)n);
    memcpy(msg + n, body, len);
    unsigned char mac[SHA256_LEN];
    crypto_hmac_sha256(secret, strlen(secret), msg, total, mac);
    free(msg);
    crypto_hex(mac, SHA256_LEN, out);
}

char *webhook_signature(arena *a, const webhook_row *w, int64_t t, int64_t now_ms, const char *body,
                        size_t len)
{
    char cur[2 * SHA256_LEN + 1], old[2 * SHA256_LEN + 1];
    webhook_sign(w->secret, t, body, len, cur);
    if (!w->old_secret || w->old_until == NULL_INT || now_ms >= w->old_until)
        return arena_printf(a, "t=%lld,v1=%s", (long long)t, cur);
    webhook_sign(w->old_secret, t, body, len, old);
    return arena_printf(a, "t=%lld,v1=%s,v1=%s", (long long)t, cur, old);
}

status webhook_body(const char *delivery_uuid, const char *type, int64_t created_at,
                    const char *event_json, char **out, size_t *len)
{
    jw w;
    jw_init(&w, LIMIT_WEBHOOK_BODY);
    jw_obj(&w);
    jw_kstr(&w, "id", delivery_uuid);
    jw_kstr(&w, "type", type);
    char iso[TIME_ISO_LEN + 1];
    time_format_iso(created_at, iso);
    jw_kstr(&w, "created_at", iso);
    jw_key(&w, "data");
    jw_raw(&w, event_json);
    jw_end_obj(&w);
    return jw_finish(&w, out, len);
}

/* ---- the outbox worker's webhook kind ---- */

/* The worker's writes. When the store's writer thread runs (serve) they are a group-commit job,
 * put ahead of the queued requests (it must not wait behind a backlog), whose savepoint shares
 * the COMMIT of the requests batched with it; the worker waits for that COMMIT. Otherwise a
 * transaction of their own (core_txn). */
/* The endpoints a batch names, each read once per batch (NULL w: deleted meanwhile). */
typedef struct {
    int64_t id;
    webhook_row *w;
} endpoint;

typedef struct {
    endpoint *v;
    size_t n, cap;
} endpoints;

static status endpoint_get(db *c, arena *a, endpoints *e, int64_t id, webhook_row **out)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].id == id) return *out = e->v[i].w, ST_OK;
    webhook_row *w = ARENA_NEW(a, webhook_row);
    status st = store_webhook_get_id(c, id, a, w);
    if (st && st != ST_NOT_FOUND) return st;
    if (st) w = NULL;
    e->v = arena_grow(a, e->v, &e->cap, e->n, sizeof *e->v);
    e->v[e->n++] = (endpoint){id, w};
    *out = w;
    return ST_OK;
}

/* A claimed batch, with what its requests are made of: each delivery's endpoint (NULL: deleted
 * meanwhile) and event (id 0: not found), read on the writer in the claim's savepoint, where
 * the pages are warm, rather than on the worker's own connection, whose cache every COMMIT
 * voids. */
typedef struct {
    webhook_delivery_row *rows;
    size_t n;
    webhook_row **w;
    stream_event_row *ev;
} claim_arg;

static status do_claim(core_ctx *cx, void *p)
{
    claim_arg *c = p;
    status st = store_webhook_claim(cx->db, cx->now, cx->now + CLAIM_LEASE_MS, DUE_BATCH, cx->a,
                                    &c->rows, &c->n);
    if (st || !c->n) return st;
    c->w = ARENA_ARRAY(cx->a, webhook_row *, c->n);
    c->ev = ARENA_ARRAY(cx->a, stream_event_row, c->n);
    endpoints eps = {0};
    for (size_t i = 0; !st && i < c->n; i++) {
        webhook_delivery_row *d = &c->rows[i];
        stream_event_row *ev = NULL;
        size_t n = 0;
        st = endpoint_get(cx->db, cx->a, &eps, d->webhook_id, &c->w[i]);
        if (!st)
            st = store_stream_events(cx->db, d->ws, d->event_id - 1, NULL_INT, 1, cx->a, &ev, &n);
        if (!st && n && ev[0].id == d->event_id) c->ev[i] = ev[0];
    }
    return st;
}

/* Cut short by a stop: not an attempt; due again at once. */
static status do_release(core_ctx *cx, void *p)
{
    claim_arg *c = p;
    status st = ST_OK;
    for (size_t i = 0; !st && i < c->n; i++)
        st = store_webhook_release(cx->db, &c->rows[i], cx->now);
    return st;
}

/* One attempt's outcome, recorded with the batch. */
typedef struct {
    webhook_delivery_row *d;
    bool ok;
    net_post_result r;
    const char *error;
} outcome;

typedef struct {
    outcome *o;
    size_t n;
} record_arg;

static void record_event(core_ctx *cx, int64_t ws, const char *type, const webhook_row *w,
                         const webhook_delivery_row *d, const char *error, status *st)
{
    if (*st) return;
    evdata e;
    ev_init(&e);
    ev_str(&e, "webhook", NULL, w->uuid);
    ev_str(&e, "url", NULL, w->url);
    if (d) {
        ev_str(&e, "delivery", NULL, d->uuid);
        ev_str(&e, "event_type", NULL, d->event_type);
        ev_int(&e, "attempts", NULL_INT, d->attempts);
    } else {
        ev_int(&e, "failures", NULL_INT, w->failures);
        ev_bool(&e, "active", false);
    }
    if (error) ev_str(&e, "error", NULL, error);
    cx->ws = ws;
    *st = ev_commit(cx, NULL_INT, type, &e);
}

static status do_record(core_ctx *cx, void *p)
{
    record_arg *r = p;
    endpoints eps = {0};
    status st = ST_OK;
    for (size_t i = 0; !st && i < r->n; i++) {
        outcome *o = &r->o[i];
        webhook_delivery_row *d = o->d;
        webhook_row *w;
        st = endpoint_get(cx->db, cx->a, &eps, d->webhook_id, &w);
        if (st) break;
        if (!w) continue; /* deleted meanwhile: its deliveries went with it */
        bool had_last = d->last_at != NULL_INT;
        d->last_at = cx->now;
        d->last_code = o->r.code ? o->r.code : NULL_INT;
        d->last_latency = o->r.latency_ms;
        d->last_response = o->r.answer[0] ? o->r.answer : NULL;
        d->last_error = o->ok ? NULL : (char *)o->error;
        d->attempts++;
        bool gave_up = false;
        if (o->ok) {
            d->status = "delivered";
            d->done_at = cx->now;
            if (w->failures) {
                w->failures = 0;
                st = store_webhook_update(cx->db, w);
            }
        } else if (cx->now - d->created_at >= config.max_age_ms) {
            gave_up = true;
            d->status = "failed";
            d->done_at = cx->now;
            w->failures++;
            bool disable = w->active && w->failures >= config.disable_after;
            if (disable) w->active = false;
            st = store_webhook_update(cx->db, w);
            record_event(cx, d->ws, "webhook.delivery_failed", w, d, o->error, &st);
            if (disable) record_event(cx, d->ws, "webhook.disabled", w, NULL, o->error, &st);
        } else {
            uint64_t rnd;
            crypto_random(&rnd, sizeof rnd);
            d->next_at =
                cx->now + outbox_backoff(config.backoff_ms, d->attempts, BACKOFF_CAP_MS, rnd | 1);
        }
        if (!st) st = store_webhook_record(cx->db, d, had_last);
        if (!st) outbox_count(OUTBOX_WEBHOOK, o->ok, gave_up);
    }
    return st;
}

/* One write of the worker: the outcomes of the batch just sent, then the claim of the next
 * (when claim), so a steady flow costs one savepoint per batch, not two transactions. */
typedef struct {
    record_arg r;
    bool claim;
    claim_arg c;
} step_arg;

static status do_step(core_ctx *cx, void *p)
{
    step_arg *s = p;
    status st = s->r.n ? do_record(cx, &s->r) : ST_OK;
    if (!st && s->claim) st = do_claim(cx, &s->c);
    return st;
}

/* Makes one claimed delivery's request: its event as the stream shows it, signed for its
 * endpoint (body and headers in the arena). false (o->error set) when it cannot be made. */
static bool prepare(arena *a, atomic_bool *stop, const webhook_row *w, const stream_event_row *ev,
                    outcome *o, net_post *p)
{
    char *event_json = NULL, *body = NULL;
    size_t elen = 0, blen = 0;
    if (!w || !ev->id) {
        o->error = arena_printf(a, "cannot read the delivery's event or endpoint: %s",
                                status_name(ST_NOT_FOUND));
        return false;
    }
    status st = stream_event_json(ev, &event_json, &elen);
    if (!st) st = webhook_body(o->d->uuid, ev->type, ev->created_at, event_json, &body, &blen);
    free(event_json);
    if (st) {
        o->error = "the event is too large to send";
        return false;
    }
    char *kept = arena_strndup(a, body, blen);
    free(body);
    int64_t now = time_now_ms();
    char *sig = webhook_signature(a, w, now / 1000, now, kept, blen);
    const char **headers = ARENA_ARRAY(a, const char *, 2);
    headers[0] = arena_printf(a, "ticketd-Signature: %s", sig);
    headers[1] = arena_printf(a, "ticketd-Delivery: %s", o->d->uuid);
    *p = (net_post){.url = w->url,
                    .body = kept,
                    .len = blen,
                    .headers = headers,
                    .n_headers = 2,
                    .allow_private = config.allow_private,
                    .cancel = stop};
    return true;
}

/* The outbox worker's connections, kept across batches (one thread uses it). */
static net_client *client;

/* Sends the claimed deliveries side by side; fills each outcome. */
static void deliver_all(arena *a, atomic_bool *stop, const claim_arg *c, outcome *o)
{
    size_t n = c->n;
    net_post *posts = ARENA_ARRAY(a, net_post, n);
    size_t *which = ARENA_ARRAY(a, size_t, n), m = 0;
    for (size_t i = 0; i < n; i++)
        if (prepare(a, stop, c->w[i], &c->ev[i], &o[i], &posts[m])) which[m++] = i;
    net_post_result *res = ARENA_ARRAY(a, net_post_result, m ? m : 1);
    status *sts = ARENA_ARRAY(a, status, m ? m : 1);
    diag *diags = ARENA_ARRAY(a, diag, m ? m : 1);
    if (m) net_http_post_many(client, posts, m, res, sts, diags);
    for (size_t j = 0; j < m; j++) {
        outcome *x = &o[which[j]];
        x->r = res[j];
        x->ok = sts[j] == ST_OK;
        if (!x->ok) x->error = arena_strdup(a, diags[j].msg[0] ? diags[j].msg : "failed");
    }
}

typedef struct {
    size_t n;
} sweep_arg;

static status do_sweep(core_ctx *cx, void *p)
{
    sweep_arg *w = p;
    return store_webhook_sweep(cx->db, cx->now - config.keep_ms, SWEEP_BATCH, cx->a, &w->n);
}

/* The log's retention: finished deliveries older than keep_ms go, SWEEP_BATCH per write, from
 * the worker's thread (the only caller: swept_at is its own). Every SWEEP_EVERY_MS at most,
 * sooner while a sweep finds a full batch; the worker wakes at least hourly to call it. */
static void sweep(store *st)
{
    static int64_t swept_at;
    int64_t now = time_now_ms(), every = SWEEP_EVERY_MS;
    if (config.keep_ms / 2 < every) every = config.keep_ms / 2;
    if (now - swept_at < every) return;
    arena *a = arena_new(64 * 1024);
    diag d = {0};
    sweep_arg w = {0};
    status s = core_write_wait(st, a, &d, do_sweep, &w);
    if (s) log_error("webhook: the log's sweep failed: %s", d.msg[0] ? d.msg : status_name(s));
    swept_at = !s && w.n == SWEEP_BATCH ? now - every : now; /* more to go: again next time */
    arena_free(a);
}

status webhook_run_due(store *st, atomic_bool *stop, size_t *handled)
{
    *handled = 0;
    db *rd = store_conn(st);
    if (!rd) return ST_UNAVAILABLE;
    sweep(st);
    /* A read first: a write only when something is due. */
    int64_t next = NULL_INT;
    status s = store_webhook_next(rd, &next);
    if (s == ST_NOT_FOUND || (!s && next > time_now_ms())) return ST_OK;
    if (s) return s;
    /* Up to RUN_ROUNDS batches, each sent while the previous one's outcomes wait to be recorded
     * with the next claim; then a last write records the last batch alone. */
    arena *prev = NULL;
    record_arg pending = {0};
    for (int round = 0;; round++) {
        bool claim = round < RUN_ROUNDS && !atomic_load(stop);
        if (!pending.n && !claim) break;
        arena *a = arena_new(64 * 1024);
        diag d = {0};
        step_arg step = {.r = pending, .claim = claim};
        s = core_write_wait(st, a, &d, do_step, &step);
        if (s)
            log_error("webhook: cannot record %zu deliveries and claim more: %s", pending.n,
                      d.msg[0] ? d.msg : status_name(s));
        else
            *handled += pending.n;
        arena_free(prev);
        prev = NULL;
        pending = (record_arg){0};
        if (s || !step.c.n) {
            arena_free(a);
            break;
        }
        if (!client) client = net_client_new();
        claim_arg *c = &step.c;
        outcome *o = ARENA_ARRAY(a, outcome, c->n);
        for (size_t i = 0; i < c->n; i++)
            o[i] = (outcome){.d = &c->rows[i]};
        deliver_all(a, stop, c, o);
        /* Stopping: transfers cut short were not failures; they go back, due. */
        size_t done = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (atomic_load(stop) && !o[i].ok) {
                claim_arg back = {o[i].d, 1};
                if (core_write_wait(st, a, &d, do_release, &back))
                    log_error("webhook: cannot release a delivery");
                continue;
            }
            o[done++] = o[i];
        }
        pending = (record_arg){o, done};
        prev = a;
    }
    arena_free(prev);
    return s;
}

static status next_due(store *st, int64_t *at)
{
    *at = NULL_INT;
    db *c = store_conn(st);
    if (!c) return ST_INTERNAL;
    status s = store_webhook_next(c, at);
    if (s == ST_NOT_FOUND) *at = NULL_INT;
    return s == ST_NOT_FOUND ? ST_OK : s;
}

static const outbox_kind kind = {OUTBOX_WEBHOOK, "webhook", webhook_run_due, next_due};

void webhook_release(void)
{
    net_client_free(client);
    client = NULL;
}

void webhook_register(void)
{
    outbox_register(&kind);
    /* A COMMIT that queued deliveries wakes the worker now rather than at its next poll. */
    store_on_deliveries_queued(outbox_wake);
}
