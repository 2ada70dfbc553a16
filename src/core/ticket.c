/* Ticket rules and lifecycle; see ticket.h. Every write goes through core_txn and records its
 * events (ticket.created, reply.created, ticket.assigned, ticket.state_changed,
 * ticket.deleted) in the same transaction. Owns the one vocabulary of ticket events (the keys
 * every dialect's writes record, and their Apizee names for its timeline). */
#include "core/ticket.h"

#include <string.h>

#include "core/asset.h"
#include "core/category.h"
#include "core/chat.h"
#include "core/people.h"
#include "core/policy.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/timeutil.h"

static const char *const state_names[TS_COUNT] = {
    "new",    "open",     "invited",  "inprogress", "done",
    "closed", "rejected", "declined", "expired",    "cancelled",
};

const char *state_name(ticket_state s)
{
    BUG_ON(s < 0 || s >= TS_COUNT);
    return state_names[s];
}

int state_parse(const char *name)
{
    for (int i = 0; name && i < TS_COUNT; i++)
        if (strcmp(state_names[i], name) == 0) return i;
    return -1;
}

bool state_is_open(ticket_state s)
{
    return s == TS_NEW || s == TS_OPEN || s == TS_INVITED || s == TS_INPROGRESS;
}

ticket_phase state_phase(ticket_state s)
{
    if (s == TS_NEW || s == TS_OPEN || s == TS_INVITED) return PHASE_PENDING;
    return s == TS_INPROGRESS ? PHASE_ONGOING : PHASE_COMPLETED;
}

static const char *const phase_names[] = {"pending", "ongoing", "completed"};

const char *phase_name(ticket_phase p)
{
    BUG_ON(p < PHASE_PENDING || p > PHASE_COMPLETED);
    return phase_names[p];
}

int phase_parse(const char *name)
{
    for (int i = 0; name && i <= PHASE_COMPLETED; i++)
        if (strcmp(phase_names[i], name) == 0) return i;
    return -1;
}

/* ---- the one vocabulary of ticket events ---- */

static const struct {
    const char *key;    /* stored, whichever dialect acted */
    const char *apizee; /* the name of Apizee's Ticket object, NULL: the same */
    const char *old[2]; /* keys events carried before this vocabulary */
    bool time;          /* ms: Apizee shows ISO 8601 */
} fields[TF_COUNT] = {
    [TF_TITLE] = {"title", "subject", {"subject"}},
    [TF_DESCRIPTION] = {"description"},
    [TF_STATE] = {"state"},
    [TF_CLIENT] = {"client_id", "requestor", {"requestor"}},
    [TF_ASSIGNEE] = {"assignee_id", "agent", {"teammate_id", "agent"}},
    [TF_TEAM] = {"team_id", "group", {"group"}},
    [TF_CHAT] = {"chat_id"},
    [TF_CATEGORY] = {"category_id", NULL, {"category"}},
    [TF_SUBCATEGORY] = {"subcategory"},
    [TF_LANGUAGE] = {"language"},
    [TF_CIRCUMSTANCE] = {"circumstance"},
    [TF_TYPE] = {"type"},
    [TF_REFERENCE] = {"reference"},
    [TF_SERVICE_KEY] = {"service_key"},
    [TF_START_DATE] = {"start_date", .time = true},
    [TF_DURATION] = {"duration"},
    [TF_REMINDER] = {"reminder"},
    [TF_SEND_INVITATION] = {"send_invitation"},
    [TF_ONGOING_AT] = {"ongoing_at", "started_at", .time = true},
    [TF_COMPLETED_AT] = {"completed_at", "ended_at", .time = true},
    [TF_DELETED_AT] = {"deleted_at", .time = true},
    [TF_REPLY_ID] = {"reply_id"},
    [TF_TEXT] = {"text"},
    [TF_IS_CLIENT_REPLY] = {"is_client_reply"},
    [TF_ASSETS] = {"assets"},
    [TF_TAG_ID] = {"tag_id"},
    [TF_TAG] = {"tag"},
};

const char *ticket_field_key(ticket_field f)
{
    BUG_ON(f < 0 || f >= TF_COUNT || !fields[f].key);
    return fields[f].key;
}

void ticket_ev_str(evdata *e, ticket_field f, const char *before, const char *after)
{
    ev_str(e, ticket_field_key(f), before, after);
}

void ticket_ev_int(evdata *e, ticket_field f, int64_t before, int64_t after)
{
    ev_int(e, ticket_field_key(f), before, after);
}

void ticket_ev_bool(evdata *e, ticket_field f, bool after)
{
    ev_bool(e, ticket_field_key(f), after);
}

