/* Tests of core/ticket.c: the ten states (names, parsing, open or not), ticket_create (first
 * replies, auto-assign, language, events written in the same transaction; validation naming
 * the field; unknown client/category; subcategory and billing-plan gating; a failed create
 * writes nothing, even when it fails after the ticket row went in), assign/unassign, close and
 * reopen (events only when something changed), replies, internal notes and the timeline (kept
 * out of the vendor reads; pages from each key), delete, get and list filters. */
#include "unit.h"

#include "core/category.h"
#include "core/people.h"
#include "core/ticket.h"
#include "util/limits.h"
#include "util/uuid.h"

#define LIST(arr, count)                                                                           \
    {                                                                                              \
        .set = true, .v = (arr), .n = (count)                                                      \
    }

/* ---- states ---- */

static void test_states(void **state)
{
    static const struct {
        ticket_state s;
        const char *name;
        bool open;
    } all[] = {
        {TS_NEW, "new", true},
        {TS_OPEN, "open", true},
        {TS_INVITED, "invited", true},
        {TS_INPROGRESS, "inprogress", true},
        {TS_DONE, "done", false},
        {TS_CLOSED, "closed", false},
        {TS_REJECTED, "rejected", false},
        {TS_DECLINED, "declined", false},
        {TS_EXPIRED, "expired", false},
        {TS_CANCELLED, "cancelled", false},
    };
    assert_int_equal(sizeof all / sizeof *all, TS_COUNT);
    for (size_t i = 0; i < TS_COUNT; i++) {
        assert_string_equal(state_name(all[i].s), all[i].name);
        assert_int_equal(state_parse(all[i].name), all[i].s);
        assert_int_equal(state_is_open(all[i].s), all[i].open);
    }
    const char *bad[] = {
        "", "Open", "OPEN", "closed ", " new", "in progress", "in_progress", "canceled", "unknown"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(state_parse(bad[i]), -1);
    assert_int_equal(state_parse(NULL), -1);
}

/* ---- fixtures: a client and a category ---- */

typedef struct {
    contact_row client;
    category_row cat;
    user_row agent;
} world;

static contact_row make_client(unit_env *e, const char *name, const char *plan)
{
    contact_in in = {
        .name = SET(name), .email = SET("client@example.com"), .plan = {plan != NULL, plan}};
    contact_row c;
    assert_int_equal(contact_create(&e->cx, &in, &c), ST_OK);
    return c;
}

static user_row make_agent(unit_env *e, const char *email)
{
    user_in in = {.name = SET("Agent"), .email = SET(email)};
    user_row u;
    assert_int_equal(user_create(&e->cx, &in, &u), ST_OK);
    return u;
}

static category_row make_category(unit_env *e, const category_in *in)
{
    category_row k;
    assert_int_equal(category_create(&e->cx, in, &k), ST_OK);
    return k;
}

static world make_world(unit_env *e)
{
    world w;
    w.client = make_client(e, "Client", NULL);
    w.agent = make_agent(e, "agent@example.com");
    const char *subs[] = {"hardware", "software"};
    category_in in = {
        .title = SET("Support"), .language = SET("pt-BR"), .subcategories = LIST(subs, 2)};
    w.cat = make_category(e, &in);
    return w;
}

static ticket_row create_ok(unit_env *e, const world *w, const char *title)
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

/* Events of a ticket, oldest first. */
static event_row *events(unit_env *e, int64_t ticket_id, size_t *n)
{
    event_row *rows;
    int64_t total;
    assert_int_equal(store_event_list(e->db, e->ws.id, ticket_id, 0, 100, e->a, &rows, n, &total),
                     ST_OK);
    assert_int_equal((int64_t)*n, total);
    return rows;
}

/* Everything a create writes, counted through the store's list functions. */
typedef struct {
    int64_t tickets, replies, events;
} counts;

static counts count_all(unit_env *e)
{
    counts c = {0};
    ticket_filter f = {.pg = unit_page(0, LIMIT_PAGE_SIZE),
                       .is_open = -1,
                       .user_id = NULL_INT,
                       .contact_id = NULL_INT};
    ticket_row *rows;
    size_t n;
    assert_int_equal(store_ticket_list(e->db, e->ws.id, &f, e->a, &rows, &n, &c.tickets), ST_OK);
    assert_int_equal((int64_t)n, c.tickets);
    assert_int_equal(store_ticket_load_replies(e->db, rows, n, e->a), ST_OK);
    for (size_t i = 0; i < n; i++) {
        size_t ne;
        c.replies += (int64_t)rows[i].n_replies;
        (void)events(e, rows[i].id, &ne);
        c.events += (int64_t)ne;
    }
    /* and the raw tables, which also see rows of no listed ticket */
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets"), c.tickets);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM replies"), c.replies);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events"), c.events);
    return c;
}

