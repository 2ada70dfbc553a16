/* What a dialect handler works with: the request, the response, the core context, and the
 * shared helpers (call.c) that read JSON bodies, urlencoded forms, query strings and the
 * Authorization header with the documented checks (each failure names the field) and write JSON
 * answers. The helpers never call the dispatcher (api.h): the dispatcher fills an api_call
 * (its dialect, its store) and calls down into the dialects and these helpers. Internal to
 * src/api/. */
#ifndef TICKETD_API_CALL_H
#define TICKETD_API_CALL_H

#include <jansson.h>

#include "api/request.h"
#include "core/core.h"
#include "core/asset.h"
#include "util/jsonw.h"

/* An upload's form (routes with .upload): the one file part `file`, streamed to disk, and
 * the small text fields beside it. */
typedef struct {
    const char *name;
    char *v; /* arena, NUL-terminated */
    size_t len, cap;
} form_field;

struct api_form {
    asset_file *file; /* NULL until the `file` part begins */
    const char *filename;
    form_field fields[LIMIT_FORM_FIELDS];
    size_t n_fields;
    status st; /* the first failure (key, size, shape) and its diag */
    diag d;
    bool queued;            /* the file went to the asset workers (api_upload_queue) */
    asset_process_job proc; /* their outcome */
};

/* A dialect as the dispatcher sees it: declared by each dialect file (dialects.h), listed by
 * the dispatcher, which joins the route tables and hands the renderers to call_error and
 * api_no_route through api_call.dialect. */
typedef struct {
    dialect dl;
    const char *prefix; /* the paths it answers: prefix or prefix/...; NULL: every other path */
    const api_route *routes;
    size_t n_routes;
    /* Writes the error body for st (the diag says why); called through call_error. */
    void (*error)(api_call *c, status st);
    /* The 404 (or 405: a path that has other methods) of a path that matched no route. */
    void (*no_route)(api_call *c, bool method_not_allowed);
} api_dialect;

struct api_call {
    api_req *req;
    api_resp *resp;
    const api_route *route;     /* NULL when no route matched */
    const api_dialect *dialect; /* whose error shape call_error writes (NULL: the plain one) */
    store *st;                  /* the process's store, for call_open */
    core_ctx cx;
    diag d;
    json_t *body; /* parsed on demand by call_body; freed with the arena */
    api_kv *form; /* an urlencoded body, decoded on demand by a dialect (arena) */
    size_t n_form;
    bool form_read;
    const char *form_nul; /* the form field whose decoded name or value held a NUL, or NULL */
};

/* ---- bodies ---- */
/* The body as a JSON object ({} when empty). ST_INVALID naming `body` otherwise. */
status call_body(api_call *c, json_t **out) WUR;
/* A string member: absent (set false), null, or a string; another type is ST_INVALID. */
status in_str(api_call *c, json_t *obj, const char *key, opt_str *out) WUR;
/* A member that must be present and a string. */
status in_req_str(api_call *c, json_t *obj, const char *key, const char **out) WUR;
/* An array of strings, or null (treated as []), or absent. */
status in_strs(api_call *c, json_t *obj, const char *key, opt_strs *out) WUR;
/* A boolean member: absent (*out untouched, *set false) or true/false; another type is
 * ST_INVALID naming key. */
status in_bool(api_call *c, json_t *obj, const char *key, bool *set, bool *out) WUR;

/* An application/x-www-form-urlencoded body? */
bool call_is_form(const api_call *c);
/* Every value of name and name[] of an urlencoded body, joined with commas (kv_join), decoded
 * once per call into c->form: NULL when absent or when the body is no form. A NUL (%00) in any
 * field's name or value is ST_INVALID naming that field; a value that is not UTF-8, naming
 * name. */
status call_form_get(api_call *c, const char *name, const char **out) WUR;
/* Parses a request body: {} when empty, a JSON object, else ST_INVALID naming `body`. Released
 * with the request's arena. */
status call_parse_body(api_req *req, json_t **out, diag *d) WUR;

/* The key or token of an Authorization header: "Bearer <key>" or the raw key (NULL if h is). */
const char *call_bearer(const char *h);
/* The value of the first cookie called name in a Cookie header ("a=1; b=2"), in the arena;
 * NULL when there is none (or no header). */
const char *call_cookie(arena *a, const char *header, const char *name);

