/* Channels, responders, chats and messages; see chat.h. Validation names the input field;
 * references to missing objects in the input are REASON_BODY_REF. */
#include "core/chat.h"

#include <string.h>

#include "core/policy.h"
#include "store/store.h"
#include "util/limits.h"

static const char *const channel_types[] = {"widget", "whatsapp", "instagram", "telegram",
                                            "email",  "api",      NULL};
static const char *const responder_entities[] = {"agents", "squads", "workflows", NULL};

/* ---- channels ---- */

static status check_channel(core_ctx *cx, const channel_in *in, bool create)
{
    status st = ST_OK;
    if (create || in->name.set) st = check_text(cx->d, "name", in->name.v, true, LIMIT_NAME_CHARS);
    if (!st && (create || in->type.set)) st = check_enum(cx->d, "type", in->type.v, channel_types);
    return st;
}

static void apply_channel(core_ctx *cx, const channel_in *in, channel_row *r)
{
    if (in->name.set) r->name = (char *)in->name.v;
    if (in->type.set) r->type = (char *)in->type.v;
    r->updated_at = cx->now;
}

static status do_channel_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    channel_row *r = w->out;
    status st = check_channel(cx, w->in, true);
    if (st) return st;
    memset(r, 0, sizeof *r);
    uuid_v4(r->uuid);
    r->created_at = cx->now;
    apply_channel(cx, w->in, r);
    return store_channel_insert(cx->db, cx->ws, r);
}

status channel_get(core_ctx *cx, const char *id, channel_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    return st ? st
              : path_found(cx->d, "channel", store_channel_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_channel_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    status st = channel_get(cx, w->id, w->out);
    if (!st) st = check_channel(cx, w->in, false);
    if (st) return st;
    apply_channel(cx, w->in, w->out);
    return store_channel_update(cx->db, cx->ws, w->out);
}

static status do_channel_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    channel_row r;
    int64_t refs = 0;
    status st = channel_get(cx, w->id, &r);
    if (!st) st = store_channel_refs(cx->db, cx->ws, r.id, &refs);
    if (st) return st;
    if (refs) return diag_set(cx->d, ST_CONFLICT, "channel", "is still used by chats");
    return store_channel_delete(cx->db, cx->ws, r.id);
}

status channel_list(core_ctx *cx, const list_in *in, channel_row **rows, size_t *n)
{
    list_page pg = core_page(in);
    return store_channel_list(cx->db, cx->ws, &pg, cx->a, rows, n);
}

/* ---- responders ---- */

static status check_responder(core_ctx *cx, const responder_in *in, bool create)
{
    status st = ST_OK;
    if (create || in->entity.set)
        st = check_enum(cx->d, "entity", in->entity.v, responder_entities);
    if (!st && (create || in->name.set))
        st = check_text(cx->d, "name", in->name.v, true, LIMIT_NAME_CHARS);
    if (!st) st = check_text(cx->d, "picture", in->picture.v, false, LIMIT_TEXT_CHARS);
    return st;
}

static void apply_responder(core_ctx *cx, const responder_in *in, responder_row *r)
{
    if (in->entity.set) r->entity = (char *)in->entity.v;
    if (in->name.set) r->name = (char *)in->name.v;
    if (in->picture.set) r->picture = (char *)in->picture.v;
    r->updated_at = cx->now;
}

static status do_responder_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    responder_row *r = w->out;
    status st = check_responder(cx, w->in, true);
    if (st) return st;
    memset(r, 0, sizeof *r);
    uuid_v4(r->uuid);
    r->version_uuid = arena_alloc(cx->a, UUID_STR_LEN + 1);
    uuid_v4(r->version_uuid);
    r->created_at = cx->now;
    apply_responder(cx, w->in, r);
    return store_responder_insert(cx->db, cx->ws, r);
}

status responder_get(core_ctx *cx, const char *id, responder_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    return st ? st
              : path_found(cx->d, "responder",
                           store_responder_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_responder_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    status st = responder_get(cx, w->id, w->out);
    if (!st) st = check_responder(cx, w->in, false);
    if (st) return st;
    apply_responder(cx, w->in, w->out);
    return store_responder_update(cx->db, cx->ws, w->out);
}

static status do_responder_version(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    responder_row *r = w->out;
    status st = responder_get(cx, w->id, r);
    if (st) return st;
    r->version_number = (r->version_number == NULL_INT ? 0 : r->version_number) + 1;
    r->version_uuid = arena_alloc(cx->a, UUID_STR_LEN + 1);
    uuid_v4(r->version_uuid);
    r->updated_at = cx->now;
    return store_responder_add_version(cx->db, cx->ws, r);
}

static status do_responder_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    responder_row r;
    int64_t refs = 0;
    status st = responder_get(cx, w->id, &r);
    if (!st) st = store_responder_refs(cx->db, cx->ws, r.id, &refs);
    if (st) return st;
    if (refs) return diag_set(cx->d, ST_CONFLICT, "responder", "is still used by chats");
    return store_responder_delete(cx->db, cx->ws, r.id);
}

