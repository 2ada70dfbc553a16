/* Files compiled into the binary at build time (scripts/embed-files.sh; the Makefile's EMBED
 * list): served from memory, never read from disk at run time. */
#ifndef TICKETD_UTIL_EMBED_H
#define TICKETD_UTIL_EMBED_H

#include <stddef.h>

typedef struct {
    const char *path;          /* as listed in the Makefile, relative to the repository */
    const unsigned char *data; /* len bytes, then a NUL (text files are C strings) */
    size_t len;
} embed_file;

extern const embed_file embed_files[];
extern const size_t embed_count;

/* The file embedded under path, or NULL. */
const embed_file *embed_find(const char *path);

/* f's strong ETag: "\"" + 32 hex digits (the first 16 bytes of its SHA-256) + "\"", made for
 * every embedded file on the first call (thread-safe), then a lookup. f: one of embed_files. */
#define EMBED_ETAG_SIZE (2 * 16 + 3)
const char *embed_etag(const embed_file *f);

#endif
