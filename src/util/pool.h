/* A fixed set of worker threads running jobs in the order they were queued: work that would
 * otherwise hold the thread that received it (an upload's image work holds a server thread and
 * every other connection that thread serves). Jobs are intrusive: the caller embeds a pool_job
 * in memory that lives until the job has run, so queueing never allocates and the queue needs
 * no cap of its own (whoever queues bounds it: the server's connection limit for uploads).
 *
 * Thread safety: pool_submit from any thread; pool_free from one thread, once nothing more is
 * submitted. Each job runs on one of the pool's threads; after it, the pool calls idle() (when
 * set) on that thread if no job is waiting, to free what the thread keeps between jobs. */
#ifndef TICKETD_UTIL_POOL_H
#define TICKETD_UTIL_POOL_H

#include <stddef.h>

#include "util/status.h"

typedef struct pool_job {
    void (*run)(void *ctx);
    void *ctx;
    struct pool_job *next; /* the pool's */
} pool_job;

typedef struct pool pool;

/* Starts `threads` (>= 1) threads named `name` (at most 15 bytes shown, in top and perf);
 * idle may be NULL. *out is freed by pool_free. ST_INTERNAL when a thread cannot start (none
 * is left running). */
status pool_new(unsigned threads, const char *name, void (*idle)(void), pool **out) WUR;
/* Queues j (borrowed until run(ctx) returns; run and ctx set by the caller). */
void pool_submit(pool *p, pool_job *j);
/* Runs every job queued so far, then stops and joins the threads and frees p (NULL is fine). */
void pool_free(pool *p);

#endif
