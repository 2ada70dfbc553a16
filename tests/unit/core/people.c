/* Tests of core/people.c: teammates (validation naming the field, defaults, password hashing,
 * duplicate email or username -> ST_CONFLICT, partial update, delete refused while referenced),
 * clients (validation, billing plan resolve and clear, delete refused while referenced) and
 * billing plans (create, list, delete refused while a client or category uses them). */
#include "unit.h"

#include <ctype.h>

#include "core/category.h"
#include "core/people.h"
#include "core/ticket.h"
#include "util/crypto.h"
#include "util/uuid.h"

static plan_row make_plan(unit_env *e, const char *name)
{
    plan_in in = {.name = name};
    plan_row p;
    assert_int_equal(plan_create(&e->cx, &in, &p), ST_OK);
    return p;
}

static contact_row make_contact(unit_env *e, const char *name, const char *plan)
{
    contact_in in = {
        .name = SET(name), .email = SET("c@example.com"), .plan = {plan != NULL, plan}};
    contact_row c;
    assert_int_equal(contact_create(&e->cx, &in, &c), ST_OK);
    return c;
}

/* Expects user_create(in) to fail with st on field. */
static void user_fails(unit_env *e, const user_in *in, status st, const char *field)
{
    unit_diag_clear(e);
    user_row u;
    int64_t before = unit_count(e->db, "SELECT count(*) FROM users");
    assert_int_equal(user_create(&e->cx, in, &u), st);
    assert_string_equal(e->d.field, field);
    assert_true(e->d.msg[0] != '\0');
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM users"), before);
}

/* ---- teammates ---- */

