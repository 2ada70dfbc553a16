/* Content-addressed files under <data>/blobs/. A file is named by the SHA-256 of its bytes
 * (blobs/ab/abcdef…). Bytes are first written to blobs/tmp/, fsynced, and moved into place only
 * by the transaction that records a row referencing them (blob_commit, then the dir is synced),
 * so a name under blobs/xx/ always holds complete bytes and nothing half-written is ever
 * served. Rows reference blobs by hash; the store decides when none does any more
 * (blob_remove after that commit, blob_sweep for what a crash left behind).
 *
 * Memory and cleanup: writers and files are allocated from the caller's arena, and a deferred
 * cleanup on that arena unlinks a temp file that was never committed, so an abandoned upload
 * leaves no trace. A blob_store may be shared by every thread (its only mutable part, the cache
 * of open blobs, has its own lock); a writer or blob_file belongs to one thread. */
#ifndef TICKETD_BLOB_BLOB_H
#define TICKETD_BLOB_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/limits.h"
#include "util/status.h"

#define BLOB_HASH_LEN 64 /* lower-case hex SHA-256 */

typedef struct blob_store blob_store;

/* A finished file: its hash and size, and (until committed or discarded) its temp path. */
typedef struct {
    char hash[BLOB_HASH_LEN + 1];
    uint64_t size;
    char *tmp; /* arena; NULL once committed */
    unsigned char head[LIMIT_BLOB_HEAD];
    size_t head_len;
} blob_file;

/* Opens (creating) dir/blobs, dir/blobs/tmp. *out is freed by blob_store_free. */
status blob_store_open(const char *dir, blob_store **out, diag *d) WUR;
void blob_store_free(blob_store *bs);

/* ---- writing ---- */
typedef struct blob_writer blob_writer;
/* A new temp file that takes at most max bytes. */
status blob_writer_new(blob_store *bs, arena *a, uint64_t max, blob_writer **out) WUR;
/* Appends (hashing as it goes). Past max: ST_TOO_LARGE, the temp file is removed at once and
 * every later write is ignored with the same answer. ST_INTERNAL on an I/O failure. */
status blob_writer_write(blob_writer *w, const void *p, size_t n) WUR;
uint64_t blob_writer_size(const blob_writer *w);
/* Syncs the temp file and describes it in *out (the writer is spent). */
status blob_writer_finish(blob_writer *w, blob_file *out) WUR;
/* A fresh path in blobs/tmp (nothing created yet) for a file made and served at once, e.g. a
 * zip or a PDF; the arena unlinks it when released, and blob_sweep removes what a crash left. */
char *blob_temp_path(blob_store *bs, arena *a);
/* The whole of p as a finished temp file (thumbnails). */
status blob_put(blob_store *bs, arena *a, const void *p, size_t n, blob_file *out) WUR;

/* Moves the temp file to its content name (replacing an identical copy, which also renews its
 * age for blob_sweep) and syncs the directory: after this, and the commit of the row that
 * names it, the bytes survive a crash. Call it last in the transaction's work. */
status blob_commit(blob_store *bs, blob_file *f) WUR;

/* ---- reading and removing ---- */
bool blob_hash_valid(const char *hash);
/* A blob to send: its bytes in memory (small ones), or an open descriptor (larger ones). */
typedef struct {
    int fd;                     /* -1 with bytes; else open for reading, the caller closes it */
    const unsigned char *bytes; /* the whole file, valid until blob_hold_release(hold) */
    void *hold;                 /* a reference to bytes (NULL with an fd) */
    uint64_t size;
} blob_view;
/* The blob of hash: ST_NOT_FOUND when absent. A blob of at most LIMIT_BLOB_MEM_FILE bytes comes
 * as bytes, a larger one as a descriptor. The last LIMIT_BLOB_OPEN_FILES blobs read are kept
 * (those in memory up to LIMIT_BLOB_MEM_BYTES in all), so reading one again costs a reference
 * or a dup; blob_commit, blob_remove and blob_sweep drop the ones whose names they change. */
status blob_open(blob_store *bs, const char *hash, blob_view *out) WUR;
/* Gives back a blob_view's hold (NULL is fine); its bytes may be freed. Any thread. */
void blob_hold_release(void *hold);
/* Removes the file of hash (absent is fine). Only once no committed row names it. */
void blob_remove(blob_store *bs, const char *hash);
/* Removes temp files and blobs no row references (referenced(hash, ctx) false) whose last
 * change is older than min_age_s: an upload in flight on this or another node is younger. */
status blob_sweep(blob_store *bs, int64_t min_age_s, bool (*referenced)(const char *, void *),
                  void *ctx, size_t *removed) WUR;
/* The path of a blob, for tests and diagnostics (arena). */
char *blob_path(const blob_store *bs, arena *a, const char *hash);

#endif
