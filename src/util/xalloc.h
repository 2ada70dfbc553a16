/* Heap allocation that cannot fail, for the memory that outlives a request (connections,
 * statement caches, buffers; a request's own memory comes from its arena, util/arena.h). The
 * only module that calls malloc, calloc, realloc and strdup (scripts/check-layers.sh refuses
 * them anywhere else outside util/).
 *
 * Ownership: every pointer returned is the caller's, released with free(). None is ever NULL:
 * out of memory, or a size that does not fit in size_t, logs the caller's file:line and the
 * size asked for on stderr and aborts (a server that cannot allocate a few bytes has no sane
 * way on). A zero size is not an error: it returns a distinct pointer to at least one byte.
 * Thread-safe (as malloc is). */
#ifndef TICKETD_UTIL_XALLOC_H
#define TICKETD_UTIL_XALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Uninitialised memory for n bytes. */
#define xmalloc(n) xmalloc_at(__FILE__, __LINE__, (n))
/* Zeroed memory for n elements of size bytes; n * size overflowing size_t aborts. */
#define xcalloc(n, size) xcalloc_at(__FILE__, __LINE__, (n), (size))
/* p (NULL, or from this family) resized to n bytes, contents kept up to the smaller size; p is
 * consumed (do not use or free it afterwards, even when the result equals it). */
#define xrealloc(p, n) xrealloc_at(__FILE__, __LINE__, (p), (n))
/* A copy of the NUL-terminated s (s must not be NULL). */
#define xstrdup(s) xstrdup_at(__FILE__, __LINE__, (s))

void *xmalloc_at(const char *file, int line, size_t n) __attribute__((malloc, returns_nonnull));
void *xcalloc_at(const char *file, int line, size_t n, size_t size)
    __attribute__((malloc, returns_nonnull));
void *xrealloc_at(const char *file, int line, void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup_at(const char *file, int line, const char *s)
    __attribute__((malloc, returns_nonnull));

/* Bounds the C library's heap for a long-running server (util/limits.h LIMIT_MALLOC_*): few
 * arenas, large blocks mapped on their own and returned when freed. Call once, first in main,
 * before any thread starts. */
void xalloc_tune(void);

/* *out = n * size; false (and *out untouched) when the product overflows size_t. */
bool xalloc_mul(size_t n, size_t size, size_t *out);

/* Logs "out of memory at file:line (n bytes)" and aborts. SIZE_MAX for n: a size overflowed. */
_Noreturn void xalloc_die(const char *file, int line, size_t n);

#endif
