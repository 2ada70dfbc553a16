/* The harnesses' shared support; see fuzz.h. The world is made through the same requests a
 * client sends, so a harness meets the rows the API tests meet. */
#include "fuzz.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob/blob.h"
#include "blob/media.h"
#include "core/asset.h"
#include "core/auth.h"
#include "core/notify.h"
#include "server/http.h"
#include "server/router.h"
#include "store/store.h"
#include "util/uuid.h"

char *fuzz_take(fuzz_in *in, arena *a, char sep, size_t *len_out)
{
    const uint8_t *s = in->p;
    while (in->p < in->end && *in->p != (uint8_t)sep)
        in->p++;
    size_t n = (size_t)(in->p - s);
    if (in->p < in->end) in->p++; /* the separator */
    if (len_out) *len_out = n;
    return arena_strndup(a, (const char *)s, n);
}

uint8_t fuzz_byte(fuzz_in *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

api_kv *fuzz_query(arena *a, const char *q, size_t *n_out)
{
    size_t cap = 1;
    for (const char *p = q; *p; p++)
        cap += *p == '&';
    api_kv *kv = ARENA_ARRAY(a, api_kv, cap);
    size_t n = 0;
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        kv[n].name = arena_strndup(a, q, eq ? (size_t)(eq - q) : len);
        kv[n].value = eq ? arena_strndup(a, eq + 1, len - (size_t)(eq - q) - 1) : NULL;
        n++;
        q += len;
        if (*q) q++;
    }
    *n_out = n;
    return kv;
}

/* ---- the world ---- */

static char data_dir[] = "/tmp/ticketd-fuzz-XXXXXX";
static store *st;
static blob_store *blobs;
static fuzz_world world;
static arena *world_arena;

static void cleanup(void)
{
    /* The store first: its writer thread must stop before the files go. */
    store_close(st);
    blob_store_free(blobs);
    arena_free(world_arena);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", data_dir);
}

static void die(const char *what, const diag *d)
{
    fprintf(stderr, "fuzz: %s: %s %s\n", what, d ? d->field : "", d ? d->msg : "");
    abort();
}

/* POSTs body to path and returns the string at json path a.b (arena), or dies. */
static const char *make(arena *a, const char *path, const char *query, const char *body,
                        const char *k1, const char *k2)
{
    api_resp r;
    fuzz_req fr = {.method = "POST",
                   .path = path,
                   .query = query,
                   .body = body,
                   .body_len = body ? strlen(body) : 0,
                   .content_type = "application/json"};
    int http = fuzz_request(&fr, a, &r);
    json_t *j = r.body ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    json_t *v = j ? json_object_get(j, k1) : NULL;
    if (v && k2) v = json_object_get(v, k2);
    if (http >= 300 || !json_is_string(v)) {
        fprintf(stderr, "fuzz: %s answered %d: %.*s\n", path, http, (int)r.len, r.body);
        abort();
    }
    const char *out = arena_strdup(a, json_string_value(v));
    json_decref(j);
    free(r.body);
    return out;
}

/* A 2x2 PNG. */
static const unsigned char png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd,
    0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
    0xcf, 0xc0, 0x00, 0x44, 0x0c, 0x10, 0x0a, 0x00, 0x1f, 0xee, 0x03, 0xfd, 0x8b, 0x5f, 0x14,
    0xd4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

