/* Tests of core/ticket_edit.c (docs/NATIVE.md "Tickets"): create with every field (a client
 * found or made by email, tags, state), partial update and its events, the version that every
 * change bumps (also changes made by the other dialects' core calls and tag links), If-Match
 * (ST_PRECONDITION_FAILED with the current ticket, nothing written), validation that writes
 * nothing, the keyset list with its filters and the agent list rule, and the inbox counts. */
#include "unit.h"

#include "core/category.h"
#include "core/tag.h"
#include "core/ticket.h"
#include "core/ticket_edit.h"
#include "util/limits.h"

static int64_t count(unit_env *e, const char *sql)
{
    return unit_count(e->db, sql);
}

static ticket_row make(unit_env *e, const char *title, const char *email)
{
    ticket_make_in in = {.title = title, .client_email = email, .description = "first words"};
    ticket_row t;
    unit_diag_clear(e);
    assert_int_equal(ticket_make(&e->cx, &in, &t), ST_OK);
    return t;
}

static tag_row make_tag(unit_env *e, const char *name)
{
    tag_in in = {.name = SET(name), .description = SET("d"), .color = SET("1")};
    tag_row g;
    assert_int_equal(tag_create(&e->cx, &in, &g), ST_OK);
    return g;
}

static void test_make(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000000LL;
    user_row ann = unit_user(e, "Ann", "ann@example.com");
    tag_row g = make_tag(e, "billing");
    const char *tags[] = {g.uuid};
    ticket_make_in in = {.title = "Card declined",
                         .description = "It fails",
                         .client_email = "nina@example.com",
                         .client_name = "Nina",
                         .state = "inprogress",
                         .assignee = ann.uuid,
                         .language = "de",
                         .tags = {true, tags, 1}};
    ticket_row t;
    assert_int_equal(ticket_make(&e->cx, &in, &t), ST_OK);
    assert_string_equal(t.title, "Card declined");
    assert_string_equal(t.state, "inprogress");
    assert_true(t.is_open);
    assert_string_equal(t.user_uuid, ann.uuid);
    assert_string_equal(t.contact_name, "Nina");
    assert_int_equal(t.n_tags, 1);
    assert_string_equal(t.tags[0].name, "billing");
    assert_int_equal(t.ongoing_at, e->cx.now);
    assert_true(t.version >= 1);
    /* The same client by email again; the description is its first reply. */
    ticket_row t2 = make(e, "Again", "nina@example.com");
    assert_string_equal(t2.contact_uuid, t.contact_uuid);
    assert_int_equal(count(e, "SELECT count(*) FROM contacts"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM replies"), 2);
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'tag.added'"), 1);
    ticket_row f;
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &f), ST_OK);
    assert_int_equal(f.version, t.version);
    assert_int_equal(f.n_tags, 1);
}

