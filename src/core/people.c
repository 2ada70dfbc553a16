/* Teammates, clients and billing plans: validation, uniqueness and reference rules; see
 * people.h. */
#include "core/people.h"

#include <string.h>

#include "core/policy.h"
#include "core/session.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"

/* ---- teammates ---- */

static status check_user(core_ctx *cx, const user_in *in, bool create)
{
    diag *d = cx->d;
    status st = ST_OK;
    if (create || in->name.set) st = check_text(d, "name", in->name.v, true, LIMIT_NAME_CHARS);
    if (!st && (create || in->email.set)) st = check_email(d, "email", in->email.v, true);
    if (!st) st = check_text(d, "last_name", in->last_name.v, false, LIMIT_NAME_CHARS);
    if (!st) st = check_text(d, "username", in->username.v, false, 64);
    if (!st) st = check_text(d, "picture", in->picture.v, false, LIMIT_TEXT_CHARS);
    if (!st && in->username.v && !*in->username.v)
        st = diag_set(d, ST_INVALID, "username", "must not be empty");
    /* A login is an email or a username: a username that reads as an email could stand for
     * another teammate's (agent=, user=, the token grant). */
    if (!st && in->username.v && strchr(in->username.v, '@'))
        st = diag_set(d, ST_INVALID, "username", "must not contain @");
    if (!st && in->role.v && strcmp(in->role.v, "admin") && strcmp(in->role.v, "agent"))
        st = diag_set(d, ST_INVALID, "role", "must be admin or agent");
    if (!st && in->role.set && !in->role.v)
        st = diag_set(d, ST_INVALID, "role", "must not be null");
    if (!st && in->password.v) {
        size_t n = text_utf8_chars(in->password.v);
        if (n < 8 || n > 256)
            st = diag_set(d, ST_INVALID, "password", "must be 8 to 256 characters");
    }
    return st;
}

/* Copies the set fields of in over u. */
static void apply_user(core_ctx *cx, const user_in *in, user_row *u)
{
    if (in->name.set) u->name = (char *)in->name.v;
    if (in->email.set) u->email = (char *)in->email.v;
    if (in->last_name.set) u->last_name = (char *)in->last_name.v;
    if (in->username.set) u->username = (char *)in->username.v;
    if (in->role.set) u->role = (char *)in->role.v;
    if (in->picture.set) u->picture = (char *)in->picture.v;
    if (in->country.set) u->country = in->country.v ? arena_strdup(cx->a, in->country.v) : NULL;
    if (in->password.set) {
        u->password_hash = NULL;
        if (in->password.v) {
            u->password_hash = arena_alloc(cx->a, PASSWORD_HASH_LEN);
            crypto_password_hash(in->password.v, u->password_hash);
        }
    }
    u->updated_at = cx->now;
}

static status user_conflict(core_ctx *cx, status st)
{
    if (st == ST_CONFLICT)
        return diag_set(cx->d, st, "email",
                        "is already used by another teammate (or the "
                        "username is taken)");
    return st;
}

static status do_user_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const user_in *in = w->in;
    user_row *out = w->out;
    status st = check_user(cx, in, true);
    if (st) return st;
    memset(out, 0, sizeof *out);
    uuid_v4(out->uuid);
    out->role = "agent";
    out->active = in->active_set ? in->active : true;
    out->created_at = cx->now;
    out->last_login = NULL_INT;
    apply_user(cx, in, out);
    if (out->country && (st = check_country(cx->d, "country", out->country))) return st;
    return user_conflict(cx, store_user_insert(cx->db, cx->ws, out));
}

