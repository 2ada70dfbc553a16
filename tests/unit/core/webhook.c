/* Tests of core/webhook.c and core/outbox.c: the signature (a known HMAC-SHA256 vector, the old
 * secret signing alongside until its end), the delivery body, the shared retry schedule (the
 * doubling, its cap, the jitter's bounds), and the outbox on a real store: an event queues one
 * delivery per matching active endpoint in its own transaction, none for a rolled-back one,
 * none for an inactive endpoint or a type it did not ask for; the worker's claim (per-ticket
 * order), its record (the latest attempt in the delivery's row), the log, and its sweep. */
#include "unit.h"

#include <pthread.h>

#include "core/outbox.h"
#include "core/webhook.h"
#include "util/timeutil.h"

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

/* The group commit's path (store.c run_batch): the outbox's one INSERT before COMMIT queues
 * the deliveries of the batch's surviving jobs only. A blocker job holds the writer until two
 * more jobs are queued, so they run in one batch: the first writes an event and fails (rolled
 * back to its savepoint), the second writes one and succeeds. */
typedef struct {
    unit_env *e;
    const char *type;
    pthread_mutex_t *lock;
    pthread_cond_t *cond;
    int *queued; /* blocker: waits until 2; others: unused */
    status committed;
    bool done;
} batch_job;

static status batch_run(db *writer, void *arg)
{
    batch_job *b = arg;
    if (!b->type) { /* the blocker */
        pthread_mutex_lock(b->lock);
        while (*b->queued < 2)
            pthread_cond_wait(b->cond, b->lock);
        pthread_mutex_unlock(b->lock);
        return ST_OK;
    }
    core_ctx cx;
    diag d = {0};
    core_ctx_init_job(&cx, b->e->st, writer, b->e->a, &d);
    cx.ws = b->e->ws.id;
    cx.actor = ACTOR_SYSTEM;
    return write_event(&cx, (void *)b->type);
}

static void batch_done(void *arg, status committed)
{
    batch_job *b = arg;
    pthread_mutex_lock(b->lock);
    b->committed = committed;
    b->done = true;
    pthread_cond_broadcast(b->cond);
    pthread_mutex_unlock(b->lock);
}

static void test_outbox_per_batch(void **state)
{
    unit_env *e = *state;
    webhook_init(&(webhook_config){.allow_private = true});
    const char *all[] = {"*"};
    make_hook(e, all, 1, true);
    make_hook(e, all, 1, true);
    assert_int_equal(store_start_writer(e->st), ST_OK);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
    int queued = 0;
    batch_job jobs[3] = {
        {.e = e, .type = NULL}, {.e = e, .type = "test.fail"}, {.e = e, .type = "test.one"}};
    store_job sj[3];
    for (int i = 0; i < 3; i++) {
        jobs[i].lock = &lock;
        jobs[i].cond = &cond;
        jobs[i].queued = &queued;
        sj[i] = (store_job){.run = batch_run, .done = batch_done, .arg = &jobs[i]};
        store_submit(e->st, &sj[i]);
        if (i) {
            pthread_mutex_lock(&lock);
            queued++;
            pthread_cond_broadcast(&cond);
            pthread_mutex_unlock(&lock);
        }
    }
    pthread_mutex_lock(&lock);
    while (!jobs[0].done || !jobs[1].done || !jobs[2].done)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 3; i++)
        assert_int_equal(jobs[i].committed, ST_OK);
    assert_false(sj[1].ran_ok);
    assert_true(sj[2].ran_ok);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events WHERE type = 'test.fail'"), 0);
    /* One delivery per endpoint, of test.one's event only, none left of the rolled-back job. */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries d JOIN events v "
                                       "ON v.id = d.event_id WHERE v.type = 'test.one'"),
                     2);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries"), 2);
}

/* Claims in a transaction of their own (the worker's are jobs of the writer's batch). */
static size_t claim(unit_env *e, int64_t now, webhook_delivery_row **rows)
{
    size_t n = 0;
    assert_int_equal(store_begin(e->db), ST_OK);
    assert_int_equal(store_webhook_claim(e->db, now, now + 5000, 10, e->a, rows, &n), ST_OK);
    assert_int_equal(store_commit(e->db), ST_OK);
    return n;
}

