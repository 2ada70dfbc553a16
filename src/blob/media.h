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

/* The most boxes blob_image_thumbnails takes. */
#define BLOB_THUMBS_MAX 4

/* WebP thumbnails (quality 80, libwebp method 0, metadata stripped) fitting boxes[i] x
 * boxes[i] (never enlarged; the sizes vips_thumbnail gives), boxes in ascending order, n at most
 * BLOB_THUMBS_MAX, into out[0..n). The image is decoded once by libvips, shrunk on load where its
 * format allows (JPEG at 1/2, 1/4, 1/8; WebP scaled), upright by its EXIF orientation; libwebp's
 * area-averaging rescaler makes the largest box from those pixels and each smaller one from the
 * largest's (an image of more than LIMIT_IMAGE_WHOLE_PIXELS after shrink-on-load is streamed
 * through vips_resize to the largest box instead of being held whole). A truncated or damaged
 * file is ST_INVALID naming `field`; libwebp out of memory ST_INTERNAL. Same input, same bytes. */
status blob_image_thumbnails(const char *path, const int *boxes, size_t n, const char *field,
                             arena *a, blob_thumb *out, diag *d) WUR;

/* Frees what libvips keeps per thread (its pixel buffers) on the calling thread: call it when a
 * thread is done with images for now. */
void blob_media_thread_done(void);

#endif
