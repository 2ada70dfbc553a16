/* Tests of migration 003 on a database written by the previous schema: tickets made before it
 * get a chat each on the built-in channel and responder, their replies become the chat's
 * messages (with the pending count), completed_at is filled for closed tickets, and the search
 * index holds them. */
#include "unit.h"

#include "store/schema.h"

/* A database at schema version 2 (the migrations before 003 applied by hand) holding one
 * workspace, a client, an open ticket with a client and an agent reply plus a closed ticket
 * with one client reply. */
static void write_v2(const char *path)
{
    db *c;
    diag d = {0};
    assert_int_equal(db_sqlite_driver.open(path, &c, &d), ST_OK);
    assert_int_equal(db_exec(c, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name "
                                "TEXT NOT NULL, applied_at INTEGER NOT NULL)"),
                     ST_OK);
    for (int i = 0; i < schema_sqlite_count && schema_sqlite[i].version < 3; i++) {
        assert_int_equal(db_exec(c, schema_sqlite[i].sql), ST_OK);
        char *rec = NULL;
        assert_true(asprintf(&rec, "INSERT INTO schema_version VALUES (%d, '%s', 0)",
                             schema_sqlite[i].version, schema_sqlite[i].name) > 0);
        assert_int_equal(db_exec(c, rec), ST_OK);
        free(rec);
    }
    assert_int_equal(
        db_exec(
            c, "INSERT INTO workspaces VALUES (1, '11111111-1111-4111-8111-111111111111', 'w', 1);"
               "INSERT INTO contacts (id, uuid, workspace_id, name, email, created_at, updated_at) "
               "VALUES (1, '22222222-2222-4222-8222-222222222222', 1, 'Alice Owner', "
               "'alice@example.com', 1, 1);"
               "INSERT INTO tickets (id, uuid, workspace_id, title, description, state, is_open, "
               "contact_id, created_at, updated_at) VALUES "
               "(1, '33333333-3333-4333-8333-333333333333', 1, 'Refund please', 'd', 'open', 1, "
               "1, 1000, 1000), "
               "(2, '44444444-4444-4444-8444-444444444444', 1, 'Old one', 'd', 'closed', 0, 1, "
               "2000, 5000);"
               "INSERT INTO replies (uuid, workspace_id, ticket_id, text, is_client, "
               "created_at) VALUES ('r1', 1, 1, 'my parcel never came', 1, 1000), "
               "('r2', 1, 1, 'we are on it', 0, 1100), ('r3', 1, 2, 'thanks', 1, 2000);"),
        ST_OK);
    db_sqlite_driver.close(c);
}

static void test_migration_003_gives_old_tickets_chats(void **state)
{
    (void)state;
    char dir[64], path[128];
    unit_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/ticketd.db", dir);
    write_v2(path);

    store *st;
    diag d = {0};
    assert_int_equal(store_open(path, &st, &d), ST_OK);
    db *c = store_conn(st);
    assert_int_equal(store_schema_version(c), schema_sqlite[schema_sqlite_count - 1].version);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM chats"), 2);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM tickets WHERE chat_id IS NULL"), 0);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM channels WHERE builtin = 'tamio' AND "
                                   "type = 'api'"),
                     1);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM responders r JOIN responder_versions v "
                                   "ON v.id = r.version_id WHERE r.builtin = 1 AND v.number = 1 "
                                   "AND r.name = 'ticketd' AND r.entity = 'agents'"),
                     1);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM messages"), 3);
    /* the open ticket's last message is the agent's: nothing pending; the closed one: 1 */
    assert_int_equal(unit_count(c, "SELECT pending FROM chats WHERE id = 1"), 0);
    assert_int_equal(unit_count(c, "SELECT pending FROM chats WHERE id = 2"), 1);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM tickets WHERE completed_at = 5000"), 1);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM tickets WHERE id = 1 AND completed_at "
                                   "IS NULL AND phase = 0"),
                     1);
    /* the search index: by message word, owner email and summary */
    assert_int_equal(unit_count(c, "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH "
                                   "'\"parcel\"*'"),
                     1);
    assert_int_equal(unit_count(c, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH "
                                   "'\"alice\" \"example\"*'"),
                     2);
    assert_int_equal(unit_count(c, "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH "
                                   "'\"old\"*'"),
                     2);
    store_close(st);
    unit_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migration_003_gives_old_tickets_chats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
