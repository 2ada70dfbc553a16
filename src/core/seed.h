/* Bulk loading for the benchmarks (`ticketd seed`): a workspace filled with teammates, clients,
 * categories, tags and tickets that look like real ones -- each ticket with its chat, its
 * client's first message and reply, a tag and its ticket.created event in the one event
 * vocabulary -- written in large transactions, far faster than the API could. */
#ifndef TICKETD_CORE_SEED_H
#define TICKETD_CORE_SEED_H

#include "core/core.h"

typedef struct {
    int64_t tickets, teammates, clients; /* teammates and clients >= 1 */
    int64_t per_txn;                     /* tickets per transaction */
} seed_in;

/* Seeds cx's workspace (cx->ws). Tickets are spread one second apart up to cx->now; states
 * cycle through new, open, inprogress, open and closed; every ticket carries one of 20 tags and
 * a message holding a word shared by 1 in 1000 tickets ("kiwi" + 3 digits) for the search
 * benchmark. Each batch of per_txn tickets is one transaction: a failure keeps the batches
 * before it. */
status core_seed(core_ctx *cx, const seed_in *in) WUR;

#endif
