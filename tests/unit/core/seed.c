/* Tests of core/seed.c: the benchmark's bulk load writes whole tickets (chat, message, reply,
 * tag, ticket.created in the one vocabulary) in batches, and refuses bad sizes writing nothing. */
#include "unit.h"

#include "core/seed.h"

static void test_seed_writes_whole_tickets(void **state)
{
    unit_env *e = *state;
    seed_in in = {.tickets = 25, .teammates = 3, .clients = 4, .per_txn = 10};
    int64_t now = e->cx.now;
    assert_int_equal(core_seed(&e->cx, &in), ST_OK);
    assert_int_equal(e->cx.now, now); /* the context is left as it was */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets"), 25);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM users"), 3);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM contacts"), 4);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets t JOIN chats c ON "
                                       "c.id = t.chat_id JOIN messages m ON m.chat_id = c.id"),
                     25);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM replies"), 25);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 25);
    /* ticket.created carries the one vocabulary's keys, and its time is the ticket's */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events e JOIN tickets t ON "
                                       "t.id = e.ticket_id WHERE e.type = 'ticket.created' AND "
                                       "e.created_at = t.created_at AND e.data LIKE "
                                       "'%\"assignee_id\":{\"before\":null,\"after\":\"%' AND "
                                       "e.data LIKE '%\"category_id\":%' AND e.data NOT LIKE "
                                       "'%\"seed\"%'"),
                     25);
    /* one second apart, the last one before now */
    assert_int_equal(unit_count(e->db, "SELECT max(created_at) - min(created_at) FROM tickets"),
                     24000); /* ms */
    /* the search word: one in 1000 tickets share it, so each of these 25 has its own */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM messages WHERE text LIKE '%kiwi007'"),
                     1);
    assert_int_equal(unit_count(e->db, "SELECT count(DISTINCT state) FROM tickets"), 4);
}

static void test_seed_refuses_bad_sizes(void **state)
{
    unit_env *e = *state;
    seed_in in = {.tickets = 5, .teammates = 0, .clients = 4, .per_txn = 10};
    assert_int_equal(core_seed(&e->cx, &in), ST_INVALID);
    assert_string_equal(e->d.field, "seed");
    in = (seed_in){.tickets = 5, .teammates = 1, .clients = 1, .per_txn = 0};
    assert_int_equal(core_seed(&e->cx, &in), ST_INVALID);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed_writes_whole_tickets, unit_setup, unit_teardown),
        cmocka_unit_test_setup_teardown(test_seed_refuses_bad_sizes, unit_setup, unit_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
