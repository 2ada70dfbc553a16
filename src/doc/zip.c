/* Zips of files on disk with libzip; see doc.h. libzip reads each source file only while
 * zip_close writes the archive, one after the other, so memory stays small whatever the size. */
#include "doc/doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "util/log.h"

/* What libzip writes for an archive with no entries is nothing at all (it removes the file),
 * so an empty zip is its end-of-central-directory record alone. */
static status write_empty(const char *path, diag *d)
{
    static const unsigned char eocd[22] = {'P', 'K', 5, 6};
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write(fd, eocd, sizeof eocd) == (ssize_t)sizeof eocd;
    if (fd >= 0 && close(fd) != 0) ok = false;
    if (ok) return ST_OK;
    log_error("zip: cannot write %s: %s", path, strerror(errno));
    return diag_set(d, ST_INTERNAL, "", "the zip cannot be written");
}

static status fail(zip_t *z, const char *what, diag *d)
{
    log_error("zip: %s: %s", what, zip_strerror(z));
    zip_discard(z);
    return diag_set(d, ST_INTERNAL, "", "the zip cannot be written");
}

status doc_zip_write(const char *path, const doc_zip_entry *e, size_t n, diag *d)
{
    if (n == 0) return write_empty(path, d);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) {
        log_error("zip: cannot create %s (libzip error %d)", path, err);
        return diag_set(d, ST_INTERNAL, "", "the zip cannot be written");
    }
    for (size_t i = 0; i < n; i++) {
        zip_source_t *src = zip_source_file(z, e[i].path, 0, -1) /* -1: to its end */;
        if (!src) return fail(z, e[i].path, d);
        zip_int64_t idx = zip_file_add(z, e[i].name, src, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(src);
            return fail(z, e[i].name, d);
        }
        if (zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0) != 0 ||
            zip_file_set_mtime(z, (zip_uint64_t)idx, (time_t)e[i].mtime, 0) != 0)
            return fail(z, e[i].name, d);
    }
    if (zip_close(z) != 0) return fail(z, path, d);
    return ST_OK;
}
