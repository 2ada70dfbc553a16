/* Tests of core/chat.c (docs/ZAIA.md): channels and responders (validation naming the field,
 * numbered responder versions, a chat takes the current one), chats (ids of the input that name
 * nothing -> ST_NOT_FOUND with REASON_BODY_REF naming the field; an owner that is a platform
 * user; soft removal), messages and the chats.pending counter of schema 003 (owner messages
 * after the last non-owner one), deleting what a chat uses -> ST_CONFLICT, and the chat every
 * Tamio ticket is given (chat_auto: built-in channel and responder). */
#include "unit.h"

#include "core/category.h"
#include "core/chat.h"
#include "core/people.h"
#include "core/ticket.h"
#include "util/limits.h"
#include "util/uuid.h"

/* ---- fixtures ---- */

static contact_row make_contact(unit_env *e, const char *name)
{
    contact_in in = {.name = SET(name), .email = SET("owner@example.com"), .is_blocked = -1};
    contact_row c;
    assert_int_equal(contact_create(&e->cx, &in, &c), ST_OK);
    return c;
}

static channel_row make_channel(unit_env *e, const char *name, const char *type)
{
    channel_in in = {.name = SET(name), .type = SET(type)};
    channel_row c;
    assert_int_equal(channel_create(&e->cx, &in, &c), ST_OK);
    return c;
}

static responder_row make_responder(unit_env *e, const char *entity, const char *name)
{
    responder_in in = {.entity = SET(entity), .name = SET(name)};
    responder_row r;
    assert_int_equal(responder_create(&e->cx, &in, &r), ST_OK);
    return r;
}

static chat_in chat_input(const char *channel, const char *owner, const char *responder)
{
    chat_in in = {
        .channel_id = SET(channel), .owner_id = SET(owner), .responder_id = SET(responder)};
    return in;
}

static chat_row make_chat(unit_env *e, const char *channel, const char *owner,
                          const char *responder)
{
    chat_in in = chat_input(channel, owner, responder);
    chat_row c;
    unit_diag_clear(e);
    assert_int_equal(chat_create(&e->cx, &in, &c), ST_OK);
    return c;
}

typedef struct {
    contact_row owner;
    channel_row channel;
    responder_row responder;
    chat_row chat;
} cworld;

static cworld make_cworld(unit_env *e)
{
    cworld w;
    e->cx.now = 1700000000000LL;
    w.owner = make_contact(e, "Owner");
    w.channel = make_channel(e, "Web", "widget");
    w.responder = make_responder(e, "agents", "Bot");
    w.chat = make_chat(e, w.channel.uuid, w.owner.uuid, w.responder.uuid);
    return w;
}

static chat_row get_chat(unit_env *e, const char *id)
{
    chat_row c;
    assert_int_equal(chat_get(&e->cx, id, &c), ST_OK);
    return c;
}

static void add_message(unit_env *e, const char *chat, const char *text, bool from_owner)
{
    message_row m;
    e->cx.now += 1;
    assert_int_equal(message_create(&e->cx, chat, text, from_owner, &m), ST_OK);
}

/* Expects st naming field with reason. */
static void assert_diag(unit_env *e, status got, status st, const char *field, diag_reason reason)
{
    assert_int_equal(got, st);
    assert_string_equal(e->d.field, field);
    assert_int_equal(e->d.reason, reason);
    assert_true(e->d.msg[0] != '\0');
}

/* ---- channels ---- */

