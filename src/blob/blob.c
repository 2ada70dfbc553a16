/* The content-addressed file store; see blob.h. Owns the files under <data>/blobs/ and their
 * temp files. Durability follows the usual recipe: write, fsync the file, rename, fsync the
 * directory. Called by core/asset.c (writes, removals) and at start-up (the sweep). */
#include "blob/blob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/xalloc.h"

/* A small blob's bytes, shared by the cache and the answers sending them; the last
 * blob_hold_release frees it. */
struct blob_mem {
    atomic_uint refs;
    unsigned char bytes[];
};

/* A blob kept for the next answers that send it (see blob_open): its bytes when it is small,
 * else an open descriptor. */
struct open_blob {
    char hash[BLOB_HASH_LEN + 1];
    int fd;               /* -1 for a blob in memory */
    struct blob_mem *mem; /* one reference is the cache's; NULL for an open one */
    uint64_t size;
    uint64_t used; /* the tick of its last hit: the least recently used slot is reused */
};

struct blob_store {
    arena *a; /* owns this struct and its paths */
    char *root, *tmp;
    /* The cache of blobs read, shared by every thread under `lock` (held for a scan of a few
     * dozen keys and a reference taken or a dup). `gen` moves whenever a name is replaced or
     * removed, so a miss that read the old file meanwhile does not cache it. */
    pthread_mutex_t lock;
    uint64_t keys[LIMIT_BLOB_OPEN_FILES]; /* hash_key of each slot's hash; 0: free */
    struct open_blob open[LIMIT_BLOB_OPEN_FILES];
    uint64_t tick, gen;
    uint64_t mem_bytes; /* of the blobs in memory, at most LIMIT_BLOB_MEM_BYTES */
};

struct blob_writer {
    blob_store *bs;
    int fd;
    char *path;
    crypto_sha256_ctx *sha;
    uint64_t size, max;
    bool too_large;
    unsigned char head[LIMIT_BLOB_HEAD];
    size_t head_len;
};

static status make_dir(const char *path, diag *d)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST) return ST_OK;
    return diag_set(d, ST_INTERNAL, "data", "cannot create %s: %s", path, strerror(errno));
}

status blob_store_open(const char *dir, blob_store **out, diag *d)
{
    arena *a = arena_new(1024);
    blob_store *bs = ARENA_NEW(a, blob_store);
    bs->a = a;
    bs->root = arena_printf(a, "%s/blobs", dir);
    bs->tmp = arena_printf(a, "%s/blobs/tmp", dir);
    pthread_mutex_init(&bs->lock, NULL);
    for (size_t i = 0; i < LIMIT_BLOB_OPEN_FILES; i++)
        bs->open[i].fd = -1;
    status st = make_dir(bs->root, d);
    if (!st) st = make_dir(bs->tmp, d);
    if (st) {
        blob_store_free(bs);
        return st;
    }
    *out = bs;
    return ST_OK;
}

static void forget(blob_store *bs, const char *hash);
static void forget_all(blob_store *bs);

void blob_store_free(blob_store *bs)
{
    if (!bs) return;
    forget_all(bs);
    pthread_mutex_destroy(&bs->lock);
    arena_free(bs->a);
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool blob_hash_valid(const char *hash)
{
    size_t i = 0;
    for (; hash[i]; i++)
        if (!is_hex(hash[i])) return false;
    return i == BLOB_HASH_LEN;
}

char *blob_path(const blob_store *bs, arena *a, const char *hash)
{
    return arena_printf(a, "%s/%.2s/%s", bs->root, hash, hash);
}

static status sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ST_INTERNAL;
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? ST_OK : ST_INTERNAL;
}

/* ---- writing ---- */

/* Arena cleanup of a temp path: gone already when it was committed (the name is unique). */
static void unlink_tmp(void *path)
{
    unlink(path);
}

static void writer_release(void *p)
{
    blob_writer *w = p;
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    crypto_sha256_free(w->sha);
    w->sha = NULL;
}

char *blob_temp_path(blob_store *bs, arena *a)
{
    unsigned char rnd[12];
    char hex[sizeof rnd * 2 + 1];
    crypto_random(rnd, sizeof rnd);
    crypto_hex(rnd, sizeof rnd, hex);
    char *path = arena_printf(a, "%s/%s.part", bs->tmp, hex);
    arena_defer(a, unlink_tmp, path);
    return path;
}

