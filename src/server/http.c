/* libmicrohttpd glue; see http.h. A request's state (its arena, body buffer, start time) is
 * made on the first access-handler call, the body is gathered under the cap on the following
 * calls, the response is queued on the last call (keeping keep-alive), and everything is freed
 * in the completion callback (an answer never queued too), which also writes the log line. */
#include "server/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <limits.h>
#include <pthread.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api/api.h"
#include "server/router.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct req_state {
    arena *a;
    int64_t start_us;
    buf body;
    bool too_large;
    int status;
    const char *method;
    char *path;
    /* A write waiting for its group commit: the connection is suspended until ready. */
    struct MHD_Connection *conn;
    api_req req;
    api_resp resp;
    api_write write;
    bool pending;
    atomic_bool ready;
    /* An upload's file on the asset workers: the connection is suspended until processed. */
    bool processing;
    bool upload_ok;
    atomic_bool processed;
    /* Matched on the first call, so an upload can be streamed from its first byte. */
    const api_route *route;
    bool path_known;
    struct MHD_PostProcessor *pp; /* an upload route's multipart parser */
    bool upload_stopped;          /* the parser failed or the form refused a part */
    bool close;                   /* answered before the body: the connection cannot go on */
    struct stream_sub *sub;       /* a live stream's subscription (api_stream_*), or NULL */
};

static const http_config *cfg;
static char short_timeout; /* the con_cls of a request whose connection got the short timeout */
static atomic_int in_flight;

static void finish_log(struct req_state *r)
{
    if (!cfg->quiet)
        fprintf(stderr, "%s %.200s%s %d %lldus\n", r->method, r->path,
                strlen(r->path) > 200 ? "..." : "", r->status,
                (long long)(time_mono_us() - r->start_us));
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct req_state *r = *con_cls;
    if (!r || r == (void *)&short_timeout) return;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->status == 0) r->status = 499;
    finish_log(r);
    if (metrics_enabled())
        metrics_request(r->route ? (size_t)(r->route - api_routes) : api_route_count,
                        r->route ? (unsigned)r->route->dl : UINT_MAX, r->status,
                        time_mono_us() - r->start_us);
    if (r->pp) MHD_destroy_post_processor(r->pp);
    if (r->sub) {
        api_stream_end(r->sub);
        metrics_gauge_add(METRICS_STREAM_CLIENTS, -1);
    }
    /* An answer never handed to libmicrohttpd (the client left while its write was waiting
     * for the group commit) is still ours. */
    free(r->resp.body);
    if (r->resp.has_file) api_resp_drop_file(&r->resp);
    buf_release(&r->body);
    arena_free(r->a);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&in_flight, 1);
}

/* A decoded %00 is kept as these two bytes (the overlong NUL of Modified UTF-8, never valid
 * UTF-8 text), so a path or query value is never cut short at it and can be refused instead. */
