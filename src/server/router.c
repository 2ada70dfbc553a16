/* Route matching on method + path template; see router.h. A linear scan: the table is small and
 * the comparison stops at the first differing segment. */
#include "server/router.h"

#include <string.h>

/* The length of the segment starting at s (up to the next '/' or the end). */
static size_t seg_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '/')
        n++;
    return n;
}

/* Whether the template segment at t is a capture ("{name}"). */
static bool is_capture(const char *t)
{
    if (*t != '{') return false;
    size_t tl = seg_len(t);
    return tl >= 2 && t[tl - 1] == '}';
}

/* Matches one template against path; fills captures on success. Every request is tried against
 * the whole table, and most templates differ from the path in their first bytes, so a literal
 * segment is compared byte by byte and given up at the first difference, never measured first
 * (measuring both segments with strchr and strlen: 27.6k instructions per request under
 * callgrind, 19.7k now; bench/RESULTS.md, wt-retr section). */
static bool match(const char *tpl, const char *path, arena *a, const char **params, size_t *n)
{
    const char *t = tpl, *p = path;
    size_t k = 0;
    while (*t && *p) {
        if (*t != '/' || *p != '/') return false;
        t++, p++;
        if (is_capture(t)) {
            size_t pl = seg_len(p);
            if (pl == 0 || k >= LIMIT_PATH_PARAMS) return false;
            if (a) params[k] = arena_strndup(a, p, pl);
            k++;
            t += seg_len(t), p += pl;
            continue;
        }
        while (*t && *t != '/' && *t == *p)
            t++, p++;
        bool t_end = !*t || *t == '/', p_end = !*p || *p == '/';
        if (!t_end || !p_end) return false;
    }
    if (*t || *p) return false;
    *n = k;
    return true;
}

const api_route *router_match(const api_route *routes, size_t n, const char *method,
                              const char *path, arena *a, const char **params, size_t *n_params,
                              bool *path_known)
{
    /* The most literal template wins, whatever its method: DELETE /tickets/list is the list
     * path with the wrong method (405), not a delete of a ticket whose id is "list". */
    const api_route *best = NULL;
    size_t best_k = LIMIT_PATH_PARAMS + 1, k;
    bool best_method = false;
    const char *scratch[LIMIT_PATH_PARAMS];
    for (size_t i = 0; i < n; i++) {
        if (!match(routes[i].path, path, NULL, scratch, &k)) continue;
        /* HEAD is GET without the body (libmicrohttpd leaves the body out). */
        bool same = strcmp(routes[i].method, method) == 0 ||
                    (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0);
        if (k < best_k || (k == best_k && same && !best_method)) {
            best = &routes[i];
            best_k = k;
            best_method = same;
        }
    }
    *path_known = best != NULL;
    if (!best || !best_method) return NULL;
    match(best->path, path, a, params, n_params);
    return best;
}

const char *router_param_name(const char *tpl, size_t k, arena *a)
{
    for (const char *t = strchr(tpl, '{'); t; t = strchr(t + 1, '{')) {
        const char *end = strchr(t, '}');
        if (!end) return NULL;
        if (k-- == 0) return arena_strndup(a, t + 1, (size_t)(end - t - 1));
    }
    return NULL;
}
