/* The store's vocabulary without its functions: the row structs, list pages, filters and
 * constants that core/ takes and returns, and so api/ sees through core/'s headers. The
 * functions that fill them are in store/store.h, which only store/, core/'s .c files and the
 * command line include: a file that has only this header cannot reach the database.
 * Ownership: a row's pointers are borrowed (arena memory of whoever filled it; store.h's
 * functions fill them from the caller's arena). Integers that may be NULL hold NULL_INT. */
#ifndef TICKETD_STORE_ROWS_H
#define TICKETD_STORE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"
#include "util/uuid.h"

#define NULL_INT INT64_MIN /* an integer column that is NULL */

typedef struct store store;
typedef struct db db;

/* A group-commit job: store_submit (store.h) says how it runs. */
typedef struct store_job {
    status (*run)(db *writer, void *arg);
    void (*done)(void *arg, status committed);
    /* Optional: runs on the writer thread once the COMMIT succeeded, for a job whose run
     * succeeded, before any later transaction (work outside the database that must follow
     * the commit, e.g. removing a file no row names any more). The writer connection is
     * outside any transaction then. */
    void (*after)(db *writer, void *arg);
    void *arg;
    bool ran_ok;            /* the writer's */
    status late;            /* the writer's: a held-back write of a run that said ST_OK failed */
    struct store_job *next; /* the queue's */
} store_job;

/* A page of a list: [offset, offset+limit). Lists order and filter by the whole second of
 * created_at (the resolution the wire shows), so equal seconds tie-break on the uuid. */
/* SORT_CREATED orders by the whole second (for answers that show seconds), SORT_CREATED_MS by
 * the millisecond. */
enum { SORT_CREATED = 0, SORT_TITLE, SORT_NAME, SORT_CREATED_MS };
typedef struct {
    int64_t offset, limit;
    bool desc;
    int sort;
    int64_t from_s, to_s; /* inclusive unix seconds on created_at; NULL_INT when absent */
    /* A keyset instead of the offset: rows after (created_at ms, uuid) in the page's order
     * (list_run then orders by the millisecond and the uuid); after_uuid NULL: none. */
    int64_t after_ms;
    const char *after_uuid;
} list_page;

/* ---- workspaces and API keys ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name;
    int64_t created_at;
} ws_row;

typedef struct {
    int64_t id, ws;
    char uuid[UUID_STR_LEN + 1];
    char prefix[16];
    char *ws_name;
    char ws_uuid[UUID_STR_LEN + 1];
    int64_t created_at, revoked_at;
} key_row;

/* ---- teammates / users ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *last_name, *email, *username, *role, *country, *password_hash, *picture;
    bool verified;
    bool active; /* false: deactivated (migration 012): no sign-in, no credential works */
    int64_t last_login, created_at, updated_at;
} user_row;

/* ---- clients / contacts ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *email, *country, *identifier;
    bool is_blocked;
    int64_t plan_id;
    char *plan_uuid;
    int64_t user_id; /* the platform user this contact stands for (a chat owner), or NULL_INT */
    int64_t created_at, updated_at;
    char *phone, *firstname, *company, *gender; /* a requestor's (store_contact_set_requestor) */
} contact_row;

/* ---- billing plans ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *attrs; /* attrs: JSON object text, kept as given */
    int64_t created_at;
} plan_row;

/* ---- ticket categories ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *title, *language, *auto_reply;
    int64_t user_id;
    char *user_uuid;
    char **subcategories;
    size_t n_subcategories;
    int64_t *plan_ids;
    char **plan_uuids;
    size_t n_plans;
    int64_t created_at, updated_at;
} category_row;

/* ---- assets ---- */
typedef struct {
    char *url;                  /* a stored URL (rows made before files were served), else empty */
    char *blob;                 /* the hash of its bytes, or NULL */
    int64_t width, height, box; /* box: the long side it was made to fit, or NULL_INT */
} thumb_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *filename, *extension, *type, *mime_type, *status, *alt_text, *public_url, *folder;
    char *blob; /* the hash of its bytes, or NULL for a row made before files were stored */
    int64_t filesize, version, width, height, created_at, updated_at;
    thumb_row *thumbs;
    size_t n_thumbs;
} asset_row;

