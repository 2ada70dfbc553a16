/* Each dialect's route table and error renderer; api.c joins the tables and picks the renderer
 * by route. Internal to src/api/. */
#ifndef TICKETD_API_DIALECTS_H
#define TICKETD_API_DIALECTS_H

#include "api/call.h"

extern const api_route tamio_routes[];
extern const size_t tamio_route_count;
extern const api_route zaia_routes[];
extern const size_t zaia_route_count;
extern const api_route files_routes[];
extern const size_t files_route_count;
extern const api_route apizee_routes[];
extern const size_t apizee_route_count;
extern const api_route ops_routes[];
extern const size_t ops_route_count;

/* Writes the dialect's error body for st (the diag says why). */
void tamio_error(api_call *c, status st);
void zaia_error(api_call *c, status st);
void apizee_error(api_call *c, status st);
/* Zaia's 404 / 405 for a path that matched no route (the diag holds the message). */
void zaia_no_route(api_call *c, int http_status);

#endif
