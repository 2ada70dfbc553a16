/* Image dimensions and thumbnails with libvips; see media.h. The only module that includes
 * vips. Started once per process; each call works on one thread (vips' own pool is set to 1,
 * the callers' threads give the parallelism), with the operation cache off, loaders that vips
 * marks untrusted blocked, and a pixel cap checked on the header before anything is decoded.
 * All of an image's thumbnails come from one decode, shrunk on load to the largest box. The
 * steps of vips_thumbnail are spelled out here because it has no kernel option. */
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

/* The resampling kernels. The largest box (the 640 preview) is most of an upload's CPU: from a
 * 1000x750 JPEG, lanczos3 took ~13 ms of vips_resize where the triangle ("linear") filter takes
 * ~8, and a photo shrunk by 1.0-4x loses little to it. The smaller boxes come from the largest's
 * pixels, a few ms whatever the kernel, so they keep lanczos3 (sharper at 160). */
#define KERNEL_LARGEST VIPS_KERNEL_LINEAR
#define KERNEL_SMALLER VIPS_KERNEL_LANCZOS3

/* How much `im` must shrink to fit box x box, never enlarged, never to 0 pixels on an axis:
 * vips_thumbnail's own rule, so the sizes stay what they were. */
static void shrink_to_box(const VipsImage *im, int box, double *h, double *v)
{
    double s = VIPS_MAX((double)im->Xsize / box, (double)im->Ysize / box);
    s = VIPS_MAX(s, 1.0);
    *h = VIPS_MIN(s, im->Xsize);
    *v = VIPS_MIN(s, im->Ysize);
}

/* Opens `path` as small as its loader can make it while it still covers the box: JPEG by 2, 4
 * or 8 in the DCT while at least twice the box is left for the resize; WebP scaled by libwebp
 * to the box. The other formats load whole (they are read as a stream, never held whole). */
static VipsImage *open_for_box(const char *path, int box)
{
    VipsImage *im = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                             VIPS_FAIL_ON_ERROR, NULL);
    const char *loader = im ? vips_foreign_find_load(path) : NULL;
    if (!loader) return im;
    double h, v;
    shrink_to_box(im, box, &h, &v);
    double s = VIPS_MIN(h, v);
    VipsImage *smaller = NULL;
    if (vips_isprefix("VipsForeignLoadJpeg", loader) && s >= 4) {
        int jpeg_shrink = s >= 16 ? 8 : s >= 8 ? 4 : 2;
        smaller = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                           VIPS_FAIL_ON_ERROR, "shrink", jpeg_shrink, NULL);
    } else if (vips_isprefix("VipsForeignLoadWebp", loader) && s > 1) {
        smaller = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                           VIPS_FAIL_ON_ERROR, "scale", 1.0 / s, NULL);
    } else {
        return im;
    }
    g_object_unref(im);
    return smaller;
}

/* `in` (8-bit sRGB or B_W) resized to fit box x box with `kernel`, alpha premultiplied while it
 * is resampled (else transparent pixels bleed their colour into the edges). Lazy: nothing is
 * computed until it is saved or copied. NULL with vips' error set on failure. */
static VipsImage *fit_box(VipsImage *in, int box, VipsKernel kernel)
{
    double h, v;
    shrink_to_box(in, box, &h, &v);
    VipsImage *t[4] = {NULL, NULL, NULL, NULL}, *out = NULL;
    VipsImage *src = in;
    bool alpha = vips_image_hasalpha(in) && h != 1.0 && v != 1.0;
    if (alpha) {
        if (vips_premultiply(in, &t[0], NULL) || vips_cast(t[0], &t[1], in->BandFmt, NULL))
            goto done;
        src = t[1];
    }
    if (vips_resize(src, &t[2], 1.0 / h, "vscale", 1.0 / v, "kernel", kernel, NULL)) goto done;
    if (!alpha) {
        out = t[2];
        t[2] = NULL;
    } else if (!vips_unpremultiply(t[2], &t[3], NULL)) {
        vips_cast(t[3], &out, in->BandFmt, NULL);
    }
done:
    for (int i = 0; i < 4; i++)
        if (t[i]) g_object_unref(t[i]);
    return out;
}

/* The pixels for the largest box, in memory (a damaged file fails here): what vips_thumbnail
 * made, sRGB (or B_W) 8-bit, upright by the EXIF orientation, with KERNEL_LARGEST in place of
 * its fixed lanczos3. */
static VipsImage *largest_pixels(const char *path, int box)
{
    VipsImage *loaded = open_for_box(path, box);
    if (!loaded) return NULL;
    int orientation = 1;
    if (vips_image_get_typeof(loaded, VIPS_META_ORIENTATION))
        (void)vips_image_get_int(loaded, VIPS_META_ORIENTATION, &orientation);
    VipsImage *display = NULL, *lazy = NULL, *mem = NULL, *upright = NULL;
    if (!vips_colourspace(loaded, &display,
                          loaded->Bands < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB,
                          NULL))
        lazy = fit_box(display, box, KERNEL_LARGEST);
    if (lazy) mem = vips_image_copy_memory(lazy);
    if (mem && orientation != 1) { /* turned, or nothing: never a sideways thumbnail */
        VipsImage *unturned = mem;
        mem = vips_autorot(unturned, &upright, NULL) ? NULL : vips_image_copy_memory(upright);
        g_object_unref(unturned);
    }
    VipsImage *refs[] = {loaded, display, lazy, upright};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
        if (refs[i]) g_object_unref(refs[i]);
    return mem;
}

status blob_image_thumbnails(const char *path, const int *boxes, size_t n, const char *field,
                             arena *a, blob_thumb *out, diag *d)
{
    BUG_ON(n == 0);
    VipsImage *big = largest_pixels(path, boxes[n - 1]);
    if (!big) return vips_failed(d, field, "the image cannot be decoded");
    status st = save_webp(big, field, a, &out[n - 1], d);
    for (size_t i = n - 1; !st && i-- > 0;) {
        VipsImage *small = fit_box(big, boxes[i], KERNEL_SMALLER);
        if (!small) {
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
