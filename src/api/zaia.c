/* Zaia's public API v1 (/api/v1): a translation table between Zaia's wire format (camelCase,
 * ISO 8601 with milliseconds, bare arrays, {statusCode, error, message} errors) and core/. No
 * business rule lives here; see ../shared/DIALECTS.md section 2 and docs/ZAIA.md. */
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "core/chat.h"
#include "core/people.h"
#include "core/tag.h"
#include "core/ticket.h"
#include "util/timeutil.h"

/* ---- rendering ---- */

static void kint_or_null(jw *w, const char *k, int64_t v)
{
    jw_key(w, k);
    jw_int_or_null(w, v, NULL_INT);
}

/* The timestamps and workspace every entity ends with. */
static void entity_tail(jw *w, const api_call *c, int64_t created, int64_t updated)
{
    call_iso(w, "createdAt", created);
    call_iso(w, "updatedAt", updated);
    jw_kstr(w, "workspaceId", c->cx.ws_uuid);
}

static const char *status_of(const char *state)
{
    int s = state_parse(state);
    return phase_name(state_phase(s < 0 ? TS_NEW : (ticket_state)s));
}

static void ticket_w(jw *w, const api_call *c, const void *row)
{
    const ticket_row *t = row;
    jw_obj(w);
    call_iso(w, "createdAt", t->created_at);
    jw_kstr(w, "id", t->uuid);
    call_iso(w, "updatedAt", t->updated_at);
    jw_kstr(w, "assigneeId", t->user_uuid);
    jw_kstr(w, "chatId", t->chat_uuid);
    jw_kstr(w, "circumstance", t->circumstance);
    call_iso(w, "completedAt", t->completed_at);
    call_iso(w, "lastViewedAt", t->last_viewed_at);
    call_iso(w, "ongoingAt", t->ongoing_at);
    jw_kstr(w, "status", status_of(t->state));
    jw_kstr(w, "summary", t->title);
    jw_kstr(w, "ticketingTeamId", t->team_uuid);
    jw_end_obj(w);
}

static void details_w(jw *w, const api_call *c, const void *row)
{
    const ticket_detail_row *d = row;
    bool user_owner = d->owner_entity && strcmp(d->owner_entity, "users") == 0;
    jw_obj(w);
    jw_kstr(w, "assigneeEmail", d->assignee_email);
    jw_kstr(w, "assigneeId", d->assignee_uuid);
    jw_kstr(w, "assigneeName", d->assignee_name);
    jw_kstr(w, "assigneePicture", d->assignee_picture);
    jw_kstr(w, "channelId", d->channel_uuid);
    jw_kstr(w, "channelName", d->channel_name);
    jw_kstr(w, "channelType", d->channel_type);
    jw_kstr(w, "chatId", d->chat_uuid);
    jw_kbool(w, "chatIsRemoved", d->chat_removed);
    jw_kstr(w, "chatOwnerId", d->owner_uuid);
    call_iso(w, "completedAt", d->completed_at);
    call_iso(w, "createdAt", d->created_at);
    jw_kstr(w, "id", d->uuid);
    jw_key(w, "isOwnerBlocked");
    if (user_owner)
        jw_null(w);
    else
        jw_bool(w, d->owner_blocked);
    call_iso(w, "ongoingAt", d->ongoing_at);
    jw_kstr(w, "ownerEmail", user_owner ? d->owner_email : NULL);
    jw_kstr(w, "ownerEntity", d->owner_entity);
    jw_kstr(w, "ownerIdentifier", user_owner ? NULL : d->owner_identifier);
    jw_kstr(w, "ownerName", d->owner_name);
    jw_kint(w, "pendingChatMessages", d->pending);
    jw_kstr(w, "responderEntity", d->responder_entity);
    jw_kstr(w, "responderId", d->responder_uuid);
    jw_kstr(w, "responderName", d->responder_name);
    jw_kstr(w, "responderPicture", d->responder_picture);
    jw_kstr(w, "responderVersionId", d->version_uuid);
    kint_or_null(w, "responderVersionNumber", d->version_number);
    jw_kstr(w, "status", status_of(d->state));
    jw_kstr(w, "summary", d->summary);
    jw_kstr(w, "ticketingTeamId", d->team_uuid);
    jw_kstr(w, "ticketingTeamName", d->team_name);
    jw_kstr(w, "ticketingTeamPicture", d->team_picture);
    jw_kstr(w, "workspaceId", c->cx.ws_uuid);
    jw_end_obj(w);
}

