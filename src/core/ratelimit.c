/* Rate-limit policy; see ratelimit.h. Owns the process's three bucket tables (util/rate.h) and
 * turns an empty bucket into ST_RATE_LIMITED with a message and a retry time. Called by api/
 * (every keyed request, and requests without a key) and core/auth.c (password grants). */
#include "core/ratelimit.h"

#include <arpa/inet.h>
#include <string.h>

#include "util/limits.h"
#include "util/rate.h"
#include "util/timeutil.h"

static ratelimit_config conf;
static rate_table *keys, *addresses, *logins;

static rate_table *table_for(const ratelimit_rule *r)
{
    BUG_ON(r->n < 0 || r->n > RATELIMIT_MAX_N);
    if (!r->n) return NULL;
    BUG_ON(r->period_s < 1 || r->period_s > RATELIMIT_MAX_PERIOD_S);
    return rate_table_new(r->n, r->period_s * 1000000, LIMIT_RATE_BUCKETS);
}

void ratelimit_init(const ratelimit_config *cfg)
{
    ratelimit_release();
    conf = *cfg;
    keys = table_for(&conf.key);
    addresses = table_for(&conf.address);
    logins = table_for(&conf.login);
}

void ratelimit_release(void)
{
    rate_table_free(keys);
    rate_table_free(addresses);
    rate_table_free(logins);
    keys = addresses = logins = NULL;
    conf = (ratelimit_config){0};
}

/* Takes one from key's bucket; over the limit, fills d: "<what>: <rule>; retry in N s". */
static status take(rate_table *t, const ratelimit_rule *r, const void *key, size_t len,
                   const char *what, diag *d)
{
    int64_t retry_us;
    if (!t || rate_take(t, key, len, time_mono_us(), &retry_us)) return ST_OK;
    int64_t s = (retry_us + 999999) / 1000000;
    if (s < 1) s = 1;
    status st = diag_set(d, ST_RATE_LIMITED, "", "%s: at most %lld per %lld s; retry in %lld s",
                         what, (long long)r->n, (long long)r->period_s, (long long)s);
    if (d) d->retry_after_s = s;
    return st;
}

status ratelimit_actor(core_ctx *cx)
{
    if (!keys) return ST_OK;
    char id[UUID_STR_LEN + 2];
    id[0] = cx->actor == ACTOR_USER ? 'u' : 'k';
    memcpy(id + 1, cx->actor_id, UUID_STR_LEN);
    return take(keys, &conf.key, id, UUID_STR_LEN + 1,
                cx->actor == ACTOR_USER ? "too many requests for this teammate"
                                        : "too many requests for this key",
                cx->d);
}

status ratelimit_address(const char *peer, diag *d)
{
    if (!addresses) return ST_OK;
    /* The family and the address bytes; an IPv6 host usually holds a whole /64. */
    unsigned char k[1 + 16] = {0};
    size_t len = 1;
    if (peer && inet_pton(AF_INET, peer, k + 1) == 1) {
        k[0] = 4;
        len = 1 + 4;
    } else if (peer && inet_pton(AF_INET6, peer, k + 1) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(k + 1, mapped, sizeof mapped) == 0) { /* ::ffff:a.b.c.d is IPv4 */
            memmove(k + 1, k + 1 + 12, 4);
            k[0] = 4;
            len = 1 + 4;
        } else {
            k[0] = 6;
            len = 1 + 8;
        }
    }
    return take(addresses, &conf.address, k, len, "too many requests from this address", d);
}

/* Logins are counted in lower case, as they match (email in any case). */
static size_t login_key(const char *login, char *out, size_t cap)
{
    size_t n = 0;
    for (; login && login[n] && n < cap; n++) {
        char ch = login[n];
        out[n] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    return n;
}

status ratelimit_login_take(const char *login, diag *d)
{
    if (!logins) return ST_OK;
    char k[512];
    size_t n = login_key(login, k, sizeof k);
    return take(logins, &conf.login, k, n, "too many failed logins for this account", d);
}

void ratelimit_login_ok(const char *login)
{
    if (!logins) return;
    char k[512];
    size_t n = login_key(login, k, sizeof k);
    rate_refund(logins, k, n, time_mono_us());
}
