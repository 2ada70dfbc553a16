/* What core/ needs from storage, in domain terms: rows in, rows out, scoped by workspace. The SQL
 * lives behind this header (store/ files, written once over the db.h driver interface); core/
 * never sees a statement. Rows returned are allocated from the caller's arena. Integers that
 * may be NULL use NULL_INT. Every function takes this thread's connection (store_conn). */
#ifndef TICKETD_STORE_STORE_H
#define TICKETD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/crypto.h"
#include "util/status.h"
#include "util/uuid.h"

#define NULL_INT INT64_MIN

typedef struct store store;
typedef struct db db;

/* Opens (creating if needed) and migrates the store at dsn: an SQLite file path, or a
 * PostgreSQL URL (postgres://…, db.h's db_driver_for). */
status store_open(const char *dsn, store **out, diag *d) WUR;
void store_close(store *s);
/* This thread's connection to s, opened on first use and cached; NULL if it cannot be opened. */
db *store_conn(store *s);
int store_schema_version(db *c);
/* `ticketd copy`: every row of the SQLite store `from` into the empty PostgreSQL store `to`
 * (same schema version), ids kept, in one transaction, then the row counts of every table
 * compared. Prints one line per table to out. Needs a role that may set
 * session_replication_role (references and triggers are off while rows arrive in any order). */
status store_copy(db *from, db *to, FILE *out, diag *d) WUR;

/* A write transaction on the store's single writer connection: serialised with every other
 * writer of this process, ended by store_write_end (commit, or rollback when commit is false
 * or fails). *out is valid only in between. */
status store_write_begin(store *s, db **out) WUR;
status store_write_end(store *s, bool commit) WUR;

/* Starts the background checkpointer (the server calls this; short-lived commands need not):
 * commits no longer pay for moving the log into the database. store_close stops it. */
status store_start_maintenance(store *s) WUR;

/* Group commit. A job runs on the store's writer thread inside a SAVEPOINT of a transaction
 * shared with every other job queued at that moment: one COMMIT for the lot. A job whose run
 * fails is rolled back alone. done() then runs on the writer thread with the COMMIT's status
 * (ST_OK: the job's changes, if its run succeeded, are durable). The job must stay alive until
 * done() is called; run() must not block. store_start_writer starts the thread (serve only;
 * store_close stops it after the queue is empty). */
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
    struct store_job *next; /* the queue's */
} store_job;
status store_start_writer(store *s) WUR;
void store_submit(store *s, store_job *j);

/* Transactions on a given connection (start-up, the command line, the bulk loader). */
status store_begin(db *c) WUR;
status store_commit(db *c) WUR;
/* A read transaction: the statements of one request see one snapshot and take the database's
 * read lock once instead of once per statement. End it with store_commit. */
status store_begin_read(db *c) WUR;
void store_rollback(db *c);
status store_backup(db *c, const char *file, diag *d) WUR;

/* A page of a list: [offset, offset+limit). Lists order and filter by the whole second of
 * created_at (the resolution the wire shows), so equal seconds tie-break on the uuid. */
/* SORT_CREATED orders by the whole second (Tamio shows seconds), SORT_CREATED_MS by the
 * millisecond (Zaia shows milliseconds). */
