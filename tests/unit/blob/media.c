/* Tests of blob/sniff.c and blob/image.c: the kind and MIME type of each format we recognise
 * from its leading bytes (a name never enters into it), and with real images made by libvips
 * here: header dimensions, the pixel cap checked before decoding (a PNG whose header claims
 * 20000x20000), thumbnails fitting their box without enlarging, and a truncated image refused
 * with the field named instead of crashing. */
#include "unit.h"

#include <vips/vips.h>

#include "blob/media.h"
#include "util/limits.h"

#define LIMIT_PIXELS LIMIT_IMAGE_PIXELS

/* ---- sniffing ---- */

static void sniff_is(const char *bytes, size_t n, const char *type, const char *mime,
                     const char *ext, bool decodable)
{
    blob_kind k;
    blob_sniff((const unsigned char *)bytes, n, &k);
    assert_string_equal(k.type, type);
    assert_string_equal(k.mime, mime);
    assert_string_equal(k.ext, ext);
    assert_int_equal(k.decodable, decodable);
}

#define SNIFF(lit, type, mime, ext, dec) sniff_is((lit), sizeof(lit) - 1, type, mime, ext, dec)

static void test_sniff(void **state)
{
    SNIFF("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image", "image/png", "png", true);
    SNIFF("\xff\xd8\xff\xe0\0\x10JFIF", "image", "image/jpeg", "jpg", true);
    SNIFF("GIF89a\1\0\1\0", "image", "image/gif", "gif", true);
    SNIFF("RIFF\x24\0\0\0WEBPVP8 ", "image", "image/webp", "webp", true);
    SNIFF("II*\0\x08\0\0\0", "image", "image/tiff", "tiff", false);
    SNIFF("\0\0\0\x20"
          "ftypisom\0\0\2\0",
          "video", "video/mp4", "mp4", false);
    SNIFF("\0\0\0\x14"
          "ftypqt  \0\0\0\0",
          "video", "video/quicktime", "mov", false);
    SNIFF("\0\0\0\x20"
          "ftypM4A \0\0\0\0",
          "audio", "audio/mp4", "m4a", false);
    SNIFF("\0\0\0\x1c"
          "ftypavif\0\0\0\0",
          "image", "image/avif", "avif", false);
    SNIFF("\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "video", "video/webm", "webm", false);
    SNIFF("RIFF\x24\0\0\0WAVEfmt ", "audio", "audio/wav", "wav", false);
    SNIFF("RIFF\x24\0\0\0AVI LIST", "video", "video/x-msvideo", "avi", false);
    SNIFF("ID3\4\0\0\0\0\0\0", "audio", "audio/mpeg", "mp3", false);
    SNIFF("\xff\xfb\x90\x64\0\0", "audio", "audio/mpeg", "mp3", false);
    SNIFF("fLaC\0\0\0\x22", "audio", "audio/flac", "flac", false);
    SNIFF("OggS\0\2\0\0\0\0\0\0\0\0\x01vorbis", "audio", "audio/ogg", "ogg", false);
    SNIFF("OggS\0\2\0\0\0\0\0\0\0\0\x80theora", "video", "video/ogg", "ogv", false);
    SNIFF("%PDF-1.4\n%\xe2\xe3\xcf\xd3", "document", "application/pdf", "pdf", false);
    SNIFF("PK\3\4\x14\0\6\0", "document", "application/zip", "zip", false);
    SNIFF("Hello, w\xc3\xb6rld\n", "document", "text/plain", "txt", false);
    /* UTF-8 cut in the middle of a sequence at the end of the head is still text */
    SNIFF("caf\xc3", "document", "text/plain", "txt", false);
    SNIFF("\0\1\2\3\xfe\xff", "document", "application/octet-stream", "bin", false);
    SNIFF("bad \xff\xfe utf8 here", "document", "application/octet-stream", "bin", false);
    sniff_is("", 0, "document", "application/octet-stream", "bin", false);
    /* a magic number cut short is not that format */
    SNIFF("\x89PN", "document", "application/octet-stream", "bin", false);
}

/* ---- images ---- */

typedef struct {
    char dir[64];
    arena *a;
    diag d;
} env;

static int setup(void **state)
{
    env *e = test_calloc(1, sizeof *e);
    unit_mkdtemp(e->dir, sizeof e->dir);
    e->a = arena_new(1024);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    arena_free(e->a);
    unit_rmtree(e->dir);
    test_free(e);
    return 0;
}

/* A w x h RGB noise image saved as dir/name (the suffix picks the format). */
static char *make_image(env *e, const char *name, int w, int h)
{
    char *path = arena_printf(e->a, "%s/%s", e->dir, name);
    VipsImage *noise, *rgb, *u8;
    assert_int_equal(vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 40.0, NULL), 0);
    VipsImage *bands[3] = {noise, noise, noise};
    assert_int_equal(vips_bandjoin(bands, &rgb, 3, NULL), 0);
    assert_int_equal(vips_cast(rgb, &u8, VIPS_FORMAT_UCHAR, NULL), 0);
    assert_int_equal(vips_image_write_to_file(u8, path, NULL), 0);
    g_object_unref(u8);
    g_object_unref(rgb);
    g_object_unref(noise);
    return path;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static unsigned long crc32_of(const unsigned char *p, size_t n)
{
    unsigned long c = 0xffffffffUL;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffUL;
}

static void be32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static void test_probe_and_thumbnails(void **state)
{
    env *e = *state;
    char *png = make_image(e, "a.png", 300, 200);
    int64_t w, h;
    assert_int_equal(blob_image_probe(png, LIMIT_PIXELS, "file", &w, &h, &e->d), ST_OK);
    assert_int_equal(w, 300);
    assert_int_equal(h, 200);
    static const int boxes[] = {160, 640};
    blob_thumb t[2];
    assert_int_equal(blob_image_thumbnails(png, boxes, 2, "file", e->a, t, &e->d), ST_OK);
    assert_int_equal(t[0].w, 160);
    assert_in_range(t[0].h, 106, 107);
    assert_true(t[0].len > 12);
    assert_memory_equal(t[0].data, "RIFF", 4);
    assert_memory_equal((char *)t[0].data + 8, "WEBP", 4);
    /* a box larger than the image does not enlarge it */
    assert_int_equal(t[1].w, 300);
    assert_int_equal(t[1].h, 200);
    assert_memory_equal((char *)t[1].data + 8, "WEBP", 4);

    char *jpg = make_image(e, "b.jpg", 1200, 900);
    assert_int_equal(blob_image_probe(jpg, LIMIT_PIXELS, "file", &w, &h, &e->d), ST_OK);
    assert_int_equal(w, 1200);
    assert_int_equal(blob_image_thumbnails(jpg, boxes, 2, "file", e->a, t, &e->d), ST_OK);
    assert_int_equal(t[0].w, 160);
    assert_int_equal(t[0].h, 120);
    assert_int_equal(t[1].w, 640);
    assert_int_equal(t[1].h, 480);
    /* one box only: the 160 straight from the file */
    assert_int_equal(blob_image_thumbnails(jpg, boxes, 1, "file", e->a, t, &e->d), ST_OK);
    assert_int_equal(t[0].w, 160);
    assert_int_equal(t[0].h, 120);
    /* the same input makes the same bytes (a blob is named by its hash) */
    blob_thumb again[2];
    assert_int_equal(blob_image_thumbnails(jpg, boxes, 2, "file", e->a, t, &e->d), ST_OK);
    assert_int_equal(blob_image_thumbnails(jpg, boxes, 2, "file", e->a, again, &e->d), ST_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(t[i].len, again[i].len);
        assert_memory_equal(t[i].data, again[i].data, t[i].len);
    }
    blob_media_thread_done(); /* and images still work on this thread afterwards */
    assert_int_equal(blob_image_thumbnails(png, boxes, 1, "file", e->a, t, &e->d), ST_OK);
}

/* A w x h image of `bands` bands (4: RGBA with a transparent half) saved as dir/name, with
 * EXIF orientation `orientation` when it is not 1. */
static char *make_image_with(env *e, const char *name, int w, int h, int bands, int orientation)
{
    char *path = arena_printf(e->a, "%s/%s", e->dir, name);
    VipsImage *noise, *joined, *u8;
    assert_int_equal(vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 40.0, NULL), 0);
    VipsImage *bands_in[4] = {noise, noise, noise, NULL};
    VipsImage *alpha = NULL;
    if (bands == 4) {
        VipsImage *x;
        assert_int_equal(vips_xyz(&x, w, h, NULL), 0);
        VipsImage *xb;
        assert_int_equal(vips_extract_band(x, &xb, 0, NULL), 0);
        assert_int_equal(
            vips_relational_const1(xb, &alpha, VIPS_OPERATION_RELATIONAL_MORE, w / 2.0, NULL), 0);
        bands_in[3] = alpha;
        g_object_unref(xb);
        g_object_unref(x);
    }
    assert_int_equal(vips_bandjoin(bands_in, &joined, bands, NULL), 0);
    assert_int_equal(vips_cast(joined, &u8, VIPS_FORMAT_UCHAR, NULL), 0);
    VipsImage *srgb;
    assert_int_equal(vips_copy(u8, &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    if (orientation != 1) vips_image_set_int(srgb, VIPS_META_ORIENTATION, orientation);
    assert_int_equal(vips_image_write_to_file(srgb, path, NULL), 0);
    g_object_unref(srgb);
    g_object_unref(u8);
    g_object_unref(joined);
    if (alpha) g_object_unref(alpha);
    g_object_unref(noise);
    return path;
}

/* The size vips_thumbnail itself gives `path` in a box x box: the sizes we promise (docs/FILES.md)
 * are its sizes, whatever kernel or loader options make the pixels. */
static void vips_thumbnail_size(const char *path, int box, int64_t *w, int64_t *h)
{
    VipsImage *t;
    assert_int_equal(vips_thumbnail(path, &t, box, "height", box, "size", VIPS_SIZE_DOWN, NULL), 0);
    *w = vips_image_get_width(t);
    *h = vips_image_get_height(t);
    g_object_unref(t);
}

/* Shrink-on-load (JPEG by 2/4/8, WebP scaled by libwebp), EXIF orientation, alpha and odd
 * shapes: each thumbnail is the size vips_thumbnail makes, upright, a real WebP. */
static void test_thumbnail_sizes_follow_vips_thumbnail(void **state)
{
    env *e = *state;
    struct {
        const char *name;
        int w, h, bands, orientation;
    } cases[] = {
        {"big.jpg", 2600, 1950, 3, 1},   /* JPEG shrunk by 2 on load */
        {"huge.jpg", 5200, 1000, 3, 1},  /* by 8: 640 wide, a thin strip */
        {"turned.jpg", 1200, 900, 3, 6}, /* EXIF says turn 90: 480x640 */
        {"big.webp", 1300, 700, 3, 1},   /* scaled by libwebp on load */
        {"alpha.png", 900, 500, 4, 1},   /* premultiplied while resized */
        {"tall.png", 170, 2000, 3, 1},   /* long side 2000, short 170 */
        {"tiny.png", 3, 700, 3, 1},      /* an axis near 0 stays >= 1 */
        {"odd.png", 997, 743, 3, 1},     /* sizes that round */
        {"odd.jpg", 1283, 1001, 3, 1},
        {"odd-shrunk.jpg", 3001, 2999, 3, 1}, /* shrunk by 2 on load to 1501x1500 */
        {"large.png", 2400, 1800, 4, 1},      /* over LIMIT_IMAGE_WHOLE_PIXELS: vips_resize */
    };
    static const int boxes[] = {160, 640};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *path = make_image_with(e, cases[c].name, cases[c].w, cases[c].h, cases[c].bands,
                                     cases[c].orientation);
        blob_thumb t[2];
        assert_int_equal(blob_image_thumbnails(path, boxes, 2, "file", e->a, t, &e->d), ST_OK);
        for (int i = 0; i < 2; i++) {
            int64_t w, h;
            vips_thumbnail_size(path, boxes[i], &w, &h);
            if (t[i].w != w || t[i].h != h)
                fail_msg("%s in %d: %lldx%lld, vips_thumbnail %lldx%lld", cases[c].name, boxes[i],
                         (long long)t[i].w, (long long)t[i].h, (long long)w, (long long)h);
            VipsImage *back = vips_image_new_from_buffer(t[i].data, t[i].len, "", NULL);
            assert_non_null(back);
            assert_int_equal(vips_image_get_width(back), w);
            assert_int_equal(vips_image_get_height(back), h);
            assert_int_equal(vips_image_hasalpha(back), cases[c].bands == 4);
            g_object_unref(back);
        }
    }
}

/* The mean absolute difference per channel between two images of the same size and bands. */
static double mean_abs_diff(VipsImage *x, VipsImage *y)
{
    VipsImage *d, *ad;
    double mean;
    assert_int_equal(vips_image_get_width(x), vips_image_get_width(y));
    assert_int_equal(vips_image_get_height(x), vips_image_get_height(y));
    assert_int_equal(vips_subtract(x, y, &d, NULL), 0);
    assert_int_equal(vips_abs(d, &ad, NULL), 0);
    assert_int_equal(vips_avg(ad, &mean, NULL), 0);
    g_object_unref(ad);
    g_object_unref(d);
    return mean;
}

/* `t` decoded, and the same box made by vips_thumbnail (lanczos3 from the file) and by
 * vips_thumbnail then vips' own WebP save at our settings (Q 80, effort 0): how far our
 * thumbnail is from vips_thumbnail's pixels, and how far WebP alone takes vips' own. */
static void distance_to_vips_thumbnail(const char *path, int box, const blob_thumb *t, double *ours,
                                       double *webp_alone)
{
    VipsImage *lazy, *ref, *back, *ref_webp;
    assert_int_equal(vips_thumbnail(path, &lazy, box, "height", box, "size", VIPS_SIZE_DOWN, NULL),
                     0);
    ref = vips_image_copy_memory(lazy); /* read twice below */
    g_object_unref(lazy);
    assert_non_null(ref);
    back = vips_image_new_from_buffer(t->data, t->len, "", NULL);
    assert_non_null(back);
    *ours = mean_abs_diff(back, ref);
    void *bytes;
    size_t n;
    assert_int_equal(
        vips_webpsave_buffer(ref, &bytes, &n, "Q", 80, "effort", 0, "strip", TRUE, NULL), 0);
    ref_webp = vips_image_new_from_buffer(bytes, n, "", NULL);
    assert_non_null(ref_webp);
    *webp_alone = mean_abs_diff(ref_webp, ref);
    g_object_unref(ref_webp);
    g_free(bytes);
    g_object_unref(back);
    g_object_unref(ref);
}

/* A w x h smooth sRGB image (gradients, a different one per band) saved as dir/name, with EXIF
 * orientation `orientation` when it is not 1; with 4 bands its alpha runs from 64 to 255 across
 * it (never 0: libwebp may change the colour under fully transparent pixels). */
static char *make_smooth_image(env *e, const char *name, int w, int h, int bands, int orientation)
{
    char *path = arena_printf(e->a, "%s/%s", e->dir, name);
    VipsImage *t[10] = {NULL};
    assert_int_equal(vips_xyz(&t[0], w, h, NULL), 0);
    assert_int_equal(vips_extract_band(t[0], &t[1], 0, NULL), 0); /* x */
    assert_int_equal(vips_extract_band(t[0], &t[2], 1, NULL), 0); /* y */
    assert_int_equal(vips_add(t[1], t[2], &t[3], NULL), 0);
    assert_int_equal(vips_linear1(t[1], &t[4], 200.0 / w, 20, NULL), 0);
    assert_int_equal(vips_linear1(t[2], &t[5], 180.0 / h, 40, NULL), 0);
    assert_int_equal(vips_linear1(t[3], &t[6], 150.0 / (w + h), 60, NULL), 0);
    assert_int_equal(vips_linear1(t[1], &t[7], 191.0 / w, 64, NULL), 0);
    VipsImage *in[4] = {t[4], t[5], t[6], t[7]};
    assert_int_equal(vips_bandjoin(in, &t[8], bands, NULL), 0);
    assert_int_equal(vips_cast(t[8], &t[9], VIPS_FORMAT_UCHAR, NULL), 0);
    VipsImage *srgb;
    assert_int_equal(vips_copy(t[9], &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    if (orientation != 1) vips_image_set_int(srgb, VIPS_META_ORIENTATION, orientation);
    assert_int_equal(vips_image_write_to_file(srgb, path, NULL), 0);
    g_object_unref(srgb);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        g_object_unref(t[i]);
    return path;
}

/* Each thumbnail is close to vips_thumbnail's (lanczos3, from the file) for the same box: the
 * mean absolute difference per channel of our WebP, decoded, from vips_thumbnail's pixels is
 * at most what WebP alone costs vips_thumbnail's pixels (its own WebP at our settings) plus a
 * margin for the resampling kernel. On smooth content the kernels agree (measured: within
 * 0.32 of 255, alpha or not): margin 0.5. On per-pixel noise they differ most: libwebp's area
 * filter is 3.5 further than WebP alone at 640 and 0.75 at 160 (the triangle filter the 640
 * had before: 3.9): margin 4.5. A shifted, mirrored, channel-swapped or still premultiplied
 * thumbnail is 10 or more further. */
static void test_thumbnails_close_to_vips_thumbnail(void **state)
{
    env *e = *state;
    struct {
        char *path;
        double margin;
    } cases[] = {
        {make_image_with(e, "noise.jpg", 1000, 750, 3, 1), 4.5},
        {make_smooth_image(e, "smooth.jpg", 1000, 750, 3, 1), 0.5},
        {make_smooth_image(e, "smooth-turned.jpg", 1000, 750, 3, 8), 0.5}, /* EXIF: turn 270 */
        {make_smooth_image(e, "smooth-alpha.png", 1000, 750, 4, 1), 0.5},
        {make_smooth_image(e, "smooth-big.png", 2400, 1800, 4, 1), 0.5}, /* vips_resize */
    };
    static const int boxes[] = {160, 640};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        blob_thumb t[2];
        assert_int_equal(blob_image_thumbnails(cases[c].path, boxes, 2, "file", e->a, t, &e->d),
                         ST_OK);
        for (int i = 0; i < 2; i++) {
            double ours, webp_alone;
            distance_to_vips_thumbnail(cases[c].path, boxes[i], &t[i], &ours, &webp_alone);
            if (ours > webp_alone + cases[c].margin)
                fail_msg("%s in %d: %.2f from vips_thumbnail's pixels, its own WebP %.2f",
                         cases[c].path, boxes[i], ours, webp_alone);
        }
    }
}

static void test_pixel_cap_before_decoding(void **state)
{
    env *e = *state;
    /* A valid PNG header claiming 20000 x 20000 (400 megapixels) and a token IDAT. */
    unsigned char png[8 + 25 + 12 + 12 + 12] = "\x89PNG\r\n\x1a\n";
    unsigned char *p = png + 8;
    be32(p, 13);
    memcpy(p + 4, "IHDR", 4);
    be32(p + 8, 20000);
    be32(p + 12, 20000);
    p[16] = 8, p[17] = 2, p[18] = 0, p[19] = 0, p[20] = 0;
    be32(p + 21, crc32_of(p + 4, 17));
    p += 25;
    be32(p, 0);
    memcpy(p + 4, "IDAT", 4);
    be32(p + 8, crc32_of(p + 4, 4));
    p += 12;
    be32(p, 0);
    memcpy(p + 4, "IEND", 4);
    be32(p + 8, crc32_of(p + 4, 4));
    char *path = arena_printf(e->a, "%s/bomb.png", e->dir);
    write_bytes(path, png, (size_t)(p + 12 - png));
    int64_t w, h;
    assert_int_equal(blob_image_probe(path, LIMIT_PIXELS, "file", &w, &h, &e->d), ST_INVALID);
    assert_string_equal(e->d.field, "file");
    assert_non_null(strstr(e->d.msg, "20000x20000"));
    assert_non_null(strstr(e->d.msg, "100 megapixels"));
}

static void test_truncated_image_refused(void **state)
{
    env *e = *state;
    char *png = make_image(e, "c.png", 400, 300);
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    static unsigned char bytes[1 << 20];
    size_t n = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    assert_true(n > 1000);
    char *cut = arena_printf(e->a, "%s/cut.png", e->dir);
    write_bytes(cut, bytes, n / 2);
    int64_t w, h;
    /* the header is whole, so probing works; decoding the pixels does not */
    assert_int_equal(blob_image_probe(cut, LIMIT_PIXELS, "file", &w, &h, &e->d), ST_OK);
    static const int boxes[] = {160, 640};
    blob_thumb t[2];
    assert_int_equal(blob_image_thumbnails(cut, boxes, 2, "file", e->a, t, &e->d), ST_INVALID);
    assert_string_equal(e->d.field, "file");
    assert_non_null(strstr(e->d.msg, "cannot be decoded"));

    /* a file that only starts like a PNG */
    char *junk = arena_printf(e->a, "%s/junk.png", e->dir);
    write_bytes(junk, "\x89PNG\r\n\x1a\nnot really", 18);
    assert_int_equal(blob_image_probe(junk, LIMIT_PIXELS, "file", &w, &h, &e->d), ST_INVALID);
    assert_string_equal(e->d.field, "file");
}

int main(void)
{
    if (!blob_media_init("unit")) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test_setup_teardown(test_probe_and_thumbnails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thumbnail_sizes_follow_vips_thumbnail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_thumbnails_close_to_vips_thumbnail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pixel_cap_before_decoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_image_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