const fuzz_world *fuzz_api_start(void)
{
    if (st) return &world;
    setenv("VIPS_WARNING", "0", 1);
    if (!mkdtemp(data_dir)) die("mkdtemp", NULL);
    diag d = {0};
    char path[256];
    snprintf(path, sizeof path, "%s/ticketd.db", data_dir);
    if (store_open(path, &st, &d)) die("store_open", &d);
    if (store_start_writer(st)) die("store_start_writer", NULL);
    if (blob_store_open(data_dir, &blobs, &d)) die("blob_store_open", &d);
    if (!blob_media_init("ticketd-fuzz")) die("blob_media_init", NULL);
    asset_config ac = {.blobs = blobs,
                       .public_url = "http://127.0.0.1:8080",
                       .max_upload = 1024 * 1024,
                       .max_pixels = LIMIT_IMAGE_PIXELS,
                       .url_ttl_s = LIMIT_FILE_URL_TTL_S};
    if (asset_init(&ac, st, &d)) die("asset_init", &d);
    /* As `serve` does: uploads over the socket are decoded on these, the connection suspended. */
    if (asset_workers_start(2, &d)) die("asset_workers_start", &d);
    notify_config nc = {.data_dir = data_dir, .public_url = "http://127.0.0.1:8080"};
    if (notify_init(&nc, &d)) die("notify_init", &d);
    api_config cfg = {.st = st, .max_body = LIMIT_BODY_DEFAULT, .max_upload = 1024 * 1024};
    api_init(&cfg);

    world_arena = arena_new(4096); /* the world's strings live as long as the process */
    arena *a = world_arena;
    ws_row w;
    char *key = arena_alloc(a, KEY_STR_LEN + 1);
    db *c = store_conn(st);
    if (workspace_create(c, "fuzz", a, &w, &d) || key_create(c, w.id, key, &d))
        die("workspace", &d);
    world.key = key;
    world.ws_uuid = arena_strdup(a, w.uuid);
    world.client = make(a, "/v2/agency/clients/create", NULL,
                        "{\"name\":\"John Doe\",\"email\":\"john@example.com\"}", "client", "id");
    world.teammate = make(a, "/v2/agency/teammates/create", NULL,
                          "{\"name\":\"Ann\",\"email\":\"ann@example.com\"}", "teammate", "id");
    world.category = make(a, "/v2/agency/ticket-categories/create", NULL,
                          "{\"title\":\"Billing\",\"language\":\"en\"}", "ticket_category", "id");
    char body[512];
    snprintf(body, sizeof body,
             "{\"client_id\":\"%s\",\"title\":\"Card declined\",\"description\":\"It "
             "fails\",\"category\":\"%s\"}",
             world.client, world.category);
    world.tamio_ticket = make(a, "/v2/agency/tickets/create", NULL, body, "ticket", "id");
    world.zaia_ticket = world.tamio_ticket; /* every ticket is a Zaia ticket too */
    world.apizee_ticket = make(a, "/api/v3/tickets",
                               "email=paul@example.com&name=Paul&subject=Boiler"
                               "&agent=ann@example.com&start_date=2030-01-01T15:00:00Z",
                               NULL, "id", NULL);
    fuzz_part parts[] = {
        {.key = "file", .filename = "shot.png", .data = (const char *)png, .size = sizeof png},
        {.key = "alt_text", .data = "The error", .size = 9}};
    api_resp r;
    if (fuzz_upload("/v2/agency/assets/upload", parts, 2, a, &r) >= 300) die("upload", NULL);
    json_t *j = r.body ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    json_t *id = json_object_get(json_object_get(j, "asset"), "id");
    if (!json_is_string(id)) die("upload's id", NULL);
    world.asset = arena_strdup(a, json_string_value(id));
    json_decref(j);
    free(r.body);
    world.asset_name = "shot.png";
    /* Registered after OpenSSL's own exit handler (its first use was above), so it runs first:
     * the writer thread stops, releasing its per-thread state, before OpenSSL cleans up. */
    atexit(cleanup);
    return &world;
}

