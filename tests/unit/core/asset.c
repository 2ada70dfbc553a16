/* Tests of core/asset.c on a real store and blob directory: an image upload becomes a ready
 * asset with its size, sniffed type and two thumbnails stored as blobs; names are cleaned
 * (path parts, quotes, control characters, bad UTF-8) and the extension follows the name, else
 * the content; identical bytes are one blob, removed only when the last asset naming it is
 * deleted (after the commit); bad fields and oversize files write nothing; and the signed URL
 * rules of asset_open (signature, expiry, key of the workspace, thumbnails); processing queued
 * on the asset workers. */
#include "unit.h"

#include <pthread.h>
#include <sys/stat.h>
#include <vips/vips.h>

#include "blob/media.h"
#include "core/asset.h"
#include "util/limits.h"

typedef struct {
    unit_env *u;
    blob_store *bs;
} env;

static int setup_with(void **state, uint64_t max_upload)
{
    env *e = test_calloc(1, sizeof *e);
    e->u = unit_env_new();
    diag d = {0};
    assert_int_equal(blob_store_open(e->u->dir, &e->bs, &d), ST_OK);
    asset_config cfg = {.blobs = e->bs,
                        .public_url = "http://files.test",
                        .max_upload = max_upload,
                        .max_pixels = LIMIT_IMAGE_PIXELS,
                        .url_ttl_s = 86400};
    assert_int_equal(asset_init(&cfg, e->u->st, &d), ST_OK);
    e->u->cx.now = 1700000000000LL;
    *state = e;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, 1 << 20);
}

static int setup_small(void **state)
{
    return setup_with(state, 10);
}

static int teardown(void **state)
{
    env *e = *state;
    blob_store_free(e->bs);
    unit_env_free(e->u);
    test_free(e);
    return 0;
}

/* Streams bytes in two pieces and processes them under `name`. */
static status upload_file(env *e, const void *p, size_t n, const char *name, asset_file **out)
{
    status st = asset_file_new(e->u->a, out, &e->u->d);
    size_t half = n / 2;
    if (!st) st = asset_file_write(*out, p, half, &e->u->d);
    if (!st) st = asset_file_write(*out, (const char *)p + half, n - half, &e->u->d);
    if (!st) st = asset_file_process(*out, name, e->u->a, &e->u->d);
    return st;
}

static asset_row upload(env *e, const void *p, size_t n, const char *name)
{
    asset_in in = {0};
    asset_row r;
    assert_int_equal(upload_file(e, p, n, name, &in.file), ST_OK);
    assert_int_equal(asset_create(&e->u->cx, &in, &r), ST_OK);
    return r;
}

static bool blob_exists(env *e, const char *hash)
{
    struct stat sb;
    return stat(blob_path(e->bs, e->u->a, hash), &sb) == 0;
}

/* The bytes of a w x h PNG made by libvips (arena). */
static void *png_bytes(env *e, int w, int h, size_t *n)
{
    VipsImage *im;
    assert_int_equal(vips_black(&im, w, h, "bands", 3, NULL), 0);
    void *saved;
    assert_int_equal(vips_pngsave_buffer(im, &saved, n, NULL), 0);
    g_object_unref(im);
    void *copy = arena_alloc(e->u->a, *n);
    memcpy(copy, saved, *n);
    g_free(saved);
    return copy;
}

/* The value of `key` in a URL's query (arena). */
static char *query_value(env *e, const char *url, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "%s=", key);
    const char *p = strstr(url, pat);
    assert_non_null(p);
    p += strlen(pat);
    size_t len = strcspn(p, "&");
    return arena_strndup(e->u->a, p, len);
}

