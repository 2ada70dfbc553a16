/* Idempotency-Key: a keyed POST's answer is stored per workspace and key in the transaction of
 * its writes, so a retry with the same key and the same request replays it instead of writing
 * again (docs/IDEMPOTENCY.md). The caller (api/'s dispatcher) fingerprints the request and
 * renders the answers; this module decides claim, replay, refusal and expiry. idem_begin and
 * idem_finish run inside one write (a group-commit job, or core_txn) on cx->db, which must be
 * the writer. Thread safety: that of the writer. */
#ifndef TICKETD_CORE_IDEM_H
#define TICKETD_CORE_IDEM_H

#include "core/core.h"

#define IDEM_TTL_MS (24LL * 3600 * 1000) /* how long a stored answer is replayed */

/* 1..LIMIT_IDEM_KEY printable ASCII bytes (0x20..0x7e); else ST_INVALID naming
 * Idempotency-Key. */
status idem_check_key(const char *key, diag *d) WUR;

/* Claims `key` of cx's workspace for a request whose fingerprint is fp, after sweeping a few
 * expired rows. Rows older than ttl_ms are expired: ignored, and taken over. Outcomes:
 * - ST_OK, *replay NULL: claimed; run the request, then idem_finish in the same write.
 * - ST_OK, *replay set (arena): the stored answer of an earlier request with the same key and
 *   fingerprint; send it again, write nothing.
 * - ST_CONFLICT, reason REASON_IDEM_KEY_REUSED: the key was used for another request (422).
 * - ST_CONFLICT, no reason: the key is held by a request that has not finished (409). */
status idem_begin(core_ctx *cx, const char *key, const unsigned char fp[IDEM_FINGERPRINT_LEN],
                  int64_t ttl_ms, const idem_row **replay) WUR;

/* After the claimed request ran without failing: stores its answer (status, content_type,
 * headers, body of *answer) when the status is 2xx, else drops the claim, so a retry runs
 * again. */
status idem_finish(core_ctx *cx, const char *key, const idem_row *answer) WUR;

#endif