static void assert_counts_equal(counts a, counts b)
{
    assert_int_equal(a.tickets, b.tickets);
    assert_int_equal(a.replies, b.replies);
    assert_int_equal(a.events, b.events);
}

/* Expects ticket_create(in) to fail with st naming field, and to write nothing. */
static void create_fails(unit_env *e, const ticket_create_in *in, status st, const char *field)
{
    counts before = count_all(e);
    unit_diag_clear(e);
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, in, &t), st);
    assert_string_equal(e->d.field, field);
    assert_true(e->d.msg[0] != '\0');
    assert_counts_equal(count_all(e), before);
}

/* ---- create ---- */

static void test_create(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    e->cx.now = 1706695200123LL;
    ticket_create_in in = {.client_id = w.client.uuid,
                           .title = "Printer",
                           .description = "Jam",
                           .category = w.cat.uuid,
                           .subcategory = "hardware"};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_true(uuid_parse(t.uuid, NULL));
    assert_string_equal(t.title, "Printer");
    assert_string_equal(t.description, "Jam");
    assert_string_equal(t.state, "new");
    assert_true(t.is_open);
    assert_string_equal(t.subcategory, "hardware");
    assert_string_equal(t.language, "pt-BR"); /* the category's */
    assert_string_equal(t.category_title, "Support");
    assert_string_equal(t.contact_uuid, w.client.uuid);
    assert_int_equal(t.user_id, NULL_INT);
    assert_int_equal(t.created_at, 1706695200123LL);
    assert_int_equal(t.updated_at, 1706695200123LL);
    /* the description is the client's first reply */
    assert_int_equal(t.n_replies, 1);
    assert_string_equal(t.replies[0].text, "Jam");
    assert_true(t.replies[0].is_client);
    assert_int_equal(t.replies[0].contact_id, w.client.id);

    size_t n;
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, 2);
    assert_string_equal(ev[0].type, "ticket.created");
    assert_string_equal(ev[1].type, "reply.created");
    assert_string_equal(ev[0].actor_type, "system");
    assert_int_equal(ev[0].created_at, e->cx.now);
    assert_non_null(strstr(ev[0].data, "\"title\":{\"before\":null,\"after\":\"Printer\"}"));
    assert_non_null(strstr(ev[0].data, "\"state\":{\"before\":null,\"after\":\"new\"}"));
    assert_non_null(strstr(ev[0].data, w.client.uuid));
    assert_non_null(strstr(ev[1].data, t.replies[0].uuid));

    ticket_row got;
    assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_OK);
    assert_int_equal(got.id, t.id);
    assert_int_equal(got.n_replies, 1);
}

static void test_create_auto_reply_and_assign(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    category_in in = {.title = SET("Sales"),
                      .language = SET("en"),
                      .auto_reply = SET("Thanks, we are on it"),
                      .teammate_id = SET(w.agent.uuid)};
    category_row k = make_category(e, &in);
    ticket_create_in tin = {
        .client_id = w.client.uuid, .title = "Quote", .description = "Price?", .category = k.uuid};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &tin, &t), ST_OK);
    assert_int_equal(t.user_id, w.agent.id);
    assert_string_equal(t.user_uuid, w.agent.uuid);
    assert_int_equal(t.n_replies, 2);
    assert_string_equal(t.replies[0].text, "Price?");
    assert_true(t.replies[0].is_client);
    assert_string_equal(t.replies[1].text, "Thanks, we are on it");
    assert_false(t.replies[1].is_client);
    assert_int_equal(t.replies[1].user_id, w.agent.id);
    size_t n;
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, 3); /* exactly one ticket.created, one reply.created per reply */
    int created = 0, replies = 0;
    for (size_t i = 0; i < n; i++) {
        created += !strcmp(ev[i].type, "ticket.created");
        replies += !strcmp(ev[i].type, "reply.created");
    }
    assert_int_equal(created, 1);
    assert_int_equal(replies, 2);
    assert_non_null(strstr(ev[0].data, w.agent.uuid));
}

