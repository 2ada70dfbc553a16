/* Tests of core/category.c: create with lists (validation naming the field, unknown teammate
 * or plan, duplicate plans once), update keeping what is left out and clearing on null / [],
 * get/delete (soft: hidden from get and list, tickets keep the title), list by title, and the
 * billing-plan gate category_allows_plan. */
#include "unit.h"

#include "core/category.h"
#include "core/people.h"
#include "core/ticket.h"
#include "util/limits.h"
#include "util/uuid.h"

#define LIST(arr, count)                                                                           \
    {                                                                                              \
        .set = true, .v = (arr), .n = (count)                                                      \
    }

static plan_row make_plan(unit_env *e, const char *name)
{
    plan_in in = {.name = name};
    plan_row p;
    assert_int_equal(plan_create(&e->cx, &in, &p), ST_OK);
    return p;
}

static void create_fails(unit_env *e, const category_in *in, status st, const char *field)
{
    unit_diag_clear(e);
    category_row k;
    int64_t before = unit_count(e->db, "SELECT count(*) FROM categories");
    assert_int_equal(category_create(&e->cx, in, &k), st);
    assert_string_equal(e->d.field, field);
    assert_true(e->d.msg[0] != '\0');
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM categories"), before);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM category_subcategories"), 0);
}

static void test_create_full(void **state)
{
    unit_env *e = *state;
    plan_row p1 = make_plan(e, "P1"), p2 = make_plan(e, "P2");
    user_row u = unit_user(e, "Agent", "agent@example.com");
    const char *plans[] = {p2.uuid, p1.uuid, p2.uuid}; /* a duplicate counts once */
    const char *subs[] = {"Invoices", "Refunds"};
    category_in in = {.title = SET("Billing"),
                      .language = SET("pt-BR"),
                      .auto_reply = SET("We got it"),
                      .teammate_id = SET(u.uuid),
                      .plans = LIST(plans, 3),
                      .subcategories = LIST(subs, 2)};
    category_row k, got;
    assert_int_equal(category_create(&e->cx, &in, &k), ST_OK);
    assert_true(uuid_parse(k.uuid, NULL));
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_OK);
    assert_string_equal(got.title, "Billing");
    assert_string_equal(got.language, "pt-BR");
    assert_string_equal(got.auto_reply, "We got it");
    assert_int_equal(got.user_id, u.id);
    assert_string_equal(got.user_uuid, u.uuid);
    assert_int_equal(got.n_plans, 2);
    assert_string_equal(got.plan_uuids[0], p2.uuid);
    assert_string_equal(got.plan_uuids[1], p1.uuid);
    assert_int_equal(got.n_subcategories, 2);
    assert_string_equal(got.subcategories[0], "Invoices");
    assert_string_equal(got.subcategories[1], "Refunds");
}

static void test_create_minimal(void **state)
{
    unit_env *e = *state;
    category_in in = {.title = SET("General"), .language = SET("en")};
    category_row k, got;
    assert_int_equal(category_create(&e->cx, &in, &k), ST_OK);
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_OK);
    assert_null(got.auto_reply);
    assert_int_equal(got.user_id, NULL_INT);
    assert_null(got.user_uuid);
    assert_int_equal(got.n_plans, 0);
    assert_int_equal(got.n_subcategories, 0);
}

static void test_create_validation(void **state)
{
    unit_env *e = *state;
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    category_in in = {.language = SET("en")};
    create_fails(e, &in, ST_INVALID, "title");
    in = (category_in){.title = SET(""), .language = SET("en")};
    create_fails(e, &in, ST_INVALID, "title");
    in = (category_in){.title = SET("T")};
    create_fails(e, &in, ST_INVALID, "language");
    in = (category_in){.title = SET("T"), .language = SET("english please")};
    create_fails(e, &in, ST_INVALID, "language");
    in = (category_in){.title = SET("T"), .language = SET("en"), .auto_reply = SET("")};
    create_fails(e, &in, ST_INVALID, "automated_reply");
    in = (category_in){.title = SET("T"), .language = SET("en"), .auto_reply = SET("\xc0\x80")};
    create_fails(e, &in, ST_INVALID, "automated_reply");
    in = (category_in){.title = SET("T"), .language = SET("en"), .teammate_id = SET("bad")};
    create_fails(e, &in, ST_INVALID, "teammate_id");
    in = (category_in){.title = SET("T"), .language = SET("en"), .teammate_id = SET(id)};
    create_fails(e, &in, ST_NOT_FOUND, "teammate_id");
    const char *bad_plans[] = {id};
    in = (category_in){.title = SET("T"), .language = SET("en"), .plans = LIST(bad_plans, 1)};
    create_fails(e, &in, ST_NOT_FOUND, "billing_plans");
    assert_int_equal(e->d.reason, REASON_PLAN_UNKNOWN);
    const char *malformed_plans[] = {"nope"};
    in = (category_in){.title = SET("T"), .language = SET("en"), .plans = LIST(malformed_plans, 1)};
    create_fails(e, &in, ST_INVALID, "billing_plans");
    const char *bad_subs[] = {"ok", ""};
    in =
        (category_in){.title = SET("T"), .language = SET("en"), .subcategories = LIST(bad_subs, 2)};
    create_fails(e, &in, ST_INVALID, "subcategories");
    const char *null_sub[] = {NULL};
    in =
        (category_in){.title = SET("T"), .language = SET("en"), .subcategories = LIST(null_sub, 1)};
    create_fails(e, &in, ST_INVALID, "subcategories");
    const char **many = ARENA_ARRAY(e->a, const char *, LIMIT_ARRAY_ITEMS + 1);
    for (int i = 0; i <= LIMIT_ARRAY_ITEMS; i++)
        many[i] = "s";
    in = (category_in){.title = SET("T"),
                       .language = SET("en"),
                       .subcategories = LIST(many, LIMIT_ARRAY_ITEMS + 1)};
    create_fails(e, &in, ST_INVALID, "subcategories");
    in = (category_in){
        .title = SET("T"), .language = SET("en"), .plans = LIST(many, LIMIT_ARRAY_ITEMS + 1)};
    create_fails(e, &in, ST_INVALID, "billing_plans");
    /* exactly the limit is fine */
    in = (category_in){
        .title = SET("T"), .language = SET("en"), .subcategories = LIST(many, LIMIT_ARRAY_ITEMS)};
    category_row k;
    assert_int_equal(category_create(&e->cx, &in, &k), ST_OK);
    assert_int_equal(k.n_subcategories, LIMIT_ARRAY_ITEMS);
}

