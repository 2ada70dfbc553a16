/* Workspaces and API keys; see auth.h. Used by the command line (init, workspace, key) and by
 * the API layer to turn a presented key into a workspace. */
#include "core/auth.h"

#include <stdio.h>
#include <string.h>

#include "util/crypto.h"
#include "util/timeutil.h"
#include "util/uuid.h"

status workspace_create(db *c, const char *name, arena *a, ws_row *out, diag *d)
{
    status st = check_text(d, "name", name, true, 255);
    if (st) return st;
    memset(out, 0, sizeof *out);
    uuid_v4(out->uuid);
    out->name = arena_strdup(a, name);
    out->created_at = time_now_ms();
    st = store_ws_insert(c, out);
    if (st == ST_CONFLICT) return diag_set(d, st, "name", "is already a workspace");
    return st ? diag_set(d, st, "", "cannot create the workspace") : ST_OK;
}

status workspace_find(db *c, const char *name_or_id, arena *a, ws_row *out, diag *d)
{
    status st = store_ws_find(c, name_or_id, a, out);
    if (st == ST_NOT_FOUND)
        return diag_set(d, st, "workspace", "%s",
                        name_or_id ? "no such workspace" : "no workspace yet: run init");
    return st;
}

status key_create(db *c, int64_t ws, char out[KEY_STR_LEN + 1], diag *d)
{
    unsigned char raw[32], hash[SHA256_LEN];
    char hex[65];
    crypto_random(raw, sizeof raw);
    crypto_hex(raw, sizeof raw, hex);
    snprintf(out, KEY_STR_LEN + 1, "tkd_%s", hex);
    crypto_sha256(out, KEY_STR_LEN, hash);
    key_row k = {.ws = ws, .created_at = time_now_ms(), .revoked_at = NULL_INT};
    uuid_v4(k.uuid);
    snprintf(k.prefix, sizeof k.prefix, "%.*s", KEY_PREFIX_LEN, out);
    status st = store_key_insert(c, &k, hash);
    return st ? diag_set(d, st, "", "cannot store the key") : ST_OK;
}

status key_authenticate(db *c, const char *key, key_row *out)
{
    /* A client sends the same key on every request: each thread remembers the last key's
     * hash. Only the hash is remembered; the lookup (and so revocation) runs every time. */
    static _Thread_local char last_key[KEY_STR_LEN + 1];
    static _Thread_local unsigned char last_hash[SHA256_LEN];
    size_t n = key ? strlen(key) : 0;
    if (!n || n > 256) return ST_UNAUTHORIZED;
    unsigned char hash[SHA256_LEN];
    if (n == KEY_STR_LEN && crypto_equal(key, last_key, KEY_STR_LEN)) {
        memcpy(hash, last_hash, SHA256_LEN);
    } else {
        crypto_sha256(key, n, hash);
        if (n == KEY_STR_LEN) {
            memcpy(last_key, key, KEY_STR_LEN);
            memcpy(last_hash, hash, SHA256_LEN);
        }
    }
    status st = store_key_by_hash(c, hash, out);
    if (st == ST_NOT_FOUND || (!st && out->revoked_at != NULL_INT)) return ST_UNAUTHORIZED;
    return st;
}

status key_list(db *c, arena *a, key_row **rows, size_t *n)
{
    return store_key_list(c, a, rows, n);
}

status key_revoke(db *c, const char *id_or_prefix, diag *d)
{
    status st = store_key_revoke(c, id_or_prefix, time_now_ms());
    if (st == ST_NOT_FOUND) return diag_set(d, st, "key", "no key has that id or prefix");
    if (st == ST_CONFLICT) return diag_set(d, st, "key", "that prefix names several keys");
    return st;
}