enum { SORT_CREATED = 0, SORT_TITLE, SORT_NAME, SORT_CREATED_MS };
typedef struct {
    int64_t offset, limit;
    bool desc;
    int sort;
    int64_t from_s, to_s; /* inclusive unix seconds on created_at; NULL_INT when absent */
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

status store_ws_insert(db *c, ws_row *w) WUR; /* fills w->id; ST_CONFLICT on a taken name */
/* By uuid or name; the first workspace when key is NULL. */
status store_ws_find(db *c, const char *key, arena *a, ws_row *out) WUR;
status store_key_insert(db *c, key_row *k, const unsigned char hash[SHA256_LEN]) WUR;
status store_key_by_hash(db *c, const unsigned char hash[SHA256_LEN], key_row *out) WUR;
status store_key_list(db *c, arena *a, key_row **rows, size_t *n) WUR;
/* By uuid or a key prefix; ST_CONFLICT when a prefix names several keys. */
status store_key_revoke(db *c, const char *id_or_prefix, int64_t now) WUR;

/* ---- teammates / users ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *last_name, *email, *username, *role, *country, *password_hash, *picture;
    bool verified;
    int64_t last_login, created_at, updated_at;
} user_row;

status store_user_insert(db *c, int64_t ws, user_row *u) WUR; /* ST_CONFLICT: email/username */
status store_user_update(db *c, int64_t ws, const user_row *u) WUR;
status store_user_get(db *c, int64_t ws, const char *uuid, arena *a, user_row *out) WUR;
status store_user_delete(db *c, int64_t ws, int64_t id) WUR;
status store_user_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_user_list(db *c, int64_t ws, const list_page *pg, arena *a, user_row **rows, size_t *n,
                       int64_t *total) WUR;

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

status store_contact_insert(db *c, int64_t ws, contact_row *r) WUR;
/* The contact that stands for platform user u when u owns a chat (same uuid, name and email,
 * kept in step by the schema), created on first use. Lists and store_contact_get skip it. */
status store_contact_for_user(db *c, int64_t ws, const user_row *u, int64_t now, arena *a,
                              contact_row *out) WUR;
status store_contact_update(db *c, int64_t ws, const contact_row *r) WUR;
status store_contact_get(db *c, int64_t ws, const char *uuid, arena *a, contact_row *out) WUR;
status store_contact_delete(db *c, int64_t ws, int64_t id) WUR;
status store_contact_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_contact_list(db *c, int64_t ws, const list_page *pg, arena *a, contact_row **rows,
                          size_t *n, int64_t *total) WUR;

/* ---- billing plans ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *attrs; /* attrs: JSON object text, kept as given */
    int64_t created_at;
} plan_row;

status store_plan_insert(db *c, int64_t ws, plan_row *p) WUR;
status store_plan_get(db *c, int64_t ws, const char *uuid, arena *a, plan_row *out) WUR;
status store_plan_delete(db *c, int64_t ws, int64_t id) WUR;
status store_plan_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_plan_list(db *c, int64_t ws, const list_page *pg, arena *a, plan_row **rows, size_t *n,
                       int64_t *total) WUR;

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

status store_category_insert(db *c, int64_t ws, category_row *r) WUR;
status store_category_update(db *c, int64_t ws, const category_row *r) WUR; /* incl. lists */
status store_category_get(db *c, int64_t ws, const char *uuid, arena *a, category_row *out) WUR;
status store_category_delete(db *c, int64_t ws, int64_t id, int64_t now) WUR; /* soft */
status store_category_list(db *c, int64_t ws, const list_page *pg, arena *a, category_row **rows,
                           size_t *n, int64_t *total) WUR;

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

/* Inserts the asset and its thumbnails; fills r->id. */
status store_asset_insert(db *c, int64_t ws, asset_row *r) WUR;
status store_asset_get(db *c, int64_t ws, const char *uuid, arena *a, asset_row *out) WUR;
/* By uuid in any workspace (a signed file URL names the asset, not its workspace). */
status store_asset_find(db *c, const char *uuid, arena *a, asset_row *out) WUR;
/* How many replies link the asset. */
status store_asset_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
/* Deletes the asset and its thumbnails (their blobs are the caller's to release). */
status store_asset_delete(db *c, int64_t ws, int64_t id) WUR;
/* Whether any asset or thumbnail (any workspace) names the blob. */
status store_blob_referenced(db *c, const char *hash, bool *out) WUR;
/* A value of the settings table; ST_NOT_FOUND when absent. */
status store_setting_get(db *c, const char *name, arena *a, char **out) WUR;

/* ---- tickets and replies ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *text;
    bool is_client;
    int64_t user_id, contact_id, created_at;
    asset_row *assets;
    size_t n_assets;
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
    /* The call's schedule and Apizee's fields (written by store_ticket_set_call only). */
    char *reference, *type, *service_key;
    int64_t start_date, duration, reminder; /* ms; minutes; minutes — or NULL_INT */
    bool send_invitation;
    /* Joined for Apizee's agent, group and requestor objects. */
    char *user_name, *user_email, *user_username, *team_name;
    char *contact_phone, *contact_firstname, *contact_company, *contact_gender, *contact_country;
    reply_row *replies; /* filled by store_ticket_load_replies */
    size_t n_replies;
} ticket_row;