static void test_create_validation(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    create_ok(e, &w, "an existing ticket, so the counts are not all zero");
    char *long_title = arena_zalloc(e->a, LIMIT_NAME_CHARS + 2);
    memset(long_title, 't', LIMIT_NAME_CHARS + 1);
    const ticket_create_in ok = {
        .client_id = w.client.uuid, .title = "T", .description = "D", .category = w.cat.uuid};
    ticket_create_in in = ok;
    in.client_id = NULL;
    create_fails(e, &in, ST_INVALID, "client_id");
    in = ok;
    in.client_id = "nope";
    create_fails(e, &in, ST_INVALID, "client_id");
    in = ok;
    in.title = NULL;
    create_fails(e, &in, ST_INVALID, "title");
    in = ok;
    in.title = "";
    create_fails(e, &in, ST_INVALID, "title");
    in = ok;
    in.title = long_title;
    create_fails(e, &in, ST_INVALID, "title");
    in = ok;
    in.title = "bad \xed\xa0\x80";
    create_fails(e, &in, ST_INVALID, "title");
    in = ok;
    in.description = NULL;
    create_fails(e, &in, ST_INVALID, "description");
    in = ok;
    in.description = "";
    create_fails(e, &in, ST_INVALID, "description");
    in = ok;
    in.category = NULL;
    create_fails(e, &in, ST_INVALID, "category");
    in = ok;
    in.category = "12345";
    create_fails(e, &in, ST_INVALID, "category");
    in = ok;
    in.subcategory = "\xff";
    create_fails(e, &in, ST_INVALID, "subcategory");
    /* the limit itself is fine */
    long_title[LIMIT_NAME_CHARS] = '\0';
    in = ok;
    in.title = long_title;
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
}

static void test_create_unknown_refs(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    ticket_create_in in = {
        .client_id = id, .title = "T", .description = "D", .category = w.cat.uuid};
    create_fails(e, &in, ST_NOT_FOUND, "client_id");
    in.client_id = w.client.uuid;
    in.category = id;
    create_fails(e, &in, ST_NOT_FOUND, "category");
    /* another workspace's client is unknown here */
    ws_row other;
    assert_int_equal(workspace_create(e->db, "other", e->a, &other, &e->d), ST_OK);
    e->cx.ws = other.id;
    in.category = w.cat.uuid;
    unit_diag_clear(e);
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "client_id");
    e->cx.ws = e->ws.id;
    /* assets that do not exist, or too many */
    const char *assets[] = {id};
    in = (ticket_create_in){.client_id = w.client.uuid,
                            .title = "T",
                            .description = "D",
                            .category = w.cat.uuid,
                            .assets = assets,
                            .n_assets = 1};
    create_fails(e, &in, ST_NOT_FOUND, "assets");
    const char *six[] = {id, id, id, id, id, id};
    in.assets = six;
    in.n_assets = LIMIT_REPLY_ASSETS + 1;
    create_fails(e, &in, ST_INVALID, "assets");
}

static void test_create_subcategory(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_create_in in = {.client_id = w.client.uuid,
                           .title = "T",
                           .description = "D",
                           .category = w.cat.uuid,
                           .subcategory = "plumbing"};
    create_fails(e, &in, ST_INVALID, "subcategory");
    in.subcategory = "Hardware"; /* exact match only */
    create_fails(e, &in, ST_INVALID, "subcategory");
    in.subcategory = "software";
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_string_equal(t.subcategory, "software");
    /* a category without subcategories takes none */
    category_in plain = {.title = SET("Plain"), .language = SET("en")};
    category_row k = make_category(e, &plain);
    in.category = k.uuid;
    in.subcategory = "software";
    create_fails(e, &in, ST_INVALID, "subcategory");
    in.subcategory = NULL;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_null(t.subcategory);
}

