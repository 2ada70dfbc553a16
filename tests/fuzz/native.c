/* Fuzzes the reads of ticketd's own API (/ticketd/v1, api/native*.c): each GET route runs its
 * real handler through api_invoke with the query string given, so `limit` and the opaque
 * cursors (native.h's codec, then each list's ranges: a timeline's ms, kind and id, a keyset
 * list's ms and uuid) are decoded and checked before the store is asked. Input:
 * "METHOD TEMPLATE\nQUERY\n" (fuzz.h); path captures are ids of the world's rows. */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_api_start();
    return 0;
}

static bool native_reads(const api_route *r)
{
    return r->dl == DIALECT_NATIVE && strcmp(r->method, "GET") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_route_request(data, size, native_reads, NULL);
    return 0;
}
