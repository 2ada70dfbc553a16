/* Each dialect's route table and error renderer; api.c joins the tables and picks the renderer
 * by route. Internal to src/api/. */
#ifndef TICKETD_API_DIALECTS_H
#define TICKETD_API_DIALECTS_H

#include "api/call.h"

extern const api_route tamio_routes[];
extern const size_t tamio_route_count;
extern const api_route ops_routes[];
extern const size_t ops_route_count;

/* Writes the dialect's error body for st (the diag says why). */
void tamio_error(api_call *c, status st);

#endif
