/* Unit tests for src/util/jsonw.c: commas, nesting, escaping, null handling and the cap. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"

static char *finish(jw *w)
{
    char *out;
    size_t n;
    assert_int_equal(jw_finish(w, &out, &n), ST_OK);
    assert_int_equal(n, strlen(out));
    return out;
}

static void test_nesting_and_commas(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 1024);
    jw_obj(&w);
    jw_kint(&w, "a", 1);
    jw_key(&w, "b");
    jw_arr(&w);
    jw_int(&w, -2);
    jw_bool(&w, true);
    jw_null(&w);
    jw_obj(&w);
    jw_end_obj(&w);
    jw_arr(&w);
    jw_end_arr(&w);
    jw_end_arr(&w);
    jw_kbool(&w, "c", false);
    jw_kstr(&w, "d", NULL);
    jw_key(&w, "e");
    jw_int_or_null(&w, 7, 7);
    jw_end_obj(&w);
    char *s = finish(&w);
    assert_string_equal(s,
                        "{\"a\":1,\"b\":[-2,true,null,{},[]],\"c\":false,\"d\":null,\"e\":null}");
    free(s);
}

static void test_escaping(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 1024);
    jw_str(&w, "q\"b\\n\nr\rt\t\x01 \xc3\xa9 \xf0\x9f\x92\xbe '; DROP");
    char *s = finish(&w);
    assert_string_equal(s, "\"q\\\"b\\\\n\\nr\\rt\\t\\u0001 \xc3\xa9 \xf0\x9f\x92\xbe '; DROP\"");
    free(s);
}

static void one_str(const char *in, const char *want)
{
    jw w;
    jw_init(&w, 1024);
    jw_str(&w, in);
    char *s = finish(&w);
    assert_string_equal(s, want);
    free(s);
}

static void test_str_table(void **state)
{
    (void)state;
    one_str("", "\"\"");
    one_str("plain", "\"plain\"");
    one_str("say \"hi\"", "\"say \\\"hi\\\"\"");
    one_str("back\\slash", "\"back\\\\slash\"");
    one_str("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    one_str("\x01\x1f", "\"\\u0001\\u001f\"");
    one_str("\x7f", "\"\x7f\"");
    one_str("/", "\"/\"");
    one_str("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\""); /* UTF-8 passes */
}

static void test_int_limits(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 1024);
    jw_arr(&w);
    jw_int(&w, INT64_MAX);
    jw_int(&w, INT64_MIN + 1);
    jw_int(&w, INT64_MIN);
    jw_int(&w, 0);
    jw_int(&w, -10);
    jw_end_arr(&w);
    char *s = finish(&w);
    assert_string_equal(s, "[9223372036854775807,-9223372036854775807,-9223372036854775808,0,-10]");
    free(s);
}

static void test_cap_is_sticky(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 16);
    jw_arr(&w);
    for (int i = 0; i < 10; i++)
        jw_str(&w, "0123456789");
    jw_end_arr(&w);
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(jw_finish(&w, &out, &n), ST_TOO_LARGE);
    assert_null(out);
}

/* The inline room check must hold the cap even when the allocation (256 bytes first) has room
 * past it: 16 bytes fit, the 17th fails, and nothing after the failure is accepted. */
static void test_cap_exact_with_room_allocated(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 16);
    jw_str(&w, "01234567890123"); /* 16 bytes with its quotes */
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(jw_finish(&w, &out, &n), ST_OK);
    assert_int_equal(n, 16);
    free(out);
    jw_init(&w, 16);
    jw_str(&w, "012345678901234"); /* 17 */
    jw_int(&w, 1);
    assert_int_equal(jw_finish(&w, &out, &n), ST_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting_and_commas),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_str_table),
        cmocka_unit_test(test_int_limits),
        cmocka_unit_test(test_cap_is_sticky),
        cmocka_unit_test(test_cap_exact_with_room_allocated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
