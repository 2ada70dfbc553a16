/* What a file is, from its bytes: the kind (image, video, audio, document) and MIME type
 * sniffed from its leading bytes, never from its name; and, for the image formats we decode
 * (PNG, JPEG, GIF, WebP), its dimensions and thumbnails, made with libvips under limits that a
 * hostile file cannot push past (pixel count, untrusted loaders blocked, one thread per call).
 * Thread-safe after blob_media_init; libvips keeps no operation cache. */
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
/* One WebP thumbnail: *data is arena memory. */
typedef struct {
    void *data;
    size_t len;
    int64_t w, h;
} blob_thumb;

/* WebP thumbnails (quality 80, metadata stripped) fitting boxes[i] x boxes[i] (never enlarged),
 * boxes in ascending order, into out[0..n). The image is decoded once, shrunk on load where its
 * format allows (JPEG at 1/2, 1/4, 1/8; WebP scaled), to fit the largest box (a triangle
 * filter), upright by its EXIF orientation; each smaller one is made from that (lanczos3). A
 * truncated or damaged file is ST_INVALID naming `field`. */
status blob_image_thumbnails(const char *path, const int *boxes, size_t n, const char *field,
                             arena *a, blob_thumb *out, diag *d) WUR;

/* Frees what libvips keeps per thread (its pixel buffers) on the calling thread: call it when a
 * thread is done with images for now. */
void blob_media_thread_done(void);

#endif