/* ---- requests ---- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool ready;
} waiter;

static void ready(void *ctx)
{
    waiter *w = ctx;
    pthread_mutex_lock(&w->lock);
    w->ready = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void run_write(const api_route *route, api_req *req, api_resp *resp)
{
    api_write wr;
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
    api_submit_write(&wr, route, req, resp, ready, &w);
    pthread_mutex_lock(&w.lock);
    while (!w.ready)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    api_finish_write(&wr);
}

/* Every answer: a status a client can read, a body that is there when it says so. */
static int check_resp(api_resp *resp, api_resp *out)
{
    if (resp->status < 200 || resp->status > 599) {
        fprintf(stderr, "fuzz: answered with status %d\n", resp->status);
        abort();
    }
    if (resp->len && !resp->body) {
        fprintf(stderr, "fuzz: a body length without a body\n");
        abort();
    }
    api_resp_drop_file(resp);
    int http = resp->status;
    if (getenv("TICKETD_FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz: %d %.*s\n", http, (int)(resp->len < 300 ? resp->len : 300),
                resp->body ? resp->body : "");
    if (out)
        *out = *resp;
    else
        free(resp->body);
    return http;
}

int fuzz_request(const fuzz_req *fr, arena *a, api_resp *resp_out)
{
    if (resp_out) *resp_out = (api_resp){0};
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", world.key);
    api_req req = {.method = fr->method,
                   .path = fr->path,
                   .a = a,
                   .authorization = fr->authorization ? fr->authorization : auth,
                   .content_type = fr->content_type,
                   .range = fr->range,
                   .if_range = fr->if_range,
                   .accept_encoding = fr->accept_encoding,
                   .if_none_match = fr->if_none_match,
                   .body = fr->body,
                   .body_len = fr->body_len};
    bool known = false;
    api_resp resp = {0};
    const api_route *route = NULL;
    if (strlen(fr->path) <= LIMIT_PATH)
        route = router_match(api_routes, api_route_count, fr->method, fr->path, a, req.params,
                             &req.n_params, &known);
    req.query = fuzz_query(a, fr->query ? fr->query : "", &req.n_query);
    if (!route) {
        api_no_route(&req, &resp, known);
    } else if (route->upload) {
        /* An upload needs its parts; an upload route given a plain body is not multipart. */
        api_upload_begin(route, &req);
        api_upload_fail(&req, "body", "must be multipart/form-data with a `file` part");
        if (api_upload_end(route, &req, &resp)) run_write(route, &req, &resp);
    } else if (api_route_writes(route)) {
        run_write(route, &req, &resp);
    } else {
        api_invoke(route, &req, &resp);
    }
    return check_resp(&resp, resp_out);
}

int fuzz_upload(const char *path, const fuzz_part *parts, size_t n, arena *a, api_resp *resp_out)
{
    if (resp_out) *resp_out = (api_resp){0};
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", world.key);
    api_req req = {.method = "POST",
                   .path = path,
                   .a = a,
                   .authorization = auth,
                   .content_type = "multipart/form-data; boundary=x"};
    bool known = false;
    api_resp resp = {0};
    const api_route *route = router_match(api_routes, api_route_count, "POST", path, a, req.params,
                                          &req.n_params, &known);
    if (!route || !route->upload) {
        fprintf(stderr, "fuzz: %s is not an upload route\n", path);
        abort();
    }
    req.query = ARENA_ARRAY(a, api_kv, 1);
    api_upload_begin(route, &req);
    for (size_t i = 0; i < n; i++)
        if (!api_upload_part(&req, parts[i].key, parts[i].filename, parts[i].data, parts[i].off,
                             parts[i].size))
            break;
    if (api_upload_end(route, &req, &resp)) run_write(route, &req, &resp);
    return check_resp(&resp, resp_out);
}

/* ---- routes by template ---- */

/* Ids the harness's own creates answered, by the create's path (POST /api/v1/users ->
 * PATCH /api/v1/users/{id}), so updates meet a row of their kind; the latest wins. */
#define MADE_MAX 32
static struct {
    char path[96], id[UUID_STR_LEN + 1];
} made[MADE_MAX];

static void remember(const char *path, const api_resp *r)
{
    json_t *j = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
    json_t *id = json_object_get(j, "id");
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) if (!id) id = json_object_get(v, "id"); /* {"ticket":{"id"…}} */
    if (json_is_string(id) && strlen(json_string_value(id)) == UUID_STR_LEN &&
        strlen(path) < sizeof made[0].path) {
        size_t i = 0;
        while (i < MADE_MAX && made[i].path[0] && strcmp(made[i].path, path))
            i++;
        if (i < MADE_MAX) {
            snprintf(made[i].path, sizeof made[i].path, "%s", path);
            snprintf(made[i].id, sizeof made[i].id, "%s", json_string_value(id));
        }
    }
    json_decref(j);
}

/* The world's id for the capture `i` of route r's template. */
static const char *world_id(const api_route *r, size_t i)
{
    const char *brace = strstr(r->path, "/{");
    size_t best = 0;
    const char *id = NULL;
    for (size_t k = 0; brace && i == 0 && k < MADE_MAX && made[k].path[0]; k++) {
        size_t n = strlen(made[k].path);
        if (n > best && n == (size_t)(brace - r->path) && !strncmp(made[k].path, r->path, n))
            best = n, id = made[k].id;
    }
    if (id) return id;
    if (strstr(r->path, "/files/")) return i == 0 ? world.asset : world.asset_name;
    if (strstr(r->path, "categories")) return world.category;
    if (strstr(r->path, "teammates")) return world.teammate;
    if (strstr(r->path, "clients") || strstr(r->path, "contacts")) return world.client;
    if (strstr(r->path, "/api/v3/")) return world.apizee_ticket;
    return world.tamio_ticket;
}