static void user_w(jw *w, const api_call *c, const void *row)
{
    const user_row *u = row;
    jw_obj(w);
    jw_kstr(w, "id", u->uuid);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "email", u->email);
    jw_kstr(w, "picture", u->picture);
    entity_tail(w, c, u->created_at, u->updated_at);
    jw_end_obj(w);
}

static void external_user_w(jw *w, const api_call *c, const void *row)
{
    const contact_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "email", r->email);
    jw_kstr(w, "identifier", r->identifier);
    jw_kbool(w, "isBlocked", r->is_blocked);
    entity_tail(w, c, r->created_at, r->updated_at);
    jw_end_obj(w);
}

static void channel_w(jw *w, const api_call *c, const void *row)
{
    const channel_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "type", r->type);
    entity_tail(w, c, r->created_at, r->updated_at);
    jw_end_obj(w);
}

static void responder_w(jw *w, const api_call *c, const void *row)
{
    const responder_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "entity", r->entity);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "picture", r->picture);
    jw_kstr(w, "versionId", r->version_uuid);
    kint_or_null(w, "versionNumber", r->version_number);
    entity_tail(w, c, r->created_at, r->updated_at);
    jw_end_obj(w);
}

static void chat_w(jw *w, const api_call *c, const void *row)
{
    const chat_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "channelId", r->channel_uuid);
    jw_kstr(w, "ownerId", r->owner_uuid);
    jw_kstr(w, "ownerEntity", r->owner_entity);
    jw_kstr(w, "responderId", r->responder_uuid);
    jw_kstr(w, "responderVersionId", r->version_uuid);
    jw_kbool(w, "isRemoved", r->is_removed);
    jw_kstr(w, "summary", r->summary);
    entity_tail(w, c, r->created_at, r->updated_at);
    jw_end_obj(w);
}

static void message_w(jw *w, const api_call *c, const void *row)
{
    const message_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "chatId", r->chat_uuid);
    jw_kstr(w, "text", r->text);
    jw_kbool(w, "fromOwner", r->from_owner);
    call_iso(w, "createdAt", r->created_at);
    jw_end_obj(w);
}

static void tag_w(jw *w, const api_call *c, const void *row)
{
    const tag_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "description", r->description);
    jw_kstr(w, "color", r->color);
    jw_kint(w, "activeTicketCount", r->active);
    entity_tail(w, c, r->created_at, r->updated_at);
    jw_end_obj(w);
}

static void team_w(jw *w, const api_call *c, const void *row)
{
    const team_row *r = row;
    jw_obj(w);
    jw_kstr(w, "id", r->uuid);
    call_iso(w, "createdAt", r->created_at);
    call_iso(w, "updatedAt", r->updated_at);
    jw_kbool(w, "isRemoved", r->is_removed);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "description", r->description);
    jw_kstr(w, "picture", r->picture);
    jw_kstr(w, "workspaceId", c->cx.ws_uuid);
    jw_end_obj(w);
}

typedef void (*render_fn)(jw *w, const api_call *c, const void *row);

static status ok_one(api_call *c, render_fn fn, const void *row)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    fn(&w, c, row);
    return reply_jw(c, 200, &w);
}

static status ok_list(api_call *c, render_fn fn, const void *rows, size_t row_size, size_t n)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_arr(&w);
    for (size_t i = 0; i < n; i++)
        fn(&w, c, (const char *)rows + i * row_size);
    jw_end_arr(&w);
    return reply_jw(c, 200, &w);
}

static status ok_message(api_call *c, const char *msg)
{
    return reply_json(c, 200, json_pack("{s:s}", "message", msg));
}

static void error_body(api_call *c, int http, const char *phrase)
{
    json_t *o = json_object();
    json_object_set_new(o, "statusCode", json_integer(http));
    json_object_set_new(o, "error", json_string(phrase));
    if (c->d.field[0])
        json_object_set_new(o, "message", json_sprintf("%s %s", c->d.field, c->d.msg));
    else
        json_object_set_new(o, "message", json_string(c->d.msg[0] ? c->d.msg : phrase));
    (void)reply_json(c, http, o);
}

