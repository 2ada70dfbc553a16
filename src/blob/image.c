/* Image dimensions and thumbnails with libvips; see media.h. The only module that includes
 * vips. Started once per process; each call works on one thread (vips' own pool is set to 1,
 * the callers' threads give the parallelism), with the operation cache off, loaders that vips
 * marks untrusted blocked, and a pixel cap checked on the header before anything is decoded.
 * All of an image's thumbnails come from one decode, shrunk on load to the largest box. */
#include <string.h>
#include <vips/vips.h>

#include "blob/media.h"

/* A bad upload is answered with its reason; vips' own warnings about it (logged through
 * GLib's structured log) are noise in the server's log. Everything else goes to GLib's writer. */
static GLogWriterOutput log_writer(GLogLevelFlags level, const GLogField *fields, gsize n,
                                   gpointer data)
{
    if (level & G_LOG_LEVEL_WARNING)
        for (gsize i = 0; i < n; i++)
            if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0 &&
                strcmp(fields[i].value, "VIPS") == 0)
                return G_LOG_WRITER_HANDLED;
    return g_log_writer_default(level, fields, n, data);
}

bool blob_media_init(const char *argv0)
{
    if (VIPS_INIT(argv0 ? argv0 : "ticketd") != 0) return false;
    static bool writer_set;
    if (!writer_set) g_log_set_writer_func(log_writer, NULL, NULL); /* once per process */
    writer_set = true;
    vips_concurrency_set(1);
    /* No operation cache: every upload is a new file, and a cache would hold decoded pixels. */
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    vips_block_untrusted_set(TRUE);
    return true;
}

/* vips keeps its message per thread; take it and clear it. */
static status vips_failed(diag *d, const char *field, const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s", vips_error_buffer());
    vips_error_clear();
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    for (char *c = msg; *c; c++)
        if (*c == '\n') *c = ' ';
    return diag_set(d, ST_INVALID, field, "%s%s%s", what, n ? ": " : "", msg);
}

status blob_image_probe(const char *path, uint64_t max_pixels, const char *field, int64_t *w,
                        int64_t *h, diag *d)
{
    VipsImage *im = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                             VIPS_FAIL_ON_ERROR, NULL);
    if (!im) return vips_failed(d, field, "the image cannot be read");
    *w = vips_image_get_width(im);
    *h = vips_image_get_height(im);
    g_object_unref(im);
    if ((uint64_t)*w * (uint64_t)*h > max_pixels)
        return diag_set(d, ST_INVALID, field,
                        "the image is %lldx%lld pixels, more than the %llu megapixels allowed",
                        (long long)*w, (long long)*h, (unsigned long long)(max_pixels / 1000000));
    return ST_OK;
}

static void free_gbuf(void *p)
{
    g_free(p);
}

/* libwebp's method (0-6). On the 1000x750 photo of bench/files.sh, 0 takes ~40 % of the CPU
 * of vips' default 4 for its 640x480 thumbnail, and the file is not larger (67 KB vs 73 KB);
 * quality stays 80. */
#define WEBP_EFFORT 0

static status save_webp(VipsImage *im, const char *field, arena *a, blob_thumb *out, diag *d)
{
    void *buf = NULL;
    size_t n = 0;
    if (vips_webpsave_buffer(im, &buf, &n, "Q", 80, "strip", TRUE, "effort", WEBP_EFFORT, NULL) !=
        0)
        return vips_failed(d, field, "the image cannot be decoded");
    arena_defer(a, free_gbuf, buf);
    *out = (blob_thumb){
        .data = buf, .len = n, .w = vips_image_get_width(im), .h = vips_image_get_height(im)};
    return ST_OK;
}

status blob_image_thumbnails(const char *path, const int *boxes, size_t n, const char *field,
                             arena *a, blob_thumb *out, diag *d)
{
    BUG_ON(n == 0);
    int top = boxes[n - 1];
    VipsImage *lazy = NULL;
    if (vips_thumbnail(path, &lazy, top, "height", top, "size", VIPS_SIZE_DOWN, "fail_on",
                       VIPS_FAIL_ON_ERROR, NULL) != 0)
        return vips_failed(d, field, "the image cannot be decoded");
    /* The largest thumbnail's pixels, decoded once into memory (a damaged file fails here):
     * the smaller thumbnails are made from them rather than from the file again. */
    VipsImage *big = vips_image_copy_memory(lazy);
    g_object_unref(lazy);
    if (!big) return vips_failed(d, field, "the image cannot be decoded");
    status st = save_webp(big, field, a, &out[n - 1], d);
    for (size_t i = n - 1; !st && i-- > 0;) {
        VipsImage *small = NULL;
        if (vips_thumbnail_image(big, &small, boxes[i], "height", boxes[i], "size", VIPS_SIZE_DOWN,
                                 NULL) != 0) {
            st = vips_failed(d, field, "the image cannot be decoded");
            break;
        }
        st = save_webp(small, field, a, &out[i], d);
        g_object_unref(small);
    }
    g_object_unref(big);
    return st;
}

void blob_media_thread_done(void)
{
    vips_thread_shutdown();
}
