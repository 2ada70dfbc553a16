/* Tests of core/tag.c (docs/ZAIA.md): ticketing teams (validation, soft removal: gone from
 * team_get and lists, still named on their tickets), tags (validation naming the field, partial
 * update, activeTicketCount counting only pending and ongoing tickets that are not deleted),
 * tags on tickets (attaching twice answers the one existing link, removing a tag that is not
 * attached is ST_NOT_FOUND, tag.added / tag.removed events, body vs path ids) and deleting a
 * tag, which detaches it everywhere. */
#include "unit.h"

#include "core/category.h"
#include "core/chat.h"
#include "core/people.h"
#include "core/tag.h"
#include "core/ticket.h"
#include "util/limits.h"
#include "util/uuid.h"

/* ---- fixtures: a chat to open tickets on, an agent ---- */

typedef struct {
    user_row agent;
    chat_row chat;
} tagworld;

static tagworld make_world(unit_env *e)
{
    tagworld w;
    e->cx.now = 1700000000000LL;
    user_in ui = {.name = SET("Agent"), .email = SET("agent@example.com")};
    assert_int_equal(user_create(&e->cx, &ui, &w.agent), ST_OK);
    contact_in ci = {.name = SET("Owner"), .is_blocked = -1};
    contact_row owner;
    assert_int_equal(contact_create(&e->cx, &ci, &owner), ST_OK);
    channel_in chi = {.name = SET("Web"), .type = SET("widget")};
    channel_row ch;
    assert_int_equal(channel_create(&e->cx, &chi, &ch), ST_OK);
    responder_in ri = {.entity = SET("agents"), .name = SET("Bot")};
    responder_row r;
    assert_int_equal(responder_create(&e->cx, &ri, &r), ST_OK);
    chat_in in = {.channel_id = SET(ch.uuid),
                  .owner_id = SET(owner.uuid),
                  .responder_id = SET(r.uuid),
                  .summary = SET("Chat")};
    assert_int_equal(chat_create(&e->cx, &in, &w.chat), ST_OK);
    return w;
}

static ticket_row open_ticket(unit_env *e, const tagworld *w, const char *phase, const char *team)
{
    ticket_open_in in = {.chat_id = w->chat.uuid, .assignee_id = w->agent.uuid, .status = phase};
    in.team_id = (opt_str){true, team};
    ticket_row t;
    unit_diag_clear(e);
    assert_int_equal(ticket_open(&e->cx, &in, &t), ST_OK);
    return t;
}

static tag_row make_tag(unit_env *e, const char *name, const char *color)
{
    tag_in in = {.name = SET(name), .description = SET("about it"), .color = SET(color)};
    tag_row g;
    assert_int_equal(tag_create(&e->cx, &in, &g), ST_OK);
    return g;
}

static int64_t active(unit_env *e, const tag_row *g)
{
    tag_row got;
    assert_int_equal(tag_get(&e->cx, g->uuid, &got), ST_OK);
    /* the list computes the same count */
    tag_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 100);
    assert_int_equal(tag_list(&e->cx, &li, &rows, &n), ST_OK);
    bool seen = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].uuid, g->uuid)) continue;
        assert_int_equal(rows[i].active, got.active);
        seen = true;
    }
    assert_true(seen);
    return got.active;
}

static event_row *events(unit_env *e, int64_t ticket_id, size_t *n)
{
    event_row *rows;
    int64_t total;
    assert_int_equal(store_event_list(e->db, e->ws.id, ticket_id, 0, 100, e->a, &rows, n, &total),
                     ST_OK);
    return rows;
}

static void assert_diag(unit_env *e, status got, status st, const char *field, diag_reason reason)
{
    assert_int_equal(got, st);
    assert_string_equal(e->d.field, field);
    assert_int_equal(e->d.reason, reason);
    assert_true(e->d.msg[0] != '\0');
}

/* ---- teams ---- */

