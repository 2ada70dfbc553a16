/* The agent console (docs/CONSOLE.md): GET /app, /app/ and every /app/... path that is not a
 * file answer the console's index.html (the browser routes them), /app/assets/NAME the
 * content-hashed files it loads. Everything comes from the files embedded at build
 * (build/console/ as scripts/build-console.sh writes it, util/embed.h): nothing is read from
 * disk. Public, never rate-limited (like /healthz), the plain error shape; HEAD too. */
#include <string.h>

#include "api/dialects.h"
#include "util/embed.h"
#include "util/xalloc.h"

#define CONSOLE_DIR "build/console/"
#define ASSETS      "/app/assets/"

/* index.html's policy: its own scripts, styles and API only; no inline script or style. */
static const char csp[] = "default-src 'none'; script-src 'self'; connect-src 'self'; "
                          "img-src 'self' data: blob:; style-src 'self'; font-src 'self'; "
                          "manifest-src 'self'; base-uri 'none'; form-action 'self'; "
                          "frame-ancestors 'none'";

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

/* Answers the embedded file f: its .gz twin when the client takes gzip and the build made one
 * (every answer varies on Accept-Encoding), 304 when If-None-Match names what would be sent. */
static status send_embedded(api_call *c, const embed_file *f, bool index)
{
    api_resp *r = c->resp;
    const embed_file *gz = NULL;
    if (call_accepts_coding(c->req->accept_encoding, "gzip"))
        gz = embed_find(arena_printf(c->req->a, "%s.gz", f->path));
    const embed_file *sent = gz ? gz : f;
    const char *etag = embed_etag(sent);
    call_header(r, "Cache-Control", index ? "no-cache" : "public, max-age=31536000, immutable");
    call_header(r, "ETag", etag);
    call_header(r, "Vary", "Accept-Encoding");
    call_header(r, "X-Content-Type-Options", "nosniff");
    if (index) {
        call_header(r, "Content-Security-Policy", csp);
        call_header(r, "Referrer-Policy", "same-origin");
    }
    r->content_type = content_type(f->path);
    if (call_none_match(c->req->if_none_match, etag)) {
        r->status = 304;
        return ST_OK;
    }
    if (gz) call_header(r, "Content-Encoding", "gzip");
    r->status = 200;
    r->body = xmalloc(sent->len ? sent->len : 1);
    memcpy(r->body, sent->data, sent->len);
    r->len = sent->len;
    return ST_OK;
}

/* The console's page, for /app and every client-side route under it. */
static status h_index(api_call *c)
{
    /* A file the build did not make is not a page: a stale script URL must not get HTML. */
    if (strncmp(c->req->path, ASSETS, strlen(ASSETS)) == 0)
        return diag_set(&c->d, ST_NOT_FOUND, "", "no such file in the console");
    const embed_file *f = embed_find(CONSOLE_DIR "index.html");
    BUG_ON(!f); /* the Makefile embeds build/console/ */
    return send_embedded(c, f, true);
}

/* /app/assets/NAME: a content-hashed file (its name changes with its bytes: cached for good). */
static status h_asset(api_call *c)
{
    const char *name = c->req->params[0];
    size_t n = strlen(name);
    /* .gz twins are sent for Accept-Encoding, not by name. */
    const embed_file *f = n > 3 && strcmp(name + n - 3, ".gz") == 0
                              ? NULL
                              : embed_find(arena_printf(c->req->a, CONSOLE_DIR "assets/%s", name));
    if (!f) return diag_set(&c->d, ST_NOT_FOUND, "", "no such file in the console");
    return send_embedded(c, f, false);
}

/* The client-side routes go four segments deep (the router matches whole segments). */
static const api_route app_routes[] = {
    {"GET", "/app", h_index, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/app/", h_index, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", ASSETS "{name}", h_asset, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/app/{a}", h_index, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/app/{a}/{b}", h_index, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/app/{a}/{b}/{c}", h_index, DIALECT_OPS, true, .res = RES_PUBLIC},
    {"GET", "/app/{a}/{b}/{c}/{d}", h_index, DIALECT_OPS, true, .res = RES_PUBLIC},
};
const api_dialect app_dialect = {DIALECT_OPS,      "/app",
                                 app_routes,       sizeof app_routes / sizeof app_routes[0],
                                 call_plain_error, call_plain_no_route};
