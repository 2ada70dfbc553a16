/* A streaming JSON writer for responses. Building a jansson tree for a page of 50 tickets cost
 * 40 % of a list request's CPU (bench/RESULTS.md); writing straight into a capped buffer costs a
 * few percent. jansson still parses every request body. Commas are placed automatically; a
 * write past the cap sets a sticky error that jw_finish reports. Not thread-safe. */
#ifndef TICKETD_UTIL_JSONW_H
#define TICKETD_UTIL_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

typedef struct {
    buf b;
    bool need_comma; /* a value was written at this level */
    status err;
} jw;

void jw_init(jw *w, size_t cap);
void jw_release(jw *w);
void jw_obj(jw *w);                /* { */
void jw_end_obj(jw *w);            /* } */
void jw_arr(jw *w);                /* [ */
void jw_end_arr(jw *w);            /* ] */
void jw_key(jw *w, const char *k); /* k must be a plain key: no escaping is done */
void jw_str(jw *w, const char *s); /* NULL writes null */
void jw_int(jw *w, int64_t v);
void jw_int_or_null(jw *w, int64_t v, int64_t null_value);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
/* A value that is JSON text already (a stored event's data); NULL writes null. */
void jw_raw(jw *w, const char *json);
/* Key-value shorthands. */
void jw_kstr(jw *w, const char *k, const char *s);
void jw_kint(jw *w, const char *k, int64_t v);
void jw_kbool(jw *w, const char *k, bool v);
/* The text (malloc'd, caller frees) and its length; ST_TOO_LARGE if the cap was hit. */
status jw_finish(jw *w, char **out, size_t *len) WUR;

#endif