status ticket_ev_created(core_ctx *cx, const ticket_row *t)
{
    evdata e;
    ev_init(&e);
    ticket_ev_str(&e, TF_TITLE, NULL, t->title);
    ticket_ev_str(&e, TF_DESCRIPTION, NULL, t->description);
    ticket_ev_str(&e, TF_STATE, NULL, t->state);
    ticket_ev_str(&e, TF_CLIENT, NULL, t->contact_uuid);
    ticket_ev_str(&e, TF_ASSIGNEE, NULL, t->user_uuid);
    ticket_ev_str(&e, TF_TEAM, NULL, t->team_uuid);
    ticket_ev_str(&e, TF_CHAT, NULL, t->chat_uuid);
    ticket_ev_str(&e, TF_CATEGORY, NULL, t->category_uuid);
    ticket_ev_str(&e, TF_SUBCATEGORY, NULL, t->subcategory);
    ticket_ev_str(&e, TF_LANGUAGE, NULL, t->language);
    ticket_ev_str(&e, TF_CIRCUMSTANCE, NULL, t->circumstance);
    ticket_ev_str(&e, TF_TYPE, NULL, t->type);
    ticket_ev_str(&e, TF_REFERENCE, NULL, t->reference);
    ticket_ev_str(&e, TF_SERVICE_KEY, NULL, t->service_key);
    ticket_ev_int(&e, TF_START_DATE, NULL_INT, t->start_date);
    ticket_ev_int(&e, TF_DURATION, NULL_INT, t->duration);
    ticket_ev_int(&e, TF_REMINDER, NULL_INT, t->reminder);
    ticket_ev_bool(&e, TF_SEND_INVITATION, t->send_invitation);
    return ev_commit(cx, t->id, "ticket.created", &e);
}

/* The field a stored key k (n bytes; old keys included) records, or -1. */
static int field_of(const char *k, size_t n)
{
    for (int f = 0; f < TF_COUNT; f++) {
        bool hit = strlen(fields[f].key) == n && !memcmp(fields[f].key, k, n);
        for (size_t i = 0; !hit && i < 2 && fields[f].old[i]; i++)
            hit = strlen(fields[f].old[i]) == n && !memcmp(fields[f].old[i], k, n);
        if (hit) return f;
    }
    return -1;
}

/* The end of the JSON string opening at s[i] (the index of its closing quote), or len. */
static size_t string_end(const char *s, size_t i, size_t len)
{
    for (i++; i < len && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    return i < len ? i : len;
}

/* An arena string that grows as it is written. */
typedef struct {
    arena *a;
    char *p;
    size_t n, cap;
} out_text;

static void put(out_text *o, const char *s, size_t n)
{
    while (o->n + n + 1 > o->cap)
        o->p = arena_grow(o->a, o->p, &o->cap, o->cap, 1);
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

char *ticket_ev_data(arena *a, char *data, ticket_names names)
{
    if (!data) return data;
    size_t len = strlen(data), i = strspn(data, " \t\r\n"), from = 0;
    if (i >= len || data[i] != '{') return data;
    bool apizee = names == TICKET_NAMES_APIZEE, changed = false, want_key = false, in_time = false;
    out_text o = {.a = a};
    int depth = 0;
    for (; i < len; i++) {
        char ch = data[i];
        if (ch == '"') {
            size_t end = string_end(data, i, len);
            if (end == len) return data; /* unterminated: not JSON we wrote */
            if (depth == 1 && want_key) {
                int f = field_of(data + i + 1, end - i - 1);
                const char *to = f < 0                        ? NULL
                                 : apizee && fields[f].apizee ? fields[f].apizee
                                                              : fields[f].key;
                if (to && (strlen(to) != end - i - 1 || memcmp(to, data + i + 1, end - i - 1))) {
                    put(&o, data + from, i + 1 - from);
                    put(&o, to, strlen(to));
                    from = end;
                    changed = true;
                }
                in_time = apizee && f >= 0 && fields[f].time;
                want_key = false;
            }
            i = end;
        } else if (in_time && (ch == '-' || (ch >= '0' && ch <= '9'))) {
            /* A time's integer (ms) becomes its ISO 8601 string; anything else stays. */
            size_t end = i + (ch == '-');
            int64_t ms = 0;
            while (end < len && data[end] >= '0' && data[end] <= '9' && end - i < 16)
                ms = ms * 10 + (data[end++] - '0');
            bool whole =
                end > i + (ch == '-') && (end == len || !strchr("0123456789.eE", data[end]));
            if (whole) {
                char iso[TIME_ISO_LEN + 1];
                time_format_iso(ch == '-' ? -ms : ms, iso);
                put(&o, data + from, i - from);
                put(&o, "\"", 1);
                put(&o, iso, strlen(iso));
                put(&o, "\"", 1);
                from = end;
                changed = true;
            }
            i = end - 1;
            while (i + 1 < len && strchr("0123456789.eE+-", data[i + 1]))
                i++;
        } else if (ch == '{' || ch == '[') {
            depth++;
            want_key = ch == '{' && depth == 1;
        } else if (ch == '}' || ch == ']') {
            depth--;
        } else if (ch == ',' && depth == 1) {
            want_key = true;
            in_time = false;
        }
    }
    if (!changed || depth != 0) return data;
    put(&o, data + from, len - from);
    return o.p;
}

/* Moves t to state s with the timestamps that go with it: ongoing_at the first time it is in
 * progress, completed_at each time it enters the closed family (cleared when it reopens).
 * Records ticket.state_changed; false when t was already in s. */
status ticket_enter_state(core_ctx *cx, ticket_row *t, ticket_state s, evdata *e, bool *changed)
{
    const char *after = state_name(s);
    *changed = strcmp(t->state, after) != 0;
    if (!*changed) return ST_OK;
    ticket_ev_str(e, TF_STATE, t->state, after);
    t->state = (char *)after;
    t->is_open = state_is_open(s);
    if (s == TS_INPROGRESS && t->ongoing_at == NULL_INT) {
        ticket_ev_int(e, TF_ONGOING_AT, NULL_INT, cx->now);
        t->ongoing_at = cx->now;
    }
    int64_t completed = t->is_open ? NULL_INT : cx->now;
    if (completed != t->completed_at) ticket_ev_int(e, TF_COMPLETED_AT, t->completed_at, completed);
    t->completed_at = completed;
    return ST_OK;
}

/* Loads a ticket by its wire id; `field` names the id in errors. */
status ticket_load(core_ctx *cx, const char *field, const char *id, ticket_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, field, id, uuid);
    if (!st) st = path_found(cx->d, "ticket", store_ticket_get(cx->db, cx->ws, uuid, cx->a, out));
    return st ? st : policy_ticket(cx, out->user_id);
}

/* A user named in the input field `field`. */
static status resolve_user(core_ctx *cx, const char *field, const char *id, user_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, field, id, uuid);
    if (st) return st;
    st = store_user_get(cx->db, cx->ws, uuid, cx->a, out);
    return body_found(cx->d, field, st);
}

