/* Tests of util/text.c: UTF-8 well-formedness (boundaries, overlong forms, surrogates,
 * out-of-range, truncated and broken sequences, NUL), code point counts, and the small shapes:
 * email, language tag, country code, whole-string integers; the FNV-1a hash. */
#include "unit.h"

#include "util/text.h"

#define VALID(s)   assert_true(text_utf8_valid((s), sizeof(s) - 1))
#define INVALID(s) assert_false(text_utf8_valid((s), sizeof(s) - 1))

static void test_utf8_valid(void **state)
{
    VALID("");
    VALID("plain ascii ~\x7f");
    VALID("\xc2\x80");         /* U+0080, smallest 2-byte */
    VALID("\xc3\xa9");         /* é */
    VALID("\xdf\xbf");         /* U+07FF */
    VALID("\xe0\xa0\x80");     /* U+0800, smallest 3-byte */
    VALID("\xe2\x82\xac");     /* € */
    VALID("\xed\x9f\xbf");     /* U+D7FF, just below the surrogates */
    VALID("\xee\x80\x80");     /* U+E000, just above */
    VALID("\xef\xbf\xbf");     /* U+FFFF */
    VALID("\xf0\x90\x80\x80"); /* U+10000, smallest 4-byte */
    VALID("\xf0\x9f\x98\x80"); /* 😀 */
    VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last code point */
    VALID("a\xc3\xa9z\xe2\x82\xac!");
}

static void test_utf8_overlong(void **state)
{
    INVALID("\xc0\x80"); /* overlong NUL */
    INVALID("\xc0\xaf"); /* overlong '/' */
    INVALID("\xc1\xbf");
    INVALID("\xe0\x80\x80");     /* overlong 3-byte */
    INVALID("\xe0\x9f\xbf");     /* U+07FF in 3 bytes */
    INVALID("\xf0\x80\x80\x80"); /* overlong 4-byte */
    INVALID("\xf0\x8f\xbf\xbf"); /* U+FFFF in 4 bytes */
}

static void test_utf8_surrogates_and_range(void **state)
{
    INVALID("\xed\xa0\x80");             /* U+D800 */
    INVALID("\xed\xad\xbf");             /* U+DB7F */
    INVALID("\xed\xb0\x80");             /* U+DC00 */
    INVALID("\xed\xbf\xbf");             /* U+DFFF */
    INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair */
    INVALID("\xf4\x90\x80\x80");         /* U+110000 */
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xf7\xbf\xbf\xbf");
    INVALID("\xf8\x88\x80\x80\x80"); /* 5-byte form */
    INVALID("\xfe");
    INVALID("\xff");
}

static void test_utf8_truncated_and_broken(void **state)
{
    INVALID("\x80"); /* lone continuation */
    INVALID("a\xbf");
    INVALID("\xc3");         /* truncated 2-byte at the end */
    INVALID("\xe2\x82");     /* truncated 3-byte */
    INVALID("\xf0\x9f\x98"); /* truncated 4-byte */
    INVALID("\xc3(");        /* continuation missing */
    INVALID("\xe2\x28\xa1");
    INVALID("\xe2\x82\x28");
    INVALID("\xf0\x9f\x28\x80");
    INVALID("ok\xe2\x82 then more");
    /* n cuts a sequence that continues in memory */
    assert_false(text_utf8_valid("\xe2\x82\xac", 2));
    assert_false(text_utf8_valid("\xf0\x9f\x98\x80", 3));
    assert_true(text_utf8_valid("\xe2\x82\xac", 3));
    /* no NUL inside stored text */
    assert_false(text_utf8_valid("a\0b", 3));
    assert_true(text_utf8_valid("a\0b", 1));
    assert_true(text_utf8_valid("", 0));
}

static void test_utf8_chars(void **state)
{
    assert_int_equal(text_utf8_chars(""), 0);
    assert_int_equal(text_utf8_chars("abc"), 3);
    assert_int_equal(text_utf8_chars("h\xc3\xa9llo"), 5);
    assert_int_equal(text_utf8_chars("\xe2\x82\xac\xf0\x9f\x98\x80"), 2);
    assert_int_equal(text_utf8_chars("\xf4\x8f\xbf\xbf"
                                     "a"),
                     2);
}

static void test_email(void **state)
{
    assert_true(text_is_email("a@b"));
    assert_true(text_is_email("first.last+tag@example.co.uk"));
    assert_true(text_is_email("\xc3\xa9@\xc3\xa9.pt"));
    assert_false(text_is_email(""));
    assert_false(text_is_email("plain"));
    assert_false(text_is_email("@example.com"));
    assert_false(text_is_email("user@"));
    assert_false(text_is_email("a@@b"));
    assert_false(text_is_email("a@b@c"));
    assert_false(text_is_email("a b@c"));
    assert_false(text_is_email("a@b c"));
    assert_false(text_is_email("a@b\t"));
    assert_false(text_is_email(" a@b"));
    assert_false(text_is_email("a@b\n"));
}

