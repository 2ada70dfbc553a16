/* Video-assistance tickets (Apizee's tickets): a ticket made for a requestor reached by email
 * and/or phone, with an optional agent and group, a schedule (start_date, duration, reminder)
 * and the invitations it sends. The requestor is a client (contact) row shared with the other
 * dialects, found by email or phone, else created. Text fields come as the client sent them and
 * are checked here, naming the field (lengths, E.164 phones, emails, service keys, languages);
 * flags, numbers and dates come typed: api/apizee.c reads them off the wire.
 *
 * Who may do what is core/policy.h's rule, as in every dialect: a user who is not an admin
 * sees and changes only tickets assigned to them or to nobody (ST_FORBIDDEN otherwise, and for
 * user=all). */
#ifndef TICKETD_CORE_ASSIST_H
#define TICKETD_CORE_ASSIST_H

#include "core/core.h"

typedef struct {
    const char *name, *phone, *email, *language, *type, *subject, *reference, *description;
    const char *group, *agent, *agent_template, *requestor_template;
    const char *firstname, *company, *gender, *country, *service_key, *scopes;
    opt_bool send_invitation;   /* default false */
    opt_bool invite_organizer;  /* default true */
    opt_int start_date;         /* ms */
    opt_int duration, reminder; /* minutes, 0..LIMIT_CALL_MINUTES; reminder default 30 */
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
 * else NULL. The list's `type` filter matches the same (store_ticket_query). */
const char *assist_type(const ticket_row *t);

typedef struct {
    opt_int since, until, started_after, ended_before; /* ms */
    opt_int limit;                                     /* 1..LIMIT_PAGE_SIZE, default 10 */
    opt_int offset;                                    /* 0..INT32_MAX, default 0 */
    const char *search, *orderby, *order;
    const char *user, *group, *reference, *type, *requestor, *service_key;
} assist_list_in;
/* medias[i] counts the medias of rows[i]. */
status assist_list(core_ctx *cx, const assist_list_in *in, ticket_row **rows, size_t *n,
                   int64_t *total, int64_t **medias) WUR;

/* limit (default dflt, 1..max) and offset (default 0, 0..INT32_MAX) of a list; a value out of
 * range is ST_INVALID naming limit or offset. */
status assist_paging(diag *d, opt_int limit, opt_int offset, int64_t dflt, int64_t max,
                     int64_t *lim, int64_t *off) WUR;
/* A number named `field` from lo to hi (NULL_INT when absent; else ST_INVALID naming it). */
status assist_range(diag *d, const char *field, opt_int v, int64_t lo, int64_t hi,
                    int64_t *out) WUR;

/* ---- validators (exposed for the unit tests) ---- */
bool assist_is_e164(const char *s);        /* "+" then 8 to 15 digits, no leading 0 */
bool assist_is_service_key(const char *s); /* 32 lower-case letters or digits */
/* Splits "a, b,c" into trimmed non-empty items (arena). */
size_t assist_split(arena *a, const char *list, const char ***out);

#endif