static bool claimed(const webhook_delivery_row *rows, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id) return true;
    return false;
}

/* Records claimed delivery d's attempt as the worker does (core/webhook.c do_record). */
static void record(unit_env *e, webhook_delivery_row *d, const char *outcome, int64_t code,
                   const char *answer, int64_t next_at)
{
    bool had_last = d->last_at != NULL_INT;
    d->status = (char *)outcome;
    d->attempts++;
    d->next_at = next_at;
    d->done_at = strcmp(outcome, "queued") ? next_at : NULL_INT;
    d->last_at = 1000 * d->attempts;
    d->last_code = code;
    d->last_latency = 7;
    d->last_response = (char *)answer;
    d->last_error = code == 200 ? NULL : "the endpoint answered";
    assert_int_equal(store_begin(e->db), ST_OK);
    assert_int_equal(store_webhook_record(e->db, d, had_last), ST_OK);
    assert_int_equal(store_commit(e->db), ST_OK);
}

/* The worker's store side: a claim takes due deliveries, the oldest of each (endpoint, ticket)
 * only, none of an inactive endpoint; on SQLite (one process) it only reads, so what it took is
 * taken again until recorded. A record keeps the attempt in the delivery's row, moving the one
 * it held to webhook_attempts (migration 021), and the log reads both, older ones first; a row
 * recorded before 021 (every attempt in the table) reads the same. The sweep deletes finished
 * deliveries done before a time, with their attempts, and never a queued one. Also the delivery
 * uuid's time-ordered form (v7, in queueing order). */
