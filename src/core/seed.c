/* Bulk loading for the benchmarks; see seed.h. The rows are those the core operations would
 * write (a ticket with its chat, message, reply, tag and ticket.created event in the one
 * vocabulary), inserted directly in large transactions through core_txn. */
#include "core/seed.h"

#include <string.h>

#include "core/ticket.h"
#include "store/store.h"
#include "util/uuid.h"

static const char *const titles[] = {"Billing", "Technical", "Account", "Other"};
#define N_TAGS 20

/* What every batch refers to: made by the first transaction. */
typedef struct {
    const seed_in *in;
    int64_t start; /* ms: the first ticket's time */
    user_row *users;
    contact_row *contacts;
    category_row cats[4];
    int64_t tags[N_TAGS];
    channel_row channel;
    responder_row responder;
    int64_t from, to; /* the batch: tickets [from, to) */
} seed_ctx;

static status seed_people(core_ctx *cx, void *arg)
{
    seed_ctx *s = arg;
    db *c = cx->db;
    int64_t now = cx->now;
    status st = store_channel_builtin(c, cx->ws, "tamio", now, cx->a, &s->channel);
    if (!st) st = store_responder_builtin(c, cx->ws, now, cx->a, &s->responder);
    for (int i = 0; !st && i < N_TAGS; i++) {
        tag_row g = {.name = arena_printf(cx->a, "tag-%d", i),
                     .description = "",
                     .color = arena_printf(cx->a, "%d", i % 10),
                     .created_at = now,
                     .updated_at = now};
        uuid_v4(g.uuid);
        st = store_tag_insert(c, cx->ws, &g);
        s->tags[i] = g.id;
    }
    for (int64_t i = 0; !st && i < s->in->teammates; i++) {
        user_row *u = &s->users[i];
        *u = (user_row){.name = "Teammate",
                        .email = arena_printf(cx->a, "seed-%lld-%lld@example.com", (long long)now,
                                              (long long)i),
                        .role = "agent",
                        .active = true,
                        .created_at = now,
                        .updated_at = now,
                        .last_login = NULL_INT};
        uuid_v4(u->uuid);
        st = store_user_insert(c, cx->ws, u);
    }
    for (int64_t i = 0; !st && i < s->in->clients; i++) {
        contact_row *r = &s->contacts[i];
        *r = (contact_row){.name = "Client",
                           .email = "client@example.com",
                           .plan_id = NULL_INT,
                           .user_id = NULL_INT,
                           .created_at = now,
                           .updated_at = now};
        uuid_v4(r->uuid);
        st = store_contact_insert(c, cx->ws, r);
    }
    for (int i = 0; !st && i < 4; i++) {
        category_row *k = &s->cats[i];
        *k = (category_row){.title = (char *)titles[i],
                            .language = "en",
                            .user_id = NULL_INT,
                            .created_at = now,
                            .updated_at = now};
        uuid_v4(k->uuid);
        st = store_category_insert(c, cx->ws, k);
    }
    return st;
}

static status seed_ticket(core_ctx *cx, seed_ctx *s, int64_t i)
{
    static const ticket_state cycle[] = {TS_NEW, TS_OPEN, TS_INPROGRESS, TS_OPEN, TS_CLOSED};
    db *c = cx->db;
    int64_t at = s->start + i * 1000;
    ticket_state ts = cycle[i % 5];
    const contact_row *client = &s->contacts[(i * 7919) % s->in->clients];
    const user_row *user = &s->users[i % s->in->teammates];
    const category_row *cat = &s->cats[i % 4];
    chat_row chat = {.channel_id = s->channel.id,
                     .contact_id = client->id,
                     .owner_entity = "external-users",
                     .responder_id = s->responder.id,
                     .version_id = s->responder.version_id,
                     .created_at = at,
                     .updated_at = at};
    uuid_v4(chat.uuid);
    status st = store_chat_insert(c, cx->ws, &chat);
    if (st) return st;
    ticket_row t = {
        .chat_id = chat.id,
        .team_id = NULL_INT,
        .circumstance = "handover",
        .ongoing_at = ts == TS_INPROGRESS ? at : NULL_INT,
        .completed_at = state_is_open(ts) ? NULL_INT : at,
        .title = arena_printf(cx->a, "Seeded ticket %lld about %s", (long long)i, titles[i % 4]),
        .description = "Seeded by ticketd seed for the benchmark.",
        .state = (char *)state_name(ts),
        .is_open = state_is_open(ts),
        .category_id = cat->id,
        .user_id = user->id,
        .contact_id = client->id,
        .language = "en",
        .created_at = at,
        .updated_at = at,
        .start_date = NULL_INT,
        .duration = NULL_INT,
        .reminder = NULL_INT,
        /* what ticket.created names */
        .contact_uuid = (char *)client->uuid,
        .user_uuid = (char *)user->uuid,
        .chat_uuid = chat.uuid,
        .category_uuid = (char *)cat->uuid};
    uuid_v4(t.uuid);
    /* The message first: the ticket's search document then reads it in one go. */
    message_row m = {.text =
                         arena_printf(cx->a, "%s kiwi%03lld", t.description, (long long)(i % 1000)),
                     .from_owner = true,
                     .created_at = at};
    uuid_v4(m.uuid);
    st = store_message_insert(c, cx->ws, chat.id, &m);
    if (!st) st = store_ticket_insert(c, cx->ws, &t);
    reply_row r = {.text = t.description,
                   .is_client = true,
                   .user_id = NULL_INT,
                   .contact_id = t.contact_id,
                   .created_at = at};
    uuid_v4(r.uuid);
    if (!st) st = store_reply_insert(c, cx->ws, t.id, &r);
    ticket_tag_row link;
    if (!st) st = store_ticket_tag_add(c, t.id, s->tags[i % N_TAGS], at, &link);
    cx->now = at; /* the event's time is the ticket's */
    if (!st) st = ticket_ev_created(cx, &t);
    return st;
}

static status seed_batch(core_ctx *cx, void *arg)
{
    seed_ctx *s = arg;
    status st = ST_OK;
    for (int64_t i = s->from; !st && i < s->to; i++)
        st = seed_ticket(cx, s, i);
    return st;
}

status core_seed(core_ctx *cx, const seed_in *in)
{
    if (in->teammates < 1 || in->clients < 1 || in->tickets < 0 || in->per_txn < 1)
        return diag_set(cx->d, ST_INVALID, "seed", "needs a teammate, a client and a batch size");
    arena *people = cx->a; /* lives as long as the whole seed */
    int64_t now = cx->now;
    seed_ctx s = {.in = in,
                  .start = now - in->tickets * 1000,
                  .users = ARENA_ARRAY(people, user_row, (size_t)in->teammates),
                  .contacts = ARENA_ARRAY(people, contact_row, (size_t)in->clients)};
    status st = core_txn(cx, seed_people, &s);
    for (int64_t from = 0; !st && from < in->tickets; from += in->per_txn) {
        /* Each batch's strings are written by its COMMIT: a fresh arena per batch. */
        arena *batch = arena_new(1 << 16);
        cx->a = batch;
        s.from = from;
        s.to = from + in->per_txn < in->tickets ? from + in->per_txn : in->tickets;
        st = core_txn(cx, seed_batch, &s);
        cx->a = people;
        cx->now = now;
        arena_free(batch);
    }
    return st;
}
