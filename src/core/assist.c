/* Video-assistance tickets; see assist.h. Owns Apizee's rules: the requestor (its addresses
 * checked and kept on a client row), the agent named by id, email or username, the group, the
 * schedule, the `type` that may name a category, the access rule for users acting through a
 * token, and the list's filters. Ticket rows, events and states are core/ticket.c's. */
#include "core/assist.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/chat.h"
#include "core/notify.h"
#include "core/policy.h"
#include "core/ticket.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/text.h"

#define DEFAULT_REMINDER_MIN 30

bool assist_is_e164(const char *s)
{
    if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
    size_t n = 0;
    for (const char *p = s + 1; *p; p++, n++)
        if (*p < '0' || *p > '9') return false;
    return n >= 7 && n <= 15;
}

bool assist_is_service_key(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))) return false;
    return n == 32;
}

size_t assist_split(arena *a, const char *list, const char ***out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (e > b) {
            *out = arena_grow(a, *out, &cap, n, sizeof **out);
            (*out)[n++] = arena_strndup(a, b, (size_t)(e - b));
        }
        p = comma ? comma + 1 : end;
    }
    return n;
}

status assist_range(diag *d, const char *field, opt_int v, int64_t lo, int64_t hi, int64_t *out)
{
    *out = NULL_INT;
    if (!v.set) return ST_OK;
    if (v.v < lo || v.v > hi)
        return diag_set(d, ST_INVALID, field, "must be an integer from %lld to %lld", (long long)lo,
                        (long long)hi);
    *out = v.v;
    return ST_OK;
}

status assist_paging(diag *d, opt_int limit, opt_int offset, int64_t dflt, int64_t max,
                     int64_t *lim, int64_t *off)
{
    status st = assist_range(d, "limit", limit, 1, max, lim);
    if (!st) st = assist_range(d, "offset", offset, 0, INT32_MAX, off);
    if (*lim == NULL_INT) *lim = dflt;
    if (*off == NULL_INT) *off = 0;
    return st;
}

static status find_agent(core_ctx *cx, const char *key, user_row *out)
{
    status st = check_text(cx->d, "agent", key, true, LIMIT_EMAIL_CHARS);
    if (st) return st;
    return body_found(cx->d, "agent", store_user_find(cx->db, cx->ws, key, cx->a, out));
}

static status find_group(core_ctx *cx, const char *id, team_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "group", id, uuid);
    if (st) return st;
    return body_found(cx->d, "group", store_team_get(cx->db, cx->ws, uuid, cx->a, out));
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* ---- create ---- */

typedef struct {
    const char **emails, **phones;
    size_t n_emails, n_phones;
    int64_t start_date, duration, reminder;
    bool send_invitation, invite_organizer;
    user_row agent;
    team_row group;
    int64_t category_id;
} checked_in;

static status check_create(core_ctx *cx, const assist_in *in, checked_in *c)
{
    diag *d = cx->d;
    status st = ST_OK;
    c->n_emails = assist_split(cx->a, in->email, &c->emails);
    c->n_phones = assist_split(cx->a, in->phone, &c->phones);
    /* each address may get an invitation and a reminder: one request must not queue thousands */
    if (c->n_emails + c->n_phones > LIMIT_RECIPIENTS)
        st = diag_set(d, ST_INVALID, c->n_emails > LIMIT_RECIPIENTS ? "email" : "phone",
                      "takes at most %d recipients (email and phone together)", LIMIT_RECIPIENTS);
    for (size_t i = 0; !st && i < c->n_emails; i++)
        st = check_email(d, "email", c->emails[i], true);
    for (size_t i = 0; !st && i < c->n_phones; i++)
        if (!assist_is_e164(c->phones[i]))
            st = diag_set(d, ST_INVALID, "phone",
                          "must be E.164 numbers separated by commas, e.g. +33612345678");
    if (!st && !c->n_emails && !c->n_phones)
        st = diag_set(d, ST_INVALID, "email", "or phone is required");
    if (!st) st = check_text(d, "name", in->name, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "firstname", in->firstname, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "company", in->company, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "gender", in->gender, false, 32);
    if (!st && in->country) st = check_country(d, "country", arena_strdup(cx->a, in->country));
    if (!st) st = check_language(d, "language", in->language, false);
    if (!st) st = check_text(d, "type", in->type, false, LIMIT_CALL_TYPE_CHARS);
    if (!st) st = check_text(d, "subject", in->subject, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "reference", in->reference, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "description", in->description, false, LIMIT_TEXT_CHARS);
    if (!st && in->service_key && !assist_is_service_key(in->service_key))
        st = diag_set(d, ST_INVALID, "service_key", "must be 32 lower-case letters or digits");
    c->send_invitation = in->send_invitation.set && in->send_invitation.v;
    c->invite_organizer = !in->invite_organizer.set || in->invite_organizer.v;
    c->start_date = in->start_date.set ? in->start_date.v : NULL_INT;
    if (!st) st = assist_range(d, "duration", in->duration, 0, LIMIT_CALL_MINUTES, &c->duration);
    if (!st) st = assist_range(d, "reminder", in->reminder, 0, LIMIT_CALL_MINUTES, &c->reminder);
    if (!st) st = check_text(d, "scopes", in->scopes, false, LIMIT_NAME_CHARS);
    if (st) return st;
    if (c->reminder == NULL_INT) c->reminder = DEFAULT_REMINDER_MIN;
    c->agent.id = c->group.id = c->category_id = NULL_INT;
    if (in->agent && *in->agent && (st = find_agent(cx, in->agent, &c->agent))) return st;
    if (in->group && *in->group && (st = find_group(cx, in->group, &c->group))) return st;
    if (in->type && (st = store_category_by_title(cx->db, cx->ws, in->type, &c->category_id)))
        return st == ST_NOT_FOUND ? ST_OK : st;
    return ST_OK;
}

