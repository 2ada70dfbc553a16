/* The outbox worker (outbox.h): one thread for every kind of queued message, the retry schedule
 * they share and their counters. The kinds (core/notify.c, core/webhook.c) own their rules,
 * their tables and their claims; this file owns the thread, its sleep and its wake-ups. Started
 * and stopped by main.c's serve. */
#include "core/outbox.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"

#define MAX_WAIT_MS    3600000LL /* the worker re-reads the queues at least hourly */
#define STORE_RETRY_MS 1000      /* after a store error, before looking again */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on CLOCK_MONOTONIC */
    bool running, kicked;
    atomic_bool stop;
    pthread_t thread;
    const outbox_kind *kinds[OUTBOX_KINDS];
    size_t n_kinds;
} worker = {.lock = PTHREAD_MUTEX_INITIALIZER};

static struct {
    atomic_uint_fast64_t attempts, delivered, failures, gave_up;
} counts[OUTBOX_KINDS];

void outbox_register(const outbox_kind *k)
{
    BUG_ON(worker.n_kinds >= OUTBOX_KINDS || worker.running);
    for (size_t i = 0; i < worker.n_kinds; i++)
        if (worker.kinds[i]->id == k->id) return;
    worker.kinds[worker.n_kinds++] = k;
}

int64_t outbox_backoff(int64_t base_ms, int64_t attempts, int64_t cap_ms, uint64_t rnd)
{
    if (base_ms <= 0) return 0;
    int64_t d = base_ms;
    for (int64_t i = 1; i < attempts && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms) d = cap_ms;
    if (!rnd) return d;
    int64_t half = d / 2;
    return d - half + (int64_t)(rnd % (uint64_t)(half + 1));
}

void outbox_count(outbox_kind_id kind, bool ok, bool gave_up)
{
    BUG_ON((unsigned)kind >= OUTBOX_KINDS);
    atomic_fetch_add(&counts[kind].attempts, 1);
    if (ok)
        atomic_fetch_add(&counts[kind].delivered, 1);
    else
        atomic_fetch_add(&counts[kind].failures, 1);
    if (gave_up) atomic_fetch_add(&counts[kind].gave_up, 1);
}

outbox_counts outbox_stats(outbox_kind_id kind)
{
    BUG_ON((unsigned)kind >= OUTBOX_KINDS);
    return (outbox_counts){atomic_load(&counts[kind].attempts),
                           atomic_load(&counts[kind].delivered),
                           atomic_load(&counts[kind].failures), atomic_load(&counts[kind].gave_up)};
}

status outbox_depth(store *st, outbox_kind_id kind, int64_t *out)
{
    *out = 0;
    BUG_ON((unsigned)kind >= OUTBOX_KINDS);
    db *c = store_conn(st);
    if (!c) return ST_UNAVAILABLE;
    return kind == OUTBOX_WEBHOOK ? store_webhook_depth(c, out) : store_notification_depth(c, out);
}

/* The earliest due time over every kind (NULL_INT: none); a store error shortens the sleep. */
static status next_due(store *st, int64_t *at)
{
    *at = NULL_INT;
    for (size_t i = 0; i < worker.n_kinds; i++) {
        int64_t t = NULL_INT;
        status s = worker.kinds[i]->next_due(st, &t);
        if (s) return s;
        if (t != NULL_INT && (*at == NULL_INT || t < *at)) *at = t;
    }
    return ST_OK;
}

static void *worker_main(void *arg)
{
    store *st = arg;
    for (;;) {
        pthread_mutex_lock(&worker.lock);
        worker.kicked = false; /* a wake from now on means: look again */
        pthread_mutex_unlock(&worker.lock);
        if (atomic_load(&worker.stop)) break;
        size_t handled = 0;
        status s = ST_OK;
        for (size_t i = 0; i < worker.n_kinds && !atomic_load(&worker.stop); i++) {
            size_t h = 0;
            status k = worker.kinds[i]->run_due(st, &worker.stop, &h);
            if (k) {
                log_error("outbox: %s: %s", worker.kinds[i]->name, status_name(k));
                s = k;
            }
            handled += h;
        }
        if (atomic_load(&worker.stop)) break;
        if (!s && handled) continue; /* a full batch may leave more due */
        int64_t at = NULL_INT;
        if (!s) s = next_due(st, &at);
        if (s) at = time_now_ms() + STORE_RETRY_MS;
        pthread_mutex_lock(&worker.lock);
        while (!worker.kicked && !atomic_load(&worker.stop)) {
            int64_t wait = at == NULL_INT ? MAX_WAIT_MS : at - time_now_ms();
            if (wait <= 0) break;
            if (wait > MAX_WAIT_MS) wait = MAX_WAIT_MS;
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_sec += (time_t)(wait / 1000);
            until.tv_nsec += (long)(wait % 1000) * 1000000L;
            if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
            if (pthread_cond_timedwait(&worker.wake, &worker.lock, &until) == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&worker.lock);
    }
    return NULL;
}

status outbox_start(store *st)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&worker.wake, &attr);
    pthread_condattr_destroy(&attr);
    atomic_store(&worker.stop, false);
    /* The thread takes no signals: SIGTERM and SIGINT are the main thread's (sigwait), and a
     * peer that hangs up must not kill the process with SIGPIPE. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&worker.thread, NULL, worker_main, st);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        pthread_cond_destroy(&worker.wake);
        return ST_INTERNAL;
    }
    pthread_mutex_lock(&worker.lock);
    worker.running = true;
    pthread_mutex_unlock(&worker.lock);
    log_info("outbox: worker started (%zu kinds)", worker.n_kinds);
    return ST_OK;
}

void outbox_wake(void)
{
    pthread_mutex_lock(&worker.lock);
    worker.kicked = true;
    if (worker.running) pthread_cond_signal(&worker.wake);
    pthread_mutex_unlock(&worker.lock);
}

void outbox_stop(void)
{
    if (!worker.running) return;
    pthread_mutex_lock(&worker.lock);
    atomic_store(&worker.stop, true);
    pthread_cond_signal(&worker.wake);
    pthread_mutex_unlock(&worker.lock);
    pthread_join(worker.thread, NULL);
    pthread_cond_destroy(&worker.wake);
    pthread_mutex_lock(&worker.lock);
    worker.running = false;
    worker.n_kinds = 0;
    pthread_mutex_unlock(&worker.lock);
}
