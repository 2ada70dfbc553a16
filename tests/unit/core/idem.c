/* Tests of core/idem.c: which keys are keys; a claim, the stored answer replayed to the same
 * fingerprint and refused (REASON_IDEM_KEY_REUSED) to another; a non-2xx answer or a rolled
 * back write leaves no row; keys are per workspace; an expired row is taken over and old rows
 * are swept; an unfinished claim another transaction holds is a plain conflict. Each call runs
 * in a write transaction (core_txn), as it does inside a group-commit job. */
#include "unit.h"

#include "core/idem.h"

#define TTL 1000 /* ms */

typedef struct {
    const char *key;
    unsigned char fp[IDEM_FINGERPRINT_LEN];
    const idem_row *replay;
    const idem_row *answer; /* NULL: claim only */
    bool fail;              /* fail the write after claiming (a handler error) */
} idem_call;

static status run(core_ctx *cx, void *arg)
{
    idem_call *c = arg;
    status st = idem_begin(cx, c->key, c->fp, TTL, &c->replay);
    if (st || c->replay) return st;
    if (c->fail) return diag_set(cx->d, ST_INVALID, "title", "is required");
    return c->answer ? idem_finish(cx, c->key, c->answer) : ST_OK;
}

static status call(unit_env *e, idem_call *c)
{
    unit_diag_clear(e);
    return core_txn(&e->cx, run, c);
}

static idem_call mk(const char *key, unsigned char fp_byte, const idem_row *answer)
{
    idem_call c = {.key = key, .answer = answer};
    memset(c.fp, fp_byte, sizeof c.fp);
    return c;
}

static int64_t rows(unit_env *e)
{
    return unit_count(e->db, "SELECT count(*) FROM idempotency");
}

static void test_check_key(void **state)
{
    (void)state;
    diag d = {0};
    char k256[257], k255[256];
    memset(k256, 'k', 256), k256[256] = '\0';
    memset(k255, '~', 255), k255[255] = '\0';
    k255[0] = ' ';
    const char *bad[] = {"", k256, "a\tb", "a\x01", "del\x7f", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&d, 0, sizeof d);
        assert_int_equal(idem_check_key(bad[i], &d), ST_INVALID);
        assert_string_equal(d.field, "Idempotency-Key");
    }
    assert_int_equal(idem_check_key("k", &d), ST_OK);
    assert_int_equal(idem_check_key(k255, &d), ST_OK);
    assert_int_equal(idem_check_key("550e8400-e29b-41d4-a716-446655440000", &d), ST_OK);
}

static void test_store_replay_refuse(void **state)
{
    unit_env *e = *state;
    idem_row ans = {.status = 201,
                    .content_type = "application/json",
                    .headers = "Location: /x\n",
                    .body = "{\"id\":1}",
                    .body_len = 8};
    idem_call c = mk("k1", 0xaa, &ans);
    assert_int_equal(call(e, &c), ST_OK);
    assert_null(c.replay);
    assert_int_equal(rows(e), 1);

    idem_call again = mk("k1", 0xaa, &ans);
    assert_int_equal(call(e, &again), ST_OK);
    assert_non_null(again.replay);
    assert_int_equal(again.replay->status, 201);
    assert_string_equal(again.replay->content_type, "application/json");
    assert_string_equal(again.replay->headers, "Location: /x\n");
    assert_int_equal(again.replay->body_len, 8);
    assert_memory_equal(again.replay->body, "{\"id\":1}", 8);

    idem_call other = mk("k1", 0xbb, &ans);
    assert_int_equal(call(e, &other), ST_CONFLICT);
    assert_int_equal(e->d.reason, REASON_IDEM_KEY_REUSED);
    assert_string_equal(e->d.field, "Idempotency-Key");
    assert_null(other.replay);

    /* An empty body is kept as empty, not lost. */
    idem_row empty = {.status = 204};
    idem_call c2 = mk("k2", 0x01, &empty);
    assert_int_equal(call(e, &c2), ST_OK);
    idem_call c2b = mk("k2", 0x01, &empty);
    assert_int_equal(call(e, &c2b), ST_OK);
    assert_non_null(c2b.replay);
    assert_int_equal(c2b.replay->status, 204);
    assert_int_equal(c2b.replay->body_len, 0);
    assert_null(c2b.replay->headers);
}

