/* Apizee's REST API v3 (/api/v3): a translation table between Apizee's wire format (parameters
 * from the query string, a JSON body or a form body; snake_case; ISO 8601 UTC; the
 * {data,total,next_offset} list envelope; {code,message} errors and OAuth-style token errors)
 * and core/. No business rule lives here; see ../shared/DIALECTS.md section 3 and
 * docs/APIZEE.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dialects.h"
#include "core/assist.h"
#include "core/auth.h"
#include "core/export.h"
#include "core/media.h"
#include "core/ticket.h"
#include "util/text.h"
#include "util/timeutil.h"

/* ---- errors ---- */

static void error_body(api_call *c, int http)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_integer(http));
    if (c->d.field[0])
        json_object_set_new(o, "message", json_sprintf("%s %s", c->d.field, c->d.msg));
    else
        json_object_set_new(o, "message", json_string(c->d.msg[0] ? c->d.msg : "error"));
    (void)reply_json(c, http, o);
}

static status oauth_error(api_call *c, const char *code, const char *description);

static void apizee_error(api_call *c, status st)
{
    /* The token endpoints (the public routes) answer OAuth's shape, with HTTP 429. */
    if (st == ST_RATE_LIMITED && c->route && c->route->public_) {
        (void)oauth_error(c, "slow_down", c->d.msg);
        c->resp->status = 429;
        return;
    }
    int http = st ? call_http_status(st) : 400;
    /* An unknown id in the input is a bad request; only the path's object is "not found". */
    if (st == ST_NOT_FOUND && c->d.reason == REASON_BODY_REF) http = 400;
    if (st == ST_CONFLICT && c->d.reason == REASON_IDEM_KEY_REUSED) http = 422;
    if (st == ST_UNAUTHORIZED && !c->d.msg[0])
        diag_set(&c->d, st, "", "a valid access token or API key is required");
    error_body(c, http);
}

static void apizee_no_route(api_call *c, bool method_not_allowed)
{
    diag_set(&c->d, ST_NOT_FOUND, "", "%s",
             method_not_allowed ? "Method not allowed" : "Not found");
    error_body(c, method_not_allowed ? 405 : 404);
}

/* OAuth 2 (RFC 6749 section 5.2): {"error": code, "error_description": …}, HTTP 400. */
static status oauth_error(api_call *c, const char *code, const char *description)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(code));
    json_object_set_new(o, "error_description", json_string(description));
    return reply_json(c, 400, o);
}

/* ---- input: a parameter from the body (JSON or form) or else the query string ---- */

/* A parameter as text: a JSON string as is, a number or boolean spelled out, an array of
 * strings joined with commas (emails, phones); in a form or the query string every value of
 * name and name[] joined with commas. NULL when absent or null. */
static status param(api_call *c, const char *name, const char **out)
{
    *out = NULL;
    if (call_is_form(c)) {
        status st = call_form_get(c, name, out);
        if (st || *out) return st;
    } else if (c->req->body_len) {
        json_t *b;
        status st = call_body(c, &b);
        if (st) return st;
        json_t *v = json_object_get(b, name);
        if (v && !json_is_null(v)) {
            if (json_is_string(v)) {
                *out = json_string_value(v);
            } else if (json_is_integer(v)) {
                *out = arena_printf(c->req->a, "%lld", (long long)json_integer_value(v));
            } else if (json_is_boolean(v)) {
                *out = json_is_true(v) ? "true" : "false";
            } else if (json_is_array(v)) {
                size_t n = json_array_size(v), total = 1;
                for (size_t i = 0; i < n; i++) {
                    json_t *e = json_array_get(v, i);
                    if (!json_is_string(e))
                        return diag_set(&c->d, ST_INVALID, name, "must be a list of strings");
                    total += json_string_length(e) + 1;
                }
                char *joined = arena_alloc(c->req->a, total), *p = joined;
                for (size_t i = 0; i < n; i++) { /* one copy: a long list stays linear */
                    json_t *e = json_array_get(v, i);
                    if (i) *p++ = ',';
                    memcpy(p, json_string_value(e), json_string_length(e));
                    p += json_string_length(e);
                }
                *p = '\0';
                *out = joined;
            } else {
                return diag_set(&c->d, ST_INVALID, name, "must be a string or an integer");
            }
            return ST_OK;
        }
    }
    *out = kv_join(c->req->a, c->req->query, c->req->n_query, name);
    return ST_OK;
}

