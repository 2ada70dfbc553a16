/* Tests of core/core.c: the check_* validators (field named, messages, limits), core_page
 * (offset, whole-second inclusive bounds, before 1970 too), core_txn (commit, rollback, diag),
 * read brackets, actor names, and the event builder (JSON data, actor, one row per commit). */
#include "unit.h"

#include "core/people.h"
#include "util/limits.h"

static void test_actor_name(void **state)
{
    assert_string_equal(actor_name(ACTOR_SYSTEM), "system");
    assert_string_equal(actor_name(ACTOR_KEY), "key");
    assert_string_equal(actor_name(ACTOR_USER), "user");
    assert_string_equal(actor_name(ACTOR_CONTACT), "contact");
}

static void test_ctx_init(void **state)
{
    unit_env *e = *state;
    core_ctx cx;
    diag d = {0};
    memset(&cx, 0xab, sizeof cx);
    assert_int_equal(core_ctx_init(&cx, e->st, e->a, &d), ST_OK);
    assert_ptr_equal(cx.db, e->db); /* this thread's cached connection */
    assert_ptr_equal(cx.a, e->a);
    assert_ptr_equal(cx.d, &d);
    assert_int_equal(cx.ws, 0);
    assert_int_equal(cx.actor, ACTOR_SYSTEM);
    assert_true(cx.now > 1577836800000LL);
}

static void test_core_page(void **state)
{
    list_in in = unit_list_in(1, 10);
    list_page pg = core_page(&in);
    assert_int_equal(pg.offset, 0);
    assert_int_equal(pg.limit, 10);
    assert_int_equal(pg.from_s, NULL_INT);
    assert_int_equal(pg.to_s, NULL_INT);
    assert_false(pg.desc);
    in = unit_list_in(3, 25);
    in.desc = true;
    in.sort = SORT_TITLE;
    pg = core_page(&in);
    assert_int_equal(pg.offset, 50);
    assert_int_equal(pg.limit, 25);
    assert_true(pg.desc);
    assert_int_equal(pg.sort, SORT_TITLE);
    /* the largest page does not overflow */
    in = unit_list_in(LIMIT_PAGE_NUMBER, LIMIT_PAGE_SIZE);
    pg = core_page(&in);
    assert_int_equal(pg.offset, (LIMIT_PAGE_NUMBER - 1) * LIMIT_PAGE_SIZE);
}

static void test_core_page_whole_seconds(void **state)
{
    list_in in = unit_list_in(1, 10);
    in.from_ms = 1500;
    in.to_ms = 1500;
    list_page pg = core_page(&in);
    assert_int_equal(pg.from_s, 1); /* from covers its whole second */
    assert_int_equal(pg.to_s, 1);   /* to is inclusive: second 1 = 1.000 .. 1.999 */
    in.from_ms = 2000;
    in.to_ms = 2999;
    pg = core_page(&in);
    assert_int_equal(pg.from_s, 2);
    assert_int_equal(pg.to_s, 2);
    in.from_ms = 0;
    in.to_ms = 0;
    pg = core_page(&in);
    assert_int_equal(pg.from_s, 0);
    assert_int_equal(pg.to_s, 0);
    /* before 1970 the second is the floor, not the truncation */
    in.from_ms = -1500;
    in.to_ms = -1;
    pg = core_page(&in);
    assert_int_equal(pg.from_s, -2);
    assert_int_equal(pg.to_s, -1);
    in.from_ms = NULL_INT;
    in.to_ms = 1706695200999LL;
    pg = core_page(&in);
    assert_int_equal(pg.from_s, NULL_INT);
    assert_int_equal(pg.to_s, 1706695200LL);
}

