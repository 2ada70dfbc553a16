/* Tests of core/assist.c (Apizee's tickets) on a real store: the validators (E.164, service
 * keys, comma lists, ISO dates, paging), create (every field checked and named; the requestor
 * found by email or phone and updated, else created; agent by id, email or username; group;
 * a type naming a category; the schedule defaults), update (fields, state with its
 * timestamps, agent, group, events), delete, the list's filters and orders, and the rule for
 * users acting through a token (own or unassigned tickets; user=all for admins). */
#include "unit.h"

#include "core/assist.h"
#include "core/category.h"
#include "core/people.h"
#include "core/tag.h"
#include "core/ticket.h"
#include "util/limits.h"
#include "util/uuid.h"

static void assert_diag(unit_env *e, status got, status st, const char *field)
{
    assert_int_equal(got, st);
    assert_string_equal(e->d.field, field);
    assert_true(e->d.msg[0] != '\0');
    unit_diag_clear(e);
}

static void test_validators(void **state)
{
    assert_true(assist_is_e164("+33612345678"));
    assert_true(assist_is_e164("+6834002"));
    assert_false(assist_is_e164("33612345678"));
    assert_false(assist_is_e164("+0612345678"));
    assert_false(assist_is_e164("+336 12345678"));
    assert_false(assist_is_e164("+1234567890123456")); /* 16 digits */
    assert_false(assist_is_e164("+"));
    assert_false(assist_is_e164(NULL));
    assert_true(assist_is_service_key("sfa6mdbzx9vigfvryihfokt9khux8qan"));
    assert_false(assist_is_service_key("Sfa6mdbzx9vigfvryihfokt9khux8qan"));
    assert_false(assist_is_service_key("sfa6mdbzx9vigfvryihfokt9khux8qa"));
    assert_false(assist_is_service_key("sfa6mdbzx9vigfvryihfokt9khux8qa-"));
    arena *a = arena_new(256);
    const char **items;
    assert_int_equal(assist_split(a, " a@x.io , ,b@y.io,", &items), 2);
    assert_string_equal(items[0], "a@x.io");
    assert_string_equal(items[1], "b@y.io");
    assert_int_equal(assist_split(a, "", &items), 0);
    assert_int_equal(assist_split(a, NULL, &items), 0);
    diag d = {0};
    int64_t lim, off;
    opt_int none = {0};
    assert_int_equal(assist_paging(&d, none, none, 10, 100, &lim, &off), ST_OK);
    assert_int_equal(lim, 10);
    assert_int_equal(off, 0);
    assert_int_equal(assist_paging(&d, (opt_int){true, 101}, none, 10, 100, &lim, &off),
                     ST_INVALID);
    assert_string_equal(d.field, "limit");
    assert_int_equal(
        assist_paging(&d, (opt_int){true, 5}, (opt_int){true, -1}, 10, 100, &lim, &off),
        ST_INVALID);
    assert_string_equal(d.field, "offset");
    assert_int_equal(assist_paging(&d, (opt_int){true, 5}, (opt_int){true, 7}, 10, 100, &lim, &off),
                     ST_OK);
    assert_int_equal(lim, 5);
    assert_int_equal(off, 7);
    arena_free(a);
}

static ticket_row create(unit_env *e, assist_in in)
{
    ticket_row t;
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    return t;
}

