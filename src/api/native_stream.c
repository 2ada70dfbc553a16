/* ticketd's own API, the live stream (docs/NATIVE.md "Live stream"): `GET /stream`, Server-Sent
 * Events of every event of the caller's workspace as it commits (core/stream.h does the
 * fan-out), resumable from Last-Event-ID; and `POST /tickets/{id}/presence`, an ephemeral
 * notice that goes out on the stream and is never stored. */
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "api/native.h"
#include "core/people.h"
#include "core/stream.h"
#include "core/ticket.h"

/* A resume point: a non-negative event id, else ST_INVALID naming the field. */
static status event_id(api_call *c, const char *field, const char *v, int64_t *out)
{
    char *end;
    if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
        return diag_set(&c->d, ST_INVALID, field, "must be an event id (a non-negative integer)");
    *out = strtoll(v, &end, 10);
    return ST_OK;
}

/* GET /stream[?ticket=<id>][&last_event_id=<n>], Last-Event-ID: <n>. */
static status h_stream(api_call *c)
{
    int64_t after = -1, ticket_id = NULL_INT;
    const char *resume = c->req->last_event_id;
    const char *field = "Last-Event-ID";
    if (!resume) resume = q_get(c, "last_event_id"), field = "last_event_id";
    status st = ST_OK;
    if (resume && (st = event_id(c, field, resume, &after))) return st;
    const char *tid;
    if ((st = q_uuid(c, "ticket", &tid))) return st;
    if (tid) {
        ticket_row t;
        st = ticket_get_row(&c->cx, tid, &t);
        if (st == ST_NOT_FOUND) return diag_set(&c->d, ST_INVALID, "ticket", "not found");
        if (st) return st;
        ticket_id = t.id;
    }
    if (!c->req->stream_wake)
        return diag_set(&c->d, ST_UNAVAILABLE, "", "the stream is served by `ticketd serve` only");
    stream_sub *sub;
    if ((st = stream_subscribe(&c->cx, after, ticket_id, c->req->stream_wake, c->req->stream_ctx,
                               &sub)))
        return st;
    c->resp->status = 200;
    c->resp->content_type = "text/event-stream";
    c->resp->stream = sub;
    call_header(c->resp, "Cache-Control", "no-store");
    call_header(c->resp, "X-Accel-Buffering", "no"); /* proxies: pass each event on at once */
    return ST_OK;
}

/* POST /tickets/{id}/presence {"state": "viewing"|"typing"} -> 204. */
static status h_presence(api_call *c)
{
    static const char *const states[] = {"viewing", "typing", NULL};
    json_t *body;
    status st = call_body(c, &body);
    if (st) return st;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "state") != 0)
            return diag_set(&c->d, ST_INVALID, key, "is not a member of this body");
    }
    opt_str state;
    if ((st = in_str(c, body, "state", &state))) return st;
    if ((st = check_enum(&c->d, "state", state.v, states))) return st;
    ticket_row t;
    if ((st = ticket_get_row(&c->cx, c->req->params[0], &t))) return st;
    const char *name = NULL;
    if (c->cx.actor == ACTOR_USER) {
        user_row u;
        if ((st = user_get(&c->cx, c->cx.actor_id, &u))) return st;
        name = u.name;
    }
    if ((st = stream_presence(&c->cx, t.id, t.uuid, t.user_id, state.v, name))) return st;
    c->resp->status = 204;
    return ST_OK;
}

static const api_route native_stream_routes[] = {
    {"GET", NATIVE "/stream", h_stream, DIALECT_NATIVE, .res = RES_TICKET, .op = OP_READ},
    /* A write (it goes out at COMMIT) that needs only the right to read the ticket. */
    {"POST", NATIVE "/tickets/{id}/presence", h_presence, DIALECT_NATIVE, .res = RES_TICKET,
     .op = OP_READ},
};
const api_dialect native_stream_dialect = {
    DIALECT_NATIVE,       NATIVE,
    native_stream_routes, sizeof native_stream_routes / sizeof native_stream_routes[0],
    native_error,         native_no_route};