/* The requestor's client row: the one with its first email (else first phone), updated with
 * what this request says of it, or a new one. */
static status requestor(core_ctx *cx, const assist_in *in, const checked_in *c, contact_row *out)
{
    const char *email = c->n_emails ? c->emails[0] : NULL;
    const char *phone = c->n_phones ? c->phones[0] : NULL;
    status st = store_contact_find(cx->db, cx->ws, email, phone, cx->a, out);
    bool found = st == ST_OK;
    if (st && st != ST_NOT_FOUND) return st;
    const char *name = in->name ? in->name : in->firstname ? in->firstname : email ? email : phone;
    if (!found) {
        *out = (contact_row){.plan_id = NULL_INT, .user_id = NULL_INT, .created_at = cx->now};
        uuid_v4(out->uuid);
        out->name = (char *)name;
    } else if (in->name) {
        out->name = (char *)in->name;
    }
    if (email && !out->email) out->email = (char *)email;
    if (phone) out->phone = (char *)phone;
    if (in->country) {
        out->country = arena_strdup(cx->a, in->country);
        out->country[0] = (char)toupper((unsigned char)out->country[0]);
        out->country[1] = (char)toupper((unsigned char)out->country[1]);
    }
    if (in->firstname) out->firstname = (char *)in->firstname;
    if (in->company) out->company = (char *)in->company;
    if (in->gender) out->gender = (char *)in->gender;
    out->updated_at = cx->now;
    st = found ? store_contact_update(cx->db, cx->ws, out)
               : store_contact_insert(cx->db, cx->ws, out);
    return st ? st : store_contact_set_requestor(cx->db, cx->ws, out);
}

/* What a create's write needs: the input and the templates read before it. */
typedef struct {
    const assist_in *in;
    const notify_templates *templates;
} create_arg;

/* Queues what the ticket asks for: invitations and the reminder (core/notify.c). */
static status invite(core_ctx *cx, const create_arg *in, const ticket_row *t, const checked_in *c,
                     const contact_row *client)
{
    notify_in n = {
        .t = t,
        .emails = c->emails,
        .phones = c->phones,
        .n_emails = c->n_emails,
        .n_phones = c->n_phones,
        .requestor_name = client->name,
        .agent = c->agent.id != NULL_INT && c->invite_organizer ? &c->agent : NULL,
        .templates = in->templates,
        .send_invitation = c->send_invitation,
        .reminder_min = c->reminder,
    };
    return notify_queue(cx, &n);
}

