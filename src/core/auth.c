/* Workspaces and API keys; see auth.h. Used by the command line (init, workspace, key) and by
 * the API layer to turn a presented key into a workspace. */
#include "core/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/ratelimit.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"
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

/* ---- bearer tokens ---- */

bool token_shaped(const char *s)
{
    return s && strncmp(s, TOKEN_PREFIX, 4) == 0 && strlen(s) == TOKEN_STR_LEN;
}

struct issue_arg {
    token_row row;
    unsigned char hash[SHA256_LEN];
};

static status do_issue(core_ctx *cx, void *p)
{
    struct issue_arg *t = p;
    return store_token_insert(cx->db, &t->row, t->hash);
}

/* A hash that no password matches, checked when a login names nobody so that an unknown
 * login costs the same slow hash as a wrong password (the answer's timing says nothing). */
static char dummy[PASSWORD_HASH_LEN];
static void dummy_hash_make(void)
{
    unsigned char raw[16];
    char hex[33];
    crypto_random(raw, sizeof raw);
    crypto_hex(raw, sizeof raw, hex);
    crypto_password_hash(hex, dummy);
}

static const char *dummy_hash(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, dummy_hash_make);
    return dummy;
}

status auth_login(core_ctx *cx, const char *login, const char *password, user_row *user,
                  int64_t *ws)
{
    /* A failure is taken from the login's budget first, and given back unless the password
     * was wrong, so a login out of budget is refused before any password is checked. */
    status st = ratelimit_login_take(login, cx->d);
    if (st) return st;
    user_row *users;
    int64_t *wss;
    size_t n;
    st = store_users_by_login(cx->db, login, cx->a, &users, &wss, &n);
    if (st) {
        ratelimit_login_ok(login);
        return st;
    }
    size_t i = 0;
    /* The slow hash runs here, on the request's thread, never inside the write. */
    while (i < n && !crypto_password_check(password, users[i].password_hash))
        i++;
    if (!n) (void)crypto_password_check(password, dummy_hash());
    if (i == n) return diag_set(cx->d, ST_UNAUTHORIZED, "password", "wrong username or password");
    ratelimit_login_ok(login);
    *user = users[i];
    *ws = wss[i];
    return ST_OK;
}

status token_issue(core_ctx *cx, const char *login, const char *password, token_issued *out)
{
    if (!login || !*login || !password || !*password)
        return diag_set(cx->d, ST_UNAUTHORIZED, "username", "and password are required");
    user_row u;
    int64_t ws;
    status st = auth_login(cx, login, password, &u, &ws);
    if (st) return st;
    unsigned char raw[32];
    char hex[65];
    crypto_random(raw, sizeof raw);
    crypto_hex(raw, sizeof raw, hex);
    snprintf(out->token, sizeof out->token, TOKEN_PREFIX "%s", hex);
    struct issue_arg t = {.row = {.ws = ws,
                                  .user_id = u.id,
                                  .created_at = cx->now,
                                  .expires_at = cx->now + (int64_t)TOKEN_TTL_S * 1000,
                                  .revoked_at = NULL_INT}};
    crypto_sha256(out->token, strlen(out->token), t.hash);
    out->created_at = cx->now;
    out->expires_in = TOKEN_TTL_S;
    return core_txn(cx, do_issue, &t);
}

static status do_revoke(core_ctx *cx, void *p)
{
    token_row t;
    status st = store_token_by_hash(cx->db, p, &t);
    if (st == ST_NOT_FOUND) return ST_OK;
    return st ? st : store_token_revoke(cx->db, t.id, cx->now);
}

status token_revoke(core_ctx *cx, const char *token)
{
    if (!token_shaped(token)) return ST_OK;
    unsigned char hash[SHA256_LEN];
    crypto_sha256(token, strlen(token), hash);
    return core_txn(cx, do_revoke, hash);
}