static void test_channels(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000000LL;
    channel_row c;
    const char *types[] = {"widget", "whatsapp", "instagram", "telegram", "email", "api"};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        c = make_channel(e, "C", types[i]);
        assert_string_equal(c.type, types[i]);
    }
    channel_in in = {.name = SET("C"), .type = SET("sms")};
    unit_diag_clear(e);
    assert_diag(e, channel_create(&e->cx, &in, &c), ST_INVALID, "type", REASON_NONE);
    in = (channel_in){.name = SET("C"), .type = SET("Widget")};
    unit_diag_clear(e);
    assert_diag(e, channel_create(&e->cx, &in, &c), ST_INVALID, "type", REASON_NONE);
    in = (channel_in){.type = SET("api")};
    unit_diag_clear(e);
    assert_diag(e, channel_create(&e->cx, &in, &c), ST_INVALID, "name", REASON_NONE);
    in = (channel_in){.name = SET(""), .type = SET("api")};
    unit_diag_clear(e);
    assert_diag(e, channel_create(&e->cx, &in, &c), ST_INVALID, "name", REASON_NONE);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM channels"), 6);

    c = make_channel(e, "Mail", "email");
    assert_true(uuid_parse(c.uuid, NULL));
    e->cx.now += 1000;
    channel_in up = {.name = SET("Inbox")};
    channel_row u;
    assert_int_equal(channel_update(&e->cx, c.uuid, &up, &u), ST_OK);
    assert_int_equal(channel_get(&e->cx, c.uuid, &u), ST_OK);
    assert_string_equal(u.name, "Inbox");
    assert_string_equal(u.type, "email"); /* left out: kept */
    assert_int_equal(u.updated_at, e->cx.now);
    assert_int_equal(u.created_at, c.created_at);

    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    unit_diag_clear(e);
    assert_diag(e, channel_get(&e->cx, unknown, &u), ST_NOT_FOUND, "channel", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, channel_update(&e->cx, unknown, &up, &u), ST_NOT_FOUND, "channel", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, channel_delete(&e->cx, unknown), ST_NOT_FOUND, "channel", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, channel_get(&e->cx, "nope", &u), ST_INVALID, "id", REASON_NONE);

    /* an unused channel deletes */
    assert_int_equal(channel_delete(&e->cx, c.uuid), ST_OK);
    unit_diag_clear(e);
    assert_int_equal(channel_get(&e->cx, c.uuid, &u), ST_NOT_FOUND);
    channel_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 100);
    assert_int_equal(channel_list(&e->cx, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 6);
}

/* ---- responders and versions ---- */

static void test_responder_versions(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    responder_row r = w.responder, got;
    assert_int_equal(r.version_number, 1);
    assert_true(uuid_parse(r.version_uuid, NULL));
    assert_int_equal(responder_get(&e->cx, r.uuid, &got), ST_OK);
    assert_int_equal(got.version_number, 1);
    assert_string_equal(got.version_uuid, r.version_uuid);
    assert_string_equal(got.entity, "agents");
    assert_string_equal(w.chat.version_uuid, r.version_uuid);

    e->cx.now += 1000;
    responder_row v2;
    assert_int_equal(responder_add_version(&e->cx, r.uuid, &v2), ST_OK);
    assert_int_equal(v2.version_number, 2);
    assert_true(uuid_parse(v2.version_uuid, NULL));
    assert_string_not_equal(v2.version_uuid, r.version_uuid);
    assert_true(v2.version_id != r.version_id);
    assert_int_equal(responder_get(&e->cx, r.uuid, &got), ST_OK);
    assert_int_equal(got.version_number, 2);
    assert_string_equal(got.version_uuid, v2.version_uuid);
    assert_int_equal(got.updated_at, e->cx.now);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM responder_versions"), 2);

    /* the chat made before keeps version 1; one made after takes version 2 */
    chat_row old = get_chat(e, w.chat.uuid);
    assert_string_equal(old.version_uuid, r.version_uuid);
    chat_row c = make_chat(e, w.channel.uuid, w.owner.uuid, r.uuid);
    assert_string_equal(c.version_uuid, v2.version_uuid);
    assert_string_equal(get_chat(e, c.uuid).version_uuid, v2.version_uuid);

    responder_row v3;
    assert_int_equal(responder_add_version(&e->cx, r.uuid, &v3), ST_OK);
    assert_int_equal(v3.version_number, 3);
    assert_string_not_equal(v3.version_uuid, v2.version_uuid);

    /* changing a chat's responder brings that responder's current version */
    responder_row other = make_responder(e, "squads", "Squad");
    chat_in up = {.responder_id = SET(other.uuid)};
    chat_row u;
    assert_int_equal(chat_update(&e->cx, old.uuid, &up, &u), ST_OK);
    u = get_chat(e, old.uuid);
    assert_string_equal(u.responder_uuid, other.uuid);
    assert_string_equal(u.version_uuid, other.version_uuid);
    up = (chat_in){.responder_id = SET(r.uuid)};
    assert_int_equal(chat_update(&e->cx, old.uuid, &up, &u), ST_OK);
    assert_string_equal(get_chat(e, old.uuid).version_uuid, v3.version_uuid);

    /* validation and unknown ids */
    responder_in bad = {.entity = SET("bots"), .name = SET("x")};
    unit_diag_clear(e);
    assert_diag(e, responder_create(&e->cx, &bad, &got), ST_INVALID, "entity", REASON_NONE);
    bad = (responder_in){.entity = SET("workflows")};
    unit_diag_clear(e);
    assert_diag(e, responder_create(&e->cx, &bad, &got), ST_INVALID, "name", REASON_NONE);
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    unit_diag_clear(e);
    assert_diag(e, responder_add_version(&e->cx, unknown, &got), ST_NOT_FOUND, "responder",
                REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, responder_get(&e->cx, unknown, &got), ST_NOT_FOUND, "responder", REASON_NONE);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM responder_versions"), 4);
}

