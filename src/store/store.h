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

#include "store/rows.h"

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
status store_start_writer(store *s) WUR;
void store_submit(store *s, store_job *j);
/* As store_submit, ahead of the queued jobs: for a job another thread waits on that must not
 * wait behind a backlog of requests (the outbox worker's). */
void store_submit_first(store *s, store_job *j);
/* Whether the writer thread runs (store_submit may be called). */
bool store_writer_running(store *s);

/* Transactions on a given connection (start-up, the command line, the bulk loader). */
status store_begin(db *c) WUR;
/* Waits for the writes c holds back for its next round trip (PostgreSQL's pipeline: events,
 * messages, replies): the first failure among them, which is then the caller's. A write calls
 * it before it answers (core_txn), so a failure is answered by the request that caused it. */
status store_sync(db *c) WUR;
status store_commit(db *c) WUR;
/* A read transaction: the statements of one request see one snapshot and take the database's
 * read lock once instead of once per statement. End it with store_commit. */
status store_begin_read(db *c) WUR;
/* Inside a read transaction: a number that differs from the one an earlier read transaction of
 * c saw iff any other connection or process committed a change in between (SQLite: PRAGMA
 * data_version; c's own commits do not move it). ST_NOT_FOUND where the engine has none
 * (PostgreSQL). */
status store_snapshot_version(db *c, int64_t *out) WUR;
/* A stamp of the database's committed state, read without a lock or a transaction: two stamps
 * are equal iff nobody (no connection, no process, c included) committed in between (SQLite:
 * the WAL index's header, which SQLite compares to tell whether its own cache is stale).
 * *before: c has no snapshot open yet, so what c reads next is at least as new as the stamp
 * (a cache filled from those reads may be tagged with it); false: c's snapshot may be older.
 * ST_NOT_FOUND where the engine has none (PostgreSQL) or it cannot be read at this moment: the
 * caller reads the database. Cheap: two copies of 48 bytes from shared memory and the
 * connection's serial. */
#define STORE_STAMP_LEN 56
typedef struct {
    unsigned char b[STORE_STAMP_LEN];
} store_stamp;
status store_change_stamp(db *c, store_stamp *out, bool *before) WUR;
void store_rollback(db *c);
status store_backup(db *c, const char *file, diag *d) WUR;

/* ---- workspaces and API keys ---- */
status store_ws_insert(db *c, ws_row *w) WUR; /* fills w->id; ST_CONFLICT on a taken name */
/* By uuid or name; the first workspace when key is NULL. */
status store_ws_find(db *c, const char *key, arena *a, ws_row *out) WUR;
status store_key_insert(db *c, key_row *k, const unsigned char hash[SHA256_LEN]) WUR;
status store_key_by_hash(db *c, const unsigned char hash[SHA256_LEN], key_row *out) WUR;
status store_key_list(db *c, arena *a, key_row **rows, size_t *n) WUR;
/* By uuid or a key prefix; ST_CONFLICT when a prefix names several keys. */
status store_key_revoke(db *c, const char *id_or_prefix, int64_t now) WUR;

/* ---- teammates / users ---- */
status store_user_insert(db *c, int64_t ws, user_row *u) WUR; /* ST_CONFLICT: email/username */
status store_user_update(db *c, int64_t ws, const user_row *u) WUR;
status store_user_get(db *c, int64_t ws, const char *uuid, arena *a, user_row *out) WUR;
status store_user_delete(db *c, int64_t ws, int64_t id) WUR;
status store_user_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_user_list(db *c, int64_t ws, const list_page *pg, arena *a, user_row **rows, size_t *n,
                       int64_t *total) WUR;

/* ---- clients / contacts ---- */
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
status store_plan_insert(db *c, int64_t ws, plan_row *p) WUR;
status store_plan_get(db *c, int64_t ws, const char *uuid, arena *a, plan_row *out) WUR;
status store_plan_delete(db *c, int64_t ws, int64_t id) WUR;
status store_plan_refs(db *c, int64_t ws, int64_t id, int64_t *n) WUR;
status store_plan_list(db *c, int64_t ws, const list_page *pg, arena *a, plan_row **rows, size_t *n,
                       int64_t *total) WUR;

