/* Workspaces and their API keys. A key is "tkd_" + 64 hex characters of 32 random bytes; it is
 * shown once and stored only as its SHA-256. Lookups go by hash and compare in constant time;
 * a revoked key fails on the next request, whichever process revoked it. */
#ifndef TICKETD_CORE_AUTH_H
#define TICKETD_CORE_AUTH_H

#include "core/core.h"

#define KEY_STR_LEN    (4 + 64)
#define KEY_PREFIX_LEN 12

status workspace_create(db *c, const char *name, arena *a, ws_row *out, diag *d) WUR;
/* By id or name; the first workspace when name_or_id is NULL. */
status workspace_find(db *c, const char *name_or_id, arena *a, ws_row *out, diag *d) WUR;

status key_create(db *c, int64_t ws, char out[KEY_STR_LEN + 1], diag *d) WUR;
/* ST_UNAUTHORIZED for a malformed, unknown or revoked key. */
status key_authenticate(db *c, const char *key, key_row *out) WUR;
status key_list(db *c, arena *a, key_row **rows, size_t *n) WUR;
status key_revoke(db *c, const char *id_or_prefix, diag *d) WUR;

#endif
