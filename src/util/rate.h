/* Token buckets for rate limits, in a bounded table. A bucket holds n requests and refills one
 * every period/n: n may arrive at once, then one per period/n. It is kept in the GCRA form, one
 * number per bucket: the time at which it will be full again (`tat`); a bucket at or past that
 * time is full, so it is the same as no bucket and its slot is free. The clock is the caller's
 * (microseconds of a monotonic clock), so the math is tested without sleeping.
 *
 * The table has a fixed number of slots (cap, at most LIMIT_RATE_BUCKETS): keys are identified
 * by a keyed hash (HMAC-SHA256 under a random secret of the table, so nobody can choose keys
 * that land in one place), spread over sets of RATE_WAYS slots. A new key takes the slot of its
 * set that will be full soonest: a full bucket if there is one, else the one that owes least,
 * so a flood of new keys evicts the buckets that carry least, never a heavily used one first.
 * Memory is fixed at creation. Every call is thread-safe (one mutex per set). */
#ifndef TICKETD_UTIL_RATE_H
#define TICKETD_UTIL_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATE_WAYS 8 /* slots per set */

typedef struct rate_table rate_table;

/* n (>= 1) requests per period_us (>= 1), at most cap buckets (rounded up to whole sets). Caller
 * frees with rate_table_free; aborts if out of memory, as the util allocators do. */
rate_table *rate_table_new(int64_t n, int64_t period_us, size_t cap);
void rate_table_free(rate_table *t);

/* Takes one request from key's bucket at now_us. true when it was there; false when the bucket
 * is empty (nothing taken), *retry_us then saying how long until one would be. */
bool rate_take(rate_table *t, const void *key, size_t len, int64_t now_us, int64_t *retry_us);
/* Gives back one request taken from key's bucket (one that turned out not to count). */
void rate_refund(rate_table *t, const void *key, size_t len, int64_t now_us);
/* The number of slots (cap rounded up), and how many hold a bucket that is not full at now_us. */
size_t rate_table_slots(const rate_table *t);
size_t rate_table_busy(rate_table *t, int64_t now_us);

#endif