/* ---- chats ---- */

static void test_chat_create(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    chat_row c = w.chat;
    assert_true(uuid_parse(c.uuid, NULL));
    assert_string_equal(c.channel_uuid, w.channel.uuid);
    assert_string_equal(c.owner_uuid, w.owner.uuid);
    assert_string_equal(c.owner_entity, "external-users");
    assert_string_equal(c.responder_uuid, w.responder.uuid);
    assert_false(c.is_removed);
    assert_null(c.summary);
    chat_row got = get_chat(e, c.uuid);
    assert_int_equal(got.id, c.id);
    assert_string_equal(got.owner_uuid, w.owner.uuid);
    assert_string_equal(got.owner_entity, "external-users");
    assert_int_equal(got.pending, 0);

    chat_in in = chat_input(w.channel.uuid, w.owner.uuid, w.responder.uuid);
    in.summary = (opt_str)SET("About printers");
    assert_int_equal(chat_create(&e->cx, &in, &c), ST_OK);
    assert_string_equal(get_chat(e, c.uuid).summary, "About printers");
    chat_in up = {.summary = SET("Changed")};
    assert_int_equal(chat_update(&e->cx, c.uuid, &up, &got), ST_OK);
    got = get_chat(e, c.uuid);
    assert_string_equal(got.summary, "Changed");
    assert_string_equal(got.responder_uuid, w.responder.uuid);
    chat_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 100);
    assert_int_equal(chat_list(&e->cx, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
}

static void test_chat_refs(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    int64_t before = unit_count(e->db, "SELECT count(*) FROM chats");
    chat_row c;
    chat_in in = chat_input(unknown, w.owner.uuid, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_NOT_FOUND, "channelId", REASON_BODY_REF);
    in = chat_input(w.channel.uuid, unknown, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_NOT_FOUND, "ownerId", REASON_BODY_REF);
    in = chat_input(w.channel.uuid, w.owner.uuid, unknown);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_NOT_FOUND, "responderId", REASON_BODY_REF);
    /* ids of another kind name nothing either */
    in = chat_input(w.responder.uuid, w.owner.uuid, w.channel.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_NOT_FOUND, "channelId", REASON_BODY_REF);
    in = chat_input(w.channel.uuid, w.channel.uuid, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_NOT_FOUND, "ownerId", REASON_BODY_REF);

    /* malformed or missing: invalid, no body reason */
    in = chat_input("x", w.owner.uuid, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_INVALID, "channelId", REASON_NONE);
    in = chat_input(w.channel.uuid, "x", w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_INVALID, "ownerId", REASON_NONE);
    in = chat_input(w.channel.uuid, w.owner.uuid, "x");
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_INVALID, "responderId", REASON_NONE);
    in = chat_input(w.channel.uuid, NULL, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_INVALID, "ownerId", REASON_NONE);
    in = chat_input(w.channel.uuid, w.owner.uuid, NULL);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_INVALID, "responderId", REASON_NONE);
    in = chat_input(NULL, w.owner.uuid, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_INVALID, "channelId", REASON_NONE);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM chats"), before);

    /* update: an unknown responder names the field; channel and owner are fixed */
    chat_in up = {.responder_id = SET(unknown)};
    unit_diag_clear(e);
    assert_diag(e, chat_update(&e->cx, w.chat.uuid, &up, &c), ST_NOT_FOUND, "responderId",
                REASON_BODY_REF);
    up = (chat_in){.responder_id = NUL};
    unit_diag_clear(e);
    assert_diag(e, chat_update(&e->cx, w.chat.uuid, &up, &c), ST_INVALID, "responderId",
                REASON_NONE);
    up = (chat_in){.channel_id = SET(w.channel.uuid)};
    unit_diag_clear(e);
    assert_diag(e, chat_update(&e->cx, w.chat.uuid, &up, &c), ST_INVALID, "channelId", REASON_NONE);
    up = (chat_in){.owner_id = SET(w.owner.uuid)};
    unit_diag_clear(e);
    assert_diag(e, chat_update(&e->cx, w.chat.uuid, &up, &c), ST_INVALID, "ownerId", REASON_NONE);

    /* an unknown chat in the path */
    up = (chat_in){.summary = SET("x")};
    unit_diag_clear(e);
    assert_diag(e, chat_update(&e->cx, unknown, &up, &c), ST_NOT_FOUND, "chat", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, chat_get(&e->cx, unknown, &c), ST_NOT_FOUND, "chat", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, chat_remove(&e->cx, unknown), ST_NOT_FOUND, "chat", REASON_NONE);
    message_row m;
    unit_diag_clear(e);
    assert_diag(e, message_create(&e->cx, unknown, "hi", true, &m), ST_NOT_FOUND, "chat",
                REASON_NONE);
    message_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 10);
    unit_diag_clear(e);
    assert_diag(e, message_list(&e->cx, unknown, &li, &rows, &n), ST_NOT_FOUND, "chat",
                REASON_NONE);
    /* chat_resolve: the same id from the input */
    unit_diag_clear(e);
    assert_diag(e, chat_resolve(&e->cx, "chatId", unknown, &c), ST_NOT_FOUND, "chatId",
                REASON_BODY_REF);
    unit_diag_clear(e);
    assert_int_equal(chat_resolve(&e->cx, "chatId", w.chat.uuid, &c), ST_OK);
    assert_int_equal(c.id, w.chat.id);

    /* another workspace's objects name nothing */
    ws_row other;
    assert_int_equal(workspace_create(e->db, "other", e->a, &other, &e->d), ST_OK);
    e->cx.ws = other.id;
    in = chat_input(w.channel.uuid, w.owner.uuid, w.responder.uuid);
    unit_diag_clear(e);
    assert_diag(e, chat_create(&e->cx, &in, &c), ST_NOT_FOUND, "channelId", REASON_BODY_REF);
    unit_diag_clear(e);
    assert_diag(e, chat_get(&e->cx, w.chat.uuid, &c), ST_NOT_FOUND, "chat", REASON_NONE);
    e->cx.ws = e->ws.id;
}

