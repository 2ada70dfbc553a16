/* The text of GET /metrics (`serve --metrics-listen`, docs/METRICS.md): util/metrics.h's
 * counters (requests, latency, group commit, store, stream clients), then the outboxes'
 * (core/outbox_stats.h). Called by server/http.c's metrics listener, on its own thread. */
#include "api/api.h"
#include "core/outbox_stats.h"
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

char *api_metrics_text(size_t *len)
{
    buf b;
    buf_init(&b, LIMIT_METRICS_TEXT);
    status st = metrics_render(&b);
    if (!st) st = outbox_stats_render(outbox_store, &b);
    if (st) log_error("metrics: the scrape is incomplete: %s", status_name(st));
    *len = b.len;
    char *out = buf_steal(&b);
    return out ? out : xstrdup("");
}