static void test_create_checks_each_field(void **state)
{
    unit_env *e = *state;
    ticket_row t;
    int64_t before = unit_count(e->db, "SELECT count(*) FROM tickets");
    assert_diag(e, assist_create(&e->cx, &(assist_in){.name = "Paul"}, &t), ST_INVALID, "email");
    assert_diag(e, assist_create(&e->cx, &(assist_in){.email = "paul@x.io,nope"}, &t), ST_INVALID,
                "email");
    assert_diag(e, assist_create(&e->cx, &(assist_in){.phone = "0612345678"}, &t), ST_INVALID,
                "phone");
    static const struct {
        assist_in in;
        const char *field;
    } bad[] = {
        {{.email = "p@x.io", .country = "France"}, "country"},
        {{.email = "p@x.io", .service_key = "ABC"}, "service_key"},
        {{.email = "p@x.io", .duration = {true, -5}}, "duration"},
        {{.email = "p@x.io", .reminder = {true, LIMIT_CALL_MINUTES + 1}}, "reminder"},
        {{.email = "p@x.io", .language = "french!"}, "language"},
        {{.email = "p@x.io", .group = "not-a-uuid"}, "group"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_diag(e, assist_create(&e->cx, &bad[i].in, &t), ST_INVALID, bad[i].field);
    assert_int_equal(assist_create(&e->cx, &(assist_in){.email = "p@x.io", .agent = "ghost"}, &t),
                     ST_NOT_FOUND);
    assert_string_equal(e->d.field, "agent");
    assert_int_equal(e->d.reason, REASON_BODY_REF);
    unit_diag_clear(e);
    /* at most LIMIT_RECIPIENTS addresses, emails and phones together, whatever send_invitation */
    char *emails = "", *phones = "";
    for (int i = 0; i < LIMIT_RECIPIENTS; i++)
        emails = arena_printf(e->a, "%s%sr%d@x.io", emails, i ? "," : "", i);
    char *one_more = arena_printf(e->a, "%s,last@x.io", emails);
    assert_diag(
        e,
        assist_create(&e->cx, &(assist_in){.email = one_more, .send_invitation = {true, true}}, &t),
        ST_INVALID, "email");
    for (int i = 0; i < 10; i++)
        phones = arena_printf(e->a, "%s%s+3361234567%d", phones, i ? "," : "", i);
    assert_diag(e, assist_create(&e->cx, &(assist_in){.email = emails, .phone = phones}, &t),
                ST_INVALID, "phone");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets"), before);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM notifications"), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM contacts WHERE user_id IS NULL"), 0);
    ticket_row full = create(e, (assist_in){.email = emails});
    assert_string_equal(full.contact_email, "r0@x.io");
}

static void test_create_and_requestor(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000000LL;
    user_row agent = unit_user(e, "Ann", "ann@example.com");
    team_in ti = {.name = SET("Support")};
    team_row team;
    assert_int_equal(team_create(&e->cx, &ti, &team), ST_OK);
    category_in ci = {.title = SET("assistance"), .language = SET("en")};
    category_row cat;
    assert_int_equal(category_create(&e->cx, &ci, &cat), ST_OK);

    ticket_row t =
        create(e, (assist_in){.name = "Paul",
                              .email = "paul@apizee.com, jean@apizee.com",
                              .phone = "+33612345678",
                              .country = "fr",
                              .firstname = "P.",
                              .company = "Acme",
                              .gender = "male",
                              .subject = "Camera check",
                              .description = "My camera is black",
                              .reference = "R-1",
                              .type = "assistance",
                              .service_key = "sfa6mdbzx9vigfvryihfokt9khux8qan",
                              .agent = "ANN@example.com",
                              .group = team.uuid,
                              .start_date = {true, 1704121200000LL /* 2024-01-01T15:00:00Z */},
                              .duration = {true, 45},
                              .send_invitation = {true, true},
                              .language = "fr"});
    assert_string_equal(t.state, "new");
    assert_string_equal(t.title, "Camera check");
    assert_string_equal(t.user_uuid, agent.uuid);
    assert_string_equal(t.user_email, "ann@example.com");
    assert_string_equal(t.team_uuid, team.uuid);
    assert_string_equal(t.team_name, "Support");
    assert_int_equal(t.category_id, cat.id);
    assert_string_equal(t.contact_name, "Paul");
    assert_string_equal(t.contact_email, "paul@apizee.com");
    assert_string_equal(t.contact_phone, "+33612345678");
    assert_string_equal(t.contact_country, "FR");
    assert_string_equal(t.contact_company, "Acme");
    assert_string_equal(t.reference, "R-1");
    assert_int_equal(t.start_date, 1704121200000LL);
    assert_int_equal(t.duration, 45);
    assert_int_equal(t.reminder, 30); /* the default */
    assert_true(t.send_invitation);
    assert_non_null(t.chat_uuid);
    /* the description is the requestor's first reply (Tamio shows it) */
    ticket_row full;
    assert_int_equal(ticket_get(&e->cx, t.uuid, &full), ST_OK);
    assert_int_equal(full.n_replies, 1);
    assert_true(full.replies[0].is_client);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events WHERE type = 'ticket.created'"),
                     1);

    /* the same email again: the same client, its details updated */
    ticket_row t2 = create(e, (assist_in){.email = "PAUL@apizee.com", .company = "Acme 2"});
    assert_string_equal(t2.contact_uuid, t.contact_uuid);
    assert_string_equal(t2.contact_name, "Paul");
    assert_string_equal(t2.contact_company, "Acme 2");
    assert_string_equal(t2.title, "");
    assert_int_equal(t2.user_id, NULL_INT);
    /* a phone only: found by phone */
    ticket_row t3 = create(e, (assist_in){.phone = "+33612345678"});
    assert_string_equal(t3.contact_uuid, t.contact_uuid);
    /* someone new */
    ticket_row t4 = create(e, (assist_in){.phone = "+14155550100"});
    assert_string_not_equal(t4.contact_uuid, t.contact_uuid);
    assert_string_equal(t4.contact_name, "+14155550100");
    /* a type that names no category is just a type */
    ticket_row t5 = create(e, (assist_in){.email = "x@y.io", .type = "assistance-multi"});
    assert_int_equal(t5.category_id, NULL_INT);
    assert_string_equal(t5.type, "assistance-multi");
}

