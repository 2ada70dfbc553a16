/* Tickets: the lifecycle of the ten states, creation with its first replies, assignment,
 * replies, state changes and deletion. Each call is one transaction that also appends the
 * events recording what changed. Returned tickets carry their replies and assets. */
#ifndef TICKETD_CORE_TICKET_H
#define TICKETD_CORE_TICKET_H

#include "core/core.h"

typedef enum {
    TS_NEW = 0,
    TS_OPEN,
    TS_INVITED,
    TS_INPROGRESS,
    TS_DONE,
    TS_CLOSED,
    TS_REJECTED,
    TS_DECLINED,
    TS_EXPIRED,
    TS_CANCELLED,
    TS_COUNT
} ticket_state;

const char *state_name(ticket_state s);
/* -1 when name is not one of the ten states. */
int state_parse(const char *name);
/* Open unless done, closed, rejected, declined, expired or cancelled. */
bool state_is_open(ticket_state s);

/* Zaia's status: pending = new, open, invited; ongoing = inprogress; completed = the rest. */
typedef enum { PHASE_PENDING = 0, PHASE_ONGOING, PHASE_COMPLETED } ticket_phase;
ticket_phase state_phase(ticket_state s);
const char *phase_name(ticket_phase p);
/* -1 when name is not pending, ongoing or completed. */
int phase_parse(const char *name);

typedef struct {
    const char *client_id, *title, *description, *category, *subcategory;
    const char *const *assets;
    size_t n_assets;
} ticket_create_in;

typedef struct {
    list_in page;
    const char *title_contains;          /* NULL: any */
    int closed;                          /* -1 any, 0 open only, 1 closed only */
    const char *teammate_id, *client_id; /* NULL: any; unknown ids match nothing */
} ticket_list_in;

status ticket_create(core_ctx *cx, const ticket_create_in *in, ticket_row *out) WUR;
status ticket_get(core_ctx *cx, const char *id, ticket_row *out) WUR;
/* The ticket the path names, without its replies. */
status ticket_get_row(core_ctx *cx, const char *id, ticket_row *out) WUR;
status ticket_list(core_ctx *cx, const ticket_list_in *in, ticket_row **rows, size_t *n,
                   int64_t *total) WUR;
/* user_id (named `field` in the input) NULL unassigns. */
status ticket_assign(core_ctx *cx, const char *id, const char *field, const char *user_id,
                     ticket_row *out) WUR;
status ticket_reply(core_ctx *cx, const char *id, const char *text, const char *const *assets,
                    size_t n_assets, bool is_client, ticket_row *out) WUR;
status ticket_set_state(core_ctx *cx, const char *id, ticket_state s, ticket_row *out) WUR;
status ticket_delete(core_ctx *cx, const char *id) WUR;

/* ---- ticketd's own API (/ticketd/v1): replies by their author, internal notes, the timeline */
typedef struct {
    const char *text;
    bool note; /* an internal note: never a chat message, nor shown by the vendor dialects */
    const char *const *assets;
    size_t n_assets;
} reply_in;

/* A reply (or note) written by the caller (a token's teammate, else a workspace key: no
 * author) to ticket `id`, with reply.created (note.created) and the ticket's updated_at.
 * *out is the reply as store_reply_get reads it: author, assets with signed URLs. text is
 * required (`text`); assets as ticket_reply (`assets`, REASON_BODY_REF when unknown). */
status ticket_post_reply(core_ctx *cx, const char *id, const reply_in *in, reply_row *out) WUR;
/* Reply or note `reply_id` of ticket `id` (ST_NOT_FOUND for either). */
status ticket_reply_get(core_ctx *cx, const char *id, const char *reply_id, reply_row *out) WUR;

/* One item of a ticket's timeline: a reply or note, or an event (its data in the stored keys,
 * ticket_ev_data's TICKET_NAMES_CORE). */
typedef struct {
    timeline_key key; /* where it stands: the cursor after it */
    reply_row *reply; /* or NULL */
    event_row *event; /* or NULL */
} timeline_item;
/* Up to limit (1..LIMIT_PAGE_SIZE) items of ticket `id` after `after`, oldest first: replies,
 * notes and events interleaved by (time, kind, id), a reply's own reply.created / note.created
 * left out. *more: items follow the page. */
status ticket_timeline(core_ctx *cx, const char *id, const timeline_key *after, int64_t limit,
                       timeline_item **items, size_t *n, bool *more) WUR;

/* A ticket opened on an existing chat (Zaia): its owner is the client, its summary the title. */
typedef struct {
    const char *chat_id, *assignee_id, *status;
    opt_str team_id, summary;
} ticket_open_in;

status ticket_open(core_ctx *cx, const ticket_open_in *in, ticket_row *out) WUR;
/* A human takes over: inprogress, circumstance takeover, assigned to assignee_id. Reopens a
 * completed ticket. */
status ticket_takeover(core_ctx *cx, const char *id, const char *assignee_id, ticket_row *out) WUR;
/* Done, by user_id (recorded as the event's actor). */
status ticket_complete(core_ctx *cx, const char *id, const char *user_id, ticket_row *out) WUR;

