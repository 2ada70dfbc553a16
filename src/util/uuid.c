/* UUID generation (OpenSSL's CSPRNG) and shape checking; see uuid.h. */
#include "util/uuid.h"

#include <ctype.h>
#include <string.h>

#include "util/crypto.h"

void uuid_v4(char out[UUID_STR_LEN + 1])
{
    /* One CSPRNG call per 32 uuids instead of one each: it showed at 5 % of a create. The
     * pool is per thread, so no two threads ever hand out the same bytes. */
    static _Thread_local unsigned char pool[512];
    static _Thread_local size_t used = sizeof pool;
    if (used == sizeof pool) {
        crypto_random(pool, sizeof pool);
        used = 0;
    }
    unsigned char b[16];
    memcpy(b, pool + used, sizeof b);
    memset(pool + used, 0, sizeof b); /* a handed-out id is not kept around */
    used += sizeof b;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

bool uuid_parse(const char *s, char out[UUID_STR_LEN + 1])
{
    if (!s || strlen(s) != UUID_STR_LEN) return false;
    for (int i = 0; i < UUID_STR_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i])) return false;
    }
    if (out) {
        for (int i = 0; i < UUID_STR_LEN; i++)
            out[i] = (char)tolower((unsigned char)s[i]);
        out[UUID_STR_LEN] = '\0';
    }
    return true;
}