/* ---- ticket categories ---- */
status store_category_insert(db *c, int64_t ws, category_row *r) WUR;
status store_category_update(db *c, int64_t ws, const category_row *r) WUR; /* incl. lists */
status store_category_get(db *c, int64_t ws, const char *uuid, arena *a, category_row *out) WUR;
status store_category_delete(db *c, int64_t ws, int64_t id, int64_t now) WUR; /* soft */
status store_category_list(db *c, int64_t ws, const list_page *pg, arena *a, category_row **rows,
                           size_t *n, int64_t *total) WUR;

/* ---- assets ---- */
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
/* t->id: 0 (filled with the new row's), or the id its chat handed out (chat_row ticket_id),
 * which lets the INSERT be held back to the next round trip (sql.h run_or_hold). */
status store_ticket_insert(db *c, int64_t ws, ticket_row *t) WUR;
/* Writes the mutable columns: title, description, state, is_open, category, subcategory,
 * user, language, team, circumstance, ongoing_at, completed_at, updated_at. */
status store_ticket_update(db *c, int64_t ws, const ticket_row *t) WUR;
/* Writes the schedule and the video-call fields (reference … send_invitation) of t. */
status store_ticket_set_schedule(db *c, int64_t ws, const ticket_row *t) WUR;
status store_ticket_get(db *c, int64_t ws, const char *uuid, arena *a, ticket_row *out) WUR;
status store_ticket_delete(db *c, int64_t ws, int64_t id, int64_t now) WUR; /* soft */
status store_ticket_list(db *c, int64_t ws, const ticket_filter *f, arena *a, ticket_row **rows,
                         size_t *n, int64_t *total) WUR;
/* Fills replies (oldest first) and their assets for n tickets, in a fixed number of queries. */
status store_ticket_load_replies(db *c, ticket_row *t, size_t n, arena *a) WUR;

status store_reply_insert(db *c, int64_t ws, int64_t ticket_id, reply_row *r) WUR; /* r->note */
/* The same without r->id (0): held back to the next round trip on PostgreSQL (sql.h run_or_hold);
 * for a reply that no later statement of the write names by id. */
status store_reply_insert_later(db *c, int64_t ws, int64_t ticket_id, reply_row *r) WUR;
/* One reply or note of a ticket by uuid, with its author and assets; ST_NOT_FOUND. */
status store_reply_get(db *c, int64_t ws, int64_t ticket_id, const char *uuid, arena *a,
                       reply_row *out) WUR;
/* Up to limit replies and notes of a ticket after `after`, oldest first, with their authors
 * and assets. (The other reads of replies, store_ticket_load_replies, leave notes out.) */
status store_reply_page(db *c, int64_t ws, int64_t ticket_id, const timeline_key *after,
                        int64_t limit, arena *a, reply_row **rows, size_t *n) WUR;
/* Links assets to a reply, in order. */
status store_reply_link_asset(db *c, int64_t reply_id, int64_t ticket_id, int64_t asset_id,
                              int pos) WUR;

/* ---- channels, responders, chats and their messages ---- */
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

status store_chat_insert(db *c, int64_t ws, chat_row *r) WUR;
/* The same on the workspace's built-in channel of that dialect and its built-in responder (and
 * its current version), found by the INSERT itself: fills r->id, channel_id, responder_id,
 * version_id and ticket_id (for the ticket the chat is made for: store_ticket_insert);
 * ST_NOT_FOUND (nothing written) while either built-in is not made yet. */
status store_chat_insert_builtin(db *c, int64_t ws, const char *dialect, chat_row *r) WUR;
/* Writes responder, version, summary, is_removed, updated_at. */
status store_chat_update(db *c, int64_t ws, const chat_row *r) WUR;
status store_chat_get(db *c, int64_t ws, const char *uuid, arena *a, chat_row *out) WUR;
/* How many of the chat's tickets are assigned to someone other than user_id (the access rule
 * of an agent on a chat). */
