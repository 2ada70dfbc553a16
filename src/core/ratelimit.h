/* The server's rate limits: what is counted, against what budget (the bucket math and the
 * bounded table are util/rate.h). Three kinds of bucket, each its own table of at most
 * LIMIT_RATE_BUCKETS:
 *  - requests per workspace key, and per teammate for bearer tokens (all of a teammate's
 *    tokens share one bucket, so minting tokens buys no budget);
 *  - requests per client address, for requests that present no key (the token endpoints,
 *    signed file URLs); IPv6 addresses count per /64;
 *  - failed password grants per login (lower-cased): a login whose failures used the budget is
 *    refused, even with the right password, until the bucket refills. A success costs nothing.
 * A rule of n requests per period lets n through at once, then one every period/n. Buckets
 * live in this process only: with several nodes every node keeps its own (docs/POSTGRES.md).
 * Over a limit is ST_RATE_LIMITED with diag.retry_after_s. All calls are thread-safe once
 * ratelimit_init has run; without it (the command line, unit tests) nothing is limited. */
#ifndef TICKETD_CORE_RATELIMIT_H
#define TICKETD_CORE_RATELIMIT_H

#include "core/core.h"

typedef struct {
    int64_t n, period_s; /* n requests per period_s seconds; n == 0: no limit */
} ratelimit_rule;

typedef struct {
    ratelimit_rule key;     /* per workspace key or teammate (serve --rate; default none) */
    ratelimit_rule address; /* per client address without a key (--rate-ip; default none) */
    ratelimit_rule login;   /* failed password grants per login (--login-failures) */
} ratelimit_config;

#define RATELIMIT_LOGIN_N        10
#define RATELIMIT_LOGIN_PERIOD_S (15 * 60)
#define RATELIMIT_MAX_N          1000000 /* n of a rule */
#define RATELIMIT_MAX_PERIOD_S   86400   /* period of a rule */

/* Sets the rules (replacing any earlier tables); call before serving, not concurrently with
 * the calls below. Aborts on a rule outside 0..RATELIMIT_MAX_N per 1..RATELIMIT_MAX_PERIOD_S. */
void ratelimit_init(const ratelimit_config *cfg);
void ratelimit_release(void);

/* Charges one request to the key or teammate cx acts as (after authentication). */
status ratelimit_actor(core_ctx *cx) WUR;
/* Charges one request to the client address peer (text, IPv4 or IPv6; NULL or unparsable ones
 * share one bucket). */
status ratelimit_address(const char *peer, diag *d) WUR;
/* Before a password check: takes one failure from login's budget, ST_RATE_LIMITED when none
 * is left. ratelimit_login_ok gives it back when the password was right. */
status ratelimit_login_take(const char *login, diag *d) WUR;
void ratelimit_login_ok(const char *login);

#endif