static void test_make_validation_writes_nothing(void **state)
{
    unit_env *e = *state;
    category_in ci = {.title = SET("Billing"), .language = SET("en")};
    const char *subs[] = {"Cards"};
    ci.subcategories = (opt_strs){true, subs, 1};
    category_row cat;
    assert_int_equal(category_create(&e->cx, &ci, &cat), ST_OK);
    struct {
        ticket_make_in in;
        const char *field;
    } cases[] = {
        {{.client_email = "a@example.com"}, "title"},
        {{.title = "t"}, "client"},
        {{.title = "t", .client_email = "nope"}, "client.email"},
        {{.title = "t", .client_id = "00000000-0000-4000-8000-000000000000"}, "client"},
        {{.title = "t", .client_email = "a@example.com", .state = "bogus"}, "state"},
        {{.title = "t", .client_email = "a@example.com", .category = cat.uuid, .subcategory = "X"},
         "subcategory"},
        {{.title = "t", .client_email = "a@example.com", .subcategory = "Cards"}, "subcategory"},
        {{.title = "t", .client_email = "a@example.com", .team = "x"}, "team"},
        {{.title = "t", .client_email = "a@example.com", .language = "!!"}, "language"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ticket_row t;
        unit_diag_clear(e);
        assert_int_not_equal(ticket_make(&e->cx, &cases[i].in, &t), ST_OK);
        assert_string_equal(e->d.field, cases[i].field);
    }
    assert_int_equal(count(e, "SELECT count(*) FROM tickets"), 0);
    assert_int_equal(count(e, "SELECT count(*) FROM contacts"), 0);
    assert_int_equal(count(e, "SELECT count(*) FROM chats"), 0);
}

static void test_update_and_version(void **state)
{
    unit_env *e = *state;
    user_row ann = unit_user(e, "Ann", "ann@example.com");
    tag_row g1 = make_tag(e, "one"), g2 = make_tag(e, "two");
    ticket_row t = make(e, "Old", "c@example.com"), u;
    int64_t v = t.version;

    ticket_patch_in p = {.title = SET("New"), .state = SET("closed"), .assignee = SET(ann.uuid)};
    assert_int_equal(ticket_update(&e->cx, t.uuid, &p, &u), ST_OK);
    assert_string_equal(u.title, "New");
    assert_string_equal(u.state, "closed");
    assert_false(u.is_open);
    assert_string_equal(u.user_uuid, ann.uuid);
    assert_true(u.version > v);
    v = u.version;
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'ticket.updated'"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'ticket.assigned'"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'ticket.state_changed'"),
                     1);

    /* Nothing to change: the version stays. */
    ticket_patch_in same = {.title = SET("New")};
    assert_int_equal(ticket_update(&e->cx, t.uuid, &same, &u), ST_OK);
    assert_int_equal(u.version, v);

    /* The whole set of tags: added and removed to match. */
    const char *both[] = {g1.uuid, g2.uuid}, *second[] = {g2.uuid};
    ticket_patch_in tags = {.tags = {true, both, 2}};
    assert_int_equal(ticket_update(&e->cx, t.uuid, &tags, &u), ST_OK);
    assert_int_equal(u.n_tags, 2);
    assert_true(u.version > v);
    tags.tags = (opt_strs){true, second, 1};
    assert_int_equal(ticket_update(&e->cx, t.uuid, &tags, &u), ST_OK);
    assert_int_equal(u.n_tags, 1);
    assert_string_equal(u.tags[0].uuid, g2.uuid);
    v = u.version;

    /* Changes through the other dialects' core calls bump it too. */
    ticket_row x;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_OPEN, &x), ST_OK);
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &u), ST_OK);
    assert_true(u.version > v);
    v = u.version;
    ticket_tag_row link;
    assert_int_equal(ticket_tag_add(&e->cx, t.uuid, g1.uuid, &link), ST_OK);
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &u), ST_OK);
    assert_true(u.version > v);
    v = u.version;
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "hello", NULL, 0, false, &x), ST_OK);
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &u), ST_OK);
    assert_true(u.version > v);

    /* null clears; bad input is refused with nothing written. */
    ticket_patch_in clear = {.assignee = NUL};
    assert_int_equal(ticket_update(&e->cx, t.uuid, &clear, &u), ST_OK);
    assert_null(u.user_uuid);
    int64_t events = count(e, "SELECT count(*) FROM events");
    ticket_patch_in bad = {.title = SET("Changed"), .state = SET("bogus")};
    unit_diag_clear(e);
    assert_int_equal(ticket_update(&e->cx, t.uuid, &bad, &u), ST_INVALID);
    assert_string_equal(e->d.field, "state");
    assert_int_equal(count(e, "SELECT count(*) FROM events"), events);
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &u), ST_OK);
    assert_string_equal(u.title, "New");
}

static void test_if_match(void **state)
{
    unit_env *e = *state;
    ticket_row t = make(e, "Guarded", "g@example.com"), u;
    int64_t stale = t.version, fresh[1];
    ticket_patch_in p = {.title = SET("First")};
    p.if_match = (ticket_precond){.set = true, .versions = &stale, .n = 1};
    assert_int_equal(ticket_update(&e->cx, t.uuid, &p, &u), ST_OK);
    fresh[0] = u.version;
    int64_t events = count(e, "SELECT count(*) FROM events");
    ticket_patch_in again = {.title = SET("Second")};
    again.if_match = p.if_match; /* the version before the first write */
    unit_diag_clear(e);
    assert_int_equal(ticket_update(&e->cx, t.uuid, &again, &u), ST_PRECONDITION_FAILED);
    assert_string_equal(u.title, "First"); /* the current ticket */
    assert_int_equal(u.version, fresh[0]);
    assert_int_equal(count(e, "SELECT count(*) FROM events"), events);
    ticket_precond gone = {.set = true, .versions = &stale, .n = 1};
    assert_int_equal(ticket_remove(&e->cx, t.uuid, &gone, &u), ST_PRECONDITION_FAILED);
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &u), ST_OK);
    ticket_precond any = {.set = true, .any = true};
    again.if_match = any;
    assert_int_equal(ticket_update(&e->cx, t.uuid, &again, &u), ST_OK);
    ticket_precond now = {.set = true, .versions = &u.version, .n = 1};
    assert_int_equal(ticket_remove(&e->cx, t.uuid, &now, &u), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(ticket_fetch(&e->cx, t.uuid, &u), ST_NOT_FOUND);
}

