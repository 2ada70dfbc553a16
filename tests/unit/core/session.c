/* Tests of core/session.c: sign-in (the secret's shape, the stored hash, wrong and missing
 * credentials), authentication (the teammate and its role in the context; expired, idle,
 * unknown and malformed secrets), logout, a password change ending every session of the
 * teammate, deactivation (sessions and tokens refused at once, no sign-in, only by an
 * administrator and never of oneself), and the same-origin rule with and without a public URL. */
#include "unit.h"

#include "core/auth.h"
#include "core/session.h"
#include "util/crypto.h"
#include "util/limits.h"

static void make_teammate(unit_env *e, const char *email, const char *role, user_row *u)
{
    user_in in = {.name = SET("Sam"),
                  .email = SET(email),
                  .role = SET(role),
                  .password = SET("right-password")};
    assert_int_equal(user_create(&e->cx, &in, u), ST_OK);
}

static void test_create_and_authenticate(void **state)
{
    unit_env *e = *state;
    session_init(&(session_config){0});
    user_row u;
    make_teammate(e, "sam@example.com", "admin", &u);
    session_issued s;
    assert_int_equal(session_create(&e->cx, "SAM@example.com", "right-password", &s), ST_OK);
    assert_true(session_shaped(s.secret));
    assert_string_equal(s.user.uuid, u.uuid);
    assert_true(s.expires_at - e->cx.now == (int64_t)LIMIT_SESSION_TTL_S * 1000);
    /* Only the hash is stored. */
    unsigned char hash[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    crypto_sha256(s.secret, SESSION_STR_LEN, hash);
    crypto_hex(hash, SHA256_LEN, hex);
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE lower(hex(hash)) = '%s'", hex);
    assert_int_equal(unit_count(e->db, q), 1);

    core_ctx cx;
    assert_int_equal(core_ctx_init(&cx, e->st, e->a, &e->d), ST_OK);
    assert_int_equal(session_authenticate(&cx, s.secret), ST_OK);
    assert_int_equal(cx.ws, e->ws.id);
    assert_int_equal(cx.actor, ACTOR_USER);
    assert_int_equal(cx.user_id, u.id);
    assert_true(cx.admin);
    assert_string_equal(cx.actor_id, u.uuid);
}

static void test_wrong_and_missing(void **state)
{
    unit_env *e = *state;
    session_init(&(session_config){0});
    user_row u;
    make_teammate(e, "ann@example.com", "agent", &u);
    session_issued s;
    unit_diag_clear(e);
    assert_int_equal(session_create(&e->cx, "ann@example.com", "wrong", &s), ST_UNAUTHORIZED);
    assert_string_equal(e->d.msg, "email or password is wrong");
    unit_diag_clear(e);
    assert_int_equal(session_create(&e->cx, "nobody@example.com", "wrong", &s), ST_UNAUTHORIZED);
    assert_string_equal(e->d.msg, "email or password is wrong");
    unit_diag_clear(e);
    assert_int_equal(session_create(&e->cx, "", "x", &s), ST_INVALID);
    assert_string_equal(e->d.field, "email");
    unit_diag_clear(e);
    assert_int_equal(session_create(&e->cx, "ann@example.com", NULL, &s), ST_INVALID);
    assert_string_equal(e->d.field, "password");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM sessions"), 0);
}

static void test_ends(void **state)
{
    unit_env *e = *state;
    session_init(&(session_config){0});
    user_row u, other, out;
    make_teammate(e, "bo@example.com", "agent", &u);
    make_teammate(e, "cy@example.com", "agent", &other);
    session_issued a, b, c, d;
    assert_int_equal(session_create(&e->cx, "bo@example.com", "right-password", &a), ST_OK);
    assert_int_equal(session_create(&e->cx, "bo@example.com", "right-password", &b), ST_OK);
    assert_int_equal(session_create(&e->cx, "bo@example.com", "right-password", &c), ST_OK);
    assert_int_equal(session_create(&e->cx, "cy@example.com", "right-password", &d), ST_OK);
    core_ctx cx;
    assert_int_equal(core_ctx_init(&cx, e->st, e->a, &e->d), ST_OK);

    /* Logout ends that one session; a malformed or unknown secret is nothing to do. */
    assert_int_equal(session_end(&e->cx, a.secret), ST_OK);
    assert_int_equal(session_end(&e->cx, "tks_nope"), ST_OK);
    assert_int_equal(session_authenticate(&cx, a.secret), ST_UNAUTHORIZED);
    assert_int_equal(session_authenticate(&cx, b.secret), ST_OK);

    /* Expired (absolute) and idle sessions fail. */
    assert_int_equal(db_exec(e->db, "UPDATE sessions SET expires_at = 1 WHERE id = (SELECT "
                                    "min(id) FROM sessions)"),
                     ST_OK);
    assert_int_equal(session_authenticate(&cx, b.secret), ST_UNAUTHORIZED);
    assert_int_equal(db_exec(e->db, "UPDATE sessions SET last_seen_at = last_seen_at - 43200000 "
                                    "WHERE id = (SELECT max(id) FROM sessions)"),
                     ST_OK);
    assert_int_equal(session_authenticate(&cx, d.secret), ST_UNAUTHORIZED);
    assert_int_equal(session_authenticate(&cx, c.secret), ST_OK);

    /* A new password ends the teammate's sessions; another change does not. */
    user_in rename = {.name = SET("Bo")};
    assert_int_equal(user_update(&e->cx, u.uuid, &rename, &out), ST_OK);
    assert_int_equal(session_authenticate(&cx, c.secret), ST_OK);
    user_in pw = {.password = SET("another-password")};
    assert_int_equal(user_update(&e->cx, u.uuid, &pw, &out), ST_OK);
    assert_int_equal(session_authenticate(&cx, c.secret), ST_UNAUTHORIZED);
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE user_id = %lld", (long long)u.id);
    assert_int_equal(unit_count(e->db, q), 0);
    /* Malformed secrets never reach the store. */
    assert_int_equal(session_authenticate(&cx, NULL), ST_UNAUTHORIZED);
    assert_int_equal(session_authenticate(&cx, "tks_ABCDEF"), ST_UNAUTHORIZED);
}

static void test_same_origin(void **state)
{
    session_init(&(session_config){0});
    assert_false(session_secure());
    assert_true(session_same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    assert_true(session_same_origin("HTTP://LOCALHOST:8080", "localhost:8080"));
    assert_true(session_same_origin("http://example.com", "example.com:80"));
    assert_false(session_same_origin("http://127.0.0.1:8081", "127.0.0.1:8080"));
    assert_false(session_same_origin("https://127.0.0.1:8080", "127.0.0.1:8080"));
    assert_false(session_same_origin("http://127.0.0.1:8080/", "127.0.0.1:8080"));
    assert_false(session_same_origin("http://127.0.0.1:8080.evil", "127.0.0.1:8080"));
    assert_false(session_same_origin("null", "127.0.0.1:8080"));
    assert_false(session_same_origin(NULL, "127.0.0.1:8080"));
    assert_false(session_same_origin("http://127.0.0.1:8080", NULL));
    assert_false(session_same_origin("127.0.0.1:8080", "127.0.0.1:8080"));

    session_init(&(session_config){.public_url = "https://Help.Example.com:443/desk/"});
    assert_true(session_secure());
    assert_true(session_same_origin("https://help.example.com", "127.0.0.1:8080"));
    assert_false(session_same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    assert_false(session_same_origin("http://help.example.com", "help.example.com"));
    session_init(&(session_config){.public_url = "http://10.0.0.1:9000"});
    assert_false(session_secure());
    assert_true(session_same_origin("http://10.0.0.1:9000", "anything"));
}

static void test_deactivate(void **state)
{
    unit_env *e = *state;
    session_init(&(session_config){0});
    user_row u, admin, out;
    make_teammate(e, "di@example.com", "agent", &u);
    make_teammate(e, "ad@example.com", "admin", &admin);
    session_issued s, mine;
    token_issued t;
    assert_int_equal(session_create(&e->cx, "di@example.com", "right-password", &s), ST_OK);
    assert_int_equal(token_issue(&e->cx, "di@example.com", "right-password", &t), ST_OK);
    assert_int_equal(session_create(&e->cx, "ad@example.com", "right-password", &mine), ST_OK);
    core_ctx cx;
    token_row tr;
    user_row tu;
    assert_int_equal(core_ctx_init(&cx, e->st, e->a, &e->d), ST_OK);

    /* The agent may not change it, even its own; the administrator never for itself. */
    assert_int_equal(session_authenticate(&cx, s.secret), ST_OK);
    user_in off = {.active_set = true, .active = false};
    unit_diag_clear(e);
    assert_int_equal(user_update(&cx, u.uuid, &off, &out), ST_FORBIDDEN);
    assert_string_equal(e->d.field, "active");
    assert_int_equal(session_authenticate(&cx, mine.secret), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(user_update(&cx, admin.uuid, &off, &out), ST_INVALID);
    assert_string_equal(e->d.field, "active");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM users WHERE active = 0"), 0);

    /* Deactivated: the session is deleted, the token revoked, both refused, no sign-in. */
    assert_int_equal(user_update(&cx, u.uuid, &off, &out), ST_OK);
    assert_false(out.active);
    assert_int_equal(session_authenticate(&cx, s.secret), ST_UNAUTHORIZED);
    assert_int_equal(token_authenticate(e->db, t.token, e->cx.now, e->a, &tr, &tu),
                     ST_UNAUTHORIZED);
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE user_id = %lld", (long long)u.id);
    assert_int_equal(unit_count(e->db, q), 0);
    snprintf(q, sizeof q, "SELECT count(*) FROM tokens WHERE revoked_at IS NULL AND user_id = %lld",
             (long long)u.id);
    assert_int_equal(unit_count(e->db, q), 0);
    session_issued again;
    assert_int_equal(session_create(&e->cx, "di@example.com", "right-password", &again),
                     ST_UNAUTHORIZED);
    assert_int_equal(session_authenticate(&cx, mine.secret), ST_OK);

    /* Back: it signs in again; the revoked token stays revoked. */
    user_in on = {.active_set = true, .active = true};
    assert_int_equal(user_update(&cx, u.uuid, &on, &out), ST_OK);
    assert_true(out.active);
    assert_int_equal(session_create(&e->cx, "di@example.com", "right-password", &again), ST_OK);
    assert_int_equal(token_authenticate(e->db, t.token, e->cx.now, e->a, &tr, &tu),
                     ST_UNAUTHORIZED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_create_and_authenticate),
        UNIT_TEST(test_wrong_and_missing),
        UNIT_TEST(test_ends),
        UNIT_TEST(test_deactivate),
        cmocka_unit_test(test_same_origin),
    };
    return cmocka_run_group_tests_name("core/session", tests, NULL, NULL);
}