static status do_create(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    const create_arg *arg = w->in;
    const assist_in *in = arg->in;
    ticket_row *t = w->out;
    checked_in c;
    contact_row client;
    chat_row chat;
    message_row first;
    status st = check_create(cx, in, &c);
    if (!st) st = requestor(cx, in, &c, &client);
    const char *title = in->subject ? in->subject : "";
    const char *description = in->description ? in->description : "";
    if (!st) st = chat_auto(cx, "apizee", &client, title, &chat);
    /* The description opens the chat (and the ticket's replies) as the requestor's words. */
    if (!st && *description) st = chat_add_message(cx, chat.id, description, true, &first);
    if (st) return st;

    *t = (ticket_row){
        .id = chat.ticket_id, /* 0, or handed out with the chat: see store_ticket_insert */
        .title = (char *)title,
        .description = (char *)description,
        .state = (char *)state_name(TS_NEW),
        .is_open = true,
        .category_id = c.category_id,
        .user_id = c.agent.id,
        .contact_id = client.id,
        .chat_id = chat.id,
        .team_id = c.group.id,
        .language = (char *)in->language,
        .circumstance = "handover",
        .created_at = cx->now,
        .updated_at = cx->now,
        .ongoing_at = NULL_INT,
        .completed_at = NULL_INT,
        .last_viewed_at = NULL_INT,
        .reference = (char *)in->reference,
        .type = (char *)in->type,
        .service_key = (char *)in->service_key,
        .start_date = c.start_date,
        .duration = c.duration,
        .reminder = c.reminder,
        .send_invitation = c.send_invitation,
    };
    uuid_v4(t->uuid);
    if ((st = store_ticket_insert(cx->db, cx->ws, t))) return st;
    if ((st = store_ticket_set_schedule(cx->db, cx->ws, t))) return st;
    /* The row as any read shows it (joins included): the event's uuids and the answer. */
    if ((st = store_ticket_get(cx->db, cx->ws, t->uuid, cx->a, t))) return st;
    if ((st = ticket_ev_created(cx, t))) return st;
    if (*description) {
        reply_row r;
        st = ticket_add_reply(cx, t, &r, description, true, NULL_INT, NULL, 0, true);
    }
    return st ? st : invite(cx, arg, t, &c, &client);
}

status assist_create(core_ctx *cx, const assist_in *in, ticket_row *out)
{
    /* Template files are read (and checked, even when nothing is sent) before the write: no
     * file I/O on the single writer thread. */
    notify_templates templates;
    status st = notify_templates_load(cx, in->requestor_template, in->agent_template, &templates);
    if (st) return st;
    create_arg arg = {in, &templates};
    write_arg w = {NULL, &arg, out};
    return core_txn(cx, do_create, &w);
}

/* ---- read, change, delete ---- */

status assist_get(core_ctx *cx, const char *id, ticket_row *out, int64_t *medias)
{
    status st = ticket_load(cx, "id", id, out);
    int64_t *counts;
    if (!st) st = store_media_counts(cx->db, out, 1, cx->a, &counts);
    if (!st) *medias = counts[0];
    return st;
}

const char *assist_type(const ticket_row *t)
{
    return t->type ? t->type : t->category_title;
}

static status do_update(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    const assist_patch *in = w->in;
    diag *d = cx->d;
    ticket_row t;
    status st = ticket_load(cx, "id", w->id, &t);
    if (!st) st = check_text(d, "subject", in->subject.v, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "description", in->description.v, false, LIMIT_TEXT_CHARS);
    if (!st) st = check_text(d, "reference", in->reference.v, false, LIMIT_NAME_CHARS);
    int state = -1;
    if (!st && in->state.set && (state = state_parse(in->state.v)) < 0)
        st = diag_set(d, ST_INVALID, "state",
                      "must be one of new, open, invited, inprogress, done, closed, rejected, "
                      "declined, expired, cancelled");
    if (st) return st;

    bool changed = false, moved = false, assigned = false;
    evdata e;
    ev_init(&e);
    if (in->subject.set && in->subject.v && strcmp(t.title, in->subject.v)) {
        ticket_ev_str(&e, TF_TITLE, t.title, in->subject.v);
        t.title = (char *)in->subject.v;
        changed = true;
    }
    if (in->description.set && in->description.v && strcmp(t.description, in->description.v)) {
        ticket_ev_str(&e, TF_DESCRIPTION, t.description, in->description.v);
        t.description = (char *)in->description.v;
        changed = true;
    }
    const char *ref = in->reference.v && *in->reference.v ? in->reference.v : NULL;
    if (in->reference.set && !same_text(t.reference, ref)) {
        ticket_ev_str(&e, TF_REFERENCE, t.reference, ref);
        t.reference = (char *)ref;
        changed = true;
    }
    if (in->group.set) {
        team_row g = {.id = NULL_INT};
        if (in->group.v && *in->group.v && (st = find_group(cx, in->group.v, &g))) goto out;
        if (g.id != t.team_id) {
            ticket_ev_str(&e, TF_TEAM, t.team_uuid, g.id != NULL_INT ? g.uuid : NULL);
            t.team_id = g.id;
            changed = true;
        }
    }
    if (in->agent.set) {
        user_row u;
        bool some = in->agent.v && *in->agent.v;
        if (some && (st = find_agent(cx, in->agent.v, &u))) goto out;
        if ((st = ticket_set_user(cx, &t, some ? &u : NULL, &assigned))) goto out;
    }
    if (changed && (st = ev_commit(cx, t.id, "ticket.updated", &e))) return st;
    if (!changed) ev_discard(&e);
    if (state >= 0) {
        evdata se;
        ev_init(&se);
        st = ticket_enter_state(cx, &t, (ticket_state)state, &se, &moved);
        if (!st && moved)
            st = ev_commit(cx, t.id, "ticket.state_changed", &se);
        else
            ev_discard(&se);
        if (st) return st;
    }
    if (!changed && !moved && !assigned) return ST_OK;
    t.updated_at = cx->now;
    st = store_ticket_update(cx->db, cx->ws, &t);
    return st ? st : store_ticket_set_schedule(cx->db, cx->ws, &t);
out:
    ev_discard(&e);
    return st;
}