static void test_failures_keep_nothing(void **state)
{
    unit_env *e = *state;
    /* A handler error rolls the claim back with the write. */
    idem_call f = mk("k", 0x11, NULL);
    f.fail = true;
    assert_int_equal(call(e, &f), ST_INVALID);
    assert_int_equal(rows(e), 0);
    /* An answer that is no success (a 4xx the handler wrote itself) drops the claim. */
    idem_row bad = {.status = 400, .body = "{}", .body_len = 2};
    idem_call b = mk("k", 0x11, &bad);
    assert_int_equal(call(e, &b), ST_OK);
    assert_int_equal(rows(e), 0);
    /* So the next request under the key runs, even with another fingerprint. */
    idem_row ok = {.status = 200, .body = "{}", .body_len = 2};
    idem_call g = mk("k", 0x22, &ok);
    assert_int_equal(call(e, &g), ST_OK);
    assert_null(g.replay);
    assert_int_equal(rows(e), 1);
}

static void test_per_workspace(void **state)
{
    unit_env *e = *state;
    ws_row other;
    assert_int_equal(workspace_create(e->db, "other", e->a, &other, &e->d), ST_OK);
    idem_row ok = {.status = 200, .body = "a", .body_len = 1};
    idem_call c = mk("shared", 0x33, &ok);
    assert_int_equal(call(e, &c), ST_OK);
    int64_t ws = e->cx.ws;
    e->cx.ws = other.id;
    idem_call c2 = mk("shared", 0x44, &ok); /* another request: no 422 across workspaces */
    assert_int_equal(call(e, &c2), ST_OK);
    assert_null(c2.replay);
    e->cx.ws = ws;
    assert_int_equal(rows(e), 2);
}

static void test_expiry_and_sweep(void **state)
{
    unit_env *e = *state;
    idem_row ok = {.status = 200, .body = "first", .body_len = 5};
    for (int i = 0; i < 6; i++) {
        char key[16];
        snprintf(key, sizeof key, "old%d", i);
        idem_call c = mk(arena_strdup(e->a, key), 0x55, &ok);
        assert_int_equal(call(e, &c), ST_OK);
    }
    assert_int_equal(rows(e), 6);
    e->cx.now += TTL + 1; /* every row is expired now */
    /* An expired key runs again, with any fingerprint, and keeps the new answer. */
    idem_row ok2 = {.status = 200, .body = "second", .body_len = 6};
    idem_call c = mk("old5", 0x66, &ok2);
    assert_int_equal(call(e, &c), ST_OK);
    assert_null(c.replay);
    /* The sweep took up to four of the other five expired rows. */
    assert_int_equal(rows(e), 6 - 4);
    idem_call again = mk("old5", 0x66, &ok2);
    assert_int_equal(call(e, &again), ST_OK);
    assert_non_null(again.replay);
    assert_memory_equal(again.replay->body, "second", 6);
    /* The next keyed request sweeps the last one. */
    assert_int_equal(rows(e), 1);
}

static void test_unfinished_claim(void **state)
{
    unit_env *e = *state;
    /* A row with no status: a claim whose transaction has not ended where we cannot wait. */
    char *sql = arena_printf(e->a,
                             "INSERT INTO idempotency (workspace_id, key, fingerprint, created_at) "
                             "VALUES (%lld, 'held', zeroblob(32), %lld)",
                             (long long)e->cx.ws, (long long)e->cx.now);
    assert_int_equal(db_exec(e->db, sql), ST_OK);
    idem_row ok = {.status = 200};
    idem_call c = mk("held", 0x00, &ok);
    assert_int_equal(call(e, &c), ST_CONFLICT);
    assert_int_equal(e->d.reason, REASON_NONE);
    assert_string_equal(e->d.field, "Idempotency-Key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_check_key),
        UNIT_TEST(test_store_replay_refuse),
        UNIT_TEST(test_failures_keep_nothing),
        UNIT_TEST(test_per_workspace),
        UNIT_TEST(test_expiry_and_sweep),
        UNIT_TEST(test_unfinished_claim),
    };
    return cmocka_run_group_tests_name("core/idem", tests, NULL, NULL);
}