static void test_image_upload(void **state)
{
    env *e = *state;
    size_t n;
    void *png = png_bytes(e, 300, 200, &n);
    asset_row r = upload(e, png, n, "shot.PNG");
    assert_string_equal(r.type, "image");
    assert_string_equal(r.mime_type, "image/png");
    assert_string_equal(r.filename, "shot.PNG");
    assert_string_equal(r.extension, "png");
    assert_string_equal(r.status, "ready");
    assert_int_equal(r.version, 1);
    assert_int_equal(r.filesize, (int64_t)n);
    assert_int_equal(r.width, 300);
    assert_int_equal(r.height, 200);
    assert_int_equal(r.n_thumbs, 2);
    assert_int_equal(r.thumbs[0].box, 160);
    assert_int_equal(r.thumbs[0].width, 160);
    assert_int_equal(r.thumbs[1].box, 640);
    assert_int_equal(r.thumbs[1].width, 300); /* never enlarged */
    assert_true(blob_exists(e, r.blob));
    assert_true(blob_exists(e, r.thumbs[0].blob));
    char prefix[128];
    snprintf(prefix, sizeof prefix, "http://files.test/files/%s/shot.PNG?expires=", r.uuid);
    assert_memory_equal(r.public_url, prefix, strlen(prefix));
    assert_non_null(strstr(r.thumbs[0].url, "/thumbnails/160.webp?expires="));

    /* what a read gives back is the same, with URLs signed alike */
    asset_row got;
    assert_int_equal(asset_get(&e->u->cx, r.uuid, &got), ST_OK);
    assert_string_equal(got.public_url, r.public_url);
    assert_int_equal(got.n_thumbs, 2);
    assert_string_equal(got.thumbs[1].url, r.thumbs[1].url);

    /* a small image gets the small thumbnail only */
    void *tiny = png_bytes(e, 100, 50, &n);
    asset_row t = upload(e, tiny, n, "tiny.png");
    assert_int_equal(t.n_thumbs, 1);
    assert_int_equal(t.thumbs[0].width, 100);
    assert_int_equal(t.thumbs[0].height, 50);
}

/* asset_file_process_queue: on a worker thread once workers run (done is called there, with
 * the outcome in the job), on the caller's thread without them; a damaged image's failure
 * comes back in the job's diag. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    pthread_t thread;
} wait_done;

static void mark_done(void *ctx)
{
    wait_done *w = ctx;
    pthread_mutex_lock(&w->lock);
    w->thread = pthread_self();
    w->done = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void queue_and_wait(env *e, asset_process_job *j, asset_file *f, const char *name,
                           wait_done *w)
{
    *w = (wait_done){.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    *j =
        (asset_process_job){.file = f, .filename = name, .a = e->u->a, .done = mark_done, .ctx = w};
    asset_file_process_queue(j);
    pthread_mutex_lock(&w->lock);
    while (!w->done)
        pthread_cond_wait(&w->cond, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

static void test_processing_queued_on_workers(void **state)
{
    env *e = *state;
    size_t n;
    void *png = png_bytes(e, 300, 200, &n);
    asset_process_job j;
    wait_done w;
    asset_in in = {0};

    /* no workers: at once, on this thread */
    assert_false(asset_workers_running());
    assert_int_equal(asset_file_new(e->u->a, &in.file, &e->u->d), ST_OK);
    assert_int_equal(asset_file_write(in.file, png, n, &e->u->d), ST_OK);
    queue_and_wait(e, &j, in.file, "a.png", &w);
    assert_int_equal(j.st, ST_OK);
    assert_true(pthread_equal(w.thread, pthread_self()));

    diag d = {0};
    assert_int_equal(asset_workers_start(2, &d), ST_OK);
    assert_true(asset_workers_running());
    assert_int_equal(asset_file_new(e->u->a, &in.file, &e->u->d), ST_OK);
    assert_int_equal(asset_file_write(in.file, png, n, &e->u->d), ST_OK);
    queue_and_wait(e, &j, in.file, "b.png", &w);
    assert_int_equal(j.st, ST_OK);
    assert_false(pthread_equal(w.thread, pthread_self()));
    asset_row r;
    assert_int_equal(asset_create(&e->u->cx, &in, &r), ST_OK);
    assert_int_equal(r.n_thumbs, 2);
    assert_int_equal(r.thumbs[0].width, 160);
    assert_string_equal(r.filename, "b.png");

    /* a PNG cut in half: refused, the reason in the job */
    assert_int_equal(asset_file_new(e->u->a, &in.file, &e->u->d), ST_OK);
    assert_int_equal(asset_file_write(in.file, png, n / 2, &e->u->d), ST_OK);
    queue_and_wait(e, &j, in.file, "cut.png", &w);
    assert_int_equal(j.st, ST_INVALID);
    assert_string_equal(j.d.field, "file");
    asset_workers_stop();
    assert_false(asset_workers_running());
}

