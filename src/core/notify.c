/* Invitations and reminders; see notify.h. Owns the notification rules (who receives what, when,
 * on which channel), the templates and their placeholders, the retry schedule, and the
 * delivery worker thread. The SQL is store/notify.c's; the wire (SMTP, the SMS gateway) is
 * net/'s. Called by core/assist.c inside a ticket's create, and by main.c to start and stop
 * the worker. */
#include "core/notify.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/outbox.h"
#include "net/net.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

/* The worker claims one due row at a time in a write transaction that moves its next_at a lease
 * ahead, so no other worker (another node on the same database) takes it meanwhile; the lease
 * outlasts one delivery (libcurl gives up after 10 s to connect, 30 s in all). A node that dies
 * mid-delivery leaves the row to be tried again once the lease ends (at least once). */
#define DUE_BATCH      1
#define CLAIM_LEASE_MS 60000
#define DAY_MS         86400000LL

static notify_config config = {.public_url = "http://127.0.0.1:8080",
                               .mail_from = "ticketd@localhost",
                               .attempts = NOTIFY_ATTEMPTS_DEFAULT,
                               .backoff_ms = NOTIFY_BACKOFF_MS_DEFAULT};

/* The delivery state: the outbox worker (core/outbox.c) runs notify_run_due on its thread. */
static struct {
    atomic_bool *stop; /* the outbox worker's; NULL outside it (unit tests) */
    net_config net;
} worker;

static bool stopping(void)
{
    return worker.stop && atomic_load(worker.stop);
}

static bool has_prefix(const char *s, const char *p)
{
    return s && strncmp(s, p, strlen(p)) == 0;
}

status notify_init(const notify_config *cfg, diag *d)
{
    if (cfg->smtp_url && !has_prefix(cfg->smtp_url, "smtp://") &&
        !has_prefix(cfg->smtp_url, "smtps://"))
        return diag_set(d, ST_INVALID, "smtp", "must be an smtp:// or smtps:// URL");
    if (cfg->sms_gateway && !has_prefix(cfg->sms_gateway, "http://") &&
        !has_prefix(cfg->sms_gateway, "https://"))
        return diag_set(d, ST_INVALID, "sms-gateway", "must be an http:// or https:// URL");
    if (cfg->mail_from && !net_address_ok(cfg->mail_from))
        return diag_set(d, ST_INVALID, "mail-from", "must be a plain address such as a@b.example");
    notify_config c = *cfg;
    if (!c.public_url) c.public_url = config.public_url;
    if (!c.mail_from) c.mail_from = "ticketd@localhost";
    if (c.attempts <= 0) c.attempts = NOTIFY_ATTEMPTS_DEFAULT;
    if (c.backoff_ms <= 0) c.backoff_ms = NOTIFY_BACKOFF_MS_DEFAULT;
    if (c.smtp_url && !*c.smtp_url) c.smtp_url = NULL;
    if (c.sms_gateway && !*c.sms_gateway) c.sms_gateway = NULL;
    config = c;
    return ST_OK;
}

/* ---- templates ---- */

static bool template_name_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
              s[n] == '-'))
            return false;
    return n >= 1 && n <= LIMIT_NOTIFY_TEMPLATE_NAME;
}

/* The value of placeholder [p, p+n) in v; false when there is no such placeholder. */
static bool placeholder(const notify_vars *v, const char *p, size_t n, const char **out)
{
    static const struct {
        const char *name;
        size_t off;
    } names[] = {
        {"subject", offsetof(notify_vars, subject)},
        {"reference", offsetof(notify_vars, reference)},
        {"start_date", offsetof(notify_vars, start_date)},
        {"join_url", offsetof(notify_vars, join_url)},
        {"requestor_name", offsetof(notify_vars, requestor_name)},
        {"agent_name", offsetof(notify_vars, agent_name)},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && !memcmp(names[i].name, p, n)) {
            *out = *(const char *const *)((const char *)v + names[i].off);
            return true;
        }
    return false;
}