/* A platform user as the owner: ownerEntity users, one standing contact however many chats. */
static void test_chat_user_owner(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    user_row u = unit_user(e, "Uma", "uma@example.com");
    chat_row c1 = make_chat(e, w.channel.uuid, u.uuid, w.responder.uuid);
    assert_string_equal(c1.owner_entity, "users");
    assert_string_equal(c1.owner_uuid, u.uuid);
    chat_row got = get_chat(e, c1.uuid);
    assert_string_equal(got.owner_entity, "users");
    assert_string_equal(got.owner_uuid, u.uuid);
    chat_row c2 = make_chat(e, w.channel.uuid, u.uuid, w.responder.uuid);
    assert_int_equal(c2.contact_id, c1.contact_id);
    assert_string_equal(c2.owner_entity, "users"); /* the second chat too */
    assert_string_equal(get_chat(e, c2.uuid).owner_entity, "users");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM contacts WHERE user_id IS NOT NULL"),
                     1);
    /* the standing contact is no external user */
    contact_row *rows;
    size_t n;
    int64_t total;
    list_in li = unit_list_in(1, 100);
    assert_int_equal(contact_list(&e->cx, &li, &rows, &n, &total), ST_OK);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].uuid, w.owner.uuid);
    contact_row gc;
    unit_diag_clear(e);
    assert_int_equal(contact_get(&e->cx, u.uuid, &gc), ST_NOT_FOUND);
    unit_diag_clear(e);
    assert_int_equal(contact_delete(&e->cx, u.uuid), ST_NOT_FOUND);

    /* it follows the user (schema trigger user_contact) */
    user_in ui = {.name = SET("Umberta"), .email = SET("umberta@example.com")};
    user_row u2;
    e->cx.now += 1000;
    assert_int_equal(user_update(&e->cx, u.uuid, &ui, &u2), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM contacts WHERE user_id IS NOT NULL "
                                       "AND name = 'Umberta' AND email = 'umberta@example.com'"),
                     1);
    /* a ticket on that chat names the user as its owner */
    ticket_open_in ti = {.chat_id = c1.uuid, .assignee_id = u.uuid, .status = "pending"};
    ti.team_id = (opt_str)NUL;
    ticket_row t;
    assert_int_equal(ticket_open(&e->cx, &ti, &t), ST_OK);
    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_string_equal(d.owner_uuid, u.uuid);
    assert_string_equal(d.owner_entity, "users");
    assert_string_equal(d.owner_name, "Umberta");
    assert_string_equal(d.owner_email, "umberta@example.com");
}