static void test_user_create_defaults(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000123LL;
    user_in in = {.name = SET("Ana"),
                  .email = SET("ana@example.com"),
                  .country = SET("pt"),
                  .last_name = SET("Silva")};
    user_row u;
    assert_int_equal(user_create(&e->cx, &in, &u), ST_OK);
    assert_true(uuid_parse(u.uuid, NULL));
    assert_string_equal(u.role, "agent");
    assert_string_equal(u.country, "PT");
    assert_int_equal(u.last_login, NULL_INT);
    assert_int_equal(u.created_at, 1700000000123LL);
    assert_null(u.password_hash);
    user_row got;
    assert_int_equal(user_get(&e->cx, u.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Ana");
    assert_string_equal(got.last_name, "Silva");
    assert_string_equal(got.email, "ana@example.com");
    assert_string_equal(got.role, "agent");
    assert_string_equal(got.country, "PT");
    assert_null(got.username);
    assert_string_equal(user_permission(&got), "tickets");
    /* an upper-case id finds it too */
    char upper[UUID_STR_LEN + 1];
    for (int i = 0; i <= UUID_STR_LEN; i++)
        upper[i] = (char)toupper((unsigned char)u.uuid[i]);
    assert_int_equal(user_get(&e->cx, upper, &got), ST_OK);
}

static void test_user_admin_and_password(void **state)
{
    unit_env *e = *state;
    user_in in = {.name = SET("Root"),
                  .email = SET("root@example.com"),
                  .role = SET("admin"),
                  .password = SET("s3cret-pass"),
                  .username = SET("root")};
    user_row u;
    assert_int_equal(user_create(&e->cx, &in, &u), ST_OK);
    user_row got;
    assert_int_equal(user_get(&e->cx, u.uuid, &got), ST_OK);
    assert_string_equal(got.role, "admin");
    assert_string_equal(user_permission(&got), "*");
    assert_string_equal(got.username, "root");
    assert_non_null(got.password_hash);
    assert_int_equal(strncmp(got.password_hash, "$argon2id$", 10), 0);
    assert_null(strstr(got.password_hash, "s3cret-pass"));
    assert_true(crypto_password_check("s3cret-pass", got.password_hash));
    /* password: null clears it */
    user_in clear = {.password = NUL};
    assert_int_equal(user_update(&e->cx, u.uuid, &clear, &got), ST_OK);
    assert_int_equal(user_get(&e->cx, u.uuid, &got), ST_OK);
    assert_null(got.password_hash);
}

static void test_user_validation_names_field(void **state)
{
    unit_env *e = *state;
    user_in in = {.email = SET("a@b.c")};
    user_fails(e, &in, ST_INVALID, "name"); /* missing */
    in = (user_in){.name = SET(""), .email = SET("a@b.c")};
    user_fails(e, &in, ST_INVALID, "name");
    in = (user_in){.name = NUL, .email = SET("a@b.c")};
    user_fails(e, &in, ST_INVALID, "name");
    in = (user_in){.name = SET("A")};
    user_fails(e, &in, ST_INVALID, "email");
    in = (user_in){.name = SET("A"), .email = SET("not an email")};
    user_fails(e, &in, ST_INVALID, "email");
    in = (user_in){.name = SET("A"), .email = SET("a@b.c"), .role = SET("boss")};
    user_fails(e, &in, ST_INVALID, "role");
    in = (user_in){.name = SET("A"), .email = SET("a@b.c"), .role = NUL};
    user_fails(e, &in, ST_INVALID, "role");
    in = (user_in){.name = SET("A"), .email = SET("a@b.c"), .username = SET("")};
    user_fails(e, &in, ST_INVALID, "username");
    in = (user_in){.name = SET("A"), .email = SET("a@b.c"), .password = SET("short")};
    user_fails(e, &in, ST_INVALID, "password");
    in = (user_in){.name = SET("A"), .email = SET("a@b.c"), .country = SET("PRT")};
    user_fails(e, &in, ST_INVALID, "country");
    in = (user_in){.name = SET("A\xff"), .email = SET("a@b.c")};
    user_fails(e, &in, ST_INVALID, "name");
    char *long_name = arena_zalloc(e->a, 300);
    memset(long_name, 'x', 256);
    in = (user_in){.name = SET("A"), .email = SET("a@b.c"), .last_name = SET(long_name)};
    user_fails(e, &in, ST_INVALID, "last_name");
    in = (user_in){.name = SET(long_name), .email = SET("a@b.c")};
    user_fails(e, &in, ST_INVALID, "name");
    long_name[255] = '\0'; /* 255 characters is the limit, allowed */
    in = (user_in){.name = SET(long_name), .email = SET("a@b.c")};
    user_row u;
    assert_int_equal(user_create(&e->cx, &in, &u), ST_OK);
}

static void test_user_duplicate_email_conflict(void **state)
{
    unit_env *e = *state;
    unit_user(e, "A", "same@example.com");
    user_in in = {.name = SET("B"), .email = SET("Same@Example.com")};
    user_fails(e, &in, ST_CONFLICT, "email");
    /* a taken username is a conflict too */
    user_in a = {.name = SET("C"), .email = SET("c@example.com"), .username = SET("carol")};
    user_row u;
    assert_int_equal(user_create(&e->cx, &a, &u), ST_OK);
    user_in b = {.name = SET("D"), .email = SET("d@example.com"), .username = SET("CAROL")};
    unit_diag_clear(e);
    assert_int_equal(user_create(&e->cx, &b, &u), ST_CONFLICT);
    /* update into someone else's email */
    user_row d = unit_user(e, "D", "d@example.com");
    user_in upd = {.email = SET("same@example.com")};
    unit_diag_clear(e);
    assert_int_equal(user_update(&e->cx, d.uuid, &upd, &u), ST_CONFLICT);
    assert_string_equal(e->d.field, "email");
    user_row got;
    assert_int_equal(user_get(&e->cx, d.uuid, &got), ST_OK);
    assert_string_equal(got.email, "d@example.com");
}

static void test_user_update_partial(void **state)
{
    unit_env *e = *state;
    user_in in = {.name = SET("Ana"),
                  .email = SET("ana@example.com"),
                  .last_name = SET("Silva"),
                  .country = SET("PT"),
                  .role = SET("admin")};
    user_row u, got;
    assert_int_equal(user_create(&e->cx, &in, &u), ST_OK);
    e->cx.now += 5000;
    user_in upd = {.name = SET("Ana Maria")};
    assert_int_equal(user_update(&e->cx, u.uuid, &upd, &got), ST_OK);
    assert_int_equal(user_get(&e->cx, u.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Ana Maria");
    assert_string_equal(got.email, "ana@example.com"); /* kept */
    assert_string_equal(got.last_name, "Silva");
    assert_string_equal(got.country, "PT");
    assert_string_equal(got.role, "admin");
    assert_int_equal(got.updated_at, e->cx.now);
    assert_int_equal(got.created_at, u.created_at);
    user_in clear = {.last_name = NUL, .country = NUL};
    assert_int_equal(user_update(&e->cx, u.uuid, &clear, &got), ST_OK);
    assert_int_equal(user_get(&e->cx, u.uuid, &got), ST_OK);
    assert_null(got.last_name);
    assert_null(got.country);
    assert_string_equal(got.name, "Ana Maria");
    /* a required field set to null is refused and changes nothing */
    user_in bad = {.name = NUL};
    unit_diag_clear(e);
    assert_int_equal(user_update(&e->cx, u.uuid, &bad, &got), ST_INVALID);
    assert_string_equal(e->d.field, "name");
    user_in bad_email = {.email = SET("nope")};
    unit_diag_clear(e);
    assert_int_equal(user_update(&e->cx, u.uuid, &bad_email, &got), ST_INVALID);
    assert_string_equal(e->d.field, "email");
    assert_int_equal(user_get(&e->cx, u.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Ana Maria");
    assert_string_equal(got.email, "ana@example.com");
}

static void test_user_get_errors(void **state)
{
    unit_env *e = *state;
    user_row u;
    unit_diag_clear(e);
    assert_int_equal(user_get(&e->cx, "nope", &u), ST_INVALID);
    assert_string_equal(e->d.field, "id");
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    unit_diag_clear(e);
    assert_int_equal(user_get(&e->cx, id, &u), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "teammate");
    user_in upd = {.name = SET("x")};
    assert_int_equal(user_update(&e->cx, id, &upd, &u), ST_NOT_FOUND);
    assert_int_equal(user_delete(&e->cx, id), ST_NOT_FOUND);
    /* another workspace's teammate is unknown here */
    user_row mine = unit_user(e, "Mine", "mine@example.com");
    ws_row w;
    assert_int_equal(workspace_create(e->db, "other", e->a, &w, &e->d), ST_OK);
    e->cx.ws = w.id;
    assert_int_equal(user_get(&e->cx, mine.uuid, &u), ST_NOT_FOUND);
    assert_int_equal(user_delete(&e->cx, mine.uuid), ST_NOT_FOUND);
    e->cx.ws = e->ws.id;
    assert_int_equal(user_get(&e->cx, mine.uuid, &u), ST_OK);
}

static void test_user_delete(void **state)
{
    unit_env *e = *state;
    user_row free_user = unit_user(e, "Free", "free@example.com");
    assert_int_equal(user_delete(&e->cx, free_user.uuid), ST_OK);
    user_row got;
    assert_int_equal(user_get(&e->cx, free_user.uuid, &got), ST_NOT_FOUND);

    /* referenced by a category (auto-assign) */
    user_row agent = unit_user(e, "Agent", "agent@example.com");
    category_in kin = {
        .title = SET("Support"), .language = SET("en"), .teammate_id = SET(agent.uuid)};
    category_row k;
    assert_int_equal(category_create(&e->cx, &kin, &k), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(user_delete(&e->cx, agent.uuid), ST_CONFLICT);
    assert_string_equal(e->d.field, "teammate");
    assert_int_equal(user_get(&e->cx, agent.uuid, &got), ST_OK);

    /* referenced by a ticket */
    user_row other = unit_user(e, "Other", "other@example.com");
    contact_row c = make_contact(e, "Client", NULL);
    category_in plain = {.title = SET("Plain"), .language = SET("en")};
    category_row k2;
    assert_int_equal(category_create(&e->cx, &plain, &k2), ST_OK);
    ticket_create_in tin = {
        .client_id = c.uuid, .title = "t", .description = "d", .category = k2.uuid};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &tin, &t), ST_OK);
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", other.uuid, &t), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(user_delete(&e->cx, other.uuid), ST_CONFLICT);
    assert_int_equal(user_get(&e->cx, other.uuid, &got), ST_OK);
}

static void test_user_list(void **state)
{
    unit_env *e = *state;
    const char *names[] = {"Carol", "alice", "Bob"};
    char email[32];
    for (int i = 0; i < 3; i++) {
        e->cx.now = 1000000 + i * 1000;
        snprintf(email, sizeof email, "u%d@example.com", i);
        unit_user(e, names[i], email);
    }
    list_in in = unit_list_in(1, 2);
    user_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(user_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 2);
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].name, "Carol");
    in.page = 2;
    assert_int_equal(user_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].name, "Bob");
    in.page = 3;
    assert_int_equal(user_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(total, 3);
    in = unit_list_in(1, 10);
    in.desc = true;
    assert_int_equal(user_list(&e->cx, &in, &rows, &n, &total), ST_OK);
    assert_string_equal(rows[0].name, "Bob");
    assert_string_equal(rows[2].name, "Carol");
}

/* ---- clients ---- */

static void test_contact_create_and_validation(void **state)
{
    unit_env *e = *state;
    plan_row p = make_plan(e, "Gold");
    contact_in in = {.name = SET("Client"),
                     .email = SET("c@example.com"),
                     .country = SET("br"),
                     .plan = SET(p.uuid)};
    contact_row c, got;
    assert_int_equal(contact_create(&e->cx, &in, &c), ST_OK);
    assert_int_equal(contact_get(&e->cx, c.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Client");
    assert_string_equal(got.country, "BR");
    assert_int_equal(got.plan_id, p.id);
    assert_string_equal(got.plan_uuid, p.uuid);
    /* name only is enough */
    contact_in minimal = {.name = SET("Min")};
    assert_int_equal(contact_create(&e->cx, &minimal, &c), ST_OK);
    assert_int_equal(c.plan_id, NULL_INT);
    assert_null(c.email);

    struct {
        contact_in in;
        status st;
        const char *field;
    } bad[] = {
        {{.email = SET("c@example.com")}, ST_INVALID, "name"},
        {{.name = SET("")}, ST_INVALID, "name"},
        {{.name = SET("X"), .email = SET("nope")}, ST_INVALID, "email"},
        {{.name = SET("X"), .country = SET("123")}, ST_INVALID, "country"},
        {{.name = SET("X"), .plan = SET("not-a-uuid")}, ST_INVALID, "billing_plan"},
        {{.name = SET("X"), .plan = SET("00000000-0000-4000-8000-000000000000")},
         ST_NOT_FOUND,
         "billing_plan"},
    };
    int64_t before = unit_count(e->db, "SELECT count(*) FROM contacts");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unit_diag_clear(e);
        assert_int_equal(contact_create(&e->cx, &bad[i].in, &c), bad[i].st);
        assert_string_equal(e->d.field, bad[i].field);
    }
    assert_int_equal(e->d.reason, REASON_PLAN_UNKNOWN); /* the last one */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM contacts"), before);
}

static void test_contact_update(void **state)
{
    unit_env *e = *state;
    plan_row p = make_plan(e, "Gold");
    contact_row c = make_contact(e, "Client", p.uuid), got;
    contact_in keep = {.country = SET("de")};
    assert_int_equal(contact_update(&e->cx, c.uuid, &keep, &got), ST_OK);
    assert_int_equal(contact_get(&e->cx, c.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Client");
    assert_string_equal(got.email, "c@example.com");
    assert_string_equal(got.country, "DE");
    assert_int_equal(got.plan_id, p.id); /* left out: kept */
    contact_in clear = {.plan = NUL, .email = NUL};
    assert_int_equal(contact_update(&e->cx, c.uuid, &clear, &got), ST_OK);
    assert_int_equal(contact_get(&e->cx, c.uuid, &got), ST_OK);
    assert_int_equal(got.plan_id, NULL_INT);
    assert_null(got.plan_uuid);
    assert_null(got.email);
    assert_string_equal(got.country, "DE");
    contact_in bad = {.name = NUL};
    unit_diag_clear(e);
    assert_int_equal(contact_update(&e->cx, c.uuid, &bad, &got), ST_INVALID);
    assert_string_equal(e->d.field, "name");
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    unit_diag_clear(e);
    assert_int_equal(contact_update(&e->cx, id, &keep, &got), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "client");
}

/* A dialect that documents email as required (Tamio) says so; core enforces it on create
 * and on an update that sends email, and leaves an update without email alone. */
static void test_contact_require_email(void **state)
{
    unit_env *e = *state;
    contact_row c, got;
    contact_in no_email = {.name = SET("N"), .require_email = true};
    unit_diag_clear(e);
    assert_int_equal(contact_create(&e->cx, &no_email, &c), ST_INVALID);
    assert_string_equal(e->d.field, "email");
    contact_in with_email = {
        .name = SET("N"), .email = SET("n@example.com"), .require_email = true};
    assert_int_equal(contact_create(&e->cx, &with_email, &c), ST_OK);
    contact_in rename = {.name = SET("M"), .require_email = true};
    assert_int_equal(contact_update(&e->cx, c.uuid, &rename, &got), ST_OK);
    contact_in clear = {.email = NUL, .require_email = true};
    unit_diag_clear(e);
    assert_int_equal(contact_update(&e->cx, c.uuid, &clear, &got), ST_INVALID);
    assert_string_equal(e->d.field, "email");
    assert_int_equal(contact_get(&e->cx, c.uuid, &got), ST_OK);
    assert_string_equal(got.email, "n@example.com");
}

static void test_contact_delete(void **state)
{
    unit_env *e = *state;
    contact_row free_c = make_contact(e, "Free", NULL), got;
    assert_int_equal(contact_delete(&e->cx, free_c.uuid), ST_OK);
    assert_int_equal(contact_get(&e->cx, free_c.uuid, &got), ST_NOT_FOUND);
    contact_row c = make_contact(e, "Busy", NULL);
    category_in kin = {.title = SET("Support"), .language = SET("en")};
    category_row k;
    assert_int_equal(category_create(&e->cx, &kin, &k), ST_OK);
    ticket_create_in tin = {
        .client_id = c.uuid, .title = "t", .description = "d", .category = k.uuid};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &tin, &t), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(contact_delete(&e->cx, c.uuid), ST_CONFLICT);
    assert_string_equal(e->d.field, "client");
    assert_int_equal(contact_get(&e->cx, c.uuid, &got), ST_OK);
}

/* ---- billing plans ---- */

static void test_plan_create_list_resolve(void **state)
{
    unit_env *e = *state;
    plan_in in = {.name = "Gold", .attrs = "{\"price\":10}"};
    plan_row p, got;
    assert_int_equal(plan_create(&e->cx, &in, &p), ST_OK);
    assert_int_equal(plan_resolve(&e->cx, "billing_plan", p.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Gold");
    assert_string_equal(got.attrs, "{\"price\":10}");
    plan_row d = make_plan(e, "Default attrs");
    assert_int_equal(plan_resolve(&e->cx, "x", d.uuid, &got), ST_OK);
    assert_string_equal(got.attrs, "{}");
    plan_in bad = {.name = NULL};
    unit_diag_clear(e);
    assert_int_equal(plan_create(&e->cx, &bad, &p), ST_INVALID);
    assert_string_equal(e->d.field, "name");
    bad.name = "";
    assert_int_equal(plan_create(&e->cx, &bad, &p), ST_INVALID);
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    unit_diag_clear(e);
    assert_int_equal(plan_resolve(&e->cx, "my_field", id, &got), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "my_field");
    assert_int_equal(e->d.reason, REASON_PLAN_UNKNOWN);

    list_in li = unit_list_in(1, 1);
    plan_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(plan_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 2);
}

static void test_plan_delete_refused_while_used(void **state)
{
    unit_env *e = *state;
    plan_row unused = make_plan(e, "Unused"), got;
    assert_int_equal(plan_delete(&e->cx, unused.uuid), ST_OK);
    assert_int_equal(plan_resolve(&e->cx, "id", unused.uuid, &got), ST_NOT_FOUND);

    plan_row by_client = make_plan(e, "Client's");
    contact_row c = make_contact(e, "Client", by_client.uuid);
    unit_diag_clear(e);
    assert_int_equal(plan_delete(&e->cx, by_client.uuid), ST_CONFLICT);
    assert_string_equal(e->d.field, "plan");
    assert_int_equal(plan_resolve(&e->cx, "id", by_client.uuid, &got), ST_OK);
    /* once the client leaves the plan it can go */
    contact_in leave = {.plan = NUL};
    contact_row cr;
    assert_int_equal(contact_update(&e->cx, c.uuid, &leave, &cr), ST_OK);
    assert_int_equal(plan_delete(&e->cx, by_client.uuid), ST_OK);

    plan_row by_category = make_plan(e, "Category's");
    const char *plans[] = {by_category.uuid};
    category_in kin = {
        .title = SET("VIP"), .language = SET("en"), .plans = {.set = true, .v = plans, .n = 1}};
    category_row k;
    assert_int_equal(category_create(&e->cx, &kin, &k), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(plan_delete(&e->cx, by_category.uuid), ST_CONFLICT);
    assert_int_equal(plan_resolve(&e->cx, "id", by_category.uuid, &got), ST_OK);
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    assert_int_equal(plan_delete(&e->cx, id), ST_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_user_create_defaults),
        UNIT_TEST(test_user_admin_and_password),
        UNIT_TEST(test_user_validation_names_field),
        UNIT_TEST(test_user_duplicate_email_conflict),
        UNIT_TEST(test_user_update_partial),
        UNIT_TEST(test_user_get_errors),
        UNIT_TEST(test_user_delete),
        UNIT_TEST(test_user_list),
        UNIT_TEST(test_contact_create_and_validation),
        UNIT_TEST(test_contact_require_email),
        UNIT_TEST(test_contact_update),
        UNIT_TEST(test_contact_delete),
        UNIT_TEST(test_plan_create_list_resolve),
        UNIT_TEST(test_plan_delete_refused_while_used),
    };
    return cmocka_run_group_tests_name("core/people", tests, NULL, NULL);
}