status store_chat_others_tickets(db *c, int64_t ws, int64_t chat_id, int64_t user_id,
                                 int64_t *n) WUR;
/* visible_to: NULL_INT for every chat, else only those none of whose tickets is assigned to
 * someone other than that user. */
status store_chat_list(db *c, int64_t ws, const list_page *pg, int64_t visible_to, arena *a,
                       chat_row **rows, size_t *n) WUR;

/* r->id is not filled (0): the INSERT may be held back to the next round trip (sql.h
 * run_or_hold). */
status store_message_insert(db *c, int64_t ws, int64_t chat_id, message_row *r) WUR;
status store_message_list(db *c, int64_t ws, int64_t chat_id, const list_page *pg, arena *a,
                          message_row **rows, size_t *n) WUR;

/* ---- ticketing teams and tags ---- */
status store_team_insert(db *c, int64_t ws, team_row *r) WUR;
status store_team_update(db *c, int64_t ws, const team_row *r) WUR; /* incl. is_removed */
/* Removed teams are not found. */
status store_team_get(db *c, int64_t ws, const char *uuid, arena *a, team_row *out) WUR;
status store_team_list(db *c, int64_t ws, const list_page *pg, arena *a, team_row **rows,
                       size_t *n) WUR;

status store_tag_insert(db *c, int64_t ws, tag_row *r) WUR;
status store_tag_update(db *c, int64_t ws, const tag_row *r) WUR;
status store_tag_get(db *c, int64_t ws, const char *uuid, arena *a, tag_row *out) WUR;
status store_tag_delete(db *c, int64_t ws, int64_t id) WUR; /* detaches it from every ticket */
status store_tag_list(db *c, int64_t ws, const list_page *pg, arena *a, tag_row **rows,
                      size_t *n) WUR;

/* Attaches (or finds) the link; *out is the link as stored. */
status store_ticket_tag_add(db *c, int64_t ticket_id, int64_t tag_id, int64_t now,
                            ticket_tag_row *out) WUR;
/* ST_NOT_FOUND when the tag was not attached. */
status store_ticket_tag_remove(db *c, int64_t ticket_id, int64_t tag_id) WUR;

/* ---- a ticket in detail: with its chat, owner, responder, assignee and team ---- */
/* The row id of the object a filter names; ST_NOT_FOUND when it names nothing here. */
status store_ref_id(db *c, int64_t ws, ref_kind k, const char *uuid, int64_t *id) WUR;

status store_ticket_detail_get(db *c, int64_t ws, const char *uuid, arena *a,
                               ticket_detail_row *out) WUR;
status store_ticket_detail_list(db *c, int64_t ws, const ticket_detail_filter *f, arena *a,
                                ticket_detail_row **rows, size_t *n) WUR;
/* Turns a user's search text into the full-text query that matches every word as a prefix,
 * case- and accent-insensitively; NULL when the text has no word. */
char *store_fts_query(const char *text, arena *a);

/* ---- requestors (clients found by address), users by login, tokens, the ticket query,
 * medias ---- */
/* The contact with this email (case-insensitive) or else this phone; ST_NOT_FOUND. Either may
 * be NULL. Shadow contacts of platform users are skipped. */
status store_contact_find(db *c, int64_t ws, const char *email, const char *phone, arena *a,
                          contact_row *out) WUR;
/* Writes phone, firstname, company and gender of contact r->id. */
status store_contact_set_requestor(db *c, int64_t ws, const contact_row *r) WUR;
/* The user whose uuid, email (case-insensitive) or username is key; ST_NOT_FOUND. */
status store_user_find(db *c, int64_t ws, const char *key, arena *a, user_row *out) WUR;
/* Active users of every workspace whose email or username is login (for the password grant
 * and sign-in: a deactivated teammate is nobody's login). */
status store_users_by_login(db *c, const char *login, arena *a, user_row **rows, int64_t **ws,
                            size_t *n) WUR;

