/* The metrics registry (util/metrics.h): fixed arrays of relaxed atomics, allocated once by
 * metrics_init, and their rendering in the Prometheus text format. Requests are counted per
 * (route, status) and timed per dialect in a histogram with fixed buckets; the counts of a
 * bucket are kept per bucket and summed when rendered (cumulative, as the format wants).
 * Request counters are sharded: each thread adds to the shard it drew on its first request, so
 * server threads do not bounce one cache line between cores (two threads counting the same
 * route were 2.5 times slower per request on one shared slot); a scrape sums the shards. */
#include "util/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

/* The statuses the server answers; anything else is counted as "other". */
static const int statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409,
                               412, 413, 415, 416, 422, 428, 429, 499, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0] + 1)

/* Latency buckets (upper bounds, microseconds) and their labels (seconds). */
static const int64_t lat_us[] = {500,    1000,   2500,   5000,    10000,   25000,   50000,
                                 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const char *const lat_le[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                     "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};
#define N_LAT (sizeof lat_us / sizeof lat_us[0] + 1) /* + the +Inf bucket */

/* Group-commit batch sizes: powers of two up to LIMIT_WRITE_BATCH (256). */
static const size_t batch_le[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
#define N_BATCH (sizeof batch_le / sizeof batch_le[0] + 1)

typedef struct {
    atomic_uint_fast64_t bucket[N_LAT];
    atomic_uint_fast64_t sum_us, count;
} latency;

#define N_SHARDS 8 /* more than the server's threads on most machines; threads beyond share */

/* One shard of the request counters, on cache lines of its own. */
typedef struct {
    _Alignas(64) atomic_uint_fast64_t (*requests)[N_STATUS]; /* [n_routes + 1] */
    latency *lat;                                            /* [n_dialects + 1] */
} shard;

static struct {
    atomic_bool on;
    const metrics_route *routes;
    size_t n_routes;
    const char *const *dialects;
    size_t n_dialects;
    shard shards[N_SHARDS];
    atomic_uint next_shard;
    atomic_int_fast64_t gauges[METRICS_GAUGES];
    atomic_uint_fast64_t store_errors[METRICS_STORE_ERRORS];
    atomic_uint_fast64_t batch[N_BATCH], batch_sum, batch_count;
} m;

void metrics_init(const metrics_route *routes, size_t n_routes, const char *const *dialects,
                  size_t n_dialects)
{
    BUG_ON(atomic_load(&m.on));
    m.routes = routes;
    m.n_routes = n_routes;
    m.dialects = dialects;
    m.n_dialects = n_dialects;
    for (size_t i = 0; i < N_SHARDS; i++) {
        m.shards[i].requests = xcalloc(n_routes + 1, sizeof *m.shards[i].requests);
        m.shards[i].lat = xcalloc(n_dialects + 1, sizeof *m.shards[i].lat);
    }
    atomic_store(&m.on, true);
}

bool metrics_enabled(void)
{
    return atomic_load_explicit(&m.on, memory_order_relaxed);
}

static void add(atomic_uint_fast64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

void metrics_request(size_t route, unsigned dialect, int code, int64_t us)
{
    if (!metrics_enabled()) return;
    if (route > m.n_routes) route = m.n_routes;
    if (dialect > m.n_dialects) dialect = (unsigned)m.n_dialects;
    size_t s = 0;
    while (s < N_STATUS - 1 && statuses[s] != code)
        s++;
    static _Thread_local shard *mine;
    if (!mine) mine = &m.shards[atomic_fetch_add(&m.next_shard, 1) % N_SHARDS];
    add(&mine->requests[route][s], 1);
    if (us < 0) us = 0;
    size_t b = 0;
    while (b < N_LAT - 1 && us > lat_us[b])
        b++;
    latency *l = &mine->lat[dialect];
    add(&l->bucket[b], 1);
    add(&l->sum_us, (uint64_t)us);
    add(&l->count, 1);
}

void metrics_gauge_add(metrics_gauge g, int64_t delta)
{
    atomic_fetch_add_explicit(&m.gauges[g], delta, memory_order_relaxed);
}

void metrics_store_error_count(metrics_store_error e)
{
    add(&m.store_errors[e], 1);
}

void metrics_write_batch(size_t n)
{
    size_t b = 0;
    while (b < N_BATCH - 1 && n > batch_le[b])
        b++;
    add(&m.batch[b], 1);
    add(&m.batch_sum, n);
    add(&m.batch_count, 1);
}

static uint64_t get(atomic_uint_fast64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* Sums over the shards (the request counters). */
static uint64_t requests_of(size_t route, size_t s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < N_SHARDS; i++)
        n += get(&m.shards[i].requests[route][s]);
    return n;
}

static void latency_of(size_t dialect, uint64_t bucket[N_LAT], uint64_t *sum_us, uint64_t *count)
{
    memset(bucket, 0, N_LAT * sizeof *bucket);
    *sum_us = *count = 0;
    for (size_t i = 0; i < N_SHARDS; i++) {
        latency *l = &m.shards[i].lat[dialect];
        for (size_t b = 0; b < N_LAT; b++)
            bucket[b] += get(&l->bucket[b]);
        *sum_us += get(&l->sum_us);
        *count += get(&l->count);
    }
}

status metrics_put_header(buf *b, const char *name, const char *type, const char *help)
{
    return buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

status metrics_put_sample(buf *b, const char *name, const char *labels, uint64_t value)
{
    if (!*labels) return buf_printf(b, "%s %llu\n", name, (unsigned long long)value);
    return buf_printf(b, "%s{%s} %llu\n", name, labels, (unsigned long long)value);
}

/* A label value as the format wants it: backslash, double quote and newline escaped. */
static const char *esc(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 3 < cap; s++) {
        if (*s == '\\' || *s == '"' || *s == '\n') out[n++] = '\\';
        out[n++] = *s == '\n' ? 'n' : *s;
    }
    out[n] = '\0';
    return out;
}

static const char *dialect_name(size_t i)
{
    return i < m.n_dialects ? m.dialects[i] : "none";
}

static status render_requests(buf *b)
{
    status st = metrics_put_header(b, "ticketd_http_requests_total", "counter",
                                   "HTTP requests answered, by dialect, route pattern and status.");
    char route[512], labels[768], code[8];
    for (size_t r = 0; !st && r <= m.n_routes; r++) {
        const metrics_route *mr = r < m.n_routes ? &m.routes[r] : NULL;
        for (size_t s = 0; !st && s < N_STATUS; s++) {
            uint64_t n = requests_of(r, s);
            if (!n) continue;
            if (s < N_STATUS - 1)
                snprintf(code, sizeof code, "%d", statuses[s]);
            else
                snprintf(code, sizeof code, "other");
            snprintf(labels, sizeof labels,
                     "dialect=\"%s\",method=\"%s\",route=\"%s\",status=\"%s\"",
                     mr ? dialect_name(mr->dialect) : "none", mr ? mr->method : "",
                     mr ? esc(mr->pattern, route, sizeof route) : "none", code);
            st = metrics_put_sample(b, "ticketd_http_requests_total", labels, n);
        }
    }
    if (!st)
        st = metrics_put_header(b, "ticketd_http_request_duration_seconds", "histogram",
                                "Time from a request's first byte to its completion, by dialect.");
    for (size_t d = 0; !st && d <= m.n_dialects; d++) {
        uint64_t bucket[N_LAT], sum, count;
        latency_of(d, bucket, &sum, &count);
        if (!count) continue;
        uint64_t cum = 0;
        for (size_t i = 0; !st && i < N_LAT; i++) {
            cum += bucket[i];
            snprintf(labels, sizeof labels, "dialect=\"%s\",le=\"%s\"", dialect_name(d),
                     i < N_LAT - 1 ? lat_le[i] : "+Inf");
            st = metrics_put_sample(b, "ticketd_http_request_duration_seconds_bucket", labels, cum);
        }
        if (!st)
            st = buf_printf(
                b, "ticketd_http_request_duration_seconds_sum{dialect=\"%s\"} %llu.%06llu\n",
                dialect_name(d), (unsigned long long)(sum / 1000000),
                (unsigned long long)(sum % 1000000));
        snprintf(labels, sizeof labels, "dialect=\"%s\"", dialect_name(d));
        if (!st)
            st =
                metrics_put_sample(b, "ticketd_http_request_duration_seconds_count", labels, count);
    }
    return st;
}

static status render_store(buf *b)
{
    static const struct {
        const char *name, *help;
    } gauges[METRICS_GAUGES] = {
        [METRICS_STREAM_CLIENTS] = {"ticketd_stream_clients", "Live-stream connections open."},
        [METRICS_WRITE_QUEUE] = {"ticketd_store_write_queue_depth",
                                 "Write jobs queued for the group-commit writer, not yet taken."},
        [METRICS_STORE_CONNS] = {"ticketd_store_connections", "Open store connections."},
    };
    status st = ST_OK;
    for (size_t g = 0; !st && g < METRICS_GAUGES; g++) {
        int64_t v = atomic_load_explicit(&m.gauges[g], memory_order_relaxed);
        st = metrics_put_header(b, gauges[g].name, "gauge", gauges[g].help);
        if (!st) st = buf_printf(b, "%s %lld\n", gauges[g].name, (long long)v);
    }
    static const char *const errors[METRICS_STORE_ERRORS] = {
        [METRICS_STORE_OPEN_FAILED] = "open", [METRICS_STORE_COMMIT_FAILED] = "commit"};
    if (!st)
        st = metrics_put_header(b, "ticketd_store_errors_total", "counter",
                                "Store failures: connections that could not be opened, batches "
                                "that failed to commit.");
    char labels[64];
    for (size_t e = 0; !st && e < METRICS_STORE_ERRORS; e++) {
        snprintf(labels, sizeof labels, "kind=\"%s\"", errors[e]);
        st = metrics_put_sample(b, "ticketd_store_errors_total", labels, get(&m.store_errors[e]));
    }
    if (!st)
        st = metrics_put_header(b, "ticketd_store_write_batch_size", "histogram",
                                "Write jobs per group-commit transaction.");
    uint64_t cum = 0;
    for (size_t i = 0; !st && i < N_BATCH; i++) {
        cum += get(&m.batch[i]);
        if (i < N_BATCH - 1)
            snprintf(labels, sizeof labels, "le=\"%zu\"", batch_le[i]);
        else
            snprintf(labels, sizeof labels, "le=\"+Inf\"");
        st = metrics_put_sample(b, "ticketd_store_write_batch_size_bucket", labels, cum);
    }
    if (!st)
        st = metrics_put_sample(b, "ticketd_store_write_batch_size_sum", "", get(&m.batch_sum));
    if (!st)
        st = metrics_put_sample(b, "ticketd_store_write_batch_size_count", "", get(&m.batch_count));
    return st;
}

status metrics_render(buf *b)
{
    if (!metrics_enabled()) return ST_OK;
    status st = render_requests(b);
    if (!st) st = render_store(b);
    return st;
}
