/* Image dimensions and thumbnails: libvips decodes, libwebp resamples and encodes; see media.h.
 * The only module that includes vips or libwebp. Started once per process; each call works on
 * one thread (vips' own pool is set to 1, the callers' threads give the parallelism), with the
 * operation cache off, loaders that vips marks untrusted blocked, and a pixel cap checked on
 * the header before anything is decoded. All of an image's thumbnails come from one decode,
 * shrunk on load towards the largest box. libwebp's own rescaler and encoder replace
 * vips_resize and webpsave: on the 1000x750 JPEG of bench/files.sh vips' region machinery
 * (a worker thread woken per tile, operation objects, a second copy of the pixels) cost more
 * than the resampling itself, 32 -> 22 ms of CPU per upload. */
#include <string.h>
#include <vips/vips.h>
#include <webp/encode.h>

#include "blob/media.h"
#include "util/limits.h"

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

/* The resampling kernel vips uses when an image is too large to hold whole (see
 * decoded_pixels): the triangle filter, ~5 ms less than lanczos3 from 1000x750 and a photo
 * shrunk by 1-4x loses little to it. */
#define KERNEL_STREAMED VIPS_KERNEL_LINEAR

/* How much width x height must shrink to fit box x box, never enlarged, never to 0 pixels on an
 * axis: vips_thumbnail's own rule, so the sizes stay what they were. */
static void shrink_to_box(int width, int height, int box, double *h, double *v)
{
    double s = VIPS_MAX((double)width / box, (double)height / box);
    s = VIPS_MAX(s, 1.0);
    *h = VIPS_MIN(s, width);
    *v = VIPS_MIN(s, height);
}

