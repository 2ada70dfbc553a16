/* The vendor dialects' OpenAPI 3.1 documents: GET /openapi/tamio.json, /openapi/zaia.json and
 * /openapi/apizee.json answer docs/openapi/<dialect>.json as embedded at build (util/embed.h),
 * without a key, with an ETag (304 on If-None-Match) and an hour of caching. The documents are
 * the contract the API tests hold every dialect's answers to (tests/api/lib/openapi.mjs). */
#include <pthread.h>
#include <string.h>

#include "api/dialects.h"
#include "util/crypto.h"
#include "util/embed.h"
#include "util/xalloc.h"

static const char *const doc_paths[] = {
    "docs/openapi/tamio.json",
    "docs/openapi/zaia.json",
    "docs/openapi/apizee.json",
};
#define N_DOCS (sizeof doc_paths / sizeof doc_paths[0])

/* "\"" + 32 hex digits (the first 16 bytes of the document's SHA-256) + "\"" */
#define ETAG_SIZE (2 * 16 + 3)
static char etags[N_DOCS][ETAG_SIZE];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

static void etags_make(void)
{
    for (size_t i = 0; i < N_DOCS; i++) {
        const embed_file *f = embed_find(doc_paths[i]);
        BUG_ON(!f); /* the Makefile's EMBED lists them */
        unsigned char h[SHA256_LEN];
        crypto_sha256(f->data, f->len, h);
        etags[i][0] = '"';
        crypto_hex(h, 16, etags[i] + 1);
        etags[i][ETAG_SIZE - 2] = '"';
        etags[i][ETAG_SIZE - 1] = '\0';
    }
}

static status send_doc(api_call *c, size_t i)
{
    pthread_once(&etags_once, etags_make);
    const embed_file *f = embed_find(doc_paths[i]);
    api_resp *r = c->resp;
    r->content_type = "application/json";
    call_header(r, "Cache-Control", "public, max-age=3600");
    call_header(r, "ETag", etags[i]);
    if (call_none_match(c->req->if_none_match, etags[i])) {
        r->status = 304;
        return ST_OK;
    }
    r->status = 200;
    r->body = xmalloc(f->len);
    memcpy(r->body, f->data, f->len);
    r->len = f->len;
    return ST_OK;
}

static status h_tamio(api_call *c)
{
    return send_doc(c, 0);
}

static status h_zaia(api_call *c)
{
    return send_doc(c, 1);
}

static status h_apizee(api_call *c)
{
    return send_doc(c, 2);
}

static const api_route openapi_routes[] = {
    {"GET", "/openapi/tamio.json", h_tamio, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/openapi/zaia.json", h_zaia, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/openapi/apizee.json", h_apizee, DIALECT_OPS, true, .res = RES_PUBLIC},
};
const api_dialect openapi_dialect = {
    DIALECT_OPS,      "/openapi",
    openapi_routes,   sizeof openapi_routes / sizeof openapi_routes[0],
    call_plain_error, call_plain_no_route};
