/* Channels, responders (with numbered versions), chats and their messages: the conversation a
 * ticket belongs to. Every ticket has a chat; chat_auto makes one for tickets that arrive
 * without (through Tamio), on the workspace's built-in channel and responder. A chat's owner
 * is an external user (contact) or a platform user. Deleting a chat only marks it removed. */
#ifndef TICKETD_CORE_CHAT_H
#define TICKETD_CORE_CHAT_H

#include "core/core.h"

typedef struct {
    opt_str name, type;
} channel_in;

status channel_create(core_ctx *cx, const channel_in *in, channel_row *out) WUR;
status channel_update(core_ctx *cx, const char *id, const channel_in *in, channel_row *out) WUR;
status channel_get(core_ctx *cx, const char *id, channel_row *out) WUR;
status channel_delete(core_ctx *cx, const char *id) WUR; /* ST_CONFLICT while chats use it */
status channel_list(core_ctx *cx, const list_in *in, channel_row **rows, size_t *n) WUR;

typedef struct {
    opt_str entity, name, picture;
} responder_in;

status responder_create(core_ctx *cx, const responder_in *in, responder_row *out) WUR;
status responder_update(core_ctx *cx, const char *id, const responder_in *in,
                        responder_row *out) WUR;
/* Adds the next version and makes it current. */
status responder_add_version(core_ctx *cx, const char *id, responder_row *out) WUR;
status responder_get(core_ctx *cx, const char *id, responder_row *out) WUR;
status responder_delete(core_ctx *cx, const char *id) WUR;
status responder_list(core_ctx *cx, const list_in *in, responder_row **rows, size_t *n) WUR;

typedef struct {
    opt_str channel_id, owner_id, responder_id, summary;
} chat_in;

status chat_create(core_ctx *cx, const chat_in *in, chat_row *out) WUR;
/* Changes the summary and/or the responder (which brings its current version). */
status chat_update(core_ctx *cx, const char *id, const chat_in *in, chat_row *out) WUR;
/* The chat the path names; ST_FORBIDDEN when the caller may not work in it (policy_chat). */
status chat_get(core_ctx *cx, const char *id, chat_row *out) WUR;
status chat_remove(core_ctx *cx, const char *id) WUR;
status chat_list(core_ctx *cx, const list_in *in, chat_row **rows, size_t *n) WUR;
/* Resolves a chat named in the input field `field` (ST_NOT_FOUND with REASON_BODY_REF). */
status chat_resolve(core_ctx *cx, const char *field, const char *id, chat_row *out) WUR;

status message_create(core_ctx *cx, const char *chat_id, const char *text, bool from_owner,
                      message_row *out) WUR;
status message_list(core_ctx *cx, const char *chat_id, const list_in *in, message_row **rows,
                    size_t *n) WUR;

/* Inside a transaction: a new chat for a ticket made by `dialect` for owner contact `owner`. */
status chat_auto(core_ctx *cx, const char *dialect, const contact_row *owner, const char *summary,
                 chat_row *out) WUR;
/* Inside a transaction: appends a message to chat `chat_id`. */
status chat_add_message(core_ctx *cx, int64_t chat_id, const char *text, bool from_owner,
                        message_row *out) WUR;

#endif