/* A fresh temp file (O_EXCL on a random name) whose path the arena unlinks. */
static status open_tmp(blob_store *bs, arena *a, int *fd, char **path)
{
    *path = blob_temp_path(bs, a);
    *fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (*fd < 0) {
        log_error("blob: cannot create %s: %s", *path, strerror(errno));
        return ST_INTERNAL;
    }
    return ST_OK;
}

status blob_writer_new(blob_store *bs, arena *a, uint64_t max, blob_writer **out)
{
    blob_writer *w = ARENA_NEW(a, blob_writer);
    w->bs = bs;
    w->max = max;
    status st = open_tmp(bs, a, &w->fd, &w->path);
    if (st) return st;
    w->sha = crypto_sha256_new();
    arena_defer(a, writer_release, w);
    *out = w;
    return ST_OK;
}

static status write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return ST_INTERNAL;
        c += k;
        n -= (size_t)k;
    }
    return ST_OK;
}

status blob_writer_write(blob_writer *w, const void *p, size_t n)
{
    if (w->too_large) return ST_TOO_LARGE;
    if (w->fd < 0) return ST_INTERNAL;
    if (n > w->max - w->size) {
        /* Over the limit: nothing of this file stays on disk. */
        w->too_large = true;
        writer_release(w);
        unlink(w->path);
        return ST_TOO_LARGE;
    }
    if (w->head_len < LIMIT_BLOB_HEAD) {
        size_t k = LIMIT_BLOB_HEAD - w->head_len < n ? LIMIT_BLOB_HEAD - w->head_len : n;
        memcpy(w->head + w->head_len, p, k);
        w->head_len += k;
    }
    crypto_sha256_update(w->sha, p, n);
    w->size += n;
    if (write_all(w->fd, p, n)) {
        log_error("blob: write to %s failed: %s", w->path, strerror(errno));
        writer_release(w);
        return ST_INTERNAL;
    }
    return ST_OK;
}

uint64_t blob_writer_size(const blob_writer *w)
{
    return w->size;
}

status blob_writer_finish(blob_writer *w, blob_file *out)
{
    if (w->too_large) return ST_TOO_LARGE;
    if (w->fd < 0) return ST_INTERNAL;
    if (fsync(w->fd) != 0) {
        log_error("blob: fsync of %s failed: %s", w->path, strerror(errno));
        writer_release(w);
        return ST_INTERNAL;
    }
    close(w->fd);
    w->fd = -1;
    unsigned char digest[SHA256_LEN];
    crypto_sha256_final(w->sha, digest);
    w->sha = NULL;
    crypto_hex(digest, sizeof digest, out->hash);
    out->size = w->size;
    out->tmp = w->path;
    memcpy(out->head, w->head, w->head_len);
    out->head_len = w->head_len;
    return ST_OK;
}

status blob_put(blob_store *bs, arena *a, const void *p, size_t n, blob_file *out)
{
    blob_writer *w;
    status st = blob_writer_new(bs, a, UINT64_MAX, &w);
    if (!st) st = blob_writer_write(w, p, n);
    if (!st) st = blob_writer_finish(w, out);
    return st;
}

status blob_commit(blob_store *bs, blob_file *f)
{
    BUG_ON(!f->tmp);
    char dir[4096], path[4096];
    if (snprintf(dir, sizeof dir, "%s/%.2s", bs->root, f->hash) >= (int)sizeof dir ||
        snprintf(path, sizeof path, "%s/%s", dir, f->hash) >= (int)sizeof path)
        return ST_INTERNAL;
    bool made = mkdir(dir, 0755) == 0;
    if (!made && errno != EEXIST) {
        log_error("blob: cannot create %s: %s", dir, strerror(errno));
        return ST_INTERNAL;
    }
    if (made && sync_dir(bs->root)) return ST_INTERNAL;
    if (rename(f->tmp, path) != 0) {
        log_error("blob: cannot move %s to %s: %s", f->tmp, path, strerror(errno));
        return ST_INTERNAL;
    }
    f->tmp = NULL;
    forget(bs, f->hash); /* an open copy is now an unlinked file: open the new one next time */
    if (sync_dir(dir)) {
        log_error("blob: cannot sync %s: %s", dir, strerror(errno));
        return ST_INTERNAL;
    }
    return ST_OK;
}

/* ---- reading and removing ---- */

/* The first 16 hex digits of a (valid) hash as a number, never 0 (a free slot's key). The
 * hash is SHA-256, so these bits are as good as any for telling slots apart. */
