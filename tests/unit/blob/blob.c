/* Tests of blob/blob.c: the hash of streamed bytes (a known SHA-256 vector, pieces vs whole),
 * the temp-then-rename path (nothing under the content name before commit, the temp gone
 * after), the size limit (the temp file removed at the write that crosses it), an abandoned
 * upload leaving no trace when its arena goes, identical bytes kept once, reading (again, after
 * eviction from the cache of open blobs, after the name was replaced), removal, and the sweep
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
    int fd;
    uint64_t size;
    assert_int_equal(blob_open_read(e->bs, ABC_SHA256, &fd, &size), ST_OK);
    char got[8] = {0};
    assert_int_equal(read(fd, got, sizeof got), 3);
    close(fd);
    assert_int_equal(size, 3);
    assert_string_equal(got, "abc");
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
    assert_int_equal(blob_open_read(e->bs, f.hash, &(int){0}, &(uint64_t){0}), ST_NOT_FOUND);
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
    int fd;
    uint64_t size;
    assert_int_equal(blob_open_read(e->bs, ABC_SHA256, &fd, &size), ST_NOT_FOUND);
    assert_int_equal(blob_open_read(e->bs, "../../etc/passwd", &fd, &size), ST_NOT_FOUND);
    assert_false(blob_hash_valid("ABC"));
    assert_false(blob_hash_valid(
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")); /* lower only */
    assert_true(blob_hash_valid(ABC_SHA256));
    blob_file f;
    assert_int_equal(blob_put(e->bs, e->a, "abc", 3, &f), ST_OK);
    assert_int_equal(blob_commit(e->bs, &f), ST_OK);
    /* read once, so its descriptor is cached: the removal must drop it */
    assert_int_equal(blob_open_read(e->bs, ABC_SHA256, &fd, &size), ST_OK);
    assert_int_equal(size, 3);
    close(fd);
    blob_remove(e->bs, ABC_SHA256);
    assert_int_equal(blob_open_read(e->bs, ABC_SHA256, &fd, &size), ST_NOT_FOUND);
    blob_remove(e->bs, ABC_SHA256); /* absent is fine */
}

/* The n bytes at off of fd, as a string in the arena. */
static char *read_at(env *e, int fd, off_t off, size_t n)
{
    char *s = arena_alloc(e->a, n + 1);
    assert_int_equal(pread(fd, s, n, off), (ssize_t)n);
    s[n] = '\0';
    return s;
}

/* A blob read again comes from the cache of open descriptors: each answer gets its own copy
 * (closing one leaves the next intact), reads at any offset see the bytes, and a blob pushed
 * out of the cache by LIMIT_BLOB_OPEN_FILES others is opened again, right. */
static void test_open_again_and_after_eviction(void **state)
{
    env *e = *state;
    blob_file f;
    assert_int_equal(blob_put(e->bs, e->a, "0123456789", 10, &f), ST_OK);
    assert_int_equal(blob_commit(e->bs, &f), ST_OK);
    int fd1, fd2;
    uint64_t size;
    assert_int_equal(blob_open_read(e->bs, f.hash, &fd1, &size), ST_OK);
    assert_int_equal(blob_open_read(e->bs, f.hash, &fd2, &size), ST_OK);
    assert_int_equal(size, 10);
    assert_int_not_equal(fd1, fd2);
    close(fd1);
    assert_string_equal(read_at(e, fd2, 4, 3), "456");
    close(fd2);
    for (int i = 0; i <= LIMIT_BLOB_OPEN_FILES; i++) {
        blob_file o;
        char *text = arena_printf(e->a, "other %d", i);
        assert_int_equal(blob_put(e->bs, e->a, text, strlen(text), &o), ST_OK);
        assert_int_equal(blob_commit(e->bs, &o), ST_OK);
        int fd;
        assert_int_equal(blob_open_read(e->bs, o.hash, &fd, &size), ST_OK);
        assert_string_equal(read_at(e, fd, 0, strlen(text)), text);
        close(fd);
    }
    assert_int_equal(blob_open_read(e->bs, f.hash, &fd1, &size), ST_OK);
    assert_int_equal(size, 10);
    assert_string_equal(read_at(e, fd1, 0, 10), "0123456789");
    close(fd1);
}

/* The same bytes committed again replace the file under its name (blob_commit's rename): the
 * next read opens the new file, not the cached descriptor of the unlinked one. */
static void test_commit_again_drops_the_old_descriptor(void **state)
{
    env *e = *state;
    blob_file a, b;
    assert_int_equal(blob_put(e->bs, e->a, "same", 4, &a), ST_OK);
    assert_int_equal(blob_commit(e->bs, &a), ST_OK);
    int fd;
    uint64_t size;
    assert_int_equal(blob_open_read(e->bs, a.hash, &fd, &size), ST_OK);
    close(fd);
    assert_int_equal(blob_put(e->bs, e->a, "same", 4, &b), ST_OK);
    assert_int_equal(blob_commit(e->bs, &b), ST_OK);
    assert_int_equal(blob_open_read(e->bs, a.hash, &fd, &size), ST_OK);
    struct stat open_sb, path_sb;
    assert_int_equal(fstat(fd, &open_sb), 0);
    assert_int_equal(stat(blob_path(e->bs, e->a, a.hash), &path_sb), 0);
    assert_int_equal(open_sb.st_ino, path_sb.st_ino);
    assert_int_equal(open_sb.st_nlink, 1);
    close(fd);
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

    int fd;
    uint64_t size;
    assert_int_equal(blob_open_read(e->bs, young.hash, &fd, &size), ST_OK); /* now cached */
    close(fd);
    assert_int_equal(blob_sweep(e->bs, 0, keep_abc, &asked, &removed), ST_OK);
    assert_int_equal(removed, 1);
    assert_false(exists(blob_path(e->bs, e->a, young.hash)));
    assert_int_equal(blob_open_read(e->bs, young.hash, &fd, &size), ST_NOT_FOUND);
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
