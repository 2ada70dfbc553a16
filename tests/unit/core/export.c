/* Tests of core/export.c's CSV: RFC 4180 quoting, and cells a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) neutralised with a leading ' (OWASP's CSV injection
 * rule), in the ticket's row and in the events' rows alike. */
#include "unit.h"

#include "core/export.h"

/* The CSV of x as a NUL-terminated arena string. */
static const char *csv_of(unit_env *e, const export_data *x)
{
    char *csv = NULL;
    size_t len = 0;
    assert_int_equal(export_csv(&e->cx, x, &csv, &len), ST_OK);
    char *s = arena_alloc(e->a, len + 1);
    memcpy(s, csv, len);
    s[len] = '\0';
    free(csv);
    return s;
}

static export_data ticket_with(const char *title, const char *description, const char *phone)
{
    export_data x = {0};
    snprintf(x.ticket.uuid, sizeof x.ticket.uuid, "%s", "6f1c5c1e-0b4e-4a57-9f35-1c1f8a6c2b10");
    x.ticket.title = (char *)title;
    x.ticket.description = (char *)description;
    x.ticket.contact_phone = (char *)phone;
    x.ticket.state = "new";
    x.ticket.start_date = x.ticket.duration = x.ticket.reminder = NULL_INT;
    x.ticket.ongoing_at = x.ticket.completed_at = NULL_INT;
    x.ticket.created_at = x.ticket.updated_at = 1700000000000;
    return x;
}

static void test_csv_quotes_per_rfc4180(void **state)
{
    unit_env *e = *state;
    export_data x = ticket_with("Leak, \"urgent\"", "two\r\nlines", NULL);
    const char *csv = csv_of(e, &x);
    assert_non_null(strstr(csv, "\r\n6f1c5c1e-0b4e-4a57-9f35-1c1f8a6c2b10,,,"
                                "\"Leak, \"\"urgent\"\"\",\"two\r\nlines\",new,"));
}

static void test_csv_neutralises_formulas(void **state)
{
    unit_env *e = *state;
    static const struct {
        const char *in, *out;
    } cells[] = {
        {"=HYPERLINK(\"http://x.example\")", "\"'=HYPERLINK(\"\"http://x.example\"\")\""},
        {"+1+1", "'+1+1"},
        {"-2+3", "'-2+3"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\t=1", "'\t=1"},
        {"\r=1", "\"'\r=1\""},
        {"a=1", "a=1"}, /* only the first character counts */
        {"'=1", "'=1"}, /* already neutral */
        {"", ""},       /* empty stays empty */
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        export_data x = ticket_with(cells[i].in, "d", "+33612345678");
        const char *csv = csv_of(e, &x);
        const char *want = arena_printf(e->a, ",,,%s,d,new,", cells[i].out);
        if (!strstr(csv, want)) fail_msg("cell %zu: want %s in\n%s", i, want, csv);
        assert_non_null(strstr(csv, ",'+33612345678,")); /* a phone starts with + too */
    }
    /* the events' rows too (a type or data cell from a client) */
    export_data x = ticket_with("t", "d", NULL);
    event_row ev = {.type = "@cmd",
                    .actor_type = "key",
                    .actor_id = "-1",
                    .data = "=2*3",
                    .created_at = 1700000000000};
    snprintf(ev.uuid, sizeof ev.uuid, "%s", "1b0f3a8e-7c61-4e1a-b2a9-0f5b9d3f7e21");
    x.events = &ev;
    x.n_events = 1;
    const char *csv = csv_of(e, &x);
    assert_non_null(strstr(csv, "\r\n1b0f3a8e-7c61-4e1a-b2a9-0f5b9d3f7e21,'@cmd,key,'-1,"));
    assert_non_null(strstr(csv, ",'=2*3\r\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_csv_quotes_per_rfc4180),
        UNIT_TEST(test_csv_neutralises_formulas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
