/* The outbox worker: ONE background thread of `serve` that delivers every kind of queued
 * message (invitations and reminders: core/notify.c; webhook deliveries: core/webhook.c). Each
 * kind keeps its rows in its own table, claimed with a lease in a write transaction (so two
 * nodes on one PostgreSQL database never take the same row: FOR UPDATE SKIP LOCKED), and says
 * when its next row is due; the worker runs every kind's due rows, then sleeps until the
 * earliest of them, a wake-up after a COMMIT that queued something, or an hour.
 *
 * Also here: the retry schedule both kinds share (exponential backoff with jitter, capped) and
 * the counters a metrics endpoint reads (outbox_stats).
 *
 * Thread safety: outbox_register before outbox_start (main thread); outbox_wake from any
 * thread; outbox_stop from the main thread; outbox_count and outbox_stats from any thread. */
#ifndef TICKETD_CORE_OUTBOX_H
#define TICKETD_CORE_OUTBOX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef enum { OUTBOX_INVITATION = 0, OUTBOX_WEBHOOK, OUTBOX_KINDS } outbox_kind_id;

typedef struct {
    outbox_kind_id id;
    const char *name; /* "invitation", "webhook": logs and metrics */
    /* Claims and delivers what is due now (a batch), recording each outcome; *handled counts
     * the rows attempted. Must return soon after *stop becomes true (transfers in progress are
     * abandoned and their rows left to be sent after the next start). */
    status (*run_due)(store *st, atomic_bool *stop, size_t *handled);
    /* When its earliest queued row is due (ms); NULL_INT when none is. */
    status (*next_due)(store *st, int64_t *at);
} outbox_kind;

/* Adds a kind (k borrowed for the life of the process); at most OUTBOX_KINDS, each once. */
void outbox_register(const outbox_kind *k);
/* Starts the worker thread on st (serve). */
status outbox_start(store *st) WUR;
/* Wakes the worker to look for due rows (after a commit that queued some). */
void outbox_wake(void);
/* Stops the worker (transfers in progress abandoned, rows kept) and joins it; before
 * store_close. Registered kinds are forgotten. */
void outbox_stop(void);

/* The wait before the next attempt after `attempts` failed ones: base_ms * 2^(attempts-1),
 * at most cap_ms, then with jitter: a random point of its upper half ([d/2, d]), so
 * endpoints that failed together do not retry together. rnd: any 64 random bits (0: no
 * jitter, the whole d). */
int64_t outbox_backoff(int64_t base_ms, int64_t attempts, int64_t cap_ms, uint64_t rnd);

/* Plain counters per kind, since the process started (what /metrics shows). */
typedef struct {
    uint64_t attempts;  /* transfers tried */
    uint64_t delivered; /* accepted by the far end */
    uint64_t failures;  /* attempts that failed (retried or not) */
    uint64_t gave_up;   /* rows that ended failed */
} outbox_counts;
/* Counts one outcome of kind: ok, or a failure (gave_up: no retry follows). */
void outbox_count(outbox_kind_id kind, bool ok, bool gave_up);
/* A copy of kind's counters. */
outbox_counts outbox_stats(outbox_kind_id kind);
/* The rows of kind waiting in its queue (depth: queued, due or not), read from the store on
 * this thread's connection. */
status outbox_depth(store *st, outbox_kind_id kind, int64_t *out) WUR;

#endif