static void test_names_and_types(void **state)
{
    env *e = *state;
    asset_row r = upload(e, "%PDF-1.4\n%%EOF\n", 15, "../../etc/re\"port\x01.Pdf");
    assert_string_equal(r.filename, "report.Pdf");
    assert_string_equal(r.extension, "pdf");
    assert_string_equal(r.type, "document");
    assert_int_equal(r.width, NULL_INT);
    assert_int_equal(r.n_thumbs, 0);
    /* the name says image, the bytes say text: the bytes win */
    r = upload(e, "just words", 10, "photo.jpg");
    assert_string_equal(r.type, "document");
    assert_string_equal(r.mime_type, "text/plain");
    assert_string_equal(r.extension, "jpg");
    /* no name, or one that is not UTF-8: named after the content */
    r = upload(e, "\0\1\2", 3, NULL);
    assert_string_equal(r.filename, "file.bin");
    r = upload(e, "\0\1\3", 3, "bad\xff.txt");
    assert_string_equal(r.filename, "file.bin");
    r = upload(e, "x", 1, "C:\\Users\\me\\notes");
    assert_string_equal(r.filename, "notes");
    assert_string_equal(r.extension, "txt");
}

static int64_t count_assets(env *e)
{
    return unit_count(e->u->db, "SELECT count(*) FROM assets");
}

static void test_dedup_and_release(void **state)
{
    env *e = *state;
    asset_row a = upload(e, "same bytes", 10, "a.txt");
    asset_row b = upload(e, "same bytes", 10, "b.txt");
    assert_string_not_equal(a.uuid, b.uuid);
    assert_string_equal(a.blob, b.blob);
    char *hash = arena_strdup(e->u->a, a.blob);
    assert_int_equal(asset_delete(&e->u->cx, a.uuid), ST_OK);
    assert_true(blob_exists(e, hash)); /* b still names it */
    assert_int_equal(asset_get(&e->u->cx, a.uuid, &a), ST_NOT_FOUND);
    assert_int_equal(asset_delete(&e->u->cx, b.uuid), ST_OK);
    assert_false(blob_exists(e, hash));
    assert_int_equal(count_assets(e), 0);
    assert_int_equal(unit_count(e->u->db, "SELECT count(*) FROM asset_thumbnails"), 0);

    /* thumbnails go with their asset */
    size_t n;
    void *png = png_bytes(e, 200, 200, &n);
    asset_row img = upload(e, png, n, "i.png");
    char *t0 = arena_strdup(e->u->a, img.thumbs[0].blob);
    assert_int_equal(asset_delete(&e->u->cx, img.uuid), ST_OK);
    assert_false(blob_exists(e, t0));
    assert_int_equal(asset_delete(&e->u->cx, img.uuid), ST_NOT_FOUND);
}

/* Files in dir (not . and ..), recursively. */
static int files_under(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0) n += S_ISDIR(sb.st_mode) ? files_under(p) : 1;
    }
    closedir(d);
    return n;
}

static void test_bad_input_writes_nothing(void **state)
{
    env *e = *state;
    char blobs[128];
    snprintf(blobs, sizeof blobs, "%s/blobs", e->u->dir);
    arena *req = arena_new(1024);
    core_ctx cx = e->u->cx;
    cx.a = req;
    char long_alt[LIMIT_ALT_TEXT_CHARS + 2];
    memset(long_alt, 'a', sizeof long_alt - 1);
    long_alt[sizeof long_alt - 1] = '\0';
    asset_in in = {.alt_text = SET(long_alt)};
    assert_int_equal(asset_file_new(req, &in.file, &e->u->d), ST_OK);
    assert_int_equal(asset_file_write(in.file, "data", 4, &e->u->d), ST_OK);
    assert_int_equal(asset_file_process(in.file, "d.txt", req, &e->u->d), ST_OK);
    asset_row r;
    assert_int_equal(asset_create(&cx, &in, &r), ST_INVALID);
    assert_string_equal(e->u->d.field, "alt_text");
    in.alt_text = (opt_str)SET("fine");
    in.folder = (opt_str)SET("not-a-uuid");
    assert_int_equal(asset_create(&cx, &in, &r), ST_INVALID);
    assert_string_equal(e->u->d.field, "folder");
    in.file = NULL;
    in.folder = (opt_str)SET("6F9619FF-8B86-D011-B42D-00C04FC964FF");
    assert_int_equal(asset_create(&cx, &in, &r), ST_INVALID);
    assert_string_equal(e->u->d.field, "file");
    assert_int_equal(count_assets(e), 0);
    arena_free(req); /* the request ends: its temp file goes */
    assert_int_equal(files_under(blobs), 0);

    /* a folder is kept lower-case */
    asset_in ok = {.folder = SET("6F9619FF-8B86-D011-B42D-00C04FC964FF")};
    assert_int_equal(upload_file(e, "x", 1, "x", &ok.file), ST_OK);
    assert_int_equal(asset_create(&e->u->cx, &ok, &r), ST_OK);
    assert_string_equal(r.folder, "6f9619ff-8b86-d011-b42d-00c04fc964ff");
}

