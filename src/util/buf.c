/* Capped growable buffer; see buf.h. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void buf_init(buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap_alloc = 0;
    b->max = max;
}

void buf_release(buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static status grow(buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) return ST_TOO_LARGE;
    size_t need = b->len + extra + 1;
    if (need <= b->cap_alloc) return ST_OK;
    size_t c = b->cap_alloc ? b->cap_alloc : 256;
    while (c < need)
        c *= 2;
    b->data = xrealloc(b->data, c);
    b->cap_alloc = c;
    return ST_OK;
}

status buf_append(buf *b, const void *p, size_t n)
{
    status st = grow(b, n);
    if (st) return st;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ST_OK;
}

status buf_puts(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

status buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return ST_INTERNAL;
    status st = grow(b, (size_t)n);
    if (st) return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return ST_OK;
}

char *buf_steal(buf *b)
{
    char *p = b->data;
    if (!p) {
        p = xmalloc(1);
        p[0] = '\0';
    }
    buf_init(b, b->max);
    return p;
}