typedef struct {
    list_page pg;
    const char *title_contains;  /* case-insensitive substring; NULL for any */
    int is_open;                 /* -1 any, 0, 1 */
    int64_t user_id, contact_id; /* NULL_INT for any */
} ticket_filter;

status store_ticket_insert(db *c, int64_t ws, ticket_row *t) WUR;
/* Writes the mutable columns: title, description, state, is_open, category, subcategory,
 * user, language, team, circumstance, ongoing_at, completed_at, updated_at. */
status store_ticket_update(db *c, int64_t ws, const ticket_row *t) WUR;
/* Writes the schedule and Apizee fields (reference … send_invitation) of t. */
status store_ticket_set_call(db *c, int64_t ws, const ticket_row *t) WUR;
status store_ticket_get(db *c, int64_t ws, const char *uuid, arena *a, ticket_row *out) WUR;
status store_ticket_delete(db *c, int64_t ws, int64_t id, int64_t now) WUR; /* soft */
status store_ticket_list(db *c, int64_t ws, const ticket_filter *f, arena *a, ticket_row **rows,
                         size_t *n, int64_t *total) WUR;
/* Fills replies (oldest first) and their assets for n tickets, in a fixed number of queries. */
status store_ticket_load_replies(db *c, ticket_row *t, size_t n, arena *a) WUR;

status store_reply_insert(db *c, int64_t ws, int64_t ticket_id, reply_row *r) WUR;
/* Links assets to a reply, in order. */
status store_reply_link_asset(db *c, int64_t reply_id, int64_t ticket_id, int64_t asset_id,
                              int pos) WUR;

/* ---- channels, responders, chats and their messages ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *type;
    int64_t created_at, updated_at;
} channel_row;

status store_channel_insert(db *c, int64_t ws, channel_row *r) WUR;
status store_channel_update(db *c, int64_t ws, const channel_row *r) WUR;
status store_channel_get(db *c, int64_t ws, const char *uuid, arena *a, channel_row *out) WUR;
status store_channel_delete(db *c, int64_t ws, int64_t id) WUR;
status store_channel_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_channel_list(db *c, int64_t ws, const list_page *pg, arena *a, channel_row **rows,
                          size_t *n) WUR;
/* The workspace's built-in channel for a dialect (type api, named after it), made on first use. */
status store_channel_builtin(db *c, int64_t ws, const char *dialect, int64_t now, arena *a,
                             channel_row *out) WUR;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *entity, *name, *picture;
    int64_t version_id, version_number;
    char *version_uuid;
    int64_t created_at, updated_at;
} responder_row;

/* Inserts the responder and its version 1 (r->version_uuid must be set). */
status store_responder_insert(db *c, int64_t ws, responder_row *r) WUR;
status store_responder_update(db *c, int64_t ws, const responder_row *r) WUR;
/* Adds version r->version_number (with r->version_uuid) and makes it current. */
status store_responder_add_version(db *c, int64_t ws, responder_row *r) WUR;
status store_responder_get(db *c, int64_t ws, const char *uuid, arena *a, responder_row *out) WUR;
status store_responder_delete(db *c, int64_t ws, int64_t id) WUR;
status store_responder_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_responder_list(db *c, int64_t ws, const list_page *pg, arena *a, responder_row **rows,
                            size_t *n) WUR;
/* The workspace's built-in responder ("ticketd", agents, version 1), made on first use. */
status store_responder_builtin(db *c, int64_t ws, int64_t now, arena *a, responder_row *out) WUR;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t channel_id, contact_id, responder_id, version_id;
    char *channel_uuid, *owner_uuid, *owner_entity, *responder_uuid, *version_uuid, *summary;
    bool is_removed;
    int64_t pending, created_at, updated_at;
} chat_row;