static void test_language(void **state)
{
    assert_true(text_is_language("en"));
    assert_true(text_is_language("pt-BR"));
    assert_true(text_is_language("zh-Hant-TW"));
    assert_true(text_is_language("abcdefghijklmnop"));   /* 16 */
    assert_false(text_is_language("abcdefghijklmnopq")); /* 17 */
    assert_false(text_is_language("e"));
    assert_false(text_is_language(""));
    assert_false(text_is_language("en_US"));
    assert_false(text_is_language("en US"));
    assert_false(text_is_language("\xc3\xa9n"));
}

static void test_country(void **state)
{
    assert_true(text_is_country("PT"));
    assert_true(text_is_country("pt"));
    assert_true(text_is_country("pT"));
    assert_false(text_is_country("P"));
    assert_false(text_is_country("PRT"));
    assert_false(text_is_country(""));
    assert_false(text_is_country("P1"));
    assert_false(text_is_country("1P"));
    assert_false(text_is_country("P "));
    assert_false(text_is_country("\xc3\xa9")); /* é is two bytes, not two letters */
}

static void test_utf8_decode_and_word_chars(void **state)
{
    (void)state;
    unsigned cp;
    assert_int_equal(text_utf8_decode("a", &cp), 1);
    assert_int_equal(cp, 'a');
    assert_int_equal(text_utf8_decode("\xc3\xa9", &cp), 2); /* é */
    assert_int_equal(cp, 0xE9);
    assert_int_equal(text_utf8_decode("\xe3\x80\x80", &cp), 3); /* ideographic space */
    assert_int_equal(cp, 0x3000);
    assert_int_equal(text_utf8_decode("\xf0\x9f\x98\x80", &cp), 4); /* emoji */
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(text_utf8_decode("\xc3", &cp), 1); /* cut short: stops at the break */
    assert_int_equal(cp, 0xFFFD);
    assert_true(text_is_alnum('z'));
    assert_true(text_is_alnum('7'));
    assert_false(text_is_alnum('-'));
    assert_false(text_is_alnum(' '));
    assert_true(text_is_alnum(0xE9));    /* é */
    assert_true(text_is_alnum(0x4E2D));  /* 中 */
    assert_false(text_is_alnum(0xA0));   /* no-break space */
    assert_false(text_is_alnum(0x3000)); /* ideographic space */
    assert_false(text_is_alnum(0x2014)); /* em dash */
}

static void test_parse_int(void **state)
{
    long long v = 99;
    assert_true(text_parse_int("0", &v));
    assert_int_equal(v, 0);
    assert_true(text_parse_int("-12", &v));
    assert_int_equal(v, -12);
    assert_true(text_parse_int("007", &v));
    assert_int_equal(v, 7);
    assert_true(text_parse_int("9223372036854775807", &v));
    assert_int_equal(v, INT64_MAX);
    assert_true(text_parse_int("-9223372036854775808", &v));
    assert_int_equal(v, INT64_MIN);
    v = 99;
    const char *bad[] = {"",
                         " 1",
                         "1 ",
                         "1a",
                         "a1",
                         "0x10",
                         "1.0",
                         "-",
                         "9223372036854775808",
                         "-9223372036854775809",
                         "99999999999999999999",
                         "\t5",
                         "5\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (text_parse_int(bad[i], &v)) fail_msg("text_parse_int accepted \"%s\"", bad[i]);
    }
    assert_false(text_parse_int(NULL, &v));
    assert_int_equal(v, 99); /* untouched on failure */
}

/* FNV-1a 64-bit reference values. */
static void test_hash(void **state)
{
    assert_true(text_hash("") == 0xcbf29ce484222325ull);
    assert_true(text_hash("a") == 0xaf63dc4c8601ec8cull);
    assert_true(text_hash("foobar") == 0x85944171f73967e8ull);
    assert_true(text_hash("ab") != text_hash("ba"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_overlong),
        cmocka_unit_test(test_utf8_surrogates_and_range),
        cmocka_unit_test(test_utf8_truncated_and_broken),
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_language),
        cmocka_unit_test(test_country),
        cmocka_unit_test(test_parse_int),
        cmocka_unit_test(test_utf8_decode_and_word_chars),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests_name("util/text", tests, NULL, NULL);
}
