/* Tests of net/mail.c's message building (no network): the headers an RFC 5322 message needs,
 * that user text cannot inject a header (CR/LF in a subject, addresses with CR, LF or angle
 * brackets refused), RFC 2047 encoding and folding of long or non-ASCII subjects on character
 * boundaries, and a base64 body with CRLF line endings. */
#include "unit.h"

#include "net/net.h"
#include "util/limits.h"
#include "util/text.h"

static const char *const LONG_SUBJECT =
    "Réparation de la chaudière — rendez-vous confirmé pour mardi matin, merci de prévoir "
    "l'accès au local technique et au compteur";

static char *build(const net_mail *m, status want)
{
    buf b;
    buf_init(&b, LIMIT_MAIL_MESSAGE);
    diag d = {0};
    assert_int_equal(net_mail_build(m, &b, &d), want);
    if (want) {
        assert_true(d.msg[0] != '\0');
        buf_release(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* Every line of the header block: CRLF-terminated, a known header or a folded continuation. */
static void assert_header_lines(const char *msg)
{
    static const char *const known[] = {
        "From: ",       "To: ",           "Subject: ",      "Date: ",
        "Message-ID: ", "MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: "};
    const char *end = strstr(msg, "\r\n\r\n");
    assert_non_null(end);
    for (const char *p = msg; p < end;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 78);
        bool ok = *p == ' ';
        for (size_t i = 0; !ok && i < sizeof known / sizeof known[0]; i++)
            ok = !strncmp(p, known[i], strlen(known[i]));
        if (!ok) fail_msg("unexpected header line: %.*s", (int)(eol - p), p);
        for (const char *q = p; q < eol; q++)
            assert_true(*q != '\r' && *q != '\n');
        p = eol + 2;
    }
}

static void test_headers(void **state)
{
    net_mail m = {.from = "ticketd@help.example",
                  .to = "paul@x.io",
                  .subject = "Your call",
                  .body = "Hello\nJoin: https://h/join/1\n.\n",
                  .id = "0f0e5c4a-1b2c-4d5e-8f90-123456789abc",
                  .date_ms = 1577890800000LL};
    char *msg = build(&m, ST_OK);
    assert_non_null(strstr(msg, "From: <ticketd@help.example>\r\n"));
    assert_non_null(strstr(msg, "To: <paul@x.io>\r\n"));
    assert_non_null(strstr(msg, "Subject: Your call\r\n"));
    assert_non_null(strstr(msg, "Date: Wed, 01 Jan 2020 15:00:00 +0000\r\n"));
    assert_non_null(
        strstr(msg, "Message-ID: <0f0e5c4a-1b2c-4d5e-8f90-123456789abc@help.example>\r\n"));
    assert_non_null(strstr(msg, "Content-Type: text/plain; charset=utf-8\r\n"));
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n\r\n"));
    /* "Hello\r\nJoin: https://h/join/1\r\n.\r\n" in base64: no bare "." line reaches SMTP */
    assert_non_null(strstr(msg, "\r\n\r\nSGVsbG8NCkpvaW46IGh0dHBzOi8vaC9qb2luLzENCi4NCg==\r\n"));
    assert_header_lines(msg);
    free(msg);
    (void)state;
}

static void test_no_header_injection(void **state)
{
    net_mail m = {.from = "ticketd@help.example",
                  .to = "paul@x.io",
                  .subject = "Hi\r\nBcc: evil@x.io\nX-Evil: 1",
                  .body = "b",
                  .id = "abc",
                  .date_ms = 0};
    char *msg = build(&m, ST_OK);
    assert_header_lines(msg);
    assert_null(strstr(msg, "\nBcc:"));
    assert_null(strstr(msg, "\nX-Evil"));
    assert_non_null(strstr(msg, "Subject: Hi  Bcc: evil@x.io X-Evil: 1\r\n"));
    free(msg);
    /* what looks like an encoded word is encoded itself */
    m.subject = "=?UTF-8?B?QmNjOg==?=";
    msg = build(&m, ST_OK);
    assert_null(strstr(msg, "Subject: =?UTF-8?B?QmNjOg==?=\r\n"));
    free(msg);
    static const char *const bad[] = {"a@b\r\nBcc: c@d", "<a@b>", "a b@c", "a@b>",
                                      "a@b,c@d",         "noat",  "a@b@c", "\"a\"@b",
                                      "é@x.io",          NULL};
    for (size_t i = 0; bad[i]; i++) {
        assert_false(net_address_ok(bad[i]));
        m.to = bad[i];
        build(&m, ST_INVALID);
    }
    m.to = "paul@x.io";
    m.from = "x@y\nz";
    build(&m, ST_INVALID);
    m.from = "ticketd@help.example";
    m.id = "x>\r\nBcc: a@b";
    build(&m, ST_INVALID);
    assert_true(net_address_ok("first.last+tag@sub.example.org"));
    (void)state;
}

static void test_encoded_subject(void **state)
{
    net_mail m = {
        .from = "t@h.example", .to = "p@x.io", .subject = LONG_SUBJECT, .body = "", .id = "a"};
    char *msg = build(&m, ST_OK);
    assert_header_lines(msg);
    /* decode the words back: the subject comes out whole, each word whole UTF-8 */
    const char *p = strstr(msg, "Subject: ") + 9;
    const char *end = strstr(p, "\r\nDate:");
    size_t words = 0;
    char joined[512] = "";
    while (p < end) {
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        const char *q = strstr(p, "?=");
        assert_non_null(q);
        static const char b64[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        unsigned bits = 0, nb = 0;
        char word[128];
        size_t wn = 0;
        for (const char *c = p + 10; c < q && *c != '='; c++) {
            bits = bits << 6 | (unsigned)(strchr(b64, *c) - b64);
            nb += 6;
            if (nb >= 8) word[wn++] = (char)(bits >> (nb - 8)), nb -= 8;
        }
        word[wn] = '\0';
        assert_true(text_utf8_valid(word, wn));
        strncat(joined, word, sizeof joined - strlen(joined) - 1);
        words++;
        p = q + 2;
        if (p < end) {
            assert_int_equal(strncmp(p, "\r\n ", 3), 0);
            p += 3;
        }
    }
    assert_true(words > 2);
    assert_string_equal(joined, LONG_SUBJECT);
    free(msg);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_no_header_injection),
        cmocka_unit_test(test_encoded_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
