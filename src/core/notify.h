/* Invitations and reminders of video-assistance tickets (Apizee's send_invitation and
 * reminder): what is queued with a ticket, how its text is made from a template, and the
 * background worker that delivers the queue through net/ (email over SMTP, SMS through an HTTP
 * gateway) and records each outcome with an event. docs/NOTIFICATIONS.md tells the whole story.
 *
 * Queueing (notify_queue) runs inside the ticket's create transaction: the notifications rows
 * and one invitation.queued event per row commit with the ticket or not at all. After the
 * commit the worker is woken. The worker is the only reader of due rows; it writes results
 * through core_txn (the store's single writer), as the system actor.
 *
 * Delivery is at least once: a row is marked sent only after the far end accepted it, so a
 * crash in between sends it again on the next start (the Message-ID stays the same).
 *
 * Thread safety: notify_init before any thread runs; notify_queue from any thread inside a
 * core transaction; notify_register from the main thread before outbox_start. */
#ifndef TICKETD_CORE_NOTIFY_H
#define TICKETD_CORE_NOTIFY_H

#include "core/core.h"

#define NOTIFY_ATTEMPTS_DEFAULT   5
#define NOTIFY_BACKOFF_MS_DEFAULT 30000

typedef struct {
    const char *data_dir;    /* templates are <data_dir>/templates/<name>.txt; NULL: none */
    const char *public_url;  /* base of join links, e.g. http://127.0.0.1:8080 (no trailing /) */
    const char *smtp_url;    /* smtp:// or smtps:// URL; NULL: emails stay queued */
    const char *mail_from;   /* NULL: ticketd@localhost */
    const char *sms_gateway; /* http(s):// URL; NULL: no SMS is queued at all */
    int64_t attempts;        /* 0: NOTIFY_ATTEMPTS_DEFAULT */
    int64_t backoff_ms;      /* 0: NOTIFY_BACKOFF_MS_DEFAULT */
} notify_config;

/* Checks and keeps cfg (its strings borrowed for the life of the process). ST_INVALID naming
 * the option (smtp, mail-from, sms-gateway) that is malformed. Until it is called: built-in
 * templates only, join links on http://127.0.0.1:8080, no SMTP, no SMS, the defaults. */
status notify_init(const notify_config *cfg, diag *d) WUR;

/* ---- templates ---- */
typedef struct {
    const char *subject, *reference, *start_date, *join_url, *requestor_name, *agent_name;
} notify_vars;

typedef struct {
    char *subject, *body; /* arena; {{placeholders}} not yet replaced */
} notify_template;

/* The template named `name` from <data_dir>/templates/<name>.txt: "Subject: …", a blank line,
 * then the body. ST_INVALID naming `field` when the name is not [a-z0-9_-]{1,64}, the file does
 * not exist or is not such a template (or not UTF-8, or over LIMIT_NOTIFY_TEMPLATE), or it uses a
 * placeholder other than those of notify_vars. */
status notify_template_load(core_ctx *cx, const char *field, const char *name,
                            notify_template *out) WUR;
/* A ticket's custom templates, by audience ([0] requestor, [1] agent); NULL: the built-in. */
typedef struct {
    notify_template *custom[2];
} notify_templates;
/* Loads the templates named by requestor_template and agent_template (either may be NULL) with
 * notify_template_load. Call it before the write transaction: it reads files. */
status notify_templates_load(core_ctx *cx, const char *requestor_name, const char *agent_name,
                             notify_templates *out) WUR;
/* The built-in template for an audience ("requestor" or "agent") and kind ("invitation" or
 * "reminder"); whether the ticket has a subject and a start date picks its wording. */
notify_template notify_template_builtin(arena *a, const char *audience, const char *kind,
                                        bool has_subject, bool has_start);
/* text with each {{name}} of v replaced (an absent value by ""); NULL when text names an
 * unknown placeholder. */
char *notify_render(arena *a, const char *text, const notify_vars *v);

/* ---- queueing ---- */
typedef struct {
    const ticket_row *t;                       /* inserted in this transaction */
    const char *const *emails, *const *phones; /* the requestor's */
    size_t n_emails, n_phones;
    const char *requestor_name;
    const user_row *agent;             /* NULL when the ticket has no agent, or it is not invited */
    const notify_templates *templates; /* from notify_templates_load */
    bool send_invitation;              /* false: templates are checked, nothing is queued */
    int64_t reminder_min; /* minutes before t->start_date; 0 or NULL_INT: no reminder */
} notify_in;

/* Checks the templates, then (send_invitation) queues an invitation per requestor email, per
 * requestor phone when an SMS gateway is configured and, to the agent, an email; then the
 * same again as reminders when the ticket has a start_date whose reminder time is still
 * ahead. Each row has its invitation.queued event. Must run inside a core transaction. */
status notify_queue(core_ctx *cx, const notify_in *in) WUR;

/* ---- delivery ---- */
/* The wait before the next attempt after `attempts` failed ones: backoff_ms * 2^(attempts-1),
 * saturating (never negative, at most a day). */
int64_t notify_backoff(int64_t backoff_ms, int64_t attempts);
/* Records one attempt on n (and n itself is updated): ok -> sent + invitation.sent; a failure
 * -> attempts+1 and the next try after notify_backoff, or, at the configured number of
 * attempts or when `permanent`, failed + invitation.failed. Its own transaction. */
status notify_record(core_ctx *cx, notification_row *n, bool ok, bool permanent,
                     const char *error) WUR;
/* Delivers every row due now on the configured channels (at most a batch), recording each;
 * *handled counts the rows attempted. */
status notify_run_due(store *st, size_t *handled) WUR;

/* Registers the invitations with the outbox worker (core/outbox.h: one thread for every kind of
 * queued message), which runs notify_run_due; outbox_start/outbox_stop start and stop it. A
 * transfer in progress at the stop is abandoned (its row stays queued). */
void notify_register(void);
/* Wakes the outbox worker to look for due rows (called after a commit that queued some). */
void notify_wake(void);

#endif