typedef struct {
    list_in page;
    const char *status; /* required: pending, ongoing or completed */
    uuid_list assignees, chats, responders, versions, tags;
    bool include_removed;
    const char *search; /* NULL or blank: no search */
} details_list_in;

/* ---- the one vocabulary of ticket events ----
 * Types: ticket.created, ticket.assigned, ticket.state_changed, ticket.updated, ticket.deleted,
 * reply.created, note.created (an internal note: reply_id, text, assets; only /ticketd/v1
 * shows it), tag.added, tag.removed (docs/ARCHITECTURE.md).
 * Every event about a ticket is written with these keys, whichever dialect acted (uuids for the
 * things it points at); a face translates them on the way out (ticket_ev_data). The table of
 * names, with Apizee's, is in docs/ARCHITECTURE.md. */
typedef enum {
    TF_TITLE = 0,
    TF_DESCRIPTION,
    TF_STATE,
    TF_CLIENT,   /* client_id: the contact (Tamio client, Zaia chat owner, Apizee requestor) */
    TF_ASSIGNEE, /* assignee_id: the user (teammate, assignee, agent) */
    TF_TEAM,     /* team_id: Zaia's ticketing team, Apizee's group */
    TF_CHAT,
    TF_CATEGORY,
    TF_SUBCATEGORY,
    TF_LANGUAGE,
    TF_CIRCUMSTANCE,
    TF_TYPE,
    TF_REFERENCE,
    TF_SERVICE_KEY,
    TF_START_DATE, /* ms */
    TF_DURATION,   /* minutes */
    TF_REMINDER,   /* minutes */
    TF_SEND_INVITATION,
    TF_ONGOING_AT,   /* ms */
    TF_COMPLETED_AT, /* ms */
    TF_DELETED_AT,   /* ms */
    TF_REPLY_ID,
    TF_TEXT,
    TF_IS_CLIENT_REPLY,
    TF_ASSETS, /* how many assets a reply carries */
    TF_TAG_ID,
    TF_TAG, /* the tag's name */
    TF_COUNT
} ticket_field;

/* The key a field is stored under. */
const char *ticket_field_key(ticket_field f);
/* A field's change in an event being built (before NULL / NULL_INT: null). */
void ticket_ev_str(evdata *e, ticket_field f, const char *before, const char *after);
void ticket_ev_int(evdata *e, ticket_field f, int64_t before, int64_t after);
void ticket_ev_bool(evdata *e, ticket_field f, bool after); /* before: null */
/* Records ticket.created with every field of t, the same keys for every dialect: t carries the
 * uuids it points at (contact_uuid, user_uuid, team_uuid, chat_uuid, category_uuid). */
status ticket_ev_created(core_ctx *cx, const ticket_row *t) WUR;

/* The names a face shows event data under. */
typedef enum { TICKET_NAMES_CORE = 0, TICKET_NAMES_APIZEE } ticket_names;
/* A stored event's data ({"key":{"before":…,"after":…},…}) with its top-level keys in the
 * given names: Apizee's are its Ticket object's (subject, agent, requestor, group, started_at,
 * ended_at), and its times (ms as stored) are ISO 8601 strings. Keys of events written before
 * the one vocabulary (teammate_id, category, subject, agent, requestor, group) are read as
 * their field. Returns data itself when nothing changes, else an arena copy; data that is not
 * a whole JSON object is returned unchanged. */
char *ticket_ev_data(arena *a, char *data, ticket_names names);

/* ---- for core/'s other ticket modules (a dialect calls the operations above) ---- */
/* The ticket a wire id names (`field` in errors), without replies; ST_FORBIDDEN when the
 * caller may not work on it (policy_ticket): every operation on a ticket loads it here. */
status ticket_load(core_ctx *cx, const char *field, const char *id, ticket_row *out) WUR;
/* Moves t to state s with ongoing_at / completed_at, adding the change to e; *changed false
 * when t was in s already. Does not write the row. */
status ticket_enter_state(core_ctx *cx, ticket_row *t, ticket_state s, evdata *e,
                          bool *changed) WUR;
/* Assigns t to u (NULL: nobody) with a ticket.assigned event when it changes. No row write. */
status ticket_set_user(core_ctx *cx, ticket_row *t, const user_row *u, bool *changed) WUR;
/* Appends a reply (and its chat message unless in_chat) with reply.created. */
status ticket_add_reply(core_ctx *cx, ticket_row *t, reply_row *r, const char *text, bool is_client,
                        int64_t user_id, asset_row *assets, size_t n_assets, bool in_chat) WUR;
/* Writes t when changed (bumping updated_at) and loads its replies. */
status ticket_save(core_ctx *cx, ticket_row *t, bool changed) WUR;

status ticket_details(core_ctx *cx, const char *id, ticket_detail_row *out) WUR;
status ticket_details_list(core_ctx *cx, const details_list_in *in, ticket_detail_row **rows,
                           size_t *n) WUR;

#endif