static void test_update_and_delete(void **state)
{
    unit_env *e = *state;
    user_row ann = unit_user(e, "Ann", "ann@example.com");
    user_in bi = {.name = SET("Bob"), .email = SET("bob@example.com"), .username = SET("bob")};
    user_row bob;
    assert_int_equal(user_create(&e->cx, &bi, &bob), ST_OK);
    ticket_row t = create(e, (assist_in){.email = "p@x.io", .subject = "S", .reference = "R"});
    assist_patch p = {.state = SET("inprogress"),
                      .agent = SET("bob"),
                      .subject = SET("S2"),
                      .reference = SET("")};
    assert_int_equal(assist_update(&e->cx, t.uuid, &p), ST_OK);
    int64_t medias;
    assert_int_equal(assist_get(&e->cx, t.uuid, &t, &medias), ST_OK);
    assert_int_equal(medias, 0);
    assert_string_equal(t.state, "inprogress");
    assert_true(t.ongoing_at != NULL_INT);
    assert_string_equal(t.user_uuid, bob.uuid);
    assert_string_equal(t.title, "S2");
    assert_null(t.reference);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events WHERE type IN "
                                       "('ticket.updated', 'ticket.assigned', "
                                       "'ticket.state_changed')"),
                     3);
    p = (assist_patch){.state = SET("done"), .agent = SET(ann.uuid)};
    assert_int_equal(assist_update(&e->cx, t.uuid, &p), ST_OK);
    assert_int_equal(assist_get(&e->cx, t.uuid, &t, &medias), ST_OK);
    assert_false(t.is_open);
    assert_true(t.completed_at != NULL_INT);
    p = (assist_patch){.state = SET("finished")};
    assert_diag(e, assist_update(&e->cx, t.uuid, &p), ST_INVALID, "state");
    p = (assist_patch){.agent = SET("nobody@example.com")};
    assert_int_equal(assist_update(&e->cx, t.uuid, &p), ST_NOT_FOUND);
    assert_int_equal(e->d.reason, REASON_BODY_REF);
    unit_diag_clear(e);
    /* nothing set: nothing written */
    int64_t events = unit_count(e->db, "SELECT count(*) FROM events");
    assert_int_equal(assist_update(&e->cx, t.uuid, &(assist_patch){0}), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events"), events);
    assert_int_equal(assist_delete(&e->cx, t.uuid), ST_OK);
    assert_int_equal(assist_get(&e->cx, t.uuid, &t, &medias), ST_NOT_FOUND);
    assert_int_equal(e->d.reason, REASON_NONE); /* the path's ticket: 404 */
}