static void test_chat_remove(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    e->cx.now += 1000;
    assert_int_equal(chat_remove(&e->cx, w.chat.uuid), ST_OK);
    chat_row got = get_chat(e, w.chat.uuid); /* still answered */
    assert_true(got.is_removed);
    assert_int_equal(got.updated_at, e->cx.now);
    int64_t at = e->cx.now;
    e->cx.now += 1000;
    assert_int_equal(chat_remove(&e->cx, w.chat.uuid), ST_OK); /* again: no change */
    got = get_chat(e, w.chat.uuid);
    assert_true(got.is_removed);
    assert_int_equal(got.updated_at, at);
    /* a removed chat still takes messages and tickets */
    add_message(e, w.chat.uuid, "hello", true);
    assert_int_equal(get_chat(e, w.chat.uuid).pending, 1);
}

/* ---- messages and the pending counter ---- */

static void test_pending(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    user_row agent = unit_user(e, "Agent", "agent@example.com");
    ticket_open_in ti = {.chat_id = w.chat.uuid, .assignee_id = agent.uuid, .status = "pending"};
    ti.team_id = (opt_str)NUL;
    ticket_row t;
    assert_int_equal(ticket_open(&e->cx, &ti, &t), ST_OK);
    ticket_detail_row d;

    assert_int_equal(get_chat(e, w.chat.uuid).pending, 0);
    add_message(e, w.chat.uuid, "one", true);
    add_message(e, w.chat.uuid, "two", true);
    assert_int_equal(get_chat(e, w.chat.uuid).pending, 2);
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 2);
    add_message(e, w.chat.uuid, "answer", false);
    assert_int_equal(get_chat(e, w.chat.uuid).pending, 0);
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 0);
    add_message(e, w.chat.uuid, "three", true);
    assert_int_equal(get_chat(e, w.chat.uuid).pending, 1);
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_int_equal(d.pending, 1);
    add_message(e, w.chat.uuid, "again", false);
    add_message(e, w.chat.uuid, "and again", false);
    assert_int_equal(get_chat(e, w.chat.uuid).pending, 0);
    /* the counter agrees with its definition */
    assert_int_equal(
        get_chat(e, w.chat.uuid).pending,
        unit_count(e->db, "SELECT count(*) FROM messages m WHERE m.from_owner = 1 AND m.id > "
                          "coalesce((SELECT max(id) FROM messages WHERE from_owner = 0), 0)"));
    /* another chat's messages do not count */
    chat_row other = make_chat(e, w.channel.uuid, w.owner.uuid, w.responder.uuid);
    add_message(e, other.uuid, "elsewhere", true);
    assert_int_equal(get_chat(e, w.chat.uuid).pending, 0);
    assert_int_equal(get_chat(e, other.uuid).pending, 1);
}

