/* Documents made from a ticket's data: a zip of files already on disk (libzip, entries stored,
 * not compressed: the files are mostly images and videos) and a PDF of styled lines (cairo).
 * Both write to a path the caller chose and never hold a whole input file in memory.
 * Thread-safe: nothing is shared between calls. */
#ifndef TICKETD_DOC_DOC_H
#define TICKETD_DOC_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct {
    const char *name; /* the entry's name in the zip (UTF-8, no directories) */
    const char *path; /* the file whose bytes it holds */
    int64_t mtime;    /* seconds since the epoch */
} doc_zip_entry;

/* Writes a zip of the n entries to path (replacing it); an empty zip when n is 0. The files
 * are read one after the other while the archive is written. */
status doc_zip_write(const char *path, const doc_zip_entry *e, size_t n, diag *d) WUR;

typedef enum {
    DOC_TITLE,   /* the document's title, large */
    DOC_HEADING, /* a section */
    DOC_FIELD,   /* label: text */
    DOC_TEXT,    /* a paragraph (line breaks kept) */
    DOC_NOTE,    /* a small grey line, e.g. a reply's author and date */
} doc_style;

typedef struct {
    doc_style style;
    const char *label; /* DOC_FIELD only */
    const char *text;  /* UTF-8; NULL prints as "-" for a field, nothing otherwise */
} doc_line;

/* Writes an A4 PDF of the lines to path (replacing it), wrapping long text and breaking pages;
 * `title` is also the document's metadata title. */
status doc_pdf_write(const char *path, const char *title, const doc_line *lines, size_t n,
                     diag *d) WUR;

/* Releases the font caches cairo and fontconfig keep for the life of the process (they are
 * not leaks, but a leak checker cannot tell): call once at exit, after the last PDF. */
void doc_release(void);

#endif