static void zaia_error(api_call *c, status st)
{
    switch (st) {
    case ST_OK:
    case ST_INVALID:
        error_body(c, 400, "Bad Request");
        return;
    case ST_NOT_FOUND:
        /* Only an object named by the path is "not found"; an unknown id in the input is a
         * bad request. */
        if (c->d.reason == REASON_BODY_REF)
            error_body(c, 400, "Bad Request");
        else
            error_body(c, 404, "Not Found");
        return;
    case ST_CONFLICT:
        if (c->d.reason == REASON_IDEM_KEY_REUSED)
            error_body(c, 422, "Unprocessable Entity"); /* docs/IDEMPOTENCY.md */
        else
            error_body(c, 409, "Conflict");
        return;
    case ST_FORBIDDEN:
        error_body(c, 403, "Forbidden");
        return;
    case ST_UNAUTHORIZED:
        if (!c->d.msg[0]) diag_set(&c->d, st, "", "a valid API key is required");
        error_body(c, 401, "Unauthorized");
        return;
    case ST_TOO_LARGE:
        error_body(c, 413, "Payload Too Large");
        return;
    case ST_INTERNAL:
        error_body(c, 500, "Internal Server Error");
        return;
    case ST_UNAVAILABLE:
        error_body(c, 503, "Service Unavailable");
        return;
    case ST_RATE_LIMITED:
        error_body(c, 429, "Too Many Requests");
        return;
    case ST_PRECONDITION_FAILED:
        error_body(c, 412, "Precondition Failed");
        return;
    }
}

/* Express's "Cannot GET /path" as Zaia's 404 (405 for a path with other methods). */
static void zaia_no_route(api_call *c, bool method_not_allowed)
{
    diag_set(&c->d, method_not_allowed ? ST_INVALID : ST_NOT_FOUND, "", "Cannot %s %s",
             c->req->method, c->req->path);
    error_body(c, method_not_allowed ? 405 : 404,
               method_not_allowed ? "Method Not Allowed" : "Not Found");
}

/* ---- input ---- */

/* A boolean member: -1 when absent; null or another type is ST_INVALID ("must be a boolean",
 * Zaia's words; call.h's in_bool says "true or false"). */
static status in_flag(api_call *c, json_t *obj, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    *out = -1;
    if (!v) return ST_OK;
    if (!json_is_boolean(v)) return diag_set(&c->d, ST_INVALID, key, "must be a boolean");
    *out = json_is_true(v);
    return ST_OK;
}

/* Reads the listed string members of the body into consecutive opt_str fields. */
static status in_strs_of(api_call *c, const char *const *keys, opt_str *out)
{
    json_t *b;
    status st = call_body(c, &b);
    for (size_t i = 0; !st && keys[i]; i++)
        st = in_str(c, b, keys[i], &out[i]);
    return st;
}

static status paging(api_call *c, list_in *in)
{
    return q_paging(c, "pageNumber", "pageSize", false, in);
}

/* ---- tickets ---- */

static status ticket_reply_with(api_call *c, status st, const ticket_row *t)
{
    return st ? st : ok_one(c, ticket_w, t);
}

static status h_ticket_create(api_call *c)
{
    json_t *b;
    ticket_open_in in = {0};
    opt_str chat, assignee, status_;
    status st = call_body(c, &b);
    if (!st) st = in_str(c, b, "chatId", &chat);
    if (!st) st = in_str(c, b, "ticketingTeamId", &in.team_id);
    if (!st) st = in_str(c, b, "assigneeId", &assignee);
    if (!st) st = in_str(c, b, "status", &status_);
    if (!st) st = in_str(c, b, "summary", &in.summary);
    if (st) return st;
    in.chat_id = chat.v;
    in.assignee_id = assignee.v;
    in.status = status_.v;
    ticket_row t;
    return ticket_reply_with(c, ticket_open(&c->cx, &in, &t), &t);
}

static status h_ticket_get(api_call *c)
{
    ticket_row t;
    return ticket_reply_with(c, ticket_get_row(&c->cx, c->req->params[0], &t), &t);
}

/* The one uuid member a PATCH of a ticket takes (required). */
static status body_id(api_call *c, const char *key, const char **out)
{
    json_t *b;
    status st = call_body(c, &b);
    return st ? st : in_req_str(c, b, key, out);
}

