/* The HTTP-neutral request, response and route of api/: what server/ fills from a
 * libmicrohttpd request and reads back, and what a dialect's route table and handlers are made
 * of. Types only: the dispatcher (api.h) and the dialects' helpers (call.h) both build on it. */
#ifndef TICKETD_API_REQUEST_H
#define TICKETD_API_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/status.h"

typedef struct api_form api_form;
typedef enum {
    DIALECT_OPS = 0,
    DIALECT_TAMIO,
    DIALECT_ZAIA,
    DIALECT_APIZEE,
    DIALECT_NATIVE
} dialect;

typedef struct {
    const char *name, *value; /* value may be NULL ("?flag") */
} api_kv;

typedef struct {
    const char *method, *path;             /* path without the query string */
    const char *params[LIMIT_PATH_PARAMS]; /* the {…} segments of the matched template */
    size_t n_params;
    api_kv *query; /* in arrival order; repeated keys repeat */
    size_t n_query;
    const char *authorization;   /* the header, or NULL */
    const char *idempotency_key; /* the Idempotency-Key header, or NULL (api.c: keyed POSTs) */
    /* The Cookie header (NULL when absent or longer than LIMIT_COOKIE_HEADER), Origin and Host
     * headers: a session cookie's credentials and the same-origin check of its writes. */
    const char *cookie, *origin, *host;
    const char *content_type; /* or NULL */
    const char *body;         /* NUL-terminated copy of the body, or NULL */
    size_t body_len;
    bool body_too_large; /* the body went over the limit and was dropped */
    arena *a;            /* the request's arena */
    const char *range;   /* the Range header, or NULL */
    const char *if_none_match, *if_range;
    const char *if_match;        /* the If-Match header, or NULL */
    const char *accept_encoding; /* the Accept-Encoding header, or NULL (api/app.c) */
    api_form *form;              /* an upload route's fields and file (api_upload_*), else NULL */
    const char *peer;            /* the client's address as text (IPv4 or IPv6), or NULL */
    /* The path parameter or query name whose decoded text held a NUL byte (%00), or NULL:
     * such a request is refused (400 naming it) before its handler runs, never read cut short
     * at the NUL. */
    const char *nul_field;
    /* The live stream (GET /ticketd/v1/stream): the Last-Event-ID header (or NULL), and how the
     * server is told that a suspended stream has something to send (core/stream.h). */
    const char *last_event_id;
    void (*stream_wake)(void *ctx);
    void *stream_ctx;
} api_req;

typedef struct {
    int status;
    char *body; /* malloc'd; the server frees it with the response */
    size_t len;
    const char *content_type;
    api_kv headers[LIMIT_API_HEADERS];
    size_t n_headers;
    /* A file answer instead of body: `file_len` bytes from file_off of file_fd (the server
     * sends them and closes the fd) or, when file_fd is -1, of file_bytes (the server sends
     * them and calls file_release(file_hold) once done). A HEAD gets the headers only. */
    bool has_file;
    int file_fd;
    const unsigned char *file_bytes;
    void *file_hold;
    void (*file_release)(void *hold);
    uint64_t file_off, file_len;
    /* A stream answer instead of body: the server sends what api_stream_read gives until it
     * ends, and api_stream_end when the connection is gone. */
    struct stream_sub *stream;
} api_resp;

/* A file answer that will not be sent (the server could not, or a test harness reads it): its
 * descriptor closed, or its bytes' hold released (api/call.c). */
void api_resp_drop_file(api_resp *resp);

typedef struct api_call api_call;
typedef status (*api_handler)(api_call *call);

typedef struct {
    const char *method, *path; /* path template: literal segments and {name} captures */
    api_handler fn;
    dialect dl;
    bool public_;      /* no key needed */
    bool key_optional; /* a key is checked when one is presented; the handler decides else */
    bool upload;       /* a multipart/form-data body, streamed through api_upload_* */
    /* What the route reads or changes, for the access policy (core/policy.h): checked before
     * the handler runs; a non-public route that declares no resource never starts. */
    policy_resource res;
    policy_op op;
} api_route;

#endif
