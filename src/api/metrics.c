/* The text of GET /metrics (`serve --metrics-listen`, docs/METRICS.md): util/metrics.h's
 * counters (requests, latency, group commit, store, stream clients), then the outboxes'
 * (core/outbox.h: attempts by kind and result, and the queued rows read from the store). Called by
 * server/http.c's metrics listener, on its own thread. */
#include <stdio.h>

#include "api/api.h"
#include "core/outbox.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/xalloc.h"

/* The dialects' names, by api/request.h's dialect (the metrics' `dialect` label). */
static const char *const dialect_names[] = {
    [DIALECT_OPS] = "ops",       [DIALECT_TAMIO] = "tamio",   [DIALECT_ZAIA] = "zaia",
    [DIALECT_APIZEE] = "apizee", [DIALECT_NATIVE] = "native",
};
#define N_DIALECT_NAMES (sizeof dialect_names / sizeof dialect_names[0])

static metrics_route *labels;
static store *outbox_store;

void api_metrics_init(store *st)
{
    outbox_store = st;
    labels = xcalloc(api_route_count ? api_route_count : 1, sizeof *labels);
    for (size_t i = 0; i < api_route_count; i++) {
        BUG_ON((size_t)api_routes[i].dl >= N_DIALECT_NAMES);
        labels[i] = (metrics_route){.method = api_routes[i].method,
                                    .pattern = api_routes[i].path,
                                    .dialect = api_routes[i].dl};
    }
    metrics_init(labels, api_route_count, dialect_names, N_DIALECT_NAMES);
}

static const char *const outbox_names[OUTBOX_KINDS] = {
    [OUTBOX_INVITATION] = "invitation", [OUTBOX_WEBHOOK] = "webhook"};

/* The outboxes' attempts of this process by kind and result (sent; retry: failed, to be tried
 * again; failed: given up), then each queue's depth, counted in the store at each scrape (on
 * PostgreSQL every node reports the whole outbox). A store failure leaves the depth out. */
static status outbox_render(store *st, buf *b)
{
    char lbl[64];
    status s = metrics_put_header(b, "ticketd_outbox_deliveries_total", "counter",
                                  "Outbox delivery attempts by kind and result (sent, retry: "
                                  "failed and to be retried, failed: given up).");
    for (size_t k = 0; !s && k < OUTBOX_KINDS; k++) {
        outbox_counts c = outbox_stats((outbox_kind_id)k);
        const uint64_t by_result[3] = {c.delivered, c.failures - c.gave_up, c.gave_up};
        static const char *const results[3] = {"sent", "retry", "failed"};
        for (size_t r = 0; !s && r < 3; r++) {
            snprintf(lbl, sizeof lbl, "kind=\"%s\",result=\"%s\"", outbox_names[k], results[r]);
            s = metrics_put_sample(b, "ticketd_outbox_deliveries_total", lbl, by_result[r]);
        }
    }
    if (s) return s;
    int64_t depth[OUTBOX_KINDS] = {0};
    for (size_t k = 0; k < OUTBOX_KINDS; k++) {
        status read = outbox_depth(st, (outbox_kind_id)k, &depth[k]);
        if (read) return read;
    }
    s = metrics_put_header(b, "ticketd_outbox_depth", "gauge",
                           "Outbox rows queued for delivery (not yet sent or failed), by kind.");
    for (size_t k = 0; !s && k < OUTBOX_KINDS; k++) {
        snprintf(lbl, sizeof lbl, "kind=\"%s\"", outbox_names[k]);
        s = metrics_put_sample(b, "ticketd_outbox_depth", lbl,
                               (uint64_t)(depth[k] < 0 ? 0 : depth[k]));
    }
    return s;
}

char *api_metrics_text(size_t *len)
{
    buf b;
    buf_init(&b, LIMIT_METRICS_TEXT);
    status st = metrics_render(&b);
    if (!st) st = outbox_render(outbox_store, &b);
    if (st) log_error("metrics: the scrape is incomplete: %s", status_name(st));
    *len = b.len;
    char *out = buf_steal(&b);
    return out ? out : xstrdup("");
}