static uint64_t hash_key(const char *hash)
{
    uint64_t k = 0;
    for (int i = 0; i < 16; i++)
        k = k << 4 | (uint64_t)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return k ? k : 1;
}

void blob_hold_release(void *hold)
{
    struct blob_mem *m = hold;
    if (m && atomic_fetch_sub(&m->refs, 1) == 1) free(m);
}

/* The slot holding hash, or -1. Under bs->lock. */
static int slot_of(const blob_store *bs, const char *hash, uint64_t key)
{
    for (int i = 0; i < LIMIT_BLOB_OPEN_FILES; i++)
        if (bs->keys[i] == key && memcmp(bs->open[i].hash, hash, BLOB_HASH_LEN) == 0) return i;
    return -1;
}

/* Under bs->lock. An answer still sending the bytes keeps them until it is done. */
static void slot_clear(blob_store *bs, int i)
{
    struct open_blob *o = &bs->open[i];
    if (o->fd >= 0) close(o->fd);
    if (o->mem) {
        bs->mem_bytes -= o->size;
        blob_hold_release(o->mem);
    }
    o->fd = -1;
    o->mem = NULL;
    bs->keys[i] = 0;
}

/* Drops hash's cached copy, if any: its name was just replaced or removed. */
static void forget(blob_store *bs, const char *hash)
{
    pthread_mutex_lock(&bs->lock);
    bs->gen++;
    int i = slot_of(bs, hash, hash_key(hash));
    if (i >= 0) slot_clear(bs, i);
    pthread_mutex_unlock(&bs->lock);
}

static void forget_all(blob_store *bs)
{
    pthread_mutex_lock(&bs->lock);
    bs->gen++;
    for (int i = 0; i < LIMIT_BLOB_OPEN_FILES; i++)
        if (bs->keys[i]) slot_clear(bs, i);
    pthread_mutex_unlock(&bs->lock);
}

/* A cached blob as *out (a reference to its bytes, or a copy of its descriptor); false on a
 * miss. */
static bool cached(blob_store *bs, const char *hash, uint64_t key, blob_view *out)
{
    pthread_mutex_lock(&bs->lock);
    int i = slot_of(bs, hash, key);
    if (i >= 0) {
        struct open_blob *o = &bs->open[i];
        *out = (blob_view){.fd = -1, .size = o->size};
        if (o->mem) {
            atomic_fetch_add(&o->mem->refs, 1);
            out->bytes = o->mem->bytes;
            out->hold = o->mem;
        } else {
            out->fd = fcntl(o->fd, F_DUPFD_CLOEXEC, 0);
        }
        o->used = ++bs->tick;
    }
    pthread_mutex_unlock(&bs->lock);
    return i >= 0 && (out->bytes || out->fd >= 0);
}

/* The least recently used slot, or a free one; with `mem`, only among the blobs in memory
 * (-1 when there is none). Under bs->lock. */
static int lru_slot(const blob_store *bs, bool mem)
{
    int lru = -1;
    for (int i = 0; i < LIMIT_BLOB_OPEN_FILES; i++) {
        if (mem && !bs->open[i].mem) continue;
        if (!bs->keys[i]) return i;
        if (lru < 0 || bs->open[i].used < bs->open[lru].used) lru = i;
    }
    return lru;
}

/* Keeps v (bytes with a reference taken here, or a copy of its descriptor), read as hash while
 * the cache was at generation gen, in the least recently used slot; nothing if a name changed
 * since (the file may be the replaced one). Blobs in memory past LIMIT_BLOB_MEM_BYTES go
 * first, the least recently used of them. */
