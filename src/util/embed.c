/* Looks up the files compiled into the binary (util/embed.h). */
#include "util/embed.h"

#include <pthread.h>
#include <string.h>

#include "util/crypto.h"
#include "util/xalloc.h"

const embed_file *embed_find(const char *path)
{
    for (size_t i = 0; i < embed_count; i++)
        if (strcmp(embed_files[i].path, path) == 0) return &embed_files[i];
    return NULL;
}

static char (*etags)[EMBED_ETAG_SIZE];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

static void etags_make(void)
{
    etags = xcalloc(embed_count ? embed_count : 1, sizeof *etags);
    for (size_t i = 0; i < embed_count; i++) {
        unsigned char h[SHA256_LEN];
        crypto_sha256(embed_files[i].data, embed_files[i].len, h);
        etags[i][0] = '"';
        crypto_hex(h, 16, etags[i] + 1);
        etags[i][EMBED_ETAG_SIZE - 2] = '"';
        etags[i][EMBED_ETAG_SIZE - 1] = '\0';
    }
}

const char *embed_etag(const embed_file *f)
{
    pthread_once(&etags_once, etags_make);
    return etags[f - embed_files];
}