static void test_teams(void **state)
{
    unit_env *e = *state;
    tagworld w = make_world(e);
    team_row tm, got;
    team_in in = {.description = SET("d")};
    unit_diag_clear(e);
    assert_diag(e, team_create(&e->cx, &in, &tm), ST_INVALID, "name", REASON_NONE);
    in = (team_in){.name = SET("")};
    unit_diag_clear(e);
    assert_diag(e, team_create(&e->cx, &in, &tm), ST_INVALID, "name", REASON_NONE);
    in = (team_in){.name = SET("Billing"), .description = SET("Money"), .picture = SET("p.png")};
    assert_int_equal(team_create(&e->cx, &in, &tm), ST_OK);
    assert_true(uuid_parse(tm.uuid, NULL));
    assert_false(tm.is_removed);
    e->cx.now += 1000;
    team_in up = {.description = SET("Invoices")};
    assert_int_equal(team_update(&e->cx, tm.uuid, &up, &got), ST_OK);
    assert_int_equal(team_get(&e->cx, tm.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Billing");
    assert_string_equal(got.description, "Invoices");
    assert_string_equal(got.picture, "p.png");
    assert_int_equal(got.updated_at, e->cx.now);

    team_in other_in = {.name = SET("Other")};
    team_row other;
    assert_int_equal(team_create(&e->cx, &other_in, &other), ST_OK);
    ticket_row t = open_ticket(e, &w, "pending", tm.uuid);
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_string_equal(d.team_uuid, tm.uuid);
    assert_string_equal(d.team_name, "Billing");
    assert_string_equal(d.team_picture, "p.png");

    /* soft removal: gone from lookups and lists, still on the ticket */
    assert_int_equal(team_remove(&e->cx, tm.uuid), ST_OK);
    unit_diag_clear(e);
    assert_diag(e, team_get(&e->cx, tm.uuid, &got), ST_NOT_FOUND, "ticketing team", REASON_NONE);
    team_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 100);
    assert_int_equal(team_list(&e->cx, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, other.uuid);
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_string_equal(d.team_uuid, tm.uuid);
    assert_string_equal(d.team_name, "Billing");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM teams WHERE is_removed = 1"), 1);
    /* a removed team takes no new ticket, and cannot be removed or changed again */
    ticket_open_in oi = {.chat_id = w.chat.uuid, .assignee_id = w.agent.uuid, .status = "pending"};
    oi.team_id = (opt_str)SET(tm.uuid);
    unit_diag_clear(e);
    assert_diag(e, ticket_open(&e->cx, &oi, &t), ST_NOT_FOUND, "ticketingTeamId", REASON_BODY_REF);
    unit_diag_clear(e);
    assert_diag(e, team_remove(&e->cx, tm.uuid), ST_NOT_FOUND, "ticketing team", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, team_update(&e->cx, tm.uuid, &up, &got), ST_NOT_FOUND, "ticketing team",
                REASON_NONE);
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    unit_diag_clear(e);
    assert_diag(e, team_get(&e->cx, unknown, &got), ST_NOT_FOUND, "ticketing team", REASON_NONE);
}

/* ---- tags ---- */

static void test_tag_validation(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000000LL;
    tag_row g;
    for (char c = '0'; c <= '9'; c++) {
        char color[2] = {c, 0};
        tag_in in = {.name = SET("T"), .description = SET(""), .color = SET(color)};
        assert_int_equal(tag_create(&e->cx, &in, &g), ST_OK);
        assert_string_equal(g.color, color);
        assert_string_equal(g.description, "");
        assert_int_equal(g.active, 0);
    }
    const char *bad_colors[] = {"10", "a", "", "-1", " 1"};
    for (size_t i = 0; i < sizeof bad_colors / sizeof *bad_colors; i++) {
        tag_in in = {.name = SET("T"), .description = SET("d"), .color = SET(bad_colors[i])};
        unit_diag_clear(e);
        assert_diag(e, tag_create(&e->cx, &in, &g), ST_INVALID, "color", REASON_NONE);
    }
    tag_in in = {.name = SET("T"), .description = SET("d")};
    unit_diag_clear(e);
    assert_diag(e, tag_create(&e->cx, &in, &g), ST_INVALID, "color", REASON_NONE);
    in = (tag_in){.name = SET("T"), .color = SET("1")};
    unit_diag_clear(e);
    assert_diag(e, tag_create(&e->cx, &in, &g), ST_INVALID, "description", REASON_NONE);
    in = (tag_in){.name = SET("T"), .description = NUL, .color = SET("1")};
    unit_diag_clear(e);
    assert_diag(e, tag_create(&e->cx, &in, &g), ST_INVALID, "description", REASON_NONE);
    in = (tag_in){.description = SET("d"), .color = SET("1")};
    unit_diag_clear(e);
    assert_diag(e, tag_create(&e->cx, &in, &g), ST_INVALID, "name", REASON_NONE);
    char *long_name = arena_zalloc(e->a, LIMIT_NAME_CHARS + 2);
    memset(long_name, 'n', LIMIT_NAME_CHARS + 1);
    in = (tag_in){.name = SET(long_name), .description = SET("d"), .color = SET("1")};
    unit_diag_clear(e);
    assert_diag(e, tag_create(&e->cx, &in, &g), ST_INVALID, "name", REASON_NONE);
    long_name[LIMIT_NAME_CHARS] = '\0';
    assert_int_equal(tag_create(&e->cx, &in, &g), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tags"), 11);

    /* partial update */
    tag_row t = make_tag(e, "Urgent", "3"), got;
    e->cx.now += 1000;
    tag_in up = {.color = SET("7")};
    assert_int_equal(tag_update(&e->cx, t.uuid, &up, &got), ST_OK);
    assert_int_equal(tag_get(&e->cx, t.uuid, &got), ST_OK);
    assert_string_equal(got.name, "Urgent");
    assert_string_equal(got.description, "about it");
    assert_string_equal(got.color, "7");
    assert_int_equal(got.updated_at, e->cx.now);
    up = (tag_in){.description = NUL};
    unit_diag_clear(e);
    assert_diag(e, tag_update(&e->cx, t.uuid, &up, &got), ST_INVALID, "description", REASON_NONE);
    up = (tag_in){.color = SET("x")};
    unit_diag_clear(e);
    assert_diag(e, tag_update(&e->cx, t.uuid, &up, &got), ST_INVALID, "color", REASON_NONE);
    assert_int_equal(tag_get(&e->cx, t.uuid, &got), ST_OK);
    assert_string_equal(got.color, "7");
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    unit_diag_clear(e);
    assert_diag(e, tag_get(&e->cx, unknown, &got), ST_NOT_FOUND, "tag", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, tag_delete(&e->cx, unknown), ST_NOT_FOUND, "tag", REASON_NONE);
}

static void test_active_count(void **state)
{
    unit_env *e = *state;
    tagworld w = make_world(e);
    tag_row g = make_tag(e, "G", "1"), idle = make_tag(e, "Idle", "2");
    ticket_row pending = open_ticket(e, &w, "pending", NULL);
    ticket_row ongoing = open_ticket(e, &w, "ongoing", NULL);
    ticket_row done = open_ticket(e, &w, "ongoing", NULL);
    ticket_row untagged = open_ticket(e, &w, "pending", NULL), out;
    (void)untagged;
    assert_int_equal(ticket_complete(&e->cx, done.uuid, w.agent.uuid, &out), ST_OK);
    ticket_tag_row link;
    assert_int_equal(ticket_tag_add(&e->cx, pending.uuid, g.uuid, &link), ST_OK);
    assert_int_equal(ticket_tag_add(&e->cx, ongoing.uuid, g.uuid, &link), ST_OK);
    assert_int_equal(ticket_tag_add(&e->cx, done.uuid, g.uuid, &link), ST_OK);
    assert_int_equal(active(e, &g), 2);
    assert_int_equal(active(e, &idle), 0);

    /* a Tamio ticket in every state family */
    contact_row client;
    contact_in ci = {.name = SET("Client"), .email = SET("c@example.com"), .is_blocked = -1};
    assert_int_equal(contact_create(&e->cx, &ci, &client), ST_OK);
    category_in ki = {.title = SET("Support"), .language = SET("en")};
    category_row cat;
    assert_int_equal(category_create(&e->cx, &ki, &cat), ST_OK);
    ticket_create_in ti = {
        .client_id = client.uuid, .title = "T", .description = "D", .category = cat.uuid};
    ticket_row tam;
    assert_int_equal(ticket_create(&e->cx, &ti, &tam), ST_OK);
    assert_int_equal(ticket_tag_add(&e->cx, tam.uuid, g.uuid, &link), ST_OK);
    assert_int_equal(active(e, &g), 3);
    static const struct {
        ticket_state s;
        int64_t expect;
    } steps[] = {
        {TS_OPEN, 3},     {TS_INVITED, 3}, {TS_INPROGRESS, 3}, {TS_CLOSED, 2}, {TS_REJECTED, 2},
        {TS_DECLINED, 2}, {TS_EXPIRED, 2}, {TS_CANCELLED, 2},  {TS_DONE, 2},   {TS_NEW, 3},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        assert_int_equal(ticket_set_state(&e->cx, tam.uuid, steps[i].s, &out), ST_OK);
        assert_int_equal(active(e, &g), steps[i].expect);
    }
    /* a deleted ticket does not count */
    assert_int_equal(ticket_delete(&e->cx, tam.uuid), ST_OK);
    assert_int_equal(active(e, &g), 2);
    /* a completed ticket taken over counts again; completing it drops it */
    assert_int_equal(ticket_takeover(&e->cx, done.uuid, w.agent.uuid, &out), ST_OK);
    assert_int_equal(active(e, &g), 3);
    assert_int_equal(ticket_complete(&e->cx, pending.uuid, w.agent.uuid, &out), ST_OK);
    assert_int_equal(active(e, &g), 2);
    /* removing the tag from a ticket */
    assert_int_equal(ticket_tag_remove(&e->cx, ongoing.uuid, g.uuid), ST_OK);
    assert_int_equal(active(e, &g), 1);
    assert_int_equal(active(e, &idle), 0);
}

static void test_attach(void **state)
{
    unit_env *e = *state;
    tagworld w = make_world(e);
    tag_row g = make_tag(e, "Urgent", "1");
    ticket_row t = open_ticket(e, &w, "pending", NULL);
    size_t n0, n;
    (void)events(e, t.id, &n0);

    const int64_t t1 = 1700000050000LL;
    e->cx.now = t1;
    ticket_tag_row link;
    assert_int_equal(ticket_tag_add(&e->cx, t.uuid, g.uuid, &link), ST_OK);
    assert_int_equal(link.created_at, t1);
    assert_int_equal(link.updated_at, t1);
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 1);
    assert_string_equal(ev[n - 1].type, "tag.added");
    assert_non_null(strstr(ev[n - 1].data, g.uuid));
    assert_non_null(strstr(ev[n - 1].data, "Urgent"));
    assert_non_null(strstr(ev[n - 1].data, "\"before\":null"));

    /* again, later: the same link, no new event */
    e->cx.now = t1 + 5000;
    ticket_tag_row again;
    assert_int_equal(ticket_tag_add(&e->cx, t.uuid, g.uuid, &again), ST_OK);
    assert_int_equal(again.created_at, t1);
    assert_int_equal(again.updated_at, t1);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 1);
    (void)events(e, t.id, &n0);
    assert_int_equal(n0, n);
    assert_int_equal(active(e, &g), 1);

    /* a second tag on the same ticket is its own link */
    tag_row g2 = make_tag(e, "Later", "2");
    assert_int_equal(ticket_tag_add(&e->cx, t.uuid, g2.uuid, &link), ST_OK);
    assert_int_equal(link.created_at, t1 + 5000);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 2);

    /* ids: the tag from the body, the ticket from the path */
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_add(&e->cx, t.uuid, unknown, &link), ST_NOT_FOUND, "tagId",
                REASON_BODY_REF);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_add(&e->cx, t.uuid, "bad", &link), ST_INVALID, "tagId", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_add(&e->cx, t.uuid, NULL, &link), ST_INVALID, "tagId", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_add(&e->cx, unknown, g.uuid, &link), ST_NOT_FOUND, "ticket",
                REASON_NONE);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 2);
}

