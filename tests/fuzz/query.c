/* Fuzzes the query-string helpers of api/call.c (call.h): q_get, q_list, q_paging, q_bool,
 * q_uuid, q_uuids and kv_join, over the name=value pairs a request arrives with (already
 * percent-decoded by libmicrohttpd). The input: a raw query string (a=1&b[]=2&c), nothing
 * else. Checks that every failure names a field and that kv_join keeps every value. */
#include <stdlib.h>
#include <string.h>

#include "api/call.h"
#include "fuzz.h"

static const sort_opt sorts[] = {{"created_at", SORT_CREATED}, {"title", SORT_TITLE}};

static void named(api_call *c, status st)
{
    if (st && !c->d.field[0]) abort(); /* bad input is answered naming its field */
    c->d = (diag){0};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(1024);
    fuzz_in in = {data, data + size};
    const char *q = fuzz_take(&in, a, '\0', NULL);
    api_req req = {.method = "GET", .path = "/fuzz", .a = a};
    req.query = fuzz_query(a, q, &req.n_query);
    api_resp resp = {0};
    api_call c = {.req = &req, .resp = &resp};

    list_in l;
    named(&c, q_list(&c, "page", "per_page", sorts, 2, &l));
    named(&c, q_paging(&c, "offset", "limit", false, &l));
    int b;
    named(&c, q_bool(&c, "closed", &b));
    const char *u;
    named(&c, q_uuid(&c, "teammate_id", &u));
    uuid_list ul;
    if (!q_uuids(&c, "assigneeIds", &ul)) {
        for (size_t i = 0; i < ul.n; i++)
            if (strlen(ul.v[i]) != UUID_STR_LEN) abort();
    } else {
        named(&c, ST_INVALID);
    }
    static const char *const names[] = {"emails", "phones", "status", "a", ""};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        const char *j = kv_join(a, req.query, req.n_query, names[k]);
        /* Joined, the values keep every byte: their lengths plus one comma between each. */
        size_t want = 0, hits = 0, nl = strlen(names[k]);
        for (size_t i = 0; i < req.n_query; i++) {
            const char *nm = req.query[i].name;
            if (strncmp(nm, names[k], nl) || (nm[nl] && strcmp(nm + nl, "[]"))) continue;
            want += strlen(req.query[i].value ? req.query[i].value : "") + (hits ? 1 : 0);
            hits++;
        }
        if (hits ? !j || strlen(j) != want : j != NULL) abort();
    }
    (void)q_get(&c, "search");
    arena_free(a);
    return 0;
}
