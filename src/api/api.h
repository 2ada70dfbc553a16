/* The dispatcher: the HTTP-neutral face of the dialects. server/ turns a libmicrohttpd request
 * into an api_req (api/request.h), matches it against api_routes, and hands it to api_invoke,
 * which authenticates it, runs the dialect's handler and fills an api_resp. Nothing here knows
 * libmicrohttpd. The dialects never call back in here: they use the helpers of api/call.h. */
#ifndef TICKETD_API_API_H
#define TICKETD_API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/core.h"
#include "api/request.h"
#include "core/policy.h"
#include "core/ratelimit.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/status.h"

/* Every dialect's routes, in one table (valid after api_init). */
extern const api_route *api_routes;
extern size_t api_route_count;

/* Process-wide configuration the handlers need; set once before serving. */
typedef struct {
    store *st;
    size_t max_body;
    uint64_t max_upload;
    ratelimit_config rate; /* core/ratelimit.h; zero: nothing limited */
    int64_t idem_ttl_ms;   /* how long an Idempotency-Key answer replays; 0: IDEM_TTL_MS */
} api_config;
/* Also sets the rate limits (ratelimit_init); ratelimit_release undoes that. */
void api_init(const api_config *cfg);

/* Runs a matched route that only reads (or needs no key), on the calling thread. */
void api_invoke(const api_route *r, api_req *req, api_resp *resp);

/* Routes that change data run through group commit instead: api_submit_write queues the
 * request (its key check included) for the store's writer thread; ready(ctx) is called from
 * that thread once the outcome is durable (or failed). The caller then calls
 * api_finish_write on its own thread and sends resp. req, resp and w must stay alive until
 * then. */
typedef struct {
    store_job job;
    const api_route *route;
    api_req *req;
    api_resp *resp;
    status ran, committed;
    void (*ready)(void *ctx);
    void *ctx;
    void *body;        /* the body, parsed before queueing (a JSON object), or NULL */
    core_after *after; /* what the handler left for after the COMMIT */
} api_write;
bool api_route_writes(const api_route *r);
void api_submit_write(api_write *w, const api_route *r, api_req *req, api_resp *resp,
                      void (*ready)(void *ctx), void *ctx);
void api_finish_write(api_write *w);
/* The live stream (core/stream.h): an answer whose resp.stream is set is sent as what
 * api_stream_read gives (bytes; 0: nothing yet, and suspend(ctx) was called, req.stream_wake
 * follows; -1: the end); api_stream_end when its connection is gone; api_stream_close_all on
 * shutdown ends every stream (their suspended connections are woken to finish). */
ssize_t api_stream_read(struct stream_sub *s, char *dst, size_t max, void (*suspend)(void *ctx),
                        void *ctx);
void api_stream_end(struct stream_sub *s);
void api_stream_close_all(void);
/* Answers a request that matched no route (404), or a path with other methods (405). */
void api_no_route(api_req *req, api_resp *resp, bool method_not_allowed);
/* Answers 413 in the dialect of the path (limit: the cap the body went over). */
void api_too_large(api_req *req, api_resp *resp, uint64_t limit);

/* Uploads (routes with .upload): the server feeds the multipart body to these while it
 * arrives, so a file never sits whole in memory. api_upload_begin (first call, before any
 * body) checks the key and readies req->form; api_upload_part takes each piece of each part
 * (off: the piece's offset in the part's value) and returns false once the upload has failed
 * (the rest of the body is then only drained); api_upload_fail records a failure the server
 * sees (a body that is not multipart, a malformed one). api_upload_end finishes and processes
 * the file off the writer thread: true when the request should go on to api_submit_write,
 * false when resp holds the answer (an error). */
void api_upload_begin(const api_route *r, api_req *req);
bool api_upload_part(api_req *req, const char *key, const char *filename, const char *data,
                     uint64_t off, size_t size);
void api_upload_fail(api_req *req, const char *field, const char *msg);
bool api_upload_end(const api_route *r, api_req *req, api_resp *resp);
/* The slow part of api_upload_end off the caller's thread: api_upload_slow says whether there
 * is any (a file to decode, no failure yet, asset workers running); api_upload_queue then hands
 * it to the asset workers, and ready(ctx) is called on a worker once it is done, after which
 * api_upload_end answers its outcome without processing again. req stays alive until then. */
bool api_upload_slow(const api_req *req);
void api_upload_queue(api_req *req, void (*ready)(void *ctx), void *ctx);
uint64_t api_max_upload(void);

/* `serve --metrics-listen` (api/metrics.c, docs/METRICS.md). api_metrics_init turns request
 * metrics on, labelled by api_routes (call after api_init, before serving); st (borrowed) is
 * the store the outbox depth is read from. api_metrics_text answers the Prometheus text of
 * every metric (caller frees; *len: its length); thread-safe. */
void api_metrics_init(store *st);
char *api_metrics_text(size_t *len);

#endif
