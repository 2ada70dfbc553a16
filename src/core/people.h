/* Teammates (users), clients (contacts) and billing plans: the people and plans a ticket
 * refers to. One row each, whatever dialect made it. Create and update validate every field
 * and name the one at fault; deleting something a ticket, category or client still refers to
 * is ST_CONFLICT. Results are arena memory of the context. */
#ifndef TICKETD_CORE_PEOPLE_H
#define TICKETD_CORE_PEOPLE_H

#include "core/core.h"

typedef struct {
    opt_str name, last_name, email, username, role, country, password, picture;
    /* active_set false: absent (a new teammate is active). Deactivating (admins only, never
     * oneself) ends the teammate's sessions and revokes its tokens in the same write. */
    bool active_set, active;
} user_in;

status user_create(core_ctx *cx, const user_in *in, user_row *out) WUR;
status user_update(core_ctx *cx, const char *id, const user_in *in, user_row *out) WUR;
status user_get(core_ctx *cx, const char *id, user_row *out) WUR;
status user_delete(core_ctx *cx, const char *id) WUR;
/* total NULL: not counted. */
status user_list(core_ctx *cx, const list_in *in, user_row **rows, size_t *n, int64_t *total) WUR;
/* permissions derived from the role, for rendering */
const char *user_permission(const user_row *u);

typedef struct {
    opt_str name, email, country, plan; /* plan: a billing plan id or null */
    opt_str identifier;
    int is_blocked;     /* -1 absent, 0, 1 */
    bool require_email; /* the dialect documents email as required (Tamio) */
} contact_in;

status contact_create(core_ctx *cx, const contact_in *in, contact_row *out) WUR;
status contact_update(core_ctx *cx, const char *id, const contact_in *in, contact_row *out) WUR;
status contact_get(core_ctx *cx, const char *id, contact_row *out) WUR;
status contact_delete(core_ctx *cx, const char *id) WUR;
status contact_list(core_ctx *cx, const list_in *in, contact_row **rows, size_t *n,
                    int64_t *total) WUR;

typedef struct {
    const char *name;
    const char *attrs; /* JSON object text of the other fields, kept as given */
} plan_in;

status plan_create(core_ctx *cx, const plan_in *in, plan_row *out) WUR;
status plan_delete(core_ctx *cx, const char *id) WUR;
status plan_list(core_ctx *cx, const list_in *in, plan_row **rows, size_t *n, int64_t *total) WUR;
/* Resolves a billing plan id given in `field`; REASON_PLAN_UNKNOWN when it does not exist. */
status plan_resolve(core_ctx *cx, const char *field, const char *id, plan_row *out) WUR;

#endif
