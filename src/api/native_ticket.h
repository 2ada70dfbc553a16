/* The parsers of client bytes in native_ticket.c (/ticketd/v1 tickets), exported for their fuzz
 * harness (tests/fuzz/native.c): the list's cursor and the conditional-request headers.
 * Internal to src/api/. */
#ifndef TICKETD_API_NATIVE_TICKET_H
#define TICKETD_API_NATIVE_TICKET_H

#include "api/call.h"
#include "core/ticket_edit.h"

/* The opaque cursor after `last` in sort's order (native.h's codec: its key and id, tagged
 * with the sort; arena). */
const char *native_ticket_cursor(api_call *c, int sort, const ticket_row *last);
/* Reads a cursor into in->after* for in->sort; ST_INVALID naming `cursor` when it does not
 * decode, fails its check or was made for another sort. */
status native_ticket_cursor_read(api_call *c, const char *text, ticket_find_in *in) WUR;
/* The request's If-Match as a ticket_precond (unset when absent); ST_INVALID naming
 * `If-Match` when it is neither * nor a list of entity tags. */
status native_if_match(api_call *c, ticket_precond *out) WUR;

#endif
