/* Tests of q_uuids and kv_join (api/call.c, declared in api/call.h). q_uuids: the multi-valued
 * uuid filters of Zaia's GET /tickets/details. One value, repeated keys, a comma list, the
 * `key[]` form and any mix of them, in arrival order; other keys ignored; empty pieces skipped;
 * a malformed uuid or more than LIMIT_PAGE_SIZE values -> ST_INVALID naming the key; values come
 * back lower-cased. kv_join: Apizee's lists, joined in order, linear on long lists. Calls are
 * built by hand: an api_req with a query array and an arena, no server. */
#include "unit.h"

#include "api/call.h"
#include "util/limits.h"
#include "util/uuid.h"

#define A "0b8f9c6e-3d1a-4c2b-9e7f-1a2b3c4d5e6f"
#define B "1c9e8d7f-4e2b-4d3c-8f80-2b3c4d5e6f70"
#define C "2dafe980-5f3c-4e4d-a091-3c4d5e6f7081"
#define D "3eb0fa91-6a4d-4f5e-b1a2-4d5e6f708192"

typedef struct {
    arena *a;
    diag d;
} qenv;

static int q_setup(void **state)
{
    qenv *q = test_calloc(1, sizeof *q);
    q->a = arena_new(4096);
    *state = q;
    return 0;
}

static int q_teardown(void **state)
{
    qenv *q = *state;
    arena_free(q->a);
    test_free(q);
    return 0;
}

/* Runs q_uuids(key) over the query kv[0..n); the call's diag lands in q->d. */
static status run(qenv *q, const api_kv *kv, size_t n, const char *key, uuid_list *out)
{
    api_kv *copy = arena_alloc(q->a, sizeof *copy * (n ? n : 1));
    if (n) memcpy(copy, kv, sizeof *copy * n);
    api_req req = {
        .method = "GET", .path = "/api/v1/tickets/details", .query = copy, .n_query = n, .a = q->a};
    api_resp resp = {0};
    api_call c;
    memset(&c, 0, sizeof c);
    c.req = &req;
    c.resp = &resp;
    out->v = (const char **)1; /* must be overwritten */
    out->n = 99;
    status st = q_uuids(&c, key, out);
    q->d = c.d;
    return st;
}

static void assert_values(const uuid_list *l, const char *const *want, size_t n)
{
    assert_int_equal(l->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l->v[i], want[i]);
}

static void test_absent(void **state)
{
    qenv *q = *state;
    uuid_list l;
    assert_int_equal(run(q, NULL, 0, "chatIds", &l), ST_OK);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
    /* other keys, including near misses, are not the filter */
    api_kv kv[] = {{"tagIds", A},     {"chatId", A},         {"chatIdsx", B}, {"chatids", C},
                   {"chatIds[]x", D}, {"status", "pending"}, {"[]", A},       {"chatIds[", A}};
    assert_int_equal(run(q, kv, sizeof kv / sizeof *kv, "chatIds", &l), ST_OK);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
}

static void test_single(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv kv[] = {{"status", "pending"}, {"chatIds", A}};
    assert_int_equal(run(q, kv, 2, "chatIds", &l), ST_OK);
    const char *want[] = {A};
    assert_values(&l, want, 1);
}

static void test_repeated(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv kv[] = {{"tagIds", A}, {"status", "ongoing"}, {"tagIds", B}, {"tagIds", C}};
    assert_int_equal(run(q, kv, 4, "tagIds", &l), ST_OK);
    const char *want[] = {A, B, C};
    assert_values(&l, want, 3);
}

static void test_comma_list(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv kv[] = {{"assigneeIds", A "," B "," C}};
    assert_int_equal(run(q, kv, 1, "assigneeIds", &l), ST_OK);
    const char *want[] = {A, B, C};
    assert_values(&l, want, 3);
    /* empty pieces are skipped */
    api_kv gaps[] = {{"assigneeIds", "," A ",," B ","}};
    assert_int_equal(run(q, gaps, 1, "assigneeIds", &l), ST_OK);
    assert_values(&l, want, 2);
    /* an empty or valueless key is no value */
    api_kv empty[] = {{"assigneeIds", ""}, {"assigneeIds", NULL}, {"assigneeIds", ","}};
    assert_int_equal(run(q, empty, 3, "assigneeIds", &l), ST_OK);
    assert_int_equal(l.n, 0);
}