status store_token_insert(db *c, token_row *t, const unsigned char hash[SHA256_LEN]) WUR;
status store_token_by_hash(db *c, const unsigned char hash[SHA256_LEN], token_row *out) WUR;
status store_token_revoke(db *c, int64_t id, int64_t now) WUR;
/* Every token of a teammate (a deactivation). */
status store_token_revoke_user(db *c, int64_t ws, int64_t user_id, int64_t now) WUR;
/* The user row of a token's user (any workspace: the token names it). */
status store_user_by_id(db *c, int64_t ws, int64_t id, arena *a, user_row *out) WUR;

/* Agent sessions (store/session.c): found by the SHA-256 of their secret. */
status store_session_insert(db *c, session_row *r, const unsigned char hash[SHA256_LEN]) WUR;
status store_session_by_hash(db *c, const unsigned char hash[SHA256_LEN], session_row *out) WUR;
status store_session_touch(db *c, int64_t id, int64_t now) WUR;
/* Deletes the session with this hash (none: ST_OK). */
status store_session_delete(db *c, const unsigned char hash[SHA256_LEN]) WUR;
/* Deletes every session of user_id. */
status store_session_delete_user(db *c, int64_t ws, int64_t user_id) WUR;
/* Deletes the sessions of user_id that have ended: expired at or before now, or last used at
 * or before idle_before. */
status store_session_prune(db *c, int64_t ws, int64_t user_id, int64_t now,
                           int64_t idle_before) WUR;

status store_ticket_query(db *c, int64_t ws, const ticket_query *f, arena *a, ticket_row **rows,
                          size_t *n, int64_t *total) WUR;
/* The category titled exactly `title` (not deleted); ST_NOT_FOUND. */
status store_category_by_title(db *c, int64_t ws, const char *title, int64_t *id) WUR;
/* counts[i]: medias of t[i]. */
status store_media_counts(db *c, const ticket_row *t, size_t n, arena *a, int64_t **counts) WUR;

status store_media_insert(db *c, int64_t ws, media_row *m) WUR;
/* Medias of ticket_id (assets and thumbnails loaded). */
status store_media_list(db *c, int64_t ws, int64_t ticket_id, const media_filter *f, arena *a,
                        media_row **rows, size_t *n, int64_t *total) WUR;

/* ---- /ticketd/v1's tickets (store/ticket_page.c) ---- */
/* A page of tickets in f's order after f's cursor: up to f->limit + 1 rows (one more than
 * asked: the caller tells from it whether a page follows). A page walks the sort's index (of
 * migration 006, alone or after an equality filter) testing the other filters per row, unless
 * a tag, q or a range of the other time matches at most sqrt((limit + 1) x tickets) rows
 * (counted up to that bound first): then those rows drive it, read whole and sorted. */
status store_ticket_page(db *c, int64_t ws, const ticket_page_filter *f, arena *a,
                         ticket_row **rows, size_t *n) WUR;
/* Fills tags (by name) of n tickets, in one query. */
status store_ticket_load_tags(db *c, ticket_row *t, size_t n, arena *a) WUR;
/* The version of ticket `uuid` (not deleted), its row locked until the transaction ends where
 * the engine has row locks (PostgreSQL: FOR UPDATE; SQLite's one writer excludes the rest).
 * ST_NOT_FOUND when there is no such ticket. */
status store_ticket_lock(db *c, int64_t ws, const char *uuid, int64_t *version) WUR;
/* The workspace's ticket counts, user_id's among them (NULL_INT: nobody's). */
status store_ticket_counts(db *c, int64_t ws, int64_t user_id, ticket_counts_row *out) WUR;

/* ---- the event timeline (append-only) ---- */
/* e->id is not filled (0): the INSERT may be held back to the next round trip (sql.h
 * run_event_insert, which notes the id for the webhook outbox once it has run). */
status store_event_insert(db *c, int64_t ws, event_row *e) WUR;
/* A ticket's events for the vendor dialects, oldest first: note.created left out. */
status store_event_list(db *c, int64_t ws, int64_t ticket_id, int64_t offset, int64_t limit,
                        arena *a, event_row **rows, size_t *n, int64_t *total) WUR;
/* Up to limit events of a ticket after `after` (timeline order), reply.created and
 * note.created left out (the timeline shows the reply itself). */
