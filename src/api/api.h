/* The HTTP-neutral face of the dialects. server/ turns a libmicrohttpd request into an api_req,
 * matches it against api_routes, and hands it to api_invoke, which authenticates it, runs the
 * dialect's handler and fills an api_resp. Nothing here knows libmicrohttpd. */
#ifndef TICKETD_API_API_H
#define TICKETD_API_API_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/status.h"

typedef enum { DIALECT_OPS = 0, DIALECT_TAMIO, DIALECT_ZAIA, DIALECT_APIZEE } dialect;

typedef struct {
    const char *name, *value; /* value may be NULL ("?flag") */
} api_kv;

typedef struct {
    const char *method, *path;             /* path without the query string */
    const char *params[LIMIT_PATH_PARAMS]; /* the {…} segments of the matched template */
    size_t n_params;
    api_kv *query; /* in arrival order; repeated keys repeat */
    size_t n_query;
    const char *authorization; /* the header, or NULL */
    const char *content_type;  /* or NULL */
    const char *body;          /* NUL-terminated copy of the body, or NULL */
    size_t body_len;
    bool body_too_large; /* the body went over the limit and was dropped */
    arena *a;            /* the request's arena */
} api_req;

#define API_MAX_HEADERS 4
typedef struct {
    int status;
    char *body; /* malloc'd; the server frees it with the response */
    size_t len;
    const char *content_type;
    api_kv headers[API_MAX_HEADERS];
    size_t n_headers;
} api_resp;

typedef struct api_call api_call;
typedef status (*api_handler)(api_call *call);

typedef struct {
    const char *method, *path; /* path template: literal segments and {name} captures */
    api_handler fn;
    dialect dl;
    bool public_; /* no key needed */
} api_route;

/* Every dialect's routes, in one table (valid after api_init). */
extern const api_route *api_routes;
extern size_t api_route_count;

/* Process-wide configuration the handlers need; set once before serving. */
typedef struct {
    store *st;
    size_t max_body;
} api_config;
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
    void *body; /* the body, parsed before queueing (a JSON object), or NULL */
} api_write;
bool api_route_writes(const api_route *r);
void api_submit_write(api_write *w, const api_route *r, api_req *req, api_resp *resp,
                      void (*ready)(void *ctx), void *ctx);
void api_finish_write(api_write *w);
/* Answers a request that matched no route (404), or a path with other methods (405). */
void api_no_route(api_req *req, api_resp *resp, bool method_not_allowed);
/* Answers 413 in the dialect of the path. */
void api_too_large(api_req *req, api_resp *resp);

#endif
