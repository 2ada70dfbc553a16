/* The one error vocabulary of ticketd: every fallible function returns a status and, where the
 * caller needs to know why, fills a diag (the field at fault and a human message). Dialects map
 * a status (and a diag reason) to their documented error bodies at the edge (src/api/). */
#ifndef TICKETD_UTIL_STATUS_H
#define TICKETD_UTIL_STATUS_H

#include <stdarg.h>
#include <stdint.h>

#define WUR __attribute__((warn_unused_result))

typedef enum {
    ST_OK = 0,
    ST_INVALID,             /* bad input: the diag names the field */
    ST_NOT_FOUND,           /* a well-formed id that does not exist in this workspace */
    ST_CONFLICT,            /* unique key taken, or the object is still referenced */
    ST_FORBIDDEN,           /* authenticated, but not allowed */
    ST_UNAUTHORIZED,        /* missing, unknown or revoked credentials */
    ST_TOO_LARGE,           /* body over the configured limit */
    ST_INTERNAL,            /* a bug or an I/O failure; logged */
    ST_UNAVAILABLE,         /* the database cannot be reached now; the next request may succeed */
    ST_RATE_LIMITED,        /* over a rate limit; the diag says when to retry (retry_after_s) */
    ST_PRECONDITION_FAILED, /* a conditional write (If-Match) on an object that has changed */
} status;

/* Why a request failed, beyond the status, where a dialect documents a distinct code. */
typedef enum {
    REASON_NONE = 0,
    REASON_PLAN_UNKNOWN,     /* a billing plan id that does not exist */
    REASON_PLAN_NOT_ALLOWED, /* the client's plan may not open tickets in that category */
    REASON_BODY_REF,         /* an id given in the request body names nothing */
    REASON_IDEM_KEY_REUSED,  /* ST_CONFLICT: an Idempotency-Key sent with another request */
} diag_reason;

typedef struct {
    char field[64];
    char msg[256];
    diag_reason reason;
    int64_t retry_after_s; /* ST_RATE_LIMITED: seconds until a retry can succeed */
} diag;

/* Fills d (may be NULL) and returns st, so errors read `return diag_set(d, ST_INVALID, ...)`. */
status diag_set(diag *d, status st, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
status diag_setv(diag *d, status st, const char *field, const char *fmt, va_list ap);

const char *status_name(status st);

/* A broken invariant is a bug, never bad input: abort with file:line. */
#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond) bug_at(__FILE__, __LINE__, #cond);                                               \
    } while (0)
_Noreturn void bug_at(const char *file, int line, const char *what);

#endif