#define NUL_MARK "\xC0\x80"

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* libmicrohttpd's percent-decoding of the path and of query names and values (in place; an
 * invalid escape stays as it is), except for what a %00 becomes: NUL_MARK. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    char *w = s;
    for (const char *p = s; *p;) {
        int hi, lo;
        if (p[0] == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
            if (hi || lo) {
                *w++ = (char)(hi * 16 + lo);
            } else {
                memcpy(w, NUL_MARK, 2);
                w += 2;
            }
            p += 3;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* s up to a decoded NUL, when it holds one; else NULL. */
static const char *cut_at_nul(arena *a, const char *s)
{
    const char *m = strstr(s, NUL_MARK);
    return m ? arena_strndup(a, s, (size_t)(m - s)) : NULL;
}

struct query_walk {
    api_req *req;
    size_t cap;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct query_walk *w = cls;
    /* Every parameter is kept (the connection pool already bounds how many can arrive), so
     * unknown ones never push a known one out. */
    if (w->req->n_query == w->cap) {
        api_kv *grown = ARENA_ARRAY(w->req->a, api_kv, w->cap * 2);
        memcpy(grown, w->req->query, w->cap * sizeof *grown);
        w->req->query = grown;
        w->cap *= 2;
    }
    api_kv *kv = &w->req->query[w->req->n_query++];
    kv->name = arena_strdup(w->req->a, key ? key : "");
    kv->value = value ? arena_strdup(w->req->a, value) : NULL;
    if (!w->req->nul_field) {
        const char *cut = cut_at_nul(w->req->a, kv->name);
        if (cut)
            w->req->nul_field = cut;
        else if (kv->value && strstr(kv->value, NUL_MARK))
            w->req->nul_field = kv->name;
    }
    return MHD_YES;
}

/* A live stream: its reader suspends the connection while nothing is queued (a reader that
 * returned 0 in internal polling mode would busy-loop), and the broadcaster resumes it. */
static void stream_suspend(void *ctx)
{
    MHD_suspend_connection(((struct req_state *)ctx)->conn);
}

static void stream_wake(void *ctx)
{
    MHD_resume_connection(((struct req_state *)ctx)->conn);
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct req_state *r = cls;
    ssize_t n = api_stream_read(r->sub, out, max, stream_suspend, r);
    return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static enum MHD_Result respond(struct MHD_Connection *conn, struct req_state *r, api_resp *resp)
{
    struct MHD_Response *m;
    if (resp->stream) {
        r->sub = resp->stream; /* ours from now on: ended in completed() */
        resp->stream = NULL;
        metrics_gauge_add(METRICS_STREAM_CLIENTS, 1);
        /* The block is allocated with the response and kept as long as the stream: small, as
         * events are (HTTP/1.1 sends them chunked from the connection's own write buffer). */
        m = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_reader, r, NULL);
    } else if (resp->has_file && resp->file_fd < 0) {
        /* Bytes in memory go out with the header in one write (no sendfile chunks, no cork
         * toggling); the hold is given back when libmicrohttpd is done with the response. */
        m = MHD_create_response_from_buffer_with_free_callback_cls(
            (size_t)resp->file_len, (void *)(resp->file_bytes + resp->file_off), resp->file_release,
            resp->file_hold);
        if (m)
            resp->has_file = false;
        else
            api_resp_drop_file(resp);
    } else if (resp->has_file) {
        /* libmicrohttpd sends it with sendfile and closes the fd with the response. */
        m = MHD_create_response_from_fd_at_offset64(resp->file_len, resp->file_fd, resp->file_off);
        if (!m) close(resp->file_fd);
        resp->has_file = false;
    } else {
        m = MHD_create_response_from_buffer(resp->len, resp->body ? resp->body : (char *)"",
                                            resp->body ? MHD_RESPMEM_MUST_FREE
                                                       : MHD_RESPMEM_PERSISTENT);
        if (!m) free(resp->body);
        resp->body = NULL; /* libmicrohttpd's now (or freed) */
    }
    if (!m) return MHD_NO;
    if (resp->content_type) MHD_add_response_header(m, "Content-Type", resp->content_type);
    if (r->close) MHD_add_response_header(m, MHD_HTTP_HEADER_CONNECTION, "close");
    for (size_t i = 0; i < resp->n_headers; i++)
        MHD_add_response_header(m, resp->headers[i].name, resp->headers[i].value);
    r->status = resp->status;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, m);
    MHD_destroy_response(m);
    if (r->sub && ret == MHD_YES) {
        /* A live stream needs nothing of its request any more (the subscription holds its own
         * copies): its arena goes now rather than with the connection, hours later. Thousands
         * of idle streams would each keep it. */
        r->method = "GET";
        r->path = "/ticketd/v1/stream";
        r->req = (api_req){0};
        arena_free(r->a);
        r->a = NULL;
    }
    return ret;
}

/* libmicrohttpd's multipart parser hands each piece of each part here. */
static enum MHD_Result form_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *content_type,
                                 const char *transfer_encoding, const char *data, uint64_t off,
                                 size_t size)
{
    struct req_state *r = cls;
    if (!api_upload_part(&r->req, key ? key : "", filename, data, off, size)) {
        r->upload_stopped = true;
        return MHD_NO;
    }
    return MHD_YES;
}

