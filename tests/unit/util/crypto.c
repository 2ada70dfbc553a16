/* Tests of util/crypto.c: SHA-256 and HMAC-SHA256 test vectors (RFC 4231), hex, constant-time
 * equality, random bytes, and Argon2id password hashes (format, check, salt, tampering, malformed
 * stored values) and PBKDF2 hashes stored before Argon2id. */
#include "unit.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/crypto.h"

static void sha_hex(const char *in, size_t n, char out[2 * SHA256_LEN + 1])
{
    unsigned char h[SHA256_LEN];
    crypto_sha256(in, n, h);
    crypto_hex(h, SHA256_LEN, out);
}

static void test_sha256_vectors(void **state)
{
    char hex[2 * SHA256_LEN + 1];
    sha_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void hmac_hex(const void *key, size_t kl, const void *p, size_t n,
                     char out[2 * SHA256_LEN + 1])
{
    unsigned char h[SHA256_LEN];
    crypto_hmac_sha256(key, kl, p, n, h);
    crypto_hex(h, SHA256_LEN, out);
}

/* RFC 4231's cases 1, 2, 3, 6 and 7 (a short key, a text key, 0xaa bytes, keys longer than the
 * 64-byte block, which are hashed first), and OpenSSL's own HMAC for a key of exactly 64 bytes
 * and an empty message. */
static void test_hmac_sha256_vectors(void **state)
{
    char hex[2 * SHA256_LEN + 1];
    unsigned char k20[20], aa131[131], dd50[50];
    memset(k20, 0x0b, sizeof k20);
    hmac_hex(k20, 20, "Hi There", 8, hex);
    assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(k20, 0xaa, sizeof k20);
    memset(dd50, 0xdd, sizeof dd50);
    hmac_hex(k20, 20, dd50, 50, hex);
    assert_string_equal(hex, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    memset(aa131, 0xaa, sizeof aa131);
    const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_hex(aa131, 131, big, strlen(big), hex);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    const char *both = "This is a test using a larger than block-size key and a larger than "
                       "block-size data. The key needs to be hashed before being used by the "
                       "HMAC algorithm.";
    hmac_hex(aa131, 131, both, strlen(both), hex);
    assert_string_equal(hex, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    unsigned char k64[64], want[SHA256_LEN], got[SHA256_LEN];
    for (size_t i = 0; i < sizeof k64; i++)
        k64[i] = (unsigned char)i;
    unsigned len = 0;
    assert_non_null(HMAC(EVP_sha256(), k64, 64, (const unsigned char *)"", 0, want, &len));
    crypto_hmac_sha256(k64, 64, "", 0, got);
    assert_memory_equal(got, want, SHA256_LEN);
}

static void test_hex(void **state)
{
    const unsigned char in[] = {0x00, 0xff, 0x10, 0xab, 0x09};
    char out[11];
    crypto_hex(in, sizeof in, out);
    assert_string_equal(out, "00ff10ab09");
    char empty[1] = {'x'};
    crypto_hex(in, 0, empty);
    assert_string_equal(empty, "");
}

static void test_equal(void **state)
{
    unsigned char a[32], b[32];
    memset(a, 7, sizeof a);
    memset(b, 7, sizeof b);
    assert_true(crypto_equal(a, b, sizeof a));
    b[31] ^= 1;
    assert_false(crypto_equal(a, b, sizeof a));
    assert_true(crypto_equal(a, b, 31)); /* only n bytes compared */
    b[0] ^= 0x80;
    assert_false(crypto_equal(a, b, 1));
    assert_true(crypto_equal(a, b, 0));
}

static void test_random(void **state)
{
    unsigned char a[32] = {0}, b[32] = {0}, zero[32] = {0};
    crypto_random(a, sizeof a);
    crypto_random(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    assert_memory_not_equal(a, zero, sizeof a);
    crypto_random(a, 0); /* no bytes: nothing happens */
}

static void test_password_hash_and_check(void **state)
{
    char h1[PASSWORD_HASH_LEN], h2[PASSWORD_HASH_LEN];
    crypto_password_hash("correct horse", h1);
    crypto_password_hash("correct horse", h2);
    assert_true(strlen(h1) < PASSWORD_HASH_LEN);
    /* Argon2id, PHC string: 16-byte salt (22 base64 chars), 32-byte hash (43) */
    const char *prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
    assert_int_equal(strncmp(h1, prefix, strlen(prefix)), 0);
    assert_int_equal(strlen(h1), strlen(prefix) + 22 + 1 + 43);
    assert_string_not_equal(h1, h2); /* a fresh salt each time */
    assert_true(crypto_password_check("correct horse", h1));
    assert_false(crypto_password_check("correct horse ", h2));
    /* a changed hash character fails (not the last: it carries padding bits) */
    char t[PASSWORD_HASH_LEN];
    memcpy(t, h1, sizeof t);
    size_t at = strlen(t) - 10;
    t[at] = t[at] == 'A' ? 'B' : 'A';
    assert_false(crypto_password_check("correct horse", t));
}

/* A PBKDF2 hash stored before Argon2id, with any iteration count, still verifies. */
static void test_password_check_other_iterations(void **state)
{
    unsigned char salt[16], dk[SHA256_LEN];
    for (int i = 0; i < 16; i++)
        salt[i] = (unsigned char)i;
    assert_int_equal(PKCS5_PBKDF2_HMAC("pw", 2, salt, 16, 3, EVP_sha256(), SHA256_LEN, dk), 1);
    char salt_hex[33], dk_hex[65], stored[PASSWORD_HASH_LEN];
    crypto_hex(salt, 16, salt_hex);
    crypto_hex(dk, SHA256_LEN, dk_hex);
    snprintf(stored, sizeof stored, "pbkdf2$3$%s$%s", salt_hex, dk_hex);
    assert_true(crypto_password_check("pw", stored));
    assert_false(crypto_password_check("pW", stored));
    snprintf(stored, sizeof stored, "pbkdf2$4$%s$%s", salt_hex, dk_hex);
    assert_false(crypto_password_check("pw", stored));
}

static void test_password_check_malformed(void **state)
{
    const char *bad[] = {
        "",
        "plain",
        "pbkdf2$",
        "pbkdf2$100000$",
        "sha1$1$00000000000000000000000000000000$"
        "0000000000000000000000000000000000000000000000000000000000000000",
        "pbkdf2$0$00000000000000000000000000000000$"
        "0000000000000000000000000000000000000000000000000000000000000000",
        "pbkdf2$-5$00000000000000000000000000000000$"
        "0000000000000000000000000000000000000000000000000000000000000000",
        "pbkdf2$99999999$00000000000000000000000000000000$"
        "0000000000000000000000000000000000000000000000000000000000000000",
        "pbkdf2$1$ZZ$00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(crypto_password_check("pw", bad[i]));
    assert_false(crypto_password_check("pw", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_hmac_sha256_vectors),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_password_hash_and_check),
        cmocka_unit_test(test_password_check_other_iterations),
        cmocka_unit_test(test_password_check_malformed),
    };
    return cmocka_run_group_tests_name("util/crypto", tests, NULL, NULL);
}
