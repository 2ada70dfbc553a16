/* Agent sessions and the same-origin rule for the writes they sign; see session.h. The
 * configuration is set once by `serve` before the first request; sign-in, logout and lookups
 * run on the request's thread (or, for a write, the writer's). */
#include "core/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/xalloc.h"

/* The bytes a host[:port] may hold (names, IPv4, [IPv6]); anything else is no origin's. */
#define AUTHORITY_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]"

static session_config config;
static char own_origin[300]; /* the public URL's origin, or "" */

/* scheme://host[:port] of url, lower-cased, a default port dropped, into out; false when url
 * has no scheme and host. */
static bool origin_of(const char *url, char *out, size_t cap)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    if (!sep || sep == url) return false;
    const char *host = sep + 3;
    size_t hl = strcspn(host, "/?#");
    size_t sl = (size_t)(sep - url);
    if (!hl || sl + 3 + hl >= cap || strspn(host, AUTHORITY_CHARS) < hl) return false;
    for (size_t i = 0; i < sl + 3 + hl; i++) {
        char ch = url[i];
        out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    size_t n = sl + 3 + hl;
    out[n] = '\0';
    const char *dflt = sl == 5 && strncmp(out, "https", 5) == 0  ? ":443"
                       : sl == 4 && strncmp(out, "http", 4) == 0 ? ":80"
                                                                 : NULL;
    size_t dl = dflt ? strlen(dflt) : 0;
    if (dflt && hl > dl && strcmp(out + n - dl, dflt) == 0) out[n - dl] = '\0';
    return true;
}

void session_init(const session_config *cfg)
{
    config = *cfg;
    if (config.ttl_s <= 0) config.ttl_s = LIMIT_SESSION_TTL_S;
    if (config.idle_s <= 0) config.idle_s = LIMIT_SESSION_IDLE_S;
    if (!origin_of(config.public_url, own_origin, sizeof own_origin)) own_origin[0] = '\0';
}

int64_t session_ttl_s(void)
{
    return config.ttl_s > 0 ? config.ttl_s : LIMIT_SESSION_TTL_S;
}

static int64_t idle_ms(void)
{
    return (config.idle_s > 0 ? config.idle_s : LIMIT_SESSION_IDLE_S) * 1000;
}

bool session_secure(void)
{
    return strncmp(own_origin, "https://", 8) == 0;
}

bool session_shaped(const char *s)
{
    if (!s || strncmp(s, SESSION_PREFIX, 4) != 0 || strlen(s) != SESSION_STR_LEN) return false;
    return strspn(s + 4, "0123456789abcdef") == SESSION_STR_LEN - 4;
}

/* ---- sign-in and logout ---- */

struct create_arg {
    session_row row;
    unsigned char hash[SHA256_LEN];
};

static status do_create(core_ctx *cx, void *p)
{
    struct create_arg *t = p;
    /* Sessions that ended are dropped when their teammate signs in again, so rows do not pile
     * up for anyone who signs in now and then. */
    status st =
        store_session_prune(cx->db, t->row.ws, t->row.user_id, cx->now, cx->now - idle_ms());
    return st ? st : store_session_insert(cx->db, &t->row, t->hash);
}

status session_create(core_ctx *cx, const char *login, const char *password, session_issued *out)
{
    if (!login || !*login) return diag_set(cx->d, ST_INVALID, "email", "is required");
    if (!password || !*password) return diag_set(cx->d, ST_INVALID, "password", "is required");
    int64_t ws;
    status st = auth_login(cx, login, password, &out->user, &ws);
    if (st == ST_UNAUTHORIZED) return diag_set(cx->d, st, "", "email or password is wrong");
    if (st) return st;
    unsigned char raw[32];
    char hex[65];
    crypto_random(raw, sizeof raw);
    crypto_hex(raw, sizeof raw, hex);
    snprintf(out->secret, sizeof out->secret, SESSION_PREFIX "%s", hex);
    out->expires_at = cx->now + session_ttl_s() * 1000;
    struct create_arg t = {.row = {.ws = ws,
                                   .user_id = out->user.id,
                                   .created_at = cx->now,
                                   .expires_at = out->expires_at,
                                   .last_seen_at = cx->now}};
    crypto_sha256(out->secret, SESSION_STR_LEN, t.hash);
    return core_txn(cx, do_create, &t);
}