static void test_brackets(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv kv[] = {{"responderIds[]", A}, {"responderIds[]", B}};
    assert_int_equal(run(q, kv, 2, "responderIds", &l), ST_OK);
    const char *want[] = {A, B};
    assert_values(&l, want, 2);
}

static void test_mixed(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv kv[] = {{"responderVersionIds", A "," B},
                   {"pageSize", "10"},
                   {"responderVersionIds[]", C},
                   {"responderVersionIds", D},
                   {"responderVersionIds[]", B "," A}};
    assert_int_equal(run(q, kv, 5, "responderVersionIds", &l), ST_OK);
    const char *want[] = {A, B, C, D, B, A}; /* arrival order, duplicates kept */
    assert_values(&l, want, 6);
}

static void test_lower_case(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv kv[] = {{"chatIds", "0B8F9C6E-3D1A-4C2B-9E7F-1A2B3C4D5E6F"},
                   {"chatIds[]", "1C9E8D7F-4e2b-4D3C-8f80-2B3C4D5E6F70," C}};
    assert_int_equal(run(q, kv, 2, "chatIds", &l), ST_OK);
    const char *want[] = {A, B, C};
    assert_values(&l, want, 3);
    for (size_t i = 0; i < l.n; i++)
        assert_true(uuid_parse(l.v[i], NULL));
}

static void test_bad_uuid(void **state)
{
    qenv *q = *state;
    uuid_list l;
    const char *bad[] = {"nope",
                         "123",
                         A "x",
                         "0b8f9c6e3d1a4c2b9e7f1a2b3c4d5e6f0000",
                         "0b8f9c6e-3d1a-4c2b-9e7f-1a2b3c4d5e6",
                         " " A,
                         A " ",
                         "{" A "}",
                         "0b8f9c6e-3d1a-4c2b-9e7f-1a2b3c4d5e6g"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        api_kv kv[] = {{"tagIds", A}, {"tagIds", bad[i]}};
        memset(&q->d, 0, sizeof q->d);
        assert_int_equal(run(q, kv, 2, "tagIds", &l), ST_INVALID);
        assert_string_equal(q->d.field, "tagIds");
        assert_true(q->d.msg[0] != '\0');
    }
    /* inside a comma list, and in the [] form: named by the plain key */
    api_kv list[] = {{"tagIds", A ",bad," B}};
    memset(&q->d, 0, sizeof q->d);
    assert_int_equal(run(q, list, 1, "tagIds", &l), ST_INVALID);
    assert_string_equal(q->d.field, "tagIds");
    api_kv br[] = {{"tagIds[]", "bad"}};
    memset(&q->d, 0, sizeof q->d);
    assert_int_equal(run(q, br, 1, "tagIds", &l), ST_INVALID);
    assert_string_equal(q->d.field, "tagIds");
    /* a bad value of another key is not this filter's business */
    api_kv other[] = {{"chatIds", "bad"}, {"tagIds", A}};
    assert_int_equal(run(q, other, 2, "tagIds", &l), ST_OK);
    assert_int_equal(l.n, 1);
}

/* A comma list of n copies of uuid A, in the arena. */
static char *list_of(qenv *q, size_t n)
{
    char *s = arena_alloc(q->a, n * (UUID_STR_LEN + 1) + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) s[len++] = ',';
        memcpy(s + len, A, UUID_STR_LEN);
        len += UUID_STR_LEN;
    }
    s[len] = '\0';
    return s;
}

