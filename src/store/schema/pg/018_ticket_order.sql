-- Nothing to change: ../018_ticket_order.sql keeps how far ticket ids follow created_at for
-- SQLite's common-q page read in id order (store/ticket_page.c rowid_page), a plan PostgreSQL
-- does not take (its search is a GIN index, not an FTS5 doclist in rowid order); a one-row table
-- written by every ticket insert would also serialize PostgreSQL's concurrent creates. The
-- number keeps both engines at the same schema version (`ticketd copy` requires it).
COMMENT ON COLUMN tickets.created_at IS 'ms since the epoch; ids follow it only while the clock does';