static status h_ticket_complete(api_call *c)
{
    const char *user;
    ticket_row t;
    status st = body_id(c, "userId", &user);
    return st ? st : ticket_reply_with(c, ticket_complete(&c->cx, c->req->params[0], user, &t), &t);
}

static status h_ticket_takeover(api_call *c)
{
    const char *user;
    ticket_row t;
    status st = body_id(c, "assigneeId", &user);
    return st ? st : ticket_reply_with(c, ticket_takeover(&c->cx, c->req->params[0], user, &t), &t);
}

static status h_ticket_assignee(api_call *c)
{
    const char *user;
    ticket_row t;
    status st = body_id(c, "assigneeId", &user);
    if (st) return st;
    st = ticket_assign(&c->cx, c->req->params[0], "assigneeId", user, &t);
    return ticket_reply_with(c, st, &t);
}

static status h_details(api_call *c)
{
    ticket_detail_row d;
    status st = ticket_details(&c->cx, c->req->params[0], &d);
    return st ? st : ok_one(c, details_w, &d);
}

static status h_details_list(api_call *c)
{
    details_list_in in = {0};
    int removed;
    status st = paging(c, &in.page);
    if (!st) st = q_uuids(c, "assigneeIds", &in.assignees);
    if (!st) st = q_uuids(c, "chatIds", &in.chats);
    if (!st) st = q_uuids(c, "responderIds", &in.responders);
    if (!st) st = q_uuids(c, "responderVersionIds", &in.versions);
    if (!st) st = q_uuids(c, "tagIds", &in.tags);
    if (!st) st = q_bool(c, "includeRemoved", &removed);
    if (st) return st;
    in.include_removed = removed == 1;
    in.status = q_get(c, "status");
    in.search = q_get(c, "search");
    ticket_detail_row *rows;
    size_t n;
    if ((st = ticket_details_list(&c->cx, &in, &rows, &n))) return st;
    return ok_list(c, details_w, rows, sizeof(ticket_detail_row), n);
}

