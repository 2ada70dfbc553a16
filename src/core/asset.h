/* Assets: uploaded files. An upload streams into a temp file (asset_file_write) while it
 * arrives, is then typed from its bytes and, for an image, measured and thumbnailed
 * (asset_file_process, outside any transaction: it is the slow part), and becomes visible only
 * when asset_create commits its row, the blobs moved into place last. Identical bytes are kept
 * once. A file is served through a signed, expiring URL (public_url, thumbnail urls), or to a
 * key of the asset's workspace; asset_open checks either and hands back an open file. */
#ifndef TICKETD_CORE_ASSET_H
#define TICKETD_CORE_ASSET_H

#include "blob/blob.h"
#include "core/core.h"
#include "util/pool.h"

typedef struct {
    blob_store *blobs;      /* borrowed for the life of the process */
    const char *public_url; /* base of file URLs, e.g. http://127.0.0.1:8080 (no trailing /) */
    uint64_t max_upload;    /* bytes per file */
    uint64_t max_pixels;    /* an image's width x height */
    int64_t url_ttl_s;      /* how long a signed URL stays valid (at least; see asset.c) */
} asset_config;

/* Sets the configuration and reads the URL signing key from the store (once, at start). */
status asset_init(const asset_config *cfg, store *st, diag *d) WUR;

/* ---- uploading ---- */
typedef struct asset_file asset_file; /* arena; its temp files go with the arena unless kept */
/* A new upload of at most max_upload bytes. */
status asset_file_new(arena *a, asset_file **out, diag *d) WUR;
/* Appends bytes. ST_TOO_LARGE (naming `file`) past the limit: the temp file is gone at once. */
status asset_file_write(asset_file *f, const void *p, size_t n, diag *d) WUR;
uint64_t asset_file_size(const asset_file *f); /* bytes written so far */
/* A processed file's SHA-256 (lower-case hex; borrowed), or "" before asset_file_process. */
const char *asset_file_hash(const asset_file *f);
/* Ends the upload: syncs it, types it, and for an image reads its size and makes the
 * thumbnails. `filename` is the client's name for it (sanitised here; may be NULL).
 * ST_INVALID naming `file` for an image that cannot be decoded or is too large. */
status asset_file_process(asset_file *f, const char *filename, arena *a, diag *d) WUR;

/* ---- processing off the caller's thread ---- */
/* Starts the threads that run queued asset_file_process work: n, or one per core when n is 0.
 * Until then (and after asset_workers_stop), asset_file_process_queue works on the caller's
 * thread. ST_INTERNAL naming nothing when a thread cannot start. Not thread-safe: at start. */
status asset_workers_start(unsigned n, diag *d) WUR;
/* Runs what is queued, then joins the threads. After the last upload. */
void asset_workers_stop(void);
bool asset_workers_running(void);

typedef struct {
    asset_file *file;        /* borrowed, as the arguments of asset_file_process */
    const char *filename;    /* borrowed */
    arena *a;                /* borrowed */
    void (*done)(void *ctx); /* called on the worker once st and d are set */
    void *ctx;
    status st; /* the outcome of asset_file_process, and why */
    diag d;
    pool_job job; /* the pool's */
} asset_process_job;

/* asset_file_process(j->file, j->filename, j->a, &j->d) on a worker thread (or at once on this
 * one without workers), then j->done(j->ctx) on that thread. j and what it names belong to the
 * caller and must stay alive, untouched, until done is called. */
void asset_file_process_queue(asset_process_job *j);

typedef struct {
    asset_file *file; /* processed; NULL answers `file` is required */
    opt_str alt_text, folder;
} asset_in;

/* Validates alt_text (<= LIMIT_ALT_TEXT_CHARS) and folder (a uuid), stores the file and its
 * thumbnails and inserts the asset (status ready, version 1). */
status asset_create(core_ctx *cx, const asset_in *in, asset_row *out) WUR;
status asset_get(core_ctx *cx, const char *id, asset_row *out) WUR;
/* ST_CONFLICT while a reply links it. Its blobs go once the delete commits and no other row
 * names them. */
status asset_delete(core_ctx *cx, const char *id) WUR;

/* Fills public_url and each thumbnail's url with signed URLs (arena) for a row that names a
 * blob; a row from before files were stored keeps its stored URLs. */
void asset_sign_urls(core_ctx *cx, asset_row *r);
/* asset_sign_urls for every asset of every reply of n tickets. */
void asset_sign_ticket_urls(core_ctx *cx, ticket_row *t, size_t n);

/* ---- serving ---- */
typedef struct {
    int fd; /* open for reading, the caller closes it; -1 for a file answered from bytes */
    /* asset_open only: a small file's bytes, kept until release(hold) (fd is then -1). */
    const unsigned char *bytes;
    void *hold;
    void (*release)(void *hold); /* any thread */
    uint64_t size;
    const char *mime; /* the sniffed type (WebP for thumbnails) */
    const char *filename;
    const char *hash; /* the ETag */
    bool is_media;    /* image, video or audio: fit to show inline */
} asset_blob;

/* How many downloads this thread answered from its memo of asset rows (asset.c; tests). */
int64_t asset_memo_hits(void);

/* Opens the original (variant NULL) or the thumbnail of long side `variant` ("160") of asset
 * `id`: a small file comes as bytes (out->bytes, out->hold; fd -1), a larger one open. With cx->ws
 * set (a key of its workspace) no signature is needed; otherwise expires and signature must be
 * those of a URL from asset_sign_urls that has not expired (else ST_FORBIDDEN). An unknown asset,
 * variant or file is ST_NOT_FOUND. */
status asset_open(core_ctx *cx, const char *id, const char *variant, const char *expires,
                  const char *signature, asset_blob *out) WUR;

/* ---- files made for one answer (zips, PDFs) ---- */
/* A fresh path in the file store's temp directory; unlinked when cx's arena is released. */
char *asset_temp_path(core_ctx *cx);
/* The path of the original file of r; NULL for a row made before files were stored. */
char *asset_file_path(core_ctx *cx, const asset_row *r);
/* Opens the finished file at path for the answer (out->fd, size, mime, filename) and unlinks
 * it at once, so nothing outlives the answer. */
status asset_temp_open(core_ctx *cx, const char *path, const char *mime, const char *filename,
                       asset_blob *out) WUR;

#endif
