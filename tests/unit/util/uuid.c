/* Tests of util/uuid.c: v4 generation (shape, version and variant bits, uniqueness) and parsing
 * (8-4-4-4-12 hex, any case in, lower case out). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include <ctype.h>

#include "util/uuid.h"

static void assert_v4_shape(const char *u)
{
    assert_int_equal(strlen(u), UUID_STR_LEN);
    for (int i = 0; i < UUID_STR_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            assert_int_equal(u[i], '-');
        } else {
            assert_true(isxdigit((unsigned char)u[i]));
            assert_false(isupper((unsigned char)u[i]));
        }
    }
    assert_int_equal(u[14], '4');
    assert_non_null(strchr("89ab", u[19]));
}

static void test_v4_shape_and_unique(void **state)
{
    char seen[64][UUID_STR_LEN + 1];
    for (int i = 0; i < 64; i++) {
        uuid_v4(seen[i]);
        assert_v4_shape(seen[i]);
        assert_true(uuid_parse(seen[i], NULL));
        for (int k = 0; k < i; k++)
            assert_string_not_equal(seen[i], seen[k]);
    }
}

static void test_parse_normalises_case(void **state)
{
    char out[UUID_STR_LEN + 1];
    assert_true(uuid_parse("0A1B2C3D-4E5F-4A6B-8C7D-9E0FABCDEF12", out));
    assert_string_equal(out, "0a1b2c3d-4e5f-4a6b-8c7d-9e0fabcdef12");
    assert_true(uuid_parse("00000000-0000-0000-0000-000000000000", out));
    assert_string_equal(out, "00000000-0000-0000-0000-000000000000");
    /* not only v4: any hex in the 8-4-4-4-12 shape */
    assert_true(uuid_parse("ffffffff-ffff-1fff-ffff-ffffffffffff", NULL));
}

static void test_parse_rejects(void **state)
{
    const char *bad[] = {
        "",
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0fabcdef1",     /* 35 */
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0fabcdef123",   /* 37 */
        "0a1b2c3d4e5f-4a6b-8c7d-9e0fabcdef12-",    /* dash moved */
        "0a1b2c3d-4e5f-4a6b-8c7d_9e0fabcdef12",    /* underscore */
        "0a1b2c3g-4e5f-4a6b-8c7d-9e0fabcdef12",    /* g */
        "{a1b2c3d-4e5f-4a6b-8c7d-9e0fabcdef1}",    /* braces */
        " 0a1b2c3d-4e5f-4a6b-8c7d-9e0fabcdef1",    /* space */
        "0a1b2c3d0-4e5f-4a6b-8c7d-9e0fabcdef12",   /* long first group */
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0fabcdef1\xc3", /* non-ASCII */
        "0a1b2c3d04e5f04a6b08c7d09e0fabcdef12",    /* digits for dashes */
    };
    char out[UUID_STR_LEN + 1] = "untouched";
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_false(uuid_parse(bad[i], out));
    }
    assert_string_equal(out, "untouched"); /* out is written only on success */
    assert_false(uuid_parse(NULL, out));
}

/* Ids drawn across many refills of the per-thread random pool are all distinct v4 uuids. */
static void test_v4_distinct_across_pool_refills(void **state)
{
    (void)state;
    enum { N = 2000 };
    static char ids[N][UUID_STR_LEN + 1];
    for (int i = 0; i < N; i++) {
        uuid_v4(ids[i]);
        assert_true(uuid_parse(ids[i], NULL));
        assert_int_equal(ids[i][14], '4');
        assert_non_null(strchr("89ab", ids[i][19]));
    }
    qsort(ids, N, sizeof ids[0], (int (*)(const void *, const void *))strcmp);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_shape_and_unique),
        cmocka_unit_test(test_parse_normalises_case),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_v4_distinct_across_pool_refills),
    };
    return cmocka_run_group_tests_name("util/uuid", tests, NULL, NULL);
}
