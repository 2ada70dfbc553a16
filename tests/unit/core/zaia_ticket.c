/* Tests of Zaia's side of core/ticket.c (docs/ZAIA.md): the status of each of the ten states,
 * ticket_open (pending -> new, ongoing -> inprogress with ongoing_at, completed refused), the
 * takeover (inprogress, circumstance, ongoing_at once, reopens a done ticket), complete (its
 * event's actor is the completing user), completed_at through Tamio close and reopen, ids named
 * in the input that name nothing (REASON_BODY_REF) against ids of the path (REASON_NONE),
 * ticket_details and ticket_details_list (status, every id filter, include_removed, paging) and
 * the full-text `search` (store_fts_query and the ticket_fts triggers of schema 003). */
#include "unit.h"

#include "core/category.h"
#include "core/chat.h"
#include "core/people.h"
#include "core/tag.h"
#include "core/ticket.h"
#include "util/uuid.h"

#define IDS(...)                                                                                   \
    (uuid_list)                                                                                    \
    {                                                                                              \
        (const char *[]){__VA_ARGS__}, sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *)      \
    }

/* ---- fixtures ---- */

static contact_row make_contact(unit_env *e, const char *name, const char *email,
                                const char *identifier)
{
    contact_in in = {.name = SET(name),
                     .email = {email != NULL, email},
                     .identifier = {identifier != NULL, identifier},
                     .is_blocked = -1};
    contact_row c;
    assert_int_equal(contact_create(&e->cx, &in, &c), ST_OK);
    return c;
}

static channel_row make_channel(unit_env *e, const char *name)
{
    channel_in in = {.name = SET(name), .type = SET("widget")};
    channel_row c;
    assert_int_equal(channel_create(&e->cx, &in, &c), ST_OK);
    return c;
}

static responder_row make_responder(unit_env *e, const char *name)
{
    responder_in in = {.entity = SET("agents"), .name = SET(name)};
    responder_row r;
    assert_int_equal(responder_create(&e->cx, &in, &r), ST_OK);
    return r;
}

static chat_row make_chat(unit_env *e, const char *channel, const char *owner,
                          const char *responder, const char *summary)
{
    chat_in in = {.channel_id = SET(channel),
                  .owner_id = SET(owner),
                  .responder_id = SET(responder),
                  .summary = {summary != NULL, summary}};
    chat_row c;
    assert_int_equal(chat_create(&e->cx, &in, &c), ST_OK);
    return c;
}

typedef struct {
    user_row agent, other;
    contact_row owner;
    channel_row channel;
    responder_row responder;
    chat_row chat;
} zworld;

static zworld make_zworld(unit_env *e)
{
    zworld w;
    e->cx.now = 1700000000000LL;
    w.agent = unit_user(e, "Agent", "agent@example.com");
    w.other = unit_user(e, "Other", "other@example.com");
    w.owner = make_contact(e, "Olivia Owner", "olivia@example.net", "olivia-7");
    w.channel = make_channel(e, "Web");
    w.responder = make_responder(e, "Bot");
    w.chat = make_chat(e, w.channel.uuid, w.owner.uuid, w.responder.uuid, "Chat summary");
    return w;
}

static ticket_open_in open_in(const char *chat, const char *assignee, const char *phase)
{
    ticket_open_in in = {.chat_id = chat, .assignee_id = assignee, .status = phase};
    in.team_id = (opt_str)NUL;
    return in;
}

static ticket_row open_ok(unit_env *e, const char *chat, const char *assignee, const char *phase)
{
    ticket_open_in in = open_in(chat, assignee, phase);
    ticket_row t;
    unit_diag_clear(e);
    assert_int_equal(ticket_open(&e->cx, &in, &t), ST_OK);
    return t;
}

static ticket_row reload(unit_env *e, const char *id)
{
    ticket_row t;
    assert_int_equal(ticket_get_row(&e->cx, id, &t), ST_OK);
    return t;
}

/* Events of a ticket, oldest first. */
static event_row *events(unit_env *e, int64_t ticket_id, size_t *n)
{
    event_row *rows;
    int64_t total;
    assert_int_equal(store_event_list(e->db, e->ws.id, ticket_id, 0, 100, e->a, &rows, n, &total),
                     ST_OK);
    return rows;
}

static int64_t count_tickets(unit_env *e)
{
    return unit_count(e->db, "SELECT count(*) FROM tickets");
}

/* Expects st with field named and the reason given. */
static void assert_diag(unit_env *e, status got, status st, const char *field, diag_reason reason)
{
    assert_int_equal(got, st);
    assert_string_equal(e->d.field, field);
    assert_int_equal(e->d.reason, reason);
    assert_true(e->d.msg[0] != '\0');
}

/* A Tamio category and client, for tickets made through ticket_create. */
typedef struct {
    contact_row client;
    category_row cat;
} tworld;

static tworld make_tworld(unit_env *e, const char *auto_reply)
{
    tworld w;
    w.client = make_contact(e, "Client", "client@example.com", NULL);
    category_in in = {.title = SET("Support"),
                      .language = SET("en"),
                      .auto_reply = {auto_reply != NULL, auto_reply}};
    assert_int_equal(category_create(&e->cx, &in, &w.cat), ST_OK);
    return w;
}

static ticket_row tamio_ticket(unit_env *e, const tworld *w, const char *title)
{
    ticket_create_in in = {.client_id = w->client.uuid,
                           .title = title,
                           .description = "Help",
                           .category = w->cat.uuid};
    ticket_row t;
    unit_diag_clear(e);
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    return t;
}

/* ---- states and phases ---- */