static status h_ticket_tag_add(api_call *c)
{
    const char *tag;
    ticket_tag_row link;
    status st = body_id(c, "tagId", &tag);
    if (!st) st = ticket_tag_add(&c->cx, c->req->params[0], tag, &link);
    if (st) return st;
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    call_iso(&w, "createdAt", link.created_at);
    call_iso(&w, "updatedAt", link.updated_at);
    jw_kstr(&w, "tagId", link.tag_uuid);
    jw_kstr(&w, "ticketId", link.ticket_uuid);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

static status h_ticket_tag_remove(api_call *c)
{
    status st = ticket_tag_remove(&c->cx, c->req->params[0], c->req->params[1]);
    return st ? st : ok_message(c, "The tag was removed from the ticket.");
}

/* ---- the entities a ticket joins: create, list, get, update, delete each ---- */

/* Defines h_<name>_create/_update/_get/_delete/_list over core calls of the usual shapes. */
#define ENTITY_HANDLERS(name, row_t, in_t, input, render, create, update, get, del, list, gone)    \
    static status h_##name##_create(api_call *c)                                                   \
    {                                                                                              \
        in_t in;                                                                                   \
        row_t r;                                                                                   \
        status st = input(c, &in);                                                                 \
        if (!st) st = create(&c->cx, &in, &r);                                                     \
        return st ? st : ok_one(c, render, &r);                                                    \
    }                                                                                              \
    static status h_##name##_update(api_call *c)                                                   \
    {                                                                                              \
        in_t in;                                                                                   \
        row_t r;                                                                                   \
        status st = input(c, &in);                                                                 \
        if (!st) st = update(&c->cx, c->req->params[0], &in, &r);                                  \
        return st ? st : ok_one(c, render, &r);                                                    \
    }                                                                                              \
    static status h_##name##_get(api_call *c)                                                      \
    {                                                                                              \
        row_t r;                                                                                   \
        status st = get(&c->cx, c->req->params[0], &r);                                            \
        return st ? st : ok_one(c, render, &r);                                                    \
    }                                                                                              \
    static status h_##name##_delete(api_call *c)                                                   \
    {                                                                                              \
        status st = del(&c->cx, c->req->params[0]);                                                \
        return st ? st : ok_message(c, gone);                                                      \
    }                                                                                              \
    static status h_##name##_list(api_call *c)                                                     \
    {                                                                                              \
        list_in in;                                                                                \
        row_t *rows;                                                                               \
        size_t n;                                                                                  \
        status st = paging(c, &in);                                                                \
        if (!st) st = list(&c->cx, &in, &rows, &n);                                                \
        return st ? st : ok_list(c, render, rows, sizeof(row_t), n);                               \
    }

static status user_input(api_call *c, user_in *in)
{
    static const char *const keys[] = {"name", "email", "picture", "password", NULL};
    opt_str v[4];
    *in = (user_in){0};
    status st = in_strs_of(c, keys, v);
    in->name = v[0], in->email = v[1], in->picture = v[2], in->password = v[3];
    return st;
}

/* Lists of users and external users: this wire has no total, so none is counted. */
static status users_page(core_ctx *cx, const list_in *in, user_row **rows, size_t *n)
{
    return user_list(cx, in, rows, n, NULL);
}

static status contacts_page(core_ctx *cx, const list_in *in, contact_row **rows, size_t *n)
{
    return contact_list(cx, in, rows, n, NULL);
}

ENTITY_HANDLERS(user, user_row, user_in, user_input, user_w, user_create, user_update, user_get,
                user_delete, users_page, "The user was deleted.")

static status external_user_input(api_call *c, contact_in *in)
{
    static const char *const keys[] = {"name", "email", "identifier", NULL};
    opt_str v[3];
    json_t *b;
    *in = (contact_in){0};
    status st = in_strs_of(c, keys, v);
    if (!st) st = call_body(c, &b);
    if (!st) st = in_flag(c, b, "isBlocked", &in->is_blocked);
    in->name = v[0], in->email = v[1], in->identifier = v[2];
    return st;
}

ENTITY_HANDLERS(external_user, contact_row, contact_in, external_user_input, external_user_w,
                contact_create, contact_update, contact_get, contact_delete, contacts_page,
                "The external user was deleted.")

static status channel_input(api_call *c, channel_in *in)
{
    static const char *const keys[] = {"name", "type", NULL};
    opt_str v[2];
    status st = in_strs_of(c, keys, v);
    *in = (channel_in){v[0], v[1]};
    return st;
}

ENTITY_HANDLERS(channel, channel_row, channel_in, channel_input, channel_w, channel_create,
                channel_update, channel_get, channel_delete, channel_list,
                "The channel was deleted.")

static status responder_input(api_call *c, responder_in *in)
{
    static const char *const keys[] = {"entity", "name", "picture", NULL};
    opt_str v[3];
    status st = in_strs_of(c, keys, v);
    *in = (responder_in){v[0], v[1], v[2]};
    return st;
}

ENTITY_HANDLERS(responder, responder_row, responder_in, responder_input, responder_w,
                responder_create, responder_update, responder_get, responder_delete, responder_list,
                "The responder was deleted.")

static status h_responder_version(api_call *c)
{
    responder_row r;
    status st = responder_add_version(&c->cx, c->req->params[0], &r);
    return st ? st : ok_one(c, responder_w, &r);
}

static status chat_input(api_call *c, chat_in *in)
{
    static const char *const keys[] = {"channelId", "ownerId", "responderId", "summary", NULL};
    opt_str v[4];
    status st = in_strs_of(c, keys, v);
    *in = (chat_in){v[0], v[1], v[2], v[3]};
    return st;
}

ENTITY_HANDLERS(chat, chat_row, chat_in, chat_input, chat_w, chat_create, chat_update, chat_get,
                chat_remove, chat_list, "The chat was removed.")

static status h_message_create(api_call *c)
{
    json_t *b;
    const char *text;
    int from_owner;
    message_row m;
    status st = call_body(c, &b);
    if (!st) st = in_req_str(c, b, "text", &text);
    if (!st) st = in_flag(c, b, "fromOwner", &from_owner);
    if (!st) st = message_create(&c->cx, c->req->params[0], text, from_owner != 0, &m);
    return st ? st : ok_one(c, message_w, &m);
}

static status h_message_list(api_call *c)
{
    list_in in;
    message_row *rows;
    size_t n;
    status st = paging(c, &in);
    if (!st) st = message_list(&c->cx, c->req->params[0], &in, &rows, &n);
    return st ? st : ok_list(c, message_w, rows, sizeof(message_row), n);
}

static status tag_input(api_call *c, tag_in *in)
{
    static const char *const keys[] = {"name", "description", "color", NULL};
    opt_str v[3];
    status st = in_strs_of(c, keys, v);
    *in = (tag_in){v[0], v[1], v[2]};
    return st;
}

ENTITY_HANDLERS(tag, tag_row, tag_in, tag_input, tag_w, tag_create, tag_update, tag_get, tag_delete,
                tag_list, "The tag was deleted.")

static status team_input(api_call *c, team_in *in)
{
    static const char *const keys[] = {"name", "description", "picture", NULL};
    opt_str v[3];
    status st = in_strs_of(c, keys, v);
    *in = (team_in){v[0], v[1], v[2]};
    return st;
}

ENTITY_HANDLERS(team, team_row, team_in, team_input, team_w, team_create, team_update, team_get,
                team_remove, team_list, "The ticketing team was removed.")

#define V "/api/v1"
#define ENTITY_ROUTES(P, name, R)                                                                  \
    {"POST", V P, h_##name##_create, DIALECT_ZAIA, .res = R, .op = OP_CREATE},                     \
        {"GET", V P, h_##name##_list, DIALECT_ZAIA, .res = R, .op = OP_READ},                      \
        {"GET", V P "/{id}", h_##name##_get, DIALECT_ZAIA, .res = R, .op = OP_READ},               \
        {"PATCH", V P "/{id}", h_##name##_update, DIALECT_ZAIA, .res = R, .op = OP_CHANGE},        \
        {"DELETE", V P "/{id}", h_##name##_delete, DIALECT_ZAIA, .res = R, .op = OP_DELETE},

#define TICKET(o) .res = RES_TICKET, .op = o
static const api_route zaia_routes[] = {
    {"GET", V "/tickets/details", h_details_list, DIALECT_ZAIA, TICKET(OP_READ)},
    {"GET", V "/tickets/{id}/details", h_details, DIALECT_ZAIA, TICKET(OP_READ)},
    {"POST", V "/tickets", h_ticket_create, DIALECT_ZAIA, TICKET(OP_CREATE)},
    {"GET", V "/tickets/{id}", h_ticket_get, DIALECT_ZAIA, TICKET(OP_READ)},
    {"PATCH", V "/tickets/{id}/complete", h_ticket_complete, DIALECT_ZAIA, TICKET(OP_CHANGE)},
    {"PATCH", V "/tickets/{id}/takeover", h_ticket_takeover, DIALECT_ZAIA, TICKET(OP_CHANGE)},
    {"PATCH", V "/tickets/{id}/assignee", h_ticket_assignee, DIALECT_ZAIA, TICKET(OP_CHANGE)},
    {"POST", V "/tickets/{ticketId}/tags", h_ticket_tag_add, DIALECT_ZAIA, TICKET(OP_CHANGE)},
    {"DELETE", V "/tickets/{ticketId}/tags/{tagId}", h_ticket_tag_remove, DIALECT_ZAIA,
     TICKET(OP_CHANGE)},
    {"POST", V "/super-identities/responders/{id}/versions", h_responder_version, DIALECT_ZAIA,
     .res = RES_SETTINGS, .op = OP_CHANGE},
    {"POST", V "/chats/{id}/messages", h_message_create, DIALECT_ZAIA, .res = RES_CHAT,
     .op = OP_CHANGE},
    {"GET", V "/chats/{id}/messages", h_message_list, DIALECT_ZAIA, .res = RES_CHAT, .op = OP_READ},
    ENTITY_ROUTES("/users", user, RES_TEAMMATE) ENTITY_ROUTES("/external-users", external_user,
                                                              RES_CLIENT)
        ENTITY_ROUTES("/channels", channel, RES_SETTINGS)
            ENTITY_ROUTES("/super-identities/responders", responder, RES_SETTINGS)
                ENTITY_ROUTES("/chats", chat, RES_CHAT) ENTITY_ROUTES("/tags", tag, RES_SETTINGS)
                    ENTITY_ROUTES("/ticketing-teams", team, RES_SETTINGS)};
#undef TICKET
const api_dialect zaia_dialect = {DIALECT_ZAIA, "/api/v1",
                                  zaia_routes,  sizeof zaia_routes / sizeof zaia_routes[0],
                                  zaia_error,   zaia_no_route};
