/* Image dimensions and thumbnails with libvips; see media.h. The only module that includes
 * vips. Started once per process; each call works on one thread (vips' own pool is set to 1,
 * the server's threads give the parallelism), with the operation cache off, loaders that vips
 * marks untrusted blocked, and a pixel cap checked on the header before anything is decoded. */
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
    vips_cache_set_max(0);
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

status blob_image_thumbnail(const char *path, int box, const char *field, arena *a, void **data,
                            size_t *len, int64_t *w, int64_t *h, diag *d)
{
    VipsImage *out = NULL;
    if (vips_thumbnail(path, &out, box, "height", box, "size", VIPS_SIZE_DOWN, "fail_on",
                       VIPS_FAIL_ON_ERROR, NULL) != 0)
        return vips_failed(d, field, "the image cannot be decoded");
    void *buf = NULL;
    size_t n = 0;
    int rc = vips_webpsave_buffer(out, &buf, &n, "Q", 80, "strip", TRUE, NULL);
    *w = vips_image_get_width(out);
    *h = vips_image_get_height(out);
    g_object_unref(out);
    if (rc != 0) return vips_failed(d, field, "the image cannot be decoded");
    arena_defer(a, free_gbuf, buf);
    *data = buf;
    *len = n;
    return ST_OK;
}
