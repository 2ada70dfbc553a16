/* Assets; see asset.h. Owns the rules of an upload (naming, typing, thumbnail sizes, the
 * limits), the order that keeps files and rows consistent (temp file synced -> row inserted ->
 * blob moved into place, all before COMMIT; removal only after COMMIT and only if no row names
 * the blob), and the signed file URLs. Called by the dialects' asset handlers. */
#include "core/asset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob/media.h"
#include "core/policy.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"

static asset_config config;
static char url_key[65];

/* The long sides thumbnails are made for; the larger only when the image is larger still. */
static const int thumb_boxes[] = {160, 640};
#define N_BOXES (sizeof thumb_boxes / sizeof thumb_boxes[0])

struct asset_file {
    blob_writer *w;
    blob_file f;
    blob_kind kind;
    char *filename, *ext;
    int64_t width, height;
    struct {
        blob_file f;
        int64_t w, h, box;
    } thumbs[N_BOXES];
    size_t n_thumbs;
    bool processed;
};

status asset_init(const asset_config *cfg, store *st, diag *d)
{
    config = *cfg;
    db *c = store_conn(st);
    if (!c) return diag_set(d, ST_INTERNAL, "db", "cannot open the store");
    arena *a = arena_new(256);
    char *key = NULL;
    status s = store_setting_get(c, "file_url_key", a, &key);
    if (!s) snprintf(url_key, sizeof url_key, "%s", key);
    arena_free(a);
    return s ? diag_set(d, s, "db", "the file URL key is missing") : ST_OK;
}

/* ---- uploading ---- */

status asset_file_new(arena *a, asset_file **out, diag *d)
{
    asset_file *f = ARENA_NEW(a, asset_file);
    status st = blob_writer_new(config.blobs, a, config.max_upload, &f->w);
    if (st) return diag_set(d, st, "file", "cannot be stored");
    *out = f;
    return ST_OK;
}

status asset_file_write(asset_file *f, const void *p, size_t n, diag *d)
{
    status st = blob_writer_write(f->w, p, n);
    if (st == ST_TOO_LARGE)
        return diag_set(d, st, "file", "is larger than %llu bytes",
                        (unsigned long long)config.max_upload);
    return st ? diag_set(d, st, "file", "cannot be stored") : ST_OK;
}

uint64_t asset_file_size(const asset_file *f)
{
    return blob_writer_size(f->w);
}

const char *asset_file_hash(const asset_file *f)
{
    return f->processed ? f->f.hash : "";
}

/* The last path component, without control characters or quotes, at most 255 bytes (whole
 * UTF-8 sequences); NULL when nothing usable is left. */
static char *clean_name(arena *a, const char *name)
{
    if (!name) return NULL;
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    size_t n = strlen(base);
    if (!text_utf8_valid(base, n)) return NULL;
    char *out = arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n && k < 255;) {
        unsigned cp;
        size_t len = text_utf8_decode(base + i, &cp);
        if (len == 0 || k + len > 255) break;
        if (cp >= 0x20 && cp != 0x7f && cp != '"') {
            memcpy(out + k, base + i, len);
            k += len;
        }
        i += len;
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    if (!k || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) return NULL;
    return out;
}

/* The name's extension (lower case, 1..10 letters or digits), else the sniffed one. */
static char *extension_of(arena *a, const char *name, const char *sniffed)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && dot != name) {
        size_t n = strlen(dot + 1);
        bool ok = n >= 1 && n <= 10;
        for (size_t i = 0; ok && i < n; i++)
            ok = (dot[1 + i] >= '0' && dot[1 + i] <= '9') ||
                 ((dot[1 + i] | 0x20) >= 'a' && (dot[1 + i] | 0x20) <= 'z');
        if (ok) {
            char *e = arena_strdup(a, dot + 1);
            for (char *c = e; *c; c++)
                if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
            return e;
        }
    }
    return arena_strdup(a, sniffed);
}

