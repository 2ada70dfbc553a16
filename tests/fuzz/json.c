/* Fuzzes the JSON bodies of every dialect's writes (Tamio, Zaia, Apizee): each route that takes
 * a body runs its real handler through api_submit_write and the group commit, as `serve` does,
 * so the body is parsed (call_body), read (in_str, in_strs, the dialects' own readers) and
 * validated by core/ before anything is written. Input: "METHOD TEMPLATE\nQUERY\nBODY"
 * (fuzz.h); path captures are ids of the world's rows. */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_api_start();
    return 0;
}

/* Writes that read a body; deleting the world's rows would only stop the fuzzing. */
static bool writes_json(const api_route *r)
{
    return api_route_writes(r) && !r->upload && strcmp(r->method, "DELETE") != 0 &&
           r->dl != DIALECT_OPS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_route_request(data, size, writes_json, "application/json");
    return 0;
}
