/* Tests of util/xalloc.c: each wrapper returns usable memory (zero sizes included), xcalloc
 * zeroes, xrealloc keeps the contents, the overflow check of n * size, and the abort with the
 * caller's file:line when a size overflows or the heap says no (checked in a forked child). */
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "util/xalloc.h"

#ifdef __SANITIZE_ADDRESS__
/* ASan's allocator dies on an impossible size instead of answering NULL as glibc's does; let it
 * answer NULL so the test sees xalloc's own handling. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}
#endif

static void test_success_paths(void **state)
{
    char *p = xmalloc(64);
    memset(p, 'a', 64);
    unsigned char *z = xcalloc(100, 8);
    for (size_t i = 0; i < 800; i++)
        assert_int_equal(z[i], 0);
    p = xrealloc(p, 1 << 20);
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(p[i], 'a');
    p = xrealloc(p, 3);
    assert_memory_equal(p, "aaa", 3);
    char *s = xstrdup("héllo");
    assert_string_equal(s, "héllo");
    char *e = xstrdup("");
    assert_string_equal(e, "");
    assert_ptr_not_equal(e, s);
    free(e);
    free(s);
    free(p);
    free(z);
    /* NULL to xrealloc is an allocation */
    char *r = xrealloc(NULL, 10);
    memcpy(r, "123456789", 10);
    assert_string_equal(r, "123456789");
    free(r);
}

static void test_zero_sizes(void **state)
{
    /* a zero size is a distinct, freeable pointer, never NULL */
    void *a = xmalloc(0), *b = xmalloc(0), *c = xcalloc(0, 8), *d = xcalloc(8, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    assert_ptr_not_equal(a, b);
    /* realloc(p, 0) may free p and answer NULL; xrealloc keeps a live pointer */
    void *e = xrealloc(xmalloc(16), 0);
    assert_non_null(e);
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
}

static void test_mul_overflow(void **state)
{
    size_t out = 7;
    assert_true(xalloc_mul(3, 5, &out));
    assert_int_equal(out, 15);
    assert_true(xalloc_mul(0, SIZE_MAX, &out));
    assert_int_equal(out, 0);
    assert_true(xalloc_mul(SIZE_MAX, 1, &out));
    assert_int_equal(out, SIZE_MAX);
    out = 7;
    assert_false(xalloc_mul(SIZE_MAX, 2, &out));
    assert_false(xalloc_mul((SIZE_MAX >> 1) + 2, 2, &out));
    assert_false(
        xalloc_mul((size_t)1 << (sizeof(size_t) * 4), (size_t)1 << (sizeof(size_t) * 4), &out));
    assert_int_equal(out, 7); /* untouched on overflow */
}

enum { DO_CALLOC_OVERFLOW, DO_MALLOC_HUGE, DO_REALLOC_HUGE, DO_NOTHING };

/* Runs `what` in a child whose stderr is captured into err; returns its wait status. */
static int in_child(int what, char *err, size_t n)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        signal(SIGABRT, SIG_DFL); /* cmocka's handler would catch the abort in the child */
        volatile char *p = NULL;
        switch (what) {
        case DO_CALLOC_OVERFLOW:
            p = xcalloc(SIZE_MAX / 2, 3);
            break;
        case DO_MALLOC_HUGE:
            p = xmalloc(SIZE_MAX - 4096);
            break;
        case DO_REALLOC_HUGE:
            p = xrealloc(xmalloc(8), SIZE_MAX - 4096);
            break;
        default:
            break;
        }
        (void)p;
        _exit(0); /* only DO_NOTHING may get here */
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < n && (r = read(fd[0], err + got, n - 1 - got)) > 0)
        got += (size_t)r;
    err[got] = '\0';
    close(fd[0]);
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    return ws;
}

static void assert_aborted(int ws)
{
    assert_true(WIFSIGNALED(ws));
    assert_int_equal(WTERMSIG(ws), SIGABRT);
}

static void test_failures_abort_with_file_line(void **state)
{
    char err[512];
    int ws = in_child(DO_NOTHING, err, sizeof err);
    assert_true(WIFEXITED(ws)); /* the harness itself does not abort */
    assert_int_equal(WEXITSTATUS(ws), 0);

    ws = in_child(DO_CALLOC_OVERFLOW, err, sizeof err);
    assert_aborted(ws);
    assert_non_null(strstr(err, "out of memory at tests/unit/util/xalloc.c:"));
    assert_non_null(strstr(err, "size overflows"));

    ws = in_child(DO_MALLOC_HUGE, err, sizeof err);
    assert_aborted(ws);
    assert_non_null(strstr(err, "out of memory at tests/unit/util/xalloc.c:"));
    char want[64];
    snprintf(want, sizeof want, "(%zu bytes)", (size_t)(SIZE_MAX - 4096));
    assert_non_null(strstr(err, want));

    ws = in_child(DO_REALLOC_HUGE, err, sizeof err);
    assert_aborted(ws);
    assert_non_null(strstr(err, "out of memory at tests/unit/util/xalloc.c:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_paths),
        cmocka_unit_test(test_zero_sizes),
        cmocka_unit_test(test_mul_overflow),
        cmocka_unit_test(test_failures_abort_with_file_line),
    };
    return cmocka_run_group_tests_name("util/xalloc", tests, NULL, NULL);
}