static void test_find(void **state)
{
    unit_env *e = *state;
    user_row ann = unit_user(e, "Ann", "ann@example.com");
    ticket_row t[7];
    for (int i = 0; i < 7; i++) {
        e->cx.now = 1700000000000LL + i * 1000;
        char title[16];
        snprintf(title, sizeof title, "T%d", i);
        t[i] = make(e, arena_strdup(e->a, title), "f@example.com");
    }
    ticket_patch_in p = {.assignee = SET(ann.uuid), .state = SET("open")};
    ticket_row u;
    assert_int_equal(ticket_update(&e->cx, t[2].uuid, &p, &u), ST_OK);
    assert_int_equal(ticket_update(&e->cx, t[5].uuid, &p, &u), ST_OK);

    /* Newest first in pages of 3, each after the last row of the one before. */
    ticket_find_in in = {.limit = 3,
                         .created_from = NULL_INT,
                         .created_to = NULL_INT,
                         .updated_from = NULL_INT,
                         .updated_to = NULL_INT};
    ticket_row *rows;
    size_t n;
    bool more;
    int seen = 6;
    do {
        assert_int_equal(ticket_find(&e->cx, &in, &rows, &n, &more), ST_OK);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(rows[i].uuid, t[seen--].uuid);
        if (n) in.after = true, in.after_key = rows[n - 1].created_at, in.after_id = rows[n - 1].id;
    } while (more);
    assert_int_equal(seen, -1);

    ticket_find_in f = {.limit = 50,
                        .created_from = NULL_INT,
                        .created_to = NULL_INT,
                        .updated_from = NULL_INT,
                        .updated_to = NULL_INT};
    const char *states[] = {"open"};
    f.states = states;
    f.n_states = 1;
    assert_int_equal(ticket_find(&e->cx, &f, &rows, &n, &more), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].uuid, t[5].uuid);
    f.n_states = 0;
    const char *none[] = {"none"};
    f.assignees = (uuid_list){none, 1};
    assert_int_equal(ticket_find(&e->cx, &f, &rows, &n, &more), ST_OK);
    assert_int_equal(n, 5);
    f.sort = TICKET_SORT_OLDEST;
    f.created_from = 1700000000000LL + 3000;
    assert_int_equal(ticket_find(&e->cx, &f, &rows, &n, &more), ST_OK);
    assert_int_equal(n, 3); /* T3, T4 and T6: unassigned, created from 3 s on */
    assert_string_equal(rows[0].uuid, t[3].uuid);
    unit_diag_clear(e);
    const char *bogus[] = {"bogus"};
    f.states = bogus;
    f.n_states = 1;
    assert_int_equal(ticket_find(&e->cx, &f, &rows, &n, &more), ST_INVALID);
    assert_string_equal(e->d.field, "state");

    /* An agent: its own list by default, another teammate's refused, none allowed. */
    user_row bob = unit_user(e, "Bob", "bob@example.com");
    e->cx.user_id = ann.id;
    e->cx.admin = false;
    ticket_find_in mine = {.limit = 50,
                           .created_from = NULL_INT,
                           .created_to = NULL_INT,
                           .updated_from = NULL_INT,
                           .updated_to = NULL_INT};
    assert_int_equal(ticket_find(&e->cx, &mine, &rows, &n, &more), ST_OK);
    assert_int_equal(n, 2);
    const char *other[] = {bob.uuid};
    mine.assignees = (uuid_list){other, 1};
    unit_diag_clear(e);
    assert_int_equal(ticket_find(&e->cx, &mine, &rows, &n, &more), ST_FORBIDDEN);
    assert_string_equal(e->d.field, "assignee");
    mine.assignees = (uuid_list){none, 1};
    assert_int_equal(ticket_find(&e->cx, &mine, &rows, &n, &more), ST_OK);
    assert_int_equal(n, 5);

    /* The counts, for the agent and for the key. */
    ticket_views_out v;
    assert_int_equal(ticket_views(&e->cx, &v), ST_OK);
    assert_int_equal(v.mine_open, 2);
    assert_int_equal(v.unassigned_open, 5);
    assert_int_equal(v.open, 7);
    e->cx.user_id = 0;
    ticket_patch_in close = {.state = SET("closed")};
    assert_int_equal(ticket_update(&e->cx, t[0].uuid, &close, &u), ST_OK);
    assert_int_equal(ticket_views(&e->cx, &v), ST_OK);
    assert_int_equal(v.mine_open, 0);
    assert_int_equal(v.unassigned_open, 4);
    assert_int_equal(v.open, 6);
    assert_int_equal(v.closed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_make),
        UNIT_TEST(test_make_validation_writes_nothing),
        UNIT_TEST(test_update_and_version),
        UNIT_TEST(test_if_match),
        UNIT_TEST(test_find),
    };
    return cmocka_run_group_tests_name("core/ticket_edit", tests, NULL, NULL);
}