char *notify_render(arena *a, const char *text, const notify_vars *v)
{
    buf b;
    buf_init(&b, 4 * (LIMIT_NOTIFY_TEMPLATE + 4 * LIMIT_TEXT_CHARS));
    status st = ST_OK;
    char *out = NULL;
    for (const char *p = text; !st && *p;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!open || !close) {
            st = buf_puts(&b, p);
            break;
        }
        const char *value;
        if (!placeholder(v, open + 2, (size_t)(close - open - 2), &value)) goto out;
        st = buf_append(&b, p, (size_t)(open - p));
        if (!st && value) st = buf_puts(&b, value);
        p = close + 2;
    }
    if (!st) out = arena_strndup(a, b.data ? b.data : "", b.len);
out:
    buf_release(&b);
    return out;
}

/* Splits "Subject: …\n\nbody" (CRLF allowed); false when it is not that shape. */
static bool split_template(arena *a, const char *text, notify_template *out)
{
    if (strncmp(text, "Subject:", 8)) return false;
    const char *s = text + 8, *eol = strchr(s, '\n');
    if (!eol) return false;
    while (*s == ' ' || *s == '\t')
        s++;
    const char *e = eol;
    if (e > s && e[-1] == '\r') e--;
    const char *body = eol + 1;
    if (*body == '\r') body++;
    if (*body != '\n') return false;
    out->subject = arena_strndup(a, s, (size_t)(e - s));
    out->body = arena_strdup(a, body + 1);
    return true;
}

status notify_template_load(core_ctx *cx, const char *field, const char *name, notify_template *out)
{
    if (!template_name_ok(name))
        return diag_set(cx->d, ST_INVALID, field,
                        "must be a template name of 1 to 64 a-z, 0-9, _ or -");
    char path[4096];
    FILE *f = NULL;
    status st = ST_OK;
    if (config.data_dir) {
        snprintf(path, sizeof path, "%s/templates/%s.txt", config.data_dir, name);
        f = fopen(path, "rb");
    }
    if (!f) return diag_set(cx->d, ST_INVALID, field, "names no template (%s.txt)", name);
    char *text = arena_alloc(cx->a, LIMIT_NOTIFY_TEMPLATE + 1);
    size_t n = fread(text, 1, LIMIT_NOTIFY_TEMPLATE + 1, f);
    bool failed = ferror(f);
    fclose(f);
    text[n <= LIMIT_NOTIFY_TEMPLATE ? n : LIMIT_NOTIFY_TEMPLATE] = '\0';
    notify_vars probe = {0};
    if (failed)
        st = diag_set(cx->d, ST_INVALID, field, "template %s cannot be read", name);
    else if (n > LIMIT_NOTIFY_TEMPLATE)
        st = diag_set(cx->d, ST_INVALID, field, "template %s is over %d bytes", name,
                      LIMIT_NOTIFY_TEMPLATE);
    else if (memchr(text, '\0', n) || !text_utf8_valid(text, n))
        st = diag_set(cx->d, ST_INVALID, field, "template %s is not UTF-8 text", name);
    else if (!split_template(cx->a, text, out))
        st = diag_set(cx->d, ST_INVALID, field,
                      "template %s must start with a Subject: line and a blank line", name);
    else if (!notify_render(cx->a, out->subject, &probe) ||
             !notify_render(cx->a, out->body, &probe))
        st = diag_set(cx->d, ST_INVALID, field,
                      "template %s uses an unknown {{placeholder}} (known: subject, reference, "
                      "start_date, join_url, requestor_name, agent_name)",
                      name);
    return st;
}

notify_template notify_template_builtin(arena *a, const char *audience, const char *kind,
                                        bool has_subject, bool has_start)
{
    bool agent = !strcmp(audience, "agent"), reminder = !strcmp(kind, "reminder");
    const char *what = has_subject ? "Video call: {{subject}}" : "Video call";
    const char *when = has_start ? "When: {{start_date}}\n" : "";
    notify_template t;
    t.subject = arena_printf(a, "%s%s", reminder ? "Reminder: " : "", what);
    if (agent)
        t.body = arena_printf(
            a,
            "Hello {{agent_name}},\n\n%s {{requestor_name}}.\n%s"
            "Reference: {{reference}}\n\nJoin the call: {{join_url}}\n",
            reminder ? "Your video call is coming up with" : "You have a video call with", when);
    else
        t.body =
            arena_printf(a, "Hello {{requestor_name}},\n\n%s\n%s\nJoin the call: {{join_url}}\n",
                         reminder ? "This is a reminder of your video call."
                                  : "You are invited to a video call.",
                         when);
    return t;
}

