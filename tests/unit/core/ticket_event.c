/* Tests of the one vocabulary of ticket events (core/ticket.c): ticket.created and
 * ticket.assigned carry the same keys whichever dialect's entry point acted (Tamio create and
 * assign, Zaia open, assignee and takeover, Apizee create and agent change), with uuids for what
 * they point at; Apizee's updates use the same keys; ticket_ev_data shows stored data (new and
 * old keys) under the core's or Apizee's names and leaves nested keys and other data alone; and
 * assist_type, a ticket's Apizee type (its own, else its category's title), with the list's
 * `type` filter matching the same. */
#include "unit.h"

#include <jansson.h>

#include "core/assist.h"
#include "core/category.h"
#include "core/chat.h"
#include "core/people.h"
#include "core/tag.h"
#include "core/ticket.h"

/* ---- fixtures: one of everything a ticket points at ---- */

typedef struct {
    user_row agent, other;
    contact_row client;
    category_row cat;
    team_row team;
    chat_row chat;
} world;

static world make_world(unit_env *e)
{
    world w;
    e->cx.now = 1700000000000LL;
    w.agent = unit_user(e, "Ann", "ann@example.com");
    w.other = unit_user(e, "Bob", "bob@example.com");
    contact_in ci = {.name = SET("Carla"), .email = SET("carla@example.com"), .is_blocked = -1};
    assert_int_equal(contact_create(&e->cx, &ci, &w.client), ST_OK);
    category_in ki = {.title = SET("Billing"), .language = SET("en")};
    assert_int_equal(category_create(&e->cx, &ki, &w.cat), ST_OK);
    team_in ti = {.name = SET("Support")};
    assert_int_equal(team_create(&e->cx, &ti, &w.team), ST_OK);
    channel_in chi = {.name = SET("Web"), .type = SET("widget")};
    channel_row ch;
    assert_int_equal(channel_create(&e->cx, &chi, &ch), ST_OK);
    responder_in ri = {.entity = SET("agents"), .name = SET("Bot")};
    responder_row r;
    assert_int_equal(responder_create(&e->cx, &ri, &r), ST_OK);
    chat_in cti = {.channel_id = SET(ch.uuid),
                   .owner_id = SET(w.client.uuid),
                   .responder_id = SET(r.uuid),
                   .summary = SET("Chat")};
    assert_int_equal(chat_create(&e->cx, &cti, &w.chat), ST_OK);
    return w;
}

static ticket_row tamio_create(unit_env *e, const world *w)
{
    ticket_create_in in = {.client_id = w->client.uuid,
                           .title = "Card declined",
                           .description = "It fails",
                           .category = w->cat.uuid};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    return t;
}

static ticket_row zaia_open(unit_env *e, const world *w)
{
    ticket_open_in in = {.chat_id = w->chat.uuid,
                         .assignee_id = w->agent.uuid,
                         .status = "pending",
                         .team_id = SET(w->team.uuid),
                         .summary = SET("Card declined")};
    ticket_row t;
    assert_int_equal(ticket_open(&e->cx, &in, &t), ST_OK);
    return t;
}

static ticket_row apizee_create(unit_env *e, const world *w)
{
    assist_in in = {.email = "carla@example.com",
                    .subject = "Card declined",
                    .description = "It fails",
                    .agent = w->agent.uuid,
                    .group = w->team.uuid,
                    .reference = "R1"};
    ticket_row t;
    assert_int_equal(assist_create(&e->cx, &in, &t), ST_OK);
    return t;
}

/* The ticket's last event of the given type, its data parsed (freed by the caller). */
static json_t *last_event(unit_env *e, int64_t ticket_id, const char *type)
{
    event_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(store_event_list(e->db, e->ws.id, ticket_id, 0, 1000, e->a, &rows, &n, &total),
                     ST_OK);
    for (size_t i = n; i-- > 0;)
        if (!strcmp(rows[i].type, type)) {
            json_t *j = json_loads(rows[i].data, 0, NULL);
            assert_non_null(j);
            return j;
        }
    fail_msg("no %s event", type);
    return NULL;
}

/* The object's keys, sorted, comma-joined (arena). */
static const char *keys(unit_env *e, json_t *o)
{
    const char *k[64];
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        assert_true(n < 64);
        k[n++] = key;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(k[j - 1], k[j]) > 0; j--) {
            const char *x = k[j];
            k[j] = k[j - 1];
            k[j - 1] = x;
        }
    char *s = arena_strdup(e->a, "");
    for (size_t i = 0; i < n; i++)
        s = arena_printf(e->a, "%s%s%s", s, i ? "," : "", k[i]);
    return s;
}