static void cache_put(blob_store *bs, const char *hash, uint64_t key, uint64_t gen,
                      const blob_view *v)
{
    pthread_mutex_lock(&bs->lock);
    if (gen != bs->gen || slot_of(bs, hash, key) >= 0) goto out;
    int i;
    while (v->bytes && bs->mem_bytes + v->size > LIMIT_BLOB_MEM_BYTES &&
           (i = lru_slot(bs, true)) >= 0)
        slot_clear(bs, i);
    i = lru_slot(bs, false);
    if (bs->keys[i]) slot_clear(bs, i);
    struct open_blob *o = &bs->open[i];
    if (v->bytes) {
        o->mem = v->hold;
        atomic_fetch_add(&o->mem->refs, 1);
        bs->mem_bytes += v->size;
    } else if ((o->fd = fcntl(v->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        goto out;
    }
    memcpy(o->hash, hash, BLOB_HASH_LEN + 1);
    o->size = v->size;
    o->used = ++bs->tick;
    bs->keys[i] = key;
out:
    pthread_mutex_unlock(&bs->lock);
}

/* The whole of fd (size bytes) in a new blob_mem with one reference; NULL on a short read. */
static struct blob_mem *read_all(int fd, uint64_t size)
{
    struct blob_mem *m = xmalloc(sizeof *m + size);
    atomic_init(&m->refs, 1);
    for (uint64_t got = 0; got < size;) {
        ssize_t k = pread(fd, m->bytes + got, size - got, (off_t)got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            free(m);
            return NULL;
        }
        got += (uint64_t)k;
    }
    return m;
}

/* The file of hash, opened and, when small, read: into *out. */
static status read_blob(blob_store *bs, const char *hash, blob_view *out)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%.2s/%s", bs->root, hash, hash) >= (int)sizeof path)
        return ST_INTERNAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return ST_INTERNAL;
    }
    *out = (blob_view){.fd = fd, .size = (uint64_t)sb.st_size};
    if (out->size > LIMIT_BLOB_MEM_FILE) return ST_OK;
    struct blob_mem *m = read_all(fd, out->size);
    close(fd);
    if (!m) return ST_INTERNAL;
    *out = (blob_view){.fd = -1, .bytes = m->bytes, .hold = m, .size = (uint64_t)sb.st_size};
    return ST_OK;
}

/* Blobs never change (the name is the hash of the bytes), so what was read once serves every
 * later answer: a hit costs a reference (small blobs, sent from memory in one write with the
 * header) or a dup (large ones, sent with sendfile), not a path walk, an open and a stat.
 * Removing or replacing a name drops its copy here; another node sharing the directory can only
 * remove a blob no committed row names, and every answer reads its row first. */
status blob_open(blob_store *bs, const char *hash, blob_view *out)
{
    if (!blob_hash_valid(hash)) return ST_NOT_FOUND;
    uint64_t key = hash_key(hash);
    if (cached(bs, hash, key, out)) return ST_OK;
    pthread_mutex_lock(&bs->lock);
    uint64_t gen = bs->gen;
    pthread_mutex_unlock(&bs->lock);
    status st = read_blob(bs, hash, out);
    if (!st) cache_put(bs, hash, key, gen, out);
    return st;
}

void blob_remove(blob_store *bs, const char *hash)
{
    if (!blob_hash_valid(hash)) return;
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%.2s/%s", bs->root, hash, hash) >= (int)sizeof path) return;
    if (unlink(path) != 0 && errno != ENOENT)
        log_error("blob: cannot remove %s: %s", path, strerror(errno));
    forget(bs, hash);
}

/* Entries of dir older than cutoff (mtime) that keep(name) does not claim are unlinked. */
static status sweep_dir(const char *dir, time_t cutoff, bool (*keep)(const char *, void *),
                        void *ctx, size_t *removed)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? ST_OK : ST_INTERNAL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        struct stat sb;
        if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_mtime > cutoff) continue;
        if (keep && keep(e->d_name, ctx)) continue;
        if (unlink(path) == 0) (*removed)++;
    }
    closedir(d);
    return ST_OK;
}

struct sweep_ctx {
    bool (*referenced)(const char *, void *);
    void *ctx;
};

/* A file in a fan-out dir stays when it is not a blob name (not ours) or is referenced. */
static bool keep_blob(const char *name, void *p)
{
    struct sweep_ctx *s = p;
    return !blob_hash_valid(name) || s->referenced(name, s->ctx);
}

status blob_sweep(blob_store *bs, int64_t min_age_s, bool (*referenced)(const char *, void *),
                  void *ctx, size_t *removed)
{
    *removed = 0;
    time_t cutoff = time(NULL) - (time_t)min_age_s;
    status st = sweep_dir(bs->tmp, cutoff, NULL, NULL, removed);
    if (st) return st;
    DIR *d = opendir(bs->root);
    if (!d) return ST_INTERNAL;
    struct sweep_ctx sc = {referenced, ctx};
    struct dirent *e;
    while (!st && (e = readdir(d))) {
        const char *n = e->d_name;
        if (strlen(n) != 2 || !is_hex(n[0]) || !is_hex(n[1])) continue;
        char sub[4096];
        if (snprintf(sub, sizeof sub, "%s/%s", bs->root, n) >= (int)sizeof sub) continue;
        st = sweep_dir(sub, cutoff, keep_blob, &sc, removed);
    }
    closedir(d);
    forget_all(bs); /* what it removed may have been opened before */
    return st;
}