status asset_file_process(asset_file *f, const char *filename, arena *a, diag *d)
{
    status st = blob_writer_finish(f->w, &f->f);
    if (st) return diag_set(d, st, "file", "cannot be stored");
    blob_sniff(f->f.head, f->f.head_len, &f->kind);
    f->filename = clean_name(a, filename);
    f->ext = extension_of(a, f->filename, f->kind.ext);
    if (!f->filename) f->filename = arena_printf(a, "file.%s", f->ext);
    f->width = f->height = NULL_INT;
    if (f->kind.decodable) {
        st = blob_image_probe(f->f.tmp, config.max_pixels, "file", &f->width, &f->height, d);
        int64_t long_side = f->width > f->height ? f->width : f->height;
        size_t n = 1; /* the next box only while the image is larger than the one before */
        while (n < N_BOXES && long_side > thumb_boxes[n - 1])
            n++;
        blob_thumb t[N_BOXES];
        if (!st) st = blob_image_thumbnails(f->f.tmp, thumb_boxes, n, "file", a, t, d);
        for (size_t i = 0; !st && i < n; i++) {
            st = blob_put(config.blobs, a, t[i].data, t[i].len, &f->thumbs[i].f);
            if (st) diag_set(d, st, "file", "cannot be stored");
            f->thumbs[i].w = t[i].w;
            f->thumbs[i].h = t[i].h;
            f->thumbs[i].box = thumb_boxes[i];
            if (!st) f->n_thumbs++;
        }
        if (st) return st;
    }
    f->processed = true;
    return ST_OK;
}

/* ---- processing off the caller's thread ---- */

/* Decoding and thumbnailing take tens of ms of CPU: on a server thread they would hold up every
 * other connection libmicrohttpd keeps on it, and two uploads landing on one server thread
 * would take turns although the machine has a second core idle. */
static pool *workers;

status asset_workers_start(unsigned n, diag *d)
{
    if (!n) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 0 ? (unsigned)(cores < LIMIT_ASSET_WORKERS ? cores : LIMIT_ASSET_WORKERS) : 1;
    }
    /* Between uploads a worker gives back libvips' per-thread pixel buffers. */
    if (pool_new(n, "asset-worker", blob_media_thread_done, &workers))
        return diag_set(d, ST_INTERNAL, "", "cannot start the asset workers");
    return ST_OK;
}

void asset_workers_stop(void)
{
    pool_free(workers);
    workers = NULL;
}

bool asset_workers_running(void)
{
    return workers != NULL;
}

static void process_job(void *ctx)
{
    asset_process_job *j = ctx;
    j->st = asset_file_process(j->file, j->filename, j->a, &j->d);
    j->done(j->ctx);
}

void asset_file_process_queue(asset_process_job *j)
{
    j->job = (pool_job){.run = process_job, .ctx = j};
    if (workers)
        pool_submit(workers, &j->job);
    else
        process_job(j);
}

/* Releases blob `hash` after the commit that let its last row go, unless a row names it again
 * (the same bytes uploaded meanwhile). */
static void release_blob(db *c, void *hash)
{
    bool used = true;
    if (!store_blob_referenced(c, hash, &used) && !used) blob_remove(config.blobs, hash);
}

static status do_asset_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const asset_in *in = w->in;
    asset_row *r = w->out;
    asset_file *f = in->file;
    if (!f) return diag_set(cx->d, ST_INVALID, "file", "is required");
    BUG_ON(!f->processed);
    status st = check_text(cx->d, "alt_text", in->alt_text.v, false, LIMIT_ALT_TEXT_CHARS);
    char folder[UUID_STR_LEN + 1];
    if (!st && in->folder.v) st = check_uuid(cx->d, "folder", in->folder.v, folder);
    if (st) return st;
    *r = (asset_row){
        .filename = f->filename,
        .extension = f->ext,
        .filesize = (int64_t)f->f.size,
        .type = (char *)f->kind.type,
        .mime_type = (char *)f->kind.mime,
        .version = 1,
        .status = "ready",
        .alt_text = (char *)in->alt_text.v,
        .width = f->width,
        .height = f->height,
        .folder = in->folder.v ? arena_strdup(cx->a, folder) : NULL,
        .blob = f->f.hash,
        .created_at = cx->now,
        .updated_at = cx->now,
        .n_thumbs = f->n_thumbs,
        .thumbs = ARENA_ARRAY(cx->a, thumb_row, N_BOXES),
    };
    uuid_v4(r->uuid);
    for (size_t i = 0; i < f->n_thumbs; i++)
        r->thumbs[i] = (thumb_row){.url = "",
                                   .blob = f->thumbs[i].f.hash,
                                   .width = f->thumbs[i].w,
                                   .height = f->thumbs[i].h,
                                   .box = f->thumbs[i].box};
    st = store_asset_insert(cx->db, cx->ws, r);
    /* Last: once a file is in place only the COMMIT is left to fail, which leaves an orphan
     * file for the sweep, never a row without its file. */
    if (!st) st = blob_commit(config.blobs, &f->f);
    for (size_t i = 0; !st && i < f->n_thumbs; i++)
        st = blob_commit(config.blobs, &f->thumbs[i].f);
    if (st) return diag_set(cx->d, st, "file", "cannot be stored");
    asset_sign_urls(cx, r);
    return ST_OK;
}