/* ---- queueing ---- */

typedef struct {
    const notify_in *in;
    notify_vars vars;
    notify_template tpl[2][2]; /* [agent][reminder] */
} queue_state;

/* Subjects stay on one line whatever the values put in them. */
static char *one_line(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == '\t') *p = ' ';
    return s;
}

static status add_row(core_ctx *cx, queue_state *q, const char *kind, const char *channel,
                      const char *audience, const char *recipient, int64_t next_at)
{
    bool agent = !strcmp(audience, "agent"), reminder = !strcmp(kind, "reminder");
    const notify_template *t = &q->tpl[agent][reminder];
    char *subject = notify_render(cx->a, t->subject, &q->vars);
    char *body = notify_render(cx->a, t->body, &q->vars);
    BUG_ON(!subject || !body); /* templates are checked when loaded */
    one_line(subject);
    if (!strcmp(channel, "sms")) body = arena_printf(cx->a, "%s\n%s", subject, q->vars.join_url);
    notification_row n = {
        .ticket_id = q->in->t->id,
        .kind = (char *)kind,
        .channel = (char *)channel,
        .audience = (char *)audience,
        .recipient = (char *)recipient,
        .subject = subject,
        .body = body,
        .status = "queued",
        .next_at = next_at,
        .sent_at = NULL_INT,
        .created_at = cx->now,
    };
    uuid_v4(n.uuid);
    status st = store_notification_insert(cx->db, cx->ws, &n);
    if (st) return diag_set(cx->d, st, "", "cannot queue a notification");
    evdata e;
    ev_init(&e);
    ev_str(&e, "notification", NULL, n.uuid);
    ev_str(&e, "kind", NULL, kind);
    ev_str(&e, "channel", NULL, channel);
    ev_str(&e, "audience", NULL, audience);
    ev_str(&e, "recipient", NULL, recipient);
    ev_int(&e, "next_at", NULL_INT, next_at);
    return ev_commit(cx, q->in->t->id, "invitation.queued", &e);
}

/* One kind (invitation or reminder) to every recipient, due at next_at. */
static status add_kind(core_ctx *cx, queue_state *q, const char *kind, int64_t next_at)
{
    const notify_in *in = q->in;
    status st = ST_OK;
    for (size_t i = 0; !st && i < in->n_emails; i++)
        st = add_row(cx, q, kind, "email", "requestor", in->emails[i], next_at);
    for (size_t i = 0; !st && config.sms_gateway && i < in->n_phones; i++)
        st = add_row(cx, q, kind, "sms", "requestor", in->phones[i], next_at);
    if (!st && in->agent && in->agent->email && *in->agent->email)
        st = add_row(cx, q, kind, "email", "agent", in->agent->email, next_at);
    return st;
}

static void wake_after_commit(db *c, void *arg)
{
    (void)c, (void)arg;
    notify_wake();
}

status notify_templates_load(core_ctx *cx, const char *requestor_name, const char *agent_name,
                             notify_templates *out)
{
    const char *names[2] = {requestor_name, agent_name};
    const char *fields[2] = {"requestor_template", "agent_template"};
    *out = (notify_templates){0};
    for (int a = 0; a < 2; a++) {
        if (!names[a]) continue;
        out->custom[a] = ARENA_NEW(cx->a, notify_template);
        status st = notify_template_load(cx, fields[a], names[a], out->custom[a]);
        if (st) return st;
    }
    return ST_OK;
}

