/* Tests of util/timeutil.c: ISO 8601 parsing (dates, times, fractions, offsets, calendar
 * limits including leap days), unix seconds (negative, digit limit, junk), floor division to
 * seconds, and ISO formatting before and after the epoch. */
#include "unit.h"

#include "util/timeutil.h"

static int64_t iso(const char *s)
{
    int64_t ms = 12345;
    if (!time_parse_iso(s, &ms)) fail_msg("time_parse_iso rejected \"%s\"", s);
    return ms;
}

static void rejects_iso(const char *s)
{
    int64_t ms = 777;
    if (time_parse_iso(s, &ms)) fail_msg("time_parse_iso accepted \"%s\"", s);
    assert_int_equal(ms, 777); /* untouched on failure */
}

static void test_iso_basic(void **state)
{
    assert_int_equal(iso("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(iso("1970-01-01"), 0);
    assert_int_equal(iso("1970-01-02"), 86400000);
    assert_int_equal(iso("2024-01-31T10:00:00.000Z"), 1706695200000LL);
    assert_int_equal(iso("2024-01-31T10:00:00Z"), 1706695200000LL);
    assert_int_equal(iso("2024-01-31T10:00Z"), 1706695200000LL);   /* no seconds */
    assert_int_equal(iso("2024-01-31T10:00:00"), 1706695200000LL); /* no zone: UTC */
    assert_int_equal(iso("2024-01-31t10:00:00z"), 1706695200000LL);
    assert_int_equal(iso("2024-01-31 10:00:00"), 1706695200000LL);
    assert_int_equal(iso("1900-01-01T00:00:00Z"), -2208988800000LL);
    assert_int_equal(iso("1969-12-31T23:59:59.999Z"), -1);
}

static void test_iso_leap_days_and_ranges(void **state)
{
    assert_int_equal(iso("2024-02-29"), 1709164800000LL);
    assert_int_equal(iso("2000-02-29T12:34:56.789Z"), 951827696789LL);
    rejects_iso("2023-02-29"); /* not a leap year */
    rejects_iso("1900-02-29"); /* century, not divisible by 400 */
    rejects_iso("2100-02-29");
    rejects_iso("2024-02-30");
    rejects_iso("2024-04-31");
    rejects_iso("2024-06-31");
    assert_int_equal(iso("2024-12-31T23:59:59Z"), 1735689599000LL);
    rejects_iso("2024-13-01");
    rejects_iso("2024-00-10");
    rejects_iso("2024-01-00");
    rejects_iso("2024-01-32");
    rejects_iso("2024-01-01T24:00:00Z");
    rejects_iso("2024-01-01T23:60:00Z");
    rejects_iso("2024-01-01T23:59:60Z"); /* no leap seconds */
}

static void test_iso_fractions(void **state)
{
    assert_int_equal(iso("1970-01-01T00:00:00.5Z"), 500);
    assert_int_equal(iso("1970-01-01T00:00:00.05Z"), 50);
    assert_int_equal(iso("1970-01-01T00:00:00.123Z"), 123);
    assert_int_equal(iso("1970-01-01T00:00:00.123456789Z"), 123); /* truncated, not rounded */
    assert_int_equal(iso("1970-01-01T00:00:00.999999Z"), 999);
    assert_int_equal(iso("1970-01-01T00:00:01,250Z"), 1250); /* comma separator */
    assert_int_equal(iso("1970-01-01T00:00:00.1"), 100);
    rejects_iso("1970-01-01T00:00:00.1234567890Z"); /* 10 digits */
    rejects_iso("1970-01-01T00:00:00.Z");
    rejects_iso("1970-01-01T00:00:00.");
    rejects_iso("1970-01-01T00:00.5Z"); /* a fraction needs seconds */
}

static void test_iso_offsets(void **state)
{
    assert_int_equal(iso("2024-03-10T12:00:00+02:00"), 1710064800000LL);
    assert_int_equal(iso("2024-03-10T12:00:00+0200"), 1710064800000LL);
    assert_int_equal(iso("2024-03-10T12:00:00-05:30"), 1710091800000LL);
    assert_int_equal(iso("2024-03-10T12:00:00-0530"), 1710091800000LL);
    assert_int_equal(iso("2024-03-10T12:00:00+00:00"), iso("2024-03-10T12:00:00Z"));
    assert_int_equal(iso("2024-03-10T12:00:00-00:00"), iso("2024-03-10T12:00:00Z"));
    assert_int_equal(iso("2024-03-10T12:00:00.250+01:00"), iso("2024-03-10T11:00:00.250Z"));
    /* an offset may cross the date line */
    assert_int_equal(iso("2024-01-01T00:30:00+01:00"), iso("2023-12-31T23:30:00Z"));
    assert_int_equal(iso("2024-02-28T23:00:00-02:00"), iso("2024-02-29T01:00:00Z"));
    rejects_iso("2024-03-10T12:00:00+24:00");
    rejects_iso("2024-03-10T12:00:00+05:60");
    rejects_iso("2024-03-10T12:00:00+05");
    rejects_iso("2024-03-10T12:00:00+5:00");
    rejects_iso("2024-03-10T12:00:00+05:00Z");
    rejects_iso("2024-03-10T12:00:00ZZ");
    rejects_iso("2024-03-10T12:00:00 +05:00");
}

static void test_iso_junk(void **state)
{
    const char *junk[] = {
        "",
        "2024",
        "2024-01",
        "2024-1-01",
        "2024-01-1",
        "24-01-01",
        "2024/01/01",
        "2024-01-01T",
        "2024-01-01T10",
        "2024-01-01T10:",
        "2024-01-01T1:00",
        "2024-01-01T10:00:0",
        "2024-01-01x",
        " 2024-01-01",
        "2024-01-01 ",
        "2024-01-01Z",
        "2024-01-01T10:00:00Zjunk",
        "abcd-ef-gh",
        "1700000000",
        "２０２４-01-01",
        "2024-01-01T10:00:00\n",
    };
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++)
        rejects_iso(junk[i]);
}

static void test_unix(void **state)
{
    int64_t ms = 0;
    assert_true(time_parse_unix("0", &ms));
    assert_int_equal(ms, 0);
    assert_true(time_parse_unix("1700000000", &ms));
    assert_int_equal(ms, 1700000000000LL);
    assert_true(time_parse_unix("-1", &ms));
    assert_int_equal(ms, -1000);
    assert_true(time_parse_unix("-86400", &ms));
    assert_int_equal(ms, -86400000);
    assert_true(time_parse_unix("000000000042", &ms)); /* 12 digits */
    assert_int_equal(ms, 42000);
    assert_true(time_parse_unix("999999999999", &ms));
    assert_int_equal(ms, 999999999999000LL);
    assert_true(time_parse_unix("-999999999999", &ms));
    assert_int_equal(ms, -999999999999000LL);
    ms = 5;
    const char *bad[] = {"",
                         "-",
                         "--1",
                         "+1",
                         " 1",
                         "1 ",
                         "1.5",
                         "12a",
                         "0x10",
                         "1000000000000" /* 13 digits */,
                         "-1000000000000",
                         "1e9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (time_parse_unix(bad[i], &ms)) fail_msg("time_parse_unix accepted \"%s\"", bad[i]);
    }
    assert_int_equal(ms, 5);
}