static status with_replies(core_ctx *cx, ticket_row *t, size_t n)
{
    status st = store_ticket_load_replies(cx->db, t, n, cx->a);
    if (!st) asset_sign_ticket_urls(cx, t, n);
    return st;
}

/* Resolves asset ids (at most LIMIT_REPLY_ASSETS) to rows. */
static status resolve_assets(core_ctx *cx, const char *const *ids, size_t n, asset_row *out)
{
    if (n > LIMIT_REPLY_ASSETS)
        return diag_set(cx->d, ST_INVALID, "assets", "must have at most %d items",
                        LIMIT_REPLY_ASSETS);
    for (size_t i = 0; i < n; i++) {
        char uuid[UUID_STR_LEN + 1];
        status st = check_uuid(cx->d, "assets", ids[i], uuid);
        if (st) return st;
        for (size_t k = 0; k < i; k++)
            if (strcmp(out[k].uuid, uuid) == 0)
                return diag_set(cx->d, ST_INVALID, "assets", "lists %s twice", uuid);
        st = store_asset_get(cx->db, cx->ws, uuid, cx->a, &out[i]);
        if (st == ST_NOT_FOUND) {
            cx->d->reason = REASON_BODY_REF;
            return diag_set(cx->d, st, "assets", "not found: %s", uuid);
        }
        if (st) return st;
        asset_sign_urls(cx, &out[i]);
    }
    return ST_OK;
}

/* Inserts a reply or an internal note (into *r) and links its assets; records reply.created
 * (note.created). A reply is also a message of the ticket's chat unless `in_chat` says the chat
 * has it already; a note never is. */
static status add_reply(core_ctx *cx, ticket_row *t, reply_row *r, const char *text, bool is_client,
                        int64_t user_id, asset_row *assets, size_t n_assets, bool in_chat,
                        bool note)
{
    *r = (reply_row){
        .text = (char *)text,
        .is_client = is_client,
        .note = note,
        .user_id = is_client ? NULL_INT : user_id,
        .contact_id = is_client ? t->contact_id : NULL_INT,
        .created_at = cx->now,
        .assets = assets,
        .n_assets = n_assets,
    };
    uuid_v4(r->uuid);
    /* Its id only links its assets: without any, the INSERT may ride the next round trip. */
    status st = n_assets ? store_reply_insert(cx->db, cx->ws, t->id, r)
                         : store_reply_insert_later(cx->db, cx->ws, t->id, r);
    for (size_t i = 0; !st && i < n_assets; i++)
        st = store_reply_link_asset(cx->db, r->id, t->id, assets[i].id, (int)i);
    /* A reply is also a message of the ticket's chat: the client's come from the owner. */
    message_row m;
    if (!st && !in_chat && !note && t->chat_id != NULL_INT)
        st = chat_add_message(cx, t->chat_id, text, is_client, &m);
    if (st) return st;
    evdata e;
    ev_init(&e);
    ticket_ev_str(&e, TF_REPLY_ID, NULL, r->uuid);
    ticket_ev_str(&e, TF_TEXT, NULL, text);
    if (!note) ticket_ev_bool(&e, TF_IS_CLIENT_REPLY, is_client);
    ticket_ev_int(&e, TF_ASSETS, NULL_INT, (int64_t)n_assets);
    return ev_commit(cx, t->id, note ? "note.created" : "reply.created", &e);
}

