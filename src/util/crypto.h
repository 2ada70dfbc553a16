/* The few cryptographic primitives ticketd needs, from OpenSSL's libcrypto: random bytes,
 * SHA-256, constant-time comparison, hex, and password hashing (Argon2id from libargon2;
 * older PBKDF2-HMAC-SHA256 hashes still verify).
 * Thread-safe. */
#ifndef TICKETD_UTIL_CRYPTO_H
#define TICKETD_UTIL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define SHA256_LEN 32
/* "$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>" (PHC string format) */
#define PASSWORD_HASH_LEN 128

void crypto_random(void *out, size_t n); /* aborts if the CSPRNG fails: nothing is safe then */
void crypto_sha256(const void *p, size_t n, unsigned char out[SHA256_LEN]);
/* SHA-256 fed in pieces: _new (aborts on allocation failure), _update any number of times,
 * _final writes the digest and frees the context; _free drops one that is not finished. */
typedef struct crypto_sha256_ctx crypto_sha256_ctx;
crypto_sha256_ctx *crypto_sha256_new(void);
void crypto_sha256_update(crypto_sha256_ctx *c, const void *p, size_t n);
void crypto_sha256_final(crypto_sha256_ctx *c, unsigned char out[SHA256_LEN]);
void crypto_sha256_free(crypto_sha256_ctx *c);
/* HMAC-SHA256 of p under key. */
void crypto_hmac_sha256(const void *key, size_t key_len, const void *p, size_t n,
                        unsigned char out[SHA256_LEN]);
bool crypto_equal(const void *a, const void *b, size_t n);    /* constant time */
void crypto_hex(const unsigned char *p, size_t n, char *out); /* out: 2n + 1 bytes */
void crypto_password_hash(const char *password, char out[PASSWORD_HASH_LEN]);
bool crypto_password_check(const char *password, const char *stored);

#endif