static void test_phases(void **state)
{
    static const struct {
        ticket_state s;
        ticket_phase p;
    } all[] = {
        {TS_NEW, PHASE_PENDING},        {TS_OPEN, PHASE_PENDING},
        {TS_INVITED, PHASE_PENDING},    {TS_INPROGRESS, PHASE_ONGOING},
        {TS_DONE, PHASE_COMPLETED},     {TS_CLOSED, PHASE_COMPLETED},
        {TS_REJECTED, PHASE_COMPLETED}, {TS_DECLINED, PHASE_COMPLETED},
        {TS_EXPIRED, PHASE_COMPLETED},  {TS_CANCELLED, PHASE_COMPLETED},
    };
    assert_int_equal(sizeof all / sizeof *all, TS_COUNT);
    for (size_t i = 0; i < TS_COUNT; i++) {
        assert_int_equal(state_phase(all[i].s), all[i].p);
        /* completed is exactly the closed family */
        assert_int_equal(state_phase(all[i].s) == PHASE_COMPLETED, !state_is_open(all[i].s));
    }
    assert_string_equal(phase_name(PHASE_PENDING), "pending");
    assert_string_equal(phase_name(PHASE_ONGOING), "ongoing");
    assert_string_equal(phase_name(PHASE_COMPLETED), "completed");
    for (int p = PHASE_PENDING; p <= PHASE_COMPLETED; p++)
        assert_int_equal(phase_parse(phase_name(p)), p);
    const char *bad[] = {"", "Pending", "ONGOING", "complete", "done", "new", "pending ", "open"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(phase_parse(bad[i]), -1);
    assert_int_equal(phase_parse(NULL), -1);
}

/* ---- ticket_open ---- */

static void test_open_pending(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    e->cx.now = 1700000005000LL;
    ticket_row t = open_ok(e, w.chat.uuid, w.agent.uuid, "pending");
    assert_true(uuid_parse(t.uuid, NULL));
    assert_string_equal(t.state, "new");
    assert_true(t.is_open);
    assert_string_equal(t.circumstance, "handover");
    assert_int_equal(t.ongoing_at, NULL_INT);
    assert_int_equal(t.completed_at, NULL_INT);
    assert_string_equal(t.title, "Chat summary"); /* the chat's summary by default */
    t = reload(e, t.uuid);
    assert_string_equal(t.state, "new");
    assert_int_equal(t.user_id, w.agent.id);
    assert_int_equal(t.contact_id, w.owner.id);
    assert_int_equal(t.chat_id, w.chat.id);
    assert_string_equal(t.chat_uuid, w.chat.uuid);
    assert_int_equal(t.team_id, NULL_INT);
    assert_int_equal(t.ongoing_at, NULL_INT);
    assert_int_equal(t.created_at, 1700000005000LL);

    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_string_equal(d.state, "new");
    assert_string_equal(d.summary, "Chat summary");
    assert_string_equal(d.assignee_uuid, w.agent.uuid);
    assert_string_equal(d.assignee_email, "agent@example.com");
    assert_string_equal(d.chat_uuid, w.chat.uuid);
    assert_string_equal(d.owner_uuid, w.owner.uuid);
    assert_string_equal(d.owner_entity, "external-users");
    assert_string_equal(d.owner_identifier, "olivia-7");
    assert_string_equal(d.channel_uuid, w.channel.uuid);
    assert_string_equal(d.responder_uuid, w.responder.uuid);
    assert_string_equal(d.version_uuid, w.responder.version_uuid);
    assert_int_equal(d.version_number, 1);
    assert_null(d.team_uuid);
    assert_false(d.chat_removed);

    size_t n;
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].type, "ticket.created");
    assert_non_null(strstr(ev[0].data, "\"state\":{\"before\":null,\"after\":\"new\"}"));
    assert_non_null(strstr(ev[0].data, w.chat.uuid));

    /* an explicit summary wins; a chat without one gives "" */
    ticket_open_in in = open_in(w.chat.uuid, w.agent.uuid, "pending");
    in.summary = (opt_str)SET("Own summary");
    assert_int_equal(ticket_open(&e->cx, &in, &t), ST_OK);
    assert_string_equal(reload(e, t.uuid).title, "Own summary");
    chat_row bare = make_chat(e, w.channel.uuid, w.owner.uuid, w.responder.uuid, NULL);
    t = open_ok(e, bare.uuid, w.agent.uuid, "pending");
    assert_string_equal(reload(e, t.uuid).title, "");
}

static void test_open_ongoing(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    e->cx.now = 1700000007000LL;
    ticket_row t = open_ok(e, w.chat.uuid, w.agent.uuid, "ongoing");
    assert_string_equal(t.state, "inprogress");
    assert_int_equal(t.ongoing_at, 1700000007000LL);
    t = reload(e, t.uuid);
    assert_string_equal(t.state, "inprogress");
    assert_true(t.is_open);
    assert_int_equal(t.ongoing_at, 1700000007000LL);
    assert_int_equal(t.completed_at, NULL_INT);
    assert_string_equal(t.circumstance, "handover");
}

static void test_open_invalid(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    int64_t before = count_tickets(e);
    ticket_row t;
    const char *bad_status[] = {"completed", "done", "new", "Pending", ""};
    for (size_t i = 0; i < sizeof bad_status / sizeof *bad_status; i++) {
        ticket_open_in in = open_in(w.chat.uuid, w.agent.uuid, bad_status[i]);
        unit_diag_clear(e);
        assert_diag(e, ticket_open(&e->cx, &in, &t), ST_INVALID, "status", REASON_NONE);
    }
    ticket_open_in in = open_in(w.chat.uuid, w.agent.uuid, NULL);
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &t), ST_INVALID, "status", REASON_NONE);
    /* ticketingTeamId must be present, even as null */
    in = open_in(w.chat.uuid, w.agent.uuid, "pending");
    in.team_id = (opt_str){0};
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &t), ST_INVALID, "ticketingTeamId", REASON_NONE);
    in = open_in("not-a-uuid", w.agent.uuid, "pending");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &t), ST_INVALID, "chatId", REASON_NONE);
    in = open_in(w.chat.uuid, "nope", "pending");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &t), ST_INVALID, "assigneeId", REASON_NONE);
    in = open_in(w.chat.uuid, NULL, "pending");
    unit_diag_clear(e);
    assert_int_equal(ticket_open(&e->cx, &in, &t), ST_INVALID);
    assert_string_equal(e->d.field, "assigneeId");
    in = open_in(w.chat.uuid, w.agent.uuid, "pending");
    in.team_id = (opt_str)SET("xyz");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &t), ST_INVALID, "ticketingTeamId", REASON_NONE);
    assert_int_equal(count_tickets(e), before);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events"), 0);
}

