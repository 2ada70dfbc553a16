/* UUIDs as ticketd puts them on the wire: 36 characters, lower case, version 4 when we make
 * them. Parsing checks the 8-4-4-4-12 hex shape (any case) and normalises to lower case. */
#ifndef TICKETD_UTIL_UUID_H
#define TICKETD_UTIL_UUID_H

#include <stdbool.h>

#define UUID_STR_LEN 36

/* out must hold UUID_STR_LEN + 1 bytes. */
void uuid_v4(char out[UUID_STR_LEN + 1]);
/* true when s is a well-formed uuid; out (may be NULL) receives the lower-case form. */
bool uuid_parse(const char *s, char out[UUID_STR_LEN + 1]);

#endif
