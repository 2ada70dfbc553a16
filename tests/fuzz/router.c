/* Fuzzes router_match (server/router.c) over the real route table: a method line, then a path
 * as it comes off the wire. Checks what the server relies on: a match's captures are non-empty
 * segments without '/', no more than the template has, and a path that some route matches is
 * always "known" to the 405 logic. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "server/router.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    api_config cfg = {0};
    api_init(&cfg); /* only the route table is used */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(1024);
    fuzz_in in = {data, data + size};
    const char *method = fuzz_take(&in, a, '\n', NULL);
    size_t plen;
    const char *path = fuzz_take(&in, a, '\0', &plen);
    const char *params[LIMIT_PATH_PARAMS];
    size_t n = 99;
    bool known = false;
    const api_route *r =
        router_match(api_routes, api_route_count, method, path, a, params, &n, &known);
    if (r) {
        bool head = strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0;
        if ((strcmp(r->method, method) != 0 && !head) || n > LIMIT_PATH_PARAMS) abort();
        size_t braces = 0;
        for (const char *t = r->path; *t; t++)
            braces += *t == '{';
        if (n != braces) abort();
        for (size_t i = 0; i < n; i++)
            if (!params[i][0] || strchr(params[i], '/') || strlen(params[i]) > plen) abort();
    }
    /* Under any other method the same path is known (405), or matches another route. */
    bool known2 = false;
    size_t n2;
    const api_route *r2 =
        router_match(api_routes, api_route_count, "FUZZ", path, a, params, &n2, &known2);
    if (r2 || (r && !known2)) abort();
    arena_free(a);
    return 0;
}
