/* Fuzzes what a browser's headers meet before a session signs a request in: the Cookie header
 * parser (call_cookie, api/call.c) and the same-origin rule of writes signed by the cookie
 * (session_same_origin, core/session.c), with and without a public URL. Input:
 * "COOKIE\nORIGIN\nHOST". Checks that a cookie found is the value the header holds after
 * "ticketd_session=", and that an Origin passes only when it is the server's own: http://<Host>
 * (or the public URL's origin), case aside and a default port aside, with no path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/call.h"
#include "core/session.h"
#include "fuzz.h"

static const char *const PUBLIC = "https://help.example.com";

static bool bare_origin(const char *o, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncasecmp(o, scheme, n) == 0 && strcspn(o + n, "/?#") == strlen(o + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(4096);
    fuzz_in in = {data, data + size};
    const char *cookie = fuzz_take(&in, a, '\n', NULL);
    const char *origin = fuzz_take(&in, a, '\n', NULL);
    const char *host = fuzz_take(&in, a, '\0', NULL);

    const char *v = call_cookie(a, cookie, SESSION_COOKIE);
    if (v) {
        char *want = arena_printf(a, SESSION_COOKIE "=%s", v);
        if (strchr(v, ';') || !strstr(cookie, want)) {
            fprintf(stderr, "cookie: %s -> [%s]\n", cookie, v);
            abort();
        }
        (void)session_shaped(v);
    }

    session_init(&(session_config){0});
    if (session_same_origin(origin, host)) {
        if (!*host || !bare_origin(origin, "http://")) {
            fprintf(stderr, "origin: %s passed for host %s\n", origin, host);
            abort();
        }
        const char *h = origin + 7;
        size_t hl = strlen(host);
        bool same = strcasecmp(h, host) == 0 ||
                    (hl > 3 && strcmp(host + hl - 3, ":80") == 0 && strlen(h) == hl - 3 &&
                     strncasecmp(h, host, hl - 3) == 0) ||
                    (strlen(h) > 3 && strcmp(h + strlen(h) - 3, ":80") == 0 &&
                     strlen(h) - 3 == hl && strncasecmp(h, host, hl) == 0);
        if (!same) {
            fprintf(stderr, "origin: %s passed for host %s\n", origin, host);
            abort();
        }
    }
    session_init(&(session_config){.public_url = PUBLIC});
    if (session_same_origin(origin, host) && strcasecmp(origin, PUBLIC) != 0 &&
        strcasecmp(origin, "https://help.example.com:443") != 0) {
        fprintf(stderr, "origin: %s passed for %s\n", origin, PUBLIC);
        abort();
    }
    arena_free(a);
    return 0;
}
