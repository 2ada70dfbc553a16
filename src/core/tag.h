/* Ticketing teams and tags. A team is removed softly: it leaves lists and lookups but stays
 * named on the tickets it had. A tag is attached to tickets (tag.added / tag.removed events);
 * deleting it detaches it everywhere. */
#ifndef TICKETD_CORE_TAG_H
#define TICKETD_CORE_TAG_H

#include "core/core.h"

typedef struct {
    opt_str name, description, picture;
} team_in;

status team_create(core_ctx *cx, const team_in *in, team_row *out) WUR;
status team_update(core_ctx *cx, const char *id, const team_in *in, team_row *out) WUR;
status team_get(core_ctx *cx, const char *id, team_row *out) WUR;
status team_remove(core_ctx *cx, const char *id) WUR;
status team_list(core_ctx *cx, const list_in *in, team_row **rows, size_t *n) WUR;

typedef struct {
    opt_str name, description, color;
} tag_in;

status tag_create(core_ctx *cx, const tag_in *in, tag_row *out) WUR;
status tag_update(core_ctx *cx, const char *id, const tag_in *in, tag_row *out) WUR;
status tag_get(core_ctx *cx, const char *id, tag_row *out) WUR;
status tag_delete(core_ctx *cx, const char *id) WUR;
status tag_list(core_ctx *cx, const list_in *in, tag_row **rows, size_t *n) WUR;

/* Attaches tag `tag_id` (an input field: unknown -> REASON_BODY_REF) to ticket `ticket_id`;
 * attaching it again answers the existing link. */
status ticket_tag_add(core_ctx *cx, const char *ticket_id, const char *tag_id,
                      ticket_tag_row *out) WUR;
/* Both ids from the path; ST_NOT_FOUND when the tag is not on the ticket. */
status ticket_tag_remove(core_ctx *cx, const char *ticket_id, const char *tag_id) WUR;

#endif