status token_authenticate(db *c, const char *token, int64_t now, arena *a, token_row *t,
                          user_row *u)
{
    if (!token_shaped(token)) return ST_UNAUTHORIZED;
    unsigned char hash[SHA256_LEN];
    crypto_sha256(token, TOKEN_STR_LEN, hash);
    status st = store_token_by_hash(c, hash, t);
    if (st == ST_NOT_FOUND || (!st && (t->revoked_at != NULL_INT || t->expires_at <= now)))
        return ST_UNAUTHORIZED;
    if (!st) st = store_user_by_id(c, t->ws, t->user_id, a, u);
    /* Deactivation revokes the tokens; this also holds for one issued meanwhile elsewhere. */
    if (!st && !u->active) return ST_UNAUTHORIZED;
    return st == ST_NOT_FOUND ? ST_UNAUTHORIZED : st;
}

/* ---- the per-thread cache of checked keys and tokens ---- */

struct cached {
    unsigned char hash[SHA256_LEN];
    bool token; /* a token's entry (else a key's): the prefixes differ, so do the hashes */
    key_row key;
    token_row tok;
    int64_t user_id;
    char user_uuid[UUID_STR_LEN + 1];
    char role[16];
};

/* One per server thread: its reader connection and the snapshot version the entries were read
 * at. Never shared, so no lock. */
static _Thread_local struct {
    db *conn;
    int64_t version;
    size_t n, next;
    struct cached e[LIMIT_AUTH_CACHE];
} cache;

/* Whether the cache may answer on cx: a read of this thread's own connection whose snapshot
 * is the entries'; a newer snapshot empties it first. */
static bool cache_usable(core_ctx *cx)
{
    int64_t v;
    if (cx->txn_depth || store_snapshot_version(cx->db, &v)) return false;
    if (cache.conn != cx->db || cache.version != v) {
        cache.conn = cx->db;
        cache.version = v;
        cache.n = cache.next = 0;
    }
    return true;
}

static struct cached *cache_find(const unsigned char hash[SHA256_LEN], bool token)
{
    for (size_t i = 0; i < cache.n; i++)
        if (cache.e[i].token == token && crypto_equal(cache.e[i].hash, hash, SHA256_LEN))
            return &cache.e[i];
    return NULL;
}

static struct cached *cache_slot(const unsigned char hash[SHA256_LEN], bool token)
{
    struct cached *e = &cache.e[cache.next];
    cache.next = (cache.next + 1) % LIMIT_AUTH_CACHE;
    if (cache.n < LIMIT_AUTH_CACHE) cache.n++;
    memset(e, 0, sizeof *e);
    memcpy(e->hash, hash, SHA256_LEN);
    e->token = token;
    return e;
}

status auth_key(core_ctx *cx, const char *key, key_row *out)
{
    size_t n = key ? strlen(key) : 0;
    if (n != KEY_STR_LEN || !cache_usable(cx)) return key_authenticate(cx->db, key, out);
    unsigned char hash[SHA256_LEN];
    crypto_sha256(key, n, hash);
    struct cached *e = cache_find(hash, false);
    if (e) {
        *out = e->key;
        return ST_OK;
    }
    status st = key_authenticate(cx->db, key, out);
    if (!st) {
        e = cache_slot(hash, false);
        e->key = *out;
        e->key.ws_name = NULL; /* not read by the check */
    }
    return st;
}

status auth_token(core_ctx *cx, const char *token, token_row *t, user_row *u)
{
    if (!token_shaped(token) || !cache_usable(cx))
        return token_authenticate(cx->db, token, cx->now, cx->a, t, u);
    unsigned char hash[SHA256_LEN];
    crypto_sha256(token, TOKEN_STR_LEN, hash);
    struct cached *e = cache_find(hash, true);
    if (e) {
        if (e->tok.expires_at <= cx->now) return ST_UNAUTHORIZED;
        *t = e->tok;
        memset(u, 0, sizeof *u);
        u->id = e->user_id;
        memcpy(u->uuid, e->user_uuid, sizeof u->uuid);
        u->role = e->role[0] ? arena_strdup(cx->a, e->role) : NULL;
        u->active = true;
        return ST_OK;
    }
    status st = token_authenticate(cx->db, token, cx->now, cx->a, t, u);
    if (!st && (!u->role || strlen(u->role) < sizeof e->role)) {
        e = cache_slot(hash, true);
        e->tok = *t;
        e->user_id = u->id;
        memcpy(e->user_uuid, u->uuid, sizeof e->user_uuid);
        if (u->role) memcpy(e->role, u->role, strlen(u->role) + 1);
    }
    return st;
}