status store_event_page(db *c, int64_t ws, int64_t ticket_id, const timeline_key *after,
                        int64_t limit, arena *a, event_row **rows, size_t *n) WUR;

/* ---- the live stream (core/stream.c) ---- */
/* Event ids follow commit order on every engine, so `id > last seen` never skips an event
 * committed late: SQLite has one writer, and on PostgreSQL every write transaction of
 * store_write_begin and of group commit first takes a lock held until its COMMIT (db.h's
 * write_lock). Thread-safe as the connection they are given.
 *
 * store_notify sends payload to every process listening (store_listen) when the current
 * transaction commits; a no-op (false from store_notifies) on an engine owned by one process. */
bool store_notifies(db *c);
status store_notify(db *c, const char *payload) WUR;
/* Up to limit events of ws with id > after (ticket_id: only that ticket's, NULL_INT: all),
 * oldest first. */
status store_stream_events(db *c, int64_t ws, int64_t after, int64_t ticket_id, size_t limit,
                           arena *a, stream_event_row **rows, size_t *n) WUR;
/* The id of ws's newest event (0 when none). */
status store_event_last(db *c, int64_t ws, int64_t *out) WUR;
/* A dedicated connection that receives store_notify payloads (ST_INVALID on an engine without
 * them); wait on store_listen_fd, then store_listen_drain; close with store_listen_close. */
status store_listen(store *s, db **out) WUR;
int store_listen_fd(db *c);
status store_listen_drain(db *c, void (*fn)(void *arg, const char *payload), void *arg) WUR;
void store_listen_close(db *c);

/* ---- notifications: invitations and reminders waiting for (or done with) delivery ---- */
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
/* The number of queued notifications (the invitations' outbox depth). */
status store_notification_depth(db *c, int64_t *out) WUR;
/* A ticket's notifications, in the order they were queued. */
status store_notification_list(db *c, int64_t ws, int64_t ticket_id, arena *a,
                               notification_row **rows, size_t *n) WUR;

/* ---- webhooks (store/webhook.c, migrations 013, 015, 021; docs/WEBHOOKS.md) ---- */
status store_webhook_insert(db *c, int64_t ws, webhook_row *w) WUR;
/* ws's webhook by uuid; ST_NOT_FOUND when none. */
status store_webhook_get(db *c, int64_t ws, const char *uuid, arena *a, webhook_row *out) WUR;
status store_webhook_get_id(db *c, int64_t id, arena *a, webhook_row *out) WUR;
/* Up to limit webhooks of ws with id < before (NULL_INT: from the newest), newest first. */
status store_webhook_list(db *c, int64_t ws, int64_t before, size_t limit, arena *a,
                          webhook_row **rows, size_t *n) WUR;
/* Writes url, events, active, secret, old_secret, old_until, failures and updated_at. */
status store_webhook_update(db *c, const webhook_row *w) WUR;
/* Deletes the webhook with its deliveries and their attempts. */
status store_webhook_delete(db *c, int64_t id) WUR;
/* The outbox, queued per commit batch: store_event_insert notes each event's id in c's write
 * transaction (on PostgreSQL once its held-back INSERT has run). Right before COMMIT
 * the writer (store.c) queues, in one INSERT ... SELECT, one delivery per active webhook of the
 * event's workspace whose events match its type, due at its created_at, for every noted event
 * still there (a job rolled back to its savepoint leaves none); *queued: how many. A write
 * transaction that ends otherwise forgets the notes. */
status store_webhook_flush(db *c, size_t *queued) WUR;
/* fn (outbox_wake) is called after a COMMIT that queued deliveries. Set before the writer
 * starts (main thread). */
void store_on_deliveries_queued(void (*fn)(void));
/* Claims up to limit queued deliveries due at now, oldest next_at first, each the oldest queued
 * one of its (webhook, ticket) (a ticket's deliveries to an endpoint go in order; events of no
 * ticket have no order), none of an inactive webhook, each with its latest attempt. Where
 * several processes share the database (PostgreSQL) one UPDATE moves their next_at to
 * lease_until and returns them (in no particular order), skipping rows another transaction
 * holds; where one process owns it (SQLite) the claim only reads, and the caller -- the one
 * thread that claims -- records (store_webhook_record) or releases every claimed row before it
 * claims again. In a write transaction. */
