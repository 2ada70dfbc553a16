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

/* Bearer tokens of the password grant (Apizee's /token): "atk_" + 64 hex characters, stored
 * only as their SHA-256, valid TOKEN_TTL_S seconds unless revoked. A token acts as its user. */
#define TOKEN_PREFIX  "atk_"
#define TOKEN_STR_LEN (4 + 64)
#define TOKEN_TTL_S   86400
typedef struct {
    char token[TOKEN_STR_LEN + 1];
    int64_t created_at; /* ms */
    int64_t expires_in; /* s */
} token_issued;
/* login: a teammate's email or username (in any workspace: the first whose password matches).
 * ST_UNAUTHORIZED on a wrong login or password (the caller says invalid_grant). */
status token_issue(core_ctx *cx, const char *login, const char *password, token_issued *out) WUR;
/* The password check every sign-in shares (the token grant, agent sessions): login is a
 * teammate's email or username (the first active teammate, in any workspace, whose password
 * matches; a deactivated one is nobody's); the login's failure budget (core/ratelimit.h)
 * applies, ST_RATE_LIMITED once spent. An unknown login and a wrong password are the same
 * ST_UNAUTHORIZED, and take the same time. */
status auth_login(core_ctx *cx, const char *login, const char *password, user_row *user,
                  int64_t *ws) WUR;
/* Revokes the token (unknown, expired or revoked already: nothing to do, ST_OK). */
status token_revoke(core_ctx *cx, const char *token) WUR;
/* ST_UNAUTHORIZED for a malformed, unknown, expired or revoked token, or a deactivated
 * teammate's; else its row and user. */
status token_authenticate(db *c, const char *token, int64_t now, arena *a, token_row *t,
                          user_row *u) WUR;
bool token_shaped(const char *s);

/* A request's key or token check in its read transaction on this thread's own connection
 * (cx->db outside core_txn; inside, or on the writer, these are key_authenticate and
 * token_authenticate). Each server thread remembers its last LIMIT_AUTH_CACHE successful
 * answers by the secret's hash, tagged with the connection's snapshot version
 * (store_snapshot_version): a remembered answer is used only while no commit of any other
 * connection or process has happened since it was read, so it is exactly what this snapshot
 * would answer. A revocation, a rotation, a deactivation or a password change is a commit, so
 * the next request reads again. Where the engine has no such version (PostgreSQL) nothing is
 * remembered and every check reads. A token's expiry is checked against cx->now every time.
 * On a remembered token, u has only id, uuid, role and active (role in cx->a). */
status auth_key(core_ctx *cx, const char *key, key_row *out) WUR;
status auth_token(core_ctx *cx, const char *token, token_row *t, user_row *u) WUR;

#endif