/* The client's address as text (arena), for the per-address rate limits; NULL if unknown. */
static const char *peer_text(struct MHD_Connection *conn, arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    char *out = arena_alloc(a, INET6_ADDRSTRLEN);
    if (sa && sa->sa_family == AF_INET &&
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, INET6_ADDRSTRLEN))
        return out;
    if (sa && sa->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, INET6_ADDRSTRLEN))
        return out;
    return NULL;
}

/* Called on the writer thread when a write's outcome is durable (or failed). */
static void write_ready(void *ctx)
{
    struct req_state *r = ctx;
    atomic_store(&r->ready, true);
    MHD_resume_connection(r->conn);
}

/* Called on an asset worker when an upload's file is processed. The write is queued from here,
 * not from the resumed connection: a client that hung up meanwhile never reaches the handler
 * again, and its upload is stored all the same (the connection stays suspended until then). */
static void upload_ready(void *ctx)
{
    struct req_state *r = ctx;
    r->upload_ok = api_upload_end(r->route, &r->req, &r->resp);
    if (r->upload_ok && api_route_writes(r->route)) {
        r->pending = true;
        api_submit_write(&r->write, r->route, &r->req, &r->resp, write_ready, r);
        return;
    }
    atomic_store(&r->processed, true);
    MHD_resume_connection(r->conn);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    struct req_state *r = *con_cls;
    if (r == (void *)&short_timeout) {
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
                                  (unsigned)LIMIT_CONN_TIMEOUT_S);
        r = NULL;
    }
    if (!r) {
        arena *a = arena_new(LIMIT_ARENA_BLOCK);
        r = xcalloc(1, sizeof *r); /* not in the arena: a live stream frees that early */
        r->a = a;
        r->start_us = time_mono_us();
        r->method = arena_strdup(a, method);
        r->path = arena_strdup(a, url);
        buf_init(&r->body, cfg->max_body);
        *con_cls = r;
        atomic_fetch_add(&in_flight, 1);
        api_req *req = &r->req;
        *req = (api_req){.method = r->method, .path = r->path, .a = r->a};
        req->authorization =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        req->idempotency_key =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
        req->cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
        if (req->cookie && strlen(req->cookie) > LIMIT_COOKIE_HEADER) req->cookie = NULL;
        req->origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
        req->host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
        req->peer = peer_text(conn, r->a);
        r->conn = conn;
        req->stream_wake = stream_wake;
        req->stream_ctx = r;
        if (strlen(url) <= LIMIT_PATH)
            r->route = router_match(api_routes, api_route_count, method, url, r->a, req->params,
                                    &req->n_params, &r->path_known);
        for (size_t i = 0; r->route && i < req->n_params && !req->nul_field; i++)
            if (strstr(req->params[i], NUL_MARK))
                req->nul_field = router_param_name(r->route->path, i, r->a);
        bool upload = r->route && r->route->upload;
        uint64_t cap = upload ? cfg->max_upload + LIMIT_FORM_OVERHEAD : cfg->max_body;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > cap) {
            /* Refused from the headers: queued now, the answer goes before any 100 Continue
             * and no byte of the body is read; the connection is closed after it rather than
             * drained of a body that may still be coming. */
            r->too_large = r->close = true;
            api_too_large(req, &r->resp, upload ? cfg->max_upload : cfg->max_body);
            return respond(conn, r, &r->resp);
        }
        if (upload) {
            api_upload_begin(r->route, req);
            /* The parser takes urlencoded forms too; an upload must be multipart. */
            const char *ct =
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
            if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
                r->pp = MHD_create_post_processor(conn, LIMIT_POST_BUFFER, form_part, r);
            if (!r->pp)
                api_upload_fail(req, "body", "must be multipart/form-data with a `file` part");
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (r->route && r->route->upload) {
            if (r->pp && !r->upload_stopped &&
                MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES) {
                r->upload_stopped = true;
                api_upload_fail(&r->req, "body", "is not well-formed multipart/form-data");
            }
        } else if (!r->too_large && buf_append(&r->body, upload_data, *upload_data_size)) {
            r->too_large = true;
        }
        *upload_data_size = 0; /* consumed (or dropped, once over the limit) */
        return MHD_YES;
    }
    if (r->pp) {
        /* The end of the body: a multipart body cut short fails here. */
        if (MHD_destroy_post_processor(r->pp) != MHD_YES && !r->upload_stopped)
            api_upload_fail(&r->req, "body", "is not well-formed multipart/form-data");
        r->pp = NULL;
    }
    if (r->pending) {
        /* Resumed: the group commit decided. (A spurious call before then just waits.) */
        if (!atomic_load(&r->ready)) return MHD_YES;
        api_finish_write(&r->write);
        return respond(conn, r, &r->resp);
    }
    if (r->processing) {
        /* Resumed by upload_ready: an error to answer, or a route that does not write (the
         * request was read in full before the connection was suspended). */
        if (!atomic_load(&r->processed)) return MHD_YES;
        if (r->upload_ok) api_invoke(r->route, &r->req, &r->resp);
        return respond(conn, r, &r->resp);
    }

    /* The request and its answer live in the request's state: a write outlives this call. */
    api_req *req = &r->req;
    api_resp *resp = &r->resp;
    const api_route *route = r->route;
    if (strlen(url) > LIMIT_PATH) {
        api_no_route(req, resp, false);
        return respond(conn, r, resp);
    }
    if (r->too_large) {
        api_too_large(req, resp, route && route->upload ? cfg->max_upload : cfg->max_body);
        return respond(conn, r, resp);
    }
    req->content_type =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    req->range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
    req->if_none_match =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    req->if_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
    req->if_range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE);
    req->last_event_id = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID");
    req->accept_encoding =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    req->body = r->body.data;
    req->body_len = r->body.len;
    req->query = ARENA_ARRAY(r->a, api_kv, LIMIT_QUERY_PARAMS);
    struct query_walk w = {req, LIMIT_QUERY_PARAMS};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &w);

    /* An upload's file is processed before its row is queued for the writer: on the asset
     * workers, so this thread serves its other connections meanwhile. */
    if (route && route->upload && api_upload_slow(req)) {
        r->processing = true;
        r->conn = conn;
        MHD_suspend_connection(conn);
        api_upload_queue(req, upload_ready, r);
        return MHD_YES;
    }
    if (route && route->upload && !api_upload_end(route, req, resp)) return respond(conn, r, resp);
    if (route && api_route_writes(route)) {
        /* Answered only after its transaction commits, without holding this thread. */
        r->pending = true;
        r->conn = conn;
        MHD_suspend_connection(conn);
        api_submit_write(&r->write, route, req, resp, write_ready, r);
        return MHD_YES;
    }
    if (route)
        api_invoke(route, req, resp);
    else
        api_no_route(req, resp, r->path_known);
    return respond(conn, r, resp);
}