/* The size vips_resize gives width x height shrunk to fit box x box. */
static void size_in_box(int width, int height, int box, int *w, int *h)
{
    double hs, vs;
    shrink_to_box(width, height, box, &hs, &vs);
    *w = VIPS_MAX(1, (int)VIPS_ROUND_UINT(width / hs));
    *h = VIPS_MAX(1, (int)VIPS_ROUND_UINT(height / vs));
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
    shrink_to_box(im->Xsize, im->Ysize, box, &h, &v);
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

/* `in` (8-bit sRGB, alpha or not) resized by vips to fit box x box, alpha premultiplied while
 * it is resampled (else transparent pixels bleed their colour into the edges). Lazy: nothing
 * is computed until it is copied. NULL with vips' error set on failure. */
static VipsImage *fit_box(VipsImage *in, int box)
{
    double h, v;
    shrink_to_box(in->Xsize, in->Ysize, box, &h, &v);
    VipsImage *t[4] = {NULL, NULL, NULL, NULL}, *out = NULL;
    VipsImage *src = in;
    bool alpha = vips_image_hasalpha(in) && (h != 1.0 || v != 1.0); /* any axis resampled */
    if (alpha) {
        if (vips_premultiply(in, &t[0], NULL) || vips_cast(t[0], &t[1], in->BandFmt, NULL))
            goto done;
        src = t[1];
    }
    if (vips_resize(src, &t[2], 1.0 / h, "vscale", 1.0 / v, "kernel", KERNEL_STREAMED, NULL))
        goto done;
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

/* The pixels the largest box is made from, in memory (a damaged file fails here): 8-bit sRGB,
 * 3 bands or 4 with alpha, upright by the EXIF orientation. Decoded whole (after shrink-on-load)
 * when that is at most LIMIT_IMAGE_WHOLE_PIXELS: libwebp resamples them (see
 * blob_image_thumbnails); a larger image is streamed through vips_resize to the box first, so
 * it is never held whole. */
static VipsImage *decoded_pixels(const char *path, int box)
{
    VipsImage *loaded = open_for_box(path, box);
    if (!loaded) return NULL;
    int orientation = 1;
    if (vips_image_get_typeof(loaded, VIPS_META_ORIENTATION))
        (void)vips_image_get_int(loaded, VIPS_META_ORIENTATION, &orientation);
    VipsImage *display = NULL, *lazy = NULL, *mem = NULL, *upright = NULL;
    /* grey becomes 3 equal bands here rather than in WebPPictureImport*: the same pixels vips'
     * webpsave encoded */
    if (vips_colourspace(loaded, &display, VIPS_INTERPRETATION_sRGB, NULL)) goto done;
    if (display->BandFmt != VIPS_FORMAT_UCHAR || display->Bands < 3 || display->Bands > 4) {
        vips_error("thumbnail", "%d bands of format %d after sRGB", display->Bands,
                   (int)display->BandFmt);
        goto done;
    }
    if ((uint64_t)display->Xsize * (uint64_t)display->Ysize > LIMIT_IMAGE_WHOLE_PIXELS)
        lazy = fit_box(display, box);
    else
        lazy = g_object_ref(display);
    if (lazy) mem = vips_image_copy_memory(lazy);
    if (mem && orientation != 1) { /* turned, or nothing: never a sideways thumbnail */
        VipsImage *unturned = mem;
        mem = vips_autorot(unturned, &upright, NULL) ? NULL : vips_image_copy_memory(upright);
        g_object_unref(unturned);
    }
done:;
    VipsImage *refs[] = {loaded, display, lazy, upright};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
        if (refs[i]) g_object_unref(refs[i]);
    return mem;
}

/* `im`'s pixels as a libwebp picture (caller frees with WebPPictureFree). Opaque images go
 * straight to YUV 4:2:0, what the encoder takes, so the resampling works on 1.5 bytes a pixel;
 * with alpha they stay ARGB, whose rescaler premultiplies by alpha (its YUVA one weighs only
 * the luma). */
static bool import_picture(VipsImage *im, WebPPicture *pic)
{
    if (!WebPPictureInit(pic)) return false;
    pic->width = im->Xsize;
    pic->height = im->Ysize;
    pic->use_argb = im->Bands == 4;
    const uint8_t *px = VIPS_IMAGE_ADDR(im, 0, 0);
    int stride = (int)VIPS_IMAGE_SIZEOF_LINE(im);
    return im->Bands == 4 ? WebPPictureImportRGBA(pic, px, stride)
                          : WebPPictureImportRGB(pic, px, stride);
}

/* `src` resized by libwebp to fit box x box into `out` (caller frees). libwebp's rescaler
 * averages each output pixel's whole footprint (an area filter): ~2 ms from 1000x750 to
 * 640x480 where vips_resize took ~7 ms with a triangle filter. It premultiplies `src`'s pixels
 * by their alpha in place, so `src` is spent when it has alpha. */
static bool fit_picture(WebPPicture *src, int box, WebPPicture *out)
{
    int w, h;
    size_in_box(src->width, src->height, box, &w, &h);
    if (w == src->width && h == src->height) return WebPPictureCopy(src, out);
    /* a view shares src's pixels; the rescale gives it pixels of its own */
    if (!WebPPictureView(src, 0, 0, src->width, src->height, out)) return false;
    return WebPPictureRescale(out, w, h);
}

/* A smaller box from the largest box's picture, which is left as it was (fit_picture may
 * change its source). */
static bool fit_smaller(const WebPPicture *largest, int box, WebPPicture *out)
{
    WebPPicture scratch = {0};
    bool ok = WebPPictureCopy(largest, &scratch) && fit_picture(&scratch, box, out);
    WebPPictureFree(&scratch);
    return ok;
}

static void free_webp(void *p)
{
    WebPFree(p);
}

/* libwebp's method (0-6). On the 1000x750 photo of bench/files.sh, 0 takes ~40 % of the CPU
 * of vips' default 4 for its 640x480 thumbnail, and the file is not larger (67 KB vs 73 KB). */
#define WEBP_METHOD  0
#define WEBP_QUALITY 80

/* `pic` encoded as a lossy WebP (vips' webpsave settings: the default preset, alpha at full
 * quality, no metadata) into arena-owned memory. `pic` is converted to YUV in place. */
static status encode_webp(WebPPicture *pic, const char *field, arena *a, blob_thumb *out, diag *d)
{
    WebPConfig config;
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, WEBP_QUALITY))
        return diag_set(d, ST_INTERNAL, field, "libwebp: version mismatch");
    config.method = WEBP_METHOD;
    WebPMemoryWriter mw;
    WebPMemoryWriterInit(&mw);
    pic->writer = WebPMemoryWrite;
    pic->custom_ptr = &mw;
    if (!WebPEncode(&config, pic)) {
        WebPMemoryWriterClear(&mw);
        return diag_set(d, ST_INTERNAL, field, "libwebp: encoding failed (error %d)",
                        (int)pic->error_code);
    }
    arena_defer(a, free_webp, mw.mem);
    *out = (blob_thumb){.data = mw.mem, .len = mw.size, .w = pic->width, .h = pic->height};
    return ST_OK;
}

status blob_image_thumbnails(const char *path, const int *boxes, size_t n, const char *field,
                             arena *a, blob_thumb *out, diag *d)
{
    BUG_ON(n == 0 || n > BLOB_THUMBS_MAX);
    VipsImage *px = decoded_pixels(path, boxes[n - 1]);
    if (!px) return vips_failed(d, field, "the image cannot be decoded");
    /* zeroed, so each can be freed whatever step failed */
    WebPPicture whole = {0}, pics[BLOB_THUMBS_MAX] = {{0}};
    bool ok = import_picture(px, &whole);
    g_object_unref(px);
    /* every box before any is encoded (encoding turns a picture to YUV in place): the largest
     * from the decoded pixels, the smaller ones from the largest's, which are few */
    for (size_t i = n; ok && i-- > 0;)
        ok = i == n - 1 ? fit_picture(&whole, boxes[i], &pics[i])
                        : fit_smaller(&pics[n - 1], boxes[i], &pics[i]);
    WebPPictureFree(&whole);
    status st = ok ? ST_OK : diag_set(d, ST_INTERNAL, field, "libwebp: out of memory");
    for (size_t i = 0; !st && i < n; i++)
        st = encode_webp(&pics[i], field, a, &out[i], d);
    for (size_t i = 0; i < n; i++)
        WebPPictureFree(&pics[i]);
    return st;
}

void blob_media_thread_done(void)
{
    vips_thread_shutdown();
}
