-- ticketd schema, version 21: a webhook delivery's latest attempt is kept in its own row (time,
-- status code, latency, the answer's first bytes, error), written by the same UPDATE that records
-- its outcome; webhook_attempts holds only the attempts before it (each moved there when the next
-- one is recorded). A delivery that succeeds at once -- nearly all of them -- then costs no
-- attempt row and no second index entry (docs/WEBHOOKS.md "The log"). Deliveries recorded before
-- 021 keep every attempt in webhook_attempts and NULLs here; the log reads both the same way.
--
-- PostgreSQL 15 translation of ../021_webhook_last_attempt.sql.
ALTER TABLE webhook_deliveries ADD COLUMN last_at BIGINT;           -- ms; NULL: none in the row
ALTER TABLE webhook_deliveries ADD COLUMN last_code BIGINT;         -- NULL: no HTTP answer
ALTER TABLE webhook_deliveries ADD COLUMN last_latency_ms BIGINT;
ALTER TABLE webhook_deliveries ADD COLUMN last_response TEXT;       -- the answer's first bytes
ALTER TABLE webhook_deliveries ADD COLUMN last_error TEXT;