/* ---- tickets and replies ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *text;
    bool is_client;
    bool note; /* an internal note: only /ticketd/v1 reads it (store_reply_page, _get) */
    int64_t user_id, contact_id, created_at;
    asset_row *assets;
    size_t n_assets;
    char *author_uuid, *author_name; /* the user's or contact's (store_reply_page, _get) */
} reply_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *title, *description, *state, *subcategory, *language, *circumstance;
    bool is_open;
    int64_t category_id, user_id, contact_id, chat_id, team_id;
    char *category_title, *category_uuid, *user_uuid, *chat_uuid, *team_uuid;
    char *contact_uuid, *contact_name, *contact_email;
    int64_t created_at, updated_at, ongoing_at, completed_at, last_viewed_at;
    /* The video call's schedule and its reference, type and service key (written by
     * store_ticket_set_schedule only). */
    char *reference, *type, *service_key;
    int64_t start_date, duration, reminder; /* ms; minutes; minutes — or NULL_INT */
    bool send_invitation;
    /* Joined: the assignee's, the team's and the client's details. */
    char *user_name, *user_email, *user_username, *team_name;
    char *contact_phone, *contact_firstname, *contact_company, *contact_gender, *contact_country;
    reply_row *replies; /* filled by store_ticket_load_replies */
    size_t n_replies;
    int64_t version;      /* bumped by every change to the ticket or its tags (migration 006) */
    struct tag_ref *tags; /* filled by store_ticket_load_tags */
    size_t n_tags;
} ticket_row;

typedef struct {
    list_page pg;
    const char *title_contains;  /* case-insensitive substring; NULL for any */
    int is_open;                 /* -1 any, 0, 1 */
    int64_t user_id, contact_id; /* NULL_INT for any */
} ticket_filter;

/* A tag as a ticket carries it (store_ticket_load_tags). */
typedef struct tag_ref {
    char uuid[UUID_STR_LEN + 1];
    char *name;
} tag_ref;

/* ---- channels, responders, chats and their messages ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *type;
    int64_t created_at, updated_at;
} channel_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *entity, *name, *picture;
    int64_t version_id, version_number;
    char *version_uuid;
    int64_t created_at, updated_at;
} responder_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t channel_id, contact_id, responder_id, version_id;
    char *channel_uuid, *owner_uuid, *owner_entity, *responder_uuid, *version_uuid, *summary;
    bool is_removed;
    int64_t pending, created_at, updated_at;
    /* store_chat_insert_builtin: the id the ticket this chat is made for takes, handed out by
     * the chat's INSERT where the engine can (db.h next_ticket_id); 0: its INSERT gives it. */
    int64_t ticket_id;
} chat_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *chat_uuid, *text;
    bool from_owner;
    int64_t created_at;
} message_row;

/* ---- ticketing teams and tags ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *description, *picture;
    bool is_removed;
    int64_t created_at, updated_at;
} team_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *description, *color;
    int64_t active; /* tickets carrying the tag that are pending or ongoing */
    int64_t created_at, updated_at;
} tag_row;

typedef struct {
    char ticket_uuid[UUID_STR_LEN + 1], tag_uuid[UUID_STR_LEN + 1]; /* set by core */
    int64_t created_at, updated_at;
} ticket_tag_row;

