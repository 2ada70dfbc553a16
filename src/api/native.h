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

/* `limit` of a list: 1..LIMIT_PAGE_SIZE, default 50; ST_INVALID naming `limit` otherwise. */
status native_limit(api_call *c, int64_t *out) WUR;

/* The opaque cursors of every list: a position (up to three integers and a uuid) and a tag
 * saying which list it is for ("l": a keyset list, "t": a timeline, "s<sort>": the tickets in a
 * sort), as base64url of "<tag>.<n0>.<n1>.<n2>.<uuid or ->.<check>". The check is over the rest,
 * so a garbled or forged cursor is refused. */
typedef struct {
    int64_t n[3];
    const char *uuid; /* NULL: none; borrowed when made, arena when read */
} native_pos;
/* The cursor of pos for tag (arena; tag has no `.`). */
const char *native_cursor_make(api_call *c, const char *tag, const native_pos *pos);
/* Reads text, a cursor made for tag, into *out; ST_INVALID naming `cursor` when it does not
 * decode, fails its check or was made for another tag. The callers check their ranges. */
status native_cursor_read(api_call *c, const char *tag, const char *text, native_pos *out) WUR;

/* Refuses a member of obj that is not in known (NULL-terminated): ST_INVALID naming it. */
status native_only_members(api_call *c, json_t *obj, const char *const *known) WUR;

#endif
