-- Nothing to change: PostgreSQL's search document (ticket_fts.doc, 003) is a tsvector column
-- written by its own triggers, with no per-statement segment to batch. The number keeps both
-- engines at the same schema version (`ticketd copy` requires it).
COMMENT ON TABLE ticket_fts IS 'one search document per ticket, kept by triggers (003)';
