/* Webhook deliveries: one JSON POST with the caller's headers to a URL whose host is resolved
 * once here and checked against the private ranges (DNS rebinding: a name that was public when
 * it was registered may resolve elsewhere now), then reached at exactly that address through
 * CURLOPT_RESOLVE, with no redirects. Keeps the answer's status, first bytes and the latency. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net/easy.h"
#include "util/limits.h"
#include "util/xalloc.h"

static bool v4_public(const unsigned char *a)
{
    if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224) return false;
    if (a[0] == 100 && (a[1] & 0xc0) == 64) return false; /* 100.64/10 */
    if (a[0] == 169 && a[1] == 254) return false;
    if (a[0] == 172 && (a[1] & 0xf0) == 16) return false;
    if (a[0] == 192 && a[1] == 168) return false;
    if (a[0] == 192 && a[1] == 0 && a[2] == 0) return false; /* IETF protocol assignments */
    return true;
}

static bool v6_public(const unsigned char *a)
{
    static const unsigned char zero[16] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(a, mapped, 12)) return v4_public(a + 12);
    if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1)) return false; /* :: and ::1 */
    if ((a[0] & 0xfe) == 0xfc) return false;                              /* fc00::/7 */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return false;              /* fe80::/10 */
    if (a[0] == 0xff) return false;                                       /* multicast */
    return true;
}

bool net_addr_public(const char *addr)
{
    unsigned char b[16];
    if (inet_pton(AF_INET, addr, b) == 1) return v4_public(b);
    if (inet_pton(AF_INET6, addr, b) == 1) return v6_public(b);
    return false;
}

/* The URL's scheme, host (brackets removed) and port; false when it is not http(s)://host… */
typedef struct {
    char *host; /* curl's: curl_free */
    long port;
} url_parts;

static bool url_split(const char *url, url_parts *out)
{
    memset(out, 0, sizeof *out);
    if (strlen(url) > LIMIT_WEBHOOK_URL) return false;
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) return false;
    CURLU *u = curl_url();
    if (!u) return false;
    char *port = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &out->host, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
    if (ok) {
        char *end;
        out->port = strtol(port, &end, 10);
        ok = *end == '\0' && out->port > 0 && out->port < 65536 && out->host[0];
    }
    curl_free(port);
    curl_url_cleanup(u);
    if (!ok) {
        curl_free(out->host);
        out->host = NULL;
        return false;
    }
    size_t n = strlen(out->host); /* [::1] -> ::1 */
    if (n >= 2 && out->host[0] == '[' && out->host[n - 1] == ']') {
        memmove(out->host, out->host + 1, n - 2);
        out->host[n - 2] = '\0';
    }
    return true;
}

/* Resolves host: every address must be public (unless allow_private); the first one is kept. */
static status resolve(const url_parts *u, bool allow_private, char addr[NET_ADDR_LEN], diag *d)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(u->host, NULL, &hints, &res);
    if (rc || !res) return diag_set(d, ST_INVALID, "url", "the host %s does not resolve", u->host);
    status st = ST_OK;
    addr[0] = '\0';
    for (struct addrinfo *p = res; p && !st; p = p->ai_next) {
        char text[NET_ADDR_LEN];
        const void *raw = p->ai_family == AF_INET
                              ? (const void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
                              : (const void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
        if (!inet_ntop(p->ai_family, raw, text, sizeof text)) continue;
        if (!allow_private && !net_addr_public(text))
            st = diag_set(d, ST_INVALID, "url",
                          "resolves to %s, a loopback, private or link-local address", text);
        else if (!addr[0])
            snprintf(addr, NET_ADDR_LEN, "%s", text);
    }
    freeaddrinfo(res);
    if (!st && !addr[0]) st = diag_set(d, ST_INVALID, "url", "the host %s has no address", u->host);
    return st;
}

status net_url_check(const char *url, bool allow_private, char *addr, diag *d)
{
    url_parts u;
    if (!url_split(url, &u))
        return diag_set(d, ST_INVALID, "url", "must be an http:// or https:// URL with a host");
    char a[NET_ADDR_LEN];
    status st = resolve(&u, allow_private, a, d);
    if (!st && addr) memcpy(addr, a, NET_ADDR_LEN);
    curl_free(u.host);
    return st;
}

/* Transfers run side by side on one multi handle, whose connection cache outlives a batch
 * (keep-alive per endpoint); a slow endpoint holds one slot, not the others. */
#define PARALLEL 16

struct net_client {
    CURLM *m;
    CURL *h[PARALLEL]; /* easy handles, reset and reused */
};

net_client *net_client_new(void)
{
    net_client *c = xcalloc(1, sizeof *c);
    c->m = curl_multi_init();
    BUG_ON(!c->m);
    curl_multi_setopt(c->m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)PARALLEL);
    for (size_t i = 0; i < PARALLEL; i++) {
        c->h[i] = curl_easy_init();
        BUG_ON(!c->h[i]);
    }
    return c;
}

void net_client_free(net_client *c)
{
    if (!c) return;
    for (size_t i = 0; i < PARALLEL; i++)
        curl_easy_cleanup(c->h[i]);
    curl_multi_cleanup(c->m);
    free(c);
}

typedef struct {
    char *p;
    size_t len;
} answer;

/* Keeps the answer's first LIMIT_WEBHOOK_ANSWER bytes and reads (then drops) the rest. */
static size_t keep(char *p, size_t size, size_t n, void *arg)
{
    answer *a = arg;
    size_t got = size * n, room = LIMIT_WEBHOOK_ANSWER - a->len;
    size_t take = got < room ? got : room;
    memcpy(a->p + a->len, p, take);
    a->len += take;
    return got;
}

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* One transfer of a batch, from its set-up to its result. */
typedef struct {
    const net_post *p;
    net_post_result *r;
    diag *d;
    status st;
    net_easy e;
    struct curl_slist *hdrs, *pin;
    url_parts u;
    answer a;
    int64_t t0;
    bool running;
} xfer;

