/* Outbox counters (core/outbox_stats.h): attempts by kind and result in relaxed atomics, and
 * the queued rows counted in the store at each scrape. Fed by core/notify.c's worker. */
#include "core/outbox_stats.h"

#include <stdatomic.h>
#include <stdio.h>

#include "store/store.h"
#include "util/metrics.h"

static const char *const kind_names[OUTBOX_KINDS] = {
    [OUTBOX_EMAIL] = "email", [OUTBOX_SMS] = "sms", [OUTBOX_WEBHOOK] = "webhook"};
static const char *const result_names[OUTBOX_RESULTS] = {
    [OUTBOX_SENT] = "sent", [OUTBOX_RETRY] = "retry", [OUTBOX_FAILED] = "failed"};

static atomic_uint_fast64_t attempts[OUTBOX_KINDS][OUTBOX_RESULTS];

void outbox_stats_count(outbox_kind k, outbox_result r)
{
    BUG_ON(k >= OUTBOX_KINDS || r >= OUTBOX_RESULTS);
    atomic_fetch_add_explicit(&attempts[k][r], 1, memory_order_relaxed);
}

/* Queued rows by kind. */
static status depth(store *st, int64_t out[OUTBOX_KINDS])
{
    db *c = store_conn(st);
    if (!c) return ST_INTERNAL;
    status s = store_notification_depth(c, &out[OUTBOX_EMAIL], &out[OUTBOX_SMS]);
    /* WEBHOOK SEAM: the webhook outbox adds its queued deliveries to out[OUTBOX_WEBHOOK]. */
    out[OUTBOX_WEBHOOK] = 0;
    return s;
}

status outbox_stats_render(store *st, buf *b)
{
    char labels[64];
    status s = metrics_put_header(b, "ticketd_outbox_deliveries_total", "counter",
                                  "Outbox delivery attempts by kind and result (sent, retry: "
                                  "failed and to be retried, failed: given up).");
    for (size_t k = 0; !s && k < OUTBOX_KINDS; k++)
        for (size_t r = 0; !s && r < OUTBOX_RESULTS; r++) {
            snprintf(labels, sizeof labels, "kind=\"%s\",result=\"%s\"", kind_names[k],
                     result_names[r]);
            s = metrics_put_sample(b, "ticketd_outbox_deliveries_total", labels,
                                   atomic_load_explicit(&attempts[k][r], memory_order_relaxed));
        }
    if (s) return s;
    int64_t d[OUTBOX_KINDS] = {0};
    status read = depth(st, d);
    if (read) return read;
    s = metrics_put_header(b, "ticketd_outbox_depth", "gauge",
                           "Outbox rows queued for delivery (not yet sent or failed), by kind.");
    for (size_t k = 0; !s && k < OUTBOX_KINDS; k++) {
        snprintf(labels, sizeof labels, "kind=\"%s\"", kind_names[k]);
        s = metrics_put_sample(b, "ticketd_outbox_depth", labels, (uint64_t)(d[k] < 0 ? 0 : d[k]));
    }
    return s;
}