static void test_messages(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    message_row m;
    e->cx.now = 1700000001000LL;
    assert_int_equal(message_create(&e->cx, w.chat.uuid, "first", true, &m), ST_OK);
    assert_true(uuid_parse(m.uuid, NULL));
    assert_string_equal(m.chat_uuid, w.chat.uuid);
    assert_string_equal(m.text, "first");
    assert_true(m.from_owner);
    assert_int_equal(m.created_at, 1700000001000LL);
    e->cx.now = 1700000002000LL;
    assert_int_equal(message_create(&e->cx, w.chat.uuid, "second", false, &m), ST_OK);
    assert_false(m.from_owner);
    e->cx.now = 1700000003000LL;
    assert_int_equal(message_create(&e->cx, w.chat.uuid, "third", true, &m), ST_OK);

    unit_diag_clear(e);
    assert_diag(e, message_create(&e->cx, w.chat.uuid, "", true, &m), ST_INVALID, "text",
                REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, message_create(&e->cx, w.chat.uuid, NULL, true, &m), ST_INVALID, "text",
                REASON_NONE);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM messages"), 3);

    /* oldest first, paged */
    message_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 10);
    li.desc = true; /* ignored: a conversation reads oldest first */
    assert_int_equal(message_list(&e->cx, w.chat.uuid, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].text, "first");
    assert_string_equal(rows[1].text, "second");
    assert_string_equal(rows[2].text, "third");
    assert_true(rows[0].from_owner);
    assert_false(rows[1].from_owner);
    assert_string_equal(rows[2].chat_uuid, w.chat.uuid);
    li = unit_list_in(2, 2);
    assert_int_equal(message_list(&e->cx, w.chat.uuid, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].text, "third");
}

/* ---- deleting what a chat uses ---- */

