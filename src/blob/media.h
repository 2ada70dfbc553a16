/* What a file is, from its bytes: the kind (image, video, audio, document) and MIME type
 * sniffed from its leading bytes, never from its name; and, for the image formats we decode
 * (PNG, JPEG, GIF, WebP), its dimensions and thumbnails, made with libvips under limits that a
 * hostile file cannot push past (pixel count, untrusted loaders blocked, one thread per call).
 * Thread-safe after blob_media_init. */
#ifndef TICKETD_BLOB_MEDIA_H
#define TICKETD_BLOB_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

typedef struct {
    const char *type; /* image | video | audio | document */
    const char *mime; /* e.g. image/png, application/octet-stream */
    const char *ext;  /* the usual extension, without the dot */
    bool decodable;   /* an image format blob_image_* reads */
} blob_kind;

/* Classifies the leading bytes of a file (static strings). */
void blob_sniff(const unsigned char *p, size_t n, blob_kind *out);

/* Starts libvips once per process (argv0 for its messages); false if it cannot start. */
bool blob_media_init(const char *argv0);

/* Width and height from the image's header (nothing decoded yet). ST_INVALID naming `field`
 * when the header cannot be read or the image has more than max_pixels pixels. */
status blob_image_probe(const char *path, uint64_t max_pixels, const char *field, int64_t *w,
                        int64_t *h, diag *d) WUR;
/* A WebP thumbnail that fits box x box (never enlarged), decoding the whole image: a truncated
 * or damaged file is ST_INVALID naming `field`. *data is arena memory. */
status blob_image_thumbnail(const char *path, int box, const char *field, arena *a, void **data,
                            size_t *len, int64_t *w, int64_t *h, diag *d) WUR;

#endif