/* Called with the raw request line's URI before libmicrohttpd parses its arguments. A query
 * with more parameters than the connection's memory pool can index makes libmicrohttpd 0.9.75
 * (epoll mode) give up on the request without closing the socket until the connection timeout;
 * such a connection gets a short timeout instead, so it is dropped within a second. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
    size_t params = 0;
    for (const char *p = strchr(uri, '?'); p && *p; p++)
        params += *p == '&' || *p == ';';
    if (params <= LIMIT_QUERY_PARAMS_MAX) return NULL;
    MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, 1u);
    return &short_timeout; /* handle() restores the timeout if the request was parsed after all */
}

/* HOST:PORT or [HOST]:PORT into a socket address. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss, bool *v6)
{
    char host[128];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s) return false;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') s++, hl -= 2;
    if (hl >= sizeof host) return false;
    memcpy(host, s, hl);
    host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) return false;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

/* The metrics listener: GET /metrics and nothing else (no API route is reachable here). */
static enum MHD_Result metrics_handle(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    if (!*con_cls) { /* the headers: answer once the (ignored) body is in */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    unsigned code = 200;
    size_t len;
    char *text;
    if (strcmp(url, "/metrics") != 0) {
        code = 404;
        text = xstrdup("not found: this listener answers GET /metrics only\n");
        len = strlen(text);
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        code = 405;
        text = xstrdup("method not allowed: GET /metrics\n");
        len = strlen(text);
    } else {
        text = api_metrics_text(&len);
    }
    struct MHD_Response *m = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!m) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(m, "Content-Type",
                            code == 200 ? "text/plain; version=0.0.4; charset=utf-8"
                                        : "text/plain; charset=utf-8");
    if (code == 405) MHD_add_response_header(m, "Allow", "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(conn, code, m);
    MHD_destroy_response(m);
    return ret;
}

static status metrics_start(const char *listen, struct MHD_Daemon **out, diag *d)
{
    struct sockaddr_storage addr;
    bool v6;
    if (!parse_listen(listen, &addr, &v6))
        return diag_set(d, ST_INVALID, "metrics-listen", "must be HOST:PORT, e.g. 127.0.0.1:9090");
    /* No LISTENING_ADDRESS_REUSE (SO_REUSEPORT): a second process on the same port fails here
     * instead of answering half of the scrapes. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (v6) flags |= MHD_USE_IPv6;
    struct MHD_Daemon *md = MHD_start_daemon(
        flags, 0, NULL, NULL, metrics_handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIMIT_CONN_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)LIMIT_METRICS_CONNECTIONS, MHD_OPTION_END);
    if (!md) return diag_set(d, ST_INTERNAL, "metrics-listen", "cannot listen on %s", listen);
    *out = md;
    return ST_OK;
}

/* The listening socket on addr (blocking: the acceptor thread waits in accept); -1 (and errno)
 * on failure, e.g. when any process listens on the port already. */
static int listen_socket(const struct sockaddr_storage *addr, bool v6)
{
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int on = 1;
    socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
        (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on)) ||
        bind(fd, (const struct sockaddr *)addr, len) || listen(fd, SOMAXCONN)) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* The acceptor: one thread takes every new connection and hands it to the daemon that has the
 * fewest. (One SO_REUSEPORT socket per daemon let the kernel pick by the addresses' hash: two
 * clients landed on one thread half of the time, one thread idle while the other served both
 * at half the rate and twice the latency; libmicrohttpd's own pool shares one socket, and the
 * thread that wakes first accepts every connection queued.) A connection stays on its daemon. */
static struct {
    int fd;
    struct MHD_Daemon **daemons;
    unsigned n;
    atomic_bool stop;
    pthread_t thread;
} acc = {.fd = -1};

/* Open connections per daemon: the acceptor adds one when libmicrohttpd takes a connection,
 * the daemon's close notification takes it away. (libmicrohttpd's own count moves only when
 * the daemon's thread has taken the connection in: two connections accepted back to back both
 * saw 0 and went to the same daemon.) */
static atomic_int open_conns[LIMIT_SERVER_THREADS];

static void conn_closed(void *cls, struct MHD_Connection *c, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    (void)c, (void)socket_context;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) atomic_fetch_sub((atomic_int *)cls, 1);
}