status store_webhook_claim(db *c, int64_t now, int64_t lease_until, size_t limit, arena *a,
                           webhook_delivery_row **rows, size_t *n) WUR;
/* Gives back a claimed delivery that was not tried (a stop cut it short): due at now. */
status store_webhook_release(db *c, const webhook_delivery_row *d, int64_t now) WUR;
/* Records an attempt of claimed delivery d: its status, attempts, next_at, done_at and the
 * attempt itself (last_at, last_code, last_latency, last_response, last_error) in its row, in
 * one UPDATE. had_last: the row held an attempt already (d->last_at set when claimed), which
 * first moves to webhook_attempts (migration 021: the row keeps the latest, the table the rest).
 * In a write transaction. */
status store_webhook_record(db *c, const webhook_delivery_row *d, bool had_last) WUR;
/* The earliest next_at of a queued delivery; ST_NOT_FOUND when none. */
status store_webhook_next(db *c, int64_t *next_at) WUR;
/* The log's retention: deletes up to limit finished (delivered or failed) deliveries done before
 * `before`, oldest first, with their attempts (index webhook_deliveries_done, migration 015).
 * *n: how many. In a write transaction. */
status store_webhook_sweep(db *c, int64_t before, size_t limit, arena *a, size_t *n) WUR;
/* Writes status, attempts, next_at and done_at of d->id (a re-send). */
status store_webhook_delivery_update(db *c, const webhook_delivery_row *d) WUR;
status store_webhook_delivery_get(db *c, int64_t ws, const char *uuid, arena *a,
                                  webhook_delivery_row *out) WUR;
/* A webhook's deliveries with id < before (NULL_INT: from the newest), newest first, each with
 * its latest attempt (d->last_*: NULL_INT / NULL when its row holds none). */
status store_webhook_deliveries(db *c, int64_t webhook_id, int64_t before, size_t limit, arena *a,
                                webhook_delivery_row **rows, size_t *n) WUR;
/* A delivery's earlier attempts (webhook_attempts: all but the one in its row), oldest first (at
 * most limit, the newest ones). */
status store_webhook_attempts(db *c, int64_t delivery_id, size_t limit, arena *a,
                              webhook_attempt_row **rows, size_t *n) WUR;
/* Makes every queued delivery of webhook_id due at now (an endpoint active again). */
status store_webhook_requeue(db *c, int64_t webhook_id, int64_t now) WUR;
/* The number of queued deliveries (the outbox's depth). */
status store_webhook_depth(db *c, int64_t *out) WUR;

/* ---- Idempotency-Key: stored answers of keyed POSTs (store/idem.c), in a write ---- */
/* Claims (ws, key) for a request with fingerprint fp: inserts an unfinished row, or takes over
 * one created before `expired_before` (ms). *claimed tells which; when false, *out is the row
 * that holds the key (finished, or a claim this transaction cannot see end). On PostgreSQL
 * the insert waits for another transaction that claimed the same key, then sees its row (it
 * committed) or claims (it rolled back). ST_CONFLICT when the row changed under us twice;
 * ST_UNAVAILABLE when PostgreSQL broke a deadlock between nodes by aborting us. */
status store_idem_claim(db *c, int64_t ws, const char *key, const unsigned char *fp, int64_t now,
                        int64_t expired_before, arena *a, bool *claimed, idem_row *out) WUR;
/* Stores the answer in the row this transaction claimed. */
status store_idem_finish(db *c, int64_t ws, const char *key, const idem_row *answer) WUR;
/* Drops the row this transaction claimed (a request that answered no success). */
status store_idem_release(db *c, int64_t ws, const char *key) WUR;
/* Deletes up to `limit` rows created before `expired_before`, oldest first (an index range on
 * created_at; rows another node's transaction holds are skipped). */
status store_idem_sweep(db *c, int64_t expired_before, int limit, arena *a) WUR;

#endif
