/* Tests of util/rate.c with the clock given by the test (no sleeping): a burst of n then
 * refusal with the exact wait, refill one interval at a time, refunds, keys kept apart, the
 * table's fixed bound under a flood of keys (and which bucket a flood evicts), and exact counts
 * when threads take from one bucket at once. */
#include "unit.h"

#include <pthread.h>

#include "util/rate.h"

#define S  1000000LL /* µs */
#define T0 (1000 * S)

static bool take(rate_table *t, const char *key, int64_t now, int64_t *retry)
{
    int64_t r = -1;
    bool ok = rate_take(t, key, strlen(key), now, &r);
    if (retry) *retry = r;
    return ok;
}

static void test_burst_then_refused_with_the_wait(void **state)
{
    rate_table *t = rate_table_new(3, 3 * S, 64);
    int64_t retry;
    for (int i = 0; i < 3; i++)
        assert_true(take(t, "k", T0, NULL));
    assert_false(take(t, "k", T0, &retry));
    assert_int_equal(retry, 1 * S); /* one request refills every period/n */
    /* A refusal takes nothing: the wait only shrinks with time. */
    assert_false(take(t, "k", T0 + S / 2, &retry));
    assert_int_equal(retry, S / 2);
    /* Another key has its own bucket. */
    assert_true(take(t, "other", T0, NULL));
    rate_table_free(t);
}

static void test_refill_one_interval_at_a_time(void **state)
{
    rate_table *t = rate_table_new(2, 10 * S, 64);
    int64_t retry;
    assert_true(take(t, "k", T0, NULL));
    assert_true(take(t, "k", T0, NULL));
    assert_false(take(t, "k", T0 + 5 * S - 1, &retry));
    assert_int_equal(retry, 1);
    assert_true(take(t, "k", T0 + 5 * S, NULL));
    assert_false(take(t, "k", T0 + 5 * S, &retry));
    assert_int_equal(retry, 5 * S);
    /* Idle for longer than the period: full again, never fuller than n. */
    int64_t later = T0 + 100 * S;
    assert_true(take(t, "k", later, NULL));
    assert_true(take(t, "k", later, NULL));
    assert_false(take(t, "k", later, NULL));
    rate_table_free(t);
}

static void test_refund(void **state)
{
    rate_table *t = rate_table_new(2, 3600 * S, 64);
    assert_true(take(t, "k", T0, NULL));
    rate_refund(t, "k", 1, T0);
    assert_true(take(t, "k", T0, NULL));
    assert_true(take(t, "k", T0, NULL));
    assert_false(take(t, "k", T0, NULL));
    /* A refund never makes a full bucket fuller, and an unknown key has nothing to refund. */
    rate_refund(t, "fresh", 5, T0);
    rate_refund(t, "fresh", 5, T0);
    assert_true(take(t, "fresh", T0, NULL));
    assert_true(take(t, "fresh", T0, NULL));
    assert_false(take(t, "fresh", T0, NULL));
    rate_table_free(t);
}

static void test_odd_periods(void **state)
{
    /* More requests than microseconds in the period: one per µs, n at once. */
    rate_table *t = rate_table_new(10, 5, 64);
    for (int i = 0; i < 10; i++)
        assert_true(take(t, "k", T0, NULL));
    assert_false(take(t, "k", T0, NULL));
    rate_table_free(t);
    /* A period n does not divide: the interval is rounded down, never more than n at once. */
    t = rate_table_new(3, 10, 64);
    for (int i = 0; i < 3; i++)
        assert_true(take(t, "k", T0, NULL));
    assert_false(take(t, "k", T0, NULL));
    assert_true(take(t, "k", T0 + 3, NULL));
    rate_table_free(t);
}

static void test_bounded_and_evicts_what_carries_least(void **state)
{
    rate_table *t = rate_table_new(10, 1000 * S, 64);
    assert_int_equal(rate_table_slots(t), 64);
    /* A key that used its whole budget owes the most. */
    for (int i = 0; i < 10; i++)
        assert_true(take(t, "heavy", T0, NULL));
    char key[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "flood-%d", i);
        assert_true(take(t, key, T0, NULL)); /* a new key always starts full */
    }
    assert_int_equal(rate_table_busy(t, T0), 64); /* never more than the slots */
    assert_false(take(t, "heavy", T0, NULL));     /* still remembered: still empty */
    /* Once every bucket has refilled the table is as good as empty. */
    assert_int_equal(rate_table_busy(t, T0 + 1000 * S), 0);
    rate_table_free(t);
    /* Rounded up to whole sets. */
    t = rate_table_new(1, 1, 1);
    assert_int_equal(rate_table_slots(t), RATE_WAYS);
    rate_table_free(t);
}

struct racer {
    rate_table *t;
    const char *key;
    int allowed;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    for (int i = 0; i < 1000; i++)
        r->allowed += take(r->t, r->key, T0, NULL);
    return NULL;
}

static void test_threads_take_exactly_n(void **state)
{
    rate_table *t = rate_table_new(100, 3600 * S, 1024);
    pthread_t th[4];
    struct racer r[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (struct racer){.t = t, .key = "shared"};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        total += r[i].allowed;
    }
    assert_int_equal(total, 100);
    rate_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refused_with_the_wait),
        cmocka_unit_test(test_refill_one_interval_at_a_time),
        cmocka_unit_test(test_refund),
        cmocka_unit_test(test_odd_periods),
        cmocka_unit_test(test_bounded_and_evicts_what_carries_least),
        cmocka_unit_test(test_threads_take_exactly_n),
    };
    return cmocka_run_group_tests_name("util/rate", tests, NULL, NULL);
}
