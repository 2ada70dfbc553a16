/* Tests of util/metrics.c: nothing counted before metrics_init, requests by route and status
 * (an unusual status as "other", an unmatched route as "none", label values escaped), the
 * latency histogram's cumulative buckets and sum, exact sums across threads (shards), the
 * batch histogram and gauges, and a render past its buffer's cap. One process: metrics_init
 * runs once, in the first test. */
#include "unit.h"

#include <pthread.h>
#include <string.h>

#include "util/metrics.h"
#include "util/xalloc.h"

static const metrics_route routes[] = {
    {"GET", "/v2/agency/tickets/list", 1},
    {"POST", "/odd/\"quoted\"\\path", 2},
};
static const char *const dialects[] = {"ops", "tamio", "zaia"};

static char *render(void)
{
    buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(metrics_render(&b), ST_OK);
    char *s = buf_steal(&b);
    return s ? s : xstrdup("");
}

static void has(const char *text, const char *line)
{
    if (!strstr(text, line)) fail_msg("missing line: %s\nin:\n%s", line, text);
}

static void test_off_then_on(void **state)
{
    metrics_request(0, 1, 200, 10);
    assert_false(metrics_enabled());
    char *t = render();
    assert_string_equal(t, "");
    free(t);
    metrics_init(routes, 2, dialects, 3);
    assert_true(metrics_enabled());
    t = render();
    assert_null(strstr(t, "ticketd_http_requests_total{"));
    has(t, "# TYPE ticketd_http_requests_total counter");
    free(t);
}

static void test_requests_by_route_and_status(void **state)
{
    for (int i = 0; i < 3; i++)
        metrics_request(0, 1, 200, 700);
    metrics_request(0, 1, 400, 700);
    metrics_request(0, 1, 418, 700); /* not a status the server answers: "other" */
    metrics_request(1, 2, 201, 3000);
    metrics_request(2, 99, 404, 5); /* no route, no dialect */
    char *t = render();
    has(t, "ticketd_http_requests_total{dialect=\"tamio\",method=\"GET\",route=\"/v2/agency/"
           "tickets/list\",status=\"200\"} 3\n");
    has(t, "route=\"/v2/agency/tickets/list\",status=\"400\"} 1\n");
    has(t, "route=\"/v2/agency/tickets/list\",status=\"other\"} 1\n");
    has(t,
        "{dialect=\"zaia\",method=\"POST\",route=\"/odd/\\\"quoted\\\"\\\\path\",status=\"201\"} "
        "1\n");
    has(t, "{dialect=\"none\",method=\"\",route=\"none\",status=\"404\"} 1\n");
    /* tamio: five requests of 700 us, all in the 1 ms bucket and above */
    has(t, "ticketd_http_request_duration_seconds_bucket{dialect=\"tamio\",le=\"0.0005\"} 0\n");
    has(t, "ticketd_http_request_duration_seconds_bucket{dialect=\"tamio\",le=\"0.001\"} 5\n");
    has(t, "ticketd_http_request_duration_seconds_bucket{dialect=\"tamio\",le=\"+Inf\"} 5\n");
    has(t, "ticketd_http_request_duration_seconds_sum{dialect=\"tamio\"} 0.003500\n");
    has(t, "ticketd_http_request_duration_seconds_count{dialect=\"tamio\"} 5\n");
    has(t, "ticketd_http_request_duration_seconds_bucket{dialect=\"zaia\",le=\"0.0025\"} 0\n");
    has(t, "ticketd_http_request_duration_seconds_bucket{dialect=\"zaia\",le=\"0.005\"} 1\n");
    assert_null(strstr(t, "dialect=\"ops\",le=")); /* a dialect without requests has no series */
    free(t);
}

#define PER_THREAD 100000
static void *count(void *arg)
{
    for (int i = 0; i < PER_THREAD; i++)
        metrics_request(1, 2, 204, 1);
    return NULL;
}

static void test_threads_sum_exactly(void **state)
{
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, count, NULL), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    char *t = render();
    has(t, "route=\"/odd/\\\"quoted\\\"\\\\path\",status=\"204\"} 400000\n");
    free(t);
}

static void test_batches_and_gauges(void **state)
{
    metrics_write_batch(1);
    metrics_write_batch(3);
    metrics_write_batch(300);
    metrics_gauge_add(METRICS_WRITE_QUEUE, 5);
    metrics_gauge_add(METRICS_WRITE_QUEUE, -2);
    metrics_store_error_count(METRICS_STORE_COMMIT_FAILED);
    char *t = render();
    has(t, "ticketd_store_write_batch_size_bucket{le=\"1\"} 1\n");
    has(t, "ticketd_store_write_batch_size_bucket{le=\"2\"} 1\n");
    has(t, "ticketd_store_write_batch_size_bucket{le=\"4\"} 2\n");
    has(t, "ticketd_store_write_batch_size_bucket{le=\"256\"} 2\n");
    has(t, "ticketd_store_write_batch_size_bucket{le=\"+Inf\"} 3\n");
    has(t, "ticketd_store_write_batch_size_sum 304\n");
    has(t, "ticketd_store_write_batch_size_count 3\n");
    has(t, "ticketd_store_write_queue_depth 3\n");
    has(t, "ticketd_store_errors_total{kind=\"commit\"} 1\n");
    has(t, "ticketd_store_errors_total{kind=\"open\"} 0\n");
    free(t);
}

static void test_render_past_cap(void **state)
{
    buf b;
    buf_init(&b, 64);
    assert_int_equal(metrics_render(&b), ST_TOO_LARGE);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off_then_on),
        cmocka_unit_test(test_requests_by_route_and_status),
        cmocka_unit_test(test_threads_sum_exactly),
        cmocka_unit_test(test_batches_and_gauges),
        cmocka_unit_test(test_render_past_cap),
    };
    return cmocka_run_group_tests_name("util/metrics", tests, NULL, NULL);
}