status responder_list(core_ctx *cx, const list_in *in, responder_row **rows, size_t *n)
{
    list_page pg = core_page(in);
    return store_responder_list(cx->db, cx->ws, &pg, cx->a, rows, n);
}

/* ---- chats ---- */

/* The access rule on a chat (policy_chat): an agent works only in chats none of whose tickets
 * is another teammate's. */
static status chat_allowed(core_ctx *cx, const chat_row *ch)
{
    if (core_is_admin(cx)) return ST_OK;
    int64_t others = 0;
    status st = store_chat_others_tickets(cx->db, cx->ws, ch->id, cx->user_id, &others);
    return st ? st : policy_chat(cx, others);
}

status chat_get(core_ctx *cx, const char *id, chat_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (!st) st = path_found(cx->d, "chat", store_chat_get(cx->db, cx->ws, uuid, cx->a, out));
    return st ? st : chat_allowed(cx, out);
}

status chat_resolve(core_ctx *cx, const char *field, const char *id, chat_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, field, id, uuid);
    if (!st) st = body_found(cx->d, field, store_chat_get(cx->db, cx->ws, uuid, cx->a, out));
    if (!st && (st = chat_allowed(cx, out)) == ST_FORBIDDEN) /* name the input's field */
        diag_set(cx->d, st, field, "the chat's ticket is assigned to another teammate");
    return st;
}

/* The responder named in the input, with its current version. */
static status resolve_responder(core_ctx *cx, const char *id, responder_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "responderId", id, uuid);
    if (st) return st;
    st = store_responder_get(cx->db, cx->ws, uuid, cx->a, out);
    return body_found(cx->d, "responderId", st);
}

/* The owner: an external user, else a platform user (through the contact standing for it). */
static status resolve_owner(core_ctx *cx, const char *id, contact_row *out, const char **entity)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "ownerId", id, uuid);
    if (st) return st;
    st = store_contact_get(cx->db, cx->ws, uuid, cx->a, out);
    *entity = "external-users";
    if (st != ST_NOT_FOUND) return st;
    user_row u;
    st = store_user_get(cx->db, cx->ws, uuid, cx->a, &u);
    if ((st = body_found(cx->d, "ownerId", st))) return st;
    *entity = "users";
    return st ? st : store_contact_for_user(cx->db, cx->ws, &u, cx->now, cx->a, out);
}

static status do_chat_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const chat_in *in = w->in;
    chat_row *r = w->out;
    diag *d = cx->d;
    char uuid[UUID_STR_LEN + 1];
    channel_row ch;
    responder_row rs;
    contact_row owner;
    const char *entity;
    status st = check_uuid(d, "channelId", in->channel_id.v, uuid);
    if (!st) st = check_text(d, "summary", in->summary.v, false, LIMIT_TEXT_CHARS);
    if (!st && !in->owner_id.v) st = diag_set(d, ST_INVALID, "ownerId", "is required");
    if (!st && !in->responder_id.v) st = diag_set(d, ST_INVALID, "responderId", "is required");
    if (st) return st;
    st = store_channel_get(cx->db, cx->ws, uuid, cx->a, &ch);
    if ((st = body_found(d, "channelId", st))) return st;
    if (!st) st = resolve_owner(cx, in->owner_id.v, &owner, &entity);
    if (!st) st = resolve_responder(cx, in->responder_id.v, &rs);
    if (st) return st;
    *r = (chat_row){
        .channel_id = ch.id,
        .contact_id = owner.id,
        .responder_id = rs.id,
        .version_id = rs.version_id,
        .channel_uuid = arena_strdup(cx->a, ch.uuid),
        .owner_uuid = arena_strdup(cx->a, owner.uuid),
        .owner_entity = (char *)entity,
        .responder_uuid = arena_strdup(cx->a, rs.uuid),
        .version_uuid = rs.version_uuid,
        .summary = (char *)in->summary.v,
        .created_at = cx->now,
        .updated_at = cx->now,
    };
    uuid_v4(r->uuid);
    return store_chat_insert(cx->db, cx->ws, r);
}

static status do_chat_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const chat_in *in = w->in;
    chat_row *r = w->out;
    status st = chat_get(cx, w->id, r);
    if (!st) st = check_text(cx->d, "summary", in->summary.v, false, LIMIT_TEXT_CHARS);
    if (st) return st;
    if (in->channel_id.set || in->owner_id.set)
        return diag_set(cx->d, ST_INVALID, in->channel_id.set ? "channelId" : "ownerId",
                        "cannot be changed");
    if (in->responder_id.set) {
        responder_row rs;
        if (!in->responder_id.v)
            return diag_set(cx->d, ST_INVALID, "responderId", "must not be null");
        if ((st = resolve_responder(cx, in->responder_id.v, &rs))) return st;
        r->responder_id = rs.id;
        r->responder_uuid = arena_strdup(cx->a, rs.uuid);
        r->version_id = rs.version_id;
        r->version_uuid = rs.version_uuid;
    }
    if (in->summary.set) r->summary = (char *)in->summary.v;
    r->updated_at = cx->now;
    return store_chat_update(cx->db, cx->ws, r);
}

