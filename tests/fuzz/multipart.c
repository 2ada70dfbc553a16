/* Fuzzes uploads end to end on the real server: server/http.c hands the body to
 * libmicrohttpd's multipart post processor, whose pieces reach api_upload_part through the
 * server's own callback (form_part); then api_upload_end (sniffing, libvips decoding,
 * thumbnails) and the write. Input: "TEMPLATE\nBODY", the template one of the upload routes
 * (POST /v2/agency/assets/upload, POST /api/v3/tickets/{id}/medias; another line picks one by
 * its bytes); the boundary is the body's first line without its "--", as a client sends it.
 * The request goes over a socket to 127.0.0.1 (fuzz_serve_start): an answer must come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const fuzz_world *w;
static char apizee_path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    w = fuzz_api_start();
    fuzz_serve_start();
    snprintf(apizee_path, sizeof apizee_path, "/api/v3/tickets/%s/medias", w->apizee_ticket);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(4096);
    fuzz_in in = {data, data + size};
    size_t len;
    const char *line = fuzz_take(&in, a, '\n', &len);
    const char *path = "/v2/agency/assets/upload";
    if (!strcmp(line, "POST /api/v3/tickets/{id}/medias") ||
        (strcmp(line, "POST /v2/agency/assets/upload") && len % 2))
        path = apizee_path;
    const char *body = (const char *)in.p;
    size_t body_len = (size_t)(in.end - in.p);
    /* The boundary: the first line, less "--" and a CR (bounded, as a header line is). */
    size_t bl = 0;
    while (bl < body_len && bl < 200 && body[bl] != '\n')
        bl++;
    size_t skip = bl >= 2 && body[0] == '-' && body[1] == '-' ? 2 : 0;
    size_t end = bl > skip && body[bl - 1] == '\r' ? bl - 1 : bl;
    char boundary[256];
    size_t k = 0;
    for (size_t i = skip; i < end; i++)
        if (body[i] != '\r' && body[i] != '\0') boundary[k++] = body[i];
    boundary[k] = '\0';
    char head[1024];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer %s\r\n"
                      "Content-Type: multipart/form-data; boundary=%s\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      path, w->key, boundary, body_len);
    char *req = arena_alloc(a, (size_t)hl + body_len);
    memcpy(req, head, (size_t)hl);
    memcpy(req + hl, body, body_len);
    int http = fuzz_http(req, (size_t)hl + body_len);
    if (getenv("TICKETD_FUZZ_VERBOSE")) fprintf(stderr, "multipart: %s answered %d\n", path, http);
    if (http < 200 || http > 599) {
        fprintf(stderr, "multipart: no answer (%d)\n", http);
        abort();
    }
    arena_free(a);
    return 0;
}