/* End to end: `to` given as a created_at includes that row even with milliseconds. */
static void test_core_page_bounds_include_row(void **state)
{
    unit_env *e = *state;
    const int64_t when[] = {10999, 11000, 11999, 12000};
    for (int i = 0; i < 4; i++) {
        e->cx.now = when[i];
        plan_in in = {.name = "p"};
        plan_row p;
        assert_int_equal(plan_create(&e->cx, &in, &p), ST_OK);
        assert_int_equal(p.created_at, when[i]);
    }
    list_in in = unit_list_in(1, 10);
    in.from_ms = 11000;
    in.to_ms = 11000; /* the created_at of one row: its whole second counts */
    plan_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(plan_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    in.from_ms = 10500;
    in.to_ms = NULL_INT;
    assert_int_equal(plan_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 4);
    in.from_ms = 12001;
    assert_int_equal(plan_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
}

static void test_check_text(void **state)
{
    diag d = {0};
    assert_int_equal(check_text(&d, "title", NULL, true, 10), ST_INVALID);
    assert_string_equal(d.field, "title");
    assert_string_equal(d.msg, "is required");
    assert_int_equal(check_text(&d, "title", NULL, false, 10), ST_OK);
    memset(&d, 0, sizeof d);
    assert_int_equal(check_text(&d, "name", "", true, 10), ST_INVALID);
    assert_string_equal(d.field, "name");
    assert_string_equal(d.msg, "must not be empty");
    assert_int_equal(check_text(&d, "name", "", false, 10), ST_OK);
    assert_int_equal(check_text(&d, "body", "bad \xc3(", false, 10), ST_INVALID);
    assert_string_equal(d.field, "body");
    assert_non_null(strstr(d.msg, "UTF-8"));
    assert_int_equal(check_text(&d, "body", "\xed\xa0\x80", true, 10), ST_INVALID);
    /* the limit counts code points, not bytes */
    assert_int_equal(check_text(&d, "t", "\xc3\xa9\xc3\xa9\xc3\xa9", true, 3), ST_OK);
    memset(&d, 0, sizeof d);
    assert_int_equal(check_text(&d, "t", "\xc3\xa9\xc3\xa9\xc3\xa9", true, 2), ST_INVALID);
    assert_string_equal(d.field, "t");
    assert_non_null(strstr(d.msg, "at most 2"));
    assert_int_equal(check_text(NULL, "t", NULL, true, 2), ST_INVALID); /* NULL diag is fine */
}

static void test_check_email(void **state)
{
    diag d = {0};
    assert_int_equal(check_email(&d, "email", "a@b.c", true), ST_OK);
    assert_int_equal(check_email(&d, "email", NULL, false), ST_OK);
    assert_int_equal(check_email(&d, "email", NULL, true), ST_INVALID);
    assert_string_equal(d.field, "email");
    memset(&d, 0, sizeof d);
    assert_int_equal(check_email(&d, "contact_email", "nope", false), ST_INVALID);
    assert_string_equal(d.field, "contact_email");
    assert_non_null(strstr(d.msg, "email"));
    char long_email[300];
    memset(long_email, 'a', sizeof long_email);
    memcpy(long_email + 250, "@b.cd", 6); /* 255 characters */
    assert_int_equal(check_email(&d, "email", long_email, true), ST_INVALID);
    long_email[249] = '\0';
    memcpy(long_email + 240, "@b.cd", 6); /* 245 */
    assert_int_equal(check_email(&d, "email", long_email, true), ST_OK);
}

static void test_check_language(void **state)
{
    diag d = {0};
    assert_int_equal(check_language(&d, "language", "pt-BR", true), ST_OK);
    assert_int_equal(check_language(&d, "language", NULL, false), ST_OK);
    assert_int_equal(check_language(&d, "language", NULL, true), ST_INVALID);
    assert_string_equal(d.field, "language");
    assert_string_equal(d.msg, "is required");
    memset(&d, 0, sizeof d);
    assert_int_equal(check_language(&d, "lang", "e", true), ST_INVALID);
    assert_string_equal(d.field, "lang");
    assert_int_equal(check_language(&d, "lang", "", false), ST_INVALID);
}

static void test_check_country(void **state)
{
    unit_env *e = *state;
    diag d = {0};
    char *v = arena_strdup(e->a, "pt");
    assert_int_equal(check_country(&d, "country", v), ST_OK);
    assert_string_equal(v, "PT");
    v = arena_strdup(e->a, "Br");
    assert_int_equal(check_country(&d, "country", v), ST_OK);
    assert_string_equal(v, "BR");
    assert_int_equal(check_country(&d, "country", NULL), ST_OK);
    v = arena_strdup(e->a, "prt");
    assert_int_equal(check_country(&d, "country", v), ST_INVALID);
    assert_string_equal(d.field, "country");
    assert_string_equal(v, "prt"); /* left as it was */
    assert_int_equal(check_country(&d, "country", arena_strdup(e->a, "p1")), ST_INVALID);
}

static void test_check_uuid(void **state)
{
    diag d = {0};
    char out[UUID_STR_LEN + 1];
    assert_int_equal(check_uuid(&d, "id", "ABCDEF01-2345-4789-8BCD-EF0123456789", out), ST_OK);
    assert_string_equal(out, "abcdef01-2345-4789-8bcd-ef0123456789");
    assert_int_equal(check_uuid(&d, "client_id", NULL, out), ST_INVALID);
    assert_string_equal(d.field, "client_id");
    assert_string_equal(d.msg, "is required");
    memset(&d, 0, sizeof d);
    assert_int_equal(check_uuid(&d, "category", "not-a-uuid", out), ST_INVALID);
    assert_string_equal(d.field, "category");
    assert_string_equal(d.msg, "must be a UUID");
}

/* ---- core_txn ---- */

struct txn_arg {
    status result;
    const char *name;
    plan_row p;
};

static status insert_then(core_ctx *cx, void *p)
{
    struct txn_arg *t = p;
    plan_in in = {.name = t->name};
    status st = plan_create(cx, &in, &t->p);
    return st ? st : t->result;
}

static void test_txn_commit_and_rollback(void **state)
{
    unit_env *e = *state;
    struct txn_arg ok = {.result = ST_OK, .name = "kept"};
    assert_int_equal(core_txn(&e->cx, insert_then, &ok), ST_OK);
    plan_row got;
    assert_int_equal(store_plan_get(e->db, e->ws.id, ok.p.uuid, e->a, &got), ST_OK);

    struct txn_arg bad = {.result = ST_CONFLICT, .name = "dropped"};
    assert_int_equal(core_txn(&e->cx, insert_then, &bad), ST_CONFLICT);
    assert_int_equal(store_plan_get(e->db, e->ws.id, bad.p.uuid, e->a, &got), ST_NOT_FOUND);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM plans"), 1);

    /* an internal failure with no message gets one */
    unit_diag_clear(e);
    struct txn_arg internal = {.result = ST_INTERNAL, .name = "dropped too"};
    assert_int_equal(core_txn(&e->cx, insert_then, &internal), ST_INTERNAL);
    assert_string_equal(e->d.msg, "internal error");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM plans"), 1);
    /* and the connection is usable afterwards (no transaction left open) */
    assert_int_equal(core_txn(&e->cx, insert_then, &ok), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM plans"), 2);
}

static void test_read_bracket(void **state)
{
    unit_env *e = *state;
    assert_int_equal(core_read_begin(&e->cx), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM workspaces"), 1);
    core_read_end(&e->cx);
    /* a write works after the read ended */
    struct txn_arg ok = {.result = ST_OK, .name = "after read"};
    assert_int_equal(core_txn(&e->cx, insert_then, &ok), ST_OK);
}

/* ---- events ---- */

static int64_t make_ticket(unit_env *e)
{
    contact_row c = {0};
    uuid_v4(c.uuid);
    c.name = "C";
    c.plan_id = c.user_id = NULL_INT;
    assert_int_equal(store_contact_insert(e->db, e->ws.id, &c), ST_OK);
    ticket_row t = {0};
    uuid_v4(t.uuid);
    t.title = "t";
    t.description = "d";
    t.state = "new";
    t.category_id = t.user_id = t.chat_id = t.team_id = NULL_INT;
    t.ongoing_at = t.completed_at = NULL_INT;
    t.contact_id = c.id;
    assert_int_equal(store_ticket_insert(e->db, e->ws.id, &t), ST_OK);
    return t.id;
}

static void test_event_builder(void **state)
{
    unit_env *e = *state;
    int64_t tid = make_ticket(e);
    e->cx.now = 424242;
    evdata ev;
    ev_init(&ev);
    ev_str(&ev, "title", NULL, "He said \"hi\"\n");
    ev_int(&ev, "n", 1, NULL_INT);
    ev_int(&ev, "big", NULL_INT, INT64_MAX);
    ev_str(&ev, "gone", "x", NULL);
    assert_int_equal(ev_commit(&e->cx, tid, "ticket.test", &ev), ST_OK);
    assert_null(ev.w.b.data); /* released */

    e->cx.actor = ACTOR_KEY;
    snprintf(e->cx.actor_id, sizeof e->cx.actor_id, "11111111-2222-4333-8444-555555555555");
    evdata empty;
    ev_init(&empty);
    assert_int_equal(ev_commit(&e->cx, tid, "ticket.empty", &empty), ST_OK);

    event_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(store_event_list(e->db, e->ws.id, tid, 0, 10, e->a, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    assert_string_equal(rows[0].type, "ticket.test");
    assert_string_equal(rows[0].data,
                        "{\"title\":{\"before\":null,\"after\":\"He said \\\"hi\\\"\\n\"},"
                        "\"n\":{\"before\":1,\"after\":null},"
                        "\"big\":{\"before\":null,\"after\":9223372036854775807},"
                        "\"gone\":{\"before\":\"x\",\"after\":null}}");
    assert_string_equal(rows[0].actor_type, "system");
    assert_null(rows[0].actor_id);
    assert_int_equal(rows[0].created_at, 424242);
    assert_true(uuid_parse(rows[0].uuid, NULL));
    assert_string_equal(rows[1].data, "{}");
    assert_string_equal(rows[1].actor_type, "key");
    assert_string_equal(rows[1].actor_id, "11111111-2222-4333-8444-555555555555");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_actor_name),
        UNIT_TEST(test_ctx_init),
        cmocka_unit_test(test_core_page),
        cmocka_unit_test(test_core_page_whole_seconds),
        UNIT_TEST(test_core_page_bounds_include_row),
        cmocka_unit_test(test_check_text),
        cmocka_unit_test(test_check_email),
        cmocka_unit_test(test_check_language),
        UNIT_TEST(test_check_country),
        cmocka_unit_test(test_check_uuid),
        UNIT_TEST(test_txn_commit_and_rollback),
        UNIT_TEST(test_read_bracket),
        UNIT_TEST(test_event_builder),
    };
    return cmocka_run_group_tests_name("core/core", tests, NULL, NULL);
}
