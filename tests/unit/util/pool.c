/* Tests of util/pool.c: every queued job runs once and pool_free drains the queue first; one
 * thread runs jobs in queue order; two threads run two jobs at the same time (each waits until
 * the other has started, with a give-up deadline, never a sleep); idle() runs on the pool's
 * threads once the queue is empty. */
#include "unit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "util/pool.h"

static atomic_int ran;

static void count(void *ctx)
{
    atomic_fetch_add(&ran, 1);
}

static void test_every_job_runs_once_and_free_drains(void **state)
{
    enum { N = 2000 };
    static pool_job jobs[N];
    pool *p = NULL;
    atomic_store(&ran, 0);
    assert_int_equal(pool_new(3, "test-pool", NULL, &p), ST_OK);
    for (int i = 0; i < N; i++) {
        jobs[i] = (pool_job){.run = count};
        pool_submit(p, &jobs[i]);
    }
    pool_free(p); /* runs what is queued, then joins */
    assert_int_equal(atomic_load(&ran), N);
    pool_free(NULL);
}

typedef struct {
    int *order;
    int *n;
    int me;
} step;

static void record(void *ctx)
{
    step *s = ctx;
    s->order[(*s->n)++] = s->me; /* one thread: no race */
}

static void test_one_thread_runs_in_queue_order(void **state)
{
    int order[64], n = 0;
    step steps[64];
    pool_job jobs[64];
    pool *p = NULL;
    assert_int_equal(pool_new(1, "test-pool", NULL, &p), ST_OK);
    for (int i = 0; i < 64; i++) {
        steps[i] = (step){order, &n, i};
        jobs[i] = (pool_job){.run = record, .ctx = &steps[i]};
        pool_submit(p, &jobs[i]);
    }
    pool_free(p);
    assert_int_equal(n, 64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(order[i], i);
}

/* Two jobs that each wait (up to 10 s) for the other to have started: both see the other only
 * when two threads run them at once. */
static pthread_mutex_t meet_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meet_cond = PTHREAD_COND_INITIALIZER;
static int started, met;

static void meet(void *ctx)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&meet_lock);
    started++;
    pthread_cond_broadcast(&meet_cond);
    while (started < 2)
        if (pthread_cond_timedwait(&meet_cond, &meet_lock, &until) != 0) break;
    if (started >= 2) met++;
    pthread_mutex_unlock(&meet_lock);
}

static void test_two_threads_run_two_jobs_at_once(void **state)
{
    pool *p = NULL;
    pool_job a = {.run = meet}, b = {.run = meet};
    started = met = 0;
    assert_int_equal(pool_new(2, "test-pool", NULL, &p), ST_OK);
    pool_submit(p, &a);
    pool_submit(p, &b);
    pool_free(p);
    assert_int_equal(met, 2);
}

static atomic_int idles;
static pthread_t main_thread;
static atomic_bool idle_on_main;

static void on_idle(void)
{
    atomic_fetch_add(&idles, 1);
    if (pthread_equal(pthread_self(), main_thread)) atomic_store(&idle_on_main, true);
}

static void test_idle_runs_on_the_workers_after_the_queue_empties(void **state)
{
    pool *p = NULL;
    pool_job j = {.run = count};
    main_thread = pthread_self();
    atomic_store(&idles, 0);
    atomic_store(&ran, 0);
    assert_int_equal(pool_new(2, "test-pool", on_idle, &p), ST_OK);
    pool_submit(p, &j);
    pool_free(p);
    assert_int_equal(atomic_load(&ran), 1);
    assert_int_equal(atomic_load(&idles), 1); /* after the one job, and never before any */
    assert_false(atomic_load(&idle_on_main));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_job_runs_once_and_free_drains),
        cmocka_unit_test(test_one_thread_runs_in_queue_order),
        cmocka_unit_test(test_two_threads_run_two_jobs_at_once),
        cmocka_unit_test(test_idle_runs_on_the_workers_after_the_queue_empties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