static void test_limit(void **state)
{
    qenv *q = *state;
    uuid_list l;
    api_kv at[] = {{"chatIds", list_of(q, LIMIT_PAGE_SIZE)}};
    assert_int_equal(run(q, at, 1, "chatIds", &l), ST_OK);
    assert_int_equal(l.n, LIMIT_PAGE_SIZE);
    assert_string_equal(l.v[LIMIT_PAGE_SIZE - 1], A);

    api_kv over[] = {{"chatIds", list_of(q, LIMIT_PAGE_SIZE + 1)}};
    memset(&q->d, 0, sizeof q->d);
    assert_int_equal(run(q, over, 1, "chatIds", &l), ST_INVALID);
    assert_string_equal(q->d.field, "chatIds");
    assert_non_null(strstr(q->d.msg, "100"));

    /* the limit is over every occurrence together */
    api_kv split[] = {{"chatIds", list_of(q, 60)}, {"chatIds[]", list_of(q, 40)}, {"chatIds", A}};
    memset(&q->d, 0, sizeof q->d);
    assert_int_equal(run(q, split, 3, "chatIds", &l), ST_INVALID);
    assert_string_equal(q->d.field, "chatIds");
    assert_int_equal(run(q, split, 2, "chatIds", &l), ST_OK);
    assert_int_equal(l.n, 100);

    api_kv *many = arena_alloc(q->a, sizeof *many * (LIMIT_PAGE_SIZE + 1));
    for (size_t i = 0; i <= LIMIT_PAGE_SIZE; i++)
        many[i] = (api_kv){"chatIds", B};
    assert_int_equal(run(q, many, LIMIT_PAGE_SIZE, "chatIds", &l), ST_OK);
    assert_int_equal(l.n, LIMIT_PAGE_SIZE);
    memset(&q->d, 0, sizeof q->d);
    assert_int_equal(run(q, many, LIMIT_PAGE_SIZE + 1, "chatIds", &l), ST_INVALID);
    assert_string_equal(q->d.field, "chatIds");
    /* empty pieces do not count toward it */
    char *padded = arena_printf(q->a, ",,%s,,", list_of(q, LIMIT_PAGE_SIZE));
    api_kv pad[] = {{"chatIds", padded}};
    assert_int_equal(run(q, pad, 1, "chatIds", &l), ST_OK);
    assert_int_equal(l.n, LIMIT_PAGE_SIZE);
}

/* kv_join: Apizee's list parameters (status, email, phone) in the query or a form body. */
static void test_kv_join(void **state)
{
    qenv *q = *state;
    api_kv kv[] = {{"status", "completed"}, {"other", "x"},    {"status[]", "pending"},
                   {"statusx", "no"},       {"status", "a,b"}, {"status[", "no"},
                   {"email", NULL},         {"phone", "+336"}};
    assert_string_equal(kv_join(q->a, kv, 8, "status"), "completed,pending,a,b");
    assert_string_equal(kv_join(q->a, kv, 8, "phone"), "+336"); /* one value: as is */
    assert_string_equal(kv_join(q->a, kv, 8, "email"), "");     /* present without a value */
    assert_null(kv_join(q->a, kv, 8, "search"));
    assert_null(kv_join(q->a, kv, 0, "status"));
}

/* Found by tests/fuzz/query.c: an empty first value lost its comma ("&a=x" joined as "x" but
 * "a=x&a=" as "x,"), so where an empty value stood changed what the list said. */
static void test_kv_join_empty(void **state)
{
    qenv *q = *state;
    api_kv kv[] = {{"a", ""}, {"a", NULL}, {"a", "x"}, {"a", ""}};
    assert_string_equal(kv_join(q->a, kv, 4, "a"), ",,x,");
    assert_string_equal(kv_join(q->a, kv, 2, "a"), ",");
    assert_string_equal(kv_join(q->a, kv + 2, 2, "a"), "x,");
}

/* A form body can repeat a key a hundred thousand times: joined in one linear copy. */
static void test_kv_join_long(void **state)
{
    qenv *q = *state;
    size_t n = 100000;
    api_kv *kv = arena_alloc(q->a, n * sizeof *kv);
    for (size_t i = 0; i < n; i++)
        kv[i] = (api_kv){"tag", "ab"};
    const char *j = kv_join(q->a, kv, n, "tag");
    assert_int_equal(strlen(j), 3 * n - 1);
    assert_memory_equal(j + 3 * n - 6, "ab,ab", 5);
}

#define Q_TEST(f) cmocka_unit_test_setup_teardown(f, q_setup, q_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        Q_TEST(test_absent),     Q_TEST(test_single),       Q_TEST(test_repeated),
        Q_TEST(test_comma_list), Q_TEST(test_brackets),     Q_TEST(test_mixed),
        Q_TEST(test_lower_case), Q_TEST(test_bad_uuid),     Q_TEST(test_limit),
        Q_TEST(test_kv_join),    Q_TEST(test_kv_join_long), Q_TEST(test_kv_join_empty),
    };
    return cmocka_run_group_tests_name("api/query", tests, NULL, NULL);
}
