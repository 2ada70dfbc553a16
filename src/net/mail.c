/* Email: builds an RFC 5322 message from an addressed subject and body and hands it to an SMTP
 * server with libcurl. Owns the safety of the headers: addresses are checked
 * (net_address_ok), the subject loses its control characters and is written as RFC 2047
 * encoded words unless it is short printable ASCII, and the body travels base64-encoded, so
 * no byte a user typed can start a header, end the message or speak SMTP. */
#include <string.h>
#include <time.h>

#include "net/easy.h"
#include "util/limits.h"

#define WORD_BYTES                                                                                 \
    39 /* bytes per encoded word: 52 base64 chars, 64 with the wrapper, so                         \
        * "Subject: " and the first word fit in 78 */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends the base64 of p[0..n) (no line breaks). */
static status b64(buf *out, const unsigned char *p, size_t n)
{
    status st = ST_OK;
    for (size_t i = 0; !st && i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        char q[4] = {B64[(v >> 18) & 63], B64[(v >> 12) & 63], i + 1 < n ? B64[(v >> 6) & 63] : '=',
                     i + 2 < n ? B64[v & 63] : '='};
        st = buf_append(out, q, 4);
    }
    return st;
}

/* The subject with every control character (CR and LF above all) turned into a space. */
static status clean_subject(const char *s, buf *out)
{
    status st = ST_OK;
    for (const unsigned char *p = (const unsigned char *)s; !st && *p; p++) {
        char c = *p < ' ' || *p == 0x7f ? ' ' : (char)*p;
        st = buf_append(out, &c, 1);
    }
    return st;
}

/* "Subject: …\r\n": raw when it is short printable ASCII with nothing that reads as an encoded
 * word, else UTF-8 encoded words of whole characters, folded one per line. */
static status subject_header(buf *out, const char *subject)
{
    buf clean;
    buf_init(&clean, LIMIT_MAIL_MESSAGE);
    status st = clean_subject(subject ? subject : "", &clean);
    const char *s = clean.data ? clean.data : "";
    size_t n = clean.len;
    bool raw = n <= LIMIT_MAIL_SUBJECT_RAW && !strstr(s, "=?");
    for (size_t i = 0; raw && i < n; i++)
        if ((unsigned char)s[i] >= 0x7f) raw = false;
    if (!st) st = buf_puts(out, "Subject: ");
    if (!st && raw) st = buf_append(out, s, n);
    for (size_t i = 0; !st && !raw && i < n;) {
        size_t take = n - i < WORD_BYTES ? n - i : WORD_BYTES;
        /* never split a UTF-8 sequence: back off continuation bytes */
        while (take < n - i && take > 0 && ((unsigned char)s[i + take] & 0xc0) == 0x80)
            take--;
        if (!take) take = n - i < WORD_BYTES ? n - i : WORD_BYTES; /* not UTF-8: split anyway */
        st = buf_puts(out, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        if (!st) st = b64(out, (const unsigned char *)s + i, take);
        if (!st) st = buf_puts(out, "?=");
        i += take;
    }
    if (!st) st = buf_puts(out, "\r\n");
    buf_release(&clean);
    return st;
}

/* RFC 5322 date in UTC, with English names whatever the locale. */
static status date_header(buf *out, int64_t ms)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return ST_INTERNAL;
    return buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                      tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                      tm.tm_sec);
}

/* The body with CRLF line endings, base64 in lines of 76 characters. */
static status body_part(buf *out, const char *body)
{
    buf crlf;
    buf_init(&crlf, LIMIT_MAIL_MESSAGE);
    status st = ST_OK;
    for (const char *p = body ? body : ""; !st && *p; p++) {
        if (*p == '\r' && p[1] == '\n') continue; /* the LF writes the pair */
        st = *p == '\r' || *p == '\n' ? buf_append(&crlf, "\r\n", 2) : buf_append(&crlf, p, 1);
    }
    const unsigned char *b = (const unsigned char *)(crlf.data ? crlf.data : "");
    for (size_t i = 0; !st && i < crlf.len; i += 57) {
        st = b64(out, b + i, crlf.len - i < 57 ? crlf.len - i : 57);
        if (!st) st = buf_puts(out, "\r\n");
    }
    buf_release(&crlf);
    return st;
}

status net_mail_build(const net_mail *m, buf *out, diag *d)
{
    if (!net_address_ok(m->from))
        return diag_set(d, ST_INVALID, "from", "is not an address that can be sent safely");
    if (!net_address_ok(m->to))
        return diag_set(d, ST_INVALID, "to", "is not an address that can be sent safely");
    for (const char *p = m->id; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return diag_set(d, ST_INVALID, "id", "must be letters, digits and dashes");
    status st = buf_printf(out, "From: <%s>\r\nTo: <%s>\r\n", m->from, m->to);
    if (!st) st = subject_header(out, m->subject);
    if (!st) st = date_header(out, m->date_ms);
    if (!st)
        st = buf_printf(out, "Message-ID: <%s@%s>\r\n", m->id ? m->id : "",
                        strchr(m->from, '@') + 1);
    if (!st)
        st = buf_puts(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                           "Content-Transfer-Encoding: base64\r\n\r\n");
    if (!st) st = body_part(out, m->body);
    return st ? diag_set(d, st, "", "the message is too large") : ST_OK;
}

typedef struct {
    const char *p;
    size_t left;
} reader;

static size_t read_message(char *dst, size_t size, size_t nitems, void *arg)
{
    reader *r = arg;
    size_t n = size * nitems < r->left ? size * nitems : r->left;
    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

status net_mail_send(const net_config *cf, const net_mail *m, diag *d)
{
    buf msg;
    buf_init(&msg, LIMIT_MAIL_MESSAGE);
    net_easy e = {0};
    struct curl_slist *rcpt = NULL;
    char from[300], to[300];
    status st = net_mail_build(m, &msg, d);
    if (st) goto out;
    /* curl writes these into MAIL FROM / RCPT TO; net_address_ok kept CR, LF and <> out. */
    snprintf(from, sizeof from, "<%s>", m->from);
    snprintf(to, sizeof to, "<%s>", m->to);
    if ((st = net_easy_init(&e, cf, cf->smtp_url, "smtp,smtps", d))) goto out;
    rcpt = curl_slist_append(NULL, to);
    reader r = {.p = msg.data, .left = msg.len};
    CURLcode rc = rcpt ? CURLE_OK : CURLE_OUT_OF_MEMORY;
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_MAIL_FROM, from);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_MAIL_RCPT, rcpt);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_READFUNCTION, read_message);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_READDATA, &r);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_UPLOAD, 1L);
    if (!rc) rc = curl_easy_setopt(e.h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
    if (rc) {
        st = diag_set(d, ST_INTERNAL, "", "libcurl: %s", curl_easy_strerror(rc));
        goto out;
    }
    st = net_easy_perform(&e, "smtp", d);
out:
    curl_slist_free_all(rcpt);
    net_easy_release(&e);
    buf_release(&msg);
    return st;
}
