/* Tests of core/auth.c: workspaces (create, find, validation, duplicates) and API keys
 * ("tkd_" + 64 hex, authenticate, wrong and revoked keys unauthorized, revoke by 12-char prefix
 * or uuid, ambiguous and unknown prefixes, list), and the per-thread cache of checked keys. */
#include "unit.h"

#include <ctype.h>

#include "util/crypto.h"
#include "util/uuid.h"

static void test_workspace_create_and_find(void **state)
{
    unit_env *e = *state;
    ws_row w, got;
    assert_int_equal(workspace_create(e->db, "Acme", e->a, &w, &e->d), ST_OK);
    assert_true(w.id > 0);
    assert_true(uuid_parse(w.uuid, NULL));
    assert_string_equal(w.name, "Acme");
    assert_int_equal(workspace_find(e->db, "Acme", e->a, &got, &e->d), ST_OK);
    assert_int_equal(got.id, w.id);
    assert_int_equal(workspace_find(e->db, w.uuid, e->a, &got, &e->d), ST_OK);
    assert_string_equal(got.name, "Acme");
    assert_int_equal(workspace_find(e->db, NULL, e->a, &got, &e->d), ST_OK);
    assert_int_equal(got.id, e->ws.id); /* the first workspace */
    unit_diag_clear(e);
    assert_int_equal(workspace_find(e->db, "missing", e->a, &got, &e->d), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "workspace");
}

static void test_workspace_validation(void **state)
{
    unit_env *e = *state;
    ws_row w;
    unit_diag_clear(e);
    assert_int_equal(workspace_create(e->db, "", e->a, &w, &e->d), ST_INVALID);
    assert_string_equal(e->d.field, "name");
    unit_diag_clear(e);
    assert_int_equal(workspace_create(e->db, NULL, e->a, &w, &e->d), ST_INVALID);
    assert_string_equal(e->d.field, "name");
    unit_diag_clear(e);
    assert_int_equal(workspace_create(e->db, "unit", e->a, &w, &e->d), ST_CONFLICT);
    assert_string_equal(e->d.field, "name");
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM workspaces"), 1);
}

static void test_workspace_find_empty_store(void **state)
{
    char dir[64], path[128];
    unit_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/empty.db", dir);
    store *st = NULL;
    diag d = {0};
    assert_int_equal(store_open(path, &st, &d), ST_OK);
    arena *a = arena_new(1024);
    ws_row got;
    assert_int_equal(workspace_find(store_conn(st), NULL, a, &got, &d), ST_NOT_FOUND);
    assert_string_equal(d.field, "workspace");
    assert_non_null(strstr(d.msg, "init"));
    arena_free(a);
    store_close(st);
    unit_rmtree(dir);
}

