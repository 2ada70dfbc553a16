/* Tests of core/stream.c, the live stream's broadcaster: a subscriber gets the events committed
 * after it subscribed (SSE frames with id, event and one data line), a resume point gives
 * exactly the later events, an agent gets only its own or unassigned tickets' events, an empty
 * queue suspends the reader and a new event wakes it, a reader that falls too far behind is
 * ended, presence notices skip their sender, closing ends every stream and refuses new ones,
 * and no more than LIMIT_STREAM_CLIENTS subscribe at once. */
#include "unit.h"

#include <stdatomic.h>
#include <time.h>

#include "core/category.h"
#include "core/people.h"
#include "core/stream.h"
#include "core/ticket.h"
#include "util/limits.h"

typedef struct {
    atomic_int wakes, suspends;
} waker;

static void on_wake(void *ctx)
{
    atomic_fetch_add(&((waker *)ctx)->wakes, 1);
}

static void on_suspend(void *ctx)
{
    atomic_fetch_add(&((waker *)ctx)->suspends, 1);
}

static int setup(void **state)
{
    unit_setup(state);
    unit_env *e = *state;
    assert_int_equal(stream_start(e->st, 60000), ST_OK);
    return 0;
}

static int teardown(void **state)
{
    stream_stop();
    return unit_teardown(state);
}

/* Everything queued for s within two seconds after `want` appears in it (or until then). */
static char *read_until(stream_sub *s, waker *w, const char *want)
{
    static char text[LIMIT_STREAM_QUEUE * 2];
    size_t len = 0;
    for (int tries = 0; tries < 400; tries++) {
        ssize_t n = stream_read(s, text + len, sizeof text - 1 - len, on_suspend, w);
        if (n > 0) {
            len += (size_t)n;
            text[len] = '\0';
            if (want && strstr(text, want)) break;
            continue;
        }
        if (n < 0) break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    text[len] = '\0';
    return text;
}

static ticket_row make_ticket(unit_env *e, const char *title)
{
    static int seq;
    char email[64];
    snprintf(email, sizeof email, "client%d@example.com", ++seq);
    contact_in ci = {.name = SET("Carla"), .email = SET(email), .is_blocked = -1};
    contact_row c;
    assert_int_equal(contact_create(&e->cx, &ci, &c), ST_OK);
    category_in ki = {.title = SET(title), .language = SET("en")};
    category_row k;
    assert_int_equal(category_create(&e->cx, &ki, &k), ST_OK);
    ticket_create_in ti = {
        .client_id = c.uuid, .title = title, .description = "d", .category = k.uuid};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &ti, &t), ST_OK);
    return t;
}

/* How many frames of text carry an `id:` line. */
static int ids_in(const char *text)
{
    int n = 0;
    for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += strncmp(p, "id: ", 4) == 0;
    return n;
}

static int64_t last_event(unit_env *e)
{
    return unit_count(e->db, "SELECT max(id) FROM events");
}

static void test_events_after_subscribing(void **state)
{
    unit_env *e = *state;
    make_ticket(e, "Before");
    waker w = {0};
    stream_sub *s;
    assert_int_equal(stream_subscribe(&e->cx, -1, NULL_INT, on_wake, &w, &s), ST_OK);
    char *text = read_until(s, &w, "retry: ");
    assert_string_equal(text, "retry: 2000\n\n");
    /* Nothing more: the reader is suspended, and woken by the next commit. */
    char one[8];
    assert_int_equal(stream_read(s, one, sizeof one, on_suspend, &w), 0);
    assert_int_equal(atomic_load(&w.suspends), 1);
    ticket_row t = make_ticket(e, "After");
    text = read_until(s, &w, t.uuid);
    assert_true(atomic_load(&w.wakes) >= 1);
    assert_null(strstr(text, "Before"));
    char want[64];
    snprintf(want, sizeof want, "event: ticket.created\ndata: {\"id\":");
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "\"ticket_id\":\""));
    assert_non_null(strstr(text, t.uuid));
    assert_non_null(strstr(text, "\"actor\":{\"type\":\"system\""));
    /* One data line per event: the JSON holds no raw newline. */
    const char *data = strstr(text, "data: ");
    assert_non_null(data);
    assert_true(strchr(data, '\n')[1] == '\n');
    stream_unsubscribe(s);
}