static void test_any(void **state)
{
    int64_t ms = 0;
    assert_true(time_parse_any("1706695200", &ms));
    assert_int_equal(ms, 1706695200000LL);
    assert_true(time_parse_any("2024-01-31T10:00:00Z", &ms));
    assert_int_equal(ms, 1706695200000LL);
    assert_true(time_parse_any("-5", &ms));
    assert_int_equal(ms, -5000);
    assert_false(time_parse_any("yesterday", &ms));
    assert_false(time_parse_any("", &ms));
    assert_false(time_parse_any("2024-02-30", &ms));
}

static void test_unix_s_floors(void **state)
{
    assert_int_equal(time_unix_s(0), 0);
    assert_int_equal(time_unix_s(999), 0);
    assert_int_equal(time_unix_s(1000), 1);
    assert_int_equal(time_unix_s(1999), 1);
    assert_int_equal(time_unix_s(-1), -1);
    assert_int_equal(time_unix_s(-999), -1);
    assert_int_equal(time_unix_s(-1000), -1);
    assert_int_equal(time_unix_s(-1001), -2);
    assert_int_equal(time_unix_s(1706695200123LL), 1706695200LL);
}

static void fmt(int64_t ms, const char *want)
{
    char out[TIME_ISO_LEN + 1];
    memset(out, 'x', sizeof out);
    time_format_iso(ms, out);
    assert_string_equal(out, want);
    assert_int_equal(strlen(out), TIME_ISO_LEN);
}