status store_chat_insert(db *c, int64_t ws, chat_row *r) WUR;
/* Writes responder, version, summary, is_removed, updated_at. */
status store_chat_update(db *c, int64_t ws, const chat_row *r) WUR;
status store_chat_get(db *c, int64_t ws, const char *uuid, arena *a, chat_row *out) WUR;
/* How many of the chat's tickets are assigned to someone other than user_id (the access rule
 * of an agent on a chat). */
status store_chat_others_tickets(db *c, int64_t ws, int64_t chat_id, int64_t user_id,
                                 int64_t *n) WUR;
status store_chat_list(db *c, int64_t ws, const list_page *pg, arena *a, chat_row **rows,
                       size_t *n) WUR;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *chat_uuid, *text;
    bool from_owner;
    int64_t created_at;
} message_row;

status store_message_insert(db *c, int64_t ws, int64_t chat_id, message_row *r) WUR;
status store_message_list(db *c, int64_t ws, int64_t chat_id, const list_page *pg, arena *a,
                          message_row **rows, size_t *n) WUR;

/* ---- ticketing teams and tags ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *description, *picture;
    bool is_removed;
    int64_t created_at, updated_at;
} team_row;

status store_team_insert(db *c, int64_t ws, team_row *r) WUR;
status store_team_update(db *c, int64_t ws, const team_row *r) WUR; /* incl. is_removed */
/* Removed teams are not found. */
status store_team_get(db *c, int64_t ws, const char *uuid, arena *a, team_row *out) WUR;
status store_team_list(db *c, int64_t ws, const list_page *pg, arena *a, team_row **rows,
                       size_t *n) WUR;

typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    char *name, *description, *color;
    int64_t active; /* tickets carrying the tag that are pending or ongoing */
    int64_t created_at, updated_at;
} tag_row;

status store_tag_insert(db *c, int64_t ws, tag_row *r) WUR;
status store_tag_update(db *c, int64_t ws, const tag_row *r) WUR;
status store_tag_get(db *c, int64_t ws, const char *uuid, arena *a, tag_row *out) WUR;
status store_tag_delete(db *c, int64_t ws, int64_t id) WUR; /* detaches it from every ticket */
status store_tag_list(db *c, int64_t ws, const list_page *pg, arena *a, tag_row **rows,
                      size_t *n) WUR;

typedef struct {
    char ticket_uuid[UUID_STR_LEN + 1], tag_uuid[UUID_STR_LEN + 1]; /* set by core */
    int64_t created_at, updated_at;
} ticket_tag_row;

/* Attaches (or finds) the link; *out is the link as stored. */
status store_ticket_tag_add(db *c, int64_t ticket_id, int64_t tag_id, int64_t now,
                            ticket_tag_row *out) WUR;
/* ST_NOT_FOUND when the tag was not attached. */
status store_ticket_tag_remove(db *c, int64_t ticket_id, int64_t tag_id) WUR;

/* ---- a ticket as Zaia shows it: with its chat, owner, responder, assignee and team ---- */
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
} details_row;

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
} details_filter;

/* The row id of the object a filter names; ST_NOT_FOUND when it names nothing here. */
typedef enum { REF_USER = 0, REF_CHAT, REF_RESPONDER, REF_VERSION, REF_TAG } ref_kind;
status store_ref_id(db *c, int64_t ws, ref_kind k, const char *uuid, int64_t *id) WUR;

status store_details_get(db *c, int64_t ws, const char *uuid, arena *a, details_row *out) WUR;
status store_details_list(db *c, int64_t ws, const details_filter *f, arena *a, details_row **rows,
                          size_t *n) WUR;
/* Turns a user's search text into the full-text query that matches every word as a prefix,
 * case- and accent-insensitively; NULL when the text has no word. */
char *store_fts_query(const char *text, arena *a);

/* ---- Apizee: requestors, agents, tokens, the call list, medias ---- */
/* The contact with this email (case-insensitive) or else this phone; ST_NOT_FOUND. Either may
 * be NULL. Shadow contacts of platform users are skipped. */
