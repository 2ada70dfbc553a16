/* Tickets as /ticketd/v1 works them (docs/NATIVE.md): a ticket with its tags and version, the
 * keyset-paged list with every filter, a create that takes every field at once, a partial
 * update (present fields change, absent ones stay), deletion, and the inbox counts. Writes
 * compare the caller's If-Match (a ticket_precond) with the ticket's version under a row lock
 * in the write's own transaction, so of two writes holding the same version exactly one wins.
 * Every change records the same events as the other dialects' (core/ticket.h's vocabulary).
 * Results are arena memory of the context. */
#ifndef TICKETD_CORE_TICKET_EDIT_H
#define TICKETD_CORE_TICKET_EDIT_H

#include "core/core.h"

/* An If-Match: unset (no condition), any (`*`: the ticket exists), or versions of which the
 * ticket's must be one. A write whose condition fails is ST_PRECONDITION_FAILED, with the
 * current ticket in the write's out. */
typedef struct {
    bool set, any;
    const int64_t *versions;
    size_t n;
} ticket_precond;

/* The ticket, its tags and version; the policy's read rule applies (ticket_load). */
status ticket_fetch(core_ctx *cx, const char *id, ticket_row *out) WUR;

/* The list. Multi-valued filters are uuid lists (unknown ids match nothing); `assignee` values
 * are teammate uuids, "me" or "none". An agent's list without an assignee filter is its own;
 * naming another teammate is ST_FORBIDDEN (policy_list_user); "none" is allowed (an agent may
 * work unassigned tickets). tags: a ticket must carry every one. */
typedef struct {
    int sort; /* TICKET_SORT_* */
    int64_t limit;
    bool after; /* the cursor's position, decoded by the caller */
    int64_t after_key, after_id;
    const char *const *states; /* validated here against the ten */
    size_t n_states;
    uuid_list assignees; /* uuids, "me", "none" */
    uuid_list teams, categories, clients, tags;
    const char *q;                                              /* full text; NULL: none */
    int64_t created_from, created_to, updated_from, updated_to; /* ms or NULL_INT */
} ticket_find_in;

/* *more: a page follows the n rows (each with its tags). */
status ticket_find(core_ctx *cx, const ticket_find_in *in, ticket_row **rows, size_t *n,
                   bool *more) WUR;

/* A new ticket. client_id or else client_email (a client found by that address, or created
 * with client_name, defaulting to the address). category (optional) auto-assigns its
 * teammate when assignee is absent and gives its language when language is; its automated
 * reply is sent. The description (optional) is the client's first reply. */
typedef struct {
    const char *title, *description;
    const char *client_id, *client_email, *client_name;
    const char *state, *category, *subcategory, *assignee, *team, *language;
    opt_strs tags; /* tag uuids */
} ticket_make_in;

status ticket_make(core_ctx *cx, const ticket_make_in *in, ticket_row *out) WUR;

/* A partial update: title, state, category (null clears), subcategory (null clears), assignee
 * (null unassigns), team (null clears), tags (the whole set). */
typedef struct {
    opt_str title, state, category, subcategory, assignee, team;
    opt_strs tags;
    ticket_precond if_match;
} ticket_patch_in;

status ticket_update(core_ctx *cx, const char *id, const ticket_patch_in *in, ticket_row *out) WUR;
/* Deletes (softly) with ticket.deleted; out: the current ticket when the If-Match fails. */
status ticket_remove(core_ctx *cx, const char *id, const ticket_precond *if_match,
                     ticket_row *out) WUR;

/* The inbox counts, from ticket_counts (no scan): open and closed are every ticket for an
 * administrator and, for an agent, those it may work on (its own and unassigned ones). */
typedef struct {
    int64_t mine_open, unassigned_open, open, closed;
} ticket_views_out;

status ticket_views(core_ctx *cx, ticket_views_out *out) WUR;

#endif
