/* A ticket's export; see export.h. Owns what an export contains and the CSV layout (RFC 4180:
 * CRLF rows, fields with a comma, quote or line break quoted, quotes doubled; a cell starting
 * with = + - @ tab or CR prefixed with ' so no spreadsheet runs it) and what the PDF
 * shows, in which order (doc/pdf.c lays it out). */
#include "core/export.h"

#include <stdio.h>
#include <string.h>

#include "core/assist.h"
#include "core/ticket.h"
#include "doc/doc.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/timeutil.h"

status export_events(core_ctx *cx, const char *id, int64_t offset, int64_t limit, ticket_row *t,
                     event_row **rows, size_t *n, int64_t *total)
{
    status st = ticket_load(cx, "id", id, t);
    return st ? st : store_event_list(cx->db, cx->ws, t->id, offset, limit, cx->a, rows, n, total);
}

/* Appends page after page of a list into one arena array. */
#define GATHER(fetch, T, rows, n)                                                                  \
    do {                                                                                           \
        size_t cap_ = 0;                                                                           \
        for (int64_t off_ = 0, total_ = 1; !st && off_ < total_ && off_ < LIMIT_EXPORT_ROWS;) {    \
            T *page_;                                                                              \
            size_t got_;                                                                           \
            st = fetch;                                                                            \
            for (size_t i_ = 0; !st && i_ < got_; i_++) {                                          \
                rows = arena_grow(cx->a, rows, &cap_, n, sizeof *rows);                            \
                rows[n++] = page_[i_];                                                             \
            }                                                                                      \
            if (!got_) break;                                                                      \
            off_ += (int64_t)got_;                                                                 \
        }                                                                                          \
    } while (0)

status export_load(core_ctx *cx, const char *id, bool timeline, export_data *x)
{
    *x = (export_data){0};
    status st = ticket_load(cx, "id", id, &x->ticket);
    media_filter f = {
        .limit = LIMIT_PAGE_SIZE, .since = NULL_INT, .until = NULL_INT, .user_id = NULL_INT};
    GATHER((f.offset = off_,
            store_media_list(cx->db, cx->ws, x->ticket.id, &f, cx->a, &page_, &got_, &total_)),
           media_row, x->medias, x->n_medias);
    for (size_t i = 0; !st && i < x->n_medias; i++)
        asset_sign_urls(cx, &x->medias[i].asset);
    if (timeline)
        GATHER(store_event_list(cx->db, cx->ws, x->ticket.id, off_, 1000, cx->a, &page_, &got_,
                                &total_),
               event_row, x->events, x->n_events);
    return st;
}

/* ---- CSV ---- */

/* A cell a spreadsheet would run as a formula (OWASP's CSV injection list). */
static bool formula(const char *v)
{
    return v[0] && strchr("=+-@\t\r", v[0]);
}

static status field(buf *b, const char *v, bool first)
{
    status st = first ? ST_OK : buf_puts(b, ",");
    if (st || !v) return st;
    bool quote = strpbrk(v, ",\"\r\n");
    if (quote) st = buf_puts(b, "\"");
    /* a leading ' makes the cell text to Excel, LibreOffice and Sheets; other readers see it */
    if (!st && formula(v)) st = buf_puts(b, "'");
    if (st) return st;
    if (!quote) return buf_puts(b, v);
    for (const char *p = v; !st && *p; p++)
        st = *p == '"' ? buf_puts(b, "\"\"") : buf_append(b, p, 1);
    return st ? st : buf_puts(b, "\"");
}

static const char *iso(core_ctx *cx, int64_t ms)
{
    if (ms == NULL_INT) return NULL;
    char *s = arena_alloc(cx->a, TIME_ISO_LEN + 1);
    time_format_iso(ms, s);
    return s;
}

static const char *num(core_ctx *cx, int64_t v)
{
    return v == NULL_INT ? NULL : arena_printf(cx->a, "%lld", (long long)v);
}