static void test_create_plan_gating(void **state)
{
    unit_env *e = *state;
    plan_in gold_in = {.name = "Gold"}, basic_in = {.name = "Basic"};
    plan_row gold, basic;
    assert_int_equal(plan_create(&e->cx, &gold_in, &gold), ST_OK);
    assert_int_equal(plan_create(&e->cx, &basic_in, &basic), ST_OK);
    const char *only_gold[] = {gold.uuid};
    category_in vip_in = {.title = SET("VIP"), .language = SET("en"), .plans = LIST(only_gold, 1)};
    category_row vip = make_category(e, &vip_in);
    contact_row basic_client = make_client(e, "Basic client", basic.uuid);
    contact_row gold_client = make_client(e, "Gold client", gold.uuid);
    contact_row no_plan = make_client(e, "No plan", NULL);

    ticket_create_in in = {
        .client_id = basic_client.uuid, .title = "T", .description = "D", .category = vip.uuid};
    create_fails(e, &in, ST_INVALID, "category");
    assert_int_equal(e->d.reason, REASON_PLAN_NOT_ALLOWED);

    ticket_row t;
    in.client_id = gold_client.uuid;
    unit_diag_clear(e);
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_int_equal(e->d.reason, REASON_NONE);
    in.client_id = no_plan.uuid; /* only a client on a plan is gated */
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    /* a category open to all plans takes the basic client */
    category_in all_in = {.title = SET("All"), .language = SET("en")};
    category_row all = make_category(e, &all_in);
    in.client_id = basic_client.uuid;
    in.category = all.uuid;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
}

/* A create that fails after its ticket row is written leaves nothing behind: the row, its
 * ticket.created event and any reply roll back together. */
static void test_failed_create_writes_nothing(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    create_ok(e, &w, "before");
    counts before = count_all(e);
    assert_int_equal(before.tickets, 1);
    assert_int_equal(before.events, 2);
    /* make the first reply's insert fail, after the ticket and its created event went in */
    /* a schema trigger, not TEMP: core writes on the store's writer connection */
    assert_int_equal(db_exec(e->db, "CREATE TRIGGER fail_reply BEFORE INSERT ON replies "
                                    "BEGIN SELECT RAISE(ABORT, 'injected'); END"),
                     ST_OK);
    ticket_create_in in = {
        .client_id = w.client.uuid, .title = "doomed", .description = "D", .category = w.cat.uuid};
    ticket_row t;
    unit_diag_clear(e);
    assert_int_not_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_int_equal(db_exec(e->db, "DROP TRIGGER fail_reply"), ST_OK);
    assert_counts_equal(count_all(e), before);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets WHERE title = 'doomed'"), 0);
    /* the connection is left usable */
    ticket_row again = create_ok(e, &w, "after");
    assert_int_equal(again.n_replies, 1);
    counts after = count_all(e);
    assert_int_equal(after.tickets, 2);
    assert_int_equal(after.events, 4);
}

/* ---- assign ---- */

static void test_assign_and_unassign(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    user_row other = make_agent(e, "other@example.com");
    ticket_row t = create_ok(e, &w, "T"), out;
    size_t n0;
    (void)events(e, t.id, &n0);

    e->cx.now += 1000;
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", w.agent.uuid, &out), ST_OK);
    assert_int_equal(out.user_id, w.agent.id);
    assert_string_equal(out.user_uuid, w.agent.uuid);
    assert_int_equal(out.updated_at, e->cx.now);
    size_t n;
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);
    assert_string_equal(ev[n - 1].type, "ticket.assigned");
    char *want =
        arena_printf(e->a, "{\"assignee_id\":{\"before\":null,\"after\":\"%s\"}}", w.agent.uuid);
    assert_string_equal(ev[n - 1].data, want);

    /* the same teammate again: nothing changes, no event, updated_at kept */
    int64_t stamp = e->cx.now;
    e->cx.now += 1000;
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", w.agent.uuid, &out), ST_OK);
    (void)events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);
    ticket_row got;
    assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_OK);
    assert_int_equal(got.updated_at, stamp);
    assert_int_equal(got.user_id, w.agent.id);

    /* to another teammate */
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", other.uuid, &out), ST_OK);
    ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 2);
    want = arena_printf(e->a, "{\"assignee_id\":{\"before\":\"%s\",\"after\":\"%s\"}}",
                        w.agent.uuid, other.uuid);
    assert_string_equal(ev[n - 1].data, want);

    /* unassign, then unassign again (no event the second time) */
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", NULL, &out), ST_OK);
    assert_int_equal(out.user_id, NULL_INT);
    assert_null(out.user_uuid);
    ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 3);
    assert_non_null(strstr(ev[n - 1].data, "\"after\":null"));
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", NULL, &out), ST_OK);
    (void)events(e, t.id, &n);
    assert_int_equal(n, n0 + 3);
    assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_OK);
    assert_int_equal(got.user_id, NULL_INT);
}