status ticket_add_reply(core_ctx *cx, ticket_row *t, reply_row *r, const char *text, bool is_client,
                        int64_t user_id, asset_row *assets, size_t n_assets, bool in_chat)
{
    return add_reply(cx, t, r, text, is_client, user_id, assets, n_assets, in_chat, false);
}

struct create_arg {
    const ticket_create_in *in;
    ticket_row *out;
};

static status do_create(core_ctx *cx, void *p)
{
    const ticket_create_in *in = ((struct create_arg *)p)->in;
    ticket_row *t = ((struct create_arg *)p)->out;
    diag *d = cx->d;
    char client_uuid[UUID_STR_LEN + 1], category_uuid[UUID_STR_LEN + 1];
    status st = check_uuid(d, "client_id", in->client_id, client_uuid);
    if (!st) st = check_text(d, "title", in->title, true, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "description", in->description, true, LIMIT_TEXT_CHARS);
    if (!st) st = check_uuid(d, "category", in->category, category_uuid);
    if (!st) st = check_text(d, "subcategory", in->subcategory, false, LIMIT_NAME_CHARS);
    if (st) return st;

    contact_row client;
    category_row cat;
    st = store_contact_get(cx->db, cx->ws, client_uuid, cx->a, &client);
    if ((st = body_found(d, "client_id", st))) return st;
    if (!st) st = store_category_get(cx->db, cx->ws, category_uuid, cx->a, &cat);
    if ((st = body_found(d, "category", st))) return st;
    if (st) return st;
    if (in->subcategory) {
        bool known = false;
        for (size_t i = 0; i < cat.n_subcategories; i++)
            known |= strcmp(cat.subcategories[i], in->subcategory) == 0;
        if (!known)
            return diag_set(d, ST_INVALID, "subcategory",
                            "must be one of the category's "
                            "subcategories");
    }
    if (!category_allows_plan(&cat, client.plan_id)) {
        d->reason = REASON_PLAN_NOT_ALLOWED;
        return diag_set(d, ST_INVALID, "category", "is not available on the client's billing plan");
    }
    asset_row *assets = ARENA_ARRAY(cx->a, asset_row, LIMIT_REPLY_ASSETS);
    if ((st = resolve_assets(cx, in->assets, in->n_assets, assets))) return st;

    /* Every ticket has a chat: this one gets its own, on the built-in channel. */
    chat_row chat;
    message_row first;
    if ((st = chat_auto(cx, "tamio", &client, in->title, &chat))) return st;
    /* The description opens the chat before the ticket exists, so the ticket's search
     * document is written once, complete. */
    if ((st = chat_add_message(cx, chat.id, in->description, true, &first))) return st;

    memset(t, 0, sizeof *t);
    t->id = chat.ticket_id; /* 0, or handed out with the chat: see store_ticket_insert */
    uuid_v4(t->uuid);
    t->chat_id = chat.id;
    t->chat_uuid = arena_strdup(cx->a, chat.uuid);
    t->team_id = NULL_INT;
    t->circumstance = "handover";
    t->ongoing_at = t->completed_at = t->last_viewed_at = NULL_INT;
    t->title = (char *)in->title;
    t->description = (char *)in->description;
    t->state = (char *)state_name(TS_NEW);
    t->is_open = true;
    t->category_id = cat.id;
    t->subcategory = (char *)in->subcategory;
    t->user_id = cat.user_id; /* auto-assign */
    t->contact_id = client.id;
    t->language = cat.language;
    t->start_date = t->duration = t->reminder = NULL_INT;
    t->created_at = t->updated_at = cx->now;
    if ((st = store_ticket_insert(cx->db, cx->ws, t))) return st;
    /* The answer (and the event) is built from what was written, not read back. */
    t->category_title = cat.title;
    t->category_uuid = arena_strdup(cx->a, cat.uuid);
    t->user_uuid = cat.user_uuid;
    t->contact_uuid = arena_strdup(cx->a, client.uuid);
    t->contact_name = client.name;
    t->contact_email = client.email;
    if ((st = ticket_ev_created(cx, t))) return st;

    /* The description is the client's first message; an automated reply answers it. */
    t->replies = ARENA_ARRAY(cx->a, reply_row, 2);
    st = ticket_add_reply(cx, t, &t->replies[t->n_replies++], t->description, true, NULL_INT,
                          assets, in->n_assets, true);
    if (!st && cat.auto_reply)
        st = ticket_add_reply(cx, t, &t->replies[t->n_replies++], cat.auto_reply, false,
                              cat.user_id, NULL, 0, false);
    return st;
}

