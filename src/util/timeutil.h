/* Time as ticketd keeps it: int64 milliseconds since the Unix epoch, UTC. Dialects render unix
 * seconds or ISO 8601; this module parses and formats both. Pure functions, thread-safe. */
#ifndef TICKETD_UTIL_TIMEUTIL_H
#define TICKETD_UTIL_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define TIME_ISO_LEN 24 /* 2024-01-31T10:00:00.000Z */

int64_t time_now_ms(void);
/* Monotonic microseconds, for request durations. */
int64_t time_mono_us(void);

/* ISO 8601: YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS[.fff…]] followed by Z, ±HH:MM, ±HHMM or nothing
 * (UTC). Rejects out-of-range fields (month 13, Feb 30, hour 24). */
bool time_parse_iso(const char *s, int64_t *ms_out);
/* An optional '-' then 1..12 digits: unix seconds. */
bool time_parse_unix(const char *s, int64_t *ms_out);
/* Either form. */
bool time_parse_any(const char *s, int64_t *ms_out);

void time_format_iso(int64_t ms, char out[TIME_ISO_LEN + 1]);
/* Floor division: unix seconds of a millisecond time, correct before 1970 too. */
int64_t time_unix_s(int64_t ms);

#endif
