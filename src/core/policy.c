/* The access policy (policy.h): one table of who may do what by resource and operation, and
 * the object rules that core/ applies when it loads what a request names. Called by the
 * dispatcher (api/) for every route and by core/'s loaders; it reads nothing from the store. */
#include "core/policy.h"

typedef enum {
    ANYONE = 0, /* every caller of the workspace */
    OBJECT,     /* every caller; the object decides (policy_ticket, policy_teammate) */
    ADMIN,      /* a key or an admin only */
    NOBODY,     /* an undeclared route */
} rule;

static const rule rules[RES_COUNT][OP_COUNT] = {
    [RES_UNDECLARED] = {NOBODY, NOBODY, NOBODY, NOBODY},
    [RES_PUBLIC] = {ANYONE, ANYONE, ANYONE, ANYONE},
    [RES_TICKET] = {OBJECT, ANYONE, OBJECT, OBJECT},
    [RES_CLIENT] = {ANYONE, ANYONE, ANYONE, ADMIN},
    [RES_CHAT] = {OBJECT, ANYONE, OBJECT, ADMIN},
    [RES_TEAMMATE] = {ANYONE, ADMIN, OBJECT, ADMIN},
    [RES_SETTINGS] = {ANYONE, ADMIN, ADMIN, ADMIN},
    [RES_ASSET] = {ANYONE, ANYONE, ADMIN, ADMIN},
    [RES_FILE] = {OBJECT, NOBODY, NOBODY, NOBODY},
    [RES_WEBHOOK] = {ADMIN, ADMIN, ADMIN, ADMIN},
};

const char *policy_resource_name(policy_resource r)
{
    static const char *const names[RES_COUNT] = {
        [RES_UNDECLARED] = "undeclared", [RES_PUBLIC] = "public", [RES_TICKET] = "ticket",
        [RES_CLIENT] = "client",         [RES_CHAT] = "chat",     [RES_TEAMMATE] = "teammate",
        [RES_SETTINGS] = "settings",     [RES_ASSET] = "asset",   [RES_FILE] = "file",
        [RES_WEBHOOK] = "webhook",
    };
    return (unsigned)r < RES_COUNT ? names[r] : "?";
}

const char *policy_op_name(policy_op op)
{
    static const char *const names[OP_COUNT] = {"read", "create", "change", "delete"};
    return (unsigned)op < OP_COUNT ? names[op] : "?";
}

status policy_route(const core_ctx *cx, policy_resource res, policy_op op)
{
    BUG_ON((unsigned)res >= RES_COUNT || (unsigned)op >= OP_COUNT);
    rule r = rules[res][op];
    if (r == NOBODY) return diag_set(cx->d, ST_FORBIDDEN, "", "this route declares no access rule");
    if (r == ADMIN && !core_is_admin(cx))
        return diag_set(cx->d, ST_FORBIDDEN, "", "to %s %s needs the admin role",
                        policy_op_name(op), policy_resource_name(res));
    return ST_OK;
}

status policy_ticket(const core_ctx *cx, int64_t assignee_id)
{
    if (core_is_admin(cx) || assignee_id == NULL_INT || assignee_id == cx->user_id) return ST_OK;
    return diag_set(cx->d, ST_FORBIDDEN, "id", "the ticket is assigned to another teammate");
}

status policy_chat(const core_ctx *cx, int64_t n_others)
{
    if (core_is_admin(cx) || !n_others) return ST_OK;
    return diag_set(cx->d, ST_FORBIDDEN, "id", "the chat's ticket is assigned to another teammate");
}

status policy_list_user(const core_ctx *cx, const char *field, bool all, int64_t *user_id)
{
    if (core_is_admin(cx)) return ST_OK;
    if (all) return diag_set(cx->d, ST_FORBIDDEN, field, "all needs the admin role");
    if (*user_id == NULL_INT) {
        *user_id = cx->user_id;
        return ST_OK;
    }
    if (*user_id != cx->user_id)
        return diag_set(cx->d, ST_FORBIDDEN, field,
                        "another teammate's tickets need the admin role");
    return ST_OK;
}

status policy_teammate(const core_ctx *cx, int64_t target_id, bool role_set)
{
    if (core_is_admin(cx)) return ST_OK;
    if (target_id != cx->user_id)
        return diag_set(cx->d, ST_FORBIDDEN, "id",
                        "another teammate's record needs the admin role");
    if (role_set) return diag_set(cx->d, ST_FORBIDDEN, "role", "needs the admin role to change");
    return ST_OK;
}

status policy_act_as(const core_ctx *cx, const char *field, int64_t user_id)
{
    if (core_is_admin(cx) || user_id == cx->user_id) return ST_OK;
    return diag_set(cx->d, ST_FORBIDDEN, field,
                    "must be the caller: acting as another teammate "
                    "needs the admin role");
}

bool policy_file_unsigned(const core_ctx *cx)
{
    return core_is_admin(cx); /* a request without credentials has no workspace: signed only */
}