status ticket_create(core_ctx *cx, const ticket_create_in *in, ticket_row *out)
{
    struct create_arg a = {in, out};
    return core_txn(cx, do_create, &a);
}

status ticket_get_row(core_ctx *cx, const char *id, ticket_row *out)
{
    return ticket_load(cx, "id", id, out);
}

status ticket_get(core_ctx *cx, const char *id, ticket_row *out)
{
    status st = ticket_load(cx, "id", id, out);
    return st ? st : with_replies(cx, out, 1);
}

status ticket_list(core_ctx *cx, const ticket_list_in *in, ticket_row **rows, size_t *n,
                   int64_t *total)
{
    ticket_filter f = {
        .pg = core_page(&in->page),
        .title_contains = in->title_contains,
        .is_open = in->closed < 0 ? -1 : !in->closed,
        .user_id = NULL_INT,
        .contact_id = NULL_INT,
    };
    char uuid[UUID_STR_LEN + 1];
    status st = ST_OK;
    *n = 0;
    *total = 0;
    *rows = NULL;
    bool none = false; /* an unknown teammate or client has no tickets */
    if (in->teammate_id) {
        user_row u;
        if ((st = check_uuid(cx->d, "teammate_id", in->teammate_id, uuid))) return st;
        st = store_user_get(cx->db, cx->ws, uuid, cx->a, &u);
        if (st && st != ST_NOT_FOUND) return st;
        f.user_id = st ? -1 : u.id;
        none = st == ST_NOT_FOUND;
    }
    if ((st = policy_list_user(cx, "teammate_id", false, &f.user_id))) return st;
    if (none) return ST_OK;
    if (in->client_id) {
        contact_row c;
        if ((st = check_uuid(cx->d, "client_id", in->client_id, uuid))) return st;
        st = store_contact_get(cx->db, cx->ws, uuid, cx->a, &c);
        if (st == ST_NOT_FOUND) return ST_OK;
        if (st) return st;
        f.contact_id = c.id;
    }
    st = store_ticket_list(cx->db, cx->ws, &f, cx->a, rows, n, total);
    return st ? st : with_replies(cx, *rows, *n);
}

struct change_arg {
    const char *id;
    ticket_row *out;
    const char *field; /* the input field naming the user */
    const char *teammate_id;
    ticket_state state;
    const char *text;
    const char *const *assets;
    size_t n_assets;
    bool is_client;
};

status ticket_save(core_ctx *cx, ticket_row *t, bool changed)
{
    status st = ST_OK;
    if (changed) {
        t->updated_at = cx->now;
        st = store_ticket_update(cx->db, cx->ws, t);
    }
    return st ? st : with_replies(cx, t, 1);
}

status ticket_set_user(core_ctx *cx, ticket_row *t, const user_row *u, bool *changed)
{
    int64_t id = u ? u->id : NULL_INT;
    *changed = t->user_id != id;
    if (!*changed) return ST_OK;
    evdata e;
    ev_init(&e);
    ticket_ev_str(&e, TF_ASSIGNEE, t->user_uuid, u ? u->uuid : NULL);
    status st = ev_commit(cx, t->id, "ticket.assigned", &e);
    if (st) return st;
    t->user_id = id;
    t->user_uuid = u ? arena_strdup(cx->a, u->uuid) : NULL;
    return ST_OK;
}

/* Assigns t to user_id (NULL: nobody), recording ticket.assigned when that changes it. */
static status reassign(core_ctx *cx, ticket_row *t, const char *field, const char *user_id,
                       bool *changed)
{
    user_row u = {.id = NULL_INT};
    status st = user_id ? resolve_user(cx, field, user_id, &u) : ST_OK;
    *changed = false;
    return st ? st : ticket_set_user(cx, t, user_id ? &u : NULL, changed);
}

static status do_assign(core_ctx *cx, void *p)
{
    struct change_arg *c = p;
    ticket_row *t = c->out;
    status st = ticket_load(cx, "id", c->id, t);
    bool changed;
    if (!st) st = reassign(cx, t, c->field, c->teammate_id, &changed);
    return st ? st : ticket_save(cx, t, changed);
}

status ticket_assign(core_ctx *cx, const char *id, const char *field, const char *user_id,
                     ticket_row *out)
{
    struct change_arg c = {.id = id, .out = out, .field = field, .teammate_id = user_id};
    return core_txn(cx, do_assign, &c);
}

static status do_reply(core_ctx *cx, void *p)
{
    struct change_arg *c = p;
    asset_row *assets = ARENA_ARRAY(cx->a, asset_row, LIMIT_REPLY_ASSETS);
    reply_row r;
    status st = ticket_load(cx, "id", c->id, c->out);
    if (!st) st = check_text(cx->d, "reply", c->text, true, LIMIT_TEXT_CHARS);
    if (!st) st = resolve_assets(cx, c->assets, c->n_assets, assets);
    if (!st)
        st = ticket_add_reply(cx, c->out, &r, c->text, c->is_client, NULL_INT, assets, c->n_assets,
                              false);
    return st ? st : ticket_save(cx, c->out, true);
}