static status do_chat_remove(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    chat_row *r = w->out;
    status st = chat_get(cx, w->id, r);
    if (st || r->is_removed) return st;
    r->is_removed = true;
    r->updated_at = cx->now;
    return store_chat_update(cx->db, cx->ws, r);
}

status chat_list(core_ctx *cx, const list_in *in, chat_row **rows, size_t *n)
{
    list_page pg = core_page(in);
    /* An agent lists the chats it may work in (policy_chat). */
    int64_t visible_to = core_is_admin(cx) ? NULL_INT : cx->user_id;
    return store_chat_list(cx->db, cx->ws, &pg, visible_to, cx->a, rows, n);
}

status chat_add_message(core_ctx *cx, int64_t chat_id, const char *text, bool from_owner,
                        message_row *out)
{
    *out = (message_row){.text = (char *)text, .from_owner = from_owner, .created_at = cx->now};
    uuid_v4(out->uuid);
    return store_message_insert(cx->db, cx->ws, chat_id, out);
}

struct message_arg {
    const char *chat_id, *text;
    bool from_owner;
    message_row *out;
};

static status do_message_create(core_ctx *cx, void *arg)
{
    struct message_arg *m = arg;
    chat_row ch;
    status st = chat_get(cx, m->chat_id, &ch);
    if (!st) st = check_text(cx->d, "text", m->text, true, LIMIT_TEXT_CHARS);
    if (!st) st = chat_add_message(cx, ch.id, m->text, m->from_owner, m->out);
    if (!st) m->out->chat_uuid = arena_strdup(cx->a, ch.uuid);
    return st;
}

status message_create(core_ctx *cx, const char *chat_id, const char *text, bool from_owner,
                      message_row *out)
{
    struct message_arg m = {chat_id, text, from_owner, out};
    return core_txn(cx, do_message_create, &m);
}

status message_list(core_ctx *cx, const char *chat_id, const list_in *in, message_row **rows,
                    size_t *n)
{
    chat_row ch;
    status st = chat_get(cx, chat_id, &ch);
    if (st) return st;
    list_page pg = core_page(in);
    return store_message_list(cx->db, cx->ws, ch.id, &pg, cx->a, rows, n);
}

status chat_auto(core_ctx *cx, const char *dialect, const contact_row *owner, const char *summary,
                 chat_row *out)
{
    *out = (chat_row){
        .contact_id = owner->id,
        .owner_entity = owner->user_id == NULL_INT ? "external-users" : "users",
        .summary = (char *)summary,
        .created_at = cx->now,
        .updated_at = cx->now,
    };
    uuid_v4(out->uuid);
    /* One round trip where the built-ins exist (every chat but a workspace's first). */
    status st = store_chat_insert_builtin(cx->db, cx->ws, dialect, out);
    if (st != ST_NOT_FOUND) return st;
    channel_row ch;
    responder_row rs;
    st = store_channel_builtin(cx->db, cx->ws, dialect, cx->now, cx->a, &ch);
    if (!st) st = store_responder_builtin(cx->db, cx->ws, cx->now, cx->a, &rs);
    if (st) return st;
    out->channel_id = ch.id;
    out->responder_id = rs.id;
    out->version_id = rs.version_id;
    return store_chat_insert(cx->db, cx->ws, out);
}

/* ---- the public writes: each one transaction ---- */

CORE_WRITE(channel_create(core_ctx *cx, const channel_in *in, channel_row *out), do_channel_create,
           NULL, in, out)
CORE_WRITE(channel_update(core_ctx *cx, const char *id, const channel_in *in, channel_row *out),
           do_channel_update, id, in, out)
CORE_WRITE(channel_delete(core_ctx *cx, const char *id), do_channel_delete, id, NULL, NULL)
CORE_WRITE(responder_create(core_ctx *cx, const responder_in *in, responder_row *out),
           do_responder_create, NULL, in, out)
CORE_WRITE(responder_update(core_ctx *cx, const char *id, const responder_in *in,
                            responder_row *out),
           do_responder_update, id, in, out)
CORE_WRITE(responder_add_version(core_ctx *cx, const char *id, responder_row *out),
           do_responder_version, id, NULL, out)
CORE_WRITE(responder_delete(core_ctx *cx, const char *id), do_responder_delete, id, NULL, NULL)
CORE_WRITE(chat_create(core_ctx *cx, const chat_in *in, chat_row *out), do_chat_create, NULL, in,
           out)
CORE_WRITE(chat_update(core_ctx *cx, const char *id, const chat_in *in, chat_row *out),
           do_chat_update, id, in, out)

status chat_remove(core_ctx *cx, const char *id)
{
    chat_row r;
    write_arg w = {id, NULL, &r};
    return core_txn(cx, do_chat_remove, &w);
}