static void test_delete_conflicts(void **state)
{
    unit_env *e = *state;
    cworld w = make_cworld(e);
    user_row u = unit_user(e, "Uma", "uma@example.com");
    (void)make_chat(e, w.channel.uuid, u.uuid, w.responder.uuid);

    unit_diag_clear(e);
    assert_int_equal(channel_delete(&e->cx, w.channel.uuid), ST_CONFLICT);
    assert_string_equal(e->d.field, "channel");
    unit_diag_clear(e);
    assert_int_equal(responder_delete(&e->cx, w.responder.uuid), ST_CONFLICT);
    assert_string_equal(e->d.field, "responder");
    unit_diag_clear(e);
    assert_int_equal(user_delete(&e->cx, u.uuid), ST_CONFLICT);
    unit_diag_clear(e);
    assert_int_equal(contact_delete(&e->cx, w.owner.uuid), ST_CONFLICT);
    /* all still there */
    channel_row ch;
    responder_row r;
    user_row gu;
    contact_row gc;
    assert_int_equal(channel_get(&e->cx, w.channel.uuid, &ch), ST_OK);
    assert_int_equal(responder_get(&e->cx, w.responder.uuid, &r), ST_OK);
    assert_int_equal(user_get(&e->cx, u.uuid, &gu), ST_OK);
    assert_int_equal(contact_get(&e->cx, w.owner.uuid, &gc), ST_OK);
    /* a removed chat still uses them */
    assert_int_equal(chat_remove(&e->cx, w.chat.uuid), ST_OK);
    assert_int_equal(channel_delete(&e->cx, w.channel.uuid), ST_CONFLICT);
    assert_int_equal(contact_delete(&e->cx, w.owner.uuid), ST_CONFLICT);

    /* unused ones delete, a responder with every version */
    channel_row ch2 = make_channel(e, "Spare", "api");
    responder_row r2 = make_responder(e, "workflows", "Flow");
    responder_row v;
    assert_int_equal(responder_add_version(&e->cx, r2.uuid, &v), ST_OK);
    user_row u2 = unit_user(e, "Spare", "spare@example.com");
    contact_row c2 = make_contact(e, "Spare");
    int64_t versions = unit_count(e->db, "SELECT count(*) FROM responder_versions");
    assert_int_equal(channel_delete(&e->cx, ch2.uuid), ST_OK);
    assert_int_equal(responder_delete(&e->cx, r2.uuid), ST_OK);
    assert_int_equal(user_delete(&e->cx, u2.uuid), ST_OK);
    assert_int_equal(contact_delete(&e->cx, c2.uuid), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM responder_versions"), versions - 2);
    unit_diag_clear(e);
    assert_diag(e, responder_get(&e->cx, r2.uuid, &r), ST_NOT_FOUND, "responder", REASON_NONE);
    unit_diag_clear(e);
    assert_diag(e, channel_get(&e->cx, ch2.uuid, &ch), ST_NOT_FOUND, "channel", REASON_NONE);
}

/* ---- the chat of a Tamio ticket ---- */

static void test_tamio_chat(void **state)
{
    unit_env *e = *state;
    e->cx.now = 1700000000000LL;
    contact_row client = make_contact(e, "Client");
    user_row agent = unit_user(e, "Agent", "agent@example.com");
    category_in ci = {.title = SET("Support"),
                      .language = SET("en"),
                      .auto_reply = SET("Thanks, on it"),
                      .teammate_id = SET(agent.uuid)};
    category_row cat;
    assert_int_equal(category_create(&e->cx, &ci, &cat), ST_OK);
    ticket_create_in in = {
        .client_id = client.uuid, .title = "Printer", .description = "Jam", .category = cat.uuid};
    ticket_row t, t2;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_non_null(t.chat_uuid);
    chat_row c = get_chat(e, t.chat_uuid);
    assert_int_equal(c.id, t.chat_id);
    assert_string_equal(c.owner_uuid, client.uuid);
    assert_string_equal(c.owner_entity, "external-users");
    assert_string_equal(c.summary, "Printer");
    assert_int_equal(c.pending, 0); /* the automated reply answered the description */

    ticket_detail_row d;
    assert_int_equal(ticket_details(&e->cx, t.uuid, &d), ST_OK);
    assert_string_equal(d.channel_name, "tamio");
    assert_string_equal(d.channel_type, "api");
    assert_string_equal(d.responder_name, "ticketd");
    assert_string_equal(d.responder_entity, "agents");
    assert_int_equal(d.version_number, 1);
    assert_non_null(d.version_uuid);
    assert_string_equal(d.summary, "Printer");
    assert_string_equal(d.state, "new");
    assert_string_equal(d.owner_uuid, client.uuid);
    assert_string_equal(d.assignee_uuid, agent.uuid);

    message_row *rows;
    size_t n;
    list_in li = unit_list_in(1, 10);
    assert_int_equal(message_list(&e->cx, t.chat_uuid, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].text, "Jam");
    assert_true(rows[0].from_owner);
    assert_string_equal(rows[1].text, "Thanks, on it");
    assert_false(rows[1].from_owner);

    /* a second ticket: its own chat, on the same built-in channel and responder */
    in.title = "Second";
    assert_int_equal(ticket_create(&e->cx, &in, &t2), ST_OK);
    assert_string_not_equal(t2.chat_uuid, t.chat_uuid);
    chat_row c2 = get_chat(e, t2.chat_uuid);
    assert_string_equal(c2.channel_uuid, c.channel_uuid);
    assert_string_equal(c2.responder_uuid, c.responder_uuid);
    assert_string_equal(c2.version_uuid, c.version_uuid);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM channels"), 1);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM responders"), 1);

    /* replies are the chat's messages: an agent's is not the owner's */
    ticket_row out;
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "Client again", NULL, 0, true, &out), ST_OK);
    assert_int_equal(get_chat(e, t.chat_uuid).pending, 1);
    assert_int_equal(ticket_reply(&e->cx, t.uuid, "Agent answer", NULL, 0, false, &out), ST_OK);
    assert_int_equal(get_chat(e, t.chat_uuid).pending, 0);
    assert_int_equal(message_list(&e->cx, t.chat_uuid, &li, &rows, &n), ST_OK);
    assert_int_equal(n, 4);
    assert_string_equal(rows[3].text, "Agent answer");
    assert_false(rows[3].from_owner);

    /* the built-in channel and responder are in use, so they stay */
    assert_int_equal(channel_delete(&e->cx, c.channel_uuid), ST_CONFLICT);
    assert_int_equal(responder_delete(&e->cx, c.responder_uuid), ST_CONFLICT);
    assert_int_equal(contact_delete(&e->cx, client.uuid), ST_CONFLICT);
}

