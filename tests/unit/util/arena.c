/* Tests of util/arena.c: alignment, zeroing, block growth and large allocations, string
 * helpers, byte accounting, and the deferred cleanups running last-registered first. */
#include "unit.h"

#include "util/arena.h"

static void test_default_block_and_alignment(void **state)
{
    arena *a = arena_new(0); /* 0 picks the default block size */
    size_t sizes[] = {1, 3, 15, 16, 17, 31, 100, 0, 7};
    unsigned char *prev[9];
    for (size_t i = 0; i < 9; i++) {
        prev[i] = arena_alloc(a, sizes[i]);
        assert_non_null(prev[i]);
        assert_int_equal((uintptr_t)prev[i] % 16, 0);
        memset(prev[i], (int)(0xa0 + i), sizes[i]);
    }
    /* no allocation overlaps an earlier one */
    for (size_t i = 0; i < 9; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(prev[i][k], 0xa0 + i);
    arena_free(a);
}

static void test_zalloc_zeroes(void **state)
{
    arena *a = arena_new(64);
    /* dirty some memory first so a zero is not an accident of fresh pages */
    for (int i = 0; i < 50; i++)
        memset(arena_alloc(a, 40), 0xff, 40);
    unsigned char *z = arena_zalloc(a, 5000);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(z[i], 0);
    struct pt {
        int x, y;
    } *p = ARENA_NEW(a, struct pt);
    assert_int_equal(p->x, 0);
    assert_int_equal(p->y, 0);
    long *arr = ARENA_ARRAY(a, long, 33);
    for (int i = 0; i < 33; i++)
        assert_int_equal(arr[i], 0);
    arena_free(a);
}

static void test_large_allocation_own_block(void **state)
{
    arena *a = arena_new(32);
    char *small = arena_alloc(a, 8);
    memcpy(small, "abcdefg", 8);
    size_t big = 3u << 20; /* bigger than any doubled block */
    unsigned char *p = arena_alloc(a, big);
    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, 0x5a, big); /* ASan catches a block too small */
    assert_int_equal(p[0], 0x5a);
    assert_int_equal(p[big - 1], 0x5a);
    char *after = arena_alloc(a, 24);
    memset(after, 1, 24);
    assert_string_equal(small, "abcdefg");
    assert_int_equal(p[big - 1], 0x5a);
    assert_int_equal(arena_used(a), 8 + big + 24);
    arena_free(a);
}

static void test_many_blocks_keep_contents(void **state)
{
    arena *a = arena_new(16);
    enum { N = 5000 };
    uint32_t **ps = test_calloc(N, sizeof *ps);
    for (uint32_t i = 0; i < N; i++) {
        ps[i] = arena_alloc(a, 3 * sizeof(uint32_t));
        ps[i][0] = i, ps[i][1] = ~i, ps[i][2] = i * 7u;
    }
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(ps[i][0], i);
        assert_int_equal(ps[i][1], ~i);
        assert_int_equal(ps[i][2], i * 7u);
    }
    assert_int_equal(arena_used(a), (size_t)N * 12);
    test_free(ps);
    arena_free(a);
}

static void test_used_counts_requested_bytes(void **state)
{
    arena *a = arena_new(4096);
    assert_int_equal(arena_used(a), 0);
    (void)arena_alloc(a, 1);
    (void)arena_alloc(a, 3);
    assert_int_equal(arena_used(a), 4);
    (void)arena_zalloc(a, 10);
    assert_int_equal(arena_used(a), 14);
    (void)arena_strdup(a, "hello"); /* 5 + NUL */
    assert_int_equal(arena_used(a), 20);
    arena_free(a);
}

static void test_strings(void **state)
{
    arena *a = arena_new(8);
    const char *src = "hello, world";
    char *s = arena_strdup(a, src);
    assert_string_equal(s, src);
    assert_ptr_not_equal(s, src);
    assert_null(arena_strdup(a, NULL));
    char *n = arena_strndup(a, src, 5);
    assert_string_equal(n, "hello");
    char *e = arena_strndup(a, src, 0);
    assert_string_equal(e, "");
    /* strndup copies exactly n bytes even across a NUL-free buffer */
    char raw[4] = {'a', 'b', 'c', 'd'};
    assert_string_equal(arena_strndup(a, raw, 4), "abcd");
    char *f = arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159);
    assert_string_equal(f, "x-42-003.1");
    char *big = arena_printf(a, "%*s|", 10000, "r");
    assert_int_equal(strlen(big), 10001);
    assert_int_equal(big[9999], 'r');
    assert_int_equal(big[10000], '|');
    assert_int_equal(big[0], ' ');
    assert_string_equal(arena_printf(a, "%s", ""), "");
    arena_free(a);
}

static char order[16];
static size_t n_order;

static void record(void *p)
{
    order[n_order++] = *(const char *)p;
}

static void test_defer_runs_last_first_once(void **state)
{
    n_order = 0;
    memset(order, 0, sizeof order);
    arena *a = arena_new(64);
    static const char tags[] = "ABCD";
    arena_defer(a, record, (void *)&tags[0]);
    arena_defer(a, record, (void *)&tags[1]);
    (void)arena_alloc(a, 100000); /* cleanups survive block growth */
    arena_defer(a, record, (void *)&tags[2]);
    arena_defer(a, record, (void *)&tags[3]);
    assert_int_equal(n_order, 0); /* nothing runs before the free */
    arena_free(a);
    assert_int_equal(n_order, 4);
    assert_memory_equal(order, "DCBA", 4);
}

static int n_released;

static void release(void *p)
{
    n_released++;
    free(p);
}

/* A deferred cleanup can release heap memory the request borrowed (as json_decref would). */
static void test_defer_releases_resource(void **state)
{
    n_released = 0;
    arena *a = arena_new(64);
    char *heap = strdup("owned by the cleanup");
    assert_non_null(heap);
    arena_defer(a, release, heap);
    arena_free(a); /* LeakSanitizer also reports `heap` if the cleanup did not run */
    assert_int_equal(n_released, 1);
    arena_free(NULL); /* a no-op */
    assert_int_equal(n_released, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_block_and_alignment),
        cmocka_unit_test(test_zalloc_zeroes),
        cmocka_unit_test(test_large_allocation_own_block),
        cmocka_unit_test(test_many_blocks_keep_contents),
        cmocka_unit_test(test_used_counts_requested_bytes),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_defer_runs_last_first_once),
        cmocka_unit_test(test_defer_releases_resource),
    };
    return cmocka_run_group_tests_name("util/arena", tests, NULL, NULL);
}