static void test_assign_errors(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = create_ok(e, &w, "T"), out;
    counts before = count_all(e);
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    unit_diag_clear(e);
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", id, &out), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "teammate_id");
    unit_diag_clear(e);
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", "bad", &out), ST_INVALID);
    assert_string_equal(e->d.field, "teammate_id");
    unit_diag_clear(e);
    assert_int_equal(ticket_assign(&e->cx, id, "teammate_id", w.agent.uuid, &out), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "ticket");
    unit_diag_clear(e);
    assert_int_equal(ticket_assign(&e->cx, "bad", "teammate_id", w.agent.uuid, &out), ST_INVALID);
    assert_string_equal(e->d.field, "id");
    assert_counts_equal(count_all(e), before);
    ticket_row got;
    assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_OK);
    assert_int_equal(got.user_id, NULL_INT);
}

/* ---- close / reopen ---- */

static void test_close_and_reopen(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = create_ok(e, &w, "T"), out, got;
    size_t n0, n;
    (void)events(e, t.id, &n0);

    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_CLOSED, &out), ST_OK);
    assert_string_equal(out.state, "closed");
    assert_false(out.is_open);
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);
    assert_string_equal(ev[n - 1].type, "ticket.state_changed");
    assert_non_null(strstr(ev[n - 1].data, "\"state\":{\"before\":\"new\",\"after\":\"closed\"}"));
    assert_non_null(strstr(ev[n - 1].data, "\"completed_at\":{\"before\":null,\"after\":"));
    assert_int_not_equal(out.completed_at, NULL_INT);
    assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_OK);
    assert_string_equal(got.state, "closed");
    assert_false(got.is_open);

    /* closing a closed ticket changes nothing */
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_CLOSED, &out), ST_OK);
    (void)events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);

    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_OPEN, &out), ST_OK);
    assert_true(out.is_open);
    ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 2);
    assert_non_null(strstr(ev[n - 1].data, "\"state\":{\"before\":\"closed\",\"after\":\"open\"}"));
    assert_non_null(strstr(ev[n - 1].data, "\"after\":null}")); /* completed_at cleared */
    assert_int_equal(out.completed_at, NULL_INT);
    assert_int_equal(ticket_set_state(&e->cx, t.uuid, TS_OPEN, &out), ST_OK);
    (void)events(e, t.id, &n);
    assert_int_equal(n, n0 + 2);

    /* every state keeps is_open in step */
    for (int s = 0; s < TS_COUNT; s++) {
        assert_int_equal(ticket_set_state(&e->cx, t.uuid, (ticket_state)s, &out), ST_OK);
        assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_OK);
        assert_string_equal(got.state, state_name((ticket_state)s));
        assert_int_equal(got.is_open, state_is_open((ticket_state)s));
    }
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    unit_diag_clear(e);
    assert_int_equal(ticket_set_state(&e->cx, id, TS_CLOSED, &out), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "ticket");
}

/* ---- replies ---- */