/* ---- takeover, complete ---- */

static void test_takeover(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    const int64_t t0 = 1700000010000LL, t1 = t0 + 1000, t2 = t0 + 2000, t3 = t0 + 3000;
    e->cx.now = t0;
    ticket_row t = open_ok(e, w.chat.uuid, w.agent.uuid, "pending"), out;
    size_t n0, n;
    (void)events(e, t.id, &n0);

    e->cx.now = t1;
    assert_int_equal(ticket_takeover(&e->cx, t.uuid, w.other.uuid, &out), ST_OK);
    assert_string_equal(out.state, "inprogress");
    assert_string_equal(out.circumstance, "takeover");
    assert_int_equal(out.ongoing_at, t1);
    assert_int_equal(out.completed_at, NULL_INT);
    assert_string_equal(out.user_uuid, w.other.uuid);
    ticket_row got = reload(e, t.uuid);
    assert_string_equal(got.state, "inprogress");
    assert_string_equal(got.circumstance, "takeover");
    assert_int_equal(got.user_id, w.other.id);
    assert_int_equal(got.ongoing_at, t1);
    assert_int_equal(got.updated_at, t1);
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 2);
    assert_string_equal(ev[n0].type, "ticket.assigned");
    assert_non_null(strstr(ev[n0].data, w.other.uuid));
    assert_string_equal(ev[n0 + 1].type, "ticket.state_changed");
    assert_non_null(
        strstr(ev[n0 + 1].data, "\"state\":{\"before\":\"new\",\"after\":\"inprogress\"}"));
    assert_non_null(strstr(ev[n0 + 1].data,
                           "\"circumstance\":{\"before\":\"handover\",\"after\":\"takeover\"}"));
    assert_non_null(strstr(ev[n0 + 1].data, "\"ongoing_at\""));

    /* the same takeover again changes nothing and records nothing */
    e->cx.now = t1 + 500;
    assert_int_equal(ticket_takeover(&e->cx, t.uuid, w.other.uuid, &out), ST_OK);
    assert_int_equal(reload(e, t.uuid).updated_at, t1);
    (void)events(e, t.id, &n0);
    assert_int_equal(n0, n);

    e->cx.now = t2;
    assert_int_equal(ticket_complete(&e->cx, t.uuid, w.agent.uuid, &out), ST_OK);
    assert_string_equal(out.state, "done");
    assert_int_equal(out.completed_at, t2);
    assert_false(reload(e, t.uuid).is_open);

    /* a second takeover reopens the completed ticket but keeps the first ongoing_at */
    e->cx.now = t3;
    assert_int_equal(ticket_takeover(&e->cx, t.uuid, w.agent.uuid, &out), ST_OK);
    got = reload(e, t.uuid);
    assert_string_equal(got.state, "inprogress");
    assert_true(got.is_open);
    assert_int_equal(got.ongoing_at, t1);
    assert_int_equal(got.completed_at, NULL_INT);
    assert_int_equal(got.user_id, w.agent.id);
    assert_string_equal(got.circumstance, "takeover");
    ev = events(e, t.id, &n);
    assert_string_equal(ev[n - 1].type, "ticket.state_changed");
    assert_non_null(
        strstr(ev[n - 1].data, "\"state\":{\"before\":\"done\",\"after\":\"inprogress\"}"));
    assert_non_null(strstr(ev[n - 1].data, "\"completed_at\""));
    assert_null(strstr(ev[n - 1].data, "\"ongoing_at\""));

    /* a ticket opened ongoing keeps its ongoing_at through a takeover */
    e->cx.now = t0 + 10000;
    ticket_row o = open_ok(e, w.chat.uuid, w.agent.uuid, "ongoing");
    e->cx.now = t0 + 20000;
    assert_int_equal(ticket_takeover(&e->cx, o.uuid, w.agent.uuid, &out), ST_OK);
    got = reload(e, o.uuid);
    assert_int_equal(got.ongoing_at, t0 + 10000);
    assert_string_equal(got.circumstance, "takeover");
}