status asset_get(core_ctx *cx, const char *id, asset_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (!st) st = path_found(cx->d, "asset", store_asset_get(cx->db, cx->ws, uuid, cx->a, out));
    if (!st) asset_sign_urls(cx, out);
    return st;
}

static status do_asset_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    asset_row r;
    int64_t refs = 0;
    status st = asset_get(cx, w->id, &r);
    if (!st) st = store_asset_refs(cx->db, cx->ws, r.id, &refs);
    if (!st && refs)
        return diag_set(cx->d, ST_CONFLICT, "id", "the asset is attached to %lld replies",
                        (long long)refs);
    if (!st) st = store_asset_delete(cx->db, cx->ws, r.id);
    if (st) return st;
    if (r.blob) core_after_commit(cx, release_blob, r.blob);
    for (size_t i = 0; i < r.n_thumbs; i++)
        if (r.thumbs[i].blob) core_after_commit(cx, release_blob, r.thumbs[i].blob);
    return ST_OK;
}

CORE_WRITE(asset_create(core_ctx *cx, const asset_in *in, asset_row *out), do_asset_create, NULL,
           in, out)
CORE_WRITE(asset_delete(core_ctx *cx, const char *id), do_asset_delete, id, NULL, NULL)

/* ---- signed URLs ---- */

/* The signature of (asset, variant, expiry): 32 hex digits of HMAC-SHA256 under url_key. */
static void sign(const char *uuid, const char *variant, long long expires, char out[33])
{
    char msg[128];
    int n = snprintf(msg, sizeof msg, "%s/%s/%lld", uuid, variant, expires);
    unsigned char mac[SHA256_LEN];
    crypto_hmac_sha256(url_key, strlen(url_key), msg, (size_t)n, mac);
    crypto_hex(mac, 16, out);
}

/* Expiry on the next hour boundary plus the TTL: URLs stay the same for an hour (caches can
 * keep them) and live between TTL and TTL + 1 h. */
static long long url_expiry(const core_ctx *cx)
{
    long long now_s = cx->now / 1000;
    return (now_s / 3600 + 1) * 3600 + config.url_ttl_s;
}

void asset_sign_urls(core_ctx *cx, asset_row *r)
{
    if (!r->blob) return;
    long long exp = url_expiry(cx);
    char sig[33];
    sign(r->uuid, "file", exp, sig);
    r->public_url =
        arena_printf(cx->a, "%s/files/%s/%s?expires=%lld&signature=%s", config.public_url, r->uuid,
                     text_url_encode(cx->a, r->filename), exp, sig);
    for (size_t i = 0; i < r->n_thumbs; i++) {
        thumb_row *t = &r->thumbs[i];
        if (!t->blob || t->box == NULL_INT) continue;
        char variant[24];
        snprintf(variant, sizeof variant, "%lld", (long long)t->box);
        sign(r->uuid, variant, exp, sig);
        t->url = arena_printf(cx->a, "%s/files/%s/thumbnails/%s.webp?expires=%lld&signature=%s",
                              config.public_url, r->uuid, variant, exp, sig);
    }
}

void asset_sign_ticket_urls(core_ctx *cx, ticket_row *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < t[i].n_replies; k++)
            for (size_t j = 0; j < t[i].replies[k].n_assets; j++)
                asset_sign_urls(cx, &t[i].replies[k].assets[j]);
}

/* ---- the asset rows of signed downloads, per server thread ---- */

