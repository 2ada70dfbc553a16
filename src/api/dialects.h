/* The dialects the dispatcher (api.c) lists: each dialect file defines its api_dialect (path
 * prefix, route table, error and no-route renderers). Internal to src/api/. */
#ifndef TICKETD_API_DIALECTS_H
#define TICKETD_API_DIALECTS_H

#include "api/call.h"

extern const api_dialect tamio_dialect;          /* /v2: Tamio's agency API */
extern const api_dialect zaia_dialect;           /* /api/v1: Zaia's public API */
extern const api_dialect apizee_dialect;         /* /api/v3: Apizee's REST API v3 */
extern const api_dialect native_dialect;         /* /ticketd/v1: ticketd's own API (native.h) */
extern const api_dialect native_tickets_dialect; /* /ticketd/v1 tickets and views */
extern const api_dialect native_session_dialect; /* /ticketd/v1/sessions: sign-in, logout */
/* /ticketd/v1 too: replies, timeline, assets, teammates, clients, settings (native_people.c) */
extern const api_dialect native_people_dialect;
extern const api_dialect native_stream_dialect;   /* /ticketd/v1/stream, presence */
extern const api_dialect native_webhooks_dialect; /* /ticketd/v1/webhooks (docs/WEBHOOKS.md) */
extern const api_dialect files_dialect; /* /files: signed downloads (the plain error shape) */
extern const api_dialect app_dialect;   /* /app: the agent console's files (app.c) */
extern const api_dialect ops_dialect;   /* /healthz and every other path (the plain shape) */
/* /openapi: the vendor dialects' OpenAPI documents (openapi.c) */
extern const api_dialect openapi_dialect;

#endif
