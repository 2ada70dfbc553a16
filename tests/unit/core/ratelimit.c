/* Tests of core/ratelimit.c: which requests share a bucket (a key, a teammate, an address, a
 * login in any case, an IPv6 /64, an IPv4-mapped address and its IPv4 form), the status and
 * retry time over a limit, the login budget spent only by failures, and no limits before
 * ratelimit_init. Rules allow a few requests per hour, so the real clock cannot refill a
 * bucket during a test. */
#include "unit.h"

#include "core/ratelimit.h"

static void teardown_rules(void)
{
    ratelimit_release();
}

static void init_rules(int64_t key, int64_t address, int64_t login)
{
    ratelimit_init(&(ratelimit_config){
        .key = {key, 3600}, .address = {address, 3600}, .login = {login, 3600}});
}

static core_ctx actor(actor_type t, const char *uuid, diag *d)
{
    core_ctx cx = {.actor = t, .d = d};
    snprintf(cx.actor_id, sizeof cx.actor_id, "%s", uuid);
    return cx;
}

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"

static void test_nothing_limited_without_init(void **state)
{
    diag d = {0};
    core_ctx cx = actor(ACTOR_KEY, U1, &d);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(ratelimit_actor(&cx), ST_OK);
        assert_int_equal(ratelimit_address("127.0.0.1", &d), ST_OK);
        assert_int_equal(ratelimit_login_take("ann@example.com", &d), ST_OK);
    }
}

static void test_keys_and_teammates(void **state)
{
    init_rules(2, 0, 0);
    diag d = {0};
    core_ctx key = actor(ACTOR_KEY, U1, &d);
    core_ctx user = actor(ACTOR_USER, U1, &d); /* the same uuid text, another kind */
    core_ctx other = actor(ACTOR_KEY, U2, &d);
    assert_int_equal(ratelimit_actor(&key), ST_OK);
    assert_int_equal(ratelimit_actor(&key), ST_OK);
    assert_int_equal(ratelimit_actor(&key), ST_RATE_LIMITED);
    assert_true(d.retry_after_s >= 1799 && d.retry_after_s <= 1800);
    assert_non_null(strstr(d.msg, "this key"));
    assert_non_null(strstr(d.msg, "at most 2 per 3600 s"));
    assert_int_equal(ratelimit_actor(&user), ST_OK);
    assert_int_equal(ratelimit_actor(&user), ST_OK);
    assert_int_equal(ratelimit_actor(&user), ST_RATE_LIMITED);
    assert_non_null(strstr(d.msg, "this teammate"));
    assert_int_equal(ratelimit_actor(&other), ST_OK);
    /* No address or login rule: those are not limited. */
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_address("127.0.0.1", &d), ST_OK);
    teardown_rules();
}

static void test_addresses(void **state)
{
    init_rules(0, 1, 0);
    diag d = {0};
    assert_int_equal(ratelimit_address("192.0.2.1", &d), ST_OK);
    assert_int_equal(ratelimit_address("192.0.2.1", &d), ST_RATE_LIMITED);
    assert_true(d.retry_after_s >= 3599 && d.retry_after_s <= 3600);
    assert_non_null(strstr(d.msg, "this address"));
    assert_int_equal(ratelimit_address("::ffff:192.0.2.1", &d), ST_RATE_LIMITED);
    assert_int_equal(ratelimit_address("192.0.2.2", &d), ST_OK);
    /* One /64 is one bucket; the next /64 is another. */
    assert_int_equal(ratelimit_address("2001:db8:0:1::1", &d), ST_OK);
    assert_int_equal(ratelimit_address("2001:db8:0:1:ffff::2", &d), ST_RATE_LIMITED);
    assert_int_equal(ratelimit_address("2001:db8:0:2::1", &d), ST_OK);
    /* Unknown addresses share one bucket. */
    assert_int_equal(ratelimit_address(NULL, &d), ST_OK);
    assert_int_equal(ratelimit_address("not an address", &d), ST_RATE_LIMITED);
    /* Keys are not limited by an address rule. */
    core_ctx key = actor(ACTOR_KEY, U1, &d);
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_actor(&key), ST_OK);
    teardown_rules();
}

static void test_logins(void **state)
{
    init_rules(0, 0, 3);
    diag d = {0};
    /* Successes give their failure back: any number of them. */
    for (int i = 0; i < 10; i++) {
        assert_int_equal(ratelimit_login_take("Ann@Example.com", &d), ST_OK);
        ratelimit_login_ok("ann@example.com");
    }
    /* Three failures in any case spend the budget; then even a right password is refused. */
    assert_int_equal(ratelimit_login_take("ann@example.com", &d), ST_OK);
    assert_int_equal(ratelimit_login_take("ANN@example.com", &d), ST_OK);
    assert_int_equal(ratelimit_login_take("ann@EXAMPLE.com", &d), ST_OK);
    assert_int_equal(ratelimit_login_take("ann@example.com", &d), ST_RATE_LIMITED);
    assert_true(d.retry_after_s >= 1199 && d.retry_after_s <= 1200);
    assert_non_null(strstr(d.msg, "failed logins"));
    assert_int_equal(ratelimit_login_take("bob@example.com", &d), ST_OK);
    teardown_rules();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_limited_without_init),
        cmocka_unit_test(test_keys_and_teammates),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_logins),
    };
    return cmocka_run_group_tests_name("core/ratelimit", tests, NULL, NULL);
}