static void test_complete_actor(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    ticket_row t = open_ok(e, w.chat.uuid, w.agent.uuid, "ongoing"), out;
    /* the key calling is not the actor of record: the completing user is */
    e->cx.actor = ACTOR_KEY;
    char key_id[UUID_STR_LEN + 1];
    uuid_v4(key_id);
    memcpy(e->cx.actor_id, key_id, sizeof key_id);
    e->cx.now = 1700000100000LL;
    assert_int_equal(ticket_complete(&e->cx, t.uuid, w.other.uuid, &out), ST_OK);
    assert_string_equal(out.state, "done");
    assert_int_equal(out.completed_at, 1700000100000LL);
    ticket_row got = reload(e, t.uuid);
    assert_string_equal(got.state, "done");
    assert_int_equal(got.completed_at, 1700000100000LL);
    assert_int_equal(got.user_id, w.agent.id); /* completing does not reassign */
    size_t n;
    event_row *ev = events(e, t.id, &n);
    assert_string_equal(ev[n - 1].type, "ticket.state_changed");
    assert_string_equal(ev[n - 1].actor_type, "user");
    assert_string_equal(ev[n - 1].actor_id, w.other.uuid);
    assert_non_null(
        strstr(ev[n - 1].data, "\"state\":{\"before\":\"inprogress\",\"after\":\"done\"}"));
    assert_non_null(strstr(ev[n - 1].data, "\"completed_at\":{\"before\":null,\"after\":"));
    /* the context's actor is back afterwards */
    assert_int_equal(e->cx.actor, ACTOR_KEY);
    assert_string_equal(e->cx.actor_id, key_id);

    /* completing again changes nothing: no event, completed_at kept */
    size_t n0 = n;
    e->cx.now += 5000;
    assert_int_equal(ticket_complete(&e->cx, t.uuid, w.agent.uuid, &out), ST_OK);
    assert_int_equal(reload(e, t.uuid).completed_at, 1700000100000LL);
    (void)events(e, t.id, &n);
    assert_int_equal(n, n0);

    /* later changes are the key's again */
    assert_int_equal(ticket_takeover(&e->cx, t.uuid, w.agent.uuid, &out), ST_OK);
    ev = events(e, t.id, &n);
    assert_string_equal(ev[n - 1].actor_type, "key");
    assert_string_equal(ev[n - 1].actor_id, key_id);

    /* userId: required, well-formed, known */
    unit_diag_clear(e);
    assert_diag(e, ticket_complete(&e->cx, t.uuid, NULL, &out), ST_INVALID, "userId", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_complete(&e->cx, t.uuid, "bad", &out), ST_INVALID, "userId", REASON_NONE);
    assert_string_equal(reload(e, t.uuid).state, "inprogress");
}

static void test_tamio_close_reopen(void **state)
{
    unit_env *e = *state;
    tworld w = make_tworld(e, NULL);
    e->cx.now = 1700000200000LL;
    ticket_row t = tamio_ticket(e, &w, "Printer"), out;
    assert_int_equal(t.completed_at, NULL_INT);
    assert_string_equal(t.circumstance, "handover");
    e->cx.now = 1700000201000LL;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_CLOSED, &out), ST_OK);
    assert_int_equal(out.completed_at, 1700000201000LL);
    assert_int_equal(reload(e, t.uuid).completed_at, 1700000201000LL);
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_string_equal(d.state, "closed");
    assert_int_equal(d.completed_at, 1700000201000LL);
    size_t n;
    event_row *ev = events(e, t.id, &n);
    assert_non_null(strstr(ev[n - 1].data, "\"completed_at\":{\"before\":null,\"after\":"));

    e->cx.now = 1700000202000LL;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_OPEN, &out), ST_OK);
    assert_int_equal(out.completed_at, NULL_INT);
    ticket_row got = reload(e, t.uuid);
    assert_int_equal(got.completed_at, NULL_INT);
    assert_string_equal(got.state, "open");
    assert_int_equal(got.ongoing_at, NULL_INT);

    /* inprogress sets ongoing_at once; each entry into the closed family stamps completed_at */
    e->cx.now = 1700000203000LL;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_INPROGRESS, &out), ST_OK);
    assert_int_equal(reload(e, t.uuid).ongoing_at, 1700000203000LL);
    e->cx.now = 1700000204000LL;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_DONE, &out), ST_OK);
    e->cx.now = 1700000205000LL;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_INPROGRESS, &out), ST_OK);
    got = reload(e, t.uuid);
    assert_int_equal(got.ongoing_at, 1700000203000LL);
    assert_int_equal(got.completed_at, NULL_INT);
    e->cx.now = 1700000206000LL;
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_CANCELLED, &out), ST_OK);
    assert_int_equal(reload(e, t.uuid).completed_at, 1700000206000LL);
}

/* ---- references: the input's ids against the path's ---- */

static void test_references(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    ticket_row t = open_ok(e, w.chat.uuid, w.agent.uuid, "pending"), out;
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    int64_t before = count_tickets(e);

    ticket_open_in in = open_in(unknown, w.agent.uuid, "pending");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &out), ST_NOT_FOUND, "chatId", REASON_BODY_REF);
    in = open_in(w.chat.uuid, unknown, "pending");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &out), ST_NOT_FOUND, "assigneeId", REASON_BODY_REF);
    in = open_in(w.chat.uuid, w.agent.uuid, "pending");
    in.team_id = (opt_str)SET(unknown);
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &out), ST_NOT_FOUND, "ticketingTeamId",
                REASON_BODY_REF);
    /* a contact id is not a user */
    in = open_in(w.chat.uuid, w.owner.uuid, "pending");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &out), ST_NOT_FOUND, "assigneeId", REASON_BODY_REF);
    assert_int_equal(count_tickets(e), before);

    unit_diag_clear(e);
    assert_diag(e, ticket_takeover(&e->cx, t.uuid, unknown, &out), ST_NOT_FOUND, "assigneeId",
                REASON_BODY_REF);
    unit_diag_clear(e);
    assert_diag(e, ticket_complete(&e->cx, t.uuid, unknown, &out), ST_NOT_FOUND, "userId",
                REASON_BODY_REF);
    assert_string_equal(reload(e, t.uuid).state, "new"); /* nothing was written */

    /* an unknown ticket in the path: not found, no body reason */
    unit_diag_clear(e);
    assert_diag(e, ticket_takeover(&e->cx, unknown, w.agent.uuid, &out), ST_NOT_FOUND, "ticket",
                REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_complete(&e->cx, unknown, w.agent.uuid, &out), ST_NOT_FOUND, "ticket",
                REASON_NONE);
    ticket_detail_row d;
    unit_diag_clear(e);
    assert_diag(e, ticket_details(&e->cx, unknown, &d), ST_NOT_FOUND, "ticket", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_details(&e->cx, "bad", &d), ST_INVALID, "id", REASON_NONE);

    /* another workspace's chat and ticket name nothing here */
    ws_row other;
    assert_int_equal(workspace_create(e->db, "other", e->a, &other, &e->d), ST_OK);
    e->cx.ws = other.id;
    in = open_in(w.chat.uuid, w.agent.uuid, "pending");
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &in, &out), ST_NOT_FOUND, "chatId", REASON_BODY_REF);
    unit_diag_clear(e);
    assert_diag(e, ticket_details(&e->cx, t.uuid, &d), ST_NOT_FOUND, "ticket", REASON_NONE);
    e->cx.ws = e->ws.id;
    assert_int_equal(count_tickets(e), before);

    /* a deleted ticket is gone from the details */
    tworld tw = make_tworld(e, NULL);
    ticket_row gone = tamio_ticket(e, &tw, "Gone");
    assert_int_equal(ticket_delete(&e->cx, gone.uuid), ST_OK);
    unit_diag_clear(e);
    assert_diag(e, ticket_details(&e->cx, gone.uuid, &d), ST_NOT_FOUND, "ticket", REASON_NONE);
}

