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

#endif
