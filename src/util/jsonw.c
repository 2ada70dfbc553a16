/* Streaming JSON writer; see jsonw.h. */
#include "util/jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw *w, size_t cap)
{
    buf_init(&w->b, cap);
    w->need_comma = false;
    w->err = ST_OK;
}

void jw_release(jw *w)
{
    buf_release(&w->b);
}

/* The writer appends a few bytes ~40 times per ticket (2,000 times for a page of 50): the room
 * check is inline and buf_append (which grows the buffer and checks the cap) is called only
 * when the bytes do not fit in what is allocated. The buffer stays NUL-terminated. */
static inline void put(jw *w, const char *s, size_t n)
{
    buf *b = &w->b;
    if (n < b->cap_alloc - b->len && n <= b->max - b->len) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else if (!w->err) {
        w->err = buf_append(b, s, n);
    }
}

static inline void put_c(jw *w, char ch)
{
    put(w, &ch, 1);
}

static inline void sep(jw *w)
{
    if (w->need_comma) put_c(w, ',');
    w->need_comma = true;
}

void jw_obj(jw *w)
{
    sep(w);
    put_c(w, '{');
    w->need_comma = false;
}

void jw_end_obj(jw *w)
{
    put_c(w, '}');
    w->need_comma = true;
}

void jw_arr(jw *w)
{
    sep(w);
    put_c(w, '[');
    w->need_comma = false;
}

void jw_end_arr(jw *w)
{
    put_c(w, ']');
    w->need_comma = true;
}

void jw_key(jw *w, const char *k)
{
    sep(w);
    put_c(w, '"');
    put(w, k, strlen(k));
    put(w, "\":", 2);
    w->need_comma = false;
}

void jw_str(jw *w, const char *s)
{
    sep(w);
    if (!s) {
        put(w, "null", 4);
        return;
    }
    if (w->err) return;
    /* Copy runs of characters that need no escape in one append. */
    const char *run = s;
    put_c(w, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\') continue;
        put(w, run, (size_t)((const char *)p - run));
        char esc[8];
        switch (*p) {
        case '"':
            put(w, "\\\"", 2);
            break;
        case '\\':
            put(w, "\\\\", 2);
            break;
        case '\n':
            put(w, "\\n", 2);
            break;
        case '\r':
            put(w, "\\r", 2);
            break;
        case '\t':
            put(w, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(w, esc, 6);
        }
        run = (const char *)p + 1;
    }
    put(w, run, strlen(run));
    put_c(w, '"');
}

void jw_int(jw *w, int64_t v)
{
    /* Digits from the end of tmp; the magnitude as unsigned so INT64_MIN has one. */
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    sep(w);
    put(w, p, (size_t)(tmp + sizeof tmp - p));
}

void jw_int_or_null(jw *w, int64_t v, int64_t null_value)
{
    if (v == null_value)
        jw_null(w);
    else
        jw_int(w, v);
}

void jw_bool(jw *w, bool v)
{
    sep(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(jw *w)
{
    sep(w);
    put(w, "null", 4);
}

void jw_kstr(jw *w, const char *k, const char *s)
{
    jw_key(w, k);
    jw_str(w, s);
}

void jw_kint(jw *w, const char *k, int64_t v)
{
    jw_key(w, k);
    jw_int(w, v);
}

void jw_kbool(jw *w, const char *k, bool v)
{
    jw_key(w, k);
    jw_bool(w, v);
}

status jw_finish(jw *w, char **out, size_t *len)
{
    if (w->err) {
        jw_release(w);
        return w->err;
    }
    *len = w->b.len;
    *out = buf_steal(&w->b);
    return ST_OK;
}

void jw_raw(jw *w, const char *json)
{
    if (!json) {
        jw_null(w);
        return;
    }
    sep(w);
    put(w, json, strlen(json));
}