static void test_resume_gives_exactly_the_later_events(void **state)
{
    unit_env *e = *state;
    make_ticket(e, "One");
    int64_t mark = last_event(e);
    ticket_row two = make_ticket(e, "Two");
    make_ticket(e, "Three");
    int64_t last = last_event(e);
    waker w = {0};
    stream_sub *s;
    assert_int_equal(stream_subscribe(&e->cx, mark, NULL_INT, on_wake, &w, &s), ST_OK);
    char want[32];
    snprintf(want, sizeof want, "id: %lld\n", (long long)last);
    char *text = read_until(s, &w, want);
    assert_null(strstr(text, "One"));
    assert_non_null(strstr(text, two.uuid));
    assert_int_equal(ids_in(text), (int)(last - mark));
    snprintf(want, sizeof want, "id: %lld\n", (long long)mark + 1);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "id: %lld\n", (long long)mark);
    assert_null(strstr(text, want));
    stream_unsubscribe(s);
}

static void test_agent_sees_own_and_unassigned(void **state)
{
    unit_env *e = *state;
    user_row agent = unit_user(e, "Ann", "ann@example.com");
    user_row other = unit_user(e, "Bob", "bob@example.com");
    core_ctx acx = e->cx;
    acx.user_id = agent.id;
    acx.admin = false;
    /* Judged by each ticket's assignee when sent: resumed after the writes, so it is theirs. */
    int64_t mark = last_event(e);
    ticket_row foreign = make_ticket(e, "Foreign");
    assert_int_equal(ticket_assign(&e->cx, foreign.uuid, "teammate_id", other.uuid, &foreign),
                     ST_OK);
    ticket_row loose = make_ticket(e, "Unassigned");
    ticket_row own = make_ticket(e, "Own");
    assert_int_equal(ticket_assign(&e->cx, own.uuid, "teammate_id", agent.uuid, &own), ST_OK);
    char want[32];
    snprintf(want, sizeof want, "id: %lld\n", (long long)last_event(e));
    waker w = {0};
    stream_sub *s;
    assert_int_equal(stream_subscribe(&acx, mark, NULL_INT, on_wake, &w, &s), ST_OK);
    char *text = read_until(s, &w, want);
    assert_null(strstr(text, foreign.uuid));
    assert_non_null(strstr(text, loose.uuid));
    assert_non_null(strstr(text, own.uuid));
    assert_non_null(strstr(text, "event: ticket.assigned"));
    stream_unsubscribe(s);
}

static void test_too_far_behind_is_ended(void **state)
{
    unit_env *e = *state;
    waker w = {0};
    stream_sub *s;
    assert_int_equal(stream_subscribe(&e->cx, -1, NULL_INT, on_wake, &w, &s), ST_OK);
    /* Never read while more than the queue's cap is committed. */
    static char big[LIMIT_TEXT_CHARS + 1];
    memset(big, 'x', LIMIT_TEXT_CHARS);
    ticket_row t = make_ticket(e, "Big");
    for (int i = 0; i * LIMIT_TEXT_CHARS < LIMIT_STREAM_QUEUE + LIMIT_TEXT_CHARS; i++)
        assert_int_equal(ticket_reply(&e->cx, t.uuid, big, NULL, 0, false, &t), ST_OK);
    int64_t last = last_event(e);
    char want[32];
    snprintf(want, sizeof want, "id: %lld\n", (long long)last);
    /* What was queued comes out, then the end (never the event that did not fit). */
    char *text = read_until(s, &w, want);
    assert_null(strstr(text, want));
    assert_int_equal(stream_read(s, want, sizeof want, on_suspend, &w), -1);
    stream_unsubscribe(s);
}

static void test_one_large_event_gets_through(void **state)
{
    unit_env *e = *state;
    ticket_row t = make_ticket(e, "Large");
    waker w = {0};
    stream_sub *s;
    assert_int_equal(stream_subscribe(&e->cx, -1, NULL_INT, on_wake, &w, &s), ST_OK);
    read_until(s, &w, "retry: "); /* the queue is empty now */
    /* 65,535 four-byte characters: the event's frame alone is larger than the queue's cap. */
    static char big[LIMIT_TEXT_CHARS * 4 + 1];
    for (int i = 0; i < LIMIT_TEXT_CHARS; i++)
        memcpy(big + i * 4, "\xF0\x9F\x99\x82", 4);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, big, NULL, 0, false, &t), ST_OK);
    char want[32];
    snprintf(want, sizeof want, "id: %lld\n", (long long)last_event(e));
    char *text = read_until(s, &w, "\"created_at\"");
    assert_true(strlen(text) > LIMIT_STREAM_QUEUE);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "event: reply.created"));
    assert_true(stream_read(s, want, sizeof want, on_suspend, &w) >= 0); /* not ended */
    stream_unsubscribe(s);
}

