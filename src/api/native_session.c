/* ticketd's own API: agent sessions (docs/NATIVE.md "Sessions"). POST /sessions signs a
 * teammate in with its email (or username) and password and answers the session's secret in
 * an HttpOnly cookie (a public route: the credentials are the body). The cookie then
 * authenticates /ticketd/v1 and /files requests in the dispatcher (api.c), which also holds
 * writes signed by it to this server's own Origin; DELETE /sessions is one of those: it signs
 * the cookie's session out. */
#include <string.h>

#include "api/dialects.h"
#include "api/native.h"
#include "core/session.h"

/* Set-Cookie for secret (NULL: one that clears the cookie at once). */
static const char *cookie(api_call *c, const char *secret)
{
    return arena_printf(c->req->a, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
                        SESSION_COOKIE, secret ? secret : "",
                        secret ? (long long)session_ttl_s() : 0LL,
                        session_secure() ? "; Secure" : "");
}

/* A browser's sign-in from another site carries that site's Origin: refused, so no page can
 * sign a visitor in to ticketd as someone else (a request without Origin, e.g. curl, is no
 * browser's). */
static status check_origin(api_call *c)
{
    if (!c->req->origin || session_same_origin(c->req->origin, c->req->host)) return ST_OK;
    return diag_set(&c->d, ST_FORBIDDEN, "Origin", "must be %s",
                    session_origin(c->req->host, c->req->a));
}

/* POST /sessions {email, password}: 201 {teammate, expires_at} and the cookie. */
static status h_create(api_call *c)
{
    json_t *body;
    status st = call_body(c, &body);
    if (st) return st;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (strcmp(k, "email") && strcmp(k, "password"))
            return diag_set(&c->d, ST_INVALID, k, "is not a member of this body");
    }
    opt_str email, password;
    if ((st = in_str(c, body, "email", &email)) || (st = in_str(c, body, "password", &password)))
        return st;
    if ((st = check_origin(c)) || (st = call_open(c))) return st;
    session_issued s;
    if ((st = session_create(&c->cx, email.v, password.v, &s))) return st;
    jw w;
    jw_init(&w, 2048);
    jw_obj(&w);
    jw_key(&w, "teammate");
    native_teammate(&w, &s.user);
    call_iso(&w, "expires_at", s.expires_at);
    jw_end_obj(&w);
    call_header(c->resp, "Set-Cookie", cookie(c, s.secret));
    call_header(c->resp, "Cache-Control", "no-store");
    return reply_jw(c, 201, &w);
}

/* DELETE /sessions: the session that signed the request in (its cookie: the dispatcher checked
 * it and its Origin) ends; 204 and a cookie that clears it. A request signed in by a key or a
 * token has no session: 204, nothing ends. */
static status h_delete(api_call *c)
{
    const char *secret =
        c->req->authorization ? NULL : call_cookie(c->req->a, c->req->cookie, SESSION_COOKIE);
    status st = session_end(&c->cx, secret);
    if (st) return st;
    call_header(c->resp, "Set-Cookie", cookie(c, NULL));
    c->resp->status = 204;
    return ST_OK;
}

static const api_route routes[] = {
    {"POST", NATIVE "/sessions", h_create, DIALECT_NATIVE, .public_ = true, .res = RES_PUBLIC},
    /* One's own sign-in is part of one's own record. */
    {"DELETE", NATIVE "/sessions", h_delete, DIALECT_NATIVE, .res = RES_TEAMMATE, .op = OP_CHANGE},
};
const api_dialect native_session_dialect = {DIALECT_NATIVE, NATIVE,
                                            routes,         sizeof routes / sizeof routes[0],
                                            native_error,   native_no_route};