/* ---- pendingChatMessages through Tamio ---- */

static void test_tamio_pending(void **state)
{
    unit_env *e = *state;
    tworld w = make_tworld(e, NULL);
    ticket_row t = tamio_ticket(e, &w, "Printer"), out;
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 1); /* the description */
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "On it", NULL, 0, false, &out), ST_OK);
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 0);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "Still broken", NULL, 0, true, &out), ST_OK);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "Hello?", NULL, 0, true, &out), ST_OK);
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 2);

    /* a category's automated reply answers the description at once */
    tworld w2 = make_tworld(e, "We got it");
    ticket_row t2 = tamio_ticket(e, &w2, "Auto");
    assert_int_equal(ticket_details(&e->cx, t2.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 0);
}

/* ---- ticket_details_list ---- */

/* The tickets of t[0..nt) that the list answers, as a bit mask (and none twice, none else). */
static unsigned details_mask(unit_env *e, const details_list_in *in, const ticket_row *t, size_t nt)
{
    ticket_detail_row *rows;
    size_t n;
    unit_diag_clear(e);
    assert_int_equal(ticket_details_list(&e->cx, in, &rows, &n), ST_OK);
    unsigned mask = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nt && strcmp(rows[i].uuid, t[k].uuid))
            k++;
        assert_true(k < nt);
        assert_false(mask & (1u << k));
        mask |= 1u << k;
    }
    return mask;
}

static details_list_in dl_in(const char *phase)
{
    details_list_in in = {.page = unit_list_in(1, 100), .status = phase};
    return in;
}

static void test_details_list_status(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    ticket_row t[3], out;
    t[0] = open_ok(e, w.chat.uuid, w.agent.uuid, "pending");
    t[1] = open_ok(e, w.chat.uuid, w.agent.uuid, "ongoing");
    t[2] = open_ok(e, w.chat.uuid, w.agent.uuid, "ongoing");
    assert_int_equal(ticket_complete(&e->cx, t[2].uuid, w.agent.uuid, &out), ST_OK);
    details_list_in in = dl_in("pending");
    assert_int_equal(details_mask(e, &in, t, 3), 1u);
    in.status = "ongoing";
    assert_int_equal(details_mask(e, &in, t, 3), 2u);
    in.status = "completed";
    assert_int_equal(details_mask(e, &in, t, 3), 4u);

    ticket_detail_row *rows = (ticket_detail_row *)1;
    size_t n = 99;
    const char *bad[] = {"done", "Pending", "", "all"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        in.status = bad[i];
        unit_diag_clear(e);
        assert_diag(e, ticket_details_list(&e->cx, &in, &rows, &n), ST_INVALID, "status",
                    REASON_NONE);
        assert_int_equal(n, 0);
    }
    in.status = NULL;
    unit_diag_clear(e);
    assert_diag(e, ticket_details_list(&e->cx, &in, &rows, &n), ST_INVALID, "status", REASON_NONE);
    assert_int_equal(n, 0);
}

