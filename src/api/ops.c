/* Operational endpoints that belong to no vendor: GET /healthz (no key). */
#include "api/dialects.h"

static status h_healthz(api_call *c)
{
    return reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

const api_route ops_routes[] = {
    {"GET", "/healthz", h_healthz, DIALECT_OPS, true, .res = RES_PUBLIC},
};
const size_t ops_route_count = sizeof ops_routes / sizeof ops_routes[0];
