/* Idempotency-Key (core/idem.h): the rules over store/idem.c's rows. A claim is a row with no
 * status, inserted at the start of the request's write; the answer fills it in the same
 * transaction, so a stored answer exists iff the request's changes committed, and a failure
 * rolls the claim back with everything else. Expired rows are swept a few per keyed request
 * (an index range on created_at), so the table holds about one window's keys. */
#include "core/idem.h"

#include <string.h>

#include "store/store.h"
#include "util/crypto.h"
#include "util/limits.h"

#define SWEEP_ROWS 4 /* expired rows each keyed request deletes: more than it adds */

_Static_assert(IDEM_FINGERPRINT_LEN == SHA256_LEN, "a fingerprint is a SHA-256");

status idem_check_key(const char *key, diag *d)
{
    size_t n = strlen(key);
    if (n == 0 || n > LIMIT_IDEM_KEY)
        return diag_set(d, ST_INVALID, "Idempotency-Key", "must be 1 to %d characters",
                        LIMIT_IDEM_KEY);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
            return diag_set(d, ST_INVALID, "Idempotency-Key", "must be printable ASCII characters");
    return ST_OK;
}

status idem_begin(core_ctx *cx, const char *key, const unsigned char fp[IDEM_FINGERPRINT_LEN],
                  int64_t ttl_ms, const idem_row **replay)
{
    *replay = NULL;
    int64_t expired_before = cx->now - ttl_ms;
    status st = store_idem_sweep(cx->db, expired_before, SWEEP_ROWS, cx->a);
    if (st) return st;
    bool claimed;
    idem_row *row = ARENA_NEW(cx->a, idem_row);
    st = store_idem_claim(cx->db, cx->ws, key, fp, cx->now, expired_before, cx->a, &claimed, row);
    if (st == ST_CONFLICT)
        return diag_set(cx->d, ST_CONFLICT, "Idempotency-Key",
                        "is being used by a request that has not finished; retry it");
    if (st || claimed) return st;
    if (!crypto_equal(row->fingerprint, fp, IDEM_FINGERPRINT_LEN)) {
        st = diag_set(cx->d, ST_CONFLICT, "Idempotency-Key",
                      "was used for another request (method, path, query or body differ)");
        cx->d->reason = REASON_IDEM_KEY_REUSED;
        return st;
    }
    /* Seen only when the claim's transaction is still open where we cannot wait for it. */
    if (row->status == NULL_INT)
        return diag_set(cx->d, ST_CONFLICT, "Idempotency-Key",
                        "is being used by a request that has not finished; retry it");
    *replay = row;
    return ST_OK;
}

status idem_finish(core_ctx *cx, const char *key, const idem_row *answer)
{
    if (answer->status < 200 || answer->status > 299)
        return store_idem_release(cx->db, cx->ws, key);
    return store_idem_finish(cx->db, cx->ws, key, answer);
}