/* ---- a ticket in detail: with its chat, owner, responder, assignee and team ---- */
typedef struct {
    char uuid[UUID_STR_LEN + 1];
    char *state, *summary;
    int64_t created_at, ongoing_at, completed_at;
    char *assignee_uuid, *assignee_email, *assignee_name, *assignee_picture;
    char *channel_uuid, *channel_name, *channel_type;
    char *chat_uuid, *owner_uuid, *owner_entity, *owner_name, *owner_email, *owner_identifier;
    bool chat_removed, owner_blocked;
    int64_t pending;
    char *responder_entity, *responder_uuid, *responder_name, *responder_picture;
    char *version_uuid;
    int64_t version_number;
    char *team_uuid, *team_name, *team_picture;
} ticket_detail_row;

/* A set of row ids to match (one value of a multi-valued filter each); n == 0: no filter. */
typedef struct {
    const int64_t *ids;
    size_t n;
} id_set;

typedef struct {
    list_page pg;
    int phase; /* 0 pending, 1 ongoing, 2 completed */
    id_set users, chats, responders, versions, tags;
    bool include_removed;
    const char *match; /* a full-text query (store_fts_query), or NULL */
} ticket_detail_filter;

typedef enum { REF_USER = 0, REF_CHAT, REF_RESPONDER, REF_VERSION, REF_TAG } ref_kind;

/* ---- tokens, the ticket query (schedule, reference, type, service key), medias ---- */
typedef struct {
    int64_t id, ws, user_id, created_at, expires_at, revoked_at;
    char ws_uuid[UUID_STR_LEN + 1]; /* filled by store_token_by_hash */
} token_row;

/* An agent session (a signed-in console): times in ms. */
typedef struct {
    int64_t id, ws, user_id, created_at, expires_at, last_seen_at;
    char ws_uuid[UUID_STR_LEN + 1]; /* filled by store_session_by_hash */
} session_row;

enum { TICKET_ORDER_CREATED = 0, TICKET_ORDER_START, TICKET_ORDER_TITLE };
typedef struct {
    int64_t offset, limit;
    int order; /* CALL_ORDER_* */
    bool desc;
    int64_t since, until;                 /* created_at bounds, ms inclusive, or NULL_INT */
    int64_t started_after, ended_before;  /* on start_date and start_date + duration */
    int64_t user_id, team_id, contact_id; /* NULL_INT: any; -1 matches nothing */
    const char *reference, *service_key;
    const char *type;  /* the ticket's type, else its category's title (core assist_type) */
    const char *match; /* a full-text query (store_fts_query), or NULL */
} ticket_query;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t ticket_id, asset_id, user_id;
    char *title, *source, *status, *tags; /* tags: ",a,b," */
    char *user_uuid;
    int64_t created_at, updated_at;
    asset_row asset;
} media_row;
typedef struct {
    int64_t offset, limit;
    bool by_title, desc;
    int64_t since, until; /* ms inclusive or NULL_INT */
    const char *status;   /* comma-separated statuses, or NULL */
    const char *search, *media_type, *tag, *source;
    int64_t user_id; /* NULL_INT any */
} media_filter;

/* ---- /ticketd/v1's ticket list: filters, a sort and a keyset cursor (store_ticket_page) ---- */
enum { TICKET_SORT_NEWEST = 0, TICKET_SORT_OLDEST, TICKET_SORT_UPDATED, TICKET_SORT_COUNT };
typedef struct {
    int sort;      /* TICKET_SORT_*: (created_at, id) down or up, or (updated_at, id) down */
    int64_t limit; /* rows wanted; the store reads one more to tell whether a page follows */
    bool after;    /* resume after (after_key, after_id) in the sort's order */
    int64_t after_key, after_id;
    const char *const *states; /* any of them; n_states == 0: any state */
    size_t n_states;
    id_set users;                       /* assignees: any of them ... */
    bool unassigned;                    /* ... or nobody; neither set: any assignee */
    id_set teams, categories, contacts; /* any of each */
    id_set tags;                        /* every one of them */
    const char *match;                  /* a full-text query (store_fts_query), or NULL */
    int64_t created_from, created_to, updated_from, updated_to; /* [from, to) ms, or NULL_INT */
} ticket_page_filter;