static void test_format(void **state)
{
    fmt(0, "1970-01-01T00:00:00.000Z");
    fmt(1, "1970-01-01T00:00:00.001Z");
    fmt(-1, "1969-12-31T23:59:59.999Z");
    fmt(-86400000, "1969-12-31T00:00:00.000Z");
    fmt(-86400001, "1969-12-30T23:59:59.999Z");
    fmt(1706695200000LL, "2024-01-31T10:00:00.000Z");
    fmt(1709164800000LL + 86399999, "2024-02-29T23:59:59.999Z");
    fmt(951827696789LL, "2000-02-29T12:34:56.789Z");
    fmt(-2208988800000LL, "1900-01-01T00:00:00.000Z");
    fmt(253402300799999LL, "9999-12-31T23:59:59.999Z");
}

static void test_format_parse_round_trip(void **state)
{
    const int64_t values[] = {0,
                              -1,
                              1,
                              1706695200123LL,
                              -2208988800001LL,
                              951782400000LL,
                              4102444800000LL,
                              -62135596800000LL /* 0001-01-01 */};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char out[TIME_ISO_LEN + 1];
        time_format_iso(values[i], out);
        int64_t back = 0;
        assert_true(time_parse_iso(out, &back));
        assert_int_equal(back, values[i]);
    }
}

/* Found by tests/fuzz/isodate.c: an offset carried year 0000 back into year -1, which was
 * written as 0000-12-31 (the year clamped, the month and day kept): a later instant. Every
 * accepted ISO date now writes back as itself; an instant outside years 0000..9999 is refused
 * by the parser and written as the nearest bound. */
static void test_iso_year_bounds(void **state)
{
    assert_int_equal(iso("0000-01-01T00:00:00Z"), -62167219200000LL);
    assert_int_equal(iso("0000-01-01T05:00+05:00"), -62167219200000LL);
    assert_int_equal(iso("9999-12-31T23:59:59.999Z"), 253402300799999LL);
    assert_int_equal(iso("9999-12-31T18:59:59.999-05:00"), 253402300799999LL);
    rejects_iso("0000-01-01T15:00+20:00");
    rejects_iso("0000-01-01T00:00:00+00:01");
    rejects_iso("9999-12-31T23:00-05:00");
    rejects_iso("9999-12-31T23:59:59.999-00:01");
    fmt(-62167219200000LL, "0000-01-01T00:00:00.000Z");
    fmt(-62167219200001LL, "0000-01-01T00:00:00.000Z");
    fmt(-999999999999000LL, "0000-01-01T00:00:00.000Z");
    fmt(253402300800000LL, "9999-12-31T23:59:59.999Z");
    fmt(999999999999000LL, "9999-12-31T23:59:59.999Z");
}

static void test_clocks(void **state)
{
    int64_t now = time_now_ms();
    assert_true(now > 1577836800000LL); /* after 2020-01-01 */
    assert_true(now < 4102444800000LL); /* before 2100-01-01 */
    int64_t m1 = time_mono_us(), m2 = time_mono_us();
    assert_true(m1 > 0);
    assert_true(m2 >= m1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_basic),
        cmocka_unit_test(test_iso_leap_days_and_ranges),
        cmocka_unit_test(test_iso_fractions),
        cmocka_unit_test(test_iso_offsets),
        cmocka_unit_test(test_iso_junk),
        cmocka_unit_test(test_unix),
        cmocka_unit_test(test_any),
        cmocka_unit_test(test_unix_s_floors),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_iso_year_bounds),
        cmocka_unit_test(test_clocks),
    };
    return cmocka_run_group_tests_name("util/timeutil", tests, NULL, NULL);
}
