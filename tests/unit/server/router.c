/* Tests of server/router.c: literal and {capture} segments, capture order and copying, no
 * match (404) against another method (405 via path_known), trailing and empty segments, the
 * capture limit, and first-match order. */
#include "unit.h"

#include "server/router.h"

static const api_route routes[] = {
    {"GET", "/", NULL, DIALECT_OPS, true},
    {"GET", "/healthz", NULL, DIALECT_OPS, true},
    {"GET", "/v2/agency/tickets/list", NULL, DIALECT_TAMIO, false},
    {"POST", "/v2/agency/tickets/create", NULL, DIALECT_TAMIO, false},
    {"GET", "/v2/agency/tickets/{id}", NULL, DIALECT_TAMIO, false},
    {"DELETE", "/v2/agency/tickets/{id}", NULL, DIALECT_TAMIO, false},
    {"GET", "/v2/agency/tickets/{id}/replies/{reply}", NULL, DIALECT_TAMIO, false},
    {"GET", "/x/{a}/{b}/{c}/{d}", NULL, DIALECT_ZAIA, false},
    {"GET", "/y/{a}/{b}/{c}/{d}/{e}", NULL, DIALECT_ZAIA, false}, /* over LIMIT_PATH_PARAMS */
};
#define N_ROUTES (sizeof routes / sizeof *routes)

typedef struct {
    arena *a;
    const char *params[LIMIT_PATH_PARAMS];
    size_t n;
    bool known;
} m;

static int setup(void **state)
{
    m *x = test_calloc(1, sizeof *x);
    x->a = arena_new(1024);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    m *x = *state;
    arena_free(x->a);
    test_free(x);
    return 0;
}

static const api_route *match(m *x, const char *method, const char *path)
{
    x->n = 99;
    x->known = true; /* the router must reset it */
    return router_match(routes, N_ROUTES, method, path, x->a, x->params, &x->n, &x->known);
}

static void test_literal(void **state)
{
    m *x = *state;
    const api_route *r = match(x, "GET", "/healthz");
    assert_ptr_equal(r, &routes[1]);
    assert_int_equal(x->n, 0);
    assert_ptr_equal(match(x, "GET", "/v2/agency/tickets/list"), &routes[2]);
    assert_ptr_equal(match(x, "POST", "/v2/agency/tickets/create"), &routes[3]);
    assert_ptr_equal(match(x, "GET", "/"), &routes[0]);
}

static void test_capture(void **state)
{
    m *x = *state;
    const api_route *r = match(x, "GET", "/v2/agency/tickets/3f1c2e9a-0000-4000-8000-000000000001");
    assert_ptr_equal(r, &routes[4]);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->params[0], "3f1c2e9a-0000-4000-8000-000000000001");
    r = match(x, "DELETE", "/v2/agency/tickets/abc");
    assert_ptr_equal(r, &routes[5]);
    assert_string_equal(x->params[0], "abc");
}

static void test_captures_in_order(void **state)
{
    m *x = *state;
    const api_route *r = match(x, "GET", "/v2/agency/tickets/T1/replies/R2");
    assert_ptr_equal(r, &routes[6]);
    assert_int_equal(x->n, 2);
    assert_string_equal(x->params[0], "T1");
    assert_string_equal(x->params[1], "R2");
    r = match(x, "GET", "/x/1/22/333/4444");
    assert_ptr_equal(r, &routes[7]);
    assert_int_equal(x->n, 4);
    assert_string_equal(x->params[0], "1");
    assert_string_equal(x->params[3], "4444");
}

static void test_param_names(void **state)
{
    m *x = *state;
    const char *tpl = routes[6].path; /* /v2/agency/tickets/{id}/replies/{reply} */
    assert_string_equal(router_param_name(tpl, 0, x->a), "id");
    assert_string_equal(router_param_name(tpl, 1, x->a), "reply");
    assert_null(router_param_name(tpl, 2, x->a));
    assert_null(router_param_name("/healthz", 0, x->a));
}

static void test_captures_are_copies(void **state)
{
    m *x = *state;
    char path[] = "/v2/agency/tickets/keepme";
    assert_non_null(match(x, "GET", path));
    assert_true(x->params[0] < path || x->params[0] >= path + sizeof path);
    memset(path, 'z', sizeof path - 1);
    assert_string_equal(x->params[0], "keepme");
    /* raw segments: no percent-decoding here */
    assert_non_null(match(x, "GET", "/v2/agency/tickets/a%20b"));
    assert_string_equal(x->params[0], "a%20b");
}

