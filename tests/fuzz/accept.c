/* Fuzzes the Accept-Encoding and If-None-Match headers of the console's files (api/app.c,
 * call_accepts_coding in api/call.c): GET of the console's main module with the input as
 * "ACCEPT-ENCODING\nIF-NONE-MATCH" (no newline: no If-None-Match). Checks what the server then
 * sends: a 200 is the embedded file or its gzip twin, with Content-Encoding saying which and
 * the ETag and Vary headers; a 304 only when If-None-Match names that ETag or is "*". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "api/call.h"
#include "util/embed.h"

static char path[256];
static const embed_file *plain, *gz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)fuzz_api_start();
    const char *dir = "build/console/assets/";
    for (size_t i = 0; i < embed_count && !plain; i++) {
        const char *p = embed_files[i].path;
        size_t n = strlen(p);
        if (strncmp(p, dir, strlen(dir)) == 0 && strncmp(p + strlen(dir), "main-", 5) == 0 &&
            strcmp(p + n - 3, ".js") == 0)
            plain = &embed_files[i];
    }
    if (!plain) abort();
    snprintf(path, sizeof path, "/app/assets/%s", plain->path + strlen(dir));
    char gzname[300];
    snprintf(gzname, sizeof gzname, "%s.gz", plain->path);
    gz = embed_find(gzname);
    if (!gz) abort();
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
    const char *ae = fuzz_take(&in, a, '\n', NULL);
    const char *inm =
        in.p < in.end || (size && data[size - 1] == '\n') ? fuzz_take(&in, a, '\0', NULL) : NULL;
    api_resp r;
    fuzz_req fr = {.method = "GET", .path = path, .accept_encoding = ae, .if_none_match = inm};
    int http = fuzz_request(&fr, a, &r);
    const char *etag = header(&r, "ETag"), *ce = header(&r, "Content-Encoding");
    if (!etag || !header(&r, "Vary")) abort();
    /* A 304 exactly when If-None-Match names the answer's tag (RFC 9110's list, call.h). */
    if ((http == 304) != call_none_match(inm, etag)) abort();
    if (http == 200) {
        const embed_file *want = ce ? gz : plain;
        if ((ce && strcmp(ce, "gzip")) || r.len != want->len || memcmp(r.body, want->data, r.len)) {
            fprintf(stderr, "accept: %s -> %s, %zu bytes\n", ae, ce ? ce : "identity", r.len);
            abort();
        }
        if (call_accepts_coding(ae, "gzip") != (ce != NULL)) abort();
    } else if (http != 304) {
        fprintf(stderr, "accept: %s answered %d\n", ae, http);
        abort();
    }
    free(r.body);
    arena_free(a);
    return 0;
}
