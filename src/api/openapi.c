/* The vendor dialects' OpenAPI 3.1 documents: GET /openapi/tamio.json, /openapi/zaia.json and
 * /openapi/apizee.json answer docs/openapi/<dialect>.json as embedded at build (util/embed.h),
 * without a key, with an ETag (304 on If-None-Match) and an hour of caching. The documents are
 * the contract the API tests hold every dialect's answers to (tests/api/lib/openapi.mjs). */
#include "api/dialects.h"

static const char *const doc_paths[] = {
    "docs/openapi/tamio.json",
    "docs/openapi/zaia.json",
    "docs/openapi/apizee.json",
};

static status h_tamio(api_call *c)
{
    return call_embedded_doc(c, doc_paths[0]);
}

static status h_zaia(api_call *c)
{
    return call_embedded_doc(c, doc_paths[1]);
}

static status h_apizee(api_call *c)
{
    return call_embedded_doc(c, doc_paths[2]);
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