/* Whether an Accept-Encoding header (RFC 9110 12.5.3) takes the content coding `coding` (e.g.
 * "gzip", matched without regard to case; "x-gzip" counts as "gzip"): named with a q above 0,
 * or not named and `*` with a q above 0. NULL or empty: no coding but identity. An element
 * whose q is malformed counts as q=0. */
bool call_accepts_coding(const char *h, const char *coding);

/* A text field of an upload's form: absent (set false) or its value (UTF-8 checked). */
status form_str(api_call *c, const char *name, opt_str *out) WUR;

/* ---- query strings ---- */
/* The first value of name, or NULL. */
const char *q_get(api_call *c, const char *name);
/* Every value of name and of name[] in kv[0..n), in order, joined with commas: a list given as
 * repeated keys, the bracket form or a comma list reads the same. NULL when there is none. */
const char *kv_join(arena *a, const api_kv *kv, size_t n, const char *name);
/* page and per_page (both required when `required`), order asc|desc (default desc), sort_by
 * from `sorts` (default the first), from/to (ISO 8601 or unix seconds). */
typedef struct {
    const char *name;
    int sort;
} sort_opt;
status q_list(api_call *c, const char *page_key, const char *size_key, const sort_opt *sorts,
              size_t n_sorts, list_in *out) WUR;
/* Just the page number and size (defaults 1 and 10 when not required); newest first. */
status q_paging(api_call *c, const char *page_key, const char *size_key, bool required,
                list_in *out) WUR;
/* true|false; -1 when absent. */
status q_bool(api_call *c, const char *name, int *out) WUR;
/* A uuid-shaped value or NULL when absent. */
status q_uuid(api_call *c, const char *name, const char **out) WUR;

/* A multi-valued uuid filter: `key=a`, repeated keys, or `key=a,b` (also `key[]=…`), up to
 * LIMIT_PAGE_SIZE values, each shape-checked (lower-cased) into the arena. */
status q_uuids(api_call *c, const char *key, uuid_list *out) WUR;

/* ---- answers ---- */
/* For a public route: readies c->cx (this thread's connection, no key, no workspace). */
status call_open(api_call *c) WUR;
/* Adds a response header (name and value must outlive the response: literals or arena). */
void call_header(api_resp *r, const char *name, const char *value);
/* inline|attachment; filename="ASCII, others as _"; filename*=UTF-8''percent-encoded */
const char *call_disposition(arena *a, const char *filename, bool show);
/* Answers 200 with the open file b (the server sends it and closes the fd); mime NULL: b's. */
status call_send_file(api_call *c, const asset_blob *b, const char *mime, bool show) WUR;
/* "k": ISO 8601 UTC with milliseconds, or null for NULL_INT. */
void call_iso(jw *w, const char *k, int64_t ms);
/* The HTTP status a core status stands for where a dialect has no code of its own. */
int call_http_status(status st);
/* An asset's "width" and "height" (null unless an image we decode). */
void call_dims(jw *w, const asset_row *a);
/* "thumbnails": [{url, width, height}, …] of an asset (signed URLs). */
void call_thumbnails(jw *w, const asset_row *a);
/* Renders a failure in the shape of c->dialect (the plain one when NULL), after the defaults
 * every dialect shares: a message for 500 and 503, Retry-After for 429. */
void call_error(api_call *c, status st);
/* The plain shape of /healthz and /files: {"status": http, "error": "field message"}, and its
 * 404/405. */
void call_plain_error(api_call *c, status st);
void call_plain_no_route(api_call *c, bool method_not_allowed);
/* Serialises root (stolen) as the response body with the given HTTP status. */
status reply_json(api_call *c, int http_status, json_t *root);
/* Sends the writer's text (released either way) with the given HTTP status. */
status reply_jw(api_call *c, int http_status, jw *w);

/* ---- conditional requests ---- */
/* Calls fn for each entity tag of a header's comma list (with its quotes; weak ones with weak
 * set) until fn answers false. false when the list is malformed. */
bool call_each_etag(const char *h, bool (*fn)(void *arg, const char *tag, size_t n, bool weak),
                    void *arg);
/* Does an If-None-Match header (NULL: none) match etag: `*`, or etag in its list (weak
 * comparison, as RFC 9110 asks for this header)? */
bool call_none_match(const char *h, const char *etag);
/* Answers the embedded JSON document at path (util/embed.h; it must be embedded): its strong
 * ETag, an hour's public caching, 304 when If-None-Match names it. The OpenAPI documents. */
status call_embedded_doc(api_call *c, const char *path);

#endif
