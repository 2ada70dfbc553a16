/* A ticket's data in one piece, for Apizee's /events and /export: the ticket, its medias and
 * (optionally) its timeline, and its renderings as CSV and PDF (JSON is the dialect's). */
#ifndef TICKETD_CORE_EXPORT_H
#define TICKETD_CORE_EXPORT_H

#include "core/asset.h"

typedef struct {
    ticket_row ticket;
    media_row *medias;
    size_t n_medias;
    event_row *events; /* NULL unless asked for */
    size_t n_events;
} export_data;

/* Loads the ticket (the access rule of core/assist.h applies), every media, and with
 * `timeline` every event, oldest first. */
status export_load(core_ctx *cx, const char *id, bool timeline, export_data *out) WUR;
/* One page of the ticket's events, oldest first; *t is the ticket. */
status export_events(core_ctx *cx, const char *id, int64_t offset, int64_t limit, ticket_row *t,
                     event_row **rows, size_t *n, int64_t *total) WUR;
/* A header row and the ticket's row; with events, a blank line, their header and one row each.
 * *csv is malloc'd (the caller hands it to the response, which frees it). */
status export_csv(core_ctx *cx, const export_data *x, char **csv, size_t *len) WUR;
/* A readable PDF of the same (a temp file already unlinked: out->fd, out->size). */
status export_pdf(core_ctx *cx, const export_data *x, asset_blob *out) WUR;

#endif