/* Resolves, checks and sets up x on handle h; a failure is x->st (with x->d). */
static status xfer_setup(xfer *x, CURL *h)
{
    const net_post *p = x->p;
    x->t0 = mono_ms();
    if (!url_split(p->url, &x->u))
        return diag_set(x->d, ST_INVALID, "url", "must be an http:// or https:// URL with a host");
    char addr[NET_ADDR_LEN], line[LIMIT_WEBHOOK_URL + NET_ADDR_LEN + 16];
    status st = resolve(&x->u, p->allow_private, addr, x->d);
    if (st) return st;
    /* HOST:PORT:ADDRESS, the address in brackets when it is IPv6. */
    snprintf(line, sizeof line, strchr(addr, ':') ? "%s:%ld:[%s]" : "%s:%ld:%s", x->u.host,
             x->u.port, addr);
    long t = p->timeout_ms > 0 ? p->timeout_ms : LIMIT_WEBHOOK_TIMEOUT_MS;
    net_config cf = {.connect_timeout_ms = t, .timeout_ms = t, .cancel = p->cancel};
    if ((st = net_easy_init_on(&x->e, h, &cf, p->url, "http,https", x->d))) return st;
    x->pin = curl_slist_append(NULL, line);
    x->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; x->hdrs && i < p->n_headers; i++) {
        struct curl_slist *next = curl_slist_append(x->hdrs, p->headers[i]);
        if (!next) {
            curl_slist_free_all(x->hdrs);
            x->hdrs = NULL;
        } else {
            x->hdrs = next;
        }
    }
    x->a = (answer){x->r->answer, 0};
    CURL *e = x->e.h;
    CURLcode rc = x->hdrs && x->pin ? CURLE_OK : CURLE_OUT_OF_MEMORY;
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_RESOLVE, x->pin);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, p->body);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->len);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_WRITEDATA, &x->a);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_USERAGENT, "ticketd-webhooks");
    if (!rc) rc = curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)x);
    if (rc) return diag_set(x->d, ST_INTERNAL, "", "libcurl: %s", curl_easy_strerror(rc));
    return ST_OK;
}

/* Ends x: its result from curl's code rc, its latency, and what it held released. */
static void xfer_finish(xfer *x, CURLcode rc)
{
    if (!x->st && x->e.h) {
        x->r->answer[x->a.len] = '\0';
        curl_easy_getinfo(x->e.h, CURLINFO_RESPONSE_CODE, &x->r->code);
        if (rc == CURLE_ABORTED_BY_CALLBACK)
            x->st =
                diag_set(x->d, ST_INTERNAL, "", "webhook: stopped (the server is shutting down)");
        else if (rc)
            x->st = diag_set(x->d, ST_INTERNAL, "", "webhook: %s",
                             x->e.err[0] ? x->e.err : curl_easy_strerror(rc));
        else if (x->r->code < 200 || x->r->code > 299)
            x->st = diag_set(x->d, ST_INTERNAL, "", "the endpoint answered HTTP %ld", x->r->code);
    }
    x->r->latency_ms = mono_ms() - x->t0;
    curl_slist_free_all(x->hdrs);
    curl_slist_free_all(x->pin);
    x->hdrs = x->pin = NULL;
    net_easy_release(&x->e);
    curl_free(x->u.host);
    x->u.host = NULL;
}

void net_http_post_many(net_client *c, const net_post *posts, size_t n, net_post_result *results,
                        status *sts, diag *diags)
{
    xfer *xs = xcalloc(n ? n : 1, sizeof *xs);
    size_t next = 0, running = 0;
    bool free_slot[PARALLEL];
    for (size_t i = 0; i < PARALLEL; i++)
        free_slot[i] = true;
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        xs[i] = (xfer){.p = &posts[i], .r = &results[i], .d = &diags[i]};
    }
    for (;;) {
        /* Fill the free slots with the next transfers. */
        for (size_t k = 0; k < PARALLEL; k++) {
            while (free_slot[k] && next < n) { /* one that fails to start leaves it free */
                xfer *x = &xs[next++];
                x->st = xfer_setup(x, c->h[k]);
                if (!x->st && curl_multi_add_handle(c->m, x->e.h) != CURLM_OK)
                    x->st = diag_set(x->d, ST_INTERNAL, "", "libcurl cannot start the transfer");
                if (x->st) {
                    xfer_finish(x, CURLE_OK);
                    continue;
                }
                x->running = true;
                free_slot[k] = false;
                running++;
            }
        }
        if (!running) break;
        int still = 0;
        curl_multi_perform(c->m, &still);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(c->m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            xfer *x = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            curl_multi_remove_handle(c->m, msg->easy_handle);
            for (size_t k = 0; k < PARALLEL; k++)
                if (c->h[k] == msg->easy_handle) free_slot[k] = true;
            x->running = false;
            running--;
            xfer_finish(x, msg->data.result);
        }
        if (running) curl_multi_poll(c->m, NULL, 0, 100, NULL);
    }
    for (size_t i = 0; i < n; i++)
        sts[i] = xs[i].st;
    free(xs);
}

status net_http_post(const net_post *p, net_post_result *r, diag *d)
{
    net_client *c = p->client ? p->client : net_client_new();
    status st;
    net_http_post_many(c, p, 1, r, &st, d);
    if (!p->client) net_client_free(c);
    return st;
}