int fuzz_route_request(const uint8_t *data, size_t size, bool (*keep)(const api_route *r),
                       const char *content_type)
{
    const api_route *kept[256];
    size_t n = 0;
    for (size_t i = 0; i < api_route_count && n < 256; i++)
        if (keep(&api_routes[i])) kept[n++] = &api_routes[i];
    if (!n) return 0;
    arena *a = arena_new(LIMIT_ARENA_BLOCK);
    fuzz_in in = {data, data + size};
    size_t len;
    const char *line = fuzz_take(&in, a, '\n', &len);
    const api_route *r = NULL;
    unsigned sum = 0;
    for (size_t i = 0; i < n && !r; i++) {
        size_t ml = strlen(kept[i]->method);
        if (!strncmp(line, kept[i]->method, ml) && line[ml] == ' ' &&
            !strcmp(line + ml + 1, kept[i]->path))
            r = kept[i];
    }
    const char *sp = strchr(line, ' ');
    if (!r && sp && strlen(sp + 1) <= LIMIT_PATH) { /* a concrete path, as a seed has it */
        char method[16];
        size_t ml = (size_t)(sp - line) < sizeof method ? (size_t)(sp - line) : sizeof method - 1;
        memcpy(method, line, ml);
        method[ml] = '\0';
        const char *params[LIMIT_PATH_PARAMS];
        size_t np;
        bool known;
        const api_route *m =
            router_match(api_routes, api_route_count, method, sp + 1, NULL, params, &np, &known);
        for (size_t i = 0; i < n && m && !r; i++)
            if (kept[i] == m) r = m;
    }
    for (size_t i = 0; i < len; i++)
        sum = sum * 31 + (unsigned char)line[i];
    if (!r) r = kept[sum % n];
    const char *query = fuzz_take(&in, a, '\n', NULL);
    size_t body_len = (size_t)(in.end - in.p);
    char *body = arena_strndup(a, (const char *)in.p, body_len);
    /* The concrete path: the template with the world's ids in its captures. */
    char path[LIMIT_PATH + 1];
    size_t pl = 0, k = 0;
    for (const char *t = r->path; *t && pl < LIMIT_PATH;) {
        if (*t == '{') {
            const char *id = world_id(r, k++);
            pl += (size_t)snprintf(path + pl, sizeof path - pl, "%s", id ? id : "x");
            t = strchr(t, '}') + 1;
        } else {
            path[pl++] = *t++;
        }
    }
    path[pl < LIMIT_PATH ? pl : LIMIT_PATH] = '\0';
    fuzz_req fr = {.method = r->method,
                   .path = path,
                   .query = query,
                   .content_type = content_type,
                   .body = body,
                   .body_len = body_len};
    api_resp resp;
    int http = fuzz_request(&fr, a, &resp);
    if (http < 300 && !strcmp(r->method, "POST") && !strchr(r->path, '{')) remember(r->path, &resp);
    free(resp.body);
    arena_free(a);
    return http;
}

/* ---- the real server ---- */

static char listen_addr[64];

static void *serve_thread(void *arg)
{
    http_config hc = {.listen = listen_addr,
                      .threads = 2,
                      .max_body = LIMIT_BODY_DEFAULT,
                      .max_upload = 1024 * 1024,
                      .quiet = true};
    diag d = {0};
    if (http_serve(&hc, &d)) die("http_serve", &d);
    return NULL;
}

static struct sockaddr_in server;

void fuzz_serve_start(void)
{
    if (server.sin_port) return;
    /* A free port: bound by the kernel, then released for the server to take. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) ||
        getsockname(s, (struct sockaddr *)&sa, &sl))
        die("a free port", NULL);
    close(s);
    snprintf(listen_addr, sizeof listen_addr, "127.0.0.1:%u", ntohs(sa.sin_port));
    pthread_t t;
    if (pthread_create(&t, NULL, serve_thread, NULL)) die("pthread_create", NULL);
    pthread_detach(t);
    server = sa;
    for (int i = 0; i < 500; i++) { /* until it listens */
        const char ping[] = "GET /healthz HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n";
        if (fuzz_http(ping, sizeof ping - 1) == 200) return;
        usleep(10000);
    }
    die("the server did not start", NULL);
}

int fuzz_http(const char *req, size_t len)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    int http = 0;
    if (connect(s, (struct sockaddr *)&server, sizeof server) == 0) {
        size_t sent = 0;
        while (sent < len) {
            ssize_t w = send(s, req + sent, len - sent, MSG_NOSIGNAL);
            if (w <= 0) break;
            sent += (size_t)w;
        }
        char chunk[4096];
        ssize_t got, total = 0;
        char head[16] = "";
        while ((got = recv(s, chunk, sizeof chunk, 0)) > 0) {
            if (total < 12)
                memcpy(head + total, chunk, (size_t)(12 - total < got ? 12 - total : got));
            total += got;
        }
        if (total >= 12 && !strncmp(head, "HTTP/1.1 ", 9))
            for (int i = 9; i < 12 && head[i] >= '0' && head[i] <= '9'; i++)
                http = http * 10 + (head[i] - '0');
    }
    close(s);
    return http;
}