static void test_details_list_filters(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    responder_row r2 = make_responder(e, "Second bot");
    const char *v1 = w.responder.version_uuid;
    chat_row c1 = w.chat;
    responder_row rv2;
    assert_int_equal(responder_add_version(&e->cx, w.responder.uuid, &rv2), ST_OK);
    const char *v2 = rv2.version_uuid;
    chat_row c2 = make_chat(e, w.channel.uuid, w.owner.uuid, w.responder.uuid, "two");
    chat_row c3 = make_chat(e, w.channel.uuid, w.owner.uuid, r2.uuid, "three");
    assert_string_equal(c2.version_uuid, v2);
    tag_in gi = {.name = SET("G"), .description = SET(""), .color = SET("1")};
    tag_row g1, g2;
    assert_int_equal(tag_create(&e->cx, &gi, &g1), ST_OK);
    assert_int_equal(tag_create(&e->cx, &gi, &g2), ST_OK);

    ticket_row t[3];
    e->cx.now = 1700000300000LL;
    t[0] = open_ok(e, c1.uuid, w.agent.uuid, "pending");
    e->cx.now += 1000;
    t[1] = open_ok(e, c2.uuid, w.other.uuid, "pending");
    e->cx.now += 1000;
    t[2] = open_ok(e, c3.uuid, w.agent.uuid, "pending");
    ticket_tag_row link;
    assert_int_equal(ticket_tag_add(&e->cx, t[0].uuid, g1.uuid, &link), ST_OK);
    assert_int_equal(ticket_tag_add(&e->cx, t[1].uuid, g2.uuid, &link), ST_OK);
    assert_int_equal(ticket_tag_add(&e->cx, t[2].uuid, g2.uuid, &link), ST_OK);
    assert_int_equal(ticket_tag_add(&e->cx, t[2].uuid, g1.uuid, &link), ST_OK);
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);

    details_list_in in = dl_in("pending");
    assert_int_equal(details_mask(e, &in, t, 3), 7u);

    /* newest first, paged */
    ticket_detail_row *rows;
    size_t n;
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].uuid, t[2].uuid);
    assert_string_equal(rows[1].uuid, t[1].uuid);
    assert_string_equal(rows[2].uuid, t[0].uuid);
    in.page = unit_list_in(2, 2);
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, t[0].uuid);
    in.page = unit_list_in(3, 2);
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 0);

    in = dl_in("pending");
    in.assignees = IDS(w.agent.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 5u);
    in.assignees = IDS(w.agent.uuid, w.other.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 7u);
    in.assignees = IDS(unknown);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);
    in.assignees = IDS(unknown, w.other.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 2u);

    in = dl_in("pending");
    in.chats = IDS(c2.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 2u);
    in.chats = IDS(c1.uuid, c3.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 5u);
    in.chats = IDS(unknown);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);
    in.chats = IDS(w.agent.uuid); /* a user's id is no chat */
    assert_int_equal(details_mask(e, &in, t, 3), 0u);

    in = dl_in("pending");
    in.responders = IDS(r2.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 4u);
    in.responders = IDS(w.responder.uuid, r2.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 7u);
    in.responders = IDS(unknown);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);

    in = dl_in("pending");
    in.versions = IDS(v1);
    assert_int_equal(details_mask(e, &in, t, 3), 1u);
    in.versions = IDS(v1, v2);
    assert_int_equal(details_mask(e, &in, t, 3), 3u);
    in.versions = IDS(unknown);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);

    in = dl_in("pending");
    in.tags = IDS(g2.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 6u);
    in.tags = IDS(g1.uuid, g2.uuid); /* t[2] carries both: still once */
    assert_int_equal(details_mask(e, &in, t, 3), 7u);
    in.tags = IDS(g1.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 5u);
    in.tags = IDS(unknown);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);

    /* filters AND together */
    in = dl_in("pending");
    in.assignees = IDS(w.agent.uuid);
    in.tags = IDS(g2.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 4u);
    in.responders = IDS(w.responder.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);
    /* an unknown value in one filter empties the whole answer */
    in = dl_in("pending");
    in.assignees = IDS(w.agent.uuid);
    in.versions = IDS(unknown);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);
    /* the status still applies */
    in = dl_in("ongoing");
    in.chats = IDS(c1.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);

    /* a removed chat's tickets drop out unless include_removed */
    assert_int_equal(chat_remove(&e->cx, c3.uuid), ST_OK);
    in = dl_in("pending");
    assert_int_equal(details_mask(e, &in, t, 3), 3u);
    in.chats = IDS(c3.uuid);
    assert_int_equal(details_mask(e, &in, t, 3), 0u);
    in.include_removed = true;
    assert_int_equal(details_mask(e, &in, t, 3), 4u);
    in = dl_in("pending");
    in.include_removed = true;
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].uuid, t[2].uuid);
    assert_true(rows[0].chat_removed);
    assert_false(rows[1].chat_removed);
    /* ticket_details answers a removed chat's ticket */
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t[2].uuid, &d), ST_OK);
    assert_true(d.chat_removed);

    /* a deleted (Tamio) ticket is in no list */
    tworld tw = make_tworld(e, NULL);
    ticket_row gone = tamio_ticket(e, &tw, "Gone");
    in = dl_in("pending");
    in.include_removed = true;
    ticket_row four[4] = {t[0], t[1], t[2], gone};
    assert_int_equal(details_mask(e, &in, four, 4), 15u);
    assert_int_equal(ticket_delete(&e->cx, gone.uuid), ST_OK);
    assert_int_equal(details_mask(e, &in, four, 4), 7u);
}

/* ---- search ---- */

