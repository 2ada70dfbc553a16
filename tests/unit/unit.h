/* Shared helpers of the cmocka unit tests: the cmocka includes in the order it needs, a
 * throwaway directory under /tmp, and a fresh migrated store in it with one workspace and a core
 * context ready to call (the `unit_env` fixture). Each test program includes this once. */
#ifndef TICKETD_TESTS_UNIT_H
#define TICKETD_TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/core.h"
#include "core/people.h"
#include "store/db.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/status.h"

/* A fresh directory /tmp/ticketd-unit-XXXXXX; dir must hold 32 bytes. */
static inline void unit_mkdtemp(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/ticketd-unit-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static inline int unit_rm_one(const char *path, const struct stat *sb, int type, struct FTW *f)
{
    (void)sb, (void)type, (void)f;
    return remove(path);
}

/* Removes a directory made by unit_mkdtemp and everything under it. */
static inline void unit_rmtree(const char *dir)
{
    nftw(dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

typedef struct {
    char dir[64];
    char path[128];
    store *st;
    db *db;   /* this thread's connection to st */
    arena *a; /* freed at teardown */
    diag d;
    core_ctx cx; /* on st, arena a, diag d, workspace ws, ACTOR_SYSTEM */
    ws_row ws;
} unit_env;

/* Opens a fresh store in a new temp dir and creates workspace "unit" in it. */
static inline unit_env *unit_env_new(void)
{
    unit_env *e = test_calloc(1, sizeof *e);
    unit_mkdtemp(e->dir, sizeof e->dir);
    snprintf(e->path, sizeof e->path, "%s/ticketd.db", e->dir);
    assert_int_equal(store_open(e->path, &e->st, &e->d), ST_OK);
    e->a = arena_new(4096);
    assert_int_equal(core_ctx_init(&e->cx, e->st, e->a, &e->d), ST_OK);
    e->db = e->cx.db;
    assert_non_null(e->db);
    /* a throwaway file needs no durability: skip the fsyncs, keep the tests fast */
    assert_int_equal(db_exec(e->db, "PRAGMA synchronous=OFF"), ST_OK);
    assert_int_equal(workspace_create(e->db, "unit", e->a, &e->ws, &e->d), ST_OK);
    e->cx.ws = e->ws.id;
    e->cx.actor = ACTOR_SYSTEM;
    return e;
}

static inline void unit_env_free(unit_env *e)
{
    if (!e) return;
    arena_free(e->a);
    store_close(e->st);
    unit_rmtree(e->dir);
    test_free(e);
}

/* cmocka setup/teardown wrappers around unit_env. */
static inline int unit_setup(void **state)
{
    *state = unit_env_new();
    return 0;
}

static inline int unit_teardown(void **state)
{
    unit_env_free(*state);
    *state = NULL;
    return 0;
}

/* Clears the diag between calls, so each assertion sees only the last call's diag. */
static inline void unit_diag_clear(unit_env *e)
{
    memset(&e->d, 0, sizeof e->d);
}

/* Runs a `SELECT count(*) …` (no parameters) on c; -1 on failure. */
static inline int64_t unit_count(db *c, const char *sql)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s) return -1;
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_reset(s);
    return n;
}

/* A list page from offset with limit, no time bounds. */
static inline list_page unit_page(int64_t offset, int64_t limit)
{
    list_page pg = {.offset = offset, .limit = limit, .from_s = NULL_INT, .to_s = NULL_INT};
    return pg;
}

/* A core list input: page, per_page, no bounds. */
static inline list_in unit_list_in(int64_t page, int64_t per_page)
{
    list_in in = {.page = page, .per_page = per_page, .from_ms = NULL_INT, .to_ms = NULL_INT};
    return in;
}

/* An opt_str field set to a value, or set to null. */
#define SET(x)                                                                                     \
    {                                                                                              \
        .set = true, .v = (x)                                                                      \
    }
#define NUL                                                                                        \
    {                                                                                              \
        .set = true, .v = NULL                                                                     \
    }

/* A teammate made through core (the test fails if it cannot be). */
static inline user_row unit_user(unit_env *e, const char *name, const char *email)
{
    user_in in = {.name = SET(name), .email = SET(email)};
    user_row u;
    assert_int_equal(user_create(&e->cx, &in, &u), ST_OK);
    return u;
}

#define UNIT_TEST(f) cmocka_unit_test_setup_teardown(f, unit_setup, unit_teardown)

#endif
