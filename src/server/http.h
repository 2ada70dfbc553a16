/* The HTTP server: libmicrohttpd with its epoll thread pool, per-request arenas, body limits,
 * connection timeouts, one log line per request, and a clean stop on SIGTERM/SIGINT that lets
 * in-flight requests finish. The only module that includes microhttpd.h. */
#ifndef TICKETD_SERVER_HTTP_H
#define TICKETD_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct {
    const char *listen;  /* HOST:PORT, [v6]:PORT */
    unsigned threads;    /* 0: one per core */
    size_t max_body;     /* JSON/form bodies */
    uint64_t max_upload; /* one uploaded file */
    bool quiet;          /* no per-request log lines */
    /* HOST:PORT of a second listener that answers only GET /metrics (docs/METRICS.md), never
     * the API; NULL: none. api_metrics_init must have run. */
    const char *metrics_listen;
} http_config;

/* Serves until SIGTERM or SIGINT; api_init must have run. */
status http_serve(const http_config *cfg, diag *d) WUR;

#endif
