/* The live stream (docs/NATIVE.md "Live stream"): every committed event of a workspace, and
 * ephemeral presence notices, fanned out to subscribed clients as Server-Sent Events text.
 *
 * One broadcaster thread per process owns the fan-out. It reads new events from the events
 * table once per group of subscribers that have seen the same last event, renders each event
 * once, and appends it to the queue of every subscriber allowed to see it (the access policy:
 * an agent sees only events of tickets assigned to it or to nobody, checked against the
 * ticket's assignee when the event is delivered). It is woken by stream_poke after a commit
 * that wrote events (the writer thread: no polling delay on one node) and, on PostgreSQL, by a
 * NOTIFY from any node (a LISTEN connection of its own), so an event made on another node
 * reaches this node's clients too. Heartbeats (`: ping`) go to subscribers idle for the
 * configured interval.
 *
 * A subscriber's queue is capped (LIMIT_STREAM_QUEUE): a client that does not read is ended,
 * and its reconnect resumes from its Last-Event-ID. The number of subscribers is capped too
 * (LIMIT_STREAM_CLIENTS).
 *
 * The server side reads a subscriber's queue with stream_read; when it is empty the caller's
 * suspend(ctx) is called under the subscriber's lock, and the subscriber's wake(ctx) is called
 * (from the broadcaster, or stream_close_all) once there is something to read, so an idle
 * client holds no thread. Thread-safe. */
#ifndef TICKETD_CORE_STREAM_H
#define TICKETD_CORE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/core.h"

/* How long a presence notice holds (its expires_at); a client repeats it to stay present. */
#define STREAM_PRESENCE_TTL_MS 10000
/* The heartbeat interval unless serve says otherwise, and the `retry:` hint sent first. */
#define STREAM_HEARTBEAT_MS 15000
#define STREAM_RETRY_MS     2000

typedef struct stream_sub stream_sub;

/* Starts the broadcaster for store st (serve only); heartbeat_ms: 0 for the default. */
/* An event as the stream's `data:` line shows it (docs/NATIVE.md "Live stream"): {id, type,
 * ticket_id, actor, data, created_at}; *out is the caller's to free. Webhook deliveries carry
 * the same object. */
status stream_event_json(const stream_event_row *e, char **out, size_t *len) WUR;
status stream_start(store *st, int heartbeat_ms) WUR;
/* Ends every subscriber's stream (their readers see the end and wake) and refuses new ones:
 * the server calls it on SIGTERM, before it waits for its connections to finish. */
void stream_close_all(void);
/* Stops the broadcaster thread (after the server has stopped). */
void stream_stop(void);

/* Subscribes the caller of cx (its workspace, and its role for the read rule) from the event
 * after `after` (-1: from the next event committed), only ticket ticket_id's events when it is
 * not NULL_INT. wake(ctx) is called when a suspended reader has something to read; it must not
 * call back in here. ST_UNAVAILABLE when the stream is not running or full. *out is the
 * caller's, ended by stream_unsubscribe. */
status stream_subscribe(core_ctx *cx, int64_t after, int64_t ticket_id, void (*wake)(void *ctx),
                        void *ctx, stream_sub **out) WUR;
/* Copies up to max queued bytes into dst: their count; 0 when nothing is queued (suspend(ctx)
 * has then been called, under the subscriber's lock, and wake(ctx) follows when there is
 * something); -1 when the stream has ended (closed, or the client fell too far behind). */
ssize_t stream_read(stream_sub *s, char *dst, size_t max, void (*suspend)(void *ctx), void *ctx);
/* Forgets s (the connection is gone); s is freed once the broadcaster lets go of it. */
void stream_unsubscribe(stream_sub *s);

/* Wakes the broadcaster: events were committed (called after COMMIT; cheap, never blocks). */
void stream_poke(void);

/* Announces that the caller (teammate `name`, NULL for a workspace key) is viewing or typing
 * on a ticket (its row id, uuid and assignee; state already checked): goes out at COMMIT to
 * the other subscribers allowed to see that ticket, on every node; never stored. */
status stream_presence(core_ctx *cx, int64_t ticket_id, const char *ticket_uuid,
                       int64_t assignee_id, const char *state, const char *name) WUR;

#endif
