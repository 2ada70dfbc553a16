/* Tests of doc/zip.c and doc/pdf.c: a zip reopened with libzip holds every entry byte for byte,
 * stored (not compressed), with its name and time; an empty zip is a valid archive; a missing
 * source file fails without leaving an archive; a PDF is a PDF, breaks long text over pages,
 * and survives control characters and words longer than a line. */
#include "unit.h"

#include <sys/stat.h>
#include <zip.h>

#include "doc/doc.h"

static char dir[64];

static int setup(void **state)
{
    unit_mkdtemp(dir, sizeof dir);
    return 0;
}

static int teardown(void **state)
{
    unit_rmtree(dir);
    return 0;
}

static char *path_in(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = test_malloc((size_t)len + 1);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    b[len] = '\0';
    *n = (size_t)len;
    return b;
}

static void zip_entries_round_trip(void **state)
{
    unsigned char big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7 + 3);
    write_file(path_in("a"), "hello", 5);
    write_file(path_in("b"), big, sizeof big);
    doc_zip_entry e[] = {{"hello.txt", path_in("a"), 1700000000},
                         {"données.bin", path_in("b"), 1700000100}};
    diag d = {0};
    assert_int_equal(doc_zip_write(path_in("out.zip"), e, 2, &d), ST_OK);

    int err = 0;
    zip_t *z = zip_open(path_in("out.zip"), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    assert_non_null(z);
    assert_int_equal(zip_get_num_entries(z, 0), 2);
    const void *want[] = {"hello", big};
    size_t want_n[] = {5, sizeof big};
    for (zip_uint64_t i = 0; i < 2; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(z, i, 0, &st), 0);
        assert_string_equal(st.name, e[i].name);
        assert_int_equal(st.size, want_n[i]);
        assert_int_equal(st.comp_method, ZIP_CM_STORE);
        assert_true(llabs((long long)st.mtime - e[i].mtime) <= 2); /* DOS time: 2 s steps */
        char *got = test_malloc(want_n[i]);
        zip_file_t *zf = zip_fopen_index(z, i, 0);
        assert_non_null(zf);
        assert_int_equal(zip_fread(zf, got, want_n[i]), (zip_int64_t)want_n[i]);
        zip_fclose(zf);
        assert_memory_equal(got, want[i], want_n[i]);
        test_free(got);
    }
    zip_discard(z);
}

static void zip_empty_is_valid(void **state)
{
    diag d = {0};
    assert_int_equal(doc_zip_write(path_in("empty.zip"), NULL, 0, &d), ST_OK);
    int err = 0;
    zip_t *z = zip_open(path_in("empty.zip"), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    assert_non_null(z);
    assert_int_equal(zip_get_num_entries(z, 0), 0);
    zip_discard(z);
}

static void zip_missing_source_fails_cleanly(void **state)
{
    doc_zip_entry e[] = {{"x", path_in("does-not-exist"), 0}};
    diag d = {0};
    assert_int_equal(doc_zip_write(path_in("bad.zip"), e, 1, &d), ST_INTERNAL);
    struct stat sb;
    assert_int_not_equal(stat(path_in("bad.zip"), &sb), 0);
}

static int count(const char *hay, size_t n, const char *needle)
{
    int k = 0;
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        k += memcmp(hay + i, needle, m) == 0;
    return k;
}

static void pdf_short_is_one_page(void **state)
{
    doc_line l[] = {{DOC_TITLE, NULL, "Boiler"},
                    {DOC_FIELD, "State", "new"},
                    {DOC_FIELD, "Agent", NULL},
                    {DOC_TEXT, NULL, "tab\there, a bell \a and\r\nCRLF"},
                    {DOC_NOTE, NULL, "a note"}};
    diag d = {0};
    assert_int_equal(doc_pdf_write(path_in("s.pdf"), "Boiler", l, 5, &d), ST_OK);
    size_t n;
    char *b = read_file(path_in("s.pdf"), &n);
    assert_memory_equal(b, "%PDF-", 5);
    assert_int_equal(count(b, n, "/Type /Page\n") + count(b, n, "/Type /Page "), 1);
    test_free(b);
}

static void pdf_long_text_breaks_pages(void **state)
{
    size_t len = 60000;
    char *text = test_malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        text[i] = i % 97 == 96 ? '\n' : i % 7 == 6 ? ' ' : 'a';
    memset(text + 1000, 'z', 3000); /* one word far longer than a line */
    text[len] = '\0';
    doc_line l[] = {{DOC_TITLE, NULL, "Long"}, {DOC_TEXT, NULL, text}};
    diag d = {0};
    assert_int_equal(doc_pdf_write(path_in("l.pdf"), "Long", l, 2, &d), ST_OK);
    size_t n;
    char *b = read_file(path_in("l.pdf"), &n);
    assert_true(count(b, n, "/Type /Page\n") + count(b, n, "/Type /Page ") > 5);
    test_free(b);
    test_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(zip_entries_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(zip_empty_is_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(zip_missing_source_fails_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(pdf_short_is_one_page, setup, teardown),
        cmocka_unit_test_setup_teardown(pdf_long_text_breaks_pages, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    doc_release();
    return failed;
}
