/* Bump allocator over a chain of blocks, plus a deferred-cleanup list; see arena.h. Its blocks
 * come from util/xalloc.h, so running out of memory aborts there. */
#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/status.h"
#include "util/xalloc.h"

struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *p;
};

struct arena {
    struct block *head;
    struct cleanup *cleanups;
    size_t block_size, total;
};

static struct block *block_new(size_t size)
{
    struct block *b = xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *arena_new(size_t first_block)
{
    arena *a = xmalloc(sizeof *a);
    a->block_size = first_block ? first_block : 4096;
    a->head = block_new(a->block_size);
    a->cleanups = NULL;
    a->total = 0;
    return a;
}

void arena_free(arena *a)
{
    if (!a) return;
    for (struct cleanup *c = a->cleanups; c; c = c->next)
        c->fn(c->p);
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc(arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) bug_at(__FILE__, __LINE__, "arena size overflow");
    struct block *b = a->head;
    if (b->size - b->used < need) {
        /* Blocks double up to 1 MiB; a bigger single allocation gets a block of its own. */
        if (a->block_size < (1u << 20)) a->block_size *= 2;
        b = block_new(need > a->block_size ? need : a->block_size);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += n;
    return p;
}

void *arena_zalloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) bug_at(__FILE__, __LINE__, "bad format");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(arena *a, void *p, size_t *cap, size_t used, size_t elem)
{
    if (used < *cap) return p;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *q = arena_zalloc(a, ncap * elem);
    if (used) memcpy(q, p, used * elem);
    *cap = ncap;
    return q;
}

void arena_defer(arena *a, void (*fn)(void *), void *p)
{
    struct cleanup *c = arena_alloc(a, sizeof *c);
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
}

size_t arena_used(const arena *a)
{
    return a->total;
}
