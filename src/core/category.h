/* Ticket categories: title, language, automated reply, auto-assigned teammate, the billing
 * plans allowed to use them (none = all), and subcategories. Deleting hides a category; its
 * tickets keep showing its title. */
#ifndef TICKETD_CORE_CATEGORY_H
#define TICKETD_CORE_CATEGORY_H

#include "core/core.h"

typedef struct {
    opt_str title, language, auto_reply, teammate_id;
    opt_strs plans, subcategories;
} category_in;

/* title and language are required by both. Update: other fields left out keep their value;
 * null or [] clears them. */
status category_create(core_ctx *cx, const category_in *in, category_row *out) WUR;
status category_update(core_ctx *cx, const char *id, const category_in *in, category_row *out) WUR;
status category_get(core_ctx *cx, const char *id, category_row *out) WUR;
status category_delete(core_ctx *cx, const char *id) WUR;
status category_list(core_ctx *cx, const list_in *in, category_row **rows, size_t *n,
                     int64_t *total) WUR;
/* Whether a client on plan_id (NULL_INT: no plan) may open tickets in the category. */
bool category_allows_plan(const category_row *c, int64_t plan_id);

#endif
