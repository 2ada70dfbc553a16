/* The access policy: the one place that decides what a caller may read and change, whatever
 * dialect it speaks. A workspace API key (or the system) is an administrator; a bearer token
 * acts as its teammate, with that teammate's role.
 *
 * Two levels, both here:
 * - By route: every route of every dialect declares the resource it touches and the operation
 *   (api_route.res / .op); the dispatcher calls policy_route before the handler runs, so a
 *   route that declares nothing is refused to everyone (and api_init refuses to start).
 * - By object, from core/: a ticket an agent may not work on (policy_ticket, called by
 *   ticket_load, which every ticket operation of every dialect goes through), a teammate record
 *   an agent may not change (policy_teammate), a list an agent may not widen (policy_list_user),
 *   a file without a signature (policy_file_unsigned).
 *
 * The rules for a teammate whose role is not admin (an "agent"):
 * - tickets: read, change and delete only those assigned to them or to nobody; create any;
 *   lists default to their own tickets, and another teammate's (or all) is refused;
 * - clients (contacts, external users) and chats: read, create and change; never delete;
 * - teammates: read; change only their own record (profile, password), never a role;
 * - workspace settings (categories, plans, channels, responders, tags, teams) and assets'
 *   deletion: read only;
 * - files: only through a signed URL;
 * - webhooks (their secrets and delivery log): nothing, not even a read.
 * Refusals are ST_FORBIDDEN with the field at fault (each dialect answers its 403 shape). */
#ifndef TICKETD_CORE_POLICY_H
#define TICKETD_CORE_POLICY_H

#include "core/core.h"

typedef enum {
    RES_UNDECLARED = 0, /* a route that forgot to declare: refused */
    RES_PUBLIC,         /* no caller to check (health, the token grant, signed files) */
    RES_TICKET,   /* tickets and what hangs off them: replies, tags, medias, events, exports */
    RES_CLIENT,   /* clients, external users */
    RES_CHAT,     /* chats and their messages */
    RES_TEAMMATE, /* teammates, platform users */
    RES_SETTINGS, /* categories, plans, channels, responders, tags, teams */
    RES_ASSET,    /* uploaded files */
    RES_FILE,     /* /files/…: a file's bytes */
    RES_WEBHOOK,  /* webhooks, their secrets and delivery log: admins and keys, reads too */
    RES_COUNT
} policy_resource;

typedef enum { OP_READ = 0, OP_CREATE, OP_CHANGE, OP_DELETE, OP_COUNT } policy_op;

const char *policy_resource_name(policy_resource r);
const char *policy_op_name(policy_op op);

/* May the caller of cx do op on res at all? ST_FORBIDDEN (diag filled) when not; objects are
 * checked again by the functions below. */
status policy_route(const core_ctx *cx, policy_resource res, policy_op op) WUR;

/* May the caller read or change this ticket? (user_id: its assignee, NULL_INT for nobody). */
status policy_ticket(const core_ctx *cx, int64_t assignee_id) WUR;
/* May the caller work in a chat, n_others of whose tickets are assigned to other teammates?
 * (An agent: only when none is.) */
status policy_chat(const core_ctx *cx, int64_t n_others) WUR;
/* Ticket lists: *user_id is the assignee filter asked for (NULL_INT: none; `all`: every
 * ticket, admins only). An agent's list without a filter becomes their own; a filter naming
 * someone else (or all) is ST_FORBIDDEN naming `field`. */
status policy_list_user(const core_ctx *cx, const char *field, bool all, int64_t *user_id) WUR;
/* May the caller change teammate `target_id`'s record (and its role, when role_set)? */
status policy_teammate(const core_ctx *cx, int64_t target_id, bool role_set) WUR;
/* May the caller record teammate user_id (named `field`) as the one who acted? An agent only
 * itself; a key or an admin anyone. */
status policy_act_as(const core_ctx *cx, const char *field, int64_t user_id) WUR;
/* May the caller open a file without a signed URL? (A workspace key or an admin.) */
bool policy_file_unsigned(const core_ctx *cx);

#endif
