/* Medias: the files of a video-assistance ticket (snapshots, recordings, uploads). A media is
 * an asset (core/asset.c: the blob, its type, size and thumbnails) attached to a ticket with a
 * source, tags and the user who added it; it is processed before the upload is answered, so
 * its status is completed at once. A ticket's medias can be listed with filters and downloaded
 * as one zip streamed from disk. */
#ifndef TICKETD_CORE_MEDIA_H
#define TICKETD_CORE_MEDIA_H

#include "core/asset.h"

typedef struct {
    asset_file *file; /* processed; NULL answers `file` is required */
    opt_str source;   /* snapshot, recording or upload (default) */
    opt_str tag;      /* tag names, comma-separated */
    opt_str title;    /* default: the file's name */
} media_in;

/* Adds a media to ticket `ticket_id` (media.created on its timeline). */
status media_create(core_ctx *cx, const char *ticket_id, const media_in *in, media_row *out) WUR;

typedef struct {
    opt_int offset, limit; /* as assist_paging: default 0 and 10 */
    opt_int since, until;  /* ms */
    const char *status, *search, *orderby, *order;
    const char *media_type, *tag, *user, *group, *source;
} media_list_in;
/* The ticket's medias, filtered (status defaults to completed), URLs signed. */
status media_list(core_ctx *cx, const char *ticket_id, const media_list_in *in, media_row **rows,
                  size_t *n, int64_t *total) WUR;

/* Every media of the ticket as one zip (an unlinked temp file, stored entries): out->fd and
 * size; out->filename is `filename`.zip (default the ticket id). */
status media_zip(core_ctx *cx, const char *ticket_id, const char *filename, asset_blob *out) WUR;

#endif