/* data[field].after as a string, NULL for null. */
static const char *after(json_t *data, const char *field)
{
    json_t *f = json_object_get(data, field);
    assert_non_null(f);
    assert_true(json_is_null(json_object_get(f, "before")));
    json_t *a = json_object_get(f, "after");
    return json_is_null(a) ? NULL : json_string_value(a);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

/* ---- ticket.created ---- */

static void test_created_has_one_key_set(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t[3] = {tamio_create(e, &w), zaia_open(e, &w), apizee_create(e, &w)};
    json_t *d[3];
    for (int i = 0; i < 3; i++)
        d[i] = last_event(e, t[i].id, "ticket.created");
    const char *want = "assignee_id,category_id,chat_id,circumstance,client_id,description,"
                       "duration,language,reference,reminder,send_invitation,service_key,"
                       "start_date,state,subcategory,team_id,title,type";
    for (int i = 0; i < 3; i++) {
        assert_string_equal(keys(e, d[i]), want);
        assert_string_equal(after(d[i], "title"), "Card declined");
        assert_string_equal(after(d[i], "state"), "new");
        /* uuids for what the ticket points at, whichever dialect made it */
        assert_string_equal(after(d[i], "client_id"), w.client.uuid);
        assert_string_equal(after(d[i], "chat_id"), t[i].chat_uuid);
        assert_string_equal(after(d[i], "circumstance"), "handover");
        assert_true(json_is_null(json_object_get(json_object_get(d[i], "start_date"), "after")));
    }
    assert_str_or_null(after(d[0], "assignee_id"), NULL); /* the category assigns nobody */
    assert_string_equal(after(d[1], "assignee_id"), w.agent.uuid);
    assert_string_equal(after(d[2], "assignee_id"), w.agent.uuid);
    assert_string_equal(after(d[0], "category_id"), w.cat.uuid);
    assert_null(after(d[1], "category_id"));
    assert_null(after(d[2], "category_id"));
    assert_null(after(d[0], "team_id"));
    assert_string_equal(after(d[1], "team_id"), w.team.uuid);
    assert_string_equal(after(d[2], "team_id"), w.team.uuid);
    assert_string_equal(after(d[0], "description"), "It fails");
    assert_string_equal(after(d[1], "description"), "");
    assert_string_equal(after(d[2], "reference"), "R1");
    assert_null(after(d[0], "reference"));
    for (int i = 0; i < 3; i++)
        json_decref(d[i]);
}

/* ---- ticket.assigned ---- */

static void test_assigned_has_one_key_set(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = tamio_create(e, &w), out;
    const char *want = "assignee_id";

    /* Tamio assign: nobody -> agent */
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", w.agent.uuid, &out), ST_OK);
    json_t *d = last_event(e, t.id, "ticket.assigned");
    assert_string_equal(keys(e, d), want);
    assert_string_equal(after(d, "assignee_id"), w.agent.uuid);
    json_decref(d);

    /* Zaia assignee: agent -> other */
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "assigneeId", w.other.uuid, &out), ST_OK);
    d = last_event(e, t.id, "ticket.assigned");
    assert_string_equal(keys(e, d), want);
    json_t *f = json_object_get(d, "assignee_id");
    assert_string_equal(json_string_value(json_object_get(f, "before")), w.agent.uuid);
    assert_string_equal(json_string_value(json_object_get(f, "after")), w.other.uuid);
    json_decref(d);

    /* Zaia takeover: other -> agent */
    assert_int_equal(ticket_takeover(&e->cx, t.uuid, w.agent.uuid, &out), ST_OK);
    d = last_event(e, t.id, "ticket.assigned");
    assert_string_equal(keys(e, d), want);
    f = json_object_get(d, "assignee_id");
    assert_string_equal(json_string_value(json_object_get(f, "before")), w.other.uuid);
    assert_string_equal(json_string_value(json_object_get(f, "after")), w.agent.uuid);
    json_decref(d);

    /* Apizee agent change (by email): agent -> other, then unassigned */
    assist_patch p = {.agent = SET("bob@example.com")};
    assert_int_equal(assist_update(&e->cx, t.uuid, &p), ST_OK);
    d = last_event(e, t.id, "ticket.assigned");
    assert_string_equal(keys(e, d), want);
    f = json_object_get(d, "assignee_id");
    assert_string_equal(json_string_value(json_object_get(f, "before")), w.agent.uuid);
    assert_string_equal(json_string_value(json_object_get(f, "after")), w.other.uuid);
    json_decref(d);
    p = (assist_patch){.agent = NUL};
    assert_int_equal(assist_update(&e->cx, t.uuid, &p), ST_OK);
    d = last_event(e, t.id, "ticket.assigned");
    assert_string_equal(keys(e, d), want);
    assert_true(json_is_null(json_object_get(json_object_get(d, "assignee_id"), "after")));
    json_decref(d);
}

