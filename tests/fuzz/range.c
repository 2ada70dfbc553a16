/* Fuzzes the Range and If-Range headers of file downloads (api/files.c): GET of the world's
 * asset (/files/{asset}/{name}) with the input as "RANGE\nIF-RANGE" (no newline: no If-Range).
 * Checks what the server then sends: a 206 is a non-empty part inside the file with a
 * Content-Range that says so, a 200 the whole file, a 416 nothing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const fuzz_world *w;
static char path[256];
static uint64_t file_size;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    w = fuzz_api_start();
    snprintf(path, sizeof path, "/files/%s/%s", w->asset, w->asset_name);
    arena *a = arena_new(4096);
    api_resp r;
    fuzz_req fr = {.method = "GET", .path = path};
    if (fuzz_request(&fr, a, &r) != 200) abort();
    file_size = r.file_len;
    arena_free(a);
    return 0;
}

static const char *header(const api_resp *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (!strcmp(r->headers[i].name, name)) return r->headers[i].value;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(4096);
    fuzz_in in = {data, data + size};
    const char *range = fuzz_take(&in, a, '\n', NULL);
    const char *if_range =
        in.p < in.end || (size && data[size - 1] == '\n') ? fuzz_take(&in, a, '\0', NULL) : NULL;
    api_resp r;
    fuzz_req fr = {.method = "GET", .path = path, .range = range, .if_range = if_range};
    int http = fuzz_request(&fr, a, &r);
    const char *cr = header(&r, "Content-Range");
    if (http == 206) {
        char want[96];
        snprintf(want, sizeof want, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, r.file_off,
                 r.file_off + r.file_len - 1, file_size);
        if (!r.file_len || r.file_off + r.file_len > file_size || !cr || strcmp(cr, want)) {
            fprintf(stderr, "range: %s -> %s (%" PRIu64 "+%" PRIu64 ")\n", range, cr ? cr : "-",
                    r.file_off, r.file_len);
            abort();
        }
    } else if (http == 200) {
        if (r.file_off || r.file_len != file_size || cr) abort();
    } else if (http != 416) {
        fprintf(stderr, "range: %s answered %d\n", range, http);
        abort();
    }
    free(r.body);
    arena_free(a);
    return 0;
}
