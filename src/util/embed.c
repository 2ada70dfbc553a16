/* Looks up the files compiled into the binary (util/embed.h). */
#include "util/embed.h"

#include <string.h>

const embed_file *embed_find(const char *path)
{
    for (size_t i = 0; i < embed_count; i++)
        if (strcmp(embed_files[i].path, path) == 0) return &embed_files[i];
    return NULL;
}
