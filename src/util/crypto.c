/* Thin wrappers over OpenSSL's libcrypto; see crypto.h. */
#include "util/crypto.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/status.h"

#define PBKDF2_ITERATIONS 100000

void crypto_random(void *out, size_t n)
{
    if (RAND_bytes(out, (int)n) != 1) bug_at(__FILE__, __LINE__, "RAND_bytes failed");
}

void crypto_sha256(const void *p, size_t n, unsigned char out[SHA256_LEN])
{
    SHA256(p, n, out);
}

crypto_sha256_ctx *crypto_sha256_new(void)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        bug_at(__FILE__, __LINE__, "EVP_DigestInit_ex failed");
    return (crypto_sha256_ctx *)c;
}

void crypto_sha256_update(crypto_sha256_ctx *c, const void *p, size_t n)
{
    if (EVP_DigestUpdate((EVP_MD_CTX *)c, p, n) != 1)
        bug_at(__FILE__, __LINE__, "EVP_DigestUpdate failed");
}

void crypto_sha256_final(crypto_sha256_ctx *c, unsigned char out[SHA256_LEN])
{
    unsigned len = 0;
    if (EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, &len) != 1 || len != SHA256_LEN)
        bug_at(__FILE__, __LINE__, "EVP_DigestFinal_ex failed");
    EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

void crypto_sha256_free(crypto_sha256_ctx *c)
{
    EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

/* SHA-256 looked up in the providers once: HMAC() fetches the HMAC method and the digest by
 * name at every call (a locked store lookup each, ~15 us of its ~18 us on the dev VM), and the
 * rate limiter and every signed file URL call it per request. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!sha256_md) bug_at(__FILE__, __LINE__, "EVP_MD_fetch(SHA256) failed");
}

/* SHA-256 of a 64-byte block then p, through c (reset here). */
static void digest_after_block(EVP_MD_CTX *c, const unsigned char block[64], const void *p,
                               size_t n, unsigned char out[SHA256_LEN])
{
    unsigned len = 0;
    if (EVP_DigestInit_ex2(c, sha256_md, NULL) != 1 || EVP_DigestUpdate(c, block, 64) != 1 ||
        EVP_DigestUpdate(c, p, n) != 1 || EVP_DigestFinal_ex(c, out, &len) != 1 ||
        len != SHA256_LEN)
        bug_at(__FILE__, __LINE__, "SHA-256 failed");
}

/* RFC 2104 over the fetched SHA-256 (64-byte blocks): H((K ^ opad) || H((K ^ ipad) || p)), a
 * key longer than a block hashed first. RFC 4231's vectors are in the unit tests. */
void crypto_hmac_sha256(const void *key, size_t key_len, const void *p, size_t n,
                        unsigned char out[SHA256_LEN])
{
    pthread_once(&sha256_once, fetch_sha256);
    unsigned char k[64] = {0}, pad[64], inner[SHA256_LEN];
    if (key_len > sizeof k)
        crypto_sha256(key, key_len, k);
    else
        memcpy(k, key, key_len);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c) bug_at(__FILE__, __LINE__, "EVP_MD_CTX_new failed");
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k[i] ^ 0x36;
    digest_after_block(c, pad, p, n, inner);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k[i] ^ 0x5c;
    digest_after_block(c, pad, inner, sizeof inner, out);
    EVP_MD_CTX_free(c);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

void crypto_hex(const unsigned char *p, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void derive(const char *password, const unsigned char *salt, int iterations,
                   unsigned char out[SHA256_LEN])
{
    if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, 16, iterations, EVP_sha256(),
                          SHA256_LEN, out) != 1)
        bug_at(__FILE__, __LINE__, "PBKDF2 failed");
}

/* Argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): ~20-40 ms here. */
#define ARGON2_T     2
#define ARGON2_M_KIB 19456
#define ARGON2_P     1

void crypto_password_hash(const char *password, char out[PASSWORD_HASH_LEN])
{
    unsigned char salt[16];
    crypto_random(salt, sizeof salt);
    int rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M_KIB, ARGON2_P, password, strlen(password),
                                   salt, sizeof salt, SHA256_LEN, out, PASSWORD_HASH_LEN);
    if (rc != ARGON2_OK) bug_at(__FILE__, __LINE__, argon2_error_message(rc));
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

bool crypto_password_check(const char *password, const char *stored)
{
    if (stored && strncmp(stored, "$argon2id$", 10) == 0)
        return argon2id_verify(stored, password, strlen(password)) == ARGON2_OK;
    /* Hashes written before Argon2id (PBKDF2-HMAC-SHA256) still verify. */
    int iterations, end = 0;
    char salt_hex[33], dk_hex[65];
    unsigned char salt[16], want[SHA256_LEN], got[SHA256_LEN];
    if (!stored || sscanf(stored, "pbkdf2$%d$%32[0-9a-f]$%64[0-9a-f]%n", &iterations, salt_hex,
                          dk_hex, &end) != 3)
        return false;
    if (stored[end] || strlen(salt_hex) != 32 || strlen(dk_hex) != 64) return false;
    if (iterations < 1 || iterations > 10000000 || unhex(salt_hex, salt, 16) ||
        unhex(dk_hex, want, SHA256_LEN))
        return false;
    derive(password, salt, iterations, got);
    return crypto_equal(got, want, SHA256_LEN);
}
