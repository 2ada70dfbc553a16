/* Operational endpoints that belong to no vendor: GET /healthz (no key). */
#include "api/dialects.h"

static status h_healthz(api_call *c)
{
    return reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

static const api_route ops_routes[] = {
    {"GET", "/healthz", h_healthz, DIALECT_OPS, true, .res = RES_PUBLIC},
};
const api_dialect ops_dialect = {DIALECT_OPS,      NULL,
                                 ops_routes,       sizeof ops_routes / sizeof ops_routes[0],
                                 call_plain_error, call_plain_no_route};
