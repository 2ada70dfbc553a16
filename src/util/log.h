/* Logging to stderr, one line per call, safe from any thread. */
#ifndef TICKETD_UTIL_LOG_H
#define TICKETD_UTIL_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