status store_contact_find(db *c, int64_t ws, const char *email, const char *phone, arena *a,
                          contact_row *out) WUR;
/* Writes phone, firstname, company and gender of contact r->id. */
status store_contact_set_requestor(db *c, int64_t ws, const contact_row *r) WUR;
/* The user whose uuid, email (case-insensitive) or username is key; ST_NOT_FOUND. */
status store_user_find(db *c, int64_t ws, const char *key, arena *a, user_row *out) WUR;
/* Users of every workspace whose email or username is login (for the password grant). */
status store_users_by_login(db *c, const char *login, arena *a, user_row **rows, int64_t **ws,
                            size_t *n) WUR;

typedef struct {
    int64_t id, ws, user_id, created_at, expires_at, revoked_at;
    char ws_uuid[UUID_STR_LEN + 1]; /* filled by store_token_by_hash */
} token_row;
status store_token_insert(db *c, token_row *t, const unsigned char hash[SHA256_LEN]) WUR;
status store_token_by_hash(db *c, const unsigned char hash[SHA256_LEN], token_row *out) WUR;
status store_token_revoke(db *c, int64_t id, int64_t now) WUR;
/* The user row of a token's user (any workspace: the token names it). */
status store_user_by_id(db *c, int64_t ws, int64_t id, arena *a, user_row *out) WUR;

enum { CALL_ORDER_DATE = 0, CALL_ORDER_START, CALL_ORDER_SUBJECT };
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
} call_filter;
status store_call_list(db *c, int64_t ws, const call_filter *f, arena *a, ticket_row **rows,
                       size_t *n, int64_t *total) WUR;
/* The category titled exactly `title` (not deleted); ST_NOT_FOUND. */
status store_category_by_title(db *c, int64_t ws, const char *title, int64_t *id) WUR;
/* counts[i]: medias of t[i]. */
status store_media_counts(db *c, const ticket_row *t, size_t n, arena *a, int64_t **counts) WUR;

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
status store_media_insert(db *c, int64_t ws, media_row *m) WUR;
/* Medias of ticket_id (assets and thumbnails loaded). */
status store_media_list(db *c, int64_t ws, int64_t ticket_id, const media_filter *f, arena *a,
                        media_row **rows, size_t *n, int64_t *total) WUR;

/* ---- the event timeline (append-only) ---- */
typedef struct {
    int64_t id;
    char uuid[UUID_STR_LEN + 1];
    int64_t ticket_id;
    char *type, *actor_type, *actor_id, *data;
    int64_t created_at;
} event_row;

status store_event_insert(db *c, int64_t ws, event_row *e) WUR;
status store_event_list(db *c, int64_t ws, int64_t ticket_id, int64_t offset, int64_t limit,
                        arena *a, event_row **rows, size_t *n, int64_t *total) WUR;

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

/* Inserts n (its uuid set by the caller); fills n->id. */
status store_notification_insert(db *c, int64_t ws, notification_row *n) WUR;
/* Up to limit queued rows of any workspace due at `now` (next_at <= now) on the channels
 * enabled (email, sms), oldest next_at first. In a write transaction on PostgreSQL the rows are
 * locked and rows another node's transaction holds are skipped (FOR UPDATE SKIP LOCKED); on
 * SQLite the one writer excludes the rest. */
status store_notification_due(db *c, int64_t now, bool email, bool sms, size_t limit, arena *a,
                              notification_row **rows, size_t *n) WUR;
/* The earliest next_at of a queued row on the enabled channels; ST_NOT_FOUND when none. */
status store_notification_next(db *c, bool email, bool sms, int64_t *next_at) WUR;
/* Writes status, attempts, next_at, last_error and sent_at of row n->id. */
status store_notification_update(db *c, const notification_row *n) WUR;
/* Moves a row's next_at: a claim's lease, or its release. */
status store_notification_set_next(db *c, int64_t id, int64_t next_at) WUR;
/* A ticket's notifications, in the order they were queued. */
status store_notification_list(db *c, int64_t ws, int64_t ticket_id, arena *a,
                               notification_row **rows, size_t *n) WUR;

#endif
