/* What the libFuzzer harnesses in tests/fuzz/ share (docs/FUZZING.md). Each harness defines
 * LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it needs a store); it is linked either
 * with libFuzzer (build/fuzz/<name>, clang) or with replay.c (build/asan/fuzz/<name>, the
 * ASan+UBSan build), which runs a directory of saved inputs through it as an ordinary test.
 *
 * fuzz_api_start readies the real stack once per process: a temporary data directory with an
 * SQLite store (its writer thread started, as in `serve`), the file store and libvips, api_init,
 * one workspace and its API key, one client, teammate, category and a ticket of each dialect.
 * fuzz_request then runs one request through the same calls server/http.c makes: router_match,
 * then api_invoke for a read or api_submit_write (waiting for its group commit) for a write.
 * Not thread-safe: one request at a time, from the fuzzing thread. */
#ifndef TICKETD_TESTS_FUZZ_H
#define TICKETD_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fuzz input read piece by piece: the bytes up to the next separator byte `sep` (or the end)
 * as a NUL-terminated arena copy. */
typedef struct {
    const uint8_t *p, *end;
} fuzz_in;
char *fuzz_take(fuzz_in *in, arena *a, char sep, size_t *len_out);
/* One byte (0 at the end). */
uint8_t fuzz_byte(fuzz_in *in);

/* Splits a raw query string (a=1&b&c=) into api_kv pairs in the arena, as the server hands them
 * to api/ (no percent-decoding: libmicrohttpd has done it by then). */
api_kv *fuzz_query(arena *a, const char *q, size_t *n_out);

typedef struct {
    const char *key;               /* the workspace's API key */
    const char *ws_uuid;           /* its id */
    const char *client, *teammate; /* uuids of a client and a teammate (Tamio) */
    const char *category;          /* a ticket category's uuid */
    const char *tamio_ticket, *zaia_ticket, *apizee_ticket; /* one ticket each */
    const char *asset;             /* an uploaded PNG's asset uuid */
    const char *asset_name;        /* its file name */
} fuzz_world;
const fuzz_world *fuzz_api_start(void);

typedef struct {
    const char *method, *path; /* path without the query string */
    const char *query;         /* raw, or NULL */
    const char *authorization; /* NULL: the world's key as a bearer */
    const char *content_type, *range, *if_range;
    const char *accept_encoding, *if_none_match;
    const char *body;
    size_t body_len;
} fuzz_req;
/* Runs the request; returns the HTTP status (0: no route). Aborts when an answer breaks an
 * invariant every answer keeps (a status outside 200..599, a body without its length). */
int fuzz_request(const fuzz_req *fr, arena *a, api_resp *resp_out);

/* Runs an upload route's multipart parts as the server's post processor hands them over:
 * api_upload_begin, then each api_upload_part, then api_upload_end and the write. */
typedef struct {
    const char *key, *filename;
    const char *data;
    size_t size;
    uint64_t off;
} fuzz_part;
int fuzz_upload(const char *path, const fuzz_part *parts, size_t n, arena *a, api_resp *resp_out);

/* The harnesses that drive handlers read "METHOD TEMPLATE\nQUERY\nBODY": a route of the table
 * by its template (e.g. "POST /v2/agency/tickets/reply/create/{uuid}"; any other line picks
 * one of them by its bytes), the raw query string, then the body. Only routes keep(r) accepts
 * are run; each {…} becomes an id of the world that fits the path (a ticket's, a category's…).
 * Returns the HTTP status, or 0 when no route was kept. */
int fuzz_route_request(const uint8_t *data, size_t size, bool (*keep)(const api_route *r),
                       const char *content_type);

/* The real server (server/http.c, libmicrohttpd) on 127.0.0.1, started once in a thread of its
 * own after fuzz_api_start. fuzz_http sends one raw request (a whole HTTP/1.1 message, which
 * should say Connection: close) and returns the answer's status, 0 when none came. */
void fuzz_serve_start(void);
int fuzz_http(const char *req, size_t len);

#endif