static void test_fts_query(void **state)
{
    unit_env *e = *state;
    struct {
        const char *in, *out;
    } cases[] = {
        {"Hello, World!", "\"Hello\"* \"World\"*"},
        {"refund", "\"refund\"*"},
        {"  a  b ", "\"a\"* \"b\"*"},
        {"say \"hi\"", "\"say\"* \"hi\"*"},
        {"\"\"\"", NULL},
        {"a OR b NEAR(", "\"a\"* \"OR\"* \"b\"* \"NEAR\"*"},
        {"col:word*", "\"col\"* \"word\"*"},
        {"alice@example.com", "\"alice\"* \"example\"* \"com\"*"},
        {"caf\xc3\xa9", "\"caf\xc3\xa9\"*"},
        {"!!! ,,, ... ---", NULL},
        {"", NULL},
        {"   ", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *q = store_fts_query(cases[i].in, e->a);
        if (cases[i].out) {
            assert_non_null(q);
            assert_string_equal(q, cases[i].out);
        } else {
            assert_null(q);
        }
    }
}

typedef struct {
    zworld w;
    contact_row alice, bob;
    chat_row ca, cb;
    ticket_row t[2]; /* alice's refund, bob's printer */
} sworld;

static sworld make_sworld(unit_env *e)
{
    sworld s;
    s.w = make_zworld(e);
    s.alice = make_contact(e, "Alice Smith", "alice@example.com", NULL);
    s.bob = make_contact(e, "Bob", "bob@other.org", "bob-42");
    s.ca = make_chat(e, s.w.channel.uuid, s.alice.uuid, s.w.responder.uuid, "Refunds for order");
    s.cb = make_chat(e, s.w.channel.uuid, s.bob.uuid, s.w.responder.uuid, "Printer jam");
    message_row m;
    /* a message written before the ticket opens is in its document too */
    assert_int_equal(message_create(&e->cx, s.cb.uuid, "The Caf\xc3\xa9 is CLOSED", true, &m),
                     ST_OK);
    e->cx.now += 1000;
    s.t[0] = open_ok(e, s.ca.uuid, s.w.agent.uuid, "pending");
    e->cx.now += 1000;
    s.t[1] = open_ok(e, s.cb.uuid, s.w.agent.uuid, "pending");
    return s;
}

static unsigned search(unit_env *e, const sworld *s, const char *text)
{
    details_list_in in = dl_in("pending");
    in.search = text;
    return details_mask(e, &in, s->t, 2);
}

static void test_search(void **state)
{
    unit_env *e = *state;
    sworld s = make_sworld(e);
    assert_int_equal(search(e, &s, "refund"), 1u);            /* prefix of "Refunds" */
    assert_int_equal(search(e, &s, "REFUNDS"), 1u);           /* case-insensitive */
    assert_int_equal(search(e, &s, "printer"), 2u);           /* summary */
    assert_int_equal(search(e, &s, "cafe"), 2u);              /* a message, accents folded */
    assert_int_equal(search(e, &s, "clos"), 2u);              /* a message word's prefix */
    assert_int_equal(search(e, &s, "alice@example.com"), 1u); /* owner email */
    assert_int_equal(search(e, &s, "smith"), 1u);             /* owner name */
    assert_int_equal(search(e, &s, "bob-42"), 2u);            /* owner identifier */
    assert_int_equal(search(e, &s, "jam closed"), 2u);        /* summary and message together */
    assert_int_equal(search(e, &s, "printer refund"), 0u);    /* every word must match */
    assert_int_equal(search(e, &s, "zzz"), 0u);
    assert_int_equal(search(e, &s, "order"), 1u);
    /* no word: no filter */
    assert_int_equal(search(e, &s, "   "), 3u);
    assert_int_equal(search(e, &s, "?!"), 3u);
    assert_int_equal(search(e, &s, ""), 3u);

    /* FTS5 syntax in the text is plain words, never an error */
    const char *hostile[] = {"a OR b NEAR(", "\"unbalanced", "printer\"",   "summary:printer",
                             "printer*",     "^printer",     "-printer",    "(printer",
                             "AND",          "NOT printer",  "\"\"",        "*",
                             "printer + +",  "{summary}: x", "NEAR(a b, 3)"};
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        details_list_in in = dl_in("pending");
        in.search = hostile[i];
        ticket_detail_row *rows;
        size_t n;
        unit_diag_clear(e);
        assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    }
    /* "OR" is a word to match, not an operator */
    assert_int_equal(search(e, &s, "printer OR refund"), 0u);
    assert_int_equal(search(e, &s, "summary:printer"), 0u); /* no column filter either */
    assert_int_equal(search(e, &s, "\"printer\""), 2u);

    /* messages after the ticket opened are searchable at once */
    message_row m;
    assert_int_equal(message_create(&e->cx, s.ca.uuid, "Invoice attached", false, &m), ST_OK);
    assert_int_equal(search(e, &s, "invoice"), 1u);
    ticket_row out;
    /* so are the owner's new name and email */
    contact_in ci = {.name = SET("Alicia Jones"), .email = SET("aj@new.example"), .is_blocked = -1};
    contact_row c;
    assert_int_equal(contact_update(&e->cx, s.alice.uuid, &ci, &c), ST_OK);
    assert_int_equal(search(e, &s, "jones"), 1u);
    assert_int_equal(search(e, &s, "smith"), 0u);
    assert_int_equal(search(e, &s, "aj@new.example"), 1u);

    /* the search keeps the other filters */
    assert_int_equal(ticket_complete(&e->cx, s.t[1].uuid, s.w.agent.uuid, &out), ST_OK);
    assert_int_equal(search(e, &s, "printer"), 0u);
    details_list_in in = dl_in("completed");
    in.search = "printer";
    assert_int_equal(details_mask(e, &in, s.t, 2), 2u);
    in.assignees = IDS(s.w.other.uuid);
    assert_int_equal(details_mask(e, &in, s.t, 2), 0u);

    /* too long a search is invalid */
    char *longtext = arena_zalloc(e->a, 400);
    memset(longtext, 'a', 399);
    in = dl_in("pending");
    in.search = longtext;
    ticket_detail_row *rows;
    size_t n;
    unit_diag_clear(e);
    assert_diag(e, ticket_details_list(&e->cx, &in, &rows, &n), ST_INVALID, "search", REASON_NONE);
}

/* Text with no word in it is no search (store.h: store_fts_query is NULL "when the text has no
 * word"; ZAIA.md: "Blank search is no filter"), also when its blanks and punctuation are not
 * ASCII: unicode61 reads U+00A0, U+3000 and U+2014 as separators, like ' ' and '-'. */
static void test_search_unicode_blank(void **state)
{
    unit_env *e = *state;
    sworld s = make_sworld(e);
    const char *blank[] = {"\xc2\xa0",                 /* NO-BREAK SPACE */
                           "\xe3\x80\x80",             /* IDEOGRAPHIC SPACE */
                           "\xe2\x80\x94",             /* EM DASH */
                           " \xc2\xa0\xe2\x80\x94 ?"}; /* a mix with ASCII */
    for (size_t i = 0; i < sizeof blank / sizeof *blank; i++) {
        /* like "   " and "?!", which are no filter */
        assert_int_equal(search(e, &s, blank[i]), 3u);
        assert_null(store_fts_query(blank[i], e->a));
    }
    /* next to a real word they are ignored */
    assert_int_equal(search(e, &s, "printer \xe2\x80\x94"), 2u);
}