/* What asset_open reads of an asset row and its thumbnails. A row and its thumbnails change
 * only by deletion, so an entry stays true while the store's change stamp (store_change_stamp:
 * any commit of any connection or process moves it) is the one the entries were read under: a
 * signed download then reads no row and takes no read lock, and a deletion is seen by the next
 * request. A request with a key reads the rows as before (its key check has read already). A
 * row whose strings do not fit here is read every time. */
enum { MEMO_THUMBS = 4, MEMO_MIME = 128 };
struct memo_entry {
    char uuid[UUID_STR_LEN + 1];
    bool is_media;
    char filename[256]; /* clean_name keeps 255 bytes */
    char mime[MEMO_MIME];
    char blob[BLOB_HASH_LEN + 1]; /* "": none */
    size_t n_thumbs;
    struct {
        int64_t box;
        char blob[BLOB_HASH_LEN + 1];
    } thumbs[MEMO_THUMBS];
};

/* One per server thread: never shared, so no lock. conn: the connection the entries were read
 * on (a thread of a unit test may open another store). */
static _Thread_local struct {
    db *conn;
    store_stamp stamp;
    size_t n, next;
    int64_t hits; /* answers from the memo (asset_memo_hits) */
    struct memo_entry e[LIMIT_ASSET_MEMO];
} memo;

/* Whether the memo may answer on cx: a read without a key on the thread's own connection whose
 * stamp can be read; a moved stamp empties it first. *fill: what cx reads next may be
 * remembered (no snapshot is open yet, so it is no older than the stamp). */
static bool memo_usable(core_ctx *cx, bool *fill)
{
    store_stamp now;
    if (cx->ws || cx->txn_depth || store_change_stamp(cx->db, &now, fill)) return false;
    if (memo.conn != cx->db || memcmp(&memo.stamp, &now, sizeof now) != 0) {
        memo.conn = cx->db;
        memo.stamp = now;
        memo.n = memo.next = 0;
    }
    return true;
}

static const struct memo_entry *memo_find(const char *uuid)
{
    for (size_t i = 0; i < memo.n; i++)
        if (memcmp(memo.e[i].uuid, uuid, UUID_STR_LEN + 1) == 0) return &memo.e[i];
    return NULL;
}

static bool copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) return false;
    memcpy(dst, src ? src : "", n + 1);
    return true;
}

/* Remembers r in the least recently filled slot, unless it does not fit. */
static void memo_put(const asset_row *r)
{
    struct memo_entry e = {.is_media = strcmp(r->type, "document") != 0, .n_thumbs = r->n_thumbs};
    bool ok = r->n_thumbs <= MEMO_THUMBS && copy_str(e.uuid, sizeof e.uuid, r->uuid) &&
              copy_str(e.filename, sizeof e.filename, r->filename) &&
              copy_str(e.mime, sizeof e.mime, r->mime_type) &&
              copy_str(e.blob, sizeof e.blob, r->blob);
    for (size_t i = 0; ok && i < r->n_thumbs; i++) {
        e.thumbs[i].box = r->thumbs[i].box;
        ok = copy_str(e.thumbs[i].blob, sizeof e.thumbs[i].blob, r->thumbs[i].blob);
    }
    if (!ok) return;
    memo.e[memo.next] = e;
    memo.next = (memo.next + 1) % LIMIT_ASSET_MEMO;
    if (memo.n < LIMIT_ASSET_MEMO) memo.n++;
}

/* ---- serving ---- */

static status check_signature(core_ctx *cx, const char *uuid, const char *variant,
                              const char *expires, const char *signature)
{
    if (!expires || !signature)
        return diag_set(cx->d, ST_UNAUTHORIZED, "signature",
                        "a signed URL or an API key is required");
    long long exp;
    char want[33];
    if (!text_parse_int(expires, &exp) || strlen(signature) != 32)
        return diag_set(cx->d, ST_FORBIDDEN, "signature", "is not valid for this file");
    sign(uuid, variant, exp, want);
    if (!crypto_equal(want, signature, 32))
        return diag_set(cx->d, ST_FORBIDDEN, "signature", "is not valid for this file");
    if (exp * 1000 < cx->now)
        return diag_set(cx->d, ST_FORBIDDEN, "expires", "the URL has expired");
    return ST_OK;
}