static status announce(core_ctx *cx, void *arg)
{
    const ticket_row *t = arg;
    return stream_presence(cx, t->id, t->uuid, NULL_INT, "typing", "Ann");
}

static void test_presence_skips_its_sender(void **state)
{
    unit_env *e = *state;
    ticket_row t = make_ticket(e, "Shared");
    user_row ann = unit_user(e, "Ann", "ann@example.com");
    core_ctx sender = e->cx;
    sender.actor = ACTOR_USER;
    sender.user_id = ann.id;
    memcpy(sender.actor_id, ann.uuid, sizeof sender.actor_id);
    waker w1 = {0}, w2 = {0};
    stream_sub *mine, *theirs;
    assert_int_equal(stream_subscribe(&sender, -1, NULL_INT, on_wake, &w1, &mine), ST_OK);
    assert_int_equal(stream_subscribe(&e->cx, -1, NULL_INT, on_wake, &w2, &theirs), ST_OK);
    int64_t events = last_event(e);
    assert_int_equal(core_txn(&sender, announce, &t), ST_OK);
    char *text = read_until(theirs, &w2, "expires_at");
    assert_non_null(strstr(text, "event: presence\ndata: {\"ticket_id\":\""));
    assert_non_null(strstr(text, "\"teammate\":{\"id\":\""));
    assert_non_null(strstr(text, "\"name\":\"Ann\""));
    assert_non_null(strstr(text, "\"state\":\"typing\""));
    assert_null(strstr(text, "\nid: "));
    assert_int_equal(last_event(e), events); /* never stored */
    /* The sender's stream: a later event comes, and no presence before it (it would have been
     * queued at the earlier COMMIT). */
    ticket_row later = make_ticket(e, "Later");
    text = read_until(mine, &w1, later.uuid);
    assert_non_null(strstr(text, later.uuid));
    assert_null(strstr(text, "presence"));
    stream_unsubscribe(mine);
    stream_unsubscribe(theirs);
}

static void test_close_all_ends_and_refuses(void **state)
{
    unit_env *e = *state;
    waker w = {0};
    stream_sub *s;
    assert_int_equal(stream_subscribe(&e->cx, -1, NULL_INT, on_wake, &w, &s), ST_OK);
    char out[64];
    assert_true(stream_read(s, out, sizeof out, on_suspend, &w) > 0);
    assert_int_equal(stream_read(s, out, sizeof out, on_suspend, &w), 0);
    assert_int_equal(atomic_load(&w.suspends), 1);
    stream_close_all();
    assert_int_equal(atomic_load(&w.wakes), 1); /* the suspended reader is woken ... */
    assert_int_equal(stream_read(s, out, sizeof out, on_suspend, &w), -1); /* ... to its end */
    stream_sub *late;
    unit_diag_clear(e);
    assert_int_equal(stream_subscribe(&e->cx, -1, NULL_INT, on_wake, &w, &late), ST_UNAVAILABLE);
    assert_non_null(strstr(e->d.msg, "stopping"));
    stream_unsubscribe(s);
}

static void test_client_cap(void **state)
{
    unit_env *e = *state;
    static stream_sub *subs[LIMIT_STREAM_CLIENTS];
    waker w = {0};
    for (int i = 0; i < LIMIT_STREAM_CLIENTS; i++)
        assert_int_equal(stream_subscribe(&e->cx, 0, NULL_INT, on_wake, &w, &subs[i]), ST_OK);
    stream_sub *one_more;
    unit_diag_clear(e);
    assert_int_equal(stream_subscribe(&e->cx, 0, NULL_INT, on_wake, &w, &one_more), ST_UNAVAILABLE);
    assert_non_null(strstr(e->d.msg, "stream clients"));
    stream_unsubscribe(subs[0]); /* a place is free again */
    assert_int_equal(stream_subscribe(&e->cx, 0, NULL_INT, on_wake, &w, &subs[0]), ST_OK);
    for (int i = 0; i < LIMIT_STREAM_CLIENTS; i++)
        stream_unsubscribe(subs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events_after_subscribing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_gives_exactly_the_later_events, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_agent_sees_own_and_unassigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_far_behind_is_ended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_large_event_gets_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_presence_skips_its_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_all_ends_and_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_cap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
