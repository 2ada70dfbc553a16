/* Medias; see media.h. Owns the rules of a ticket's files: sources, tags, the list's filters
 * and defaults, and the zip of them all. Files themselves are assets (core/asset.c). */
#include "core/media.h"

#include <string.h>

#include "core/assist.h"
#include "core/export.h"
#include "core/ticket.h"
#include "doc/doc.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/text.h"

static const char *const sources[] = {"snapshot", "recording", "upload", NULL};
static const char *const types[] = {"image", "video", "audio", "document", NULL};
static const char *const statuses[] = {"pending", "completed", "failed", NULL};

/* ",a,b," from "a, b": each tag 1..64 characters; stored between commas so a filter can match
 * a whole tag. */
static status tag_list(core_ctx *cx, const char *v, char **out)
{
    const char **tags;
    size_t n = assist_split(cx->a, v, &tags);
    size_t len = 2;
    for (size_t i = 0; i < n; i++) {
        status st = check_text(cx->d, "tag", tags[i], true, LIMIT_MEDIA_TAG_CHARS);
        if (st) return st;
        len += strlen(tags[i]) + 1;
    }
    char *s = arena_alloc(cx->a, len + 1), *p = s;
    *p++ = ',';
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(tags[i]);
        memcpy(p, tags[i], k);
        p += k;
        *p++ = ',';
    }
    *p = '\0';
    *out = n ? s : "";
    return ST_OK;
}

static status do_create(core_ctx *cx, void *p)
{
    const write_arg *w = p;
    const media_in *in = w->in;
    media_row *m = w->out;
    ticket_row t;
    status st = ticket_load(cx, "id", w->id, &t);
    if (!st && in->source.v) st = check_enum(cx->d, "source", in->source.v, sources);
    if (!st) st = check_text(cx->d, "title", in->title.v, false, LIMIT_NAME_CHARS);
    char *tags = "";
    if (!st && in->tag.v) st = tag_list(cx, in->tag.v, &tags);
    asset_in ai = {.file = in->file};
    if (!st) st = asset_create(cx, &ai, &m->asset);
    if (st) return st;
    *m = (media_row){
        .ticket_id = t.id,
        .asset_id = m->asset.id,
        .user_id = cx->user_id ? cx->user_id : NULL_INT,
        .user_uuid = cx->user_id ? cx->actor_id : NULL,
        .title = (char *)(in->title.v && *in->title.v ? in->title.v : m->asset.filename),
        .source = (char *)(in->source.v ? in->source.v : "upload"),
        .status = "completed",
        .tags = tags,
        .created_at = cx->now,
        .updated_at = cx->now,
        .asset = m->asset,
    };
    uuid_v4(m->uuid);
    if ((st = store_media_insert(cx->db, cx->ws, m))) return st;
    evdata e;
    ev_init(&e);
    ev_str(&e, "media_id", NULL, m->uuid);
    ev_str(&e, "filename", NULL, m->asset.filename);
    ev_str(&e, "media_type", NULL, m->asset.type);
    ev_str(&e, "source", NULL, m->source);
    ev_int(&e, "size", NULL_INT, m->asset.filesize);
    return ev_commit(cx, t.id, "media.created", &e);
}

CORE_WRITE(media_create(core_ctx *cx, const char *ticket_id, const media_in *in, media_row *out),
           do_create, ticket_id, in, out)

