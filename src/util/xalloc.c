/* The checked wrappers around the C library's allocator (see xalloc.h): the one place where
 * ticketd asks the heap for memory (arenas and buffers go through it too), so an allocation
 * failure is handled once, with the caller's file:line. */
#include "util/xalloc.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"

_Noreturn void xalloc_die(const char *file, int line, size_t n)
{
    if (n == SIZE_MAX)
        fprintf(stderr, "ticketd: out of memory at %s:%d (size overflows)\n", file, line);
    else
        fprintf(stderr, "ticketd: out of memory at %s:%d (%zu bytes)\n", file, line, n);
    abort();
}

void xalloc_tune(void)
{
    /* glibc makes up to 8 arenas per core, one per busy thread, and a thread's freed blocks
     * stay in its arena; a few shared arenas cost little contention on 2-8 cores. */
    mallopt(M_ARENA_MAX, LIMIT_MALLOC_ARENAS);
    mallopt(M_MMAP_THRESHOLD, LIMIT_MALLOC_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, LIMIT_MALLOC_TRIM_THRESHOLD);
}

bool xalloc_mul(size_t n, size_t size, size_t *out)
{
    size_t r;
    if (__builtin_mul_overflow(n, size, &r)) return false;
    *out = r;
    return true;
}

void *xmalloc_at(const char *file, int line, size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) xalloc_die(file, line, n);
    return p;
}

void *xcalloc_at(const char *file, int line, size_t n, size_t size)
{
    size_t total;
    if (!xalloc_mul(n, size, &total)) xalloc_die(file, line, SIZE_MAX);
    void *p = calloc(total ? n : 1, total ? size : 1);
    if (!p) xalloc_die(file, line, total);
    return p;
}

void *xrealloc_at(const char *file, int line, void *p, size_t n)
{
    /* realloc(p, 0) may free p and answer NULL: ask for one byte instead. */
    void *q = realloc(p, n ? n : 1);
    if (!q) xalloc_die(file, line, n);
    return q;
}

char *xstrdup_at(const char *file, int line, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc_at(file, line, n);
    memcpy(p, s, n);
    return p;
}