static category_row full_category(unit_env *e, plan_row *p, user_row *u)
{
    *p = make_plan(e, "Gold");
    *u = unit_user(e, "Agent", "agent@example.com");
    const char *plans[] = {p->uuid};
    const char *subs[] = {"a", "b"};
    category_in in = {.title = SET("Billing"),
                      .language = SET("en"),
                      .auto_reply = SET("Auto"),
                      .teammate_id = SET(u->uuid),
                      .plans = LIST(plans, 1),
                      .subcategories = LIST(subs, 2)};
    category_row k;
    assert_int_equal(category_create(&e->cx, &in, &k), ST_OK);
    return k;
}

static void test_update_keeps_left_out(void **state)
{
    unit_env *e = *state;
    plan_row p;
    user_row u;
    category_row k = full_category(e, &p, &u), out, got;
    e->cx.now += 1000;
    category_in in = {.title = SET("Billing v2"), .language = SET("fr")};
    assert_int_equal(category_update(&e->cx, k.uuid, &in, &out), ST_OK);
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_OK);
    assert_string_equal(got.title, "Billing v2");
    assert_string_equal(got.language, "fr");
    assert_string_equal(got.auto_reply, "Auto");
    assert_int_equal(got.user_id, u.id);
    assert_string_equal(got.user_uuid, u.uuid);
    assert_int_equal(got.n_plans, 1);
    assert_string_equal(got.plan_uuids[0], p.uuid);
    assert_int_equal(got.n_subcategories, 2);
    assert_string_equal(got.subcategories[1], "b");
    assert_int_equal(got.updated_at, e->cx.now);
    assert_int_equal(got.created_at, k.created_at);
}

static void test_update_clears_on_null_and_empty(void **state)
{
    unit_env *e = *state;
    plan_row p;
    user_row u;
    category_row k = full_category(e, &p, &u), out, got;
    category_in in = {.title = SET("Billing"),
                      .language = SET("en"),
                      .auto_reply = NUL,
                      .teammate_id = NUL,
                      .plans = {.set = true},
                      .subcategories = {.set = true}};
    assert_int_equal(category_update(&e->cx, k.uuid, &in, &out), ST_OK);
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_OK);
    assert_null(got.auto_reply);
    assert_int_equal(got.user_id, NULL_INT);
    assert_null(got.user_uuid);
    assert_int_equal(got.n_plans, 0);
    assert_int_equal(got.n_subcategories, 0);
    /* the cleared teammate and plan are free to go now */
    assert_int_equal(user_delete(&e->cx, u.uuid), ST_OK);
    assert_int_equal(plan_delete(&e->cx, p.uuid), ST_OK);
}

static void test_update_replaces_lists(void **state)
{
    unit_env *e = *state;
    plan_row p;
    user_row u;
    category_row k = full_category(e, &p, &u), out, got;
    plan_row p2 = make_plan(e, "Silver");
    const char *plans[] = {p2.uuid};
    const char *subs[] = {"c"};
    category_in in = {.title = SET("Billing"),
                      .language = SET("en"),
                      .plans = LIST(plans, 1),
                      .subcategories = LIST(subs, 1)};
    assert_int_equal(category_update(&e->cx, k.uuid, &in, &out), ST_OK);
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_OK);
    assert_int_equal(got.n_plans, 1);
    assert_string_equal(got.plan_uuids[0], p2.uuid);
    assert_int_equal(got.n_subcategories, 1);
    assert_string_equal(got.subcategories[0], "c");
    assert_string_equal(got.auto_reply, "Auto"); /* untouched */
}

