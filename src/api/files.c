/* GET (and HEAD) of an asset's file or thumbnail, at the URLs asset_sign_urls makes:
 * /files/{asset}/{filename} and /files/{asset}/thumbnails/{box}.webp. A signed URL needs no key;
 * a key of the asset's workspace needs no signature. Answers send the blob (from memory when
 * small, else with sendfile) with its sniffed Content-Type, the hash as ETag (If-None-Match ->
 * 304), one byte range (206/416, If-Range honoured), and Content-Disposition carrying the original
 * filename. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/dialects.h"

/* Parses "bytes=a-b", "bytes=a-" or "bytes=-n" against size into [*off, *off + *len). Returns
 * 1 for a satisfiable range, 0 for one that is not (416), -1 for a header to ignore (several
 * ranges, another unit, a malformed value: the whole file is sent). */
static int parse_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len)
{
    if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ',')) return -1;
    const char *p = h + 6;
    unsigned long long a = 0, b = 0;
    int na = 0, nb = 0;
    while (*p >= '0' && *p <= '9' && na < 20)
        a = a * 10 + (unsigned long long)(*p++ - '0'), na++;
    if (*p++ != '-') return -1;
    while (*p >= '0' && *p <= '9' && nb < 20)
        b = b * 10 + (unsigned long long)(*p++ - '0'), nb++;
    if (*p || (!na && !nb) || na >= 20 || nb >= 20) return -1;
    if (!na) { /* the last b bytes */
        if (!b || !size) return 0;
        if (b > size) b = size;
        *off = size - b;
        *len = b;
        return 1;
    }
    if (nb && b < a) return -1;
    if (a >= size) return 0;
    if (!nb || b >= size) b = size - 1;
    *off = a;
    *len = b - a + 1;
    return 1;
}

/* An answer that does not send the blob lets it go. */
static void let_go(asset_blob *b)
{
    if (b->fd >= 0) close(b->fd);
    if (b->hold) b->release(b->hold);
}

static status serve(api_call *c, const char *variant)
{
    asset_blob b;
    status st = asset_open(&c->cx, c->req->params[0], variant, q_get(c, "expires"),
                           q_get(c, "signature"), &b);
    if (st) return st;
    api_resp *r = c->resp;
    arena *a = c->req->a;
    const char *etag = arena_printf(a, "\"%s\"", b.hash);
    call_header(r, "ETag", etag);
    call_header(r, "Accept-Ranges", "bytes");
    call_header(r, "Cache-Control", "private, max-age=3600");
    call_header(r, "X-Content-Type-Options", "nosniff");
    call_header(r, "Content-Disposition", call_disposition(a, b.filename, b.is_media));
    r->content_type = b.mime;
    if (call_none_match(c->req->if_none_match, etag)) {
        let_go(&b);
        r->status = 304;
        return ST_OK;
    }
    uint64_t off = 0, len = b.size;
    const char *range = c->req->range;
    if (range && c->req->if_range && strcmp(c->req->if_range, etag) != 0) range = NULL;
    int got = range ? parse_range(range, b.size, &off, &len) : -1;
    if (got == 0) {
        let_go(&b);
        call_header(r, "Content-Range",
                    arena_printf(a, "bytes */%llu", (unsigned long long)b.size));
        r->content_type = NULL;
        r->status = 416;
        return ST_OK;
    }
    if (got == 1)
        call_header(r, "Content-Range",
                    arena_printf(a, "bytes %llu-%llu/%llu", (unsigned long long)off,
                                 (unsigned long long)(off + len - 1), (unsigned long long)b.size));
    r->status = got == 1 ? 206 : 200;
    r->has_file = true;
    r->file_fd = b.fd;
    r->file_bytes = b.bytes;
    r->file_hold = b.hold;
    r->file_release = b.release;
    r->file_off = off;
    r->file_len = len;
    return ST_OK;
}

static status h_file(api_call *c)
{
    return serve(c, NULL);
}

/* {box}.webp: the thumbnail made to fit box. */
static status h_thumbnail(api_call *c)
{
    const char *name = c->req->params[1];
    size_t n = strlen(name);
    bool ok = n > 5 && n <= 12 && strcmp(name + n - 5, ".webp") == 0;
    for (size_t i = 0; ok && i < n - 5; i++)
        ok = name[i] >= '0' && name[i] <= '9';
    if (!ok) return diag_set(&c->d, ST_NOT_FOUND, "file", "not found");
    return serve(c, arena_strndup(c->req->a, name, n - 5));
}

static const api_route files_routes[] = {
    {"GET", "/files/{id}/{name}", h_file, DIALECT_OPS, .key_optional = true, .res = RES_FILE},
    {"GET", "/files/{id}/thumbnails/{name}", h_thumbnail, DIALECT_OPS, .key_optional = true,
     .res = RES_FILE},
};
const api_dialect files_dialect = {DIALECT_OPS,      "/files",
                                   files_routes,     sizeof files_routes / sizeof files_routes[0],
                                   call_plain_error, call_plain_no_route};
