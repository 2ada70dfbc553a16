/* Process-wide counters for `serve --metrics-listen` (docs/METRICS.md), rendered in the
 * Prometheus text exposition format (version 0.0.4). Every update is a relaxed atomic add on a
 * slot fixed at metrics_init: no lock and no allocation on the request path, so any layer may
 * feed it (server/ the requests and stream clients, store/ the group commit and connections).
 * Requests are counted only after metrics_init (the default: metrics off; then a request costs
 * one predictable branch); the gauges, store errors and batch sizes, rare next to requests,
 * always count, so a gauge stays exact whenever metrics are turned on.
 * Thread-safe; metrics_init runs once, before the threads that update. */
#ifndef TICKETD_UTIL_METRICS_H
#define TICKETD_UTIL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

/* One route of the server, as its label: method and pattern (borrowed; must outlive the
 * process's metrics), and the index of its dialect's name. */
typedef struct {
    const char *method, *pattern;
    unsigned dialect;
} metrics_route;

/* Gauges (values that go up and down). */
typedef enum {
    METRICS_STREAM_CLIENTS, /* live-stream connections open */
    METRICS_WRITE_QUEUE,    /* group-commit jobs queued for the writer thread, not yet taken */
    METRICS_STORE_CONNS,    /* open store connections (readers, writer, checkpointer, listener) */
    METRICS_GAUGES
} metrics_gauge;

/* Store errors, by kind. */
typedef enum {
    METRICS_STORE_OPEN_FAILED,   /* a connection could not be opened */
    METRICS_STORE_COMMIT_FAILED, /* a group-commit batch failed (its jobs answered 5xx) */
    METRICS_STORE_ERRORS
} metrics_store_error;

/* Turns metrics on. routes and dialects are borrowed for the life of the process; a request
 * that matched no route is counted under route index n_routes ("none"). */
void metrics_init(const metrics_route *routes, size_t n_routes, const char *const *dialects,
                  size_t n_dialects);
bool metrics_enabled(void);

/* One answered request: route index (n_routes: none matched), dialect index (n_dialects: none),
 * HTTP status, microseconds from its first byte to its completion. */
void metrics_request(size_t route, unsigned dialect, int code, int64_t us);
void metrics_gauge_add(metrics_gauge g, int64_t delta);
void metrics_store_error_count(metrics_store_error e);
/* One group-commit transaction of n jobs. */
void metrics_write_batch(size_t n);

/* Appends every metric above to b (the caller's; ST_TOO_LARGE past its cap). */
status metrics_render(buf *b) WUR;

/* For other modules' sections of the same scrape: a # HELP and # TYPE header, and one sample
 * (labels: "" or `a="x",b="y"`, already escaped). Both fail only past b's cap. */
status metrics_put_header(buf *b, const char *name, const char *type, const char *help) WUR;
status metrics_put_sample(buf *b, const char *name, const char *labels, uint64_t value) WUR;

#endif