status media_list(core_ctx *cx, const char *ticket_id, const media_list_in *in, media_row **rows,
                  size_t *n, int64_t *total)
{
    diag *d = cx->d;
    ticket_row t;
    media_filter f = {.user_id = NULL_INT};
    *n = 0;
    *total = 0;
    *rows = NULL;
    status st = ticket_load(cx, "id", ticket_id, &t);
    if (!st) st = assist_paging(d, in->limit, in->offset, 10, LIMIT_PAGE_SIZE, &f.limit, &f.offset);
    f.since = in->since.set ? in->since.v : NULL_INT;
    f.until = in->until.set ? in->until.v : NULL_INT;
    static const char *const orders[] = {"date", "title", NULL};
    static const char *const dirs[] = {"asc", "desc", NULL};
    if (!st && in->orderby) st = check_enum(d, "orderby", in->orderby, orders);
    if (!st && in->order) st = check_enum(d, "order", in->order, dirs);
    if (!st && in->media_type) st = check_enum(d, "media_type", in->media_type, types);
    if (!st && in->source) st = check_enum(d, "source", in->source, sources);
    const char **wanted;
    size_t n_wanted = assist_split(cx->a, in->status ? in->status : "completed", &wanted);
    for (size_t i = 0; !st && i < n_wanted; i++)
        st = check_enum(d, "status", wanted[i], statuses);
    if (st) return st;
    f.status = in->status ? in->status : "completed";
    f.by_title = in->orderby && !strcmp(in->orderby, "title");
    f.desc = !in->order || !strcmp(in->order, "desc");
    f.search = in->search && *in->search ? in->search : NULL;
    f.media_type = in->media_type;
    f.source = in->source;
    f.tag = in->tag && *in->tag ? in->tag : NULL;
    if (in->user && strcmp(in->user, "all")) {
        user_row u;
        st = store_user_find(cx->db, cx->ws, in->user, cx->a, &u);
        if (st && st != ST_NOT_FOUND) return st;
        f.user_id = st ? -1 : u.id;
    } else if (in->user && !core_is_admin(cx)) {
        return diag_set(d, ST_FORBIDDEN, "user", "all needs the admin role");
    }
    if (in->group) {
        char uuid[UUID_STR_LEN + 1];
        if ((st = check_uuid(d, "group", in->group, uuid))) return st;
        /* A ticket's medias belong to its group: another group has none of them. */
        if (!t.team_uuid || strcmp(t.team_uuid, uuid)) return ST_OK;
    }
    st = store_media_list(cx->db, cx->ws, t.id, &f, cx->a, rows, n, total);
    for (size_t i = 0; !st && i < *n; i++)
        asset_sign_urls(cx, &(*rows)[i].asset);
    return st;
}

/* ---- the zip ---- */

/* Entry names: the file's name without path separators, made unique in the zip with " (2)",
 * " (3)"… before the extension. `seen` is an open-addressed set of the names so far. */
typedef struct {
    const char **slot;
    size_t cap;
} name_set;

static bool name_add(name_set *s, const char *name)
{
    uint64_t h = text_hash(name);
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slot[i]) {
            s->slot[i] = name;
            return true;
        }
        if (!strcmp(s->slot[i], name)) return false;
    }
}

static const char *entry_name(core_ctx *cx, name_set *seen, const char *filename)
{
    char *base = arena_strdup(cx->a, filename && *filename ? filename : "media");
    for (char *p = base; *p; p++)
        if (*p == '/' || *p == '\\') *p = '_';
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    const char *name = base;
    for (int k = 2; !name_add(seen, name); k++)
        name = arena_printf(cx->a, "%.*s (%d)%s", stem, base, k, base + stem);
    return name;
}

status media_zip(core_ctx *cx, const char *ticket_id, const char *filename, asset_blob *out)
{
    status st = check_text(cx->d, "filename", filename, false, LIMIT_NAME_CHARS);
    export_data x;
    if (!st) st = export_load(cx, ticket_id, false, &x);
    if (st) return st;
    doc_zip_entry *e = arena_alloc(cx->a, (x.n_medias ? x.n_medias : 1) * sizeof *e);
    size_t n = 0;
    name_set seen = {.cap = 16};
    while (seen.cap < 2 * x.n_medias)
        seen.cap *= 2;
    seen.slot = arena_alloc(cx->a, seen.cap * sizeof *seen.slot);
    memset(seen.slot, 0, seen.cap * sizeof *seen.slot);
    for (size_t i = 0; i < x.n_medias; i++) {
        const asset_row *a = &x.medias[i].asset;
        const char *path = asset_file_path(cx, a);
        if (!path) continue;
        e[n++] = (doc_zip_entry){.name = entry_name(cx, &seen, a->filename),
                                 .path = path,
                                 .mtime = x.medias[i].created_at / 1000};
    }
    char *tmp = asset_temp_path(cx);
    if ((st = doc_zip_write(tmp, e, n, cx->d))) return st;
    /* A file name, never a path: the last component, after any / or \ (a client would take
     * "../../x" as where to write); nothing left is the default. */
    for (const char *p = filename; p && *p; p++)
        if (*p == '/' || *p == '\\') filename = p + 1;
    const char *stem = filename && *filename ? filename : x.ticket.uuid;
    return asset_temp_open(cx, tmp, "application/zip", arena_printf(cx->a, "%s.zip", stem), out);
}