status user_get(core_ctx *cx, const char *id, user_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (st) return st;
    return path_found(cx->d, "teammate", store_user_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_user_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const char *id = w->id;
    const user_in *in = w->in;
    user_row *out = w->out;
    status st = user_get(cx, id, out);
    if (!st) st = policy_teammate(cx, out->id, in->role.set);
    if (!st && in->active_set && !core_is_admin(cx))
        st = diag_set(cx->d, ST_FORBIDDEN, "active", "needs the admin role to change");
    /* Nobody locks themselves out: another administrator (or a key) deactivates. */
    if (!st && in->active_set && !in->active && cx->actor == ACTOR_USER && out->id == cx->user_id)
        st = diag_set(cx->d, ST_INVALID, "active", "cannot be false for yourself");
    if (!st) st = check_user(cx, in, false);
    if (st) return st;
    bool deactivated = out->active && in->active_set && !in->active;
    apply_user(cx, in, out);
    if (in->active_set) out->active = in->active;
    if (out->country && (st = check_country(cx->d, "country", out->country))) return st;
    /* A new (or removed) password signs the teammate out of every session; tokens stay. */
    if ((in->password.set || deactivated) && (st = session_end_user(cx, out->id))) return st;
    /* Deactivated: its tokens stop working too, and stay revoked if it comes back. */
    if (deactivated && (st = store_token_revoke_user(cx->db, cx->ws, out->id, cx->now))) return st;
    return user_conflict(cx, store_user_update(cx->db, cx->ws, out));
}

static status do_user_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const char *id = w->id;
    user_row u;
    int64_t refs = 0;
    status st = user_get(cx, id, &u);
    if (!st) st = store_user_refs(cx->db, cx->ws, u.id, &refs);
    if (st) return st;
    if (refs)
        return diag_set(cx->d, ST_CONFLICT, "teammate",
                        "is still referenced by tickets, "
                        "replies or categories");
    return store_user_delete(cx->db, cx->ws, u.id);
}

status user_list(core_ctx *cx, const list_in *in, user_row **rows, size_t *n, int64_t *total)
{
    list_page pg = core_page(in);
    return store_user_list(cx->db, cx->ws, &pg, cx->a, rows, n, total);
}

const char *user_permission(const user_row *u)
{
    return u->role && strcmp(u->role, "admin") == 0 ? "*" : "tickets";
}

/* ---- billing plans ---- */

status plan_resolve(core_ctx *cx, const char *field, const char *id, plan_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, field, id, uuid);
    if (st) return st;
    st = store_plan_get(cx->db, cx->ws, uuid, cx->a, out);
    if (st == ST_NOT_FOUND) {
        cx->d->reason = REASON_PLAN_UNKNOWN;
        return diag_set(cx->d, st, field, "is not a billing plan");
    }
    return st;
}

static status do_plan_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const plan_in *in = w->in;
    plan_row *out = w->out;
    status st = check_text(cx->d, "name", in->name, true, LIMIT_NAME_CHARS);
    if (st) return st;
    memset(out, 0, sizeof *out);
    uuid_v4(out->uuid);
    out->name = (char *)in->name;
    out->attrs = (char *)(in->attrs ? in->attrs : "{}");
    out->created_at = cx->now;
    return store_plan_insert(cx->db, cx->ws, out);
}

static status do_plan_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const char *id = w->id;
    plan_row p;
    int64_t refs = 0;
    status st = plan_resolve(cx, "id", id, &p);
    if (!st) st = store_plan_refs(cx->db, cx->ws, p.id, &refs);
    if (st) return st;
    if (refs) return diag_set(cx->d, ST_CONFLICT, "plan", "is still used by clients or categories");
    return store_plan_delete(cx->db, cx->ws, p.id);
}

status plan_list(core_ctx *cx, const list_in *in, plan_row **rows, size_t *n, int64_t *total)
{
    list_page pg = core_page(in);
    return store_plan_list(cx->db, cx->ws, &pg, cx->a, rows, n, total);
}

/* ---- clients ---- */

static status check_contact(core_ctx *cx, const contact_in *in, bool create)
{
    status st = ST_OK;
    if (create || in->name.set) st = check_text(cx->d, "name", in->name.v, true, LIMIT_NAME_CHARS);
    if (!st && (create || in->email.set))
        st = check_email(cx->d, "email", in->email.v, in->require_email);
    if (!st) st = check_text(cx->d, "identifier", in->identifier.v, false, LIMIT_NAME_CHARS);
    return st;
}