static status row(buf *b, const char *const *v, size_t n)
{
    status st = ST_OK;
    for (size_t i = 0; !st && i < n; i++)
        st = field(b, v[i], i == 0);
    return st ? st : buf_puts(b, "\r\n");
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

status export_csv(core_ctx *cx, const export_data *x, char **csv, size_t *len)
{
    const ticket_row *t = &x->ticket;
    static const char *const head[] = {"id",
                                       "reference",
                                       "type",
                                       "subject",
                                       "description",
                                       "state",
                                       "language",
                                       "agent_id",
                                       "agent_name",
                                       "agent_email",
                                       "group_id",
                                       "group_name",
                                       "requestor_id",
                                       "requestor_name",
                                       "requestor_email",
                                       "requestor_phone",
                                       "service_key",
                                       "start_date",
                                       "duration",
                                       "reminder",
                                       "send_invitation",
                                       "created_at",
                                       "updated_at",
                                       "started_at",
                                       "ended_at",
                                       "medias_count"};
    const char *vals[] = {t->uuid,
                          t->reference,
                          assist_type(t),
                          t->title,
                          t->description,
                          t->state,
                          t->language,
                          t->user_uuid,
                          t->user_name,
                          t->user_email,
                          t->team_uuid,
                          t->team_name,
                          t->contact_uuid,
                          t->contact_name,
                          t->contact_email,
                          t->contact_phone,
                          t->service_key,
                          iso(cx, t->start_date),
                          num(cx, t->duration),
                          num(cx, t->reminder),
                          t->send_invitation ? "true" : "false",
                          iso(cx, t->created_at),
                          iso(cx, t->updated_at),
                          iso(cx, t->ongoing_at),
                          iso(cx, t->completed_at),
                          num(cx, (int64_t)x->n_medias)};
    _Static_assert(N(head) == N(vals), "one value per column");
    buf b;
    buf_init(&b, LIMIT_RESPONSE);
    status st = row(&b, head, N(head));
    if (!st) st = row(&b, vals, N(vals));
    if (!st && x->events) {
        static const char *const ehead[] = {"event_id", "type",       "actor_type",
                                            "actor_id", "created_at", "data"};
        st = buf_puts(&b, "\r\n");
        if (!st) st = row(&b, ehead, N(ehead));
        for (size_t i = 0; !st && i < x->n_events; i++) {
            const event_row *e = &x->events[i];
            const char *ev[] = {
                e->uuid, e->type, e->actor_type, e->actor_id, iso(cx, e->created_at), e->data};
            st = row(&b, ev, N(ev));
        }
    }
    if (st) {
        buf_release(&b);
        return diag_set(cx->d, st, "", "the export is too large");
    }
    *len = b.len;
    *csv = b.data ? b.data : NULL;
    return ST_OK;
}

/* ---- PDF ---- */

typedef struct {
    core_ctx *cx;
    doc_line *v;
    size_t n, cap;
} lines;

static void put(lines *l, doc_style style, const char *label, const char *text)
{
    l->v = arena_grow(l->cx->a, l->v, &l->cap, l->n, sizeof *l->v);
    l->v[l->n++] = (doc_line){.style = style, .label = label, .text = text};
}

static const char *person(core_ctx *cx, const char *name, const char *email)
{
    if (!name || !email) return name ? name : email;
    return arena_printf(cx->a, "%s <%s>", name, email);
}

status export_pdf(core_ctx *cx, const export_data *x, asset_blob *out)
{
    ticket_row t = x->ticket;
    status st = store_ticket_load_replies(cx->db, &t, 1, cx->a);
    if (st) return st;
    lines l = {.cx = cx};
    const char *title = t.title && *t.title ? t.title : arena_printf(cx->a, "Ticket %s", t.uuid);
    put(&l, DOC_TITLE, NULL, title);
    put(&l, DOC_NOTE, NULL,
        arena_printf(cx->a, "Ticket %s, exported %s", t.uuid, iso(cx, cx->now)));
    put(&l, DOC_HEADING, NULL, "Ticket");
    put(&l, DOC_FIELD, "Reference", t.reference);
    put(&l, DOC_FIELD, "Type", assist_type(&t));
    put(&l, DOC_FIELD, "State", t.state);
    put(&l, DOC_FIELD, "Language", t.language);
    put(&l, DOC_FIELD, "Agent", person(cx, t.user_name, t.user_email));
    put(&l, DOC_FIELD, "Group", t.team_name);
    put(&l, DOC_FIELD, "Service key", t.service_key);
    put(&l, DOC_FIELD, "Start date", iso(cx, t.start_date));
    put(&l, DOC_FIELD, "Duration (minutes)", num(cx, t.duration));
    put(&l, DOC_FIELD, "Reminder (minutes)", num(cx, t.reminder));
    put(&l, DOC_FIELD, "Send invitation", t.send_invitation ? "yes" : "no");
    put(&l, DOC_FIELD, "Created", iso(cx, t.created_at));
    put(&l, DOC_FIELD, "Updated", iso(cx, t.updated_at));
    put(&l, DOC_FIELD, "Started", iso(cx, t.ongoing_at));
    put(&l, DOC_FIELD, "Ended", iso(cx, t.completed_at));
    put(&l, DOC_HEADING, NULL, "Requestor");
    put(&l, DOC_FIELD, "Name", t.contact_name);
    put(&l, DOC_FIELD, "First name", t.contact_firstname);
    put(&l, DOC_FIELD, "Email", t.contact_email);
    put(&l, DOC_FIELD, "Phone", t.contact_phone);
    put(&l, DOC_FIELD, "Company", t.contact_company);
    put(&l, DOC_FIELD, "Gender", t.contact_gender);
    put(&l, DOC_FIELD, "Country", t.contact_country);
    if (t.description && *t.description) {
        put(&l, DOC_HEADING, NULL, "Description");
        put(&l, DOC_TEXT, NULL, t.description);
    }
    put(&l, DOC_HEADING, NULL, arena_printf(cx->a, "Replies (%zu)", t.n_replies));
    for (size_t i = 0; i < t.n_replies; i++) {
        const reply_row *r = &t.replies[i];
        put(&l, DOC_NOTE, NULL,
            arena_printf(cx->a, "%s, %s", r->is_client ? "Requestor" : "Agent",
                         iso(cx, r->created_at)));
        put(&l, DOC_TEXT, NULL, r->text);
    }
    put(&l, DOC_HEADING, NULL, arena_printf(cx->a, "Medias (%zu)", x->n_medias));
    for (size_t i = 0; i < x->n_medias; i++) {
        const media_row *m = &x->medias[i];
        put(&l, DOC_FIELD, m->asset.filename,
            arena_printf(cx->a, "%s, %lld bytes, %s, %s", m->asset.type,
                         (long long)m->asset.filesize, m->source, iso(cx, m->created_at)));
    }
    if (x->events) {
        put(&l, DOC_HEADING, NULL, arena_printf(cx->a, "Timeline (%zu events)", x->n_events));
        for (size_t i = 0; i < x->n_events; i++) {
            const event_row *e = &x->events[i];
            put(&l, DOC_NOTE, NULL,
                arena_printf(cx->a, "%s  %s  by %s %s", iso(cx, e->created_at), e->type,
                             e->actor_type, e->actor_id ? e->actor_id : ""));
            put(&l, DOC_TEXT, NULL, e->data);
        }
    }
    char *tmp = asset_temp_path(cx);
    if ((st = doc_pdf_write(tmp, title, l.v, l.n, cx->d))) return st;
    return asset_temp_open(cx, tmp, "application/pdf", arena_printf(cx->a, "%s.pdf", t.uuid), out);
}
