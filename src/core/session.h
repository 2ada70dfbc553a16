/* Agent sessions: what the web console signs in with (POST /ticketd/v1/sessions). A teammate's
 * email (or username) and password buy a session secret, "tks_" + 64 hex characters of 32
 * random bytes, handed out once in a cookie and stored only as its SHA-256 (like keys and
 * tokens). A session acts as its teammate with that teammate's role. It ends at its absolute
 * lifetime (ttl_s from sign-in), after idle_s with no request, at logout, when the teammate's
 * password changes and when the teammate is deleted. Sessions are rows: every node of a
 * PostgreSQL store sees a sign-in or a logout at once.
 *
 * Also here, since they decide whether a cookie may be trusted with a write: the server's own
 * origin and the Origin check (CSRF) for writes signed in by cookie. session_init is called
 * once before serving; the rest is thread-safe. */
#ifndef TICKETD_CORE_SESSION_H
#define TICKETD_CORE_SESSION_H

#include "core/core.h"

#define SESSION_PREFIX  "tks_"
#define SESSION_STR_LEN (4 + 64)
#define SESSION_COOKIE  "ticketd_session"

typedef struct {
    int64_t ttl_s;          /* 0: LIMIT_SESSION_TTL_S */
    int64_t idle_s;         /* 0: LIMIT_SESSION_IDLE_S */
    const char *public_url; /* --public-url, or NULL (then a request's Host is its origin) */
} session_config;
void session_init(const session_config *cfg);

int64_t session_ttl_s(void);
/* The cookie must say Secure: the public URL is https. */
bool session_secure(void);

typedef struct {
    char secret[SESSION_STR_LEN + 1];
    int64_t expires_at; /* ms, absolute */
    user_row user;      /* the teammate signed in (arena) */
} session_issued;
/* Signs in (auth_login: the login's failure budget applies, ST_RATE_LIMITED when spent):
 * ST_INVALID naming `email` or `password` when one is missing or empty; ST_UNAUTHORIZED
 * ("email or password is wrong") alike for an unknown login and a wrong password. Also drops
 * the teammate's sessions that have ended. */
status session_create(core_ctx *cx, const char *login, const char *password,
                      session_issued *out) WUR;

/* The session of secret, on cx->db: fills cx's workspace and actor (the teammate, its role) like
 * a token does. ST_UNAUTHORIZED for a malformed, unknown, expired or idle secret, or a
 * deactivated teammate's. A session used
 * more than LIMIT_SESSION_TOUCH_S after its last_seen_at is moved forward: at once inside a
 * write (cx in a transaction), else by a job queued for the writer. */
status session_authenticate(core_ctx *cx, const char *secret) WUR;

/* Logout: deletes the session of secret (unknown or malformed: nothing to do, ST_OK). */
status session_end(core_ctx *cx, const char *secret) WUR;
/* Deletes every session of teammate user_id (its password changed); inside cx's transaction. */
status session_end_user(core_ctx *cx, int64_t user_id) WUR;

bool session_shaped(const char *s);

/* Is origin (a request's Origin header) this server's own: the origin of the public URL, or
 * http://<host> (the request's Host header) when none is configured? Scheme and host compare
 * case-insensitively, a default port (:80 for http, :443 for https) equals none. NULL or
 * "null" never is. */
bool session_same_origin(const char *origin, const char *host);
/* The origin writes must carry, for messages: the public URL's, or http://<host>. */
const char *session_origin(const char *host, arena *a);

#endif
