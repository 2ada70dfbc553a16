/* Video-assistance tickets (Apizee's tickets): a ticket made for a requestor reached by email
 * and/or phone, with an optional agent and group, a schedule (start_date, duration, reminder)
 * and the invitations it sends. The requestor is a client (contact) row shared with the other
 * dialects, found by email or phone, else created. Every field comes in as the client sent it
 * (a string, from a query string, a form or JSON) and is checked here, naming the field.
 *
 * Who may do what is core/policy.h's rule, as in every dialect: a user who is not an admin
 * sees and changes only tickets assigned to them or to nobody (ST_FORBIDDEN otherwise, and for
 * user=all). */
#ifndef TICKETD_CORE_ASSIST_H
#define TICKETD_CORE_ASSIST_H

#include "core/core.h"

typedef struct {
    const char *name, *phone, *email, *language, *type, *subject, *reference, *description;
    const char *group, *agent, *send_invitation, *agent_template, *requestor_template;
    const char *invite_organizer, *start_date, *duration, *reminder, *firstname, *company;
    const char *gender, *country, *service_key, *scopes;
} assist_in;

/* Creates the ticket (201); out is the ticket as read back, with its joins. */
status assist_create(core_ctx *cx, const assist_in *in, ticket_row *out) WUR;

/* PATCH/PUT: fields set are changed (agent, group: "" or null unassigns). */
typedef struct {
    opt_str agent, state, reference, description, subject, group;
} assist_patch;
status assist_update(core_ctx *cx, const char *id, const assist_patch *in) WUR;
status assist_delete(core_ctx *cx, const char *id) WUR;
/* The ticket and how many medias it has; ST_FORBIDDEN per the rule above. */
status assist_get(core_ctx *cx, const char *id, ticket_row *out, int64_t *medias) WUR;
/* Apizee's `type` of t: its own, else the title of its category (a ticket made through Tamio),
 * else NULL. The list's `type` filter matches the same (store_call_list). */
const char *assist_type(const ticket_row *t);

typedef struct {
    const char *since, *until, *started_after, *ended_before, *search, *orderby, *order;
    const char *limit, *offset, *user, *group, *reference, *type, *requestor, *service_key;
} assist_list_in;
/* medias[i] counts the medias of rows[i]. */
status assist_list(core_ctx *cx, const assist_list_in *in, ticket_row **rows, size_t *n,
                   int64_t *total, int64_t **medias) WUR;

/* limit (default dflt, 1..max) and offset (default 0) as Apizee lists take them. */
status assist_paging(diag *d, const char *limit, const char *offset, int64_t dflt, int64_t max,
                     int64_t *lim, int64_t *off) WUR;
/* An ISO 8601 UTC date named `field` (NULL_INT when absent). */
status assist_date(diag *d, const char *field, const char *v, int64_t *ms) WUR;

/* ---- validators (exposed for the unit tests) ---- */
bool assist_is_e164(const char *s);        /* "+" then 8 to 15 digits, no leading 0 */
bool assist_is_service_key(const char *s); /* 32 lower-case letters or digits */
/* Splits "a, b,c" into trimmed non-empty items (arena). */
size_t assist_split(arena *a, const char *list, const char ***out);

#endif
