/* PDFs of styled lines with cairo's PDF surface; see doc.h. Owns the page layout: A4, 2 cm
 * margins, DejaVu Sans (fontconfig falls back to any sans face), greedy word wrapping that
 * also breaks a word longer than the line at a character boundary, and page breaks. */
#include "doc/doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/xalloc.h"

#define PAGE_W  595.28 /* A4 in points */
#define PAGE_H  841.89
#define MARGIN  56.7 /* 2 cm */
#define LABEL_W 130.0
#define LEADING 1.35 /* line height / font size */

static const struct {
    double size;
    bool bold;
    double grey;
    double space_before;
} styles[] = {
    [DOC_TITLE] = {18, true, 0, 0},    [DOC_HEADING] = {13, true, 0, 14},
    [DOC_FIELD] = {10, false, 0, 1},   [DOC_TEXT] = {10, false, 0, 3},
    [DOC_NOTE] = {8.5, false, 0.4, 8},
};

typedef struct {
    cairo_t *cr;
    double y;   /* the baseline of the last line drawn */
    char *line; /* the line being filled (as long as the longest input) */
} layout;

static void font(cairo_t *cr, double size, bool bold, double grey)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_set_source_rgb(cr, grey, grey, grey);
}

static double width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Moves to the next line of height h, on a new page when this one is full. */
static void advance(layout *l, double h)
{
    if (l->y + h > PAGE_H - MARGIN) {
        cairo_show_page(l->cr);
        l->y = MARGIN;
    }
    l->y += h;
}

static void emit(layout *l, double x, double h, const char *s)
{
    advance(l, h);
    cairo_move_to(l->cr, x, l->y);
    cairo_show_text(l->cr, s);
}

static size_t utf8_next(const char *s, size_t i)
{
    i++;
    while (((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* Draws one paragraph (no line breaks) wrapped to max_w at x. */
static void paragraph(layout *l, double x, double max_w, double h, const char *s, size_t len)
{
    char *line = l->line;
    size_t n = 0; /* bytes in line */
    size_t i = 0;
    while (i < len) {
        while (i < len && s[i] == ' ')
            i++;
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        if (j == i) break;
        size_t keep = n;
        if (n) line[n++] = ' ';
        memcpy(line + n, s + i, j - i);
        n += j - i;
        line[n] = '\0';
        if (width(l->cr, line) > max_w && keep) { /* the word goes to the next line */
            line[keep] = '\0';
            emit(l, x, h, line);
            memmove(line, s + i, j - i);
            n = j - i;
            line[n] = '\0';
        }
        while (width(l->cr, line) > max_w) { /* a word longer than a line: cut it */
            size_t cut = 0, next;
            for (;; cut = next) {
                next = utf8_next(line, cut);
                if (next >= n) break;
                char c = line[next];
                line[next] = '\0';
                bool fits = width(l->cr, line) <= max_w;
                line[next] = c;
                if (!fits) break;
            }
            if (cut == 0) cut = utf8_next(line, 0);
            char c = line[cut];
            line[cut] = '\0';
            emit(l, x, h, line);
            line[cut] = c;
            memmove(line, line + cut, n - cut + 1);
            n -= cut;
        }
        i = j;
    }
    if (n) emit(l, x, h, line);
}

/* Draws text (line breaks kept, other control characters shown as spaces). */
static void text(layout *l, double x, double max_w, double h, const char *s)
{
    char *t = xstrdup(s);
    for (char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n') *p = ' ';
    double before = l->y;
    for (char *p = t;;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        paragraph(l, x, max_w, h, p, len);
        if (!nl) break;
        p = nl + 1;
    }
    if (l->y == before) advance(l, h); /* an empty text still takes its line */
    free(t);
}

status doc_pdf_write(const char *path, const char *title, const doc_line *lines, size_t n, diag *d)
{
    size_t longest = strlen(title);
    for (size_t i = 0; i < n; i++)
        if (lines[i].text && strlen(lines[i].text) > longest) longest = strlen(lines[i].text);
    cairo_surface_t *sf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(sf);
    layout l = {.cr = cr, .y = MARGIN, .line = xmalloc(longest + 2)};
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "ticketd");
    const double full = PAGE_W - 2 * MARGIN;
    for (size_t i = 0; i < n && cairo_status(cr) == CAIRO_STATUS_SUCCESS; i++) {
        const doc_line *ln = &lines[i];
        double size = styles[ln->style].size, h = size * LEADING;
        l.y += styles[ln->style].space_before;
        if (ln->style == DOC_FIELD) {
            if (l.y + h > PAGE_H - MARGIN) { /* label and value start on the same page */
                cairo_show_page(cr);
                l.y = MARGIN;
            }
            font(cr, size, true, 0.25);
            double label_y = l.y;
            text(&l, MARGIN, LABEL_W - 8, h, ln->label ? ln->label : "");
            double label_end = l.y;
            l.y = label_y;
            font(cr, size, false, 0);
            text(&l, MARGIN + LABEL_W, full - LABEL_W, h, ln->text ? ln->text : "-");
            if (label_end > l.y) l.y = label_end;
        } else {
            font(cr, size, styles[ln->style].bold, styles[ln->style].grey);
            if (ln->text) text(&l, MARGIN, full, h, ln->text);
        }
    }
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    free(l.line);
    if (cs == CAIRO_STATUS_SUCCESS) return ST_OK;
    log_error("pdf: cannot write %s: %s", path, cairo_status_to_string(cs));
    return diag_set(d, ST_INTERNAL, "", "the PDF cannot be written");
}

void doc_release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
