/* A per-request arena: many small allocations, one release. Created when a request arrives and
 * freed in one call when libmicrohttpd reports the request complete. A deferred-cleanup list on
 * it releases non-memory resources (json_decref, statement resets) at the same moment.
 * Not thread-safe: an arena belongs to one request on one thread. Allocation never fails (out of
 * memory aborts: there is no sensible recovery inside a request). */
#ifndef TICKETD_UTIL_ARENA_H
#define TICKETD_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(size_t first_block);
void arena_free(arena *a); /* runs the deferred cleanups (last registered first), frees all */

void *arena_alloc(arena *a, size_t n);  /* 16-byte aligned, uninitialised */
void *arena_zalloc(arena *a, size_t n); /* zeroed */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);

/* Returns an array with room for at least used + 1 elements: p itself while *cap allows, else
 * a copy twice as large (the old block stays in the arena until it is freed). */
void *arena_grow(arena *a, void *p, size_t *cap, size_t used, size_t elem);

/* fn(p) runs when the arena is freed. */
void arena_defer(arena *a, void (*fn)(void *), void *p);

size_t arena_used(const arena *a); /* bytes handed out, for tests and metrics */

#define ARENA_NEW(a, T)      ((T *)arena_zalloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_zalloc((a), sizeof(T) * (n)))

#endif