static void test_key_shape(void **state)
{
    unit_env *e = *state;
    char k1[KEY_STR_LEN + 1], k2[KEY_STR_LEN + 1];
    assert_int_equal(key_create(e->db, e->ws.id, k1, &e->d), ST_OK);
    assert_int_equal(key_create(e->db, e->ws.id, k2, &e->d), ST_OK);
    assert_int_equal(strlen(k1), 68);
    assert_int_equal(strncmp(k1, "tkd_", 4), 0);
    for (int i = 4; i < 68; i++) {
        assert_true(isxdigit((unsigned char)k1[i]));
        assert_false(isupper((unsigned char)k1[i]));
    }
    assert_string_not_equal(k1, k2);
    /* only the hash is stored, never the key */
    assert_int_equal(unit_count(e->db, arena_printf(e->a,
                                                    "SELECT count(*) FROM api_keys WHERE "
                                                    "hash = '%s' OR prefix = '%s'",
                                                    k1, k1)),
                     0);
    unsigned char h[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    crypto_sha256(k1, strlen(k1), h);
    crypto_hex(h, sizeof h, hex);
    assert_int_equal(unit_count(e->db, arena_printf(e->a,
                                                    "SELECT count(*) FROM api_keys WHERE "
                                                    "lower(hex(hash)) = '%s'",
                                                    hex)),
                     1);
    assert_int_equal(unit_count(e->db, "SELECT count(*) FROM api_keys WHERE length(hash) = 32"), 2);
}

static void test_key_authenticate(void **state)
{
    unit_env *e = *state;
    char key[KEY_STR_LEN + 1];
    assert_int_equal(key_create(e->db, e->ws.id, key, &e->d), ST_OK);
    key_row k;
    assert_int_equal(key_authenticate(e->db, key, &k), ST_OK);
    assert_int_equal(k.ws, e->ws.id);
    assert_int_equal(k.revoked_at, NULL_INT);
    assert_int_equal(strlen(k.prefix), KEY_PREFIX_LEN);
    assert_memory_equal(k.prefix, key, KEY_PREFIX_LEN);

    char wrong[KEY_STR_LEN + 1];
    memcpy(wrong, key, sizeof wrong);
    wrong[KEY_STR_LEN - 1] = wrong[KEY_STR_LEN - 1] == '0' ? '1' : '0';
    assert_int_equal(key_authenticate(e->db, wrong, &k), ST_UNAUTHORIZED);
    char upper[KEY_STR_LEN + 1];
    for (int i = 0; i <= KEY_STR_LEN; i++)
        upper[i] = (char)toupper((unsigned char)key[i]);
    assert_int_equal(key_authenticate(e->db, upper, &k), ST_UNAUTHORIZED);
    char shorter[KEY_STR_LEN];
    memcpy(shorter, key, KEY_STR_LEN - 1);
    shorter[KEY_STR_LEN - 1] = '\0';
    assert_int_equal(key_authenticate(e->db, shorter, &k), ST_UNAUTHORIZED);
    assert_int_equal(key_authenticate(e->db, "", &k), ST_UNAUTHORIZED);
    assert_int_equal(key_authenticate(e->db, NULL, &k), ST_UNAUTHORIZED);
    char huge[400];
    memset(huge, 'a', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_int_equal(key_authenticate(e->db, huge, &k), ST_UNAUTHORIZED);
    char longer[KEY_STR_LEN + 2];
    snprintf(longer, sizeof longer, "%sx", key);
    assert_int_equal(key_authenticate(e->db, longer, &k), ST_UNAUTHORIZED);
    /* the real key still works after all that */
    assert_int_equal(key_authenticate(e->db, key, &k), ST_OK);
}

static void test_key_revoke_by_prefix(void **state)
{
    unit_env *e = *state;
    char k1[KEY_STR_LEN + 1], k2[KEY_STR_LEN + 1];
    assert_int_equal(key_create(e->db, e->ws.id, k1, &e->d), ST_OK);
    assert_int_equal(key_create(e->db, e->ws.id, k2, &e->d), ST_OK);
    char prefix[KEY_PREFIX_LEN + 1];
    snprintf(prefix, sizeof prefix, "%.*s", KEY_PREFIX_LEN, k1);
    assert_int_equal(key_revoke(e->db, prefix, &e->d), ST_OK);
    key_row k;
    assert_int_equal(key_authenticate(e->db, k1, &k), ST_UNAUTHORIZED);
    assert_int_equal(key_authenticate(e->db, k2, &k), ST_OK); /* the other key is untouched */
    /* a second revoke of the same key is fine and changes nothing */
    assert_int_equal(key_revoke(e->db, prefix, &e->d), ST_OK);
    assert_int_equal(key_authenticate(e->db, k1, &k), ST_UNAUTHORIZED);

    key_row *rows;
    size_t n;
    assert_int_equal(key_list(e->db, e->a, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
    int revoked = 0;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(rows[i].ws_name, "unit");
        if (rows[i].revoked_at != NULL_INT) {
            revoked++;
            assert_string_equal(rows[i].prefix, prefix);
        }
    }
    assert_int_equal(revoked, 1);
}

static void test_key_revoke_by_uuid(void **state)
{
    unit_env *e = *state;
    char key[KEY_STR_LEN + 1];
    assert_int_equal(key_create(e->db, e->ws.id, key, &e->d), ST_OK);
    key_row k;
    assert_int_equal(key_authenticate(e->db, key, &k), ST_OK);
    assert_int_equal(key_revoke(e->db, k.uuid, &e->d), ST_OK);
    assert_int_equal(key_authenticate(e->db, key, &k), ST_UNAUTHORIZED);
}

static void test_key_revoke_unknown_and_ambiguous(void **state)
{
    unit_env *e = *state;
    unit_diag_clear(e);
    assert_int_equal(key_revoke(e->db, "tkd_000000000", &e->d), ST_NOT_FOUND);
    assert_string_equal(e->d.field, "key");
    char uuid[UUID_STR_LEN + 1];
    uuid_v4(uuid);
    assert_int_equal(key_revoke(e->db, uuid, &e->d), ST_NOT_FOUND);
    /* two keys sharing a prefix: the prefix is ambiguous, nothing is revoked */
    for (unsigned char seed = 1; seed <= 2; seed++) {
        unsigned char hash[SHA256_LEN];
        memset(hash, seed, sizeof hash);
        key_row k = {.ws = e->ws.id, .created_at = 1, .revoked_at = NULL_INT};
        uuid_v4(k.uuid);
        snprintf(k.prefix, sizeof k.prefix, "tkd_aaaaaaa%u", seed);
        assert_int_equal(store_key_insert(e->db, &k, hash), ST_OK);
    }
    unit_diag_clear(e);
    assert_int_equal(key_revoke(e->db, "tkd_aaaaaaa", &e->d), ST_CONFLICT);
    assert_string_equal(e->d.field, "key");
    assert_int_equal(
        unit_count(e->db, "SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), 0);
    /* a prefix shorter than 8 characters names nothing, even when it matches */
    unit_diag_clear(e);
    assert_int_equal(key_revoke(e->db, "tkd_", &e->d), ST_NOT_FOUND);
    assert_int_equal(
        unit_count(e->db, "SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), 0);
    assert_int_equal(key_revoke(e->db, "tkd_aaaaaaa2", &e->d), ST_OK);
    assert_int_equal(
        unit_count(e->db, "SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), 1);
}

/* A key belongs to its workspace. */
static void test_key_workspace(void **state)
{
    unit_env *e = *state;
    ws_row w;
    assert_int_equal(workspace_create(e->db, "second", e->a, &w, &e->d), ST_OK);
    char k1[KEY_STR_LEN + 1], k2[KEY_STR_LEN + 1];
    assert_int_equal(key_create(e->db, e->ws.id, k1, &e->d), ST_OK);
    assert_int_equal(key_create(e->db, w.id, k2, &e->d), ST_OK);
    key_row k;
    assert_int_equal(key_authenticate(e->db, k1, &k), ST_OK);
    assert_int_equal(k.ws, e->ws.id);
    assert_int_equal(key_authenticate(e->db, k2, &k), ST_OK);
    assert_int_equal(k.ws, w.id);
}

/* Revokes key by its prefix on c. */
static void revoke_key(db *c, const char *key, diag *d)
{
    char prefix[KEY_PREFIX_LEN + 1];
    snprintf(prefix, sizeof prefix, "%.*s", KEY_PREFIX_LEN, key);
    assert_int_equal(key_revoke(c, prefix, d), ST_OK);
}

/* auth_key in a read transaction (as api_invoke calls it). */
static status read_key(unit_env *e, const char *key, key_row *k)
{
    assert_int_equal(core_read_begin(&e->cx), ST_OK);
    status st = auth_key(&e->cx, key, k);
    core_read_end(&e->cx);
    return st;
}

/* The cache answers while the connection's snapshot version holds: a commit made on the same
 * connection does not move it (so nothing but reads may run there), a commit of any other
 * connection -- another process, or this process's writer -- empties it. Inside core_txn
 * (the writer's jobs) it is never used. */
static void test_auth_key_cache(void **state)
{
    unit_env *e = *state;
    char k1[KEY_STR_LEN + 1], k2[KEY_STR_LEN + 1];
    assert_int_equal(key_create(e->db, e->ws.id, k1, &e->d), ST_OK);
    assert_int_equal(key_create(e->db, e->ws.id, k2, &e->d), ST_OK);
    key_row k;
    assert_int_equal(read_key(e, k1, &k), ST_OK);
    assert_int_equal(k.ws, e->ws.id);
    assert_int_equal(read_key(e, k2, &k), ST_OK);

    /* Revoked through this very connection: the remembered answer stands (the cache is used). */
    revoke_key(e->db, k1, &e->d);
    assert_int_equal(read_key(e, k1, &k), ST_OK);
    assert_int_equal(k.ws, e->ws.id);
    /* ... but not on the writer's path, which always reads. */
    e->cx.txn_depth = 1;
    assert_int_equal(auth_key(&e->cx, k1, &k), ST_UNAUTHORIZED);
    e->cx.txn_depth = 0;

    /* Another connection commits (here: revokes k2): both are read again. */
    store *other = NULL;
    assert_int_equal(store_open(e->path, &other, &e->d), ST_OK);
    revoke_key(store_conn(other), k2, &e->d);
    assert_int_equal(read_key(e, k1, &k), ST_UNAUTHORIZED);
    assert_int_equal(read_key(e, k2, &k), ST_UNAUTHORIZED);
    /* A new key is found (and remembered) at once. */
    char k3[KEY_STR_LEN + 1];
    assert_int_equal(key_create(store_conn(other), e->ws.id, k3, &e->d), ST_OK);
    assert_int_equal(read_key(e, k3, &k), ST_OK);
    assert_int_equal(read_key(e, k3, &k), ST_OK);
    revoke_key(store_conn(other), k3, &e->d);
    assert_int_equal(read_key(e, k3, &k), ST_UNAUTHORIZED);
    store_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_workspace_create_and_find),
        UNIT_TEST(test_workspace_validation),
        cmocka_unit_test(test_workspace_find_empty_store),
        UNIT_TEST(test_key_shape),
        UNIT_TEST(test_key_authenticate),
        UNIT_TEST(test_key_revoke_by_prefix),
        UNIT_TEST(test_key_revoke_by_uuid),
        UNIT_TEST(test_key_revoke_unknown_and_ambiguous),
        UNIT_TEST(test_key_workspace),
        UNIT_TEST(test_auth_key_cache),
    };
    return cmocka_run_group_tests_name("core/auth", tests, NULL, NULL);
}