/* A failed Tamio create leaves no chat, channel or responder behind. */
static void test_tamio_failed_create_leaves_no_chat(void **state)
{
    unit_env *e = *state;
    contact_row client = make_contact(e, "Client");
    category_in ci = {.title = SET("Support"), .language = SET("en")};
    category_row cat;
    assert_int_equal(category_create(&e->cx, &ci, &cat), ST_OK);
    char unknown[UUID_STR_LEN + 1];
    uuid_v4(unknown);
    const char *assets[] = {unknown};
    ticket_create_in in = {.client_id = client.uuid,
                           .title = "T",
                           .description = "D",
                           .category = cat.uuid,
                           .assets = assets,
                           .n_assets = 1};
    ticket_row t;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_NOT_FOUND);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM chats"), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM messages"), 0);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM tickets"), 0);
    in.n_assets = 0;
    assert_int_equal(ticket_create(&e->cx, &in, &t), ST_OK);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM chats"), 1);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM messages"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_channels),
        UNIT_TEST(test_responder_versions),
        UNIT_TEST(test_chat_create),
        UNIT_TEST(test_chat_refs),
        UNIT_TEST(test_chat_user_owner),
        UNIT_TEST(test_chat_remove),
        UNIT_TEST(test_pending),
        UNIT_TEST(test_messages),
        UNIT_TEST(test_delete_conflicts),
        UNIT_TEST(test_tamio_chat),
        UNIT_TEST(test_tamio_failed_create_leaves_no_chat),
    };
    return cmocka_run_group_tests_name("core/chat", tests, NULL, NULL);
}