static void test_too_large(void **state)
{
    env *e = *state; /* max_upload 10 */
    asset_file *f;
    assert_int_equal(asset_file_new(e->u->a, &f, &e->u->d), ST_OK);
    assert_int_equal(asset_file_write(f, "12345", 5, &e->u->d), ST_OK);
    assert_int_equal(asset_file_write(f, "678901", 6, &e->u->d), ST_TOO_LARGE);
    assert_string_equal(e->u->d.field, "file");
    assert_non_null(strstr(e->u->d.msg, "10 bytes"));
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s/blobs/tmp", e->u->dir);
    assert_int_equal(files_under(tmp), 0); /* gone at once, not when the request ends */
}

static void test_signed_urls(void **state)
{
    env *e = *state;
    size_t n;
    void *png = png_bytes(e, 320, 240, &n);
    asset_row r = upload(e, png, n, "cat.png");
    char *exp = query_value(e, r.public_url, "expires");
    char *sig = query_value(e, r.public_url, "signature");
    core_ctx anon = e->u->cx;
    anon.ws = 0; /* no key: the signature decides */
    asset_blob b;
    assert_int_equal(asset_open(&anon, r.uuid, NULL, exp, sig, &b), ST_OK);
    assert_int_equal(b.size, (uint64_t)n);
    assert_string_equal(b.mime, "image/png");
    assert_string_equal(b.filename, "cat.png");
    assert_string_equal(b.hash, r.blob);
    assert_true(b.is_media);
    /* a small file comes as bytes, held until released */
    assert_int_equal(b.fd, -1);
    assert_non_null(b.bytes);
    assert_memory_equal(b.bytes, "\x89PNG", 4);
    b.release(b.hold);

    char bad[33];
    snprintf(bad, sizeof bad, "%s", sig);
    bad[0] = bad[0] == '0' ? '1' : '0';
    assert_int_equal(asset_open(&anon, r.uuid, NULL, exp, bad, &b), ST_FORBIDDEN);
    assert_int_equal(asset_open(&anon, r.uuid, "160", exp, sig, &b), ST_FORBIDDEN); /* other file */
    char *later = arena_printf(e->u->a, "%lld", strtoll(exp, NULL, 10) + 3600);
    assert_int_equal(asset_open(&anon, r.uuid, NULL, later, sig, &b), ST_FORBIDDEN);
    assert_int_equal(asset_open(&anon, r.uuid, NULL, NULL, NULL, &b), ST_UNAUTHORIZED);
    assert_int_equal(asset_open(&anon, r.uuid, NULL, "soon", sig, &b), ST_FORBIDDEN);
    core_ctx future = anon;
    future.now = (strtoll(exp, NULL, 10) + 1) * 1000;
    assert_int_equal(asset_open(&future, r.uuid, NULL, exp, sig, &b), ST_FORBIDDEN);
    assert_string_equal(e->u->d.field, "expires");

    /* a thumbnail's own URL */
    char *texp = query_value(e, r.thumbs[0].url, "expires");
    char *tsig = query_value(e, r.thumbs[0].url, "signature");
    assert_int_equal(asset_open(&anon, r.uuid, "160", texp, tsig, &b), ST_OK);
    assert_string_equal(b.mime, "image/webp");
    assert_string_equal(b.filename, "cat-160.webp");
    assert_string_equal(b.hash, r.thumbs[0].blob);
    assert_memory_equal(b.bytes, "RIFF", 4);
    b.release(b.hold);

    /* a key of the workspace needs no signature; another workspace sees nothing */
    assert_int_equal(asset_open(&e->u->cx, r.uuid, "640", NULL, NULL, &b), ST_OK);
    assert_int_equal(b.size > 0, true);
    b.release(b.hold);
    assert_int_equal(asset_open(&e->u->cx, r.uuid, "999", NULL, NULL, &b), ST_NOT_FOUND);
    ws_row other;
    assert_int_equal(workspace_create(e->u->db, "other", e->u->a, &other, &e->u->d), ST_OK);
    core_ctx foreign = e->u->cx;
    foreign.ws = other.id;
    assert_int_equal(asset_open(&foreign, r.uuid, NULL, NULL, NULL, &b), ST_NOT_FOUND);
    assert_int_equal(asset_get(&foreign, r.uuid, &r), ST_NOT_FOUND);
    assert_int_equal(asset_open(&e->u->cx, "not-a-uuid", NULL, NULL, NULL, &b), ST_INVALID);
}

