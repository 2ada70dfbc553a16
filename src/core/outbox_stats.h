/* The outboxes' delivery counters and depth, for `serve --metrics-listen` (docs/METRICS.md).
 * The invitation worker (core/notify.c) counts each email and SMS attempt here. The webhook
 * outbox (issue 15, item 1, built in parallel) plugs into the same seam: it counts each
 * delivery attempt with outbox_stats_count(OUTBOX_WEBHOOK, …) and adds its queued rows in
 * outbox_stats_depth (marked WEBHOOK SEAM in outbox_stats.c). Counters are lock-free
 * (relaxed atomics) and count this process's attempts; the depth is read from the store, so
 * on PostgreSQL every node reports the whole outbox. Thread-safe. */
#ifndef TICKETD_CORE_OUTBOX_STATS_H
#define TICKETD_CORE_OUTBOX_STATS_H

#include "core/core.h"
#include "util/buf.h"
#include "util/status.h"

typedef enum { OUTBOX_EMAIL, OUTBOX_SMS, OUTBOX_WEBHOOK, OUTBOX_KINDS } outbox_kind;

typedef enum {
    OUTBOX_SENT,   /* delivered */
    OUTBOX_RETRY,  /* the attempt failed; it will be retried */
    OUTBOX_FAILED, /* given up: permanent failure or out of attempts */
    OUTBOX_RESULTS
} outbox_result;

/* One delivery attempt of kind k that ended in r. */
void outbox_stats_count(outbox_kind k, outbox_result r);

/* Appends the outbox metrics (deliveries by kind and result; depth by kind, read through st
 * on this thread's connection) to b. ST_TOO_LARGE past b's cap; a store failure leaves the
 * depth out and answers its status after the counters are written. */
status outbox_stats_render(store *st, buf *b) WUR;

#endif