static void test_list_filters_and_orders(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000000LL;
    ticket_row a =
        create(e, (assist_in){.email = "a@x.io",
                              .subject = "Bravo",
                              .reference = "R1",
                              .start_date = {true, 1709287200000LL /* 2024-03-01T10:00:00Z */},
                              .duration = {true, 60},
                              .type = "assistance"});
    e->cx.now += 1000;
    ticket_row b =
        create(e, (assist_in){.email = "b@x.io",
                              .subject = "Alpha",
                              .reference = "R2",
                              .start_date = {true, 1706781600000LL /* 2024-02-01T10:00:00Z */},
                              .duration = {true, 30},
                              .service_key = "sfa6mdbzx9vigfvryihfokt9khux8qan"});
    e->cx.now += 1000;
    ticket_row c = create(e, (assist_in){.email = "c@x.io",
                                         .subject = "Charlie",
                                         .description = "the printer is on fire"});
    ticket_row *rows;
    size_t n;
    int64_t total, *medias;
    /* start_time desc (the default): scheduled first, latest first; unscheduled last */
    assert_int_equal(assist_list(&e->cx, &(assist_list_in){0}, &rows, &n, &total, &medias), ST_OK);
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].uuid, a.uuid);
    assert_string_equal(rows[1].uuid, b.uuid);
    assert_string_equal(rows[2].uuid, c.uuid);
    assist_list_in in = {.orderby = "start_time", .order = "asc"};
    assert_int_equal(assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_OK);
    assert_string_equal(rows[0].uuid, b.uuid);
    assert_string_equal(rows[2].uuid, c.uuid); /* still last */
    in = (assist_list_in){.orderby = "subject", .order = "asc"};
    assert_int_equal(assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_OK);
    assert_string_equal(rows[0].title, "Alpha");
    in = (assist_list_in){
        .orderby = "date", .order = "desc", .limit = {true, 1}, .offset = {true, 1}};
    assert_int_equal(assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].uuid, b.uuid);

    static const struct {
        assist_list_in in;
        int64_t want;
    } cases[] = {
        {{.reference = "R1"}, 1},
        {{.type = "assistance"}, 1},
        {{.service_key = "sfa6mdbzx9vigfvryihfokt9khux8qan"}, 1},
        {{.started_after = {true, 1707955200000LL /* 2024-02-15T00:00:00Z */}}, 1},
        {{.ended_before = {true, 1706783400000LL /* 2024-02-01T10:30:00Z */}}, 1},
        {{.ended_before = {true, 1706783399000LL /* 2024-02-01T10:29:59Z */}}, 0},
        {{.since = {true, 1700000001000LL /* 2023-11-14T22:13:21Z */}}, 2},
        {{.until = {true, 1700000000000LL /* 2023-11-14T22:13:20Z */}}, 1},
        {{.search = "printer"}, 1},
        {{.search = "charlie"}, 1},
        {{.search = "nothing-like-it"}, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(assist_list(&e->cx, &cases[i].in, &rows, &n, &total, &medias), ST_OK);
        assert_int_equal(total, cases[i].want);
    }
    /* an unknown user is an unknown reference (400 naming it), not an empty page */
    in = (assist_list_in){.user = "nobody@example.com"};
    assert_int_equal(assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "user");
    assert_int_equal(e->d.reason, REASON_BODY_REF);
    unit_diag_clear(e);
    in = (assist_list_in){.orderby = "priority"};
    assert_diag(e, assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_INVALID, "orderby");
    in = (assist_list_in){.limit = {true, LIMIT_PAGE_SIZE + 1}};
    assert_diag(e, assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_INVALID, "limit");
    in = (assist_list_in){.requestor = "x"};
    assert_diag(e, assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_INVALID, "requestor");
    in = (assist_list_in){.requestor = a.contact_uuid};
    assert_int_equal(assist_list(&e->cx, &in, &rows, &n, &total, &medias), ST_OK);
    assert_int_equal(total, 1);
}

static void test_token_users_see_their_own(void **state)
{
    unit_env *e = *state;
    user_row ann = unit_user(e, "Ann", "ann@example.com");
    user_row bob = unit_user(e, "Bob", "bob@example.com");
    ticket_row mine = create(e, (assist_in){.email = "a@x.io", .agent = ann.uuid});
    ticket_row his = create(e, (assist_in){.email = "b@x.io", .agent = bob.uuid});
    ticket_row nobody = create(e, (assist_in){.email = "c@x.io"});
    core_ctx as_ann = e->cx;
    as_ann.user_id = ann.id;
    as_ann.admin = false;
    ticket_row *rows;
    size_t n;
    int64_t total, *medias, m;
    assert_int_equal(assist_list(&as_ann, &(assist_list_in){0}, &rows, &n, &total, &medias), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].uuid, mine.uuid);
    assert_diag(e,
                assist_list(&as_ann, &(assist_list_in){.user = "all"}, &rows, &n, &total, &medias),
                ST_FORBIDDEN, "user");
    assert_diag(
        e, assist_list(&as_ann, &(assist_list_in){.user = bob.uuid}, &rows, &n, &total, &medias),
        ST_FORBIDDEN, "user");
    ticket_row t;
    assert_int_equal(assist_get(&as_ann, mine.uuid, &t, &m), ST_OK);
    assert_int_equal(assist_get(&as_ann, nobody.uuid, &t, &m), ST_OK);
    assert_diag(e, assist_get(&as_ann, his.uuid, &t, &m), ST_FORBIDDEN, "id");
    assert_diag(e, assist_delete(&as_ann, his.uuid), ST_FORBIDDEN, "id");
    /* an admin's token, and a key, see everything */
    as_ann.admin = true;
    assert_int_equal(
        assist_list(&as_ann, &(assist_list_in){.user = "all"}, &rows, &n, &total, &medias), ST_OK);
    assert_int_equal(total, 3);
    assert_int_equal(assist_list(&e->cx, &(assist_list_in){0}, &rows, &n, &total, &medias), ST_OK);
    assert_int_equal(total, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validators),
        cmocka_unit_test_setup_teardown(test_create_checks_each_field, unit_setup, unit_teardown),
        cmocka_unit_test_setup_teardown(test_create_and_requestor, unit_setup, unit_teardown),
        cmocka_unit_test_setup_teardown(test_update_and_delete, unit_setup, unit_teardown),
        cmocka_unit_test_setup_teardown(test_list_filters_and_orders, unit_setup, unit_teardown),
        cmocka_unit_test_setup_teardown(test_token_users_see_their_own, unit_setup, unit_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
