/* Route matching on method + path template; see router.h. A linear scan: the table is small and
 * the comparison stops at the first differing segment. */
#include "server/router.h"

#include <string.h>

/* Matches one template against path; fills captures on success. */
static bool match(const char *tpl, const char *path, arena *a, const char **params, size_t *n)
{
    const char *t = tpl, *p = path;
    size_t k = 0;
    while (*t && *p) {
        if (*t != '/' || *p != '/') return false;
        t++, p++;
        const char *te = strchr(t, '/'), *pe = strchr(p, '/');
        size_t tl = te ? (size_t)(te - t) : strlen(t), pl = pe ? (size_t)(pe - p) : strlen(p);
        if (tl >= 2 && t[0] == '{' && t[tl - 1] == '}') {
            if (pl == 0 || k >= LIMIT_PATH_PARAMS) return false;
            if (a) params[k] = arena_strndup(a, p, pl);
            k++;
        } else if (tl != pl || memcmp(t, p, tl) != 0) {
            return false;
        }
        t += tl, p += pl;
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