static void test_remove(void **state)
{
    unit_env *e = *state;
    tagworld w = make_world(e);
    tag_row g = make_tag(e, "Urgent", "1"), other = make_tag(e, "Other", "2");
    ticket_row t = open_ticket(e, &w, "pending", NULL);
    ticket_row t2 = open_ticket(e, &w, "pending", NULL);
    ticket_tag_row link;
    assert_int_equal(ticket_tag_add(&e->cx, t2.uuid, other.uuid, &link), ST_OK);
    size_t n0, n;
    (void)events(e, t.id, &n0);

    /* not attached (though attached elsewhere): not found, nothing recorded */
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_remove(&e->cx, t.uuid, other.uuid), ST_NOT_FOUND, "tag", REASON_NONE);
    (void)events(e, t.id, &n);
    assert_int_equal(n, n0);

    assert_int_equal(ticket_tag_add(&e->cx, t.uuid, g.uuid, &link), ST_OK);
    assert_int_equal(ticket_tag_remove(&e->cx, t.uuid, g.uuid), ST_OK);
    event_row *ev = events(e, t.id, &n);
    assert_int_equal(n, n0 + 2);
    assert_string_equal(ev[n - 2].type, "tag.added");
    assert_string_equal(ev[n - 1].type, "tag.removed");
    assert_non_null(strstr(ev[n - 1].data, g.uuid));
    assert_non_null(strstr(ev[n - 1].data, "\"after\":null"));
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 1);
    /* removed already */
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_remove(&e->cx, t.uuid, g.uuid), ST_NOT_FOUND, "tag", REASON_NONE);
    (void)events(e, t.id, &n0);
    assert_int_equal(n0, n);

    /* both ids come from the path: unknown is not found, no body reason */
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_remove(&e->cx, t.uuid, unknown), ST_NOT_FOUND, "tag", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_remove(&e->cx, unknown, g.uuid), ST_NOT_FOUND, "ticket", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_remove(&e->cx, t.uuid, "bad"), ST_INVALID, "id", REASON_NONE);
    /* the other ticket's link is untouched */
    assert_int_equal(active(e, &other), 1);
}