/* ---- typed parameters: core/ takes flags, numbers and dates, read here off the wire ---- */

/* '1', 'true', 'TRUE' (and '0', 'false', 'FALSE', ''); unset when absent. */
static status flag_param(api_call *c, const char *name, opt_bool *out)
{
    const char *v;
    status st = param(c, name, &v);
    *out = (opt_bool){.set = v != NULL};
    if (st || !v) return st;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "TRUE"))
        out->v = true;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "FALSE") || !*v)
        out->v = false;
    else
        return diag_set(&c->d, ST_INVALID, name, "must be 1, true, TRUE, 0, false or FALSE");
    return ST_OK;
}

/* A whole number from lo to hi; unset when absent. */
static status int_param(api_call *c, const char *name, long long lo, long long hi, opt_int *out)
{
    const char *v;
    long long n;
    status st = param(c, name, &v);
    *out = (opt_int){0};
    if (st || !v) return st;
    if (!text_parse_int(v, &n) || n < lo || n > hi)
        return diag_set(&c->d, ST_INVALID, name, "must be an integer from %lld to %lld", lo, hi);
    *out = (opt_int){.set = true, .v = n};
    return ST_OK;
}

/* An ISO 8601 UTC date, as ms; unset when absent. */
static status date_param(api_call *c, const char *name, opt_int *out)
{
    const char *v;
    status st = param(c, name, &v);
    *out = (opt_int){0};
    if (st || !v) return st;
    if (!time_parse_iso(v, &out->v))
        return diag_set(&c->d, ST_INVALID, name,
                        "must be an ISO 8601 UTC date such as 2020-01-01T15:00:00Z");
    out->set = true;
    return ST_OK;
}

/* How a parameter is read into its field of an input struct: text (`const char *`), a flag
 * (opt_bool), a number from lo to hi or a date (opt_int). */
typedef enum { PARAM_TEXT = 0, PARAM_FLAG, PARAM_INT, PARAM_DATE } param_kind;
typedef struct {
    const char *name;
    size_t off;
    param_kind kind;
    long long lo, hi;
} param_spec;

static status params(api_call *c, void *dst, const param_spec *spec, size_t n)
{
    status st = ST_OK;
    for (size_t i = 0; !st && i < n; i++) {
        void *field = (char *)dst + spec[i].off;
        switch (spec[i].kind) {
        case PARAM_TEXT:
            st = param(c, spec[i].name, field);
            break;
        case PARAM_FLAG:
            st = flag_param(c, spec[i].name, field);
            break;
        case PARAM_INT:
            st = int_param(c, spec[i].name, spec[i].lo, spec[i].hi, field);
            break;
        case PARAM_DATE:
            st = date_param(c, spec[i].name, field);
            break;
        }
    }
    return st;
}

/* PATCH fields: absent, or set (JSON null and "" alike clear where that means something). */
static status opt_param(api_call *c, const char *name, opt_str *out)
{
    const char *v;
    status st = param(c, name, &v);
    bool present = v != NULL;
    if (!present && !call_is_form(c) && c->req->body_len) {
        json_t *b;
        if (!call_body(c, &b)) present = json_object_get(b, name) != NULL; /* null */
    }
    *out = (opt_str){.set = present, .v = v};
    return st;
}

/* ---- rendering ---- */