status ticket_reply(core_ctx *cx, const char *id, const char *text, const char *const *assets,
                    size_t n_assets, bool is_client, ticket_row *out)
{
    struct change_arg c = {.id = id,
                           .out = out,
                           .text = text,
                           .assets = assets,
                           .n_assets = n_assets,
                           .is_client = is_client};
    return core_txn(cx, do_reply, &c);
}

/* ---- ticketd's own API: replies and notes by their author, the timeline ---- */

/* A reply as store_reply_get reads it, with signed file URLs. */
static status load_reply(core_ctx *cx, const ticket_row *t, const char *reply_id, reply_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "reply_id", reply_id, uuid);
    if (!st)
        st = path_found(cx->d, "reply", store_reply_get(cx->db, cx->ws, t->id, uuid, cx->a, out));
    for (size_t i = 0; !st && i < out->n_assets; i++)
        asset_sign_urls(cx, &out->assets[i]);
    return st;
}

struct post_arg {
    const char *id;
    const reply_in *in;
    reply_row *out;
};

static status do_post_reply(core_ctx *cx, void *p)
{
    struct post_arg *c = p;
    asset_row *assets = ARENA_ARRAY(cx->a, asset_row, LIMIT_REPLY_ASSETS);
    ticket_row t;
    reply_row r;
    status st = ticket_load(cx, "id", c->id, &t);
    if (!st) st = check_text(cx->d, "text", c->in->text, true, LIMIT_TEXT_CHARS);
    if (!st) st = resolve_assets(cx, c->in->assets, c->in->n_assets, assets);
    /* The caller is the author: a teammate's token its teammate, a workspace key nobody. */
    int64_t author = cx->actor == ACTOR_USER && cx->user_id ? cx->user_id : NULL_INT;
    if (!st)
        st = add_reply(cx, &t, &r, c->in->text, false, author, assets, c->in->n_assets, false,
                       c->in->note);
    if (!st) st = ticket_save(cx, &t, true);
    return st ? st : load_reply(cx, &t, r.uuid, c->out);
}

status ticket_post_reply(core_ctx *cx, const char *id, const reply_in *in, reply_row *out)
{
    struct post_arg c = {.id = id, .in = in, .out = out};
    return core_txn(cx, do_post_reply, &c);
}

status ticket_reply_get(core_ctx *cx, const char *id, const char *reply_id, reply_row *out)
{
    ticket_row t;
    status st = ticket_load(cx, "id", id, &t);
    return st ? st : load_reply(cx, &t, reply_id, out);
}

status ticket_timeline(core_ctx *cx, const char *id, const timeline_key *after, int64_t limit,
                       timeline_item **items, size_t *n, bool *more)
{
    BUG_ON(limit < 1 || limit > LIMIT_PAGE_SIZE);
    ticket_row t;
    reply_row *r;
    event_row *e;
    size_t nr = 0, ne = 0;
    /* One more of each than the page: whether anything follows it. */
    status st = ticket_load(cx, "id", id, &t);
    if (!st) st = store_reply_page(cx->db, cx->ws, t.id, after, limit + 1, cx->a, &r, &nr);
    if (!st) st = store_event_page(cx->db, cx->ws, t.id, after, limit + 1, cx->a, &e, &ne);
    if (st) return st;
    timeline_item *out = ARENA_ARRAY(cx->a, timeline_item, (size_t)limit);
    size_t i = 0, k = 0, got = 0;
    while (got < (size_t)limit && (i < nr || k < ne)) {
        /* Events first within a millisecond (kind 0 < 1). */
        bool reply = i < nr && (k == ne || r[i].created_at < e[k].created_at);
        timeline_item *it = &out[got++];
        if (reply) {
            for (size_t a = 0; a < r[i].n_assets; a++)
                asset_sign_urls(cx, &r[i].assets[a]);
            *it = (timeline_item){.key = {r[i].created_at, 1, r[i].id}, .reply = &r[i]};
            i++;
        } else {
            e[k].data = ticket_ev_data(cx->a, e[k].data, TICKET_NAMES_CORE);
            *it = (timeline_item){.key = {e[k].created_at, 0, e[k].id}, .event = &e[k]};
            k++;
        }
    }
    *items = out;
    *n = got;
    *more = i < nr || k < ne;
    return ST_OK;
}

static status do_state(core_ctx *cx, void *p)
{
    struct change_arg *c = p;
    ticket_row *t = c->out;
    status st = ticket_load(cx, "id", c->id, t);
    if (st) return st;
    evdata e;
    bool changed;
    ev_init(&e);
    st = ticket_enter_state(cx, t, c->state, &e, &changed);
    if (!st && changed)
        st = ev_commit(cx, t->id, "ticket.state_changed", &e);
    else
        ev_discard(&e);
    return st ? st : ticket_save(cx, t, changed);
}

