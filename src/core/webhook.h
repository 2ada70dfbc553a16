/* Signed webhooks (docs/WEBHOOKS.md): the endpoints a workspace registers through /ticketd/v1,
 * their secrets (made here, shown once, rotated with a 24 h overlap), the outbox of deliveries
 * (queued by the store with every event, in the event's transaction), and the delivery kind of
 * the outbox worker (core/outbox.h): a signed JSON POST through net/, retried with exponential
 * backoff and jitter for up to a day, each attempt logged; an endpoint whose deliveries keep
 * failing is disabled. Outcomes that concern no ticket are events of no ticket:
 * webhook.delivery_failed and webhook.disabled.
 *
 * Every function that takes a core_ctx is an administrator's (the routes' policy, RES_WEBHOOK)
 * and writes through core_txn. Thread safety: webhook_init and webhook_register from the main
 * thread before the worker starts; the rest from any thread. */
#ifndef TICKETD_CORE_WEBHOOK_H
#define TICKETD_CORE_WEBHOOK_H

#include <stdatomic.h>

#include "core/core.h"

#define WEBHOOK_SECRET_HEX     64          /* 32 random bytes, hex */
#define WEBHOOK_BACKOFF_MS     30000       /* the first retry's wait; doubles, capped at an hour */
#define WEBHOOK_MAX_AGE_MS     86400000LL  /* a delivery is given up a day after it was queued */
#define WEBHOOK_ROTATE_OVERLAP 86400000LL  /* the old secret signs alongside for a day */
#define WEBHOOK_DISABLE_AFTER  20          /* consecutive failed deliveries disable an endpoint */
#define WEBHOOK_KEEP_MS        604800000LL /* a finished delivery's log is kept 7 days */

typedef struct {
    bool allow_private;    /* serve --webhook-allow-private: loopback and private URLs allowed */
    int64_t backoff_ms;    /* 0: WEBHOOK_BACKOFF_MS (--webhook-backoff-ms, for tests) */
    int64_t max_age_ms;    /* 0: WEBHOOK_MAX_AGE_MS (--webhook-max-age-ms, for tests) */
    int64_t disable_after; /* 0: WEBHOOK_DISABLE_AFTER */
    int64_t keep_ms;       /* 0: WEBHOOK_KEEP_MS (--webhook-keep-ms, for tests) */
} webhook_config;

void webhook_init(const webhook_config *cfg);
/* Registers the deliveries with the outbox worker. */
void webhook_register(void);
/* Drops the worker's kept connections; after outbox_stop. */
void webhook_release(void);

/* An endpoint's input: present members change, absent ones stay (create: url required,
 * events default ["*"], active default true). */
typedef struct {
    opt_str url;
    opt_strs events;
    opt_bool active;
} webhook_in;

/* A webhook and, right after create or rotate only, its secret. */
typedef struct {
    webhook_row w;
    const char *const *events; /* the types, or {"*"} (arena) */
    size_t n_events;
    const char *secret; /* NULL except in the answer of create and rotate */
} webhook_out;

/* ST_INVALID naming url or events; the URL's host must resolve to a public address unless the
 * server allows private ones. */
status webhook_create(core_ctx *cx, const webhook_in *in, webhook_out *out) WUR;
status webhook_get(core_ctx *cx, const char *id, webhook_out *out) WUR;
/* Up to limit webhooks older than position `before` (NULL_INT: the newest first). */
status webhook_list(core_ctx *cx, int64_t before, size_t limit, webhook_out **rows, size_t *n) WUR;
/* Reactivating (active: true) also forgets the endpoint's consecutive failures and makes its
 * queued deliveries due now. An inactive endpoint gets no new deliveries. */
status webhook_update(core_ctx *cx, const char *id, const webhook_in *in, webhook_out *out) WUR;
status webhook_delete(core_ctx *cx, const char *id) WUR;
/* A new secret (in out->secret); the old one keeps signing alongside for a day. */
status webhook_rotate(core_ctx *cx, const char *id, webhook_out *out) WUR;

/* A delivery with up to LIMIT_WEBHOOK_LOG of its attempts, oldest first. */
typedef struct {
    webhook_delivery_row d;
    webhook_attempt_row *attempts;
    size_t n_attempts;
} webhook_delivery_out;
#define LIMIT_WEBHOOK_LOG 10
/* The deliveries of webhook `id`, newest first, older than position `before` (NULL_INT: from
 * the newest). */
status webhook_deliveries(core_ctx *cx, const char *id, int64_t before, size_t limit,
                          webhook_delivery_out **rows, size_t *n) WUR;
/* Queues delivery `id` again, due now (a delivered or failed one too: a new attempt follows). */
status webhook_resend(core_ctx *cx, const char *id, webhook_delivery_out *out) WUR;

/* ---- signing ---- */
/* The hex HMAC-SHA256 of "<t>.<body>" under secret (its text as the key). */
void webhook_sign(const char *secret, int64_t t, const char *body, size_t len,
                  char out[2 * 32 + 1]);
/* The ticketd-Signature value "t=<t>,v1=<hex>[,v1=<hex of the old secret>]" (arena): the old
 * secret signs too while now_ms is before w->old_until. */
char *webhook_signature(arena *a, const webhook_row *w, int64_t t, int64_t now_ms, const char *body,
                        size_t len);
/* The delivery body {"id","type","created_at","data":<event_json>} (caller frees). */
status webhook_body(const char *delivery_uuid, const char *type, int64_t created_at,
                    const char *event_json, char **out, size_t *len) WUR;

/* Delivers what is due now (a batch), recording each attempt; for the outbox worker and tests.
 * stop may be NULL. */
status webhook_run_due(store *st, atomic_bool *stop, size_t *handled) WUR;

#endif
