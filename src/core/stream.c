/* The live stream's broadcaster and subscribers (core/stream.h). Owns the subscriber list, the
 * broadcaster thread, its wake-up pipe and, on PostgreSQL, its LISTEN connection. Called by
 * api/native_stream.c (subscribe, presence), by the server through api/ (read, unsubscribe,
 * close), by ev_commit (the wake-ups) and by main (start, stop). */
#include "core/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/outbox.h"
#include "core/policy.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct stream_sub {
    /* Set at subscribe, then read-only (cursor: the broadcaster's alone). */
    int64_t ws, ticket_id;
    int64_t cursor; /* the last event id queued (or skipped) for this client */
    core_ctx pol;   /* the caller's role, for policy_ticket */
    diag pol_d;
    char actor_id[UUID_STR_LEN + 1];
    void (*wake)(void *ctx);
    void *ctx;
    atomic_int refs; /* the list's (until unsubscribed) and a broadcaster round's */
    struct stream_sub *next;
    /* Guarded by lock. */
    pthread_mutex_t lock;
    buf q;      /* SSE text not yet read */
    size_t off; /* bytes of q already read */
    bool suspended, ended, gone;
    int64_t last_write_ms; /* monotonic: when something was last queued (heartbeats) */
};

static struct {
    store *st;
    int heartbeat_ms;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock; /* guards subs, n_subs, closing */
    stream_sub *subs;
    size_t n_subs;
    bool closing;
    atomic_bool stop;
    int pipe[2]; /* a byte written to pipe[1] wakes the broadcaster */
} hub = {.lock = PTHREAD_MUTEX_INITIALIZER, .pipe = {-1, -1}};

static void sub_release(stream_sub *s)
{
    if (atomic_fetch_sub(&s->refs, 1) != 1) return;
    buf_release(&s->q);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void stream_poke(void)
{
    if (hub.pipe[1] < 0) return;
    /* A full pipe already holds a wake-up: nothing is lost. */
    ssize_t w = write(hub.pipe[1], "", 1);
    (void)w;
}

/* ---- subscribers ---- */

status stream_subscribe(core_ctx *cx, int64_t after, int64_t ticket_id, void (*wake)(void *ctx),
                        void *ctx, stream_sub **out)
{
    if (after < 0) {
        status st = store_event_last(cx->db, cx->ws, &after);
        if (st) return diag_set(cx->d, st, "", "the store is unavailable");
    }
    stream_sub *s = xcalloc(1, sizeof *s);
    s->ws = cx->ws;
    s->ticket_id = ticket_id;
    s->cursor = after;
    s->pol = (core_ctx){.user_id = cx->user_id, .admin = cx->admin, .d = &s->pol_d};
    memcpy(s->actor_id, cx->actor_id, sizeof s->actor_id);
    s->wake = wake;
    s->ctx = ctx;
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->lock, NULL);
    buf_init(&s->q, LIMIT_RESPONSE); /* push() keeps it to LIMIT_STREAM_QUEUE */
    s->last_write_ms = time_mono_us() / 1000;
    char retry[32];
    snprintf(retry, sizeof retry, "retry: %d\n\n", STREAM_RETRY_MS);
    if (buf_puts(&s->q, retry)) bug_at(__FILE__, __LINE__, "the queue holds a retry line");

    status st = ST_OK;
    pthread_mutex_lock(&hub.lock);
    if (!hub.running || hub.closing)
        st = diag_set(cx->d, ST_UNAVAILABLE, "", "the server is stopping; reconnect");
    else if (hub.n_subs >= LIMIT_STREAM_CLIENTS)
        st = diag_set(cx->d, ST_UNAVAILABLE, "", "more than %d stream clients; retry later",
                      LIMIT_STREAM_CLIENTS);
    if (!st) {
        s->next = hub.subs;
        hub.subs = s;
        hub.n_subs++;
    }
    pthread_mutex_unlock(&hub.lock);
    if (st) {
        sub_release(s);
        return st;
    }
    /* A resume may have events to catch up on at once, and an event committed since `after`
     * was read may have woken a round that did not know this subscriber yet. */
    stream_poke();
    *out = s;
    return ST_OK;
}