status notify_queue(core_ctx *cx, const notify_in *in)
{
    const ticket_row *t = in->t;
    queue_state q = {.in = in};
    bool has_subject = t->title && *t->title, has_start = t->start_date != NULL_INT;
    static const char *const audiences[] = {"requestor", "agent"};
    static const char *const kinds[] = {"invitation", "reminder"};
    for (int a = 0; a < 2; a++) {
        const notify_template *custom = in->templates ? in->templates->custom[a] : NULL;
        if (custom) {
            q.tpl[a][0] = *custom;
            q.tpl[a][1] = (notify_template){arena_printf(cx->a, "Reminder: %s", custom->subject),
                                            custom->body};
        } else {
            for (int k = 0; k < 2; k++)
                q.tpl[a][k] =
                    notify_template_builtin(cx->a, audiences[a], kinds[k], has_subject, has_start);
        }
    }
    if (!in->send_invitation) return ST_OK;

    char start[TIME_ISO_LEN + 1] = "";
    if (has_start) time_format_iso(t->start_date, start);
    const user_row *ag = in->agent;
    q.vars = (notify_vars){
        .subject = t->title,
        .reference = t->reference,
        .start_date = start,
        .join_url = arena_printf(cx->a, "%s/join/%s", config.public_url, t->uuid),
        .requestor_name = in->requestor_name,
        .agent_name = !ag ? NULL
                      : ag->last_name && *ag->last_name
                          ? arena_printf(cx->a, "%s %s", ag->name, ag->last_name)
                          : ag->name,
    };
    status st = add_kind(cx, &q, "invitation", cx->now);
    int64_t remind_at = has_start && in->reminder_min != NULL_INT && in->reminder_min > 0
                            ? t->start_date - in->reminder_min * 60000
                            : NULL_INT;
    /* A reminder whose time has passed would arrive with the invitation: not queued. */
    if (!st && remind_at != NULL_INT && remind_at > cx->now)
        st = add_kind(cx, &q, "reminder", remind_at);
    if (!st) core_after_commit(cx, wake_after_commit, NULL);
    return st;
}

/* ---- recording outcomes ---- */

int64_t notify_backoff(int64_t backoff_ms, int64_t attempts)
{
    /* The outbox's schedule without its jitter: invitations keep their documented times. */
    return outbox_backoff(backoff_ms, attempts, DAY_MS, 0);
}

typedef struct {
    notification_row *n;
    bool ok, permanent;
    const char *error;
} record_arg;

static status do_record(core_ctx *cx, void *p)
{
    record_arg *r = p;
    notification_row *n = r->n;
    int64_t before = n->attempts;
    n->attempts++;
    const char *type = NULL;
    if (r->ok) {
        n->status = "sent";
        n->sent_at = cx->now;
        n->last_error = NULL;
        type = "invitation.sent";
    } else {
        n->last_error = arena_strdup(cx->a, r->error && *r->error ? r->error : "failed");
        if (r->permanent || n->attempts >= config.attempts) {
            n->status = "failed";
            type = "invitation.failed";
        } else {
            n->next_at = cx->now + notify_backoff(config.backoff_ms, n->attempts);
        }
    }
    status st = store_notification_update(cx->db, n);
    if (st) return diag_set(cx->d, st, "", "cannot record a delivery");
    if (!type) return ST_OK;
    evdata e;
    ev_init(&e);
    ev_str(&e, "notification", NULL, n->uuid);
    ev_str(&e, "kind", NULL, n->kind);
    ev_str(&e, "channel", NULL, n->channel);
    ev_str(&e, "audience", NULL, n->audience);
    ev_str(&e, "recipient", NULL, n->recipient);
    ev_str(&e, "status", "queued", n->status);
    ev_int(&e, "attempts", before, n->attempts);
    if (!r->ok) ev_str(&e, "error", NULL, n->last_error);
    return ev_commit(cx, n->ticket_id, type, &e);
}

status notify_record(core_ctx *cx, notification_row *n, bool ok, bool permanent, const char *error)
{
    record_arg r = {.n = n, .ok = ok, .permanent = permanent, .error = error};
    cx->ws = n->ws;
    cx->actor = ACTOR_SYSTEM;
    cx->now = time_now_ms();
    return core_txn(cx, do_record, &r);
}

/* ---- the worker ---- */

