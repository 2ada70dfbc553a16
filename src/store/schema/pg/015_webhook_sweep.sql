-- The webhook log's retention (docs/WEBHOOKS.md "The log"): finished deliveries by the time
-- they finished, so the outbox worker's sweep reads the oldest ones off one index. done_at only
-- grows, so the entries land at its right edge.
CREATE INDEX webhook_deliveries_done ON webhook_deliveries(done_at) WHERE status <> 'queued';