/* The memo's entry as the row asset_open reads, its strings copied into cx's arena. */
static void memo_row(core_ctx *cx, const struct memo_entry *m, asset_row *r)
{
    *r = (asset_row){.filename = arena_strdup(cx->a, m->filename),
                     .mime_type = arena_strdup(cx->a, m->mime),
                     .type = m->is_media ? "media" : "document",
                     .blob = m->blob[0] ? arena_strdup(cx->a, m->blob) : NULL,
                     .n_thumbs = m->n_thumbs};
    r->thumbs = ARENA_ARRAY(cx->a, thumb_row, m->n_thumbs + 1);
    for (size_t i = 0; i < m->n_thumbs; i++)
        r->thumbs[i] = (thumb_row){
            .box = m->thumbs[i].box,
            .blob = m->thumbs[i].blob[0] ? arena_strdup(cx->a, m->thumbs[i].blob) : NULL};
    memo.hits++;
}

int64_t asset_memo_hits(void)
{
    return memo.hits;
}

status asset_open(core_ctx *cx, const char *id, const char *variant, const char *expires,
                  const char *signature, asset_blob *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (st) return st;
    /* Without a signature: a workspace key or an admin only (the access policy). */
    if (cx->ws && !policy_file_unsigned(cx) && !signature)
        return diag_set(cx->d, ST_FORBIDDEN, "signature",
                        "is required: a teammate who is not an admin opens files by signed URL");
    if (!cx->ws || !policy_file_unsigned(cx))
        st = check_signature(cx, uuid, variant ? variant : "file", expires, signature);
    if (st) return st;
    /* The row, from the memo or from the store. */
    bool fill = false;
    bool usable = memo_usable(cx, &fill);
    const struct memo_entry *m = usable ? memo_find(uuid) : NULL;
    asset_row r;
    if (m) {
        memo_row(cx, m, &r);
    } else {
        st = cx->ws ? store_asset_get(cx->db, cx->ws, uuid, cx->a, &r)
                    : store_asset_find(cx->db, uuid, cx->a, &r);
        if (st) return path_found(cx->d, "asset", st);
        if (usable && fill) memo_put(&r);
    }
    const char *hash = r.blob;
    *out = (asset_blob){
        .mime = r.mime_type, .filename = r.filename, .is_media = strcmp(r.type, "document") != 0};
    if (variant) {
        hash = NULL;
        for (size_t i = 0; i < r.n_thumbs; i++) {
            char box[24];
            snprintf(box, sizeof box, "%lld", (long long)r.thumbs[i].box);
            if (strcmp(box, variant) == 0) hash = r.thumbs[i].blob;
        }
        out->mime = "image/webp";
        out->is_media = true;
        const char *dot = strrchr(r.filename, '.');
        int stem = dot && dot != r.filename ? (int)(dot - r.filename) : (int)strlen(r.filename);
        out->filename = arena_printf(cx->a, "%.*s-%s.webp", stem, r.filename, variant);
    }
    if (!hash) return path_found(cx->d, "file", ST_NOT_FOUND);
    out->hash = hash;
    blob_view v;
    st = blob_open(config.blobs, hash, &v);
    if (st == ST_NOT_FOUND) return path_found(cx->d, "file", st);
    if (st) return diag_set(cx->d, st, "file", "cannot be read");
    out->fd = v.fd;
    out->bytes = v.bytes;
    out->hold = v.hold;
    out->release = blob_hold_release;
    out->size = v.size;
    return ST_OK;
}

/* ---- files made for one answer ---- */

char *asset_temp_path(core_ctx *cx)
{
    return blob_temp_path(config.blobs, cx->a);
}

char *asset_file_path(core_ctx *cx, const asset_row *r)
{
    return r->blob ? blob_path(config.blobs, cx->a, r->blob) : NULL;
}

status asset_temp_open(core_ctx *cx, const char *path, const char *mime, const char *filename,
                       asset_blob *out)
{
    *out = (asset_blob){.fd = open(path, O_RDONLY | O_CLOEXEC), .mime = mime, .filename = filename};
    struct stat sb;
    if (out->fd < 0 || fstat(out->fd, &sb) != 0) {
        log_error("asset: cannot open %s: %s", path, strerror(errno));
        if (out->fd >= 0) close(out->fd);
        out->fd = -1;
        return diag_set(cx->d, ST_INTERNAL, "", "the file cannot be read");
    }
    unlink(path);
    out->size = (uint64_t)sb.st_size;
    return ST_OK;
}