static status deliver(const notification_row *n, diag *d)
{
    if (!strcmp(n->channel, "sms")) return net_sms_send(&worker.net, n->recipient, n->body, d);
    net_mail m = {.from = config.mail_from,
                  .to = n->recipient,
                  .subject = n->subject,
                  .body = n->body,
                  .id = n->uuid,
                  .date_ms = time_now_ms()};
    return net_mail_send(&worker.net, &m, d);
}

typedef struct {
    notification_row *rows;
    size_t n;
    bool release; /* put next_at back instead */
} claim_arg;

static status do_claim(core_ctx *cx, void *p)
{
    claim_arg *c = p;
    status st = ST_OK;
    if (!c->release)
        st = store_notification_due(cx->db, cx->now, config.smtp_url != NULL,
                                    config.sms_gateway != NULL, DUE_BATCH, cx->a, &c->rows, &c->n);
    for (size_t i = 0; !st && i < c->n; i++)
        st = store_notification_set_next(
            cx->db, c->rows[i].id, c->release ? c->rows[i].next_at : cx->now + CLAIM_LEASE_MS);
    return st;
}

static status claim(core_ctx *cx, claim_arg *c)
{
    cx->ws = 0; /* rows of every workspace */
    cx->actor = ACTOR_SYSTEM;
    cx->now = time_now_ms();
    return core_txn(cx, do_claim, c);
}

status notify_run_due(store *st, size_t *handled)
{
    *handled = 0;
    arena *a = arena_new(16 * 1024);
    diag d = {0};
    core_ctx cx;
    notification_row *rows = NULL;
    size_t n = 0;
    claim_arg c = {0};
    status s = core_ctx_init(&cx, st, a, &d);
    if (!s) s = claim(&cx, &c);
    rows = c.rows;
    n = c.n;
    worker.net.smtp_url = config.smtp_url;
    worker.net.sms_url = config.sms_gateway;
    worker.net.from = config.mail_from;
    worker.net.cancel = worker.stop;
    for (size_t i = 0; !s && i < n && !stopping(); i++) {
        diag why = {0};
        status sent = deliver(&rows[i], &why);
        /* Stopping mid-transfer: the row goes back as it was and out after the restart. */
        if (sent && stopping()) {
            claim_arg back = {.rows = rows + i, .n = n - i, .release = true};
            if (claim(&cx, &back))
                log_error("notify: cannot release notification %s", rows[i].uuid);
            break;
        }
        if (sent)
            log_info("notify: %s %s to %s failed: %s", rows[i].kind, rows[i].channel,
                     rows[i].recipient, why.msg);
        memset(&d, 0, sizeof d);
        s = notify_record(&cx, &rows[i], sent == ST_OK, sent == ST_INVALID, why.msg);
        if (s) {
            log_error("notify: cannot record notification %s: %s", rows[i].uuid, d.msg);
        } else {
            (*handled)++;
            outbox_count(OUTBOX_INVITATION, sent == ST_OK, !strcmp(rows[i].status, "failed"));
        }
    }
    arena_free(a);
    return s;
}

/* When the earliest queued row on a configured channel is due; NULL_INT when none is. */
static status next_due(store *st, int64_t *at)
{
    *at = NULL_INT;
    db *c = store_conn(st);
    if (!c) return ST_INTERNAL;
    status s = store_notification_next(c, config.smtp_url != NULL, config.sms_gateway != NULL, at);
    if (s == ST_NOT_FOUND) *at = NULL_INT;
    return s == ST_NOT_FOUND ? ST_OK : s;
}

static status run_kind(store *st, atomic_bool *stop, size_t *handled)
{
    worker.stop = stop;
    return notify_run_due(st, handled);
}

static const outbox_kind kind = {OUTBOX_INVITATION, "invitation", run_kind, next_due};

void notify_register(void)
{
    outbox_register(&kind);
    log_info("notify: invitations through the outbox worker (email %s, sms %s)",
             config.smtp_url ? "on" : "not configured: stays queued",
             config.sms_gateway ? "on" : "not configured");
}

void notify_wake(void)
{
    outbox_wake();
}
