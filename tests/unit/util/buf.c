/* Tests of util/buf.c: appends and formatting, the hard cap (ST_TOO_LARGE leaves the contents
 * as they were), NUL termination, reset, steal, (JSON escaping is tested with util/jsonw). */
#include "unit.h"

#include "util/buf.h"

static void test_init_is_empty(void **state)
{
    buf b;
    buf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.max, 100);
}

static void test_append_and_terminate(void **state)
{
    buf b;
    buf_init(&b, 1024);
    assert_int_equal(buf_append(&b, "abc", 3), ST_OK);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    assert_int_equal(buf_puts(&b, "def"), ST_OK);
    assert_string_equal(b.data, "abcdef");
    /* embedded bytes are copied as given, and the contents stay NUL-terminated */
    assert_int_equal(buf_append(&b, "g\0h", 3), ST_OK);
    assert_int_equal(b.len, 9);
    assert_memory_equal(b.data, "abcdefg\0h", 9);
    assert_int_equal(b.data[9], '\0');
    buf_release(&b);
}

static void test_zero_length_append(void **state)
{
    buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_append(&b, NULL, 0), ST_OK);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_puts(&b, ""), ST_OK);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void test_growth_keeps_contents(void **state)
{
    buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 5000; i++) {
        char c = (char)('a' + i % 26);
        assert_int_equal(buf_append(&b, &c, 1), ST_OK);
    }
    assert_int_equal(b.len, 5000);
    assert_true(b.cap_alloc > 5000);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(b.data[i], 'a' + i % 26);
    assert_int_equal(b.data[5000], '\0');
    buf_release(&b);
}

static void test_cap_exact_then_too_large(void **state)
{
    buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "1234"), ST_OK);
    assert_int_equal(buf_puts(&b, "5678"), ST_OK); /* exactly max is allowed */
    assert_int_equal(b.len, 8);
    assert_int_equal(buf_append(&b, "9", 1), ST_TOO_LARGE);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(buf_printf(&b, "%d", 1), ST_TOO_LARGE);
    assert_string_equal(b.data, "12345678");
    buf_release(&b);
}

static void test_cap_first_append(void **state)
{
    buf b;
    buf_init(&b, 4);
    assert_int_equal(buf_puts(&b, "12345"), ST_TOO_LARGE);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_append(&b, "x", SIZE_MAX), ST_TOO_LARGE); /* no overflow wrap */
    buf_init(&b, 0);
    assert_int_equal(buf_puts(&b, "a"), ST_TOO_LARGE);
    assert_int_equal(buf_puts(&b, ""), ST_OK);
    buf_release(&b);
}

static void test_printf(void **state)
{
    buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_printf(&b, "%s=%d", "n", -12), ST_OK);
    assert_int_equal(buf_printf(&b, ";%lld", (long long)INT64_MIN), ST_OK);
    assert_string_equal(b.data, "n=-12;-9223372036854775808");
    assert_int_equal(b.len, strlen(b.data));
    assert_int_equal(buf_printf(&b, "%s", ""), ST_OK);
    assert_int_equal(b.len, strlen("n=-12;-9223372036854775808"));
    /* a long format result that forces growth */
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%*d", 3000, 7), ST_OK);
    assert_int_equal(b.len, 3000);
    assert_int_equal(b.data[2999], '7');
    buf_release(&b);
}

static void test_printf_over_cap_leaves_contents(void **state)
{
    buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_puts(&b, "abc"), ST_OK);
    assert_int_equal(buf_printf(&b, "%s", "12345678"), ST_TOO_LARGE);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    assert_int_equal(buf_printf(&b, "%s", "1234567"), ST_OK);
    assert_string_equal(b.data, "abc1234567");
    buf_release(&b);
}

static void test_reset_keeps_memory(void **state)
{
    buf b;
    buf_init(&b, 100);
    assert_int_equal(buf_puts(&b, "something"), ST_OK);
    char *p = b.data;
    size_t cap = b.cap_alloc;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, p);
    assert_int_equal(b.cap_alloc, cap);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_puts(&b, "x"), ST_OK);
    assert_string_equal(b.data, "x");
    buf_release(&b);
    buf_reset(&b); /* on an empty buf: no crash, still empty */
    assert_null(b.data);
}

static void test_steal(void **state)
{
    buf b;
    buf_init(&b, 100);
    assert_int_equal(buf_puts(&b, "taken"), ST_OK);
    char *s = buf_steal(&b);
    assert_string_equal(s, "taken");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    free(s);
    char *e = buf_steal(&b); /* empty buf: an empty, freeable string */
    assert_non_null(e);
    assert_string_equal(e, "");
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_append_and_terminate),
        cmocka_unit_test(test_zero_length_append),
        cmocka_unit_test(test_growth_keeps_contents),
        cmocka_unit_test(test_cap_exact_then_too_large),
        cmocka_unit_test(test_cap_first_append),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_printf_over_cap_leaves_contents),
        cmocka_unit_test(test_reset_keeps_memory),
        cmocka_unit_test(test_steal),
    };
    return cmocka_run_group_tests_name("util/buf", tests, NULL, NULL);
}
