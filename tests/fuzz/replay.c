/* Replays saved fuzz inputs as an ordinary test, as SQLite's test/fuzzcheck.c does: linked with
 * one harness (instead of libFuzzer) on the ASan+UBSan build, it runs every file of the
 * directories (or the files) it is given through LLVMFuzzerTestOneInput, in name order. A
 * crash, a sanitizer report or a leak fails the run; the file being replayed is printed first
 * when TICKETD_FUZZ_VERBOSE is set. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int replay_file(const char *path, bool verbose)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (!data) return 1;
    if (verbose) fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    bool verbose = getenv("TICKETD_FUZZ_VERBOSE") != NULL;
    size_t files = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "replay: no %s\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(sb.st_mode)) {
            rc |= replay_file(argv[i], verbose);
            files++;
            continue;
        }
        DIR *dir = opendir(argv[i]);
        if (!dir) return 1;
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.') continue;
            if (n == cap) names = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[n] = malloc(len);
            snprintf(names[n++], len, "%s/%s", argv[i], e->d_name);
        }
        closedir(dir);
        if (n) qsort(names, n, sizeof *names, by_name);
        for (size_t k = 0; k < n; k++) {
            rc |= replay_file(names[k], verbose);
            free(names[k]);
        }
        free(names);
        files += n;
    }
    printf("%s: %zu inputs replayed\n", argv[0], files);
    return rc;
}
