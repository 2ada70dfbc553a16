/* Token buckets in a bounded, set-associative table; see rate.h. Owns the table's memory and
 * its secret. Called by core/ratelimit.c, which decides what is limited and how much. */
#include "util/rate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/status.h"

#define ID_LEN 16 /* bytes of the keyed hash that name a bucket */

typedef struct {
    unsigned char id[ID_LEN];
    int64_t tat; /* when the bucket is full again; 0 for a slot never used */
} slot;

typedef struct {
    pthread_mutex_t mu;
    slot slots[RATE_WAYS];
} set;

struct rate_table {
    int64_t interval; /* µs per request */
    int64_t limit;    /* how far ahead of now tat may run: n intervals */
    size_t n_sets;
    unsigned char secret[32];
    set *sets;
};

rate_table *rate_table_new(int64_t n, int64_t period_us, size_t cap)
{
    BUG_ON(n < 1 || period_us < 1 || cap < 1 || cap > LIMIT_RATE_BUCKETS);
    rate_table *t = calloc(1, sizeof *t);
    if (!t) bug_at(__FILE__, __LINE__, "out of memory");
    t->interval = period_us / n > 0 ? period_us / n : 1;
    t->limit = t->interval * n;
    t->n_sets = (cap + RATE_WAYS - 1) / RATE_WAYS;
    t->sets = calloc(t->n_sets, sizeof *t->sets);
    if (!t->sets) bug_at(__FILE__, __LINE__, "out of memory");
    for (size_t i = 0; i < t->n_sets; i++)
        pthread_mutex_init(&t->sets[i].mu, NULL);
    crypto_random(t->secret, sizeof t->secret);
    return t;
}

void rate_table_free(rate_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_sets; i++)
        pthread_mutex_destroy(&t->sets[i].mu);
    free(t->sets);
    free(t);
}

/* The key's set, locked, and its id. */
static set *lock_set(rate_table *t, const void *key, size_t len, unsigned char id[ID_LEN])
{
    unsigned char h[SHA256_LEN];
    crypto_hmac_sha256(t->secret, sizeof t->secret, key, len, h);
    memcpy(id, h, ID_LEN);
    uint64_t where;
    memcpy(&where, h + ID_LEN, sizeof where);
    set *s = &t->sets[where % t->n_sets];
    pthread_mutex_lock(&s->mu);
    return s;
}

static slot *find(set *s, const unsigned char id[ID_LEN])
{
    for (int i = 0; i < RATE_WAYS; i++)
        if (memcmp(s->slots[i].id, id, ID_LEN) == 0) return &s->slots[i];
    return NULL;
}

bool rate_take(rate_table *t, const void *key, size_t len, int64_t now_us, int64_t *retry_us)
{
    unsigned char id[ID_LEN];
    set *s = lock_set(t, key, len, id);
    slot *e = find(s, id);
    if (!e) {
        /* The slot that will be full soonest: a full one is the same as none. */
        e = &s->slots[0];
        for (int i = 1; i < RATE_WAYS; i++)
            if (s->slots[i].tat < e->tat) e = &s->slots[i];
        memcpy(e->id, id, ID_LEN);
        e->tat = 0;
    }
    int64_t tat = (e->tat > now_us ? e->tat : now_us) + t->interval;
    bool ok = tat - now_us <= t->limit;
    if (ok)
        e->tat = tat;
    else
        *retry_us = tat - now_us - t->limit;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

void rate_refund(rate_table *t, const void *key, size_t len, int64_t now_us)
{
    unsigned char id[ID_LEN];
    set *s = lock_set(t, key, len, id);
    slot *e = find(s, id);
    if (e && e->tat > now_us) e->tat -= t->interval;
    pthread_mutex_unlock(&s->mu);
}

size_t rate_table_slots(const rate_table *t)
{
    return t->n_sets * RATE_WAYS;
}

size_t rate_table_busy(rate_table *t, int64_t now_us)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_sets; i++) {
        pthread_mutex_lock(&t->sets[i].mu);
        for (int k = 0; k < RATE_WAYS; k++)
            n += t->sets[i].slots[k].tat > now_us;
        pthread_mutex_unlock(&t->sets[i].mu);
    }
    return n;
}