static void test_delete_detaches(void **state)
{
    unit_env *e = *state;
    tagworld w = make_world(e);
    tag_row g = make_tag(e, "Urgent", "1"), keep = make_tag(e, "Keep", "2");
    ticket_row t[2] = {open_ticket(e, &w, "pending", NULL), open_ticket(e, &w, "ongoing", NULL)};
    ticket_tag_row link;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ticket_tag_add(&e->cx, t[i].uuid, g.uuid, &link), ST_OK);
        assert_int_equal(ticket_tag_add(&e->cx, t[i].uuid, keep.uuid, &link), ST_OK);
    }
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 4);
    assert_int_equal(tag_delete(&e->cx, g.uuid), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags"), 2);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM ticket_tags WHERE tag_id = (SELECT "
                                       "id FROM tags WHERE name = 'Keep')"),
                     2);
    tag_row got;
    unit_diag_clear(e);
    assert_diag(e, tag_get(&e->cx, g.uuid, &got), ST_NOT_FOUND, "tag", REASON_NONE);
    assert_int_equal(active(e, &keep), 2);
    /* the deleted tag's id now filters nothing in */
    details_list_in in = {.page = unit_list_in(1, 10), .status = "pending"};
    in.tags = (uuid_list){(const char *[]){g.uuid}, 1};
    ticket_detail_row *rows;
    size_t n;
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 0);
    in.tags = (uuid_list){(const char *[]){keep.uuid}, 1};
    assert_int_equal(ticket_details_list(&e->cx, &in, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    /* and it can no longer be attached or removed */
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_add(&e->cx, t[0].uuid, g.uuid, &link), ST_NOT_FOUND, "tagId",
                REASON_BODY_REF);
    unit_diag_clear(e);
    assert_diag(e, ticket_tag_remove(&e->cx, t[0].uuid, g.uuid), ST_NOT_FOUND, "tag", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, tag_delete(&e->cx, g.uuid), ST_NOT_FOUND, "tag", REASON_NONE);
    /* the tickets are still there */
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t[0].uuid, &d), ST_OK);
    assert_int_equal(ticket_details(&e->cx, t[1].uuid, &d), ST_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_teams),  UNIT_TEST(test_tag_validation), UNIT_TEST(test_active_count),
        UNIT_TEST(test_attach), UNIT_TEST(test_remove),         UNIT_TEST(test_delete_detaches),
    };
    return cmocka_run_group_tests_name("core/tag", tests, NULL, NULL);
}
