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

status ticket_details(core_ctx *cx, const char *id, details_row *out) WUR;
status ticket_details_list(core_ctx *cx, const details_list_in *in, details_row **rows,
                           size_t *n) WUR;

#endif