CORE_WRITE(assist_update(core_ctx *cx, const char *id, const assist_patch *in), do_update, id, in,
           NULL)

static status do_delete(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    ticket_row t;
    status st = ticket_load(cx, "id", w->id, &t);
    return st ? st : ticket_delete(cx, w->id);
}

CORE_WRITE(assist_delete(core_ctx *cx, const char *id), do_delete, id, NULL, NULL)

/* ---- list ---- */

/* A user named by id, email or username, in a filter: unknown is -1 (the caller refuses it). */
static status filter_user(core_ctx *cx, const char *key, int64_t *id)
{
    user_row u;
    status st = store_user_find(cx->db, cx->ws, key, cx->a, &u);
    *id = st == ST_NOT_FOUND ? -1 : u.id;
    return st == ST_NOT_FOUND ? ST_OK : st;
}

status assist_list(core_ctx *cx, const assist_list_in *in, ticket_row **rows, size_t *n,
                   int64_t *total, int64_t **medias)
{
    diag *d = cx->d;
    ticket_query f = {.user_id = NULL_INT, .team_id = NULL_INT, .contact_id = NULL_INT};
    status st = assist_paging(d, in->limit, in->offset, 10, LIMIT_PAGE_SIZE, &f.limit, &f.offset);
    f.since = in->since.set ? in->since.v : NULL_INT;
    f.until = in->until.set ? in->until.v : NULL_INT;
    f.started_after = in->started_after.set ? in->started_after.v : NULL_INT;
    f.ended_before = in->ended_before.set ? in->ended_before.v : NULL_INT;
    static const char *const orders[] = {"date", "start_time", "subject", NULL};
    static const char *const dirs[] = {"asc", "desc", NULL};
    if (!st && in->orderby) st = check_enum(d, "orderby", in->orderby, orders);
    if (!st && in->order) st = check_enum(d, "order", in->order, dirs);
    if (st) return st;
    f.order = !in->orderby || !strcmp(in->orderby, "start_time") ? TICKET_ORDER_START
              : !strcmp(in->orderby, "date")                     ? TICKET_ORDER_CREATED
                                                                 : TICKET_ORDER_TITLE;
    f.desc = !in->order || !strcmp(in->order, "desc");
    f.reference = in->reference;
    f.type = in->type;
    f.service_key = in->service_key;
    /* A search with no word in it matches nothing. */
    bool nothing = in->search && (f.match = store_fts_query(in->search, cx->a)) == NULL;

    /* user: a token lists its own tickets unless it asks for all (admins only). */
    const char *user = in->user;
    bool all = user && !strcmp(user, "all");
    if (user && *user && !all && (st = filter_user(cx, user, &f.user_id))) return st;
    if ((st = policy_list_user(cx, "user", all, &f.user_id))) return st;
    /* After the role check, so only those who may list anyone learn who exists. */
    if (f.user_id == -1) return body_found(d, "user", ST_NOT_FOUND);
    if (nothing) f.user_id = -1;
    if (in->group) {
        char uuid[UUID_STR_LEN + 1];
        team_row g;
        if ((st = check_uuid(d, "group", in->group, uuid))) return st;
        st = store_team_get(cx->db, cx->ws, uuid, cx->a, &g);
        if (st && st != ST_NOT_FOUND) return st;
        f.team_id = st ? -1 : g.id;
    }
    if (in->requestor) {
        char uuid[UUID_STR_LEN + 1];
        contact_row c;
        if ((st = check_uuid(d, "requestor", in->requestor, uuid))) return st;
        st = store_contact_get(cx->db, cx->ws, uuid, cx->a, &c);
        if (st && st != ST_NOT_FOUND) return st;
        f.contact_id = st ? -1 : c.id;
    }
    if (in->service_key && !assist_is_service_key(in->service_key))
        return diag_set(d, ST_INVALID, "service_key", "must be 32 lower-case letters or digits");
    st = store_ticket_query(cx->db, cx->ws, &f, cx->a, rows, n, total);
    return st ? st : store_media_counts(cx->db, *rows, *n, cx->a, medias);
}
