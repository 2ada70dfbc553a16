/* Outbound delivery over the network: an email through an SMTP server and a text message
 * through an HTTP SMS gateway, both with libcurl. The only module that includes curl/curl.h;
 * it sits beside store/ and blob/ above util/ and knows nothing of tickets or rows: it takes
 * an addressed message and answers whether the far end accepted it.
 *
 * Errors: ST_INVALID when the message itself can never be sent safely (an address with
 * characters that could forge a header or an SMTP command): retrying cannot help. ST_INTERNAL
 * for everything the far end or the network said (refused, timed out, unreachable): a later
 * attempt may succeed. Either way d->msg says why, for the record.
 *
 * Thread safety: net_init once before any thread sends; then any thread may send, each call
 * on its own curl handle. A call blocks for at most the configured timeouts, and returns early
 * once *cancel becomes true. */
#ifndef TICKETD_NET_NET_H
#define TICKETD_NET_NET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/status.h"

typedef struct {
    const char *smtp_url; /* smtp://host:port (plain) or smtps://host:port; NULL: no email */
    const char *from;     /* envelope sender and From: address (net_address_ok) */
    const char *sms_url;  /* http(s):// URL that takes {"to","body"} as JSON; NULL: no SMS */
    long connect_timeout_ms, timeout_ms; /* 0: util/limits.h's LIMIT_NET_ */
    atomic_bool *cancel; /* borrowed, may be NULL: a transfer stops once it reads true */
} net_config;

/* Sets libcurl up for the process; call once before threads send. */
status net_init(void) WUR;
void net_cleanup(void);

/* An address that can go into an SMTP envelope and a header as it is: printable ASCII, one
 * '@' with text on both sides, none of the characters that delimit or quote addresses
 * (<>()[],;:\" and spaces), at most 254 bytes. */
bool net_address_ok(const char *addr);

typedef struct {
    const char *from, *to; /* net_address_ok */
    const char *subject;   /* UTF-8; CR, LF and other controls become spaces */
    const char *body;      /* UTF-8 text; any line ending becomes CRLF */
    const char *id;        /* unique per message (a notification's uuid): the Message-ID */
    int64_t date_ms;       /* the Date header */
} net_mail;

/* Writes the RFC 5322 message (headers From, To, Subject, Date, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding base64; then the body)
 * into out, which the caller initialised and releases. A Subject that is not short printable
 * ASCII is written as RFC 2047 encoded words, so no user text reaches a header raw. */
status net_mail_build(const net_mail *m, buf *out, diag *d) WUR;
/* Builds m and hands it to cf->smtp_url for m->to (m->from is the envelope sender). */
status net_mail_send(const net_config *cf, const net_mail *m, diag *d) WUR;
/* POSTs {"to":to,"body":body} to cf->sms_url; a 2xx answer is success. */
status net_sms_send(const net_config *cf, const char *to, const char *body, diag *d) WUR;

/* ---- webhooks: one signed JSON POST (net/http.c) ---- */
/* Whether every address url's host resolves to is public: not loopback, private (RFC 1918),
 * carrier-grade NAT, link-local, unique-local (fc00::/7), multicast or unspecified (an IPv4-
 * mapped IPv6 address is judged as its IPv4 address). ST_INVALID naming `url` (d) for a URL
 * that is not http(s)://host[:port]/…, a host that does not resolve, or one that resolves to
 * such an address unless allow_private. On success *addr (may be NULL) receives the numeric
 * address to connect to (INET6_ADDRSTRLEN bytes). Blocks for the DNS lookup. */
#define NET_ADDR_LEN 46
status net_url_check(const char *url, bool allow_private, char *addr, diag *d) WUR;
/* Whether a numeric IPv4 or IPv6 address is a public one (as above). */
bool net_addr_public(const char *addr);

/* A connection cache for net_http_post kept across calls by one thread (the outbox worker), so
 * consecutive deliveries to an endpoint reuse its keep-alive connection. */
typedef struct net_client net_client;
net_client *net_client_new(void); /* aborts when libcurl cannot make a handle */
void net_client_free(net_client *c);

typedef struct {
    net_client *client; /* NULL: a connection for this call only */
    const char *url;
    const char *body; /* JSON */
    size_t len;
    const char *const *headers; /* "Name: value", n_headers of them */
    size_t n_headers;
    bool allow_private;
    long timeout_ms;     /* 0: LIMIT_WEBHOOK_TIMEOUT_MS */
    atomic_bool *cancel; /* may be NULL */
} net_post;

typedef struct {
    long code;                             /* 0: no HTTP answer */
    int64_t latency_ms;                    /* from the start to the end of the transfer */
    char answer[LIMIT_WEBHOOK_ANSWER + 1]; /* the answer's first bytes (NUL-terminated) */
} net_post_result;

/* Resolves the URL's host once, refuses a non-public address unless allow_private (the check of
 * net_url_check, again at delivery: DNS may have changed since the registration), and POSTs
 * to exactly that address (CURLOPT_RESOLVE), no redirects. ST_OK when a 2xx came back; ST_INVALID
 * for a URL refused by the address check; ST_INTERNAL for any other failure (d says which),
 * with r filled as far as the transfer went. */
status net_http_post(const net_post *p, net_post_result *r, diag *d) WUR;
/* The same for n posts (their client ignored) side by side on c's connections, up to 16 at a
 * time: results[i], sts[i] and diags[i] are posts[i]'s. Returns once every one has ended; a
 * post whose cancel becomes true ends early (ST_INTERNAL). */
void net_http_post_many(net_client *c, const net_post *posts, size_t n, net_post_result *results,
                        status *sts, diag *diags);

#endif
