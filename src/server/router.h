/* Matches a method and path against route templates: literal segments match exactly, {name}
 * segments match any one non-empty segment and are captured in order. */
#ifndef TICKETD_SERVER_ROUTER_H
#define TICKETD_SERVER_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"

/* The route for method + path, or NULL. Captures go to params (arena copies, at most
 * LIMIT_PATH_PARAMS). *path_known tells, when NULL is returned, whether some route has this
 * path with another method (a 405 rather than a 404). */
const api_route *router_match(const api_route *routes, size_t n, const char *method,
                              const char *path, arena *a, const char **params, size_t *n_params,
                              bool *path_known);
/* The name of the k-th {…} capture of a template (an arena copy), or NULL. */
const char *router_param_name(const char *tpl, size_t k, arena *a);

#endif