static void ticket_w(jw *w, const ticket_row *t, int64_t medias)
{
    jw_obj(w);
    jw_kstr(w, "id", t->uuid);
    jw_kstr(w, "reference", t->reference);
    jw_kstr(w, "type", assist_type(t));
    jw_kstr(w, "subject", t->title);
    jw_kstr(w, "description", t->description);
    jw_kstr(w, "state", t->state);
    jw_kstr(w, "language", t->language);
    jw_key(w, "agent");
    if (t->user_uuid) {
        jw_obj(w);
        jw_kstr(w, "id", t->user_uuid);
        jw_kstr(w, "username", t->user_username);
        jw_kstr(w, "name", t->user_name);
        jw_kstr(w, "email", t->user_email);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    jw_key(w, "group");
    if (t->team_uuid) {
        jw_obj(w);
        jw_kstr(w, "id", t->team_uuid);
        jw_kstr(w, "name", t->team_name);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    jw_key(w, "requestor");
    if (t->contact_uuid) {
        jw_obj(w);
        jw_kstr(w, "id", t->contact_uuid);
        jw_kstr(w, "name", t->contact_name);
        jw_kstr(w, "firstname", t->contact_firstname);
        jw_kstr(w, "email", t->contact_email);
        jw_kstr(w, "phone", t->contact_phone);
        jw_kstr(w, "company", t->contact_company);
        jw_kstr(w, "gender", t->contact_gender);
        jw_kstr(w, "country", t->contact_country);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    jw_kstr(w, "service_key", t->service_key);
    call_iso(w, "start_date", t->start_date);
    jw_key(w, "duration");
    jw_int_or_null(w, t->duration, NULL_INT);
    jw_key(w, "reminder");
    jw_int_or_null(w, t->reminder, NULL_INT);
    jw_kbool(w, "send_invitation", t->send_invitation);
    call_iso(w, "created_at", t->created_at);
    call_iso(w, "updated_at", t->updated_at);
    call_iso(w, "started_at", t->ongoing_at);
    call_iso(w, "ended_at", t->completed_at);
    jw_kint(w, "medias_count", medias);
    jw_end_obj(w);
}

static void media_w(jw *w, arena *ar, const media_row *m, const char *ticket_uuid)
{
    const asset_row *a = &m->asset;
    jw_obj(w);
    jw_kstr(w, "id", m->uuid);
    jw_kstr(w, "ticket_id", ticket_uuid);
    jw_kstr(w, "title", m->title);
    jw_kstr(w, "filename", a->filename);
    jw_kstr(w, "extension", a->extension);
    jw_kstr(w, "media_type", a->type);
    jw_kstr(w, "mime_type", a->mime_type);
    jw_kint(w, "size", a->filesize);
    jw_kstr(w, "status", m->status);
    jw_kstr(w, "source", m->source);
    jw_key(w, "tags");
    jw_arr(w);
    /* stored as ",a,b," */
    for (const char *p = m->tags && *m->tags ? m->tags + 1 : ""; *p;) {
        const char *comma = strchr(p, ',');
        if (!comma) break;
        jw_str(w, arena_printf(ar, "%.*s", (int)(comma - p), p)); /* a whole tag, any length */
        p = comma + 1;
    }
    jw_end_arr(w);
    jw_kstr(w, "user_id", m->user_uuid);
    call_dims(w, a);
    jw_kstr(w, "url", a->public_url);
    call_thumbnails(w, a);
    call_iso(w, "created_at", m->created_at);
    call_iso(w, "updated_at", m->updated_at);
    jw_end_obj(w);
}

static void event_w(jw *w, const event_row *e, const char *ticket_uuid)
{
    jw_obj(w);
    jw_kstr(w, "id", e->uuid);
    jw_kstr(w, "ticket_id", ticket_uuid);
    jw_kstr(w, "type", e->type);
    jw_key(w, "actor");
    jw_obj(w);
    jw_kstr(w, "type", e->actor_type);
    jw_kstr(w, "id", e->actor_id);
    jw_end_obj(w);
    jw_key(w, "data");
    jw_raw(w, e->data);
    call_iso(w, "created_at", e->created_at);
    jw_end_obj(w);
}

/* {"data":[…],"total":N,"next_offset":N|null}: opens data; envelope_end closes it. */
static void envelope_begin(jw *w)
{
    jw_init(w, LIMIT_RESPONSE);
    jw_obj(w);
    jw_key(w, "data");
    jw_arr(w);
}

static status envelope_end(api_call *c, jw *w, int64_t total, int64_t offset, size_t n)
{
    jw_end_arr(w);
    jw_kint(w, "total", total);
    jw_key(w, "next_offset");
    jw_int_or_null(w, offset + (int64_t)n < total ? offset + (int64_t)n : -1, -1);
    jw_end_obj(w);
    return reply_jw(c, 200, w);
}

static status no_content(api_call *c)
{
    c->resp->status = 204;
    return ST_OK;
}

/* ---- tokens ---- */

static status h_token(api_call *c)
{
    const char *grant, *user, *pass;
    status st = param(c, "grant_type", &grant);
    if (!st) st = param(c, "username", &user);
    if (!st) st = param(c, "password", &pass);
    if (st) return st;
    if (!grant) return oauth_error(c, "invalid_request", "grant_type is required");
    if (strcmp(grant, "password"))
        return oauth_error(c, "unsupported_grant_type",
                           "only the password grant is supported (see docs/APIZEE.md)");
    if (!user || !pass)
        return oauth_error(c, "invalid_request", "username and password are required");
    if ((st = call_open(c))) return st;
    token_issued t;
    st = token_issue(&c->cx, user, pass, &t);
    if (st == ST_UNAUTHORIZED) return oauth_error(c, "invalid_grant", "wrong username or password");
    if (st) return st;
    jw w;
    jw_init(&w, 1024);
    jw_obj(&w);
    jw_kstr(&w, "access_token", t.token);
    jw_kstr(&w, "token_type", "bearer");
    call_iso(&w, "created_at", t.created_at);
    jw_kint(&w, "expires_in", t.expires_in);
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

/* RFC 7009: the token in `token`, else the bearer token of the request; 200 either way. */
static status h_token_revoke(api_call *c)
{
    const char *token;
    status st = param(c, "token", &token);
    if (st) return st;
    if (!token) token = call_bearer(c->req->authorization);
    if ((st = call_open(c))) return st;
    if ((st = token_revoke(&c->cx, token))) return st;
    return reply_json(c, 200, json_pack("{s:b}", "revoked", 1));
}

/* ---- tickets ---- */

/* clang-format off */
#define P(field) {#field, offsetof(assist_in, field), PARAM_TEXT, 0, 0}
#define FLAG(field) {#field, offsetof(assist_in, field), PARAM_FLAG, 0, 0}
#define DATE(field) {#field, offsetof(assist_in, field), PARAM_DATE, 0, 0}
#define INT(field, lo, hi) {#field, offsetof(assist_in, field), PARAM_INT, lo, hi}
/* clang-format on */
static const param_spec create_params[] = {
    P(name),
    P(phone),
    P(email),
    P(language),
    P(type),
    P(subject),
    P(reference),
    P(description),
    P(group),
    P(agent),
    FLAG(send_invitation),
    P(agent_template),
    P(requestor_template),
    FLAG(invite_organizer),
    DATE(start_date),
    INT(duration, 0, LIMIT_CALL_MINUTES),
    INT(reminder, 0, LIMIT_CALL_MINUTES),
    P(firstname),
    P(company),
    P(gender),
    P(country),
    P(service_key),
    P(scopes),
};
#undef P
#undef FLAG
#undef DATE
#undef INT

static status ticket_answer(api_call *c, int http, const ticket_row *t, int64_t medias)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    ticket_w(&w, t, medias);
    return reply_jw(c, http, &w);
}

static status h_create(api_call *c)
{
    assist_in in = {0};
    ticket_row t;
    status st = params(c, &in, create_params, sizeof create_params / sizeof create_params[0]);
    if (!st) st = assist_create(&c->cx, &in, &t);
    return st ? st : ticket_answer(c, 201, &t, 0);
}

static status h_get(api_call *c)
{
    ticket_row t;
    int64_t medias;
    status st = assist_get(&c->cx, c->req->params[0], &t, &medias);
    return st ? st : ticket_answer(c, 200, &t, medias);
}

static status h_update(api_call *c)
{
    assist_patch in;
    status st = opt_param(c, "agent", &in.agent);
    if (!st) st = opt_param(c, "state", &in.state);
    if (!st) st = opt_param(c, "reference", &in.reference);
    if (!st) st = opt_param(c, "description", &in.description);
    if (!st) st = opt_param(c, "subject", &in.subject);
    if (!st) st = opt_param(c, "group", &in.group);
    if (!st) st = assist_update(&c->cx, c->req->params[0], &in);
    return st ? st : no_content(c);
}

static status h_delete(api_call *c)
{
    status st = assist_delete(&c->cx, c->req->params[0]);
    return st ? st : no_content(c);
}

/* clang-format off */
#define P(field) {#field, offsetof(assist_list_in, field), PARAM_TEXT, 0, 0}
#define DATE(field) {#field, offsetof(assist_list_in, field), PARAM_DATE, 0, 0}
#define INT(field, lo, hi) {#field, offsetof(assist_list_in, field), PARAM_INT, lo, hi}
/* clang-format on */
static const param_spec list_params[] = {
    INT(limit, 1, LIMIT_PAGE_SIZE),
    INT(offset, 0, INT32_MAX),
    DATE(since),
    DATE(until),
    DATE(started_after),
    DATE(ended_before),
    P(search),
    P(orderby),
    P(order),
    P(user),
    P(group),
    P(reference),
    P(type),
    P(requestor),
    P(service_key),
};
#undef P
#undef DATE
#undef INT

static status h_list(api_call *c)
{
    assist_list_in in = {0};
    ticket_row *rows;
    size_t n;
    int64_t total, *medias;
    status st = params(c, &in, list_params, sizeof list_params / sizeof list_params[0]);
    if (!st) st = assist_list(&c->cx, &in, &rows, &n, &total, &medias);
    if (st) return st;
    int64_t offset = in.offset.set ? in.offset.v : 0;
    jw w;
    envelope_begin(&w);
    for (size_t i = 0; i < n; i++)
        ticket_w(&w, &rows[i], medias[i]);
    return envelope_end(c, &w, total, offset, n);
}

/* ---- medias ---- */

/* clang-format off */
#define P(field) {#field, offsetof(media_list_in, field), PARAM_TEXT, 0, 0}
#define DATE(field) {#field, offsetof(media_list_in, field), PARAM_DATE, 0, 0}
#define INT(field, lo, hi) {#field, offsetof(media_list_in, field), PARAM_INT, lo, hi}
/* clang-format on */
static const param_spec media_params[] = {
    P(status),
    INT(offset, 0, INT32_MAX),
    INT(limit, 1, LIMIT_PAGE_SIZE),
    DATE(since),
    DATE(until),
    P(search),
    P(orderby),
    P(order),
    P(media_type),
    P(tag),
    P(user),
    P(group),
    P(source),
};
#undef P
#undef DATE
#undef INT

static status h_medias(api_call *c)
{
    media_list_in in = {0};
    media_row *rows;
    size_t n;
    int64_t total;
    status st = params(c, &in, media_params, sizeof media_params / sizeof media_params[0]);
    if (!st) st = media_list(&c->cx, c->req->params[0], &in, &rows, &n, &total);
    if (st) return st;
    int64_t offset = in.offset.set ? in.offset.v : 0;
    char uuid[UUID_STR_LEN + 1];
    (void)uuid_parse(c->req->params[0], uuid); /* media_list accepted it */
    jw w;
    envelope_begin(&w);
    for (size_t i = 0; i < n; i++)
        media_w(&w, c->req->a, &rows[i], uuid);
    return envelope_end(c, &w, total, offset, n);
}

/* multipart/form-data: `file`, optional `source`, `tag` (comma-separated) and `title`. */
static status h_media_upload(api_call *c)
{
    media_in in = {.file = c->req->form ? c->req->form->file : NULL};
    media_row m;
    status st = form_str(c, "source", &in.source);
    if (!st) st = form_str(c, "tag", &in.tag);
    if (!st) st = form_str(c, "title", &in.title);
    if (!st) st = media_create(&c->cx, c->req->params[0], &in, &m);
    if (st) return st;
    char uuid[UUID_STR_LEN + 1];
    (void)uuid_parse(c->req->params[0], uuid);
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    media_w(&w, c->req->a, &m, uuid);
    return reply_jw(c, 201, &w);
}

static status h_media_download(api_call *c)
{
    const char *filename;
    asset_blob b;
    status st = param(c, "filename", &filename);
    if (!st) st = media_zip(&c->cx, c->req->params[0], filename, &b);
    if (st) return st;
    return call_send_file(c, &b, "application/zip", false);
}

/* ---- events and export ---- */

/* The timeline under the names of Apizee's Ticket object (core/ticket.h's vocabulary; keys of
 * events stored before it are read too). */
static void apizee_names(arena *a, event_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rows[i].data = ticket_ev_data(a, rows[i].data, TICKET_NAMES_APIZEE);
}

static status h_events(api_call *c)
{
    opt_int limit, offset;
    event_row *rows;
    size_t n;
    int64_t total, lim, off;
    ticket_row t;
    status st = int_param(c, "limit", 1, 1000, &limit);
    if (!st) st = int_param(c, "offset", 0, INT32_MAX, &offset);
    if (!st) st = assist_paging(c->cx.d, limit, offset, 100, 1000, &lim, &off);
    if (!st) st = export_events(&c->cx, c->req->params[0], off, lim, &t, &rows, &n, &total);
    if (st) return st;
    apizee_names(c->req->a, rows, n);
    jw w;
    envelope_begin(&w);
    for (size_t i = 0; i < n; i++)
        event_w(&w, &rows[i], t.uuid);
    return envelope_end(c, &w, total, off, n);
}

static status h_export(api_call *c)
{
    const char *format, *timeline;
    status st = param(c, "format", &format);
    if (!st) st = param(c, "timeline", &timeline);
    if (st) return st;
    static const char *const formats[] = {"json", "csv", "pdf", NULL};
    if (format && (st = check_enum(&c->d, "format", format, formats))) return st;
    bool with_events = timeline && (!strcmp(timeline, "true") || !strcmp(timeline, "1"));
    if (timeline && !with_events && strcmp(timeline, "false") && strcmp(timeline, "0"))
        return diag_set(&c->d, ST_INVALID, "timeline", "must be true or false");
    export_data x;
    if ((st = export_load(&c->cx, c->req->params[0], with_events, &x))) return st;
    apizee_names(c->req->a, x.events, x.n_events);
    if (format && !strcmp(format, "pdf")) {
        asset_blob b;
        if ((st = export_pdf(&c->cx, &x, &b))) return st;
        return call_send_file(c, &b, "application/pdf", false);
    }
    jw w;
    if (format && !strcmp(format, "csv")) {
        char *csv;
        size_t len;
        if ((st = export_csv(&c->cx, &x, &csv, &len))) return st;
        c->resp->status = 200;
        c->resp->body = csv;
        c->resp->len = len;
        c->resp->content_type = "text/csv; charset=utf-8";
        return ST_OK;
    }
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    jw_key(&w, "ticket");
    ticket_w(&w, &x.ticket, (int64_t)x.n_medias);
    jw_key(&w, "medias");
    jw_arr(&w);
    for (size_t i = 0; i < x.n_medias; i++)
        media_w(&w, c->req->a, &x.medias[i], x.ticket.uuid);
    jw_end_arr(&w);
    if (with_events) {
        jw_key(&w, "events");
        jw_arr(&w);
        for (size_t i = 0; i < x.n_events; i++)
            event_w(&w, &x.events[i], x.ticket.uuid);
        jw_end_arr(&w);
    }
    jw_end_obj(&w);
    return reply_jw(c, 200, &w);
}

#define V         "/api/v3"
#define TICKET(o) .res = RES_TICKET, .op = o
static const api_route apizee_routes[] = {
    {"POST", V "/token", h_token, DIALECT_APIZEE, .public_ = true, .res = RES_PUBLIC},
    {"POST", V "/token/revoke", h_token_revoke, DIALECT_APIZEE, .public_ = true, .res = RES_PUBLIC},
    {"POST", V "/tickets", h_create, DIALECT_APIZEE, TICKET(OP_CREATE)},
    {"GET", V "/tickets", h_list, DIALECT_APIZEE, TICKET(OP_READ)},
    {"GET", V "/tickets/{id}", h_get, DIALECT_APIZEE, TICKET(OP_READ)},
    {"PATCH", V "/tickets/{id}", h_update, DIALECT_APIZEE, TICKET(OP_CHANGE)},
    {"PUT", V "/tickets/{id}", h_update, DIALECT_APIZEE, TICKET(OP_CHANGE)},
    {"DELETE", V "/tickets/{id}", h_delete, DIALECT_APIZEE, TICKET(OP_DELETE)},
    {"GET", V "/tickets/{id}/medias", h_medias, DIALECT_APIZEE, TICKET(OP_READ)},
    {"POST", V "/tickets/{id}/medias", h_media_upload, DIALECT_APIZEE, .upload = true,
     TICKET(OP_CHANGE)},
    {"GET", V "/tickets/{id}/medias/download", h_media_download, DIALECT_APIZEE, TICKET(OP_READ)},
    {"GET", V "/tickets/{id}/events", h_events, DIALECT_APIZEE, TICKET(OP_READ)},
    {"GET", V "/tickets/{id}/export", h_export, DIALECT_APIZEE, TICKET(OP_READ)},
};
#undef TICKET
const api_dialect apizee_dialect = {DIALECT_APIZEE, "/api/v3",
                                    apizee_routes,  sizeof apizee_routes / sizeof apizee_routes[0],
                                    apizee_error,   apizee_no_route};