ssize_t stream_read(stream_sub *s, char *dst, size_t max, void (*suspend)(void *ctx), void *ctx)
{
    ssize_t n;
    pthread_mutex_lock(&s->lock);
    size_t have = s->q.len - s->off;
    if (have) {
        n = (ssize_t)(have < max ? have : max);
        memcpy(dst, s->q.data + s->off, (size_t)n);
        s->off += (size_t)n;
        if (s->off == s->q.len) {
            /* Emptied: memory a large event grew it to goes back. */
            if (s->q.cap_alloc > 64 * 1024) {
                buf_release(&s->q);
                buf_init(&s->q, LIMIT_RESPONSE);
            }
            buf_reset(&s->q);
            s->off = 0;
        }
    } else if (s->ended) {
        n = -1;
    } else {
        /* Suspended under the lock, so a wake-up cannot come before the suspension. */
        s->suspended = true;
        suspend(ctx);
        n = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

void stream_unsubscribe(stream_sub *s)
{
    pthread_mutex_lock(&hub.lock);
    for (stream_sub **p = &hub.subs; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            hub.n_subs--;
            break;
        }
    pthread_mutex_unlock(&hub.lock);
    pthread_mutex_lock(&s->lock);
    s->gone = true; /* its connection (and ctx) are going: never wake it again */
    pthread_mutex_unlock(&s->lock);
    sub_release(s);
}

/* Wakes a suspended reader; s->lock held. */
static void wake_locked(stream_sub *s)
{
    if (s->suspended && !s->gone) {
        s->suspended = false;
        s->wake(s->ctx);
    }
}

/* Queues text for s; a client too far behind (more than LIMIT_STREAM_QUEUE unread) is ended
 * instead, and resumes on reconnect. An empty queue takes any one frame, so a reconnecting
 * client always gets at least its next event, however large. */
static void push(stream_sub *s, const char *text, size_t len, int64_t now_ms)
{
    pthread_mutex_lock(&s->lock);
    if (!s->ended && !s->gone) {
        if (s->off) {
            memmove(s->q.data, s->q.data + s->off, s->q.len - s->off);
            s->q.len -= s->off;
            s->q.data[s->q.len] = '\0';
            s->off = 0;
        }
        if ((s->q.len && s->q.len + len > LIMIT_STREAM_QUEUE) || buf_append(&s->q, text, len))
            s->ended = true;
        s->last_write_ms = now_ms;
        wake_locked(s);
    }
    pthread_mutex_unlock(&s->lock);
}

void stream_close_all(void)
{
    pthread_mutex_lock(&hub.lock);
    hub.closing = true;
    for (stream_sub *s = hub.subs; s; s = s->next) {
        pthread_mutex_lock(&s->lock);
        s->ended = true;
        wake_locked(s);
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&hub.lock);
}

/* May subscriber s see an event or notice of a ticket (assignee_id) or of none (NULL_INT)? */
static bool allowed(stream_sub *s, int64_t ticket_id, int64_t assignee_id)
{
    if (s->ticket_id != NULL_INT && s->ticket_id != ticket_id) return false;
    if (core_is_admin(&s->pol)) return true;
    return ticket_id != NULL_INT && policy_ticket(&s->pol, assignee_id) == ST_OK;
}

/* Could subscriber s read the ticket before this ticket.assigned took it away (it was s's or
 * nobody's)? An agent is told that a ticket left it (its inbox drops the row), though it may no
 * longer read the ticket. The data is ours: {"assignee_id":{"before":<uuid or null>,…}}. */
static bool lost_it(const stream_sub *s, const stream_event_row *e)
{
    if (!e->data || !e->type || strcmp(e->type, "ticket.assigned") != 0 || !s->actor_id[0])
        return false;
    if (s->ticket_id != NULL_INT && s->ticket_id != e->ticket_id) return false;
    char mine[64 + UUID_STR_LEN];
    snprintf(mine, sizeof mine, "\"assignee_id\":{\"before\":\"%s\"", s->actor_id);
    return strstr(e->data, mine) || strstr(e->data, "\"assignee_id\":{\"before\":null");
}

/* ---- events: text/event-stream frames ---- */

static const char *actor_kind(const char *stored)
{
    if (!stored) return "system";
    if (strcmp(stored, "user") == 0) return "teammate";
    if (strcmp(stored, "contact") == 0) return "client";
    return stored; /* key, system */
}

status stream_event_json(const stream_event_row *e, char **out, size_t *len)
{
    jw w;
    jw_init(&w, LIMIT_RESPONSE);
    jw_obj(&w);
    jw_kint(&w, "id", e->id);
    jw_kstr(&w, "type", e->type);
    jw_kstr(&w, "ticket_id", e->ticket_uuid);
    jw_key(&w, "actor");
    jw_obj(&w);
    jw_kstr(&w, "type", actor_kind(e->actor_type));
    jw_kstr(&w, "id", e->actor_id);
    jw_kstr(&w, "name", e->actor_name);
    jw_end_obj(&w);
    jw_key(&w, "data");
    jw_raw(&w, e->data && *e->data ? e->data : "{}");
    char iso[TIME_ISO_LEN + 1];
    time_format_iso(e->created_at, iso);
    jw_kstr(&w, "created_at", iso);
    jw_end_obj(&w);
    return jw_finish(&w, out, len);
}

/* `id:`, `event:` and one `data:` line of JSON (jw escapes every newline). */
static status render_event(const stream_event_row *e, char **out, size_t *len)
{
    char *json;
    size_t jlen;
    status st = stream_event_json(e, &json, &jlen);
    if (st) return st;
    /* One data line: a raw line break in valid JSON can only be whitespace between tokens
     * (strings escape theirs), so a stored event written with any can still be sent. */
    for (char *p = json; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    buf b;
    buf_init(&b, LIMIT_RESPONSE);
    st = buf_printf(&b, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id, e->type, json);
    free(json);
    if (st) {
        buf_release(&b);
        return st;
    }
    *len = b.len;
    *out = buf_steal(&b);
    return ST_OK;
}

static int by_group(const void *pa, const void *pb)
{
    const stream_sub *a = *(stream_sub *const *)pa, *b = *(stream_sub *const *)pb;
    if (a->ws != b->ws) return a->ws < b->ws ? -1 : 1;
    if (a->cursor != b->cursor) return a->cursor < b->cursor ? -1 : 1;
    return 0;
}

/* One pass: every group of subscribers that share a workspace and a last event reads what
 * follows once, and each event is rendered once for the group. 1 when a group read a full
 * batch (there may be more: run again at once), -1 when a read failed (that group keeps its
 * place: try again a little later), else 0. */
static int round_events(db *c, int64_t now_ms)
{
    pthread_mutex_lock(&hub.lock);
    size_t n = hub.n_subs, k = 0;
    stream_sub **all = n ? xmalloc(n * sizeof *all) : NULL;
    for (stream_sub *s = hub.subs; s && k < n; s = s->next) {
        atomic_fetch_add(&s->refs, 1);
        all[k++] = s;
    }
    pthread_mutex_unlock(&hub.lock);
    if (!k) return 0;
    qsort(all, k, sizeof *all, by_group);
    int more = 0;
    for (size_t i = 0, j; i < k; i = j) {
        for (j = i + 1; j < k && by_group(&all[i], &all[j]) == 0; j++) {
        }
        arena *a = arena_new(LIMIT_ARENA_BLOCK);
        stream_event_row *ev;
        size_t m;
        status st = store_stream_events(c, all[i]->ws, all[i]->cursor, NULL_INT, LIMIT_STREAM_BATCH,
                                        a, &ev, &m);
        if (st) {
            log_error("stream: cannot read events: %s", status_name(st));
            more = -1;
            m = 0;
        }
        for (size_t e = 0; e < m; e++) {
            char *frame = NULL;
            size_t len = 0;
            for (size_t x = i; x < j; x++) {
                stream_sub *s = all[x];
                if (!allowed(s, ev[e].ticket_id, ev[e].assignee_id) && !lost_it(s, &ev[e]))
                    continue;
                if (!frame && render_event(&ev[e], &frame, &len)) {
                    log_error("stream: event %lld is too large to send", (long long)ev[e].id);
                    break;
                }
                push(s, frame, len, now_ms);
            }
            free(frame);
        }
        if (m) {
            for (size_t x = i; x < j; x++)
                all[x]->cursor = ev[m - 1].id;
        }
        if (m == LIMIT_STREAM_BATCH && more == 0) more = 1;
        arena_free(a);
    }
    for (size_t i = 0; i < k; i++)
        sub_release(all[i]);
    free(all);
    return more;
}

/* Heartbeats to subscribers with nothing queued for an interval. */
static void round_heartbeats(int64_t now_ms)
{
    static const char ping[] = ": ping\n\n";
    pthread_mutex_lock(&hub.lock);
    for (stream_sub *s = hub.subs; s; s = s->next) {
        pthread_mutex_lock(&s->lock);
        bool due = now_ms - s->last_write_ms >= hub.heartbeat_ms;
        pthread_mutex_unlock(&s->lock);
        if (due) push(s, ping, sizeof ping - 1, now_ms);
    }
    pthread_mutex_unlock(&hub.lock);
}

/* ---- presence ---- */

/* A presence notice to the subscribers of ws allowed to see the ticket, but its sender's. */
static void deliver_presence(int64_t ws, int64_t ticket_id, int64_t assignee_id,
                             const char *actor_id, const char *data)
{
    buf b;
    buf_init(&b, LIMIT_STREAM_QUEUE);
    if (buf_printf(&b, "event: presence\ndata: %s\n\n", data)) {
        buf_release(&b);
        return;
    }
    int64_t now_ms = time_mono_us() / 1000;
    pthread_mutex_lock(&hub.lock);
    for (stream_sub *s = hub.subs; s; s = s->next)
        if (s->ws == ws && strcmp(s->actor_id, actor_id) != 0 && allowed(s, ticket_id, assignee_id))
            push(s, b.data, b.len, now_ms);
    pthread_mutex_unlock(&hub.lock);
    buf_release(&b);
}

/* What travels (NOTIFY payload, or the after-commit hook's argument):
 * "p <ws> <ticket id> <assignee id or -1> <actor uuid> <data JSON>". */
static void presence_payload(const char *p)
{
    long long ws, ticket, assignee;
    char actor[UUID_STR_LEN + 1];
    int used = 0;
    if (sscanf(p, "p %lld %lld %lld %36s %n", &ws, &ticket, &assignee, actor, &used) != 4 || !used)
        return;
    deliver_presence(ws, ticket, assignee < 0 ? NULL_INT : assignee, actor, p + used);
}

static void presence_after(db *c, void *arg)
{
    (void)c;
    presence_payload(arg);
}

status stream_presence(core_ctx *cx, int64_t ticket_id, const char *ticket_uuid,
                       int64_t assignee_id, const char *state, const char *name)
{
    status st;
    jw w;
    jw_init(&w, 4096);
    jw_obj(&w);
    jw_kstr(&w, "ticket_id", ticket_uuid);
    jw_key(&w, "teammate");
    if (cx->actor == ACTOR_USER) {
        jw_obj(&w);
        jw_kstr(&w, "id", cx->actor_id);
        jw_kstr(&w, "name", name);
        jw_end_obj(&w);
    } else {
        jw_null(&w);
    }
    jw_kstr(&w, "state", state);
    char iso[TIME_ISO_LEN + 1];
    time_format_iso(cx->now + STREAM_PRESENCE_TTL_MS, iso);
    jw_kstr(&w, "expires_at", iso);
    jw_end_obj(&w);
    char *json;
    size_t len;
    if ((st = jw_finish(&w, &json, &len)))
        return diag_set(cx->d, st, "", "the presence notice is too large");
    char *payload =
        arena_printf(cx->a, "p %lld %lld %lld %s %s", (long long)cx->ws, (long long)ticket_id,
                     (long long)(assignee_id == NULL_INT ? -1 : assignee_id), cx->actor_id, json);
    free(json);
    /* Across nodes the NOTIFY carries it to every broadcaster, this one's included; alone, the
     * writer hands it over after the COMMIT. */
    if (store_notifies(cx->db)) return store_notify(cx->db, payload);
    core_after_commit(cx, presence_after, payload);
    return ST_OK;
}

/* ---- the broadcaster ---- */

static void on_notice(void *arg, const char *payload)
{
    bool *events = arg;
    if (payload[0] == 'p') {
        presence_payload(payload);
    } else {
        *events = true;
        /* Events committed (on any node) may have queued webhook deliveries: the outbox
         * worker looks now rather than at its next poll (one read when nothing is due). */
        outbox_wake();
    }
}

static void *broadcaster(void *arg)
{
    (void)arg;
    db *c = NULL, *listener = NULL;
    int tick = hub.heartbeat_ms < 1000 ? hub.heartbeat_ms : 1000;
    bool events = true; /* read the events table now */
    bool retry = false; /* something failed: read again after a tick, not at once */
    while (!atomic_load(&hub.stop)) {
        if (!c) c = store_conn(hub.st);
        if (c && store_notifies(c) && !listener) {
            if (store_listen(hub.st, &listener))
                listener = NULL, retry = true;
            else
                events = true; /* what committed while no one listened is read now */
        }
        if (!events) {
            struct pollfd fds[2] = {
                {.fd = hub.pipe[0], .events = POLLIN},
                {.fd = listener ? store_listen_fd(listener) : -1, .events = POLLIN}};
            int r = poll(fds, 2, tick);
            if (r < 0 && errno != EINTR) log_error("stream: poll: %s", strerror(errno));
            if (r > 0 && (fds[0].revents & POLLIN)) {
                char drain[256];
                while (read(hub.pipe[0], drain, sizeof drain) > 0) {
                }
                events = true;
            }
            if (listener && r > 0 && fds[1].revents) {
                if (store_listen_drain(listener, on_notice, &events)) {
                    log_error("stream: the LISTEN connection broke; listening again");
                    store_listen_close(listener);
                    listener = NULL;
                }
            }
            if (retry) events = true, retry = false;
        }
        if (atomic_load(&hub.stop)) break;
        int64_t now_ms = time_mono_us() / 1000;
        if (events) {
            int r = c ? round_events(c, now_ms) : -1;
            events = r > 0;
            retry = retry || r < 0;
        }
        round_heartbeats(now_ms);
    }
    store_listen_close(listener);
    return NULL;
}

status stream_start(store *st, int heartbeat_ms)
{
    core_on_events(stream_poke);
    hub.st = st;
    hub.heartbeat_ms = heartbeat_ms > 0 ? heartbeat_ms : STREAM_HEARTBEAT_MS;
    atomic_store(&hub.stop, false);
    hub.closing = false;
    if (hub.pipe[0] < 0) { /* kept from a start before (stream_stop leaves it open) */
        if (pipe(hub.pipe) != 0) return ST_INTERNAL;
        for (int i = 0; i < 2; i++)
            fcntl(hub.pipe[i], F_SETFL, fcntl(hub.pipe[i], F_GETFL) | O_NONBLOCK);
    }
    char drain[256];
    while (read(hub.pipe[0], drain, sizeof drain) > 0) {
    }
    pthread_mutex_lock(&hub.lock);
    hub.running = true;
    pthread_mutex_unlock(&hub.lock);
    if (pthread_create(&hub.thread, NULL, broadcaster, NULL) != 0) {
        hub.running = false;
        return ST_INTERNAL;
    }
    return ST_OK;
}

void stream_stop(void)
{
    if (!hub.running) return;
    stream_close_all();
    atomic_store(&hub.stop, true);
    stream_poke();
    pthread_join(hub.thread, NULL);
    pthread_mutex_lock(&hub.lock);
    hub.running = false;
    pthread_mutex_unlock(&hub.lock);
    /* The pipe stays open: the writer thread may still poke until the store closes. */
}
