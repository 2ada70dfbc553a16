/* UTF-8 and small-shape checks; see text.h. */
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <locale.h>
#include <pthread.h>
#include <wctype.h>
#include <stdio.h>
#include <string.h>

bool text_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + n;
    while (s < end) {
        unsigned c = *s;
        if (c < 0x80) {
            if (c == 0) return false; /* no NUL inside stored text */
            s++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf)
            len = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4, cp = c & 0x07;
        else
            return false;
        if ((size_t)(end - s) < len) return false;
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        s += len;
    }
    return true;
}

size_t text_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n;
}

bool text_is_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@')) return false;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p)) return false;
    return true;
}

bool text_is_language(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 16) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-') return false;
    return true;
}

bool text_is_country(const char *s)
{
    return strlen(s) == 2 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]) &&
           !(s[0] & 0x80) && !(s[1] & 0x80);
}

bool text_parse_int(const char *s, long long *out)
{
    if (!s || !*s || isspace((unsigned char)*s)) return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

size_t text_utf8_decode(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) return *cp = u[0], 1;
    size_t n = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : 2;
    unsigned v = u[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) return *cp = 0xFFFD, i; /* not valid: stop at the break */
        v = v << 6 | (u[i] & 0x3F);
    }
    *cp = v;
    return n;
}

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void open_utf8_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

bool text_is_alnum(unsigned cp)
{
    if (cp < 0x80) return isalnum((int)cp) != 0;
    pthread_once(&utf8_once, open_utf8_locale);
    /* Without the locale, count every non-ASCII character as a letter (the old behaviour). */
    return !utf8_locale || iswalnum_l((wint_t)cp, utf8_locale);
}

bool text_utf8_prefix_valid(const char *s, size_t n)
{
    if (text_utf8_valid(s, n)) return true;
    /* Else the tail must be the start of one sequence: a lead byte and fewer continuation
     * bytes than it announces. */
    const unsigned char *u = (const unsigned char *)s;
    size_t lead = n;
    while (lead > 0 && n - lead < 3 && (u[lead - 1] & 0xc0) == 0x80)
        lead--;
    if (lead == 0) return false;
    unsigned char b = u[--lead];
    size_t need = b >= 0xf0 && b <= 0xf4   ? 4
                  : b >= 0xe0 && b <= 0xef ? 3
                  : b >= 0xc2 && b <= 0xdf ? 2
                                           : 0;
    return need && n - lead < need && text_utf8_valid(s, lead);
}

char *text_url_encode(arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            snprintf(o, 4, "%%%02X", *p);
            o += 3;
        }
    }
    *o = '\0';
    return out;
}

uint64_t text_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull; /* the FNV offset basis */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}