static void test_reply(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = create_ok(e, &w, "T"), out;
    size_t n0, n;
    (void)events(e, t.id, &n0);
    e->cx.now += 1000;
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "On it", NULL, 0, false, &out), ST_OK);
    assert_int_equal(out.n_replies, 2);
    assert_string_equal(out.replies[1].text, "On it");
    assert_false(out.replies[1].is_client);
    assert_int_equal(out.updated_at, e->cx.now);
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);
    assert_string_equal(ev[n - 1].type, "reply.created");
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "Thanks", NULL, 0, true, &out), ST_OK);
    assert_int_equal(out.n_replies, 3);
    assert_true(out.replies[2].is_client);
    assert_int_equal(out.replies[2].contact_id, w.client.id);

    counts before = count_all(e);
    unit_diag_clear(e);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "", NULL, 0, false, &out), ST_INVALID);
    assert_string_equal(e->d.field, "reply");
    unit_diag_clear(e);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, NULL, NULL, 0, false, &out), ST_INVALID);
    assert_string_equal(e->d.field, "reply");
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    const char *assets[] = {id};
    unit_diag_clear(e);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "x", assets, 1, false, &out), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "assets");
    assert_counts_equal(count_all(e), before);
}

/* ticketd's own replies: a note is a reply row no vendor read shows (no chat message, no
 * Tamio reply, no event in store_event_list) that the timeline interleaves with the events. */
static void test_note_and_timeline(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = create_ok(e, &w, "T"), out;
    int64_t messages = unit_count(e->db, "SELECT count(*) FROM messages");
    e->cx.now += 1000;
    reply_in note = {.text = "Grumpy customer", .note = true}, reply = {.text = "On it"};
    reply_row r;
    assert_int_equal(ticket_post_reply(&e->cx, t.uuid, &note, &r), ST_OK);
    assert_true(r.note);
    assert_string_equal(r.text, "Grumpy customer");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM messages"), messages);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM events WHERE type = 'note.created'"),
                     1);
    e->cx.now += 1000;
    assert_int_equal(ticket_post_reply(&e->cx, t.uuid, &reply, &r), ST_OK);
    assert_false(r.note);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM messages"), messages + 1);
    assert_int_equal(ticket_get(&e->cx, t.uuid, &out), ST_OK);
    assert_int_equal(out.n_replies, 2); /* the description and "On it": no note */
    assert_string_equal(out.replies[1].text, "On it");
    size_t n;
    event_row *ev = events(e, t.id, &n);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(ev[i].type, "note.created");
    reply_row got;
    assert_int_equal(ticket_reply_get(&e->cx, t.uuid, r.uuid, &got), ST_OK);
    assert_string_equal(got.text, "On it");
    unit_diag_clear(e);
    assert_int_equal(ticket_post_reply(&e->cx, t.uuid, &(reply_in){.text = ""}, &r), ST_INVALID);
    assert_string_equal(e->d.field, "text");

    /* ticket.created, the description, the note, the reply: events first within a ms; page
     * by page from each item's key the same items come back. */
    timeline_key start = {-1, 0, 0};
    timeline_item *all;
    size_t total;
    bool more;
    assert_int_equal(ticket_timeline(&e->cx, t.uuid, &start, 10, &all, &total, &more), ST_OK);
    assert_false(more);
    assert_int_equal(total, 4);
    assert_non_null(all[0].event);
    assert_string_equal(all[0].event->type, "ticket.created");
    assert_string_equal(all[1].reply->text, "Help");
    assert_true(all[2].reply->note);
    assert_string_equal(all[3].reply->text, "On it");
    timeline_key at = start;
    for (size_t i = 0; i < total; i++) {
        timeline_item *one;
        size_t got_n;
        assert_int_equal(ticket_timeline(&e->cx, t.uuid, &at, 1, &one, &got_n, &more), ST_OK);
        assert_int_equal(got_n, 1);
        assert_int_equal(more, i + 1 < total);
        assert_true(one[0].reply == NULL ? all[i].reply == NULL : all[i].reply != NULL);
        assert_int_equal(one[0].key.id, all[i].key.id);
        at = one[0].key;
    }
}