/* A signed download's asset row is remembered per thread (no read of the store) only while
 * nobody commits: a deletion by this process's writer or by another connection is ST_NOT_FOUND
 * on the next open, the thumbnail's URL too. */
static void test_download_memo_sees_deletion(void **state)
{
    env *e = *state;
    size_t n;
    void *png = png_bytes(e, 320, 240, &n);
    core_ctx anon = e->u->cx;
    anon.ws = 0;
    asset_blob b;
    for (int round = 0; round < 2; round++) {
        asset_row r = upload(e, png, n, round ? "other.png" : "cat.png");
        char *exp = query_value(e, r.public_url, "expires");
        char *sig = query_value(e, r.public_url, "signature");
        char *texp = query_value(e, r.thumbs[0].url, "expires");
        char *tsig = query_value(e, r.thumbs[0].url, "signature");
        int64_t hits = asset_memo_hits();
        for (int i = 0; i < 3; i++) { /* the first reads the row, the others the memo */
            assert_int_equal(asset_open(&anon, r.uuid, NULL, exp, sig, &b), ST_OK);
            assert_string_equal(b.filename, round ? "other.png" : "cat.png");
            assert_string_equal(b.mime, "image/png");
            assert_string_equal(b.hash, r.blob);
            assert_true(b.is_media);
            b.release(b.hold);
            assert_int_equal(asset_open(&anon, r.uuid, "160", texp, tsig, &b), ST_OK);
            assert_string_equal(b.hash, r.thumbs[0].blob);
            assert_string_equal(b.filename, round ? "other-160.webp" : "cat-160.webp");
            b.release(b.hold);
            /* the access rules still run first */
            assert_int_equal(asset_open(&anon, r.uuid, "640", texp, tsig, &b), ST_FORBIDDEN);
            assert_int_equal(asset_open(&anon, r.uuid, NULL, NULL, NULL, &b), ST_UNAUTHORIZED);
        }
        /* the file's and the thumbnail's second and third opens came from the memo */
        assert_int_equal(asset_memo_hits() - hits, 5);
        if (!round) {
            assert_int_equal(asset_delete(&e->u->cx, r.uuid), ST_OK);
        } else { /* another connection's DELETE, as another process's would be */
            db *other = NULL;
            diag d = {0};
            assert_int_equal(db_sqlite_driver.open(e->u->path, &other, &d), ST_OK);
            char *sql = arena_printf(e->u->a,
                                     "DELETE FROM asset_thumbnails WHERE asset_id IN (SELECT id "
                                     "FROM assets WHERE uuid = '%s'); DELETE FROM assets WHERE "
                                     "uuid = '%s'",
                                     r.uuid, r.uuid);
            status st = db_exec(other, sql);
            db_sqlite_driver.close(other);
            assert_int_equal(st, ST_OK);
        }
        assert_int_equal(asset_open(&anon, r.uuid, NULL, exp, sig, &b), ST_NOT_FOUND);
        assert_int_equal(asset_open(&anon, r.uuid, "160", texp, tsig, &b), ST_NOT_FOUND);
    }
}

int main(void)
{
    if (!blob_media_init("unit")) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_image_upload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_processing_queued_on_workers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_and_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dedup_and_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_signed_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_download_memo_sees_deletion, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