/* The ticket_counts of a workspace (migration 002) as an inbox shows them. */
typedef struct {
    int64_t open, closed;                       /* every ticket */
    int64_t mine_open, mine_closed;             /* assigned to the user asked about */
    int64_t unassigned_open, unassigned_closed; /* assigned to nobody */
} ticket_counts_row;

/* ---- the event timeline (append-only) ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t ticket_id;
    char *type, *actor_type, *actor_id, *data;
    int64_t created_at;
} event_row;

/* A position in a ticket's timeline (replies, notes and events, oldest first): the
 * millisecond, the kind (0 an event, 1 a reply or note: events first within a millisecond, so
 * ticket.created precedes the first message) and the row id. Items after it come next;
 * {-1, 0, 0} is before everything. */
typedef struct {
    int64_t at, kind, id;
} timeline_key;
/* An event as the live stream sends it: with its workspace, its ticket's uuid and current
 * assignee (the agents' read rule is checked against it), and the acting teammate's name. */
typedef struct {
    int64_t id, ws;
    int64_t ticket_id;   /* NULL_INT: no ticket */
    char *ticket_uuid;   /* NULL: no ticket */
    int64_t assignee_id; /* the ticket's user_id now, NULL_INT: nobody */
    char *type, *actor_type, *actor_id, *actor_name, *data;
    int64_t created_at;
} stream_event_row;

/* ---- webhooks (migration 013): endpoints, the outbox of deliveries, each attempt ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t ws;
    char *url;
    char *events; /* "*" or ",type,type," as stored */
    bool active;
    char *secret;     /* hex */
    char *old_secret; /* NULL, or the previous secret, signing alongside until old_until */
    int64_t old_until, failures, created_at, updated_at; /* ms; old_until NULL_INT when none */
} webhook_row;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t ws, webhook_id, event_id, ticket_id;    /* ticket_id NULL_INT: an event of no ticket */
    char *status;                                   /* queued, delivered, failed */
    int64_t attempts, next_at, created_at, done_at; /* ms; done_at NULL_INT while queued */
    char *event_type;                               /* the event's type (read with the row) */
    /* The latest attempt, kept in the row (migration 021; NULL_INT / NULL when it holds none:
     * not tried yet, or recorded before 021); earlier ones are webhook_attempt_rows. */
    int64_t last_at, last_code, last_latency; /* last_code NULL_INT: no HTTP answer */
    char *last_response, *last_error;
} webhook_delivery_row;

typedef struct {
    int64_t id, delivery_id, at, status_code, latency_ms; /* status_code NULL_INT: no answer */
    char *response, *error;
} webhook_attempt_row;

/* ---- notifications: invitations and reminders waiting for (or done with) delivery ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t ws, ticket_id;
    char *kind;     /* invitation, reminder */
    char *channel;  /* email, sms */
    char *audience; /* requestor, agent */
    char *recipient, *subject, *body;
    char *status;                                   /* queued, sent, failed */
    int64_t attempts, next_at, sent_at, created_at; /* ms; sent_at NULL_INT until sent */
    char *last_error;                               /* NULL until an attempt fails */
} notification_row;

/* ---- Idempotency-Key: the stored answer of a keyed POST (store_idem_*) ---- */
#define IDEM_FINGERPRINT_LEN 32 /* SHA-256 of the request (util/crypto.h's SHA256_LEN) */
typedef struct {
    unsigned char fingerprint[IDEM_FINGERPRINT_LEN];
    int64_t status;     /* the answer's HTTP status; NULL_INT: a claim not finished */
    char *content_type; /* or NULL */
    char *headers;      /* "name: value\n" lines, or NULL */
    void *body;         /* body_len bytes (NULL when empty) */
    size_t body_len;
    int64_t created_at; /* ms */
} idem_row;

#endif
