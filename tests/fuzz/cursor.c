/* Fuzzes the parsers of /ticketd/v1's tickets (api/native_ticket.h): the list's opaque cursor
 * (native.h's codec: base64url, its check, the sort it was made for), the same text as any
 * list's cursor, and the If-Match / If-None-Match headers.
 * The input: a sort byte, then the cursor text, the If-Match header and the If-None-Match
 * header, each ended by a NUL byte, then up to 16 bytes of a key and a row id. Checks that every
 * failure names its field, that a cursor read back is one the server would make for the same
 * position, and that a made cursor always reads back to its position; any cursor the codec accepts
 * is the one it makes for what it read. */
#include <stdlib.h>
#include <string.h>

#include "api/native.h"
#include "api/native_ticket.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(1024);
    fuzz_in in = {data, data + size};
    int sort = fuzz_byte(&in) % TICKET_SORT_COUNT;
    const char *cursor = fuzz_take(&in, a, '\0', NULL);
    const char *if_match = fuzz_take(&in, a, '\0', NULL);
    const char *if_none = fuzz_take(&in, a, '\0', NULL);
    api_req req = {.method = "PATCH", .path = "/fuzz", .a = a, .if_match = if_match};
    api_resp resp = {0};
    api_call c = {.req = &req, .resp = &resp};

    ticket_find_in f = {.sort = sort};
    if (native_ticket_cursor_read(&c, cursor, &f)) {
        if (strcmp(c.d.field, "cursor")) abort(); /* a bad cursor is answered naming it */
    } else {
        /* Accepted: the position it names makes a cursor that reads back to it. */
        ticket_row t = {.id = f.after_id, .created_at = f.after_key, .updated_at = f.after_key};
        ticket_find_in g = {.sort = sort};
        if (!f.after || native_ticket_cursor_read(&c, native_ticket_cursor(&c, sort, &t), &g) ||
            g.after_key != f.after_key || g.after_id != f.after_id)
            abort();
    }
    c.d = (diag){0};

    /* The codec itself, for the other lists' tags. */
    static const char *const tags[] = {"l", "t", "s0"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        native_pos p;
        if (native_cursor_read(&c, tags[i], cursor, &p)) {
            if (strcmp(c.d.field, "cursor")) abort();
        } else if (strcmp(native_cursor_make(&c, tags[i], &p), cursor)) {
            abort();
        }
        c.d = (diag){0};
    }

    uint64_t pos[2] = {0, 0};
    for (int i = 0; i < 16; i++)
        pos[i / 8] = pos[i / 8] << 8 | fuzz_byte(&in);
    ticket_row t = {
        .id = (int64_t)pos[1], .created_at = (int64_t)pos[0], .updated_at = (int64_t)pos[0]};
    ticket_find_in r = {.sort = sort};
    if (native_ticket_cursor_read(&c, native_ticket_cursor(&c, sort, &t), &r) ||
        r.after_id != t.id || r.after_key != t.created_at)
        abort();
    ticket_find_in other = {.sort = (sort + 1) % TICKET_SORT_COUNT};
    if (!native_ticket_cursor_read(&c, native_ticket_cursor(&c, sort, &t), &other)) abort();
    c.d = (diag){0};

    ticket_precond p;
    if (native_if_match(&c, &p)) {
        if (strcmp(c.d.field, "If-Match")) abort();
    } else {
        if (!p.set || (p.any && p.n)) abort();
        for (size_t i = 0; i < p.n; i++)
            if (p.versions[i] < 0) abort();
    }
    if (!call_none_match("*", "\"1\"") || call_none_match(NULL, "\"1\"")) abort();
    (void)call_none_match(if_none, "\"5\"");
    arena_free(a);
    return 0;
}