static status apply_contact(core_ctx *cx, const contact_in *in, contact_row *r)
{
    status st = ST_OK;
    if (in->name.set) r->name = (char *)in->name.v;
    if (in->email.set) r->email = (char *)in->email.v;
    if (in->identifier.set) r->identifier = (char *)in->identifier.v;
    if (in->is_blocked >= 0) r->is_blocked = in->is_blocked;
    if (in->country.set) {
        r->country = in->country.v ? arena_strdup(cx->a, in->country.v) : NULL;
        if ((st = check_country(cx->d, "country", r->country))) return st;
    }
    if (in->plan.set) {
        r->plan_id = NULL_INT;
        r->plan_uuid = NULL;
        if (in->plan.v) {
            plan_row p;
            if ((st = plan_resolve(cx, "billing_plan", in->plan.v, &p))) return st;
            r->plan_id = p.id;
            r->plan_uuid = arena_strdup(cx->a, p.uuid);
        }
    }
    r->updated_at = cx->now;
    return ST_OK;
}

static status do_contact_create(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const contact_in *in = w->in;
    contact_row *out = w->out;
    status st = check_contact(cx, in, true);
    if (st) return st;
    memset(out, 0, sizeof *out);
    uuid_v4(out->uuid);
    out->plan_id = NULL_INT;
    out->user_id = NULL_INT;
    out->created_at = cx->now;
    if ((st = apply_contact(cx, in, out))) return st;
    return store_contact_insert(cx->db, cx->ws, out);
}

status contact_get(core_ctx *cx, const char *id, contact_row *out)
{
    char uuid[UUID_STR_LEN + 1];
    status st = check_uuid(cx->d, "id", id, uuid);
    if (st) return st;
    return path_found(cx->d, "client", store_contact_get(cx->db, cx->ws, uuid, cx->a, out));
}

static status do_contact_update(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const char *id = w->id;
    const contact_in *in = w->in;
    contact_row *out = w->out;
    status st = contact_get(cx, id, out);
    if (!st) st = check_contact(cx, in, false);
    if (!st) st = apply_contact(cx, in, out);
    if (st) return st;
    return store_contact_update(cx->db, cx->ws, out);
}

static status do_contact_delete(core_ctx *cx, void *arg)
{
    const write_arg *w = arg;
    const char *id = w->id;
    contact_row r;
    int64_t refs = 0;
    status st = contact_get(cx, id, &r);
    if (!st) st = store_contact_refs(cx->db, cx->ws, r.id, &refs);
    if (st) return st;
    if (refs) return diag_set(cx->d, ST_CONFLICT, "client", "still has tickets or replies");
    return store_contact_delete(cx->db, cx->ws, r.id);
}

status contact_list(core_ctx *cx, const list_in *in, contact_row **rows, size_t *n, int64_t *total)
{
    list_page pg = core_page(in);
    return store_contact_list(cx->db, cx->ws, &pg, cx->a, rows, n, total);
}

/* ---- the public writes: each one transaction ---- */

CORE_WRITE(user_create(core_ctx *cx, const user_in *in, user_row *out), do_user_create, NULL, in,
           out)
CORE_WRITE(user_update(core_ctx *cx, const char *id, const user_in *in, user_row *out),
           do_user_update, id, in, out)
CORE_WRITE(user_delete(core_ctx *cx, const char *id), do_user_delete, id, NULL, NULL)
CORE_WRITE(plan_create(core_ctx *cx, const plan_in *in, plan_row *out), do_plan_create, NULL, in,
           out)
CORE_WRITE(plan_delete(core_ctx *cx, const char *id), do_plan_delete, id, NULL, NULL)
CORE_WRITE(contact_create(core_ctx *cx, const contact_in *in, contact_row *out), do_contact_create,
           NULL, in, out)
CORE_WRITE(contact_update(core_ctx *cx, const char *id, const contact_in *in, contact_row *out),
           do_contact_update, id, in, out)
CORE_WRITE(contact_delete(core_ctx *cx, const char *id), do_contact_delete, id, NULL, NULL)