static void test_claim_record_and_sweep(void **state)
{
    unit_env *e = *state;
    webhook_init(&(webhook_config){.allow_private = true});
    const char *all[] = {"*"};
    webhook_out on = make_hook(e, all, 1, true);
    for (int i = 0; i < 4; i++)
        assert_int_equal(core_txn(&e->cx, write_event, "test.one"), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries"), 4);
    /* Time-ordered uuids: version 7, sorting as the rows were queued. */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries WHERE "
                                       "substr(uuid, 15, 1) = '7'"),
                     4);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries a JOIN "
                                       "webhook_deliveries b ON b.id = a.id + 1 WHERE b.uuid <= "
                                       "a.uuid"),
                     0);
    /* Deliveries 1 and 2 are one ticket's (1 first), 3 and 4 have none. */
    assert_int_equal(db_exec(e->db, "UPDATE webhook_deliveries SET ticket_id = 42 WHERE id <= 2"),
                     ST_OK);
    int64_t now = time_now_ms() + 1000;
    webhook_delivery_row *rows = NULL;
    size_t n = claim(e, now, &rows);
    assert_int_equal(n, 3); /* 2 waits behind 1 */
    assert_false(claimed(rows, n, 2));
    for (size_t i = 0; i < n; i++) {
        assert_true(rows[i].next_at <= now); /* a read: nothing moved */
        assert_string_equal(rows[i].event_type, "test.one");
        assert_int_equal(rows[i].webhook_id, on.w.id);
        assert_int_equal(rows[i].last_at, NULL_INT); /* not tried yet */
    }
    assert_int_equal(claim(e, now, &rows), 3); /* not recorded yet: the same three again */
    /* 1 delivered at once: no attempt row, the attempt in its own; 2 is next in line. 3 fails
     * and is retried later. */
    webhook_delivery_row *d1 = &rows[0], *d3 = NULL;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].id == 1) d1 = &rows[i];
        if (rows[i].id == 3) d3 = &rows[i];
    }
    assert_int_equal(d1->id, 1);
    assert_non_null(d3);
    record(e, d1, "delivered", 200, "thanks", now);
    record(e, d3, "queued", 503, "nope", now + 60000);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_attempts"), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries WHERE id = 1 AND "
                                       "status = 'delivered' AND attempts = 1 AND last_code = 200 "
                                       "AND last_response = 'thanks' AND last_error IS NULL"),
                     1);
    n = claim(e, now, &rows);
    assert_int_equal(n, 2);
    assert_true(claimed(rows, n, 2) && claimed(rows, n, 4));
    /* 3's second attempt: the first moves to webhook_attempts, the row keeps the second. */
    assert_int_equal(d3->last_code, 503);
    record(e, d3, "delivered", 200, "ok now", now + 60000);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_attempts WHERE delivery_id = "
                                       "3 AND status_code = 503 AND response = 'nope' AND at = "
                                       "1000"),
                     1);
    webhook_delivery_out *log = NULL;
    size_t n_log = 0;
    assert_int_equal(webhook_deliveries(&e->cx, on.w.uuid, NULL_INT, 10, &log, &n_log), ST_OK);
    assert_int_equal(n_log, 4);
    const webhook_delivery_out *l3 = &log[1]; /* newest first: 4, 3, 2, 1 */
    assert_int_equal(l3->d.id, 3);
    assert_int_equal(l3->n_attempts, 2);
    assert_int_equal(l3->attempts[0].status_code, 503);
    assert_string_equal(l3->attempts[0].error, "the endpoint answered");
    assert_int_equal(l3->attempts[1].status_code, 200);
    assert_string_equal(l3->attempts[1].response, "ok now");
    assert_int_equal(log[3].n_attempts, 1);
    assert_int_equal(log[3].attempts[0].latency_ms, 7);
    assert_int_equal(log[2].n_attempts, 0); /* 2: not tried */
    /* 4 as a delivery recorded before 021: its attempts in the table only, oldest first. */
    assert_int_equal(db_exec(e->db, "INSERT INTO webhook_attempts (delivery_id, at, status_code, "
                                    "latency_ms) VALUES (4, 10, 500, 1), (4, 20, 200, 1)"),
                     ST_OK);
    assert_int_equal(webhook_deliveries(&e->cx, on.w.uuid, NULL_INT, 1, &log, &n_log), ST_OK);
    assert_int_equal(log[0].d.id, 4);
    assert_int_equal(log[0].n_attempts, 2);
    assert_int_equal(log[0].attempts[0].at, 10);
    assert_int_equal(log[0].attempts[1].at, 20);
    assert_int_equal(db_exec(e->db, "DELETE FROM webhook_attempts"), ST_OK);
    assert_int_equal(db_exec(e->db, "UPDATE webhook_deliveries SET status = 'queued', done_at = "
                                    "NULL, next_at = 0"),
                     ST_OK);
    /* An inactive endpoint's deliveries are not claimed. */
    assert_int_equal(db_exec(e->db, "UPDATE webhooks SET active = 0"), ST_OK);
    assert_int_equal(claim(e, now + 9000, &rows), 0);
    /* The sweep: 3 finished (two long ago, one just now), 4 still queued. */
    assert_int_equal(db_exec(e->db, "UPDATE webhook_deliveries SET status = 'delivered', done_at = "
                                    "1000 WHERE id IN (1, 2)"),
                     ST_OK);
    assert_int_equal(db_exec(e->db, "UPDATE webhook_deliveries SET status = 'failed', done_at = "
                                    "9000000 WHERE id = 3"),
                     ST_OK);
    assert_int_equal(db_exec(e->db, "INSERT INTO webhook_attempts (delivery_id, at, latency_ms) "
                                    "VALUES (1, 1, 1), (1, 2, 1), (3, 3, 1), (4, 4, 1)"),
                     ST_OK);
    size_t swept = 0;
    assert_int_equal(store_begin(e->db), ST_OK);
    assert_int_equal(store_webhook_sweep(e->db, 5000000, 1, e->a, &swept), ST_OK);
    assert_int_equal(swept, 1); /* the limit */
    assert_int_equal(store_webhook_sweep(e->db, 5000000, 10, e->a, &swept), ST_OK);
    assert_int_equal(swept, 1);
    assert_int_equal(store_webhook_sweep(e->db, 5000000, 10, e->a, &swept), ST_OK);
    assert_int_equal(swept, 0);
    assert_int_equal(store_commit(e->db), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_deliveries"), 2);
    assert_int_equal(
        unit_count(e->db, "SELECT count(*) FROM webhook_deliveries WHERE id IN (3, 4)"),
        2); /* 3 finished after the cut, 4 queued */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_attempts"), 2);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM webhook_attempts WHERE delivery_id "
                                       "IN (3, 4)"),
                     2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_vector),
        cmocka_unit_test(test_signature_header),
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_backoff_schedule),
        UNIT_TEST(test_outbox_in_the_event_transaction),
        UNIT_TEST(test_outbox_per_batch),
        UNIT_TEST(test_claim_record_and_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