static void test_reply_with_asset(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    asset_row as = {0};
    uuid_v4(as.uuid);
    as.filename = "a.pdf";
    as.extension = "pdf";
    as.filesize = 10;
    as.type = "document";
    as.mime_type = "application/pdf";
    as.version = 1;
    as.status = "ready";
    as.width = as.height = NULL_INT;
    assert_int_equal(store_asset_insert(e->db, e->ws.id, &as), ST_OK);
    const char *assets[] = {as.uuid};
    ticket_create_in in = {.client_id = w.client.uuid,
                           .title = "T",
                           .description = "see file",
                           .category = w.cat.uuid,
                           .assets = assets,
                           .n_assets = 1};
    ticket_row t, out;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_int_equal(t.n_replies, 1);
    assert_int_equal(t.replies[0].n_assets, 1);
    assert_string_equal(t.replies[0].assets[0].uuid, as.uuid);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "again", assets, 1, false, &out), ST_OK);
    assert_int_equal(out.replies[1].n_assets, 1);
    assert_string_equal(out.replies[1].assets[0].filename, "a.pdf");
}

/* ---- delete, get, list ---- */

static void test_delete(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    ticket_row t = create_ok(e, &w, "T"), got;
    create_ok(e, &w, "kept");
    size_t n0, n;
    (void)events(e, t.id, &n0);
    assert_int_equal(ticket_delete(&e->cx, t.uuid), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(ticket_get(&e->cx, t.uuid, &got), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "ticket");
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);
    assert_string_equal(ev[n - 1].type, "ticket.deleted");
    assert_int_equal(ticket_delete(&e->cx, t.uuid), ST_NOT_FOUND);
    ticket_list_in li = {.page = unit_list_in(1, 10), .closed = -1};
    ticket_row *rows;
    int64_t total;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "kept");
    assert_int_equal(ticket_assign(&e->cx, t.uuid, "teammate_id", w.agent.uuid, &got),
                     ST_NOT_FOUND);
}

static void test_get_errors(void **state)
{
    unit_env *e = *state;
    ticket_row t;
    unit_diag_clear(e);
    assert_int_equal(ticket_get(&e->cx, "nope", &t), ST_INVALID);
    assert_string_equal(e->d.field, "id");
    unit_diag_clear(e);
    assert_int_equal(ticket_get(&e->cx, NULL, &t), ST_INVALID);
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    unit_diag_clear(e);
    assert_int_equal(ticket_get(&e->cx, id, &t), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "ticket");
}

static void test_list_filters(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    contact_row c2 = make_client(e, "Second", NULL);
    const char *titles[] = {"Printer jam", "Printer toner", "Login", "VPN"};
    ticket_row t[4], out;
    for (int i = 0; i < 4; i++) {
        e->cx.now = 1700000000000LL + i * 1000;
        ticket_create_in in = {.client_id = i == 3 ? c2.uuid : w.client.uuid,
                               .title = titles[i],
                               .description = "d",
                               .category = w.cat.uuid};
        assert_int_equal(ticket_create(&e->cx, &in, &t[i]), ST_OK);
    }
    assert_int_equal(ticket_set_state(&e->cx, t[1].uuid, TS_DONE, &out), ST_OK);
    assert_int_equal(ticket_assign(&e->cx, t[2].uuid, "teammate_id", w.agent.uuid, &out), ST_OK);

    ticket_row *rows;
    size_t n;
    int64_t total;
    ticket_list_in li = {.page = unit_list_in(1, 10), .closed = -1};
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 4);
    assert_string_equal(rows[0].title, "Printer jam");
    assert_int_equal(rows[0].n_replies, 1); /* lists carry replies too */
    li.closed = 1;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "Printer toner");
    li.closed = 0;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 3);
    li.closed = -1;
    li.title_contains = "printer";
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    li.title_contains = NULL;
    li.teammate_id = w.agent.uuid;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "Login");
    li.teammate_id = NULL;
    li.client_id = c2.uuid;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].title, "VPN");
    /* unknown ids match nothing; malformed ones are invalid */
    char id[UUID_STR_LEN + 1];
    uuid_v4(id);
    li.client_id = id;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
    li.client_id = NULL;
    li.teammate_id = id;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 0);
    li.teammate_id = "bad";
    unit_diag_clear(e);
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_INVALID);
    assert_string_equal(e->d.field, "teammate_id");
    li.teammate_id = NULL;
    /* paging, newest first, and whole-second bounds */
    li = (ticket_list_in){.page = unit_list_in(2, 3), .closed = -1};
    li.page.desc = true;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 4);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].title, "Printer jam");
    li = (ticket_list_in){.page = unit_list_in(1, 10), .closed = -1};
    li.page.from_ms = 1700000001000LL;
    li.page.to_ms = 1700000002000LL;
    assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 2);
    assert_string_equal(rows[0].title, "Printer toner");
    assert_string_equal(rows[1].title, "Login");
}

