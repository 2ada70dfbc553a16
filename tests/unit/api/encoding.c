/* Tests of call_accepts_coding (api/call.c): the Accept-Encoding header as the console's files
 * (api/app.c) read it to choose their gzip twin. A coding named with q > 0 is taken, q=0 refuses
 * it, `*` stands for codings not named, case does not matter, x-gzip is gzip, optional white
 * space and other parameters are allowed, a malformed q counts as 0. */
#include "unit.h"

#include "api/call.h"

static void test_absent(void **state)
{
    assert_false(call_accepts_coding(NULL, "gzip"));
    assert_false(call_accepts_coding("", "gzip"));
    assert_false(call_accepts_coding(" , ,", "gzip"));
    assert_false(call_accepts_coding("identity", "gzip"));
    assert_false(call_accepts_coding("br, deflate", "gzip"));
    assert_false(call_accepts_coding("gzipx", "gzip"));
    assert_false(call_accepts_coding("gzi", "gzip"));
}

static void test_named(void **state)
{
    assert_true(call_accepts_coding("gzip", "gzip"));
    assert_true(call_accepts_coding("gzip, deflate, br", "gzip"));
    assert_true(call_accepts_coding("br,gzip", "gzip"));
    assert_true(call_accepts_coding("GZip", "gzip"));
    assert_true(call_accepts_coding("x-gzip", "gzip"));
    assert_true(call_accepts_coding("  gzip  ", "gzip"));
    assert_false(call_accepts_coding("x-gzip", "br"));
}

static void test_q(void **state)
{
    assert_true(call_accepts_coding("gzip;q=1", "gzip"));
    assert_true(call_accepts_coding("gzip;q=1.000", "gzip"));
    assert_true(call_accepts_coding("gzip ; q=0.001", "gzip"));
    assert_true(call_accepts_coding("gzip;Q=0.5", "gzip"));
    assert_true(call_accepts_coding("gzip; level=9; q=0.5", "gzip"));
    assert_false(call_accepts_coding("gzip;q=0", "gzip"));
    assert_false(call_accepts_coding("gzip;q=0.000", "gzip"));
    assert_false(call_accepts_coding("br;q=1, gzip;q=0", "gzip"));
    /* The best of several elements for it wins. */
    assert_true(call_accepts_coding("gzip;q=0, x-gzip;q=0.5", "gzip"));
}

static void test_malformed_q(void **state)
{
    assert_false(call_accepts_coding("gzip;q=", "gzip"));
    assert_false(call_accepts_coding("gzip;q", "gzip"));
    assert_false(call_accepts_coding("gzip;q=2", "gzip"));
    assert_false(call_accepts_coding("gzip;q=1.5", "gzip"));
    assert_false(call_accepts_coding("gzip;q=0.0001", "gzip"));
    assert_false(call_accepts_coding("gzip;q=.5", "gzip"));
    assert_false(call_accepts_coding("gzip;q=0.5x", "gzip"));
    assert_false(call_accepts_coding("gzip junk", "gzip"));
    /* A malformed element does not spoil the others. */
    assert_true(call_accepts_coding("gzip;q=bad, x-gzip", "gzip"));
}

static void test_star(void **state)
{
    assert_true(call_accepts_coding("*", "gzip"));
    assert_true(call_accepts_coding("br, *;q=0.1", "gzip"));
    assert_false(call_accepts_coding("*;q=0", "gzip"));
    /* A coding named outranks `*`, either way. */
    assert_false(call_accepts_coding("gzip;q=0, *", "gzip"));
    assert_true(call_accepts_coding("gzip, *;q=0", "gzip"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent),      cmocka_unit_test(test_named), cmocka_unit_test(test_q),
        cmocka_unit_test(test_malformed_q), cmocka_unit_test(test_star),
    };
    return cmocka_run_group_tests_name("api/encoding", tests, NULL, NULL);
}
