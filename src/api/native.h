/* ticketd's own API (/ticketd/v1, docs/NATIVE.md): what the files of this dialect share. The
 * dialect is split by resource into native*.c files, each with its route table listed in
 * dialects.h; every one answers errors through native_error (RFC 9457 problem details).
 * Internal to src/api/. */
#ifndef TICKETD_API_NATIVE_H
#define TICKETD_API_NATIVE_H

#include "api/call.h"

#define NATIVE "/ticketd/v1"

/* An RFC 9457 application/problem+json body: type (urn:ticketd:problem:<slug>), title, status,
 * detail, and errors: [{field, message}] when the diag names a field. */
void native_error(api_call *c, status st);
void native_no_route(api_call *c, bool method_not_allowed);
/* The same problem with a member `current`: the resource as it is now (raw JSON text), e.g.
 * the 412 of a stale If-Match. */
void native_error_current(api_call *c, status st, const char *current);

/* A teammate as this API shows it: {id, name, last_name, email, username, role, picture,
 * created_at, updated_at}; never a password hash. */
void native_teammate(jw *w, const user_row *u);

#endif
