/* Tests of blob/blob.c: the hash of streamed bytes (a known SHA-256 vector, pieces vs whole),
 * the temp-then-rename path (nothing under the content name before commit, the temp gone
 * after), the size limit (the temp file removed at the write that crosses it), an abandoned
 * upload leaving no trace when its arena goes, identical bytes kept once, reading (small blobs
 * in memory, large ones open; again, after eviction from the cache while an answer still holds
 * the blob, after the name was replaced), removal, and the sweep
 * (temp files and unreferenced blobs older than the grace period; names not ours and referenced
 * blobs stay; nothing it removed is read from the cache). */
#include "unit.h"

#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include "blob/blob.h"

#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

typedef struct {
    char dir[64];
    blob_store *bs;
    arena *a;
} env;

static int setup(void **state)
{
    env *e = test_calloc(1, sizeof *e);
    unit_mkdtemp(e->dir, sizeof e->dir);
    diag d = {0};
    assert_int_equal(blob_store_open(e->dir, &e->bs, &d), ST_OK);
    e->a = arena_new(1024);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    arena_free(e->a);
    blob_store_free(e->bs);
    unit_rmtree(e->dir);
    test_free(e);
    return 0;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Files directly in dir (not . and ..). */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

static char *tmp_dir(env *e)
{
    return arena_printf(e->a, "%s/blobs/tmp", e->dir);
}

/* Gives back what blob_open handed out. */
static void view_release(blob_view *v)
{
    if (v->fd >= 0) close(v->fd);
    blob_hold_release(v->hold);
}

/* blob_open's answer for hash, the view given back at once. */
static status open_status(env *e, const char *hash)
{
    blob_view v;
    status st = blob_open(e->bs, hash, &v);
    if (!st) view_release(&v);
    return st;
}

/* The n bytes at off of a view (its bytes, or read from its descriptor), as an arena string. */
static char *view_text(env *e, const blob_view *v, uint64_t off, size_t n)
{
    char *s = arena_alloc(e->a, n + 1);
    if (v->bytes)
        memcpy(s, v->bytes + off, n);
    else
        assert_int_equal(pread(v->fd, s, n, (off_t)off), (ssize_t)n);
    s[n] = '\0';
    return s;
}

/* A committed blob of n bytes: "0123456789" over and over. */
static blob_file put_digits(env *e, size_t n)
{
    char *p = arena_alloc(e->a, n);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('0' + i % 10);
    blob_file f;
    assert_int_equal(blob_put(e->bs, e->a, p, n, &f), ST_OK);
    assert_int_equal(blob_commit(e->bs, &f), ST_OK);
    return f;
}

static void test_hash_and_rename(void **state)
{
    env *e = *state;
    blob_writer *w;
    assert_int_equal(blob_writer_new(e->bs, e->a, 100, &w), ST_OK);
    assert_int_equal(blob_writer_write(w, "a", 1), ST_OK);
    assert_int_equal(blob_writer_write(w, "bc", 2), ST_OK);
    assert_int_equal(blob_writer_size(w), 3);
    blob_file f;
    assert_int_equal(blob_writer_finish(w, &f), ST_OK);
    assert_string_equal(f.hash, ABC_SHA256);
    assert_int_equal(f.size, 3);
    assert_int_equal(f.head_len, 3);
    assert_memory_equal(f.head, "abc", 3);
    char *final = blob_path(e->bs, e->a, f.hash);
    assert_true(exists(f.tmp));
    assert_false(exists(final)); /* nothing under the content name before the commit */
    char *tmp = arena_strdup(e->a, f.tmp);
    assert_int_equal(blob_commit(e->bs, &f), ST_OK);
    assert_null(f.tmp);
    assert_false(exists(tmp));
    assert_true(exists(final));
    blob_view v;
    assert_int_equal(blob_open(e->bs, ABC_SHA256, &v), ST_OK);
    assert_int_equal(v.size, 3);
    assert_non_null(v.bytes); /* small: in memory */
    assert_int_equal(v.fd, -1);
    assert_string_equal(view_text(e, &v, 0, 3), "abc");
    view_release(&v);
}

static void test_pieces_hash_like_whole(void **state)
{
    env *e = *state;
    unsigned char data[10000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    blob_file whole, parts;
    assert_int_equal(blob_put(e->bs, e->a, data, sizeof data, &whole), ST_OK);
    blob_writer *w;
    assert_int_equal(blob_writer_new(e->bs, e->a, sizeof data, &w), ST_OK);
    for (size_t off = 0; off < sizeof data; off += 999) {
        size_t n = sizeof data - off < 999 ? sizeof data - off : 999;
        assert_int_equal(blob_writer_write(w, data + off, n), ST_OK);
    }
    assert_int_equal(blob_writer_finish(w, &parts), ST_OK);
    assert_string_equal(parts.hash, whole.hash);
    assert_int_equal(parts.head_len, LIMIT_BLOB_HEAD); /* only the head is kept */
    assert_memory_equal(parts.head, data, LIMIT_BLOB_HEAD);
}

static void test_limit_removes_temp_at_once(void **state)
{
    env *e = *state;
    blob_writer *w;
    assert_int_equal(blob_writer_new(e->bs, e->a, 10, &w), ST_OK);
    assert_int_equal(count_files(tmp_dir(e)), 1);
    assert_int_equal(blob_writer_write(w, "123456", 6), ST_OK);
    assert_int_equal(blob_writer_write(w, "7890", 4), ST_OK); /* exactly the limit */
    assert_int_equal(blob_writer_write(w, "x", 1), ST_TOO_LARGE);
    assert_int_equal(count_files(tmp_dir(e)), 0);
    assert_int_equal(blob_writer_write(w, "y", 1), ST_TOO_LARGE);
    blob_file f;
    assert_int_equal(blob_writer_finish(w, &f), ST_TOO_LARGE);
    assert_int_equal(count_files(tmp_dir(e)), 0);
}

static void test_abandoned_upload_leaves_nothing(void **state)
{
    env *e = *state;
    arena *req = arena_new(1024);
    blob_writer *w;
    assert_int_equal(blob_writer_new(e->bs, req, 100, &w), ST_OK);
    assert_int_equal(blob_writer_write(w, "half", 4), ST_OK);
    blob_file f;
    assert_int_equal(blob_put(e->bs, req, "done", 4, &f), ST_OK); /* finished, never committed */
    assert_int_equal(count_files(tmp_dir(e)), 2);
    arena_free(req);
    assert_int_equal(count_files(tmp_dir(e)), 0);
    assert_int_equal(open_status(e, f.hash), ST_NOT_FOUND);
}

static void test_same_bytes_kept_once(void **state)
{
    env *e = *state;
    blob_file a, b;
    assert_int_equal(blob_put(e->bs, e->a, "same", 4, &a), ST_OK);
    assert_int_equal(blob_put(e->bs, e->a, "same", 4, &b), ST_OK);
    assert_string_equal(a.hash, b.hash);
    assert_int_equal(blob_commit(e->bs, &a), ST_OK);
    assert_int_equal(blob_commit(e->bs, &b), ST_OK);
    char *sub = arena_printf(e->a, "%s/blobs/%.2s", e->dir, a.hash);
    assert_int_equal(count_files(sub), 1);
    assert_int_equal(count_files(tmp_dir(e)), 0);
}

static void test_open_and_remove(void **state)
{
    env *e = *state;
    assert_int_equal(open_status(e, ABC_SHA256), ST_NOT_FOUND);
    assert_int_equal(open_status(e, "../../etc/passwd"), ST_NOT_FOUND);
    assert_false(blob_hash_valid("ABC"));
    assert_false(blob_hash_valid(
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")); /* lower only */
    assert_true(blob_hash_valid(ABC_SHA256));
    blob_file f;
    assert_int_equal(blob_put(e->bs, e->a, "abc", 3, &f), ST_OK);
    assert_int_equal(blob_commit(e->bs, &f), ST_OK);
    /* read once, so it is cached; an answer still holds it when the blob is removed */
    blob_view held;
    assert_int_equal(blob_open(e->bs, ABC_SHA256, &held), ST_OK);
    blob_remove(e->bs, ABC_SHA256);
    assert_int_equal(open_status(e, ABC_SHA256), ST_NOT_FOUND); /* not from the cache */
    assert_string_equal(view_text(e, &held, 0, 3), "abc");      /* the holder's bytes stay */
    view_release(&held);
    blob_remove(e->bs, ABC_SHA256); /* absent is fine */

    /* the same for a large blob, kept as an open descriptor */
    blob_file big = put_digits(e, LIMIT_BLOB_MEM_FILE + 1);
    assert_int_equal(blob_open(e->bs, big.hash, &held), ST_OK);
    assert_null(held.bytes);
    assert_true(held.fd >= 0);
    blob_remove(e->bs, big.hash);
    assert_int_equal(open_status(e, big.hash), ST_NOT_FOUND);
    assert_string_equal(view_text(e, &held, LIMIT_BLOB_MEM_FILE - 4, 5), "23456");
    view_release(&held);
}

/* A blob read again comes from the cache: each answer gets its own reference or descriptor
 * (giving one back leaves the next intact), reads at any offset see the bytes, and a blob
 * pushed out by LIMIT_BLOB_OPEN_FILES others, while an answer still holds it, is read again,
 * right; so is one pushed out of memory by LIMIT_BLOB_MEM_BYTES of others. */
static void test_open_again_and_after_eviction(void **state)
{
    env *e = *state;
    blob_file small = put_digits(e, 10), big = put_digits(e, LIMIT_BLOB_MEM_FILE + 10);
    blob_file *both[] = {&small, &big};
    blob_view held[2];
    for (int k = 0; k < 2; k++) {
        blob_view v1, v2;
        assert_int_equal(blob_open(e->bs, both[k]->hash, &v1), ST_OK);
        assert_int_equal(blob_open(e->bs, both[k]->hash, &v2), ST_OK);
        assert_int_equal(v2.size, both[k]->size);
        assert_true(k ? v1.fd != v2.fd : v1.bytes == v2.bytes); /* cached */
        view_release(&v1);
        assert_string_equal(view_text(e, &v2, 4, 3), "456");
        view_release(&v2);
        assert_int_equal(blob_open(e->bs, both[k]->hash, &held[k]), ST_OK);
    }
    for (int i = 0; i <= LIMIT_BLOB_OPEN_FILES; i++) {
        blob_file o;
        char *text = arena_printf(e->a, "other %d", i);
        assert_int_equal(blob_put(e->bs, e->a, text, strlen(text), &o), ST_OK);
        assert_int_equal(blob_commit(e->bs, &o), ST_OK);
        blob_view v;
        assert_int_equal(blob_open(e->bs, o.hash, &v), ST_OK);
        assert_string_equal(view_text(e, &v, 0, strlen(text)), text);
        view_release(&v);
    }
    for (int k = 0; k < 2; k++) {
        assert_string_equal(view_text(e, &held[k], 8, 2), "89"); /* evicted, still held */
        view_release(&held[k]);
        blob_view v;
        assert_int_equal(blob_open(e->bs, both[k]->hash, &v), ST_OK);
        assert_int_equal(v.size, both[k]->size);
        assert_string_equal(view_text(e, &v, 5, 5), "56789");
        view_release(&v);
    }
    /* memory's own bound: 17 blobs of 1 MiB cannot all stay; every one reads right */
    blob_file mb[LIMIT_BLOB_MEM_BYTES / LIMIT_BLOB_MEM_FILE + 1];
    for (size_t i = 0; i < sizeof mb / sizeof mb[0]; i++) {
        mb[i] = put_digits(e, LIMIT_BLOB_MEM_FILE - i);
        assert_int_equal(open_status(e, mb[i].hash), ST_OK);
    }
    for (size_t i = 0; i < sizeof mb / sizeof mb[0]; i++) {
        blob_view v;
        assert_int_equal(blob_open(e->bs, mb[i].hash, &v), ST_OK);
        assert_non_null(v.bytes);
        assert_int_equal(v.size, LIMIT_BLOB_MEM_FILE - i);
        assert_string_equal(view_text(e, &v, v.size - 3, 3),
                            arena_printf(e->a, "%d%d%d", (int)((v.size - 3) % 10),
                                         (int)((v.size - 2) % 10), (int)((v.size - 1) % 10)));
        view_release(&v);
    }
}

/* The same bytes committed again replace the file under its name (blob_commit's rename): the
 * next read of a large blob opens the new file, not the cached descriptor of the unlinked one. */
static void test_commit_again_drops_the_old_descriptor(void **state)
{
    env *e = *state;
    blob_file a = put_digits(e, LIMIT_BLOB_MEM_FILE + 1);
    assert_int_equal(open_status(e, a.hash), ST_OK);
    blob_file b = put_digits(e, LIMIT_BLOB_MEM_FILE + 1);
    assert_string_equal(a.hash, b.hash);
    blob_view v;
    assert_int_equal(blob_open(e->bs, a.hash, &v), ST_OK);
    struct stat open_sb, path_sb;
    assert_int_equal(fstat(v.fd, &open_sb), 0);
    assert_int_equal(stat(blob_path(e->bs, e->a, a.hash), &path_sb), 0);
    assert_int_equal(open_sb.st_ino, path_sb.st_ino);
    assert_int_equal(open_sb.st_nlink, 1);
    view_release(&v);
}

static bool keep_abc(const char *hash, void *ctx)
{
    (*(int *)ctx)++;
    return strcmp(hash, ABC_SHA256) == 0;
}

/* Sets a file's modification time an hour and a bit into the past. */
static void age(const char *path)
{
    struct utimbuf t = {.actime = time(NULL) - 4000, .modtime = time(NULL) - 4000};
    assert_int_equal(utime(path, &t), 0);
}

static void test_sweep(void **state)
{
    env *e = *state;
    blob_file keep, drop, young, stray;
    assert_int_equal(blob_put(e->bs, e->a, "abc", 3, &keep), ST_OK);
    assert_int_equal(blob_put(e->bs, e->a, "orphan", 6, &drop), ST_OK);
    assert_int_equal(blob_put(e->bs, e->a, "young", 5, &young), ST_OK);
    assert_int_equal(blob_put(e->bs, e->a, "stray temp", 10, &stray), ST_OK);
    assert_int_equal(blob_commit(e->bs, &keep), ST_OK);
    assert_int_equal(blob_commit(e->bs, &drop), ST_OK);
    assert_int_equal(blob_commit(e->bs, &young), ST_OK);
    age(blob_path(e->bs, e->a, keep.hash));
    age(blob_path(e->bs, e->a, drop.hash));
    age(stray.tmp);
    /* a file that is not a blob name is not ours to remove */
    char *other = arena_printf(e->a, "%s/blobs/%.2s/README", e->dir, drop.hash);
    FILE *fp = fopen(other, "w");
    assert_non_null(fp);
    fclose(fp);
    age(other);

    int asked = 0;
    size_t removed = 0;
    assert_int_equal(blob_sweep(e->bs, 3600, keep_abc, &asked, &removed), ST_OK);
    assert_int_equal(removed, 2); /* the old orphan and the old temp file */
    assert_true(exists(blob_path(e->bs, e->a, keep.hash)));
    assert_false(exists(blob_path(e->bs, e->a, drop.hash)));
    assert_true(exists(blob_path(e->bs, e->a, young.hash))); /* within the grace period */
    assert_true(exists(other));
    assert_int_equal(count_files(tmp_dir(e)), 0);
    assert_int_equal(asked, 2); /* only old blob names are looked up */

    assert_int_equal(open_status(e, young.hash), ST_OK); /* now cached */
    assert_int_equal(blob_sweep(e->bs, 0, keep_abc, &asked, &removed), ST_OK);
    assert_int_equal(removed, 1);
    assert_false(exists(blob_path(e->bs, e->a, young.hash)));
    assert_int_equal(open_status(e, young.hash), ST_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hash_and_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pieces_hash_like_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_removes_temp_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abandoned_upload_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_bytes_kept_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_again_and_after_eviction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_again_drops_the_old_descriptor, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