status ticket_set_state(core_ctx *cx, const char *id, ticket_state s, ticket_row *out)
{
    struct change_arg c = {.id = id, .out = out, .state = s};
    return core_txn(cx, do_state, &c);
}

static status do_delete(core_ctx *cx, void *p)
{
    struct change_arg *c = p;
    status st = ticket_load(cx, "id", c->id, c->out);
    if (!st) st = store_ticket_delete(cx->db, cx->ws, c->out->id, cx->now);
    if (st) return st;
    evdata e;
    ev_init(&e);
    ticket_ev_int(&e, TF_DELETED_AT, NULL_INT, cx->now);
    return ev_commit(cx, c->out->id, "ticket.deleted", &e);
}

status ticket_delete(core_ctx *cx, const char *id)
{
    ticket_row t;
    struct change_arg c = {.id = id, .out = &t};
    return core_txn(cx, do_delete, &c);
}

/* ---- Zaia's lifecycle: tickets opened on a chat, takeover, completion ---- */

static status do_open(core_ctx *cx, void *p)
{
    const ticket_open_in *in = ((write_arg *)p)->in;
    ticket_row *t = ((write_arg *)p)->out;
    diag *d = cx->d;
    chat_row chat;
    user_row u;
    team_row team = {.id = NULL_INT};
    int phase = phase_parse(in->status);
    status st = chat_resolve(cx, "chatId", in->chat_id, &chat);
    if (st) return st;
    if (!in->team_id.set)
        return diag_set(d, ST_INVALID, "ticketingTeamId", "is required (null allowed)");
    if (in->team_id.v) {
        char uuid[UUID_STR_LEN + 1];
        if ((st = check_uuid(d, "ticketingTeamId", in->team_id.v, uuid))) return st;
        st = store_team_get(cx->db, cx->ws, uuid, cx->a, &team);
        if ((st = body_found(d, "ticketingTeamId", st))) return st;
        if (st) return st;
    }
    if ((st = resolve_user(cx, "assigneeId", in->assignee_id, &u))) return st;
    if (!in->status) return diag_set(d, ST_INVALID, "status", "is required");
    if (phase != PHASE_PENDING && phase != PHASE_ONGOING)
        return diag_set(d, ST_INVALID, "status",
                        "must be pending or ongoing (complete a ticket with /complete)");
    if ((st = check_text(d, "summary", in->summary.v, false, LIMIT_TEXT_CHARS))) return st;

    ticket_state s = phase == PHASE_ONGOING ? TS_INPROGRESS : TS_NEW;
    memset(t, 0, sizeof *t);
    uuid_v4(t->uuid);
    t->title = (char *)(in->summary.v ? in->summary.v : chat.summary ? chat.summary : "");
    t->description = "";
    t->state = (char *)state_name(s);
    t->is_open = true;
    t->category_id = NULL_INT;
    t->user_id = u.id;
    t->user_uuid = arena_strdup(cx->a, u.uuid);
    t->contact_id = chat.contact_id;
    t->contact_uuid = chat.owner_uuid;
    t->chat_id = chat.id;
    t->chat_uuid = arena_strdup(cx->a, chat.uuid);
    t->team_id = team.id;
    t->team_uuid = in->team_id.v ? arena_strdup(cx->a, team.uuid) : NULL;
    t->circumstance = "handover";
    t->ongoing_at = s == TS_INPROGRESS ? cx->now : NULL_INT;
    t->completed_at = t->last_viewed_at = NULL_INT;
    t->start_date = t->duration = t->reminder = NULL_INT;
    t->created_at = t->updated_at = cx->now;
    if ((st = store_ticket_insert(cx->db, cx->ws, t))) return st;
    return ticket_ev_created(cx, t);
}

CORE_WRITE(ticket_open(core_ctx *cx, const ticket_open_in *in, ticket_row *out), do_open, NULL, in,
           out)

static status do_takeover(core_ctx *cx, void *p)
{
    write_arg *w = p;
    ticket_row *t = w->out;
    bool assigned, moved;
    status st = ticket_load(cx, "id", w->id, t);
    if (!st && !w->in) st = diag_set(cx->d, ST_INVALID, "assigneeId", "is required");
    if (!st) st = reassign(cx, t, "assigneeId", w->in, &assigned);
    if (st) return st;
    evdata e;
    ev_init(&e);
    st = ticket_enter_state(cx, t, TS_INPROGRESS, &e, &moved);
    bool circ = strcmp(t->circumstance, "takeover") != 0;
    if (circ) ticket_ev_str(&e, TF_CIRCUMSTANCE, t->circumstance, "takeover");
    t->circumstance = "takeover";
    if (!st && (moved || circ))
        st = ev_commit(cx, t->id, "ticket.state_changed", &e);
    else
        ev_discard(&e);
    return st ? st : ticket_save(cx, t, assigned || moved || circ);
}

