/* Tests of core/notify.c on a real store: template names, files and placeholders (and their
 * rejection, naming the field), rendering, what a create queues (rows and invitation.queued
 * events in the ticket's transaction, SMS only with a gateway, reminders before start_date,
 * the join link) and that a refused create writes nothing, then the retry schedule and the
 * recording of sent, retried and failed attempts with their events. */
#include "unit.h"

#include <sys/stat.h>

#include "core/assist.h"
#include "core/notify.h"
#include "util/timeutil.h"

#define DAY_MS_TEST 86400000LL

static void configure(unit_env *e, const char *sms, int64_t attempts)
{
    notify_config c = {.data_dir = e->dir,
                       .public_url = "https://help.example",
                       .smtp_url = "smtp://127.0.0.1:1",
                       .sms_gateway = sms,
                       .attempts = attempts,
                       .backoff_ms = 1000};
    diag d = {0};
    assert_int_equal(notify_init(&c, &d), ST_OK);
}

static void write_template(unit_env *e, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/templates", e->dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/templates/%s.txt", e->dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_invalid(unit_env *e, status got, const char *field)
{
    assert_int_equal(got, ST_INVALID);
    assert_string_equal(e->d.field, field);
    assert_true(e->d.msg[0] != '\0');
    unit_diag_clear(e);
}

static int64_t count(unit_env *e, const char *sql)
{
    return unit_count(e->db, sql);
}

static void test_config_checks(void **state)
{
    diag d = {0};
    notify_config c = {.smtp_url = "http://x"};
    assert_int_equal(notify_init(&c, &d), ST_INVALID);
    assert_string_equal(d.field, "smtp");
    c = (notify_config){.sms_gateway = "ftp://x"};
    assert_int_equal(notify_init(&c, &d), ST_INVALID);
    assert_string_equal(d.field, "sms-gateway");
    c = (notify_config){.mail_from = "a@b\r\nBcc: c@d"};
    assert_int_equal(notify_init(&c, &d), ST_INVALID);
    assert_string_equal(d.field, "mail-from");
    (void)state;
}

static void test_templates(void **state)
{
    unit_env *e = *state;
    configure(e, NULL, 3);
    notify_template t;
    write_template(e, "good_1",
                   "Subject: Call {{subject}}\r\n\r\nHi {{requestor_name}}: {{join_url}}\n");
    assert_int_equal(notify_template_load(&e->cx, "agent_template", "good_1", &t), ST_OK);
    assert_string_equal(t.subject, "Call {{subject}}");
    assert_string_equal(t.body, "Hi {{requestor_name}}: {{join_url}}\n");
    notify_vars v = {.subject = "S", .requestor_name = "Paul", .join_url = "https://j/1"};
    assert_string_equal(notify_render(e->a, t.body, &v), "Hi Paul: https://j/1\n");
    assert_string_equal(notify_render(e->a, "{{reference}}|{{agent_name}}", &v), "|");
    assert_null(notify_render(e->a, "{{nope}}", &v));
    assert_string_equal(notify_render(e->a, "a {{ b", &v), "a {{ b");

    static const char *const bad_names[] = {
        "../x", "Upper", "",
        "a b",  "x.txt", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        assert_invalid(e, notify_template_load(&e->cx, "agent_template", bad_names[i], &t),
                       "agent_template");
    assert_invalid(e, notify_template_load(&e->cx, "requestor_template", "missing", &t),
                   "requestor_template");
    write_template(e, "no-blank", "Subject: x\nbody\n");
    assert_invalid(e, notify_template_load(&e->cx, "requestor_template", "no-blank", &t),
                   "requestor_template");
    write_template(e, "no-subject", "Hello\n\nbody\n");
    assert_invalid(e, notify_template_load(&e->cx, "requestor_template", "no-subject", &t),
                   "requestor_template");
    write_template(e, "unknown", "Subject: x\n\n{{password}}\n");
    assert_invalid(e, notify_template_load(&e->cx, "requestor_template", "unknown", &t),
                   "requestor_template");
    write_template(e, "latin1", "Subject: \xe9t\xe9\n\nx\n");
    assert_invalid(e, notify_template_load(&e->cx, "requestor_template", "latin1", &t),
                   "requestor_template");

    notify_template b = notify_template_builtin(e->a, "agent", "reminder", true, true);
    assert_string_equal(b.subject, "Reminder: Video call: {{subject}}");
    assert_non_null(strstr(b.body, "{{join_url}}"));
    assert_non_null(notify_render(e->a, b.body, &v));
    b = notify_template_builtin(e->a, "requestor", "invitation", false, false);
    assert_string_equal(b.subject, "Video call");
    assert_null(strstr(b.body, "{{start_date}}"));
}

static void test_create_queues_rows_and_events(void **state)
{
    unit_env *e = *state;
    configure(e, "http://127.0.0.1:1/sms", 3);
    user_row ag = unit_user(e, "Ann", "ann@agents.example");
    int64_t now = time_now_ms();
    opt_int start = {true, now + 2 * 3600 * 1000};
    assist_in in = {.email = "paul@x.io, jean@y.io",
                    .phone = "+33612345678",
                    .name = "Paul",
                    .subject = "Broken boiler\r\nBcc: evil@x.io",
                    .agent = "ann@agents.example",
                    .send_invitation = {true, true},
                    .start_date = start,
                    .reminder = {true, 60}};
    ticket_row t;
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    notification_row *rows;
    size_t n;
    assert_int_equal(store_notification_list(e->db, e->ws.id, t.id, e->a, &rows, &n), ST_OK);
    /* 2 emails + 1 SMS to the requestor, 1 email to the agent; then the same as reminders */
    assert_int_equal(n, 8);
    char join[128];
    snprintf(join, sizeof join, "https://help.example/join/%s", t.uuid);
    static const char *const want[][3] = {{"email", "requestor", "paul@x.io"},
                                          {"email", "requestor", "jean@y.io"},
                                          {"sms", "requestor", "+33612345678"},
                                          {"email", "agent", "ann@agents.example"}};
    for (size_t i = 0; i < n; i++) {
        const notification_row *r = &rows[i];
        assert_string_equal(r->kind, i < 4 ? "invitation" : "reminder");
        assert_string_equal(r->channel, want[i % 4][0]);
        assert_string_equal(r->audience, want[i % 4][1]);
        assert_string_equal(r->recipient, want[i % 4][2]);
        assert_string_equal(r->status, "queued");
        assert_int_equal(r->attempts, 0);
        assert_non_null(strstr(r->body, join));
        assert_null(strchr(r->subject, '\n'));
        assert_null(strchr(r->subject, '\r'));
        assert_int_equal(r->next_at, i < 4 ? e->cx.now : t.start_date - 60 * 60000);
    }
    assert_non_null(strstr(rows[0].body, "Paul"));
    assert_non_null(strstr(rows[3].body, "Ann"));
    assert_non_null(strstr(rows[4].subject, "Reminder: "));
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'invitation.queued'"), 8);
    assert_int_equal(
        count(e, "SELECT count(*) FROM events WHERE type = 'invitation.queued' AND "
                 "data LIKE '%\"recipient\":{\"before\":null,\"after\":\"+33612345678\"}%'"
                 " AND data LIKE '%\"channel\":{\"before\":null,\"after\":\"sms\"}%'"),
        2);
    (void)ag;
}

static void test_what_is_queued_when(void **state)
{
    unit_env *e = *state;
    configure(e, NULL, 3); /* no SMS gateway */
    unit_user(e, "Ann", "ann@agents.example");
    ticket_row t;
    /* not asked: nothing */
    assert_int_equal(assist_create(&e->cx, &(assist_in){.email = "a@x.io"}, &t), ST_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM notifications"), 0);
    /* no gateway: the phone receives nothing; invite_organizer=false: the agent neither; the
     * start date is past its reminder time: no reminder */
    opt_int start = {true, time_now_ms() + 10 * 60000};
    assist_in in = {.email = "a@x.io",
                    .phone = "+33612345678",
                    .agent = "ann@agents.example",
                    .invite_organizer = {true, false},
                    .send_invitation = {true, true},
                    .start_date = start};
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM notifications"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM notifications WHERE channel = 'email' AND "
                              "audience = 'requestor' AND kind = 'invitation'"),
                     1);
    /* reminder=0: none either */
    start.v = time_now_ms() + 3 * 3600 * 1000;
    in = (assist_in){.email = "b@x.io",
                     .send_invitation = {true, true},
                     .start_date = start,
                     .reminder = {true, 0}};
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM notifications WHERE kind = 'reminder'"), 0);
}

static void test_custom_template_and_refusal(void **state)
{
    unit_env *e = *state;
    configure(e, NULL, 3);
    write_template(e, "visit",
                   "Subject: Visit {{reference}}\n\nCome: {{join_url}} ({{start_date}})\n");
    ticket_row t;
    assist_in in = {.email = "a@x.io",
                    .reference = "R-7",
                    .send_invitation = {true, true},
                    .start_date = {true, 4070962800000LL /* 2099-01-01T15:00:00Z */},
                    .requestor_template = "visit"};
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    notification_row *rows;
    size_t n;
    assert_int_equal(store_notification_list(e->db, e->ws.id, t.id, e->a, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].subject, "Visit R-7");
    assert_non_null(strstr(rows[0].body, "(2099-01-01T15:00:00.000Z)"));
    assert_string_equal(rows[1].subject, "Reminder: Visit R-7");

    int64_t tickets = count(e, "SELECT count(*) FROM tickets");
    int64_t events = count(e, "SELECT count(*) FROM events");
    int64_t notes = count(e, "SELECT count(*) FROM notifications");
    in.requestor_template = "../../etc/passwd";
    assert_invalid(e, assist_create(&e->cx, &in, &t), "requestor_template");
    in.requestor_template = NULL;
    in.agent_template = "absent";
    assert_invalid(e, assist_create(&e->cx, &in, &t), "agent_template");
    /* checked even when nothing is sent */
    in.send_invitation = (opt_bool){0};
    assert_invalid(e, assist_create(&e->cx, &in, &t), "agent_template");
    assert_int_equal(count(e, "SELECT count(*) FROM tickets"), tickets);
    assert_int_equal(count(e, "SELECT count(*) FROM events"), events);
    assert_int_equal(count(e, "SELECT count(*) FROM notifications"), notes);
}

static void test_backoff_schedule(void **state)
{
    assert_int_equal(notify_backoff(30000, 1), 30000);
    assert_int_equal(notify_backoff(30000, 2), 60000);
    assert_int_equal(notify_backoff(30000, 3), 120000);
    assert_int_equal(notify_backoff(30000, 5), 480000);
    assert_int_equal(notify_backoff(30000, 60), 86400000); /* saturates at a day */
    assert_int_equal(notify_backoff(0, 3), 0);
    (void)state;
}

static notification_row first_row(unit_env *e, const char *email)
{
    ticket_row t;
    assist_in in = {.email = email, .send_invitation = {true, true}};
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    notification_row *rows;
    size_t n;
    assert_int_equal(store_notification_list(e->db, e->ws.id, t.id, e->a, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    return rows[0];
}

static void test_record_retries_then_fails(void **state)
{
    unit_env *e = *state;
    configure(e, NULL, 3);
    notification_row r = first_row(e, "a@x.io");
    int64_t before = time_now_ms();
    assert_int_equal(notify_record(&e->cx, &r, false, false, "550 no"), ST_OK);
    assert_string_equal(r.status, "queued");
    assert_int_equal(r.attempts, 1);
    assert_true(r.next_at >= before + 1000 && r.next_at <= time_now_ms() + 1000);
    before = time_now_ms();
    assert_int_equal(notify_record(&e->cx, &r, false, false, "550 no"), ST_OK);
    assert_int_equal(r.attempts, 2);
    assert_true(r.next_at >= before + 2000 && r.next_at <= time_now_ms() + 2000);
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'invitation.failed'"), 0);
    assert_int_equal(notify_record(&e->cx, &r, false, false, "550 no"), ST_OK);
    assert_string_equal(r.status, "failed");
    assert_int_equal(r.attempts, 3);
    assert_int_equal(count(e, "SELECT count(*) FROM notifications WHERE status = 'failed' AND "
                              "attempts = 3 AND last_error = '550 no'"),
                     1);
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'invitation.failed' AND "
                              "actor_type = 'system' AND data LIKE '%\"error\":{\"before\":null,"
                              "\"after\":\"550 no\"}%' AND data LIKE "
                              "'%\"attempts\":{\"before\":2,\"after\":3}%'"),
                     1);
    /* a permanent error fails at once; success is sent with sent_at */
    notification_row p = first_row(e, "b@x.io");
    assert_int_equal(notify_record(&e->cx, &p, false, true, "bad address"), ST_OK);
    assert_string_equal(p.status, "failed");
    assert_int_equal(p.attempts, 1);
    notification_row s = first_row(e, "c@x.io");
    assert_int_equal(notify_record(&e->cx, &s, true, false, NULL), ST_OK);
    assert_string_equal(s.status, "sent");
    assert_true(s.sent_at != NULL_INT);
    assert_int_equal(count(e, "SELECT count(*) FROM events WHERE type = 'invitation.sent'"), 1);
    /* due rows: none of the failed or sent; the queue is empty on every channel */
    notification_row *due;
    size_t n;
    assert_int_equal(
        store_notification_due(e->db, time_now_ms() + DAY_MS_TEST, true, true, 10, e->a, &due, &n),
        ST_OK);
    assert_int_equal(n, 0);
    int64_t at;
    assert_int_equal(store_notification_next(e->db, true, true, &at), ST_NOT_FOUND);
}

static void test_due_order_and_channels(void **state)
{
    unit_env *e = *state;
    configure(e, "http://127.0.0.1:1/sms", 3);
    ticket_row t;
    assist_in in = {.email = "a@x.io", .phone = "+33612345678", .send_invitation = {true, true}};
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    notification_row *due;
    size_t n;
    int64_t now = time_now_ms();
    assert_int_equal(store_notification_due(e->db, now, true, false, 10, e->a, &due, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(due[0].channel, "email");
    assert_int_equal(store_notification_due(e->db, now, false, true, 10, e->a, &due, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(due[0].channel, "sms");
    assert_int_equal(store_notification_due(e->db, now, false, false, 10, e->a, &due, &n), ST_OK);
    assert_int_equal(n, 0);
    int64_t at;
    assert_int_equal(store_notification_next(e->db, false, false, &at), ST_NOT_FOUND);
    assert_int_equal(store_notification_next(e->db, true, false, &at), ST_OK);
    assert_true(at <= now);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_checks),          UNIT_TEST(test_templates),
        UNIT_TEST(test_create_queues_rows_and_events), UNIT_TEST(test_what_is_queued_when),
        UNIT_TEST(test_custom_template_and_refusal),   cmocka_unit_test(test_backoff_schedule),
        UNIT_TEST(test_record_retries_then_fails),     UNIT_TEST(test_due_order_and_channels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
