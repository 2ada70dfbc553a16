/* Tests of core/webhook.c and core/outbox.c: the signature (a known HMAC-SHA256 vector, the old
 * secret signing alongside until its end), the delivery body, the shared retry schedule (the
 * doubling, its cap, the jitter's bounds), and the outbox on a real store: an event queues one
 * delivery per matching active endpoint in its own transaction, none for a rolled-back one,
 * none for an inactive endpoint or a type it did not ask for. */
#include "unit.h"

#include "core/outbox.h"
#include "core/webhook.h"

static void test_sign_vector(void **state)
{
    (void)state;
    char hex[65];
    webhook_sign("secret", 1700000000, "{\"a\":1}", 7, hex);
    assert_string_equal(hex, "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
}

static void test_signature_header(void **state)
{
    (void)state;
    arena *a = arena_new(4096);
    webhook_row w = {.secret = "secret", .old_secret = NULL, .old_until = NULL_INT};
    assert_string_equal(webhook_signature(a, &w, 1700000000, 0, "{\"a\":1}", 7),
                        "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae"
                        "411686");
    w.old_secret = "old";
    w.old_until = 5000;
    assert_string_equal(
        webhook_signature(a, &w, 1700000000, 4999, "{\"a\":1}", 7),
        "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae"
        "411686,v1=5bed6ff4fdaa1f7539be4b82f6c76ce254e00e815b22b0dc8132056e0392cbcf");
    /* At old_until the old secret stops signing. */
    assert_null(strstr(webhook_signature(a, &w, 1700000000, 5000, "{\"a\":1}", 7), "5bed6f"));
    arena_free(a);
}

static void test_body(void **state)
{
    (void)state;
    char *out;
    size_t len;
    assert_int_equal(webhook_body("d-1", "ticket.created", 0, "{\"id\":7}", &out, &len), ST_OK);
    assert_string_equal(
        out, "{\"id\":\"d-1\",\"type\":\"ticket.created\",\"created_at\":\"1970-01-01T00:"
             "00:00.000Z\",\"data\":{\"id\":7}}");
    assert_int_equal(len, strlen(out));
    free(out);
}

static void test_backoff_schedule(void **state)
{
    (void)state;
    const int64_t cap = 3600000;
    assert_int_equal(outbox_backoff(1000, 1, cap, 0), 1000);
    assert_int_equal(outbox_backoff(1000, 2, cap, 0), 2000);
    assert_int_equal(outbox_backoff(1000, 4, cap, 0), 8000);
    assert_int_equal(outbox_backoff(1000, 40, cap, 0), cap); /* capped, no overflow */
    assert_int_equal(outbox_backoff(0, 3, cap, 0), 0);
    /* Jitter: a point of the upper half [d/2, d], never beyond. */
    bool low = false, high = false;
    for (uint64_t r = 1; r < 5000; r += 7) {
        int64_t d = outbox_backoff(1000, 3, cap, r * 2654435761u);
        assert_true(d >= 2000 && d <= 4000);
        low |= d < 2500;
        high |= d > 3500;
    }
    assert_true(low && high); /* it does spread */
    assert_int_equal(outbox_backoff(1000, 3, cap, 2000), 4000);
    assert_int_equal(outbox_backoff(1000, 3, cap, 2001), 2000);
}

static status write_event(core_ctx *cx, void *arg)
{
    const char *type = arg;
    evdata e;
    ev_init(&e);
    ev_str(&e, "x", NULL, "y");
    status st = ev_commit(cx, NULL_INT, type, &e);
    /* "fail": the event was written, then the transaction fails and rolls back */
    return st                               ? st
           : strcmp(type, "test.fail") == 0 ? diag_set(cx->d, ST_INVALID, "x", "no")
                                            : ST_OK;
}

static webhook_out make_hook(unit_env *e, const char **events, size_t n, bool active)
{
    webhook_in in = {.url = {true, "http://127.0.0.1:1/hook"},
                     .events = {true, events, n},
                     .active = {true, active}};
    webhook_out o;
    unit_diag_clear(e);
    assert_int_equal(webhook_create(&e->cx, &in, &o), ST_OK);
    assert_non_null(o.secret);
    assert_int_equal(strlen(o.secret), 64);
    return o;
}

static void test_outbox_in_the_event_transaction(void **state)
{
    unit_env *e = *state;
    webhook_init(&(webhook_config){.allow_private = true});
    const char *all[] = {"*"}, *some[] = {"test.one", "test.fail"}, *other[] = {"test.two"};
    make_hook(e, all, 1, true);
    make_hook(e, some, 2, true);
    make_hook(e, other, 1, true);
    make_hook(e, all, 1, false); /* inactive: nothing */
    const char *q = "SELECT count(*) FROM webhook_deliveries";
    assert_int_equal(core_txn(&e->cx, write_event, "test.one"), ST_OK);
    assert_int_equal(unit_count(e->db, q), 2); /* * and test.one */
    assert_int_equal(core_txn(&e->cx, write_event, "test.twofold"), ST_OK);
    assert_int_equal(unit_count(e->db, q), 3); /* only *: test.two is not test.twofold */
    /* '*' leaves out webhook.* events (named ones only). */
    assert_int_equal(core_txn(&e->cx, write_event, "webhook.disabled"), ST_OK);
    assert_int_equal(unit_count(e->db, q), 3);
    unit_diag_clear(e);
    assert_int_equal(core_txn(&e->cx, write_event, "test.fail"), ST_INVALID);
    assert_int_equal(unit_count(e->db, q), 3); /* rolled back with its event */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries WHERE status = "
                                       "'queued' AND attempts = 0 AND ticket_id IS NULL"),
                     3);
    /* The metrics' view: the depth of each queue, and the counters. */
    int64_t depth = -1;
    assert_int_equal(outbox_depth(e->st, OUTBOX_WEBHOOK, &depth), ST_OK);
    assert_int_equal(depth, 3);
    assert_int_equal(outbox_depth(e->st, OUTBOX_INVITATION, &depth), ST_OK);
    assert_int_equal(depth, 0);
    outbox_counts c0 = outbox_stats(OUTBOX_WEBHOOK);
    outbox_count(OUTBOX_WEBHOOK, true, false);
    outbox_count(OUTBOX_WEBHOOK, false, true);
    outbox_counts c1 = outbox_stats(OUTBOX_WEBHOOK);
    assert_int_equal(c1.attempts - c0.attempts, 2);
    assert_int_equal(c1.delivered - c0.delivered, 1);
    assert_int_equal(c1.failures - c0.failures, 1);
    assert_int_equal(c1.gave_up - c0.gave_up, 1);
    assert_int_equal(outbox_stats(OUTBOX_INVITATION).attempts, 0);
    /* The private-address rule: refused (naming url) without the flag. */
    webhook_init(&(webhook_config){.allow_private = false});
    webhook_in in = {.url = {true, "http://127.0.0.1:1/hook"}};
    webhook_out o;
    unit_diag_clear(e);
    assert_int_equal(webhook_create(&e->cx, &in, &o), ST_INVALID);
    assert_string_equal(e->d.field, "url");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhooks"), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_vector),
        cmocka_unit_test(test_signature_header),
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_backoff_schedule),
        UNIT_TEST(test_outbox_in_the_event_transaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