CORE_WRITE(ticket_takeover(core_ctx *cx, const char *id, const char *assignee_id, ticket_row *out),
           do_takeover, id, assignee_id, out)

static status do_complete(core_ctx *cx, void *p)
{
    write_arg *w = p;
    ticket_row *t = w->out;
    user_row u;
    bool moved;
    status st = ticket_load(cx, "id", w->id, t);
    if (!st) st = resolve_user(cx, "userId", w->in, &u);
    if (!st) st = policy_act_as(cx, "userId", u.id);
    if (st) return st;
    evdata e;
    ev_init(&e);
    st = ticket_enter_state(cx, t, TS_DONE, &e, &moved);
    if (st || !moved) {
        ev_discard(&e);
        return st ? st : ticket_save(cx, t, false);
    }
    /* The user completing the ticket is the actor of record, whoever holds the key. */
    actor_type actor = cx->actor;
    char actor_id[UUID_STR_LEN + 1];
    memcpy(actor_id, cx->actor_id, sizeof actor_id);
    cx->actor = ACTOR_USER;
    memcpy(cx->actor_id, u.uuid, sizeof cx->actor_id);
    st = ev_commit(cx, t->id, "ticket.state_changed", &e);
    cx->actor = actor;
    memcpy(cx->actor_id, actor_id, sizeof actor_id);
    return st ? st : ticket_save(cx, t, true);
}

CORE_WRITE(ticket_complete(core_ctx *cx, const char *id, const char *user_id, ticket_row *out),
           do_complete, id, user_id, out)

status ticket_details(core_ctx *cx, const char *id, ticket_detail_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (!st && !core_is_admin(cx)) {
        ticket_row t; /* the access rule reads the ticket's assignee */
        st = ticket_load(cx, "id", id, &t);
    }
    return st ? st
              : path_found(cx->d, "ticket",
                           store_ticket_detail_get(cx->db, cx->ws, uuid, cx->a, out));
}

/* Resolves a filter's uuids to row ids; unknown ones match nothing, so they are dropped (and
 * a filter whose every value is unknown matches no ticket: *none is set). */
static status resolve_ids(core_ctx *cx, ref_kind k, const uuid_list *in, id_set *out, bool *none)
{
    int64_t *ids = ARENA_ARRAY(cx->a, int64_t, in->n + 1);
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++) {
        status st = store_ref_id(cx->db, cx->ws, k, in->v[i], &ids[n]);
        if (st == ST_OK)
            n++;
        else if (st != ST_NOT_FOUND)
            return st;
    }
    *out = (id_set){ids, n};
    if (in->n && !n) *none = true;
    return ST_OK;
}

status ticket_details_list(core_ctx *cx, const details_list_in *in, ticket_detail_row **rows,
                           size_t *n)
{
    ticket_detail_filter f = {.pg = core_page(&in->page), .include_removed = in->include_removed};
    f.pg.desc = true; /* newest first */
    f.pg.from_s = f.pg.to_s = NULL_INT;
    *rows = NULL;
    *n = 0;
    if (!in->status) return diag_set(cx->d, ST_INVALID, "status", "is required");
    if ((f.phase = phase_parse(in->status)) < 0)
        return diag_set(cx->d, ST_INVALID, "status", "must be one of pending, ongoing, completed");
    bool none = false;
    status st = resolve_ids(cx, REF_USER, &in->assignees, &f.users, &none);
    if (!st && !core_is_admin(cx)) {
        /* An agent lists their own tickets: no assignee filter means theirs, and one naming
         * anybody else is refused. */
        int64_t self = f.users.n ? f.users.ids[0] : NULL_INT;
        for (size_t i = 1; i < f.users.n; i++)
            if (f.users.ids[i] != self) self = -1; /* someone else among them */
        if (none) self = -1;
        st = policy_list_user(cx, "assigneeIds", false, &self);
        if (!st && f.users.n != 1) {
            int64_t *ids = ARENA_NEW(cx->a, int64_t);
            *ids = self;
            f.users = (id_set){ids, 1};
        }
    }
    if (!st) st = resolve_ids(cx, REF_CHAT, &in->chats, &f.chats, &none);
    if (!st) st = resolve_ids(cx, REF_RESPONDER, &in->responders, &f.responders, &none);
    if (!st) st = resolve_ids(cx, REF_VERSION, &in->versions, &f.versions, &none);
    if (!st) st = resolve_ids(cx, REF_TAG, &in->tags, &f.tags, &none);
    if (st || none) return st;
    if (in->search) {
        if ((st = check_text(cx->d, "search", in->search, false, LIMIT_NAME_CHARS))) return st;
        f.match = store_fts_query(in->search, cx->a);
        /* A search with no word in it is no search. */
    }
    return store_ticket_detail_list(cx->db, cx->ws, &f, cx->a, rows, n);
}