static void test_literal_beats_capture(void **state)
{
    m *x = *state;
    /* "list" is a literal route: it wins over {id} */
    assert_ptr_equal(match(x, "GET", "/v2/agency/tickets/list"), &routes[2]);
    assert_int_equal(x->n, 0);
    /* ... whatever the method: DELETE of the list path is a 405, not a delete of ticket "list" */
    assert_null(match(x, "DELETE", "/v2/agency/tickets/list"));
    assert_true(x->known);
    assert_null(match(x, "GET", "/v2/agency/tickets/create"));
    assert_true(x->known);
    /* a segment no literal claims goes to the capture */
    const api_route *r = match(x, "DELETE", "/v2/agency/tickets/lists");
    assert_ptr_equal(r, &routes[5]);
    assert_string_equal(x->params[0], "lists");
}

static void test_no_match_404(void **state)
{
    m *x = *state;
    const char *paths[] = {"/nope",
                           "/v2/agency",
                           "/v2/agency/tickets",
                           "/v2/agency/ticketsX/1",
                           "/V2/agency/tickets/list",
                           "",
                           "/healthz/x",
                           "/healthzz",
                           "/v2/agency/tickets/1/replies",
                           "/v2/agency/tickets/1/replies/2/3",
                           "/x/1/2/3",
                           "/x/1/2/3/4/5"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        if (match(x, "GET", paths[i])) fail_msg("GET %s matched", paths[i]);
        if (x->known) fail_msg("GET %s: path_known", paths[i]);
    }
}

static void test_other_method_405(void **state)
{
    m *x = *state;
    assert_null(match(x, "POST", "/healthz"));
    assert_true(x->known);
    assert_null(match(x, "PUT", "/"));
    assert_true(x->known);
    assert_null(match(x, "POST", "/v2/agency/tickets/list"));
    assert_true(x->known);
    /* the same template under two methods: each method gets its own route */
    assert_ptr_equal(match(x, "GET", "/v2/agency/tickets/t9"), &routes[4]);
    assert_ptr_equal(match(x, "DELETE", "/v2/agency/tickets/t9"), &routes[5]);
}

static void test_method_mismatch_known(void **state)
{
    m *x = *state;
    assert_null(match(x, "PUT", "/v2/agency/tickets/abc"));
    assert_true(x->known);
    assert_null(match(x, "POST", "/v2/agency/tickets/abc/replies/def"));
    assert_true(x->known);
    assert_null(match(x, "get", "/healthz")); /* methods are case-sensitive */
    assert_true(x->known);
    assert_null(match(x, "POST", "/nothing/here"));
    assert_false(x->known);
}

static void test_trailing_and_empty_segments(void **state)
{
    m *x = *state;
    const char *paths[] = {"/healthz/",
                           "/v2/agency/tickets/list/",
                           "/v2/agency/tickets/",
                           "/v2/agency/tickets//replies/r",
                           "/v2/agency/tickets/t/replies/",
                           "//healthz",
                           "/v2//agency/tickets/list",
                           "healthz"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        if (match(x, "GET", paths[i])) fail_msg("GET %s matched", paths[i]);
        if (match(x, "DELETE", paths[i])) fail_msg("DELETE %s matched", paths[i]);
    }
}

static void test_capture_limit(void **state)
{
    m *x = *state;
    /* a template with more captures than LIMIT_PATH_PARAMS never matches (no overflow) */
    assert_null(match(x, "GET", "/y/1/2/3/4/5"));
    assert_false(x->known);
}

static void test_no_arena_needed_for_405(void **state)
{
    m *x = *state;
    const char *params[LIMIT_PATH_PARAMS] = {0};
    size_t n = 0;
    bool known = false;
    assert_null(
        router_match(routes, N_ROUTES, "PATCH", "/v2/agency/tickets/zz", x->a, params, &n, &known));
    assert_true(known);
    assert_null(router_match(routes, 0, "GET", "/healthz", x->a, params, &n, &known));
    assert_false(known); /* an empty table knows no path */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_captures_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_captures_are_copies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literal_beats_capture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_match_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_method_405, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_mismatch_known, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_and_empty_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capture_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_arena_needed_for_405, setup, teardown),
    };
    return cmocka_run_group_tests_name("server/router", tests, NULL, NULL);
}
