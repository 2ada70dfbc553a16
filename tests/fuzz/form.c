/* Fuzzes Apizee's parameters (api/apizee.c): an application/x-www-form-urlencoded body decoded
 * by its form reader (url_decode, '+' and %XX), repeated keys joined by kv_join, the query
 * string beside it, and the handlers that read them (token grants, create, update, list
 * filters, exports). Input: "METHOD TEMPLATE\nQUERY\nBODY" (fuzz.h) over Apizee's routes. */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_api_start();
    return 0;
}

static bool apizee(const api_route *r)
{
    return r->dl == DIALECT_APIZEE && !r->upload && strcmp(r->method, "DELETE") != 0 &&
           strcmp(r->path, "/api/v3/token/revoke") != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_route_request(data, size, apizee, "application/x-www-form-urlencoded");
    return 0;
}