/* The list totals that come from ticket_counts agree with a real count after every kind of
 * change: create, assign, reassign, unassign, close, reopen, delete. */
static void check_totals(unit_env *e, const world *w, const user_row *other)
{
    const char *who[] = {NULL, w->agent.uuid, other->uuid};
    int64_t ids[] = {0, w->agent.id, other->id};
    for (int k = 0; k < 3; k++) {
        for (int closed = -1; closed <= 1; closed++) {
            ticket_list_in li = {
                .page = unit_list_in(1, 1), .closed = closed, .teammate_id = who[k]};
            ticket_row *rows;
            size_t n;
            int64_t total;
            assert_int_equal(ticket_list(&e->cx, &li, &rows, &n, &total), ST_OK);
            char sql[256], cond[64] = "";
            if (k) snprintf(cond, sizeof cond, " AND user_id = %lld", (long long)ids[k]);
            snprintf(sql, sizeof sql, "SELECT count(*) FROM tickets WHERE deleted_at IS NULL%s%s",
                     cond,
                     closed < 0 ? ""
                     : closed   ? " AND is_open = 0"
                                : " AND is_open = 1");
            assert_int_equal(total, unit_count(e->db, sql));
        }
    }
}

static void test_list_totals_follow_every_change(void **state)
{
    unit_env *e = *state;
    world w = make_world(e);
    user_row other = make_agent(e, "other@example.com");
    ticket_row t[5], out;
    for (int i = 0; i < 5; i++)
        t[i] = create_ok(e, &w, "T");
    check_totals(e, &w, &other);
    assert_int_equal(ticket_assign(&e->cx, t[0].uuid, "teammate_id", w.agent.uuid, &out), ST_OK);
    assert_int_equal(ticket_assign(&e->cx, t[1].uuid, "teammate_id", w.agent.uuid, &out), ST_OK);
    check_totals(e, &w, &other);
    assert_int_equal(ticket_assign(&e->cx, t[1].uuid, "teammate_id", other.uuid, &out), ST_OK);
    assert_int_equal(ticket_set_state(&e->cx, t[0].uuid, TS_CLOSED, &out), ST_OK);
    check_totals(e, &w, &other);
    assert_int_equal(ticket_assign(&e->cx, t[0].uuid, "teammate_id", NULL, &out), ST_OK);
    assert_int_equal(ticket_set_state(&e->cx, t[0].uuid, TS_OPEN, &out), ST_OK);
    assert_int_equal(ticket_delete(&e->cx, t[1].uuid), ST_OK);
    assert_int_equal(ticket_delete(&e->cx, t[2].uuid), ST_OK);
    check_totals(e, &w, &other);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_counts WHERE n < 0"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        UNIT_TEST(test_create),
        UNIT_TEST(test_list_totals_follow_every_change),
        UNIT_TEST(test_create_auto_reply_and_assign),
        UNIT_TEST(test_create_validation),
        UNIT_TEST(test_create_unknown_refs),
        UNIT_TEST(test_create_subcategory),
        UNIT_TEST(test_create_plan_gating),
        UNIT_TEST(test_failed_create_writes_nothing),
        UNIT_TEST(test_assign_and_unassign),
        UNIT_TEST(test_assign_errors),
        UNIT_TEST(test_close_and_reopen),
        UNIT_TEST(test_reply),
        UNIT_TEST(test_reply_with_asset),
        UNIT_TEST(test_note_and_timeline),
        UNIT_TEST(test_delete),
        UNIT_TEST(test_get_errors),
        UNIT_TEST(test_list_filters),
    };
    return cmocka_run_group_tests_name("core/ticket", tests, NULL, NULL);
}