/* A chat owned by a platform user: its email is searchable and follows the user. */
static void test_search_user_owner(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    user_row u = unit_user(e, "Uma", "uma@corp.example");
    chat_row c = make_chat(e, w.channel.uuid, u.uuid, w.responder.uuid, "Laptop");
    ticket_row t[1] = {open_ok(e, c.uuid, w.agent.uuid, "pending")};
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t[0].uuid, &d), ST_OK);
    assert_string_equal(d.owner_entity, "users");
    assert_string_equal(d.owner_uuid, u.uuid);
    assert_string_equal(d.owner_email, "uma@corp.example");
    assert_null(d.owner_identifier);
    details_list_in in = dl_in("pending");
    in.search = "uma@corp.example";
    assert_int_equal(details_mask(e, &in, t, 1), 1u);

    user_in ui = {.name = SET("Umberta"), .email = SET("umberta@corp.example")};
    user_row u2;
    e->cx.now += 1000;
    assert_int_equal(user_update(&e->cx, u.uuid, &ui, &u2), ST_OK);
    assert_int_equal(ticket_details(&e->cx, t[0].uuid, &d), ST_OK);
    assert_string_equal(d.owner_name, "Umberta");
    assert_string_equal(d.owner_email, "umberta@corp.example");
    in.search = "umberta";
    assert_int_equal(details_mask(e, &in, t, 1), 1u);
    in.search = "uma@corp";
    assert_int_equal(details_mask(e, &in, t, 1), 0u);
}

/* A common term (matching thousands of documents) takes the other plan: same answer. */
static void test_search_common_term(void **state)
{
    unit_env *e = *state;
    sworld s = make_sworld(e);
    assert_int_equal(search(e, &s, "printer"), 2u);
    /* documents of no ticket (rowids no ticket has), so only the count of matches changes */
    assert_int_equal(db_exec(e->db, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
                                    "k WHERE i < 2500) INSERT INTO ticket_fts (rowid, summary, "
                                    "owner, messages) SELECT 1000000 + i, 'printer refund', '', "
                                    "'' FROM k"),
                     ST_OK);
    assert_int_equal(search(e, &s, "printer"), 2u);
    assert_int_equal(search(e, &s, "refund"), 1u);
    assert_int_equal(search(e, &s, "printer jam"), 2u);
    assert_int_equal(search(e, &s, "printer refund"), 0u);
    /* newest first and paged, the same way */
    details_list_in in = dl_in("pending");
    ticket_detail_row *rows;
    size_t n;
    in.search = "refund printer";
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(db_exec(e->db, "UPDATE tickets SET title = 'printer refund'"), ST_OK);
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].uuid, s.t[1].uuid);
    assert_string_equal(rows[1].uuid, s.t[0].uuid);
    in.page = unit_list_in(2, 1);
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, s.t[0].uuid);
}

/* Tickets of one millisecond, split across pages by a search: every page in (createdAt desc,
 * id desc) order, each ticket exactly once, none of a non-matching chat. */
static void test_search_pages_split_a_millisecond(void **state)
{
    unit_env *e = *state;
    zworld w = make_zworld(e);
    chat_row other = make_chat(e, w.channel.uuid, w.owner.uuid, w.responder.uuid, "Unrelated");
    ticket_row made[7];
    e->cx.now = 1700000005000LL;
    for (int i = 0; i < 7; i++) {
        ticket_open_in in = open_in(i == 3 ? other.uuid : w.chat.uuid, w.agent.uuid, "pending");
        in.summary = (opt_str){true, i == 3 ? "nothing here" : "Printer jam again"};
        assert_int_equal(ticket_open(&e->cx, &in, &made[i]), ST_OK);
    }
    e->cx.now = 1700000006000LL; /* one more, a millisecond later: it comes first */
    ticket_open_in in = open_in(w.chat.uuid, w.agent.uuid, "pending");
    in.summary = (opt_str){true, "printer"};
    ticket_row newest;
    assert_int_equal(ticket_open(&e->cx, &in, &newest), ST_OK);

    char seen[8][UUID_STR_LEN + 1];
    size_t n_seen = 0;
    for (int64_t page = 1; page <= 5; page++) {
        details_list_in q = dl_in("pending");
        q.page.page = page;
        q.page.per_page = 2;
        q.search = "PRINTER";
        ticket_detail_row *rows;
        size_t n;
        assert_int_equal(ticket_details_list(&e->cx, &q, &rows, &n), ST_OK);
        for (size_t i = 0; i < n; i++)
            memcpy(seen[n_seen++], rows[i].uuid, UUID_STR_LEN + 1);
        assert_int_equal(n, page < 4 ? 2 : page == 4 ? 1 : 0);
    }
    assert_int_equal(n_seen, 7); /* the six of the millisecond that match, and the newest */
    assert_string_equal(seen[0], newest.uuid);
    for (size_t i = 2; i < n_seen; i++)
        assert_true(strcmp(seen[i - 1], seen[i]) > 0); /* same millisecond: uuid descending */
    for (size_t i = 0; i < n_seen; i++)
        assert_string_not_equal(seen[i], made[3].uuid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phases),
        UNIT_TEST(test_open_pending),
        UNIT_TEST(test_open_ongoing),
        UNIT_TEST(test_open_invalid),
        UNIT_TEST(test_takeover),
        UNIT_TEST(test_complete_actor),
        UNIT_TEST(test_tamio_close_reopen),
        UNIT_TEST(test_references),
        UNIT_TEST(test_tamio_pending),
        UNIT_TEST(test_details_list_status),
        UNIT_TEST(test_details_list_filters),
        UNIT_TEST(test_fts_query),
        UNIT_TEST(test_search),
        UNIT_TEST(test_search_unicode_blank),
        UNIT_TEST(test_search_user_owner),
        UNIT_TEST(test_search_common_term),
        UNIT_TEST(test_search_pages_split_a_millisecond),
    };
    return cmocka_run_group_tests_name("core/zaia_ticket", tests, NULL, NULL);
}
