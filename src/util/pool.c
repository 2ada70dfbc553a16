/* Worker threads over one FIFO of intrusive jobs; see pool.h. Owns its threads and the queue's
 * lock; the jobs belong to their submitters. Used by core/asset.c for uploads' image work. */
#include "util/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pool_job *head, *tail;
    bool stopping;
    void (*idle)(void);
    unsigned n;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->wake, &p->lock);
        pool_job *j = p->head;
        if (!j) break; /* stopping, and the queue is drained */
        p->head = j->next;
        if (!p->head) p->tail = NULL;
        pthread_mutex_unlock(&p->lock);
        j->run(j->ctx); /* j may be gone after this */
        pthread_mutex_lock(&p->lock);
        if (!p->head && p->idle) {
            pthread_mutex_unlock(&p->lock);
            p->idle();
            pthread_mutex_lock(&p->lock);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void stop(pool *p, unsigned started)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < started; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}

status pool_new(unsigned threads, const char *name, void (*idle)(void), pool **out)
{
    BUG_ON(threads == 0);
    pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->idle = idle;
    p->threads = xcalloc(threads, sizeof *p->threads);
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
            stop(p, i);
            return ST_INTERNAL;
        }
        p->n++;
        char shown[16];
        snprintf(shown, sizeof shown, "%s", name);
        pthread_setname_np(p->threads[i], shown);
    }
    *out = p;
    return ST_OK;
}

void pool_submit(pool *p, pool_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&p->lock);
    BUG_ON(p->stopping);
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void pool_free(pool *p)
{
    if (p) stop(p, p->n);
}
