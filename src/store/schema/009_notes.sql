-- ticketd schema, version 9: internal notes. A note is a reply that only ticketd's own API
-- (/ticketd/v1) shows: it is never a chat message (Zaia), a Tamio reply, nor in Apizee's
-- timeline and exports. The store reads that leave notes out filter on this column.

ALTER TABLE replies ADD COLUMN note INTEGER NOT NULL DEFAULT 0;