static unsigned least_busy(void)
{
    unsigned best = 0;
    for (unsigned i = 1; i < acc.n; i++)
        if (atomic_load(&open_conns[i]) < atomic_load(&open_conns[best])) best = i;
    return best;
}

static void *accept_loop(void *unused)
{
    (void)unused;
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        int fd = accept4(acc.fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            /* libmicrohttpd owns fd from here, and closes it when it cannot take it */
            unsigned i = least_busy();
            if (MHD_add_connection(acc.daemons[i], fd, (struct sockaddr *)&peer, len) == MHD_YES)
                atomic_fetch_add(&open_conns[i], 1);
            continue;
        }
        if (atomic_load(&acc.stop)) break;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            log_error("accept: %s", strerror(errno));
            usleep(10 * 1000); /* out of descriptors or memory: let connections close */
        } else if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO) {
            log_error("accept: %s; no new connections", strerror(errno));
            break;
        }
    }
    return NULL;
}

static void acceptor_stop(void)
{
    if (acc.fd < 0) return;
    atomic_store(&acc.stop, true);
    shutdown(acc.fd, SHUT_RDWR); /* wakes accept */
    pthread_join(acc.thread, NULL);
    close(acc.fd);
    acc.fd = -1;
}

/* Stops the daemons started so far. */
static void stop_all(struct MHD_Daemon **daemons, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (daemons[i]) MHD_stop_daemon(daemons[i]);
}

