/* Tests of core/policy.c: the rule table by caller (key, admin, agent), the object rules
 * (tickets, chats, teammates, lists) and files without a signature. Pure functions: no store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/policy.h"

static core_ctx ctx(actor_type actor, int64_t user_id, bool admin, diag *d)
{
    return (core_ctx){.d = d, .ws = 1, .actor = actor, .user_id = user_id, .admin = admin};
}

static void test_route_table(void **state)
{
    (void)state;
    diag d = {0};
    core_ctx key = ctx(ACTOR_KEY, 0, false, &d), adm = ctx(ACTOR_USER, 7, true, &d),
             agent = ctx(ACTOR_USER, 9, false, &d);
    for (int r = RES_PUBLIC; r < RES_COUNT; r++) {
        if (r == RES_FILE) continue;
        for (int op = 0; op < OP_COUNT; op++) {
            assert_int_equal(policy_route(&key, r, op), ST_OK);
            assert_int_equal(policy_route(&adm, r, op), ST_OK);
        }
    }
    /* What an agent may never do, whatever object. */
    const struct {
        policy_resource r;
        policy_op op;
    } denied[] = {
        {RES_SETTINGS, OP_CREATE}, {RES_SETTINGS, OP_CHANGE}, {RES_SETTINGS, OP_DELETE},
        {RES_TEAMMATE, OP_CREATE}, {RES_TEAMMATE, OP_DELETE}, {RES_CLIENT, OP_DELETE},
        {RES_CHAT, OP_DELETE},     {RES_ASSET, OP_DELETE},
    };
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        d = (diag){0};
        assert_int_equal(policy_route(&agent, denied[i].r, denied[i].op), ST_FORBIDDEN);
        assert_non_null(strstr(d.msg, "admin role"));
    }
    /* What an agent may try (objects decide later). */
    assert_int_equal(policy_route(&agent, RES_TICKET, OP_CREATE), ST_OK);
    assert_int_equal(policy_route(&agent, RES_TICKET, OP_CHANGE), ST_OK);
    assert_int_equal(policy_route(&agent, RES_TICKET, OP_DELETE), ST_OK);
    assert_int_equal(policy_route(&agent, RES_TEAMMATE, OP_CHANGE), ST_OK);
    assert_int_equal(policy_route(&agent, RES_CLIENT, OP_CHANGE), ST_OK);
    assert_int_equal(policy_route(&agent, RES_SETTINGS, OP_READ), ST_OK);
    /* An undeclared route is refused to everyone, the key included. */
    assert_int_equal(policy_route(&key, RES_UNDECLARED, OP_READ), ST_FORBIDDEN);
    assert_int_equal(policy_route(&adm, RES_UNDECLARED, OP_CHANGE), ST_FORBIDDEN);
}

static void test_objects(void **state)
{
    (void)state;
    diag d = {0};
    core_ctx key = ctx(ACTOR_KEY, 0, false, &d), agent = ctx(ACTOR_USER, 9, false, &d),
             adm = ctx(ACTOR_USER, 7, true, &d);
    assert_int_equal(policy_ticket(&agent, 9), ST_OK);
    assert_int_equal(policy_ticket(&agent, NULL_INT), ST_OK);
    assert_int_equal(policy_ticket(&agent, 8), ST_FORBIDDEN);
    assert_string_equal(d.field, "id");
    assert_int_equal(policy_ticket(&key, 8), ST_OK);
    assert_int_equal(policy_ticket(&adm, 8), ST_OK);
    assert_int_equal(policy_chat(&agent, 0), ST_OK);
    assert_int_equal(policy_chat(&agent, 1), ST_FORBIDDEN);
    assert_int_equal(policy_chat(&adm, 3), ST_OK);
    /* Teammates: an agent changes its own record, never a role, never another's. */
    assert_int_equal(policy_teammate(&agent, 9, false), ST_OK);
    d = (diag){0};
    assert_int_equal(policy_teammate(&agent, 9, true), ST_FORBIDDEN);
    assert_string_equal(d.field, "role");
    assert_int_equal(policy_teammate(&agent, 7, false), ST_FORBIDDEN);
    assert_int_equal(policy_teammate(&adm, 9, true), ST_OK);
    assert_int_equal(policy_teammate(&key, 9, true), ST_OK);
    /* Acting as: an agent only as itself. */
    assert_int_equal(policy_act_as(&agent, "userId", 9), ST_OK);
    d = (diag){0};
    assert_int_equal(policy_act_as(&agent, "userId", 7), ST_FORBIDDEN);
    assert_string_equal(d.field, "userId");
    assert_int_equal(policy_act_as(&adm, "userId", 9), ST_OK);
    assert_int_equal(policy_act_as(&key, "userId", 9), ST_OK);
}

static void test_lists(void **state)
{
    (void)state;
    diag d = {0};
    core_ctx agent = ctx(ACTOR_USER, 9, false, &d), key = ctx(ACTOR_KEY, 0, false, &d);
    int64_t u = NULL_INT;
    assert_int_equal(policy_list_user(&agent, "user", false, &u), ST_OK);
    assert_int_equal(u, 9); /* no filter: their own */
    u = 9;
    assert_int_equal(policy_list_user(&agent, "user", false, &u), ST_OK);
    u = 8;
    d = (diag){0};
    assert_int_equal(policy_list_user(&agent, "teammate_id", false, &u), ST_FORBIDDEN);
    assert_string_equal(d.field, "teammate_id");
    u = -1; /* an unknown teammate */
    assert_int_equal(policy_list_user(&agent, "user", false, &u), ST_FORBIDDEN);
    u = NULL_INT;
    assert_int_equal(policy_list_user(&agent, "user", true, &u), ST_FORBIDDEN);
    assert_int_equal(policy_list_user(&key, "user", true, &u), ST_OK);
    assert_int_equal(policy_list_user(&key, "user", false, &u), ST_OK);
    assert_int_equal(u, NULL_INT); /* a key's list stays the workspace */
}

static void test_files(void **state)
{
    (void)state;
    diag d = {0};
    core_ctx key = ctx(ACTOR_KEY, 0, false, &d), adm = ctx(ACTOR_USER, 7, true, &d),
             agent = ctx(ACTOR_USER, 9, false, &d), system = ctx(ACTOR_SYSTEM, 0, false, &d);
    assert_true(policy_file_unsigned(&key));
    assert_true(policy_file_unsigned(&adm));
    assert_false(policy_file_unsigned(&agent));
    assert_true(policy_file_unsigned(&system)); /* the command line, the workers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_objects),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
