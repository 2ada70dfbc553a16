/* A growable byte buffer with a hard cap (after curl's dynbuf): appends past the cap fail with
 * ST_TOO_LARGE instead of growing without bound. The contents are always NUL-terminated.
 * Owner: whoever called buf_init; buf_release frees. Not thread-safe. */
#ifndef TICKETD_UTIL_BUF_H
#define TICKETD_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct {
    char *data; /* owned; NULL until the first append */
    size_t len, cap_alloc, max;
} buf;

void buf_init(buf *b, size_t max);
void buf_release(buf *b);
void buf_reset(buf *b); /* len = 0, keeps the memory */
status buf_append(buf *b, const void *p, size_t n) WUR;
status buf_puts(buf *b, const char *s) WUR;
status buf_printf(buf *b, const char *fmt, ...) WUR __attribute__((format(printf, 2, 3)));
char *buf_steal(buf *b); /* caller frees; the buf is empty afterwards */

#endif
