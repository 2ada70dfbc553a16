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
status ticket_list(core_ctx *cx, const ticket_list_in *in, ticket_row **rows, size_t *n,
                   int64_t *total) WUR;
/* teammate_id NULL unassigns. */
status ticket_assign(core_ctx *cx, const char *id, const char *teammate_id, ticket_row *out) WUR;
status ticket_reply(core_ctx *cx, const char *id, const char *text, const char *const *assets,
                    size_t n_assets, bool is_client, ticket_row *out) WUR;
status ticket_set_state(core_ctx *cx, const char *id, ticket_state s, ticket_row *out) WUR;
status ticket_delete(core_ctx *cx, const char *id) WUR;

#endif