status http_serve(const http_config *config, diag *d)
{
    cfg = config;
    struct sockaddr_storage addr;
    bool v6;
    if (!parse_listen(cfg->listen, &addr, &v6))
        return diag_set(d, ST_INVALID, "listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
    unsigned threads = cfg->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    if (threads > LIMIT_SERVER_THREADS) threads = LIMIT_SERVER_THREADS;

    /* Worker threads inherit this mask: only the main thread takes the stop signals. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    int lfd = listen_socket(&addr, v6);
    if (lfd < 0)
        return diag_set(d, ST_INTERNAL, "listen", "cannot listen on %s: %s", cfg->listen,
                        strerror(errno));
    /* The metrics listener first: once the API answers, so does /metrics. */
    struct MHD_Daemon *metrics = NULL;
    if (cfg->metrics_listen) {
        status mst = metrics_start(cfg->metrics_listen, &metrics, d);
        if (mst) {
            close(lfd);
            return mst;
        }
    }
    /* One daemon per thread, each with its own epoll set, fed by the acceptor (above). A
     * suspended connection is resumed through its own daemon. */
    struct MHD_Daemon *daemons[LIMIT_SERVER_THREADS] = {0};
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (v6) flags |= MHD_USE_IPv6;
    unsigned per_daemon = (unsigned)LIMIT_CONNECTIONS / threads;
    for (unsigned i = 0; i < threads; i++) {
        daemons[i] = MHD_start_daemon(
            flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)LIMIT_CONN_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
            (size_t)LIMIT_CONN_MEMORY, MHD_OPTION_CONNECTION_LIMIT, per_daemon,
            MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, conn_closed,
            &open_conns[i], MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
            MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
        if (!daemons[i]) {
            int err = errno;
            stop_all(daemons, i);
            close(lfd);
            if (metrics) MHD_stop_daemon(metrics);
            return diag_set(d, ST_INTERNAL, "listen", "cannot serve on %s: %s", cfg->listen,
                            strerror(err));
        }
    }
    acc.fd = lfd;
    acc.daemons = daemons;
    acc.n = threads;
    atomic_store(&acc.stop, false);
    int perr = pthread_create(&acc.thread, NULL, accept_loop, NULL);
    if (perr) {
        acc.fd = -1;
        close(lfd);
        stop_all(daemons, threads);
        if (metrics) MHD_stop_daemon(metrics);
        return diag_set(d, ST_INTERNAL, "listen", "cannot start the acceptor: %s", strerror(perr));
    }
    pthread_setname_np(acc.thread, "accept");
    log_info("ticketd serving on http://%s with %u threads", cfg->listen, threads);
    if (metrics) log_info("ticketd metrics on http://%s/metrics", cfg->metrics_listen);

    int sig = 0;
    sigset_t wait_for;
    sigemptyset(&wait_for);
    sigaddset(&wait_for, SIGTERM);
    sigaddset(&wait_for, SIGINT);
    sigwait(&wait_for, &sig);
    log_info("ticketd: signal %d, finishing in-flight requests", sig);

    /* Stop accepting, let requests in progress complete, then stop. (The sockets are ours:
     * quiescing hands them back, closed after the daemons stop.) */
    acceptor_stop();
    api_stream_close_all(); /* stream connections end too (none may stay suspended) */
    for (int waited = 0; atomic_load(&in_flight) > 0 && waited < LIMIT_SHUTDOWN_WAIT_MS;
         waited += 5)
        usleep(5000);
    stop_all(daemons, threads);
    if (metrics) MHD_stop_daemon(metrics);
    log_info("ticketd: stopped");
    return ST_OK;
}
