/* Status names, the diag filler, and the abort path for broken invariants. */
#include "util/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

status diag_setv(diag *d, status st, const char *field, const char *fmt, va_list ap)
{
    if (!d) return st;
    snprintf(d->field, sizeof d->field, "%s", field ? field : "");
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    return st;
}

status diag_set(diag *d, status st, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_setv(d, st, field, fmt, ap);
    va_end(ap);
    return st;
}

const char *status_name(status st)
{
    switch (st) {
    case ST_OK:
        return "ok";
    case ST_INVALID:
        return "invalid";
    case ST_NOT_FOUND:
        return "not_found";
    case ST_CONFLICT:
        return "conflict";
    case ST_FORBIDDEN:
        return "forbidden";
    case ST_UNAUTHORIZED:
        return "unauthorized";
    case ST_TOO_LARGE:
        return "too_large";
    case ST_INTERNAL:
        return "internal";
    case ST_UNAVAILABLE:
        return "unavailable";
    case ST_RATE_LIMITED:
        return "rate_limited";
    case ST_PRECONDITION_FAILED:
        return "precondition_failed";
    }
    return "unknown";
}

_Noreturn void bug_at(const char *file, int line, const char *what)
{
    fprintf(stderr, "ticketd: BUG at %s:%d: %s\n", file, line, what);
    abort();
}
