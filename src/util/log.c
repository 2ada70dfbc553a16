/* stderr logger with a UTC timestamp; a single fprintf per line keeps lines whole across
 * threads (stdio locks the stream). */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/timeutil.h"

static void vlog(const char *level, const char *fmt, va_list ap)
{
    char ts[TIME_ISO_LEN + 1], line[2048];
    time_format_iso(time_now_ms(), ts);
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "%s %s %s\n", ts, level, line);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}