static status do_end(core_ctx *cx, void *p)
{
    return store_session_delete(cx->db, p);
}

status session_end(core_ctx *cx, const char *secret)
{
    if (!session_shaped(secret)) return ST_OK;
    unsigned char hash[SHA256_LEN];
    crypto_sha256(secret, SESSION_STR_LEN, hash);
    return core_txn(cx, do_end, hash);
}

status session_end_user(core_ctx *cx, int64_t user_id)
{
    return store_session_delete_user(cx->db, cx->ws, user_id);
}

/* ---- use ---- */

/* last_seen_at, moved forward by the writer thread after a read used the session. */
struct touch_job {
    store_job job;
    int64_t id, now;
};

static status touch_run(db *writer, void *arg)
{
    struct touch_job *t = arg;
    return store_session_touch(writer, t->id, t->now);
}

static void touch_done(void *arg, status committed)
{
    free(arg); /* a lost touch only shortens the idle time left: nothing to report */
}

static status touch(core_ctx *cx, int64_t id)
{
    /* Inside a write: part of it (a rollback only loses the touch). */
    if (cx->txn_depth) return store_session_touch(cx->db, id, cx->now);
    struct touch_job *t = xcalloc(1, sizeof *t);
    t->id = id;
    t->now = cx->now;
    t->job = (store_job){.run = touch_run, .done = touch_done, .arg = t};
    core_submit(cx->st, &t->job);
    return ST_OK;
}

status session_authenticate(core_ctx *cx, const char *secret)
{
    if (!session_shaped(secret))
        return diag_set(cx->d, ST_UNAUTHORIZED, "", "the session is unknown or has ended: sign in");
    unsigned char hash[SHA256_LEN];
    crypto_sha256(secret, SESSION_STR_LEN, hash);
    session_row s;
    user_row u;
    status st = store_session_by_hash(cx->db, hash, &s);
    if (!st && (s.expires_at <= cx->now || s.last_seen_at + idle_ms() <= cx->now))
        st = ST_NOT_FOUND;
    if (!st) st = store_user_by_id(cx->db, s.ws, s.user_id, cx->a, &u);
    if (!st && !u.active) st = ST_NOT_FOUND; /* deactivated (its sessions are deleted too) */
    if (st == ST_NOT_FOUND)
        return diag_set(cx->d, ST_UNAUTHORIZED, "", "the session is unknown or has ended: sign in");
    if (st) return st;
    cx->ws = s.ws;
    memcpy(cx->ws_uuid, s.ws_uuid, sizeof cx->ws_uuid);
    cx->actor = ACTOR_USER;
    memcpy(cx->actor_id, u.uuid, sizeof cx->actor_id);
    cx->user_id = u.id;
    cx->admin = u.role && strcmp(u.role, "admin") == 0;
    int64_t every = LIMIT_SESSION_TOUCH_S * 1000;
    if (every > idle_ms() / 2) every = idle_ms() / 2;
    return cx->now - s.last_seen_at >= every ? touch(cx, s.id) : ST_OK;
}

/* ---- the same-origin rule ---- */

const char *session_origin(const char *host, arena *a)
{
    if (own_origin[0]) return own_origin;
    return host ? arena_printf(a, "http://%s", host) : "(no Host header)";
}

bool session_same_origin(const char *origin, const char *host)
{
    char want[300], got[300];
    if (!origin || strcmp(origin, "null") == 0) return false;
    if (own_origin[0]) {
        snprintf(want, sizeof want, "%s", own_origin);
    } else {
        char url[300];
        if (!host || !*host || strlen(host) > 250 || strspn(host, AUTHORITY_CHARS) != strlen(host))
            return false;
        snprintf(url, sizeof url, "http://%s", host);
        if (!origin_of(url, want, sizeof want)) return false;
    }
    /* An Origin is scheme://host[:port] exactly; anything after it (a path) is not one. */
    if (!origin_of(origin, got, sizeof got) || strlen(got) != strlen(origin)) return false;
    return strcmp(want, got) == 0;
}