static void test_update_validation_changes_nothing(void **state)
{
    unit_env *e = *state;
    plan_row p;
    user_row u;
    category_row k = full_category(e, &p, &u), out, got;
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    const char *subs[] = {"new"};
    /* a good list and a bad plan in one update: all or nothing */
    const char *plans[] = {id};
    category_in in = {.title = SET("Changed"),
                      .language = SET("en"),
                      .subcategories = LIST(subs, 1),
                      .plans = LIST(plans, 1)};
    unit_diag_clear(e);
    assert_int_equal(category_update(&e->cx, k.uuid, &in, &out), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "billing_plans");
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_OK);
    assert_string_equal(got.title, "Billing");
    assert_int_equal(got.n_subcategories, 2);
    assert_int_equal(got.n_plans, 1);
    category_in no_title = {.language = SET("en")};
    unit_diag_clear(e);
    assert_int_equal(category_update(&e->cx, k.uuid, &no_title, &out), ST_INVALID);
    assert_string_equal(e->d.field, "title");
    unit_diag_clear(e);
    assert_int_equal(category_update(&e->cx, id, &no_title, &out), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "ticket_category");
    unit_diag_clear(e);
    assert_int_equal(category_update(&e->cx, "zzz", &no_title, &out), ST_INVALID);
    assert_string_equal(e->d.field, "id");
}

static void test_delete_soft(void **state)
{
    unit_env *e = *state;
    category_in in = {.title = SET("Doomed"), .language = SET("en")};
    category_in in2 = {.title = SET("Alive"), .language = SET("en")};
    category_row k, k2, got;
    assert_int_equal(category_create(&e->cx, &in, &k), ST_OK);
    assert_int_equal(category_create(&e->cx, &in2, &k2), ST_OK);
    contact_in cin = {.name = SET("Client")};
    contact_row c;
    assert_int_equal(contact_create(&e->cx, &cin, &c), ST_OK);
    ticket_create_in tin = {
        .client_id = c.uuid, .title = "t", .description = "d", .category = k.uuid};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &tin, &t), ST_OK);

    assert_int_equal(category_delete(&e->cx, k.uuid), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(category_get(&e->cx, k.uuid, &got), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "ticket_category");
    assert_int_equal(category_delete(&e->cx, k.uuid), ST_NOT_FOUND);
    category_row *rows;
    size_t n;
    int64_t total;
    list_in li = unit_list_in(1, 10);
    assert_int_equal(category_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].title, "Alive");
    /* its ticket still shows the title */
    ticket_row tg;
    assert_int_equal(ticket_get(&e->cx, t.uuid, &tg), ST_OK);
    assert_string_equal(tg.category_title, "Doomed");
    /* and no new ticket can use it */
    unit_diag_clear(e);
    assert_int_equal(ticket_create(&e->cx, &tin, &t), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "category");
}

static void test_list_sorted(void **state)
{
    unit_env *e = *state;
    const char *titles[] = {"Charlie", "Alpha", "Bravo"};
    for (int i = 0; i < 3; i++) {
        e->cx.now = 1000000 + i * 1000;
        category_in in = {.title = SET(titles[i]), .language = SET("en")};
        category_row k;
        assert_int_equal(category_create(&e->cx, &in, &k), ST_OK);
    }
    category_row *rows;
    size_t n;
    int64_t total;
    list_in li = unit_list_in(1, 10);
    assert_int_equal(category_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].title, "Charlie"); /* created order */
    li.sort = SORT_TITLE;
    assert_int_equal(category_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_string_equal(rows[0].title, "Alpha");
    assert_string_equal(rows[2].title, "Charlie");
    li.desc = true;
    li.per_page = 2;
    li.page = 2;
    assert_int_equal(category_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].title, "Alpha");
}

static void test_allows_plan(void **state)
{
    int64_t ids[] = {7, 9};
    category_row open = {.n_plans = 0};
    category_row gated = {.plan_ids = ids, .n_plans = 2};
    assert_true(category_allows_plan(&open, 7));
    assert_true(category_allows_plan(&open, NULL_INT));
    assert_true(category_allows_plan(&gated, 7));
    assert_true(category_allows_plan(&gated, 9));
    assert_false(category_allows_plan(&gated, 8));
    /* a client on no plan is not gated (DIALECTS.md: "a client on a billing plan may only …") */
    assert_true(category_allows_plan(&gated, NULL_INT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_create_full),
        UNIT_TEST(test_create_minimal),
        UNIT_TEST(test_create_validation),
        UNIT_TEST(test_update_keeps_left_out),
        UNIT_TEST(test_update_clears_on_null_and_empty),
        UNIT_TEST(test_update_replaces_lists),
        UNIT_TEST(test_update_validation_changes_nothing),
        UNIT_TEST(test_delete_soft),
        UNIT_TEST(test_list_sorted),
        cmocka_unit_test(test_allows_plan),
    };
    return cmocka_run_group_tests_name("core/category", tests, NULL, NULL);
}