/* Apizee's updates and the state changes of every dialect use the same keys. */
static void test_updates_use_the_vocabulary(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = zaia_open(e, &w), out;
    assist_patch p = {.subject = SET("New title"), .group = NUL, .state = SET("inprogress")};
    assert_int_equal(assist_update(&e->cx, t.uuid, &p), ST_OK);
    json_t *d = last_event(e, t.id, "ticket.updated");
    assert_string_equal(keys(e, d), "team_id,title");
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "title"), "before")),
                        "Card declined");
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "team_id"), "before")),
                        w.team.uuid);
    json_decref(d);
    d = last_event(e, t.id, "ticket.state_changed");
    assert_string_equal(keys(e, d), "ongoing_at,state");
    json_decref(d);
    assert_int_equal(ticket_complete(&e->cx, t.uuid, w.agent.uuid, &out), ST_OK);
    d = last_event(e, t.id, "ticket.state_changed");
    assert_string_equal(keys(e, d), "completed_at,state");
    json_decref(d);
    assert_int_equal(ticket_delete(&e->cx, t.uuid), ST_OK);
    d = last_event(e, t.id, "ticket.deleted");
    assert_string_equal(keys(e, d), "deleted_at");
    json_decref(d);
}

/* ---- the names a face shows ---- */

static void test_data_under_each_face_names(void **state)
{
    unit_env *e = *state;
    static const struct {
        const char *stored, *core, *apizee;
    } cases[] = {
        /* the vocabulary */
        {"{\"title\":{\"before\":null,\"after\":\"T\"},\"client_id\":{\"before\":null,\"after\":"
         "\"c\"},\"assignee_id\":{\"before\":\"a\",\"after\":null},\"team_id\":{\"before\":null,"
         "\"after\":\"g\"},\"chat_id\":{\"before\":null,\"after\":\"h\"}}",
         NULL,
         "{\"subject\":{\"before\":null,\"after\":\"T\"},\"requestor\":{\"before\":null,\"after\":"
         "\"c\"},\"agent\":{\"before\":\"a\",\"after\":null},\"group\":{\"before\":null,"
         "\"after\":\"g\"},\"chat_id\":{\"before\":null,\"after\":\"h\"}}"},
        /* times: Apizee's names and ISO 8601; null and what is no whole ms stay */
        {"{\"state\":{\"before\":\"new\",\"after\":\"done\"},\"ongoing_at\":{\"before\":null,"
         "\"after\":1700000000000},\"completed_at\":{\"before\":1, \"after\":2},\"duration\":"
         "{\"before\":null,\"after\":30}}",
         NULL,
         "{\"state\":{\"before\":\"new\",\"after\":\"done\"},\"started_at\":{\"before\":null,"
         "\"after\":\"2023-11-14T22:13:20.000Z\"},\"ended_at\":{\"before\":\"1970-01-01T00:00:00."
         "001Z\", \"after\":\"1970-01-01T00:00:00.002Z\"},\"duration\":{\"before\":null,\"after\":"
         "30}}"},
        {"{\"start_date\":{\"before\":1.5,\"after\":12345678901234567890},\"deleted_at\":"
         "{\"before\":null,\"after\":-1000}}",
         NULL,
         "{\"start_date\":{\"before\":1.5,\"after\":12345678901234567890},\"deleted_at\":"
         "{\"before\":null,\"after\":\"1969-12-31T23:59:59.000Z\"}}"},
        /* keys of events stored before the vocabulary: Tamio's, Zaia's, Apizee's */
        {"{\"teammate_id\":{\"before\":null,\"after\":\"a\"},\"category\":{\"before\":null,"
         "\"after\":\"k\"}}",
         "{\"assignee_id\":{\"before\":null,\"after\":\"a\"},\"category_id\":{\"before\":null,"
         "\"after\":\"k\"}}",
         "{\"agent\":{\"before\":null,\"after\":\"a\"},\"category_id\":{\"before\":null,"
         "\"after\":\"k\"}}"},
        {"{\"subject\":{\"before\":\"x\",\"after\":\"y\"},\"agent\":{\"before\":null,\"after\":"
         "\"a\"},\"requestor\":{\"before\":null,\"after\":\"c\"},\"group\":{\"before\":null,"
         "\"after\":null}}",
         "{\"title\":{\"before\":\"x\",\"after\":\"y\"},\"assignee_id\":{\"before\":null,"
         "\"after\":\"a\"},\"client_id\":{\"before\":null,\"after\":\"c\"},\"team_id\":{"
         "\"before\":null,\"after\":null}}",
         NULL},
        /* only top-level keys: names inside values, nested objects and arrays stay */
        {"{ \"text\" : {\"before\":null,\"after\":\"title \\\"title\\\": {\\\"x\"}, \"x\":[{"
         "\"title\":1},\"title\"],\"seed\":{\"title\":{\"after\":true}}}",
         NULL, NULL},
        /* not ours: left as it is */
        {"{}", NULL, NULL},
        {"[\"title\"]", NULL, NULL},
        {"{\"title\":{\"before\":null,\"after\":\"unterminated", NULL, NULL},
        {"{\"title\":{\"before\":null,\"after\":1}", NULL, NULL},
        {"", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *in = arena_strdup(e->a, cases[i].stored);
        char *core = ticket_ev_data(e->a, in, TICKET_NAMES_CORE);
        char *apizee = ticket_ev_data(e->a, in, TICKET_NAMES_APIZEE);
        assert_string_equal(core, cases[i].core ? cases[i].core : cases[i].stored);
        assert_string_equal(apizee, cases[i].apizee ? cases[i].apizee : cases[i].stored);
        if (!cases[i].core) assert_ptr_equal(core, in); /* nothing renamed: no copy */
        assert_string_equal(in, cases[i].stored);       /* the stored text is not touched */
    }
    assert_null(ticket_ev_data(e->a, NULL, TICKET_NAMES_APIZEE));
    for (int f = 0; f < TF_COUNT; f++)
        assert_non_null(ticket_field_key((ticket_field)f));
}

/* ---- a category as Apizee's type ---- */

static void test_category_is_the_apizee_type(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row tamio = tamio_create(e, &w), zaia = zaia_open(e, &w), got;
    assist_in ai = {.email = "paul@example.com", .subject = "Own type", .type = "assistance"};
    ticket_row own;
    assert_int_equal(assist_create(&e->cx, &ai, &own), ST_OK);
    int64_t medias;
    assert_int_equal(assist_get(&e->cx, tamio.uuid, &got, &medias), ST_OK);
    assert_null(got.type); /* stored: none of its own */
    assert_string_equal(assist_type(&got), "Billing");
    assert_string_equal(got.category_uuid, w.cat.uuid);
    assert_int_equal(assist_get(&e->cx, zaia.uuid, &got, &medias), ST_OK);
    assert_null(assist_type(&got));
    assert_int_equal(assist_get(&e->cx, own.uuid, &got, &medias), ST_OK);
    assert_string_equal(assist_type(&got), "assistance");

    /* type=<the category's title> lists the Tamio ticket; an own type matches itself */
    ticket_row *rows;
    size_t n;
    int64_t total, *counts;
    assist_list_in li = {.user = "all", .type = "Billing"};
    assert_int_equal(assist_list(&e->cx, &li, &rows, &n, &total, &counts), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].uuid, tamio.uuid);
    li.type = "assistance";
    assert_int_equal(assist_list(&e->cx, &li, &rows, &n, &total, &counts), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, own.uuid);
    li.type = "Nothing";
    assert_int_equal(assist_list(&e->cx, &li, &rows, &n, &total, &counts), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(total, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_created_has_one_key_set),     UNIT_TEST(test_assigned_has_one_key_set),
        UNIT_TEST(test_updates_use_the_vocabulary),  UNIT_TEST(test_data_under_each_face_names),
        UNIT_TEST(test_category_is_the_apizee_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
